/**
 * Pure helpers for the training screens: which metric goes on which chart, how the live series
 * stays bounded, how a snapshot image path maps back to its blob, and how times and statuses
 * read. No DOM, no client: tested in tests/unit/training-renderer.test.ts.
 */
import type { MetricPoint, RunStatus, RunSummary } from '../../../../preload/contract/training';
import { humanize } from '../../composables/format';

/** Points kept per run in memory and drawn per series: long runs are thinned, never truncated at the start. */
export const MAX_POINTS = 400;

export type SeriesSpec = { key: string; label: string } | { prefix: string };
export type ValueFormat = 'number' | 'percent' | 'megabytes' | 'tokens';

export interface ChartSpec {
  id: string;
  title: string;
  /** One sentence under the title: what the curve should do in a healthy run. */
  hint: string;
  series: SeriesSpec[];
  format: ValueFormat;
}

/** The charts of a run (COSMO-RL.md "What a run reports"); metric names from native-models/README.md. */
export const RUN_CHARTS: readonly ChartSpec[] = [
  {
    id: 'reward',
    title: 'Reward',
    hint: 'Weighted total and each term (mean over the rollout batch).',
    series: [
      { key: 'reward', label: 'Total' },
      { key: 'rewards/format_reward/mean', label: 'Format' },
      { key: 'rewards/visual_reward/mean', label: 'Visual' },
      { key: 'rewards/helpful_reward/mean', label: 'Helpful' },
      { key: 'rewards/task_reward/mean', label: 'Task' },
    ],
    format: 'number',
  },
  {
    id: 'reward-task',
    title: 'Reward per task',
    hint: 'Mean total reward of the rollouts of each task.',
    series: [{ prefix: 'reward_task/' }],
    format: 'number',
  },
  {
    id: 'safety',
    title: 'Refusals and unsafe answers',
    hint: 'Refusals of harmful and of benign items, and unsafe answers to harmful ones.',
    series: [
      { key: 'safety/refusal_rate_harmful', label: 'Refused (harmful)' },
      { key: 'safety/refusal_rate_benign', label: 'Refused (benign)' },
      { key: 'safety/unsafe_rate', label: 'Unsafe (harmful)' },
    ],
    format: 'percent',
  },
  {
    id: 'clip',
    title: 'Clip fraction',
    hint: 'Share of tokens whose log-ratio clamp is active.',
    series: [{ key: 'clip_ratio/region_mean', label: 'Clip fraction' }],
    format: 'percent',
  },
  {
    id: 'drift',
    title: 'Policy drift',
    hint: 'CPGD drift term and mean log-ratio to the rollout policy.',
    series: [
      { key: 'cpgd/drift', label: 'Drift' },
      { key: 'cpgd/log_ratio_mean', label: 'Mean log-ratio' },
    ],
    format: 'number',
  },
  {
    id: 'entropy',
    title: 'Entropy',
    hint: 'Token entropy of the policy; a collapse toward 0 means it stopped exploring.',
    series: [{ key: 'entropy', label: 'Entropy' }],
    format: 'number',
  },
  {
    id: 'length',
    title: 'Response length',
    hint: 'Mean completion length, in tokens; a sudden drop can mean format farming.',
    series: [
      { key: 'completions/mean_length', label: 'Mean' },
      { key: 'completions/max_length', label: 'Max' },
    ],
    format: 'tokens',
  },
  {
    id: 'loss',
    title: 'Loss and gradient norm',
    hint: 'Optimizer loss and the gradient norm before clipping.',
    series: [
      { key: 'loss', label: 'Loss' },
      { key: 'grad_norm', label: 'Grad norm' },
    ],
    format: 'number',
  },
  {
    id: 'memory',
    title: 'Device memory',
    hint: 'Peak memory on the GPU (CUDA or MPS); the CPU reports none.',
    series: [{ key: 'memory/peak_mb', label: 'Peak' }],
    format: 'megabytes',
  },
];

/** One colour per task everywhere (task-mix bar, per-task reward chart). */
export const TASK_COLORS: Record<string, string> = {
  safety: '#d0453a',
  jailbreak: '#a3319b',
  value: '#d4a72c',
  knowledge: '#4f6bed',
  general: '#2f9e6b',
  instruction: '#3aa8c1',
};
/** Series colours, readable in both themes; a series keeps its colour as others appear. */
export const PALETTE = ['#4f6bed', '#e07b39', '#2f9e6b', '#c2408e', '#8f6ad8', '#d4a72c', '#3aa8c1'];

export function seriesColor(spec: ChartSpec, key: string): string {
  const task = /^reward_task\/(.+)$/.exec(key)?.[1];
  if (task && TASK_COLORS[task]) return TASK_COLORS[task];
  const at = spec.series.findIndex((s) => 'key' in s && s.key === key);
  return PALETTE[(at < 0 ? 0 : at) % PALETTE.length]!;
}

