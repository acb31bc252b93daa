/**
 * The learned verifier as the core sees it: an interface the hosts implement with main/inference
 * (onnxruntime-node in a worker thread; the core may not import it) and hand to openStudio()
 * (`StudioOptions.learnedScoring`). Without one (tests, benches, a host that does not ship
 * onnxruntime) the core keeps the worker's `score` job and offers no suggestions.
 *
 * `VerifierModels` opens each verifier folder once, on first use, and keeps it open (one worker
 * thread per verifier) until the core closes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadableDB } from '../../../db/handles.js';
import { LearnedVerifier } from '../../../preload/contract/verifiers.js';
import type { CoreContext } from '../context.js';
import type { VerdictTable } from './verdict-table.js';

/** What the classifier reads of an item (main/inference/tokenize.ts ClassifierItem). */
export interface ClassifierItemFields {
  task: string;
  harmful: boolean | null;
}

export interface ClassifierRow {
  item: ClassifierItemFields;
  response: string;
}

/** The learned tier's decision over the labels valid for the item (model.ts LearnedScore). */
export interface ClassifierScore {
  label: string;
  confidence: number;
  probabilities: Record<string, number>;
}

export interface VerifierModel {
  readonly labels: readonly string[];
  /** The worker's decision table shipped in the model: labels, verdicts and R_task scores are looked up here. */
  readonly table: VerdictTable;
  /** One result per row, in order; null where the classifier does not decide (the rules tier does). */
  score(rows: readonly ClassifierRow[]): Promise<(ClassifierScore | null)[]>;
  close(): Promise<void>;
}

/** The verifier's prompt-label head (main/inference/prompt-labels.ts): a prompt as it reads it. */
export interface PromptLabelRow {
  text: string;
  task: string;
  hasImage: boolean;
}

export type PromptLabelField = 'harmful' | 'category' | 'expected';

export interface PromptLabelModel {
  /** field -> its labels (absent: the head was not trained). harmful's are "false" / "true". */
  readonly heads: Partial<Record<PromptLabelField, string[]>>;
  /** One result per row, in order: per head, label -> probability. */
  score(rows: readonly PromptLabelRow[]): Promise<Partial<Record<PromptLabelField, Record<string, number>>>[]>;
  close(): Promise<void>;
}

export interface LearnedScoring {
  /** Loads `<folder>/model.onnx` (or a model.onnx file) off the thread that answers the UI. */
  open(modelPath: string): Promise<VerifierModel>;
  /** Loads `<folder>/prompt_labels.onnx`, the prompt-label head; absent: the host suggests no prompt labels. */
  openPromptLabels?(modelPath: string): Promise<PromptLabelModel>;
}

interface VerifierSqlRow {
  id: number;
  project_id: number;
  name: string;
  path: string;
  snapshot_hash: string;
  card: string;
  created_at: string;
}

export function toLearnedVerifier(row: VerifierSqlRow): LearnedVerifier {
  return LearnedVerifier.parse({
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    path: row.path,
    snapshotHash: row.snapshot_hash,
    card: JSON.parse(row.card) as unknown,
    createdAt: row.created_at,
  });
}

export function verifierById(db: ReadableDB, verifierId: number): LearnedVerifier | null {
  const row = db.prepare<VerifierSqlRow>('SELECT * FROM verifier WHERE id = ?').get(verifierId);
  return row ? toLearnedVerifier(row) : null;
}

/** The project's registered verifiers whose model.onnx is still on disk, newest first. */
export function currentVerifierRows(db: ReadableDB, projectId: number): LearnedVerifier[] {
  return db
    .prepare<VerifierSqlRow>('SELECT * FROM verifier WHERE project_id = ? ORDER BY id DESC')
    .all(projectId)
    .filter((row) => existsSync(join(row.path, 'model.onnx')))
    .map(toLearnedVerifier);
}

/** The project's newest registered verifier whose model.onnx is still on disk, or null. */
export function currentVerifier(db: ReadableDB, projectId: number): LearnedVerifier | null {
  return currentVerifierRows(db, projectId)[0] ?? null;
}

/** The registered verifier (if any) whose folder is `path`: the learned tier's path names it. */
export function verifierByPath(db: ReadableDB, projectId: number, path: string): LearnedVerifier | null {
  const row = db.prepare<VerifierSqlRow>('SELECT * FROM verifier WHERE project_id = ? AND path = ? ORDER BY id DESC LIMIT 1').get(projectId, path);
  return row ? toLearnedVerifier(row) : null;
}

export class VerifierModels {
  private readonly open = new Map<string, Promise<VerifierModel>>();
  private readonly openPrompt = new Map<string, Promise<PromptLabelModel>>();

  constructor(
    ctx: CoreContext,
    private readonly scoring: LearnedScoring | undefined,
  ) {
    ctx.onClose(() => {
      for (const model of this.open.values()) {
        // Closing stops the worker thread; a model that never loaded has nothing to stop.
        model.then((m) => m.close()).catch(() => undefined);
      }
      this.open.clear();
      for (const model of this.openPrompt.values()) model.then((m) => m.close()).catch(() => undefined);
      this.openPrompt.clear();
    });
  }

  /** Whether this core can run learned verifiers itself (its host handed it a LearnedScoring). */
  get available(): boolean {
    return this.scoring !== undefined;
  }

  /** The loaded model of a verifier folder; a failed load is forgotten so the next call retries. */
  model(path: string): Promise<VerifierModel> {
    if (!this.scoring) return Promise.reject(new Error('this host does not run learned verifiers in the app'));
    let model = this.open.get(path);
    if (!model) {
      model = this.scoring.open(path);
      this.open.set(path, model);
      model.catch(() => this.open.delete(path));
    }
    return model;
  }

  /** Whether this core can run prompt-label heads itself. */
  get promptLabelsAvailable(): boolean {
    return this.scoring?.openPromptLabels !== undefined;
  }

  /** The loaded prompt-label head of a verifier folder (its prompt_labels.onnx); a failed load is forgotten. */
  promptModel(path: string): Promise<PromptLabelModel> {
    const openPromptLabels = this.scoring?.openPromptLabels;
    if (!openPromptLabels) return Promise.reject(new Error('this host does not run prompt-label models in the app'));
    let model = this.openPrompt.get(path);
    if (!model) {
      model = openPromptLabels.call(this.scoring, path);
      this.openPrompt.set(path, model);
      model.catch(() => this.openPrompt.delete(path));
    }
    return model;
  }
}
