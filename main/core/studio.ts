/**
 * openStudio: builds one studio core over a data directory: the database (migrated), the blob
 * store, the event hub and the StudioHandlers map both hosts serve. Everything hangs off the
 * returned object; nothing is module-level state, so tests can open many cores side by side.
 */
import type { StudioHandlers } from '../../preload/contract/api.js';
import { BlobStore } from './blobs/store.js';
import { demoHandlers } from './demo/handlers.js';
import { evaluationHandlers } from './evaluation/handlers.js';
import { EvaluationJobs } from './evaluation/eval-jobs.js';
import { ScoreJobs } from './evaluation/score-jobs.js';
import { VerifierJobs, verifierHandlers } from './evaluation/verifier-jobs.js';
import { refusingDeletedProjects } from './deletion/deleted-project-guard.js';
import { exportHandlers } from './export/handlers.js';
import { importHandlers } from './import/handlers.js';
import { responseBrowseHandlers } from './responses/browse.js';
import { statsHandlers } from './stats.js';
import { agreementHandlers } from './evaluation/agreement.js';
import { accessHandlers } from './access/handlers.js';
import { personForToken, type Person } from './access/links.js';
import { qualityHandlers } from './quality/handlers.js';
import { deletionHandlers } from './deletion/index.js';
import { adjudicationHandlers } from './adjudication/handlers.js';
import { voteHandlers } from './adjudication/vote-handlers.js';
import { systemClock, type CoreContext, type StudioOptions } from './context.js';
import { EventHub } from './events.js';
import { createLogger } from './logger.js';
import { existsSync } from 'node:fs';
import { dataPaths, ensureDataDirs, type DataPaths } from './paths.js';
import { ensurePrivateFileSync } from './private-files.js';
import { infoHandlers } from './services/info.js';
import { itemHandlers } from './services/items.js';
import { labellingHandlers } from './services/labelling.js';
import { projectHandlers } from './services/projects.js';
import { responseLabellingHandlers } from './responses/labelling.js';
import { preferenceHandlers } from './responses/pairs.js';
import { userHandlers } from './services/users.js';
import { openDatabase } from './storage/index.js';
import { explainingStorageErrors, rethrowExplained } from './storage-errors.js';
import { startBackupSchedule } from './backup/schedule.js';
import { createTraining, PYTHON_MISSING, type TrainingHandlers } from './training/service.js';
import { VerifierModels } from './verifiers/models.js';
import { suggestionHandlers } from './verifiers/suggestions.js';
import { promptSuggestionHandlers } from './verifiers/prompt-suggestions.js';
import { QueueScores, queueOrderingHandlers } from './verifiers/queue-scores.js';
import { lineageHandlers } from './verifiers/run-lineage.js';
import { modelsHandlers, type ModelsHandlers } from './training/model-manage.js';

export type { StudioOptions } from './context.js';

export interface StudioCore {
  handlers: StudioHandlers;
  events: EventHub;
  paths: DataPaths;
  blobs: BlobStore;
  /** People's links: who a token that is not the owner's belongs to (`studio serve` asks per request). */
  access: { personForToken(token: string): Person | null };
  /** The services' shared context, for code inside main/ (jobs, bench); hosts use `handlers`. */
  context: CoreContext;
  /** Runs registered cleanup, then closes the database. Idempotent. */
  close(): void;
}

/** Each service contributes the handlers it owns; the type checks that together they cover every method. */
function buildHandlers(
  ctx: CoreContext,
  training: TrainingHandlers,
  scoring: ScoreJobs,
  evaluations: EvaluationJobs,
  verifiers: VerifierJobs,
  models: VerifierModels,
  modelManagement: ModelsHandlers,
): StudioHandlers {
  const queueScores = new QueueScores(ctx, models);
  return {
    ...training,
    ...modelManagement,
    ...infoHandlers(ctx),
    ...userHandlers(ctx),
    ...projectHandlers(ctx),
    ...itemHandlers(ctx),
    ...labellingHandlers(ctx, queueScores),
    ...responseLabellingHandlers(ctx),
    ...importHandlers(ctx),
    ...exportHandlers(ctx),
    ...demoHandlers(ctx),
    ...statsHandlers(ctx),
    ...agreementHandlers(ctx),
    ...adjudicationHandlers(ctx),
    ...voteHandlers(ctx),
    ...evaluationHandlers(ctx, scoring, evaluations, models),
    ...verifierHandlers(ctx, verifiers),
    ...suggestionHandlers(ctx, models),
    ...promptSuggestionHandlers(ctx, models),
    ...queueOrderingHandlers(ctx, queueScores),
    ...lineageHandlers(ctx),
    ...preferenceHandlers(ctx),
    ...responseBrowseHandlers(ctx),
    ...accessHandlers(ctx),
    ...qualityHandlers(ctx),
    ...deletionHandlers(ctx),
  };
}

