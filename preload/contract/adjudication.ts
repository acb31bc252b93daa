/**
 * Adjudication: a reviewer's queue of items (and responses) whose annotators disagree by the
 * project's rule, every person's label side by side, and the gold label the reviewer sets with a
 * reason (one of the people's labels, or their own). Gold is versioned append-only like labels;
 * undo appends a retracted version. The same project rules say what training and evaluation use:
 * gold, else the majority when at least `trainingMinAgreement` of the annotators agree, else the
 * item is excluded.
 *
 * Like every labelling method, the reviewer is named by `reviewerId` (a user id); which roles may
 * call these is decided by the host that serves them.
 */
import { z } from 'zod';
import { ItemDetail, LabelValues } from './domain.js';
import { ModelResponse, Preference, PreferenceChoice, ResponseContextItem, ResponseLabel, Verdict } from './responses.js';

const Id = z.number().int().positive();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const REVIEW_RULES = ['any_disagreement', 'below_share'] as const;
export const ReviewRule = z.enum(REVIEW_RULES);
export type ReviewRule = z.infer<typeof ReviewRule>;

export const QualityRules = z.object({
  /** Which items enter the reviewer queue: any disagreement, or agreement below reviewMinShare. */
  review: ReviewRule,
  /** With `below_share`: an item enters the queue when fewer than this share of its annotators agree. */
  reviewMinShare: z.number().gt(0).max(1),
  /** Without gold, the majority is used when at least this share of annotators agree; else the item is excluded. 0 keeps every majority. */
  trainingMinAgreement: z.number().min(0).max(1),
});
export type QualityRules = z.infer<typeof QualityRules>;

export const GoldStatus = z.enum(['set', 'retracted']);

export const GoldLabel = z.object({
  id: z.number().int(),
  itemId: z.number().int(),
  reviewerId: z.number().int(),
  reviewerName: z.string(),
  version: z.number().int().positive(),
  /** `retracted` versions come from Undo: kept for history, never used. */
  status: GoldStatus,
  labels: LabelValues,
  /** Whose label the reviewer picked; null when they wrote their own. */
  sourceAnnotatorId: z.number().int().nullable(),
  sourceAnnotatorName: z.string().nullable(),
  reason: z.string(),
  createdAt: z.string(),
});
export type GoldLabel = z.infer<typeof GoldLabel>;

export const ResponseGold = z.object({
  id: z.number().int(),
  responseId: z.number().int(),
  reviewerId: z.number().int(),
  reviewerName: z.string(),
  version: z.number().int().positive(),
  status: GoldStatus,
  verdict: Verdict,
  helpfulness: z.number().int().min(1).max(5).nullable(),
  sourceAnnotatorId: z.number().int().nullable(),
  sourceAnnotatorName: z.string().nullable(),
  reason: z.string(),
  createdAt: z.string(),
});
export type ResponseGold = z.infer<typeof ResponseGold>;

export const ReviewProgress = z.object({
  /** Cases the rule puts in the queue that have no gold yet (skipped ones included). */
  remaining: z.number().int(),
  skipped: z.number().int(),
  /** Cases with a current gold label. */
  adjudicated: z.number().int(),
});
export type ReviewProgress = z.infer<typeof ReviewProgress>;

export const ReviewCase = z.object({
  /** The item with every annotator's current label (rationale inside) and every flag note. */
  detail: ItemDetail,
  /** The smallest share of annotators agreeing on harmful, risk category or expected behaviour. */
  share: z.number(),
  /** Every gold version of the item, oldest first. */
  goldHistory: z.array(GoldLabel),
});
export type ReviewCase = z.infer<typeof ReviewCase>;

export const ResponseReviewCase = z.object({
  item: ResponseContextItem,
  response: ModelResponse,
  /** Every annotator's current submitted verdict, with rationale and ideal response. */
  verdicts: z.array(ResponseLabel),
  share: z.number(),
  goldHistory: z.array(ResponseGold),
});
export type ResponseReviewCase = z.infer<typeof ResponseReviewCase>;

export const PreferenceGold = z.object({
  id: z.number().int(),
  /** Canonical order (responseAId < responseBId); `choice` refers to these two. */
  responseAId: z.number().int(),
  responseBId: z.number().int(),
  reviewerId: z.number().int(),
  reviewerName: z.string(),
  version: z.number().int().positive(),
  status: GoldStatus,
  choice: PreferenceChoice,
  sourceAnnotatorId: z.number().int().nullable(),
  sourceAnnotatorName: z.string().nullable(),
  reason: z.string(),
  createdAt: z.string(),
});
export type PreferenceGold = z.infer<typeof PreferenceGold>;

