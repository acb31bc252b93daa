/**
 * Response labelling: people judging one model response at a time (the "Judge" tab). Mirrors
 * prompt labelling (getQueue / submitLabel / undoLastSubmit / skipItem / setFlag / saveAnnotation):
 *
 * - `getResponseQueue`: the annotator's next responses, each with the item it answers and that
 *   item's prompt labels as context. Undone responses first, then fresh ones in id order, skipped
 *   ones last; a response leaves the queue once it has the project's annotatorsPerItem verdicts or
 *   the annotator submitted one. Nobody is shown another person's verdict.
 * - `submitVerdict` is durable (committed with synchronous=FULL) before it resolves.
 * - `undoLastVerdict` appends a `retracted` version carrying the withdrawn values and gives the
 *   response back with them.
 * - `skipResponse` moves it to the back of this annotator's queue; `setResponseFlag` flags it for
 *   review with a note; `saveVerdict` is an edit from browse (origin `browse`, the caller's own
 *   history).
 */
import { z } from 'zod';
import { ExpectedBehaviour, QueueProgress, Severity } from './domain.js';
import { ModelResponse, ResponseContextItem, ResponseLabel, ResponseLabelValues } from './responses.js';

const Id = z.number().int().positive();
const TimeSpentMs = z.number().int().min(0).max(86_400_000);

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

/** One annotator's current prompt label on the item, shown beside the response as context. */
export const PromptLabelSummary = z.object({
  annotatorName: z.string(),
  harmful: z.boolean().nullable(),
  riskCategory: z.string().nullable(),
  severity: Severity.nullable(),
  expected: ExpectedBehaviour.nullable(),
  jailbreakType: z.string().nullable(),
});
export type PromptLabelSummary = z.infer<typeof PromptLabelSummary>;

export const ResponseFlag = z.object({
  responseId: z.number().int(),
  annotatorId: z.number().int(),
  note: z.string(),
  createdAt: z.string(),
});
export type ResponseFlag = z.infer<typeof ResponseFlag>;

/** One response in an annotator's queue, with everything the judging screen shows. */
export const ResponseQueueEntry = z.object({
  response: ModelResponse,
  item: ResponseContextItem,
  /** The people's current (submitted) prompt labels on the item. */
  promptLabels: z.array(PromptLabelSummary),
  /** This annotator's latest version on the response (a retracted one after an undo), else null. */
  mine: ResponseLabel.nullable(),
  /** This annotator's flag on the response, else null (others' flags are not shown). */
  myFlag: ResponseFlag.nullable(),
});
export type ResponseQueueEntry = z.infer<typeof ResponseQueueEntry>;

const VerdictInput = z.object({ responseId: Id, annotatorId: Id, values: ResponseLabelValues, timeSpentMs: TimeSpentMs });

export const responseLabellingMethods = {
  /** The annotator's next responses (the first is current, the rest are prefetched). */
  getResponseQueue: method(
    z.object({ projectId: Id, annotatorId: Id, count: z.number().int().min(1).max(10).default(3) }),
    z.object({ entries: z.array(ResponseQueueEntry), progress: QueueProgress }),
  ),
  /** Durable (committed with synchronous=FULL) before it resolves. */
  submitVerdict: method(VerdictInput, z.object({ label: ResponseLabel, progress: QueueProgress })),
  /** Retracts this annotator's most recent queue verdict in the project and gives the response back. */
  undoLastVerdict: method(z.object({ projectId: Id, annotatorId: Id }), z.object({ restored: ResponseQueueEntry.nullable(), values: ResponseLabelValues.nullable(), progress: QueueProgress })),
  skipResponse: method(z.object({ responseId: Id, annotatorId: Id }), z.object({ progress: QueueProgress })),
  setResponseFlag: method(z.object({ responseId: Id, annotatorId: Id, flagged: z.boolean(), note: z.string().max(2000).default('') }), z.object({ flag: ResponseFlag.nullable() })),
  /** An edit from browse: appends a version to the caller's own history (origin browse). */
  saveVerdict: method(VerdictInput, ResponseLabel),
} as const;
