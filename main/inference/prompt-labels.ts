/**
 * The learned verifier's prompt-label head (`prompt_labels.onnx` beside its model.onnx,
 * native-models/cosmo_rl/verifiers/prompt_labels.py "cosmo-prompt-bow-linear", whose docstring
 * is the specification): suggests a prompt's harmful / category / expected labels from its text.
 * Tokens: the prompt text, Unicode NFKC, lower-case, runs of [a-z0-9], with ngrams 2 every
 * adjacent pair joined by one space, then `__task_<task>` and `__image_true|false`; feature j = 1
 * if vocab[j] occurs. Each head's probabilities: softmax (float64) of its logits. Runs inside the
 * inference worker thread (score-worker.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { onnxMetadata } from './onnx-metadata.js';

export const PROMPT_LABELS_FILE = 'prompt_labels.onnx';
export const PROMPT_METADATA_KEY = 'cosmo_prompt_label_config';
export const PROMPT_FIELDS = ['harmful', 'category', 'expected'] as const;
export type PromptField = (typeof PROMPT_FIELDS)[number];

const Config = z.object({
  format: z.literal('cosmo-prompt-bow-linear'),
  version: z.literal(1),
  vocab: z.array(z.string()).min(1),
  ngrams: z.union([z.literal(1), z.literal(2)]),
  heads: z.record(z.enum(PROMPT_FIELDS), z.array(z.string()).min(2)),
});

export interface PromptRow {
  text: string;
  task: string;
  hasImage: boolean;
}

/** Per head the model has: label -> probability, in the head's label order. */
export type PromptLabelScore = Partial<Record<PromptField, Record<string, number>>>;

export interface LoadedPromptModel {
  heads: Partial<Record<PromptField, string[]>>;
  vocabSize: number;
  score(rows: readonly PromptRow[]): Promise<PromptLabelScore[]>;
  release(): Promise<void>;
}

const WORD = /[a-z0-9]+/g;

export function promptTokens(row: PromptRow, ngrams: 1 | 2 = 2): string[] {
  const words = row.text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
  const pairs = ngrams === 2 ? words.slice(1).map((word, i) => `${words[i]!} ${word}`) : [];
  return [...words, ...pairs, `__task_${row.task}`, `__image_${String(row.hasImage)}`];
}

function featurizePrompts(rows: readonly PromptRow[], index: ReadonlyMap<string, number>, ngrams: 1 | 2): Float32Array {
  const out = new Float32Array(rows.length * index.size);
  rows.forEach((row, r) => {
    for (const token of promptTokens(row, ngrams)) {
      const col = index.get(token);
      if (col !== undefined) out[r * index.size + col] = 1;
    }
  });
  return out;
}

/** prompt_labels.py `softmax`: float64, shifted by the maximum. */
export function softmaxOf(labels: readonly string[], logits: ArrayLike<number>): Record<string, number> {
  const values = labels.map((_, j) => logits[j]!);
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return Object.fromEntries(labels.map((label, j) => [label, exps[j]! / sum]));
}

/** `path`: a prompt_labels.onnx file or the verifier folder holding one. */
export async function loadPromptModel(path: string): Promise<LoadedPromptModel> {
  const file = (await stat(path)).isDirectory() ? join(path, PROMPT_LABELS_FILE) : path;
  const bytes = new Uint8Array(await readFile(file));
  const raw = onnxMetadata(bytes, PROMPT_METADATA_KEY);
  if (raw === null) throw new Error(`${file}: ONNX file has no '${PROMPT_METADATA_KEY}' metadata`);
  const parsed = Config.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`${file}: not a cosmo-prompt-bow-linear v1 config (${parsed.error.issues[0]?.path.join('.') ?? ''})`);
  const { vocab, ngrams, heads } = parsed.data;
  const index = new Map(vocab.map((token, i) => [token, i]));
  const fields = PROMPT_FIELDS.filter((f) => heads[f] !== undefined);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  return {
    heads,
    vocabSize: vocab.length,
    async score(rows) {
      if (!rows.length) return [];
      const features = new ort.Tensor('float32', featurizePrompts(rows, index, ngrams), [rows.length, vocab.length]);
      const result = await session.run({ features });
      return rows.map((_, r) =>
        Object.fromEntries(
          fields.map((field) => {
            const labels = heads[field]!;
            const logits = result[`${field}_logits`]!.data as Float32Array;
            return [field, softmaxOf(labels, logits.subarray(r * labels.length, (r + 1) * labels.length))];
          }),
        ),
      );
    },
    release: () => session.release(),
  };
}
