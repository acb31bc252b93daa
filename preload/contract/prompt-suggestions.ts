/**
 * Prompt-label suggestions from the project's learned verifier's prompt-label head (computed in
 * the app: onnxruntime-node in the inference thread) for the items the labelling queue is about
 * to show, and the queue ordering that serves the items the head is least sure about first. A
 * suggestion is advice on screen only: nothing here writes a label. It reaches the form only when
 * the annotator presses the accept key, and is stored only when they submit (submitLabel),
 * exactly like choosing those values themselves.
 */
import { z } from 'zod';
import { ExpectedBehaviour } from './domain.js';

const Id = z.number().int().positive();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

/** One field's figures on the verifier's held-out items (model_card.json `prompt_labels.fields`). */
export const PromptFieldFigures = z
  .object({
    labels: z.array(z.string()),
    train: z.number().int().nonnegative(),
    n: z.number().int().nonnegative(),
    /** null when no held-out item carried this field. */
    accuracy: z.number().min(0).max(1).nullable(),
    majority_accuracy: z.number().min(0).max(1).nullable(),
  })
  .passthrough();
export type PromptFieldFigures = z.infer<typeof PromptFieldFigures>;

/** model_card.json's `prompt_labels` section (cosmo_rl/prompt_label_train.py); file null: no head. */
export const PromptLabelCard = z
  .object({
    file: z.string().nullable(),
    fields: z.object({ harmful: PromptFieldFigures.optional(), category: PromptFieldFigures.optional(), expected: PromptFieldFigures.optional() }),
  })
  .passthrough();
export type PromptLabelCard = z.infer<typeof PromptLabelCard>;

/** The verifier that made the suggestions, with its held-out accuracy per field (null: not measured). */
export const PromptSuggestingVerifier = z.object({
  id: z.number().int(),
  name: z.string(),
  accuracy: z.object({ harmful: z.number().nullable(), category: z.number().nullable(), expected: z.number().nullable() }),
  heldOutItems: z.number().int().nonnegative(),
});
export type PromptSuggestingVerifier = z.infer<typeof PromptSuggestingVerifier>;

const Confidence = z.number().min(0).max(1);

export const PromptSuggestion = z.object({
  itemId: z.number().int(),
  harmful: z.object({ value: z.boolean(), confidence: Confidence }).nullable(),
  /** Only when the suggested harmful is true and the category is in the project's taxonomy. */
  riskCategory: z.object({ value: z.string(), confidence: Confidence }).nullable(),
  expected: z.object({ value: ExpectedBehaviour, confidence: Confidence }).nullable(),
  /** Per head: label -> probability (harmful's labels are "false" / "true"). */
  probabilities: z.record(z.string(), z.record(z.string(), z.number())),
});
export type PromptSuggestion = z.infer<typeof PromptSuggestion>;

export const PromptSuggestions = z.object({
  verifier: PromptSuggestingVerifier.nullable(),
  suggestions: z.array(PromptSuggestion),
  /** Why there are none at all (no verifier with a prompt-label head, or this host runs none), else null. */
  unavailable: z.string().nullable(),
});
export type PromptSuggestions = z.infer<typeof PromptSuggestions>;

/** The project's queue ordering: by the head's uncertainty over `expected` (off by default). */
export const QueueOrdering = z.object({
  projectId: z.number().int(),
  uncertainty: z.boolean(),
  /** The verifier whose scores order the queue now (null: none with a prompt-label head). */
  verifierId: z.number().int().nullable(),
  /** Open items with a cached score from that verifier, of all open items. */
  scored: z.number().int().nonnegative(),
  open: z.number().int().nonnegative(),
});
export type QueueOrdering = z.infer<typeof QueueOrdering>;

export const promptSuggestionMethods = {
  suggestPromptLabels: method(z.object({ projectId: Id, itemIds: z.array(Id).max(200) }), PromptSuggestions),
  getQueueOrdering: method(z.object({ projectId: Id }), QueueOrdering),
  setQueueOrdering: method(z.object({ projectId: Id, uncertainty: z.boolean() }), QueueOrdering),
  /** Scores every open item not yet scored by the current verifier (the queue also does this in the background). */
  scoreQueue: method(z.object({ projectId: Id }), QueueOrdering),
} as const;
