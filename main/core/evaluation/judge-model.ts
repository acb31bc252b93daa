/**
 * Which model judges a `score` job of the judge tier: a registered base model (the studio's
 * choice, by id), or a model folder given as a path (the CLI's `--verifier-path`). The judge is a
 * base model because a run's checkpoint may be an adapter, which the worker cannot load alone.
 */
import type { ReadableDB } from '../../../db/handles.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { getModelRow, toModelInfo, type ModelRow } from '../training/store.js';

export interface JudgeChoice {
  judgeModelId?: number | undefined;
  verifierPath?: string | undefined;
}

const KINDS = 'a Qwen2-VL or Qwen2.5-VL model (it sees the images) or a text causal LM';

/** The judge's model folder; a sentence saying what to do when there is none. */
export function resolveJudgePath(db: ReadableDB, choice: JudgeChoice): string {
  if (choice.judgeModelId !== undefined && choice.verifierPath) {
    throw new StudioError('invalid_input', 'Choose the judge model or give a judge folder, not both.');
  }
  if (choice.judgeModelId !== undefined) {
    const model = toModelInfo(getModelRow(db, choice.judgeModelId));
    if (model.kind !== 'base') throw new StudioError('invalid_input', `${model.name} is a checkpoint; the judge must be a registered base model.`);
    if (model.status !== 'ready') throw new StudioError('invalid_input', `${model.name} is not ready to judge (${model.status === 'downloading' ? 'still downloading' : 'its download failed'}).`);
    if (!model.supported) throw new StudioError('invalid_input', `${model.name} cannot judge: ${model.unsupportedReason ?? `the judge must be ${KINDS}`}`);
    return model.path;
  }
  if (choice.verifierPath) return choice.verifierPath;
  const usable = db
    .prepare<ModelRow>(`SELECT * FROM model WHERE kind = 'base' ORDER BY id`)
    .all()
    .map(toModelInfo)
    .filter((m) => m.status === 'ready' && m.supported);
  if (usable.length === 0) {
    throw new StudioError('invalid_input', `The judge tier needs a judge model, and no base model is registered that can judge: add ${KINDS} under Training → Models, then choose it.`);
  }
  throw new StudioError('invalid_input', `The judge tier needs a judge model: choose one of the registered base models (${usable.map((m) => m.name).join(', ')}).`);
}