/** The folders and the database; a file-system or SQLite failure comes out as its sentence. */
function openDataDir(paths: DataPaths, opts: StudioOptions): ReturnType<typeof openDatabase> {
  try {
    if (opts.readOnly && existsSync(paths.db)) return openDatabase(paths.db, { readonly: true, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
    ensureDataDirs(paths);
    // SQLite creates -wal and -shm with the database file's own mode, so 0600 here covers all three.
    for (const file of [paths.db, `${paths.db}-wal`, `${paths.db}-shm`]) {
      if (file === paths.db || existsSync(file)) ensurePrivateFileSync(file);
    }
    return openDatabase(paths.db, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  } catch (err) {
    rethrowExplained(err, paths.db);
  }
}

/** Every handler with storage failures turned into sentences naming the path (both hosts, the CLI). */
function explainingHandlers(handlers: StudioHandlers, dbFile: string): StudioHandlers {
  const wrapped: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    wrapped[name] = explainingStorageErrors(handler as (...args: unknown[]) => unknown, dbFile);
  }
  return wrapped as unknown as StudioHandlers;
}

export async function openStudio(opts: StudioOptions): Promise<StudioCore> {
  const log = opts.log ?? createLogger();
  const paths = dataPaths(opts.dataDir);
  const db = openDataDir(paths, opts);
  if (db.migration.applied.length > 0) log.info('database migrated', { ...db.migration });

  const cleanups: (() => void)[] = [];
  const events = new EventHub(log);
  const { log: _log, clock, learnedScoring, ...options } = opts;
  const context: CoreContext = {
    db,
    paths,
    events,
    log,
    clock: clock ?? systemClock,
    blobs: new BlobStore(paths.blobs),
    options: { ...options, dataDir: paths.root },
    onClose: (fn) => {
      cleanups.push(fn);
    },
  };

  // Training owns the job manager: on open it marks runs a previous process left running as interrupted.
  // One GPU job at a time: a queued run waits while an evaluation generates, and the other way round.
  let evaluations: EvaluationJobs | null = null;
  const training = createTraining(context, { deviceBusy: () => evaluations?.busy() ?? false });
  context.onClose(() => training.close());
  const worker = { python: training.python, workerDir: training.workerDir, pythonMissing: PYTHON_MISSING };
  const evaluationJobs = new EvaluationJobs(context, worker);
  evaluations = evaluationJobs;
  evaluationJobs.attach(training.jobs);
  training.jobs.onRunChange((run) => {
    if (run.status !== 'queued' && run.status !== 'running' && run.status !== 'cancelling') evaluationJobs.pump();
  });
  context.onClose(() => evaluationJobs.close());
  const scoring = new ScoreJobs(context, worker);
  const verifiers = new VerifierJobs(context, worker);
  const models = new VerifierModels(context, learnedScoring);
  if (opts.backups && opts.backups.everyHours > 0) startBackupSchedule(context, opts.backups);
  const handlers = explainingHandlers(
    refusingDeletedProjects(buildHandlers(context, training.handlers, scoring, evaluationJobs, verifiers, models, modelsHandlers(context, worker)), db.read),
    paths.db,
  );

  let closed = false;
  return {
    handlers,
    events,
    paths,
    blobs: context.blobs,
    access: { personForToken: (token) => personForToken(context, token) },
    context,
    close() {
      if (closed) return;
      closed = true;
      for (const fn of cleanups.reverse()) {
        try {
          fn();
        } catch (err) {
          log.error('cleanup on close failed', { err });
        }
      }
      events.clear();
      db.close();
    },
  };
}
