/**
 * The worker -> studio event protocol (native-models/cosmo_rl/protocol.py, JSON Schema in
 * native-models/schema/events.schema.json): one JSON object per stdout line, each with `v`
 * (protocol version), `type` and `time`.
 *
 * The schemas accept extra keys (a newer worker may add fields within version 1) but require
 * every field the studio reads. Anything on stdout that is not a valid event becomes a log entry:
 * a stray print must never crash the job manager or lose the run.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

const base = { v: z.literal(PROTOCOL_VERSION), time: z.string() };
const nullableNumber = z.number().nullable();

export const StartedEvent = z.object({
  ...base,
  type: z.literal('started'),
  run_id: z.string().nullable().default(null),
  device: z.enum(['cuda', 'mps', 'cpu']),
  gpu: z.object({ name: z.string(), memory_total_mb: z.number().int() }).nullable(),
  torch: z.string(),
  transformers: z.string(),
  trl: z.string(),
  config_hash: z.string(),
});

export const ProgressEvent = z.object({
  ...base,
  type: z.literal('progress'),
  stage: z.string(),
  step: z.number().int(),
  total_steps: z.number().int(),
  stage_step: z.number().int(),
  stage_total: z.number().int(),
  eta_seconds: nullableNumber,
});

export const MetricsEvent = z.object({
  ...base,
  type: z.literal('metrics'),
  step: z.number().int(),
  stage: z.string(),
  values: z.record(z.string(), z.number()),
});

export const CheckpointEvent = z.object({
  ...base,
  type: z.literal('checkpoint'),
  step: z.number().int(),
  stage: z.string(),
  path: z.string().min(1),
});

export const RolloutEvent = z.object({
  item_id: z.string(),
  task: z.string(),
  prompt: z.string(),
  image: z.string().nullable(),
  completion: z.string(),
  rewards: z.object({
    format: nullableNumber,
    visual: nullableNumber,
    helpful: nullableNumber,
    task: nullableNumber,
    total: nullableNumber,
  }),
});

export const SampleEvent = z.object({
  ...base,
  type: z.literal('sample'),
  step: z.number().int(),
  stage: z.string(),
  rollouts: z.array(RolloutEvent),
});

export const ProbeEvent = z.object({
  ...base,
  type: z.literal('probe'),
  step: z.number().int(),
  stage: z.string(),
  baseline: z.boolean(),
  prompts: z.number().int(),
  harmful: z.number().int(),
  benign: z.number().int(),
  unsafe: z.number().int(),
  over_refused: z.number().int(),
  care: z.number().int(),
  seconds: z.number(),
  stop_reason: z.string().nullable().default(null),
});

export const LogEvent = z.object({
  ...base,
  type: z.literal('log'),
  level: z.enum(['debug', 'info', 'warning', 'error']),
  message: z.string(),
});

export const ErrorEvent = z.object({
  ...base,
  type: z.literal('error'),
  message: z.string(),
  traceback: z.string().nullable().default(null),
  advice: z.string().nullable().default(null),
});

export const FinishedEvent = z.object({
  ...base,
  type: z.literal('finished'),
  status: z.enum(['completed', 'cancelled', 'failed']),
  checkpoint: z.string().nullable(),
  output: z.string().nullable().default(null),
  /** Why a run ended before its last step (a probe stop rule). */
  reason: z.string().nullable().default(null),
});

export const WorkerEvent = z.discriminatedUnion('type', [StartedEvent, ProgressEvent, MetricsEvent, CheckpointEvent, SampleEvent, ProbeEvent, LogEvent, ErrorEvent, FinishedEvent]);
export type WorkerEvent = z.infer<typeof WorkerEvent>;
export type WorkerEventOf<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;

/** Snapshot images are named `<sha256>.<ext>` after the blob they were copied from. */
export function imageSha256(path: string | null): string | null {
  const m = path ? /([0-9a-f]{64})\.[A-Za-z0-9]+$/.exec(path) : null;
  return m ? m[1]! : null;
}

/** A protocol rollout in the contract's shape. */
export function toRollout(r: z.infer<typeof RolloutEvent>) {
  return { itemId: r.item_id, task: r.task, prompt: r.prompt, image: r.image, imageSha256: imageSha256(r.image), completion: r.completion, rewards: r.rewards };
}

export type ParsedLine =
  | { kind: 'event'; event: WorkerEvent }
  /** Plain text on stdout (a stray print): kept as a log line. */
  | { kind: 'text'; text: string }
  /** JSON that is not a valid event: kept as a log line with the reason. */
  | { kind: 'invalid'; text: string; reason: string };

/** Classifies one stdout line. Never throws. */
export function parseWorkerLine(line: string): ParsedLine {
  const text = line.replace(/\r$/, '');
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return { kind: 'text', text };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return { kind: 'text', text };
  }
  const parsed = WorkerEvent.safeParse(json);
  if (parsed.success) return { kind: 'event', event: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return { kind: 'invalid', text, reason: `not a protocol v${PROTOCOL_VERSION} event: ${where}${issue?.message ?? 'invalid'}` };
}

/**
 * Splits a byte stream into lines, holding a partial line until its newline arrives. A line
 * longer than `maxLineBytes` is cut and delivered in pieces rather than growing without bound.
 */
export class LineSplitter {
  private pending = '';
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineChars = 16 * 1024 * 1024,
  ) {}

  push(chunk: Uint8Array | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const nl = this.pending.indexOf('\n', start);
      if (nl < 0) break;
      this.onLine(this.pending.slice(start, nl));
      start = nl + 1;
    }
    this.pending = this.pending.slice(start);
    while (this.pending.length > this.maxLineChars) {
      this.onLine(this.pending.slice(0, this.maxLineChars));
      this.pending = this.pending.slice(this.maxLineChars);
    }
  }

  /** Delivers a last line that had no newline (the stream ended). */
  end(): void {
    this.pending += this.decoder.decode();
    if (this.pending.length > 0) this.onLine(this.pending);
    this.pending = '';
  }
}
