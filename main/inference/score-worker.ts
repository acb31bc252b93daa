/**
 * The scoring worker thread (built as out/main/inference-worker.js): loads one learned
 * verifier's ONNX model (workerData kind 'verdicts', the default: model.ts) or its prompt-label
 * head ('prompt-labels': prompt-labels.ts) and scores batches posted by scorer.ts /
 * prompt-scorer.ts, so tokenising and inference never block the thread that answers the UI.
 * Messages: in {type: 'score', id, rows}; out {type: 'ready', labels, vocabSize, table} (verdicts) or
 * {type: 'ready', heads, vocabSize} (prompt labels) once, then {type: 'scored', id, results} or
 * {type: 'failed', id, message}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadModel } from './model.js';
import { loadPromptModel } from './prompt-labels.js';

interface ScoreMessage {
  type: 'score';
  id: number;
  rows: never[];
}

interface ThreadModel {
  ready: Record<string, unknown>;
  score(rows: never[]): Promise<unknown[]>;
  release(): Promise<void>;
}

async function load(data: { modelPath: string; kind?: 'verdicts' | 'prompt-labels' }): Promise<ThreadModel> {
  if (data.kind === 'prompt-labels') {
    const model = await loadPromptModel(data.modelPath);
    return { ready: { heads: model.heads, vocabSize: model.vocabSize }, score: (rows) => model.score(rows), release: () => model.release() };
  }
  const model = await loadModel(data.modelPath);
  return { ready: { labels: model.labels, vocabSize: model.vocabSize, table: model.table }, score: (rows) => model.score(rows), release: () => model.release() };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('score-worker.ts runs as a worker thread');
  let model: ThreadModel;
  try {
    model = await load(workerData as { modelPath: string; kind?: 'verdicts' | 'prompt-labels' });
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  // One batch at a time, in order: the session is not shared across concurrent runs.
  let chain = Promise.resolve();
  port.on('message', (message: ScoreMessage | { type: 'close' }) => {
    if (message.type === 'close') {
      chain = chain.then(() => model.release()).then(() => port.close());
      return;
    }
    chain = chain.then(async () => {
      try {
        port.postMessage({ type: 'scored', id: message.id, results: await model.score(message.rows) });
      } catch (err) {
        port.postMessage({ type: 'failed', id: message.id, message: err instanceof Error ? err.message : String(err) });
      }
    });
  });
  port.postMessage({ type: 'ready', ...model.ready });
}

void main();
