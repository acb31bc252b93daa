/**
 * The blind pairwise preference view: a person is shown two responses of different models to the
 * same item, side by side, without the models' names, and says which is better (left, right, a
 * tie, both bad), per criterion too when the project asks for criteria.
 *
 * Blindness is kept by the server: a queued pair carries the two texts (each response's own model
 * name already replaced by `[model]`), their ids and the item, never a model name or generation
 * parameters. Only submitPreference's reply reveals the two names, after the vote is durable.
 * `left`/`right` are what the person saw; the server maps them to the canonical a/b columns.
 */
import { z } from 'zod';
import { Estimate } from './compare.js';
import { PreferenceCriterion, QueueProgress } from './domain.js';
import { Preference, ResponseContextItem } from './responses.js';

const Id = z.number().int().positive();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

/** A vote as the person gave it, by the side they saw. */
export const SIDE_CHOICES = ['left', 'right', 'tie', 'both_bad'] as const;
export const SideChoice = z.enum(SIDE_CHOICES);
export type SideChoice = z.infer<typeof SideChoice>;

export const SideCriteriaVotes = z.partialRecord(PreferenceCriterion, SideChoice);
export type SideCriteriaVotes = z.infer<typeof SideCriteriaVotes>;

/** One response as a blind pair shows it: id and text only. */
export const BlindResponse = z
  .object({
    responseId: z.number().int(),
    /** The response text with both models' names of the pair replaced by `[model]` (done on the server). */
    text: z.string(),
  })
  .strict();
export type BlindResponse = z.infer<typeof BlindResponse>;

export const BlindPair = z
  .object({
    item: ResponseContextItem,
    left: BlindResponse,
    right: BlindResponse,
    /** The person undid their vote on this pair: it is back first, with what they had chosen. */
    previous: z.object({ choice: SideChoice, criteria: SideCriteriaVotes }).nullable(),
  })
  .strict();
export type BlindPair = z.infer<typeof BlindPair>;

/** A Wilson score interval for a proportion (95%), with its n. */
/** A share with its Wilson 95% interval and n (the comparison's Estimate). */
export const Proportion = Estimate;
export type Proportion = z.infer<typeof Proportion>;

/** How often one person picked the left side when they picked a side at all. */
export const PositionBias = z.object({
  annotatorId: z.number().int(),
  annotatorName: z.string(),
  /** Submitted votes (current heads). */
  votes: z.number().int(),
  /** Share of left picks among decisive (left or right) votes. */
  leftShare: Proportion,
  ties: z.number().int(),
  bothBad: z.number().int(),
});
export type PositionBias = z.infer<typeof PositionBias>;

export const ModelPairVotes = z.object({
  /** The two models' display names, in name order. */
  models: z.tuple([z.string(), z.string()]),
  /** Submitted votes on pairs of these two models, by anyone. */
  votes: z.number().int(),
  /** Response pairs of these two models (same item) that can be voted on. */
  pairs: z.number().int(),
});
export type ModelPairVotes = z.infer<typeof ModelPairVotes>;

export const PairQueue = z.object({
  pairs: z.array(BlindPair),
  /** done: this person's votes; total: every candidate pair; remaining: those they have not voted on. */
  progress: QueueProgress,
  bias: PositionBias,
});
export type PairQueue = z.infer<typeof PairQueue>;

const PairInput = z.object({ leftResponseId: Id, rightResponseId: Id, annotatorId: Id });

export const preferenceMethods = {
  /**
   * The annotator's next pairs (first is current, the rest prefetched): undone pairs first, then
   * the least-voted model pairs across the project, skipped pairs last. Leased for a few minutes,
   * so people voting at once are handed different pairs.
   */
  getPairQueue: method(z.object({ projectId: Id, annotatorId: Id, count: z.number().int().min(1).max(10).default(3) }), PairQueue),
  /** Durable before it resolves; the reply is the first place the two model names appear. */
  submitPreference: method(
    PairInput.extend({
      choice: SideChoice,
      /** Exactly the project's preferenceCriteria, each with a vote. */
      criteria: SideCriteriaVotes.default({}),
      blind: z.boolean().default(true),
      timeSpentMs: z.number().int().min(0).max(86_400_000),
    }),
    z.object({
      preference: Preference,
      revealed: z.object({ left: z.string(), right: z.string() }),
      progress: QueueProgress,
      bias: PositionBias,
    }),
  ),
  /** Retracts this annotator's latest queue vote in the project; the pair comes back first. */
  undoLastPreference: method(z.object({ projectId: Id, annotatorId: Id }), z.object({ restored: BlindPair.nullable(), progress: QueueProgress, bias: PositionBias })),
  /** The pair goes to the back of this person's pair queue. */
  skipPair: method(PairInput, z.object({ progress: QueueProgress })),
  getPreferenceStats: method(z.object({ projectId: Id }), z.object({ annotators: z.array(PositionBias), modelPairs: z.array(ModelPairVotes), criteria: z.array(PreferenceCriterion) })),
} as const;
