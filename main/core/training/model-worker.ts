/**
 * Short worker jobs on one model: `cosmo_rl.merge` (a checkpoint folded into its base, or a model
 * re-saved as safetensors) and a one-message `cosmo_rl.generate` for the chat panel. Each runs
 * the worker once, reads its events and returns the result or throws the worker's own sentence.
 */
import { join } from 'node:path';
import { StudioError } from '../../../preload/contract/errors.js';
import { WORKER_ENV } from './jobs.js';
import { isAdapterFolder } from '../evaluation/eval-plan.js';
import { lastErrorLine, runPython } from './python-probe.js';
import { getModelRow, type ModelRow } from './store.js';
import { LineSplitter, parseWorkerLine, type WorkerEvent } from './worker-events.js';
import type { ReadableDB } from '../../../db/handles.js';

export interface Worker {
  python(): string | null;
  workerDir: string;
  pythonMissing: string;
}

/** What the worker loads for a model: a LoRA checkpoint is its run's base plus the adapter. */
export interface LoadSpec {
  base: string;
  adapter: string | null;
  trustRemoteCode: boolean;
}

export function loadSpec(db: ReadableDB, row: ModelRow): LoadSpec {
  if (row.kind === 'checkpoint' && row.parent_id !== null && isAdapterFolder(row.path)) {
    const base = getModelRow(db, row.parent_id);
    if (base.deleted_at !== null) throw new StudioError('conflict', `"${row.name}" is an adapter on "${base.name}", which was deleted; it cannot load without it.`);
    return { base: base.path, adapter: row.path, trustRemoteCode: base.trust_remote_code === 1 };
  }
  return { base: row.path, adapter: null, trustRemoteCode: row.trust_remote_code === 1 };
}

/** Runs `python -m <module> ...args`; resolves with the events, or throws the worker's error sentence. */
export async function runWorkerJob(worker: Worker, module: string, args: string[], onEvent: (e: WorkerEvent) => void = () => undefined): Promise<WorkerEvent[]> {
  const python = worker.python();
  if (!python) throw new StudioError('unsupported', worker.pythonMissing);
  const events: WorkerEvent[] = [];
  const splitter = new LineSplitter((line) => {
    const parsed = parseWorkerLine(line);
    if (parsed.kind !== 'event') return;
    events.push(parsed.event);
    onEvent(parsed.event);
  });
  const sep = process.platform === 'win32' ? ';' : ':';
  const run = await runPython(python, ['-m', module, ...args], {
    cwd: worker.workerDir,
    env: { ...process.env, ...WORKER_ENV, PYTHONPATH: [worker.workerDir, process.env.PYTHONPATH].filter(Boolean).join(sep) },
    onStdout: (chunk) => splitter.push(chunk),
  });
  splitter.end();
  if (run.spawnError) throw new StudioError('unsupported', `The worker could not start: ${run.spawnError}`);
  const error = events.find((e) => e.type === 'error');
  const finished = events.find((e) => e.type === 'finished');
  if (finished?.type === 'finished' && finished.status === 'completed' && run.code === 0) return events;
  if (error?.type === 'error') throw new StudioError('invalid_input', `The worker failed: ${error.advice ? `${error.message} ${error.advice}` : error.message}`);
  throw new StudioError('internal', `The worker stopped without finishing (exit ${run.code ?? 'by a signal'}): ${lastErrorLine(run.stderr)}`);
}

export function mergeArgs(spec: LoadSpec, out: string): string[] {
  const args = ['--base', spec.base, '--out', out];
  if (spec.adapter) args.push('--adapter', spec.adapter);
  if (spec.trustRemoteCode) args.push('--trust-remote-code');
  return args;
}

export function generateArgs(spec: LoadSpec, dir: string, opts: { maxNewTokens: number; temperature: number }): string[] {
  const args = ['--base', spec.base, '--eval', join(dir, 'chat.jsonl'), '--out', join(dir, 'reply.jsonl'), '--batch-size', '1'];
  if (spec.adapter) args.push('--adapter', `chat=${spec.adapter}`, '--no-base');
  if (spec.trustRemoteCode) args.push('--trust-remote-code');
  args.push('--max-new-tokens', String(opts.maxNewTokens), '--temperature', String(opts.temperature), '--samples', '1');
  return args;
}
