/**
 * getRun: everything stored about one run for the run view: its summary, config and command line,
 * metric rows from a step on, the latest samples, checkpoints (and the models they became), log
 * events, the worker log's tail, event counts and the probe series.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunDetail } from '../../../preload/contract/training.js';
import type { CoreContext } from '../context.js';
import type { JobManager } from './jobs.js';
import { probeSeries } from './probes.js';
import { workerCommandLine } from './run-config.js';
import type { TrainingHandlers, TrainingWorker } from './service-context.js';
import { getRunRow, metricSeries, runConfigOf } from './store.js';
import { ProbeEvent, SampleEvent, toRollout } from './worker-events.js';

/** The last 16 KB of a log file, for a run still going (its tail is stored when it ends). */
function readTail(path: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.slice(-16_000);
  } catch {
    return '';
  }
}

export function createRunDetail(ctx: CoreContext, worker: TrainingWorker, jobs: JobManager): Pick<TrainingHandlers, 'getRun'> {
  return {
    getRun: ({ runId, sinceStep, samples }): RunDetail => {
      const row = getRunRow(ctx.db.read, runId);
      const config = runConfigOf(row);
      const db = ctx.db.read;
      const events = db.prepare<{ type: string; step: number | null; data: string; time: string }>(`SELECT type, step, data, time FROM run_event WHERE run_id = ? ORDER BY id`).all(runId);
      const sampleRows = events.filter((e) => e.type === 'sample').slice(-samples);
      const modelByStep = new Map(
        db
          .prepare<{ id: number; step: number }>(`SELECT id, step FROM model WHERE run_id = ?`)
          .all(runId)
          .map((m) => [m.step, m.id]),
      );
      const counts: Record<string, number> = {};
      for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
      counts.metrics = db.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM run_metric WHERE run_id = ?').get(runId)?.n ?? 0;
      const runDir = join(ctx.paths.runs, row.dir);
      return {
        run: jobs.summary(runId),
        config,
        commandLine: workerCommandLine(worker.python() ?? 'python', worker.workerDir, join(runDir, 'config.json'), row.attempts > 0),
        metrics: metricSeries(db, runId, sinceStep),
        samples: sampleRows.map((e) => {
          const d = SampleEvent.parse(JSON.parse(e.data));
          return { step: d.step, stage: d.stage, time: d.time, rollouts: d.rollouts.map(toRollout) };
        }),
        checkpoints: events
          .filter((e) => e.type === 'checkpoint')
          .map((e) => {
            const d = JSON.parse(e.data) as { step: number; stage: string; path: string };
            return { step: d.step, stage: d.stage, path: d.path, modelId: modelByStep.get(d.step) ?? null, time: e.time };
          }),
        events: events
          .filter((e) => e.type === 'log' || e.type === 'error')
          .slice(-200)
          .map((e) => {
            const d = JSON.parse(e.data) as { level?: 'debug' | 'info' | 'warning' | 'error'; message: string; advice?: string | null };
            return { time: e.time, level: e.type === 'error' ? 'error' : (d.level ?? 'info'), message: d.advice ? `${d.message} ${d.advice}` : d.message };
          }),
        logTail: row.log_tail || readTail(join(runDir, 'worker.log')),
        logPath: join(runDir, 'worker.log'),
        counts,
        probes: probeSeries(events.filter((e) => e.type === 'probe').map((e) => ProbeEvent.parse(JSON.parse(e.data)))),
      };
    },
  };
}