/** One side of a pair under review: the model's name is not sent, its own name masked in the text. */
export const MaskedPairResponse = z.object({ id: z.number().int(), text: z.string() });
export type MaskedPairResponse = z.infer<typeof MaskedPairResponse>;

export const VoteReviewCase = z.object({
  item: ResponseContextItem,
  /** The pair in canonical order: `a` is the lower response id. */
  a: MaskedPairResponse,
  b: MaskedPairResponse,
  /** Every voter's current submitted vote (leftResponseId says which side they saw on the left). */
  votes: z.array(Preference),
  /** Share of the voters giving the most common overall choice. */
  share: z.number(),
  goldHistory: z.array(PreferenceGold),
});
export type VoteReviewCase = z.infer<typeof VoteReviewCase>;

const Reason = z.string().trim().min(1, 'say why this is the gold label').max(5000);

export const adjudicationMethods = {
  getQualityRules: method(z.object({ projectId: Id }), QualityRules),
  setQualityRules: method(z.object({ projectId: Id, rules: QualityRules }), QualityRules),

  /** The reviewer's current case (null when the queue is empty) and the queue's counts. */
  getReviewQueue: method(z.object({ projectId: Id, reviewerId: Id }), z.object({ current: ReviewCase.nullable(), progress: ReviewProgress })),
  /**
   * Sets the item's gold label: `fromAnnotatorId` copies that person's current label, otherwise
   * `labels` are the reviewer's own. Durable before it resolves.
   */
  setGoldLabel: method(
    z
      .object({ itemId: Id, reviewerId: Id, fromAnnotatorId: Id.nullable(), labels: LabelValues.nullable(), reason: Reason })
      .refine((v) => v.fromAnnotatorId !== null || v.labels !== null, { message: "pick an annotator's label or give labels of your own", path: ['labels'] }),
    z.object({ gold: GoldLabel, progress: ReviewProgress }),
  ),
  /** Retracts this reviewer's most recent gold in the project and gives the case back. */
  undoGoldLabel: method(z.object({ projectId: Id, reviewerId: Id }), z.object({ restored: ReviewCase.nullable(), progress: ReviewProgress })),
  skipReviewItem: method(z.object({ itemId: Id, reviewerId: Id }), z.object({ progress: ReviewProgress })),
  /** Every gold version of an item, oldest first. */
  getGoldHistory: method(z.object({ itemId: Id }), z.array(GoldLabel)),

  getResponseReviewQueue: method(z.object({ projectId: Id, reviewerId: Id }), z.object({ current: ResponseReviewCase.nullable(), progress: ReviewProgress })),
  setResponseGold: method(
    z
      .object({
        responseId: Id,
        reviewerId: Id,
        fromAnnotatorId: Id.nullable(),
        verdict: Verdict.nullable(),
        helpfulness: z.number().int().min(1).max(5).nullable().default(null),
        reason: Reason,
      })
      .refine((v) => v.fromAnnotatorId !== null || v.verdict !== null, { message: "pick an annotator's verdict or give one of your own", path: ['verdict'] }),
    z.object({ gold: ResponseGold, progress: ReviewProgress }),
  ),
  undoResponseGold: method(z.object({ projectId: Id, reviewerId: Id }), z.object({ restored: ResponseReviewCase.nullable(), progress: ReviewProgress })),
  skipResponseReview: method(z.object({ responseId: Id, reviewerId: Id }), z.object({ progress: ReviewProgress })),

  getVoteReviewQueue: method(z.object({ projectId: Id, reviewerId: Id }), z.object({ current: VoteReviewCase.nullable(), progress: ReviewProgress })),
  /** Sets the pair's gold choice: `fromAnnotatorId` copies that voter's current choice, otherwise `choice` is the reviewer's own. */
  setPreferenceGold: method(
    z
      .object({ responseAId: Id, responseBId: Id, reviewerId: Id, fromAnnotatorId: Id.nullable(), choice: PreferenceChoice.nullable(), reason: Reason })
      .refine((v) => v.responseAId < v.responseBId, { message: 'name the pair in canonical order (responseAId < responseBId)', path: ['responseBId'] })
      .refine((v) => v.fromAnnotatorId !== null || v.choice !== null, { message: "pick a voter's choice or give one of your own", path: ['choice'] }),
    z.object({ gold: PreferenceGold, progress: ReviewProgress }),
  ),
  undoPreferenceGold: method(z.object({ projectId: Id, reviewerId: Id }), z.object({ restored: VoteReviewCase.nullable(), progress: ReviewProgress })),
  skipVoteReview: method(z.object({ responseAId: Id, responseBId: Id, reviewerId: Id }), z.object({ progress: ReviewProgress })),
};