export interface XY {
  x: number;
  y: number;
}
export interface ChartSeries {
  key: string;
  label: string;
  color: string;
  data: XY[];
}

/** The metric keys a spec names, given the keys the run has reported (prefix specs expand). */
export function seriesKeys(spec: ChartSpec, known: ReadonlySet<string>): { key: string; label: string }[] {
  const out: { key: string; label: string }[] = [];
  for (const s of spec.series) {
    if ('key' in s) out.push(s);
    else for (const key of [...known].filter((k) => k.startsWith(s.prefix)).sort()) out.push({ key, label: humanize(key.slice(s.prefix.length)) });
  }
  return out;
}

export function knownKeys(points: readonly MetricPoint[]): Set<string> {
  const keys = new Set<string>();
  for (const p of points) for (const k of Object.keys(p.values)) keys.add(k);
  return keys;
}

/**
 * The series of one chart. Steps that did not report a metric are left out (rewards only come
 * with a new rollout batch), and a series with no point at all is dropped.
 */
export function chartSeries(spec: ChartSpec, points: readonly MetricPoint[], known = knownKeys(points)): ChartSeries[] {
  return seriesKeys(spec, known)
    .map(({ key, label }) => ({
      key,
      label,
      color: seriesColor(spec, key),
      data: points.flatMap((p) => {
        const y = p.values[key];
        return y === undefined || !Number.isFinite(y) ? [] : [{ x: p.step, y }];
      }),
    }))
    .filter((s) => s.data.length > 0);
}

/**
 * Keeps at most `max` points: evenly spaced over the whole run, always with the first and the
 * latest, so a long run still shows its beginning and the chart cost stays flat.
 */
export function thinPoints<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  if (max < 2) return points.slice(-max);
  const out: T[] = [];
  const stride = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * stride)]!);
  return out;
}

/**
 * Adds a live point in step order. A step seen again (a resumed run replays from its checkpoint)
 * replaces the earlier one. Past `max` the series is thinned to three quarters of it, so thinning
 * happens once every max/4 points rather than at every event.
 */
export function mergePoint(points: MetricPoint[], point: MetricPoint, max = MAX_POINTS): MetricPoint[] {
  const last = points[points.length - 1];
  let next: MetricPoint[];
  if (!last || last.step < point.step) next = [...points, point];
  else {
    const kept = points.filter((p) => p.step !== point.step);
    const at = kept.findIndex((p) => p.step > point.step);
    next = at < 0 ? [...kept, point] : [...kept.slice(0, at), point, ...kept.slice(at)];
  }
  return next.length > max ? thinPoints(next, Math.floor((max * 3) / 4)) : next;
}

/** Merges a page of points (from getRun with sinceStep) into the live series. */
export function mergePoints(points: MetricPoint[], page: readonly MetricPoint[], max = MAX_POINTS): MetricPoint[] {
  let out = points;
  for (const p of page) out = mergePoint(out, p, Number.POSITIVE_INFINITY);
  return thinPoints(out, max);
}

/** The latest value of each metric (the last step that reported it). */
export function latestValues(points: readonly MetricPoint[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of points) Object.assign(out, p.values);
  return out;
}

/**
 * Snapshot images are `images/<sha256>.<ext>`, the same bytes as the studio's blob of that hash,
 * so the image a rollout names can be shown through the blob store.
 */
export function imageShaFromPath(path: string | null): string | null {
  if (!path) return null;
  const match = /(?:^|[\\/])([0-9a-f]{64})\.[A-Za-z0-9]+$/.exec(path);
  return match ? match[1]! : null;
}

export function formatMetric(value: number | undefined | null, format: ValueFormat): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  switch (format) {
    case 'percent':
      return `${(value * 100).toFixed(value >= 0.995 || value === 0 ? 0 : 1)}%`;
    case 'megabytes':
      return value >= 1024 ? `${(value / 1024).toFixed(1)} GB` : `${Math.round(value)} MB`;
    case 'tokens':
      return `${Math.round(value)}`;
    default: {
      const abs = Math.abs(value);
      if (abs !== 0 && (abs < 0.001 || abs >= 100_000)) return value.toExponential(2);
      return abs >= 100 ? value.toFixed(0) : abs >= 1 ? value.toFixed(2) : value.toFixed(3);
    }
  }
}

/**
 * An axis's tick labels in a unit: a label equal to the one before it is left blank, so a small
 * range in a coarse unit (tokens, MB over 0-1) reads "0 … 1" instead of "0 0 0 1 1".
 */
