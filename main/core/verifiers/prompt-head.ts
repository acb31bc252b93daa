/**
 * Which of a project's learned verifiers can suggest prompt labels: the newest whose card has a
 * `prompt_labels` section naming a file (cosmo_rl/prompt_label_train.py) that is still on disk.
 * Verifiers trained before the head existed have no such section and simply do not count.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadableDB } from '../../../db/handles.js';
import { PromptLabelCard, type PromptSuggestingVerifier } from '../../../preload/contract/prompt-suggestions.js';
import type { LearnedVerifier } from '../../../preload/contract/verifiers.js';
import { currentVerifierRows } from './models.js';

export interface PromptHeadVerifier {
  verifier: LearnedVerifier;
  card: PromptLabelCard;
  /** The prompt_labels.onnx file. */
  file: string;
}

export function promptHeadOf(verifier: LearnedVerifier): PromptHeadVerifier | null {
  const parsed = PromptLabelCard.safeParse(verifier.card.prompt_labels);
  if (!parsed.success || parsed.data.file === null) return null;
  const file = join(verifier.path, parsed.data.file);
  return existsSync(file) ? { verifier, card: parsed.data, file } : null;
}

/** The project's newest verifier with a prompt-label head on disk, or null. */
export function currentPromptHead(db: ReadableDB, projectId: number): PromptHeadVerifier | null {
  for (const verifier of currentVerifierRows(db, projectId)) {
    const head = promptHeadOf(verifier);
    if (head) return head;
  }
  return null;
}

export function promptSuggestingVerifier(head: PromptHeadVerifier): PromptSuggestingVerifier {
  const { fields } = head.card;
  return {
    id: head.verifier.id,
    name: head.verifier.name,
    accuracy: { harmful: fields.harmful?.accuracy ?? null, category: fields.category?.accuracy ?? null, expected: fields.expected?.accuracy ?? null },
    heldOutItems: Math.max(fields.harmful?.n ?? 0, fields.expected?.n ?? 0),
  };
}

/**
 * How unsure the head is about a prompt: the normalised entropy (0 sure, 1 uniform) of its
 * `expected` probabilities, else of `harmful`'s when it has no expected head.
 */
export function uncertaintyOf(probabilities: Partial<Record<string, Record<string, number>>>): number | null {
  const probs = probabilities.expected ?? probabilities.harmful;
  if (!probs) return null;
  const values = Object.values(probs);
  if (values.length < 2) return null;
  const entropy = -values.reduce((sum, p) => (p > 0 ? sum + p * Math.log(p) : sum), 0);
  return Math.min(1, Math.max(0, entropy / Math.log(values.length)));
}
