/**
 * `studio train` and `studio runs`: the studio's training path, headless. `train` goes through
 * the same handlers as the Train button (snapshot frozen, run queued, worker launched by the job
 * manager), prints progress and metrics as they arrive, and waits for the run to end; Ctrl-C
 * asks the worker to checkpoint and stop.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { StudioError } from '../../preload/contract/errors.js';
import { RunSettings } from '../../preload/contract/run-config.js';
import type { ModelInfo, RunPreset, RunSummary } from '../../preload/contract/training.js';
import type { StudioCore } from '../core/studio.js';
import { configIssues } from '../core/training/run-config.js';
import { callMethod } from '../server/dispatch.js';
import { requireProjectByName } from './commands/projects.js';
import type { CliIo } from './io.js';
import { UsageError } from './errors.js';
import { cliLocalCaller, withCore } from './open-core.js';

const DATA_DIR_HELP = 'the studio data directory (default: $STUDIO_DATA_DIR, else the OS app-data folder)';
const TERMINAL = new Set(['completed', 'cancelled', 'failed', 'interrupted']);

export interface TrainOptions {
  project: string;
  preset: RunPreset;
  config?: string;
  model?: string;
  name?: string;
  dataDir?: string;
  json?: boolean;
  /** Lets the --model folder's own Python code run (transformers' trust_remote_code). */
  trustRemoteCode?: boolean;
}

/** Reads a settings file (the `settings` of a preview, or the form's JSON); errors name the file and field. */
export function readSettingsFile(path: string): RunSettings {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new StudioError('invalid_input', `${path}: ${(err as Error).message}`);
  }
  const parsed = RunSettings.safeParse(data);
  if (parsed.success) return parsed.data;
  const issues = configIssues(parsed.error, data);
  const problems = issues.map((i) => ({ file: path, line: null, field: i.path, message: i.message }));
  throw new StudioError('invalid_input', `${path}: ${issues[0]?.path}: ${issues[0]?.message}`, problems);
}

/** `tiny` (built on first use), a registered model id, or a model folder (registered on the fly). */
async function resolveModel(core: StudioCore, spec: string, trustRemoteCode: boolean): Promise<ModelInfo> {
  if (trustRemoteCode && (spec === 'tiny' || /^\d+$/.test(spec))) {
    throw new UsageError('--trust-remote-code applies to a model folder given with --model DIR');
  }
  if (spec === 'tiny') return callMethod(core.handlers, 'buildTinyModel', {});
  if (/^\d+$/.test(spec)) {
    const model = (await callMethod(core.handlers, 'listModels', {})).find((m) => m.id === Number(spec));
    if (!model) throw new StudioError('not_found', `There is no model ${spec}; \`studio runs --models\` lists them.`);
    return model;
  }
  return callMethod(core.handlers, 'addBaseModel', { source: 'local', path: resolve(spec), trustRemoteCode });
}

function formatMetrics(values: Record<string, number>): string {
  const keys = ['reward', 'loss', 'cpgd/drift', 'safety/refusal_rate_benign', 'safety/unsafe_rate', 'entropy'];
  return keys
    .filter((k) => values[k] !== undefined)
    .map((k) => `${k}=${Number(values[k]!.toPrecision(4))}`)
    .join(' ');
}

