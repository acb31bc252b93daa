/**
 * Responses in browse: one item's responses with every annotator's verdicts (current and every
 * version) and the votes between them, and a filtered, paginated list of a project's responses.
 */
import { z } from 'zod';
import { ModelResponse, Preference, ResponseLabel, Verdict } from './responses.js';

const Id = z.number().int().positive();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const ItemResponse = z.object({
  response: ModelResponse,
  /** Each annotator's current submitted verdict (an undone verdict is not current), oldest first. */
  verdicts: z.array(ResponseLabel),
  /** Every verdict version by everyone, oldest first (retracted versions included). */
  history: z.array(ResponseLabel),
  /** True when the current verdicts do not all agree. */
  disagreement: z.boolean(),
});
export type ItemResponse = z.infer<typeof ItemResponse>;

export const ItemResponses = z.object({
  itemId: z.number().int(),
  responses: z.array(ItemResponse),
  /** Each annotator's current submitted vote per pair, oldest first. */
  votes: z.array(Preference),
  /** Every vote version on pairs of these responses, oldest first. */
  voteHistory: z.array(Preference),
});
export type ItemResponses = z.infer<typeof ItemResponses>;

export const ResponseFilter = z.object({
  /** The model's display name, exactly as listed. */
  model: z.string().min(1).max(200).optional(),
  /** Responses with at least one current verdict of this kind. */
  verdict: Verdict.optional(),
  /** true: current verdicts differ; false: at least one verdict and all agree. */
  disagreement: z.boolean().optional(),
  /** Case-insensitive substring of the item's prompt text or external id, or of the response text. */
  search: z.string().max(500).optional(),
});
export type ResponseFilter = z.infer<typeof ResponseFilter>;

export const ResponseListRow = z.object({
  id: z.number().int(),
  itemId: z.number().int(),
  itemExternalId: z.string(),
  /** The first characters of the prompt. */
  itemText: z.string(),
  /** The first characters of the response. */
  text: z.string(),
  modelName: z.string(),
  sampleIndex: z.number().int(),
  /** Current submitted verdicts, one per annotator. */
  verdicts: z.array(z.object({ annotatorId: z.number().int(), annotatorName: z.string(), verdict: Verdict })),
  disagreement: z.boolean(),
  flagged: z.boolean(),
});
export type ResponseListRow = z.infer<typeof ResponseListRow>;

export const responseBrowseMethods = {
  getItemResponses: method(z.object({ itemId: Id }), ItemResponses),
  listResponses: method(
    z.object({
      projectId: Id,
      filter: ResponseFilter.default({}),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(50),
    }),
    z.object({
      total: z.number().int(),
      rows: z.array(ResponseListRow),
      /** Every model with responses in the project and how many it has (for the model filter). */
      models: z.array(z.object({ name: z.string(), responses: z.number().int() })),
    }),
  ),
} as const;
