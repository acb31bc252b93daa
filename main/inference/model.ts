/**
 * A learned verifier's ONNX model (cosmo-bow-linear, see tokenize.ts) on onnxruntime-node's CPU
 * provider: load it with its config, turn logits into the learned tier's decision. Runs inside
 * the scoring worker thread (score-worker.ts), never on the thread that answers the UI.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { parseVerdictTable, VERDICT_TABLE_KEY, VerdictLookup, type VerdictTable } from '../core/verifiers/verdict-table.js';
import { onnxMetadata } from './onnx-metadata.js';
import { featurize, type ClassifierItem } from './tokenize.js';

export const ONNX_METADATA_KEY = 'cosmo_verifier_config';

const Config = z.object({
  format: z.literal('cosmo-bow-linear'),
  version: z.literal(1),
  vocab: z.array(z.string()).min(1),
  labels: z.array(z.string()).min(1),
  /** 2: adjacent word pairs are features too; absent in older files (1). */
  ngrams: z.union([z.literal(1), z.literal(2)]).default(1),
});

export interface ScoreRow {
  item: ClassifierItem;
  response: string;
}

/** The learned tier's verdict: the most probable label among those valid for the item. */
export interface LearnedScore {
  label: string;
  confidence: number;
  /** Softmax over the item's valid labels (float64, as learned.py `label_probabilities`). */
  probabilities: Record<string, number>;
}

export interface LoadedModel {
  labels: string[];
  vocabSize: number;
  /** The worker's decision table shipped in the model (core/verifiers/verdict-table.ts). */
  table: VerdictTable;
  /** null for rows the classifier does not decide (the rules tier keeps them). */
  score(rows: readonly ScoreRow[]): Promise<(LearnedScore | null)[]>;
  release(): Promise<void>;
}

/** `path` is a model.onnx file or a verifier folder holding one. */
export async function loadModel(path: string): Promise<LoadedModel> {
  const file = (await stat(path)).isDirectory() ? join(path, 'model.onnx') : path;
  const bytes = new Uint8Array(await readFile(file));
  const raw = onnxMetadata(bytes, ONNX_METADATA_KEY);
  if (raw === null) throw new Error(`${file}: ONNX file has no '${ONNX_METADATA_KEY}' metadata`);
  const parsed = Config.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`${file}: not a cosmo-bow-linear v1 verifier config (${parsed.error.issues[0]?.path.join('.') ?? ''})`);
  const { vocab, labels, ngrams } = parsed.data;
  const rawTable = onnxMetadata(bytes, VERDICT_TABLE_KEY);
  // Exported before the worker shipped its table: scoring it here would mean guessing the worker's rules.
  if (rawTable === null)
    throw new Error(
      `${file}: this verifier was exported without its '${VERDICT_TABLE_KEY}' (an older worker); the app cannot score with it. Retrain or re-export it, or score with the worker (score job).`,
    );
  const table = parseVerdictTable(rawTable, file);
  const lookup = new VerdictLookup(table);
  const allowed = (item: ClassifierItem) => lookup.labels(item.task, item.harmful);
  const index = new Map(vocab.map((token, i) => [token, i]));
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  return {
    labels,
    vocabSize: vocab.length,
    table,
    async score(rows) {
      const routed = rows.flatMap((row, i) => (allowed(row.item).length ? [i] : []));
      const out: (LearnedScore | null)[] = rows.map(() => null);
      if (!routed.length) return out;
      const features = featurize(
        routed.map((i) => rows[i]!),
        index,
        ngrams,
      );
      const result = await session.run({ features: new ort.Tensor('float32', features, [routed.length, vocab.length]) });
      const logits = result.logits!.data as Float32Array;
      routed.forEach((i, r) => {
        out[i] = decide(labels, allowed(rows[i]!.item), logits.subarray(r * labels.length, (r + 1) * labels.length));
      });
      return out;
    },
    release: () => session.release(),
  };
}

/** learned.py `LearnedVerifier._decide`: softmax over the allowed labels, first maximum wins. */
export function decide(labels: readonly string[], allowed: readonly string[], logits: ArrayLike<number>): LearnedScore | null {
  const columns = labels.flatMap((label, j) => (allowed.includes(label) ? [j] : []));
  if (!columns.length) return null;
  const max = Math.max(...columns.map((j) => logits[j]!));
  const exps = columns.map((j) => Math.exp(logits[j]! - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  const probabilities: Record<string, number> = {};
  let best = 0;
  columns.forEach((j, k) => {
    probabilities[labels[j]!] = exps[k]! / sum;
    if (exps[k]! > exps[best]!) best = k;
  });
  return { label: labels[columns[best]!]!, confidence: exps[best]! / sum, probabilities };
}