export async function trainCommand(io: CliIo, opts: TrainOptions): Promise<number> {
  return withCore(
    io,
    opts.dataDir,
    async (core) => {
      const project = await requireProjectByName(core, opts.project);
      const settings = opts.config ? readSettingsFile(opts.config) : undefined;
      const spec = opts.model ?? (opts.preset === 'quick' ? 'tiny' : null);
      if (spec === null) throw new StudioError('invalid_input', 'The standard preset needs a real model: pass --model with a model folder or a model id (`studio runs --models`).');
      const model = await resolveModel(core, spec, opts.trustRemoteCode === true);
      const request = { projectId: project.id, baseModelId: model.id, preset: opts.preset, ...(settings ? { settings } : {}), ...(opts.name ? { name: opts.name } : {}) };
      const preview = await callMethod(core.handlers, 'previewRun', request);
      for (const w of preview.warnings) io.stderr(`${w.severity}: ${w.message}\n`);

      let runId: number | null = null;
      const clicked = Date.now();
      let firstMetricMs: number | null = null;
      const ended = new Promise<RunSummary>((resolveEnd) => {
        core.events.subscribe((event) => {
          if (runId === null) return;
          if (event.type === 'run.progress' && event.runId === runId) {
            const eta = event.etaSeconds === null ? '' : ` eta ${Math.round(event.etaSeconds)}s`;
            io.stderr(`${event.stage} step ${event.step}/${event.totalSteps}${eta}\n`);
          } else if (event.type === 'run.metrics' && event.runId === runId) {
            firstMetricMs ??= Date.now() - clicked;
            io.stdout(`${opts.json ? JSON.stringify({ runId, ...event.point }) : `step ${event.point.step} ${formatMetrics(event.point.values)}`}\n`);
          } else if (event.type === 'model.changed' && event.model.runId === runId) {
            io.stderr(`checkpoint: model ${event.model.id} (step ${event.model.step}) at ${event.model.path}\n`);
          } else if (event.type === 'run.status' && event.run.id === runId) {
            if (TERMINAL.has(event.run.status)) resolveEnd(event.run);
          }
        });
      });
      const started = await callMethod(core.handlers, 'startRun', request);
      runId = started.id;
      io.stderr(`run ${started.id} (${started.status}): snapshot ${started.snapshotHash.slice(0, 12)} with ${started.snapshotItems} items; ${core.paths.runs}/${started.dir}\n`);
      const onStop = () => void callMethod(core.handlers, 'cancelRun', { runId: started.id });
      io.stop.addEventListener('abort', onStop);
      const current = await callMethod(core.handlers, 'getRun', { runId: started.id, sinceStep: 0, samples: 0 });
      const final = TERMINAL.has(current.run.status) ? current.run : await ended;
      io.stop.removeEventListener('abort', onStop);
      io.stderr(`run ${final.id} ${final.status}: ${final.exitReason ?? ''}\n`);
      if (firstMetricMs !== null) io.stderr(`first metric ${(firstMetricMs / 1000).toFixed(1)} s after start\n`);
      if (final.status === 'failed' && final.error) io.stderr(`error: ${final.error}\n`);
      return final.status === 'completed' ? 0 : 1;
    },
    cliLocalCaller(opts.trustRemoteCode === true),
  );
}

export async function runsCommand(io: CliIo, opts: { project?: string; json?: boolean; models?: boolean; dataDir?: string }): Promise<number> {
  return withCore(io, opts.dataDir, async (core) => {
    const projectId = opts.project ? (await requireProjectByName(core, opts.project)).id : undefined;
    if (opts.models) {
      const models = await callMethod(core.handlers, 'listModels', {});
      if (opts.json) io.stdout(`${JSON.stringify(models, null, 2)}\n`);
      else for (const m of models) io.stdout(`${m.id}\t${m.kind}\t${m.status}\t${m.name}\t${m.path}\n`);
      return 0;
    }
    const runs = await callMethod(core.handlers, 'listRuns', projectId ? { projectId } : {});
    if (opts.json) {
      io.stdout(`${JSON.stringify(runs, null, 2)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      io.stdout('No runs yet. Start one with `studio train --project NAME --preset quick`.\n');
      return 0;
    }
    io.stdout('id\tstatus\tstep\tname\tsnapshot\tcreated\n');
    for (const r of runs) io.stdout(`${r.id}\t${r.status}\t${r.step}/${r.totalSteps}\t${r.name}\t${r.snapshotHash.slice(0, 12)}\t${r.createdAt}\n`);
    return 0;
  });
}

/** Adds `train` and `runs` to the studio program; `run` records the exit code as the other commands do. */
export function registerTrainCommands(program: Command, io: CliIo, run: (fn: () => Promise<number>) => () => Promise<void>): void {
  program
    .command('train')
    .description('freeze a snapshot of a project and run COSMO-RL training on it, printing progress (Ctrl-C cancels with a checkpoint)')
    .requiredOption('--project <name>', 'the labelled project to train on')
    .addOption(new Option('--preset <preset>', 'quick: a few CPU steps on the tiny model; standard: the two-stage method').choices(['quick', 'standard']).default('quick'))
    .option('--config <file>', 'run settings as JSON (the form: method, stages, rewards, LoRA, ...), instead of the preset')
    .option('--model <model>', '"tiny", a model id from `studio runs --models`, or a model folder (default: tiny for quick)')
    .option('--name <name>', 'a name for the run')
    .option('--trust-remote-code', "let the --model folder's own Python code run in the worker (transformers' trust_remote_code); only for folders you trust")
    .option('--json', 'print metrics as JSON lines')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((opts: TrainOptions) => run(() => trainCommand(io, opts))());

  program
    .command('runs')
    .description('list training runs (or, with --models, the models runs produced)')
    .option('--project <name>', 'only runs of this project')
    .option('--models', 'list base models and checkpoints instead')
    .option('--json', 'print JSON instead of a table')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((opts: { project?: string; json?: boolean; models?: boolean; dataDir?: string }) => run(() => runsCommand(io, opts))());
}