export function distinctTickLabels(values: readonly number[], format: ValueFormat): string[] {
  let previous: string | null = null;
  return values.map((value) => {
    const label = formatMetric(value, format);
    if (label === previous) return '';
    previous = label;
    return label;
  });
}

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

/** Wall time of a run: from start to finish, or to `now` while it runs. */
export function runDurationSeconds(run: Pick<RunSummary, 'startedAt' | 'finishedAt'>, now = Date.now()): number | null {
  if (!run.startedAt) return null;
  const start = Date.parse(run.startedAt);
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return Math.max(0, (end - start) / 1000);
}

export const ACTIVE_STATUSES: ReadonlySet<RunStatus> = new Set(['queued', 'running', 'cancelling']);
export const isActive = (status: RunStatus): boolean => ACTIVE_STATUSES.has(status);

export type Tone = 'accent' | 'benign' | 'harmful' | 'warn' | 'plain';
export const STATUS_TONE: Record<RunStatus, Tone> = {
  queued: 'plain',
  running: 'accent',
  cancelling: 'warn',
  completed: 'benign',
  cancelled: 'warn',
  failed: 'harmful',
  interrupted: 'warn',
};

/** A task mix as shares that sum to 1 (for display), in a stable task order. */
export function mixShares(mix: Partial<Record<string, number>>): { task: string; weight: number; share: number }[] {
  const entries = Object.entries(mix).filter((e): e is [string, number] => typeof e[1] === 'number');
  const total = entries.reduce((a, [, w]) => a + w, 0);
  return entries.map(([task, weight]) => ({ task, weight, share: total > 0 ? weight / total : 0 }));
}

/** The short form of a snapshot hash shown on a run (the full hash sits in its title). */
/**
 * The mix after one task's slider moved to `share` (0-1) of the stage's prompts: that task's
 * weight becomes the share, the other tasks keep their proportions between them and fill the
 * rest, so the weights sum to 1 and every slider shows exactly the share beside it. With no
 * other weight to scale, the task keeps the whole stage.
 */
export function setMixShare<T extends string>(mix: Partial<Record<T, number>>, task: NoInfer<T>, share: number): Partial<Record<T, number>> {
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const clamped = Math.min(1, Math.max(0, share));
  const others = (Object.keys(mix) as T[]).filter((key) => key !== task);
  const rest = others.reduce((sum, key) => sum + (mix[key] ?? 0), 0);
  if (rest <= 0) return { ...mix, [task]: others.length === 0 ? 1 : round(clamped) };
  const next: Partial<Record<T, number>> = { [task]: round(clamped) } as Partial<Record<T, number>>;
  for (const key of others) next[key] = round(((mix[key] ?? 0) / rest) * (1 - clamped));
  return next;
}

export const shortHash = (hash: string): string => hash.slice(0, 12);

/** Disk and model sizes: GB once past a gigabyte (format.ts stops at MB). */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const gb = bytes / 1024 ** 3;
  if (gb >= 1) return `${gb.toFixed(gb >= 100 ? 0 : 1)} GB`;
  const mb = bytes / 1024 ** 2;
  if (mb >= 1) return `${mb.toFixed(mb >= 100 ? 0 : 1)} MB`;
  return `${Math.max(0, Math.round(bytes / 1024))} KB`;
}

/** Parameter counts as people say them: 155.6K, 7.6B. */
export function formatParameters(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

/**
 * Every metric's latest value as of `step` (rewards come only with rollout batches, loss with
 * every step, so one row rarely has them all): what a checkpoint at that step stood at.
 */
export function valuesAt(points: readonly MetricPoint[], step: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of points) if (p.step <= step) Object.assign(out, p.values);
  return out;
}

/** The highest value a metric reached, with its step; null when it was never reported. */
export function bestValue(points: readonly MetricPoint[], key: string): { value: number; step: number } | null {
  let best: { value: number; step: number } | null = null;
  for (const p of points) {
    const v = p.values[key];
    if (v !== undefined && Number.isFinite(v) && (!best || v > best.value)) best = { value: v, step: p.step };
  }
  return best;
}

/** Backbone families as their authors write them. */
export const FAMILY_NAME: Record<'qwen2_vl' | 'qwen2_5_vl' | 'causal_lm', string> = {
  qwen2_vl: 'Qwen2-VL',
  qwen2_5_vl: 'Qwen2.5-VL',
  causal_lm: 'Causal LM',
};

/** System problem areas as a heading reads them. */
export const AREA_NAME: Record<'python' | 'packages' | 'worker' | 'gpu' | 'disk', string> = {
  python: 'Python',
  packages: 'Packages',
  worker: 'Worker',
  gpu: 'GPU',
  disk: 'Disk',
};
