/**
 * Suggestions from the project's learned verifier, computed in the app (onnxruntime-node in a
 * worker thread) for the responses the Judge tab is about to show. A suggestion is advice on
 * screen only: nothing here writes a verdict. It becomes a verdict only when the annotator
 * accepts it with a key and submits (submitVerdict), exactly like choosing it themselves.
 */
import { z } from 'zod';
import { Verdict } from './responses.js';

const Id = z.number().int().positive();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

/** The verifier that made the suggestions, with its figures against people (held-out responses). */
export const SuggestingVerifier = z.object({
  id: z.number().int(),
  name: z.string(),
  accuracy: z.number().min(0).max(1),
  kappa: z.number().nullable(),
  heldOut: z.number().int().nonnegative(),
});
export type SuggestingVerifier = z.infer<typeof SuggestingVerifier>;

export const VerdictSuggestion = z.object({
  responseId: z.number().int(),
  verdict: Verdict,
  /** The classifier's probability of that verdict among those valid for the item. */
  confidence: z.number().min(0).max(1),
  probabilities: z.record(z.string(), z.number()),
});
export type VerdictSuggestion = z.infer<typeof VerdictSuggestion>;

export const VerdictSuggestions = z.object({
  verifier: SuggestingVerifier.nullable(),
  /** Only responses the classifier decides (safety and jailbreak items); others have none. */
  suggestions: z.array(VerdictSuggestion),
  /** Why there are no suggestions at all (no learned verifier yet, or this host runs none), else null. */
  unavailable: z.string().nullable(),
});
export type VerdictSuggestions = z.infer<typeof VerdictSuggestions>;

export const suggestionMethods = {
  suggestVerdicts: method(z.object({ projectId: Id, responseIds: z.array(Id).max(200) }), VerdictSuggestions),
} as const;
