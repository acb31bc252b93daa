/**
 * Managing models: rename, delete (after a preview that says what it frees), merge a LoRA
 * checkpoint into a standalone base model, export a model as a safetensors folder, and a quick
 * chat with a model through the worker. Everything but `chatWithModel` changes what others see
 * or removes files, so hosts treat those as admin actions.
 */
import { z } from 'zod';
import { ModelInfo } from './training.js';

const Id = z.number().int().positive();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const ModelName = z.string().trim().min(1, 'a model needs a name').max(200);

export const DeletePreview = z.object({
  model: ModelInfo,
  /** The folder that would be removed; null when the files stay (a folder outside the studio's data). */
  removesPath: z.string().nullable(),
  /** Bytes the delete frees on disk (0 when the files stay). */
  freesBytes: z.number(),
  files: z.number().int(),
  /** Why the delete is refused, in one sentence; null when it can go ahead. */
  blockedBy: z.string().nullable(),
  /** What happens, in one sentence, for the confirmation. */
  summary: z.string(),
});
export type DeletePreview = z.infer<typeof DeletePreview>;

export const DeleteResult = z.object({ modelId: z.number().int(), freedBytes: z.number(), removedPath: z.string().nullable() });
export type DeleteResult = z.infer<typeof DeleteResult>;

export const ExportResult = z.object({ path: z.string(), files: z.array(z.string()), sizeBytes: z.number() });
export type ExportResult = z.infer<typeof ExportResult>;

/** An image for the chat, as a data URL (PNG, JPEG, WebP or GIF). */
const ImageDataUrl = z
  .string()
  .max(3_500_000, 'the image is larger than about 2.5 MB')
  .regex(/^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+$/, 'the image must be a PNG, JPEG, WebP or GIF data URL');

export const ChatTurn = z.object({ role: z.enum(['user', 'assistant']), text: z.string().max(20_000) });
export type ChatTurn = z.infer<typeof ChatTurn>;

export const ChatInput = z.object({
  modelId: Id,
  /** The conversation so far, ending with the user's new message. */
  turns: z.array(ChatTurn).min(1).max(40),
  /** Attached to the first user message. */
  image: ImageDataUrl.optional(),
  maxNewTokens: z.number().int().min(1).max(2048).default(128),
  temperature: z.number().min(0).max(2).default(0.7),
});
export type ChatInput = z.input<typeof ChatInput>;

export const ChatReply = z.object({ text: z.string(), promptTokens: z.number().int(), completionTokens: z.number().int(), seconds: z.number() });
export type ChatReply = z.infer<typeof ChatReply>;

export const modelsMethods = {
  /** Admin. The new display name (runs, responses and evaluations that name the model follow it). */
  renameModel: method(z.object({ modelId: Id, name: ModelName }), ModelInfo),
  /** What deleteModel would remove and free, or why it is refused; changes nothing. */
  previewDeleteModel: method(z.object({ modelId: Id }), DeletePreview),
  /** Admin. Marks the model deleted, then removes its files (only those inside the studio's data folder). */
  deleteModel: method(z.object({ modelId: Id }), DeleteResult),
  /** Admin. Merges a LoRA checkpoint into its base (the worker's `merge`) and registers the result as a base model. */
  mergeModel: method(z.object({ modelId: Id, name: ModelName.optional() }), ModelInfo),
  /** Admin. Writes the model (a checkpoint merged into its base) as a safetensors folder at `folder`, which must not exist yet. */
  exportModel: method(z.object({ modelId: Id, folder: z.string().min(1).max(4096) }), ExportResult),
  /** One reply from the model to the conversation (one short worker job). */
  chatWithModel: method(ChatInput, ChatReply),
} as const;

/** Pushed while a merge or an export runs. */
export const modelsEvents = [
  z.object({
    type: z.literal('model.job'),
    modelId: z.number().int(),
    job: z.enum(['merge', 'export']),
    stage: z.string(),
    percent: z.number(),
  }),
  /** Another window deleted it: lists drop it. */
  z.object({ type: z.literal('model.deleted'), modelId: z.number().int() }),
] as const;
