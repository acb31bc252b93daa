/**
 * The scoring worker thread (built as out/main/inference-worker.js): loads one learned
 * verifier's ONNX model and scores batches posted by scorer.ts, so tokenising and inference never
 * block the thread that answers the UI. Messages: in {type: 'score', id, rows}; out {type:
 * 'ready', labels, vocabSize, table} once, then {type: 'scored', id, results} or {type: 'failed', id, message}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadModel, type LoadedModel, type ScoreRow } from './model.js';

interface ScoreMessage {
  type: 'score';
  id: number;
  rows: ScoreRow[];
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('score-worker.ts runs as a worker thread');
  let model: LoadedModel;
  try {
    model = await loadModel((workerData as { modelPath: string }).modelPath);
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
  port.postMessage({ type: 'ready', labels: model.labels, vocabSize: model.vocabSize, table: model.table });
}

void main();
