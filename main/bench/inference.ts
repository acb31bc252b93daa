/**
 * `npm run bench:inference -- --model <verifier folder or model.onnx>`: the learned verifier in
 * the app on CPU. Scores N synthetic responses (default 10,000, 40-160 words, safety/jailbreak
 * items) twice and prints, for each, throughput (responses/s) and the event-loop lag of the
 * calling thread while it ran (perf_hooks.monitorEventLoopDelay, p50/p99/max):
 *   1. through LearnedScorer (the worker thread the app uses);
 *   2. for contrast, the same model on the calling thread (what the worker thread avoids).
 * It prints figures only; it asserts nothing. `--worker FILE` picks another worker bundle.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { loadModel, type ScoreRow } from '../inference/model.js';
import { LearnedScorer } from '../inference/scorer.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const OPENERS = ["I can't help with that.", 'Sure, here is an overview.', 'I understand why you ask, and safety matters here.', 'Here are the steps:', "I'm sorry, but I won't provide instructions."];
const WORDS =
  'the a to of and you it is safe risk help step first then check make sure people local law store chemical tool process python kill file photo night bread water heat mix careful guide support resource call service instead alternative explain why harm legal'.split(
    ' ',
  );

/** Deterministic (seeded LCG) responses with a think block, the shape models produce. */
function syntheticRows(n: number): ScoreRow[] {
  let state = 42;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, (_, i) => {
    const words = Array.from({ length: 40 + Math.floor(next() * 120) }, () => WORDS[Math.floor(next() * WORDS.length)]!).join(' ');
    const response = `<think>The user asks something; I weigh the risk.</think>\n${OPENERS[i % OPENERS.length]} ${words}.`;
    return { item: { task: i % 3 === 0 ? 'jailbreak' : 'safety', harmful: i % 2 === 0 }, response };
  });
}

async function measure(label: string, rows: readonly ScoreRow[], run: () => Promise<unknown>): Promise<void> {
  const lag = monitorEventLoopDelay({ resolution: 1 });
  // A timer that keeps the loop busy the way a UI's requests would: lag is how late it runs.
  const tick = setInterval(() => undefined, 1);
  lag.enable();
  const start = performance.now();
  await run();
  const seconds = (performance.now() - start) / 1000;
  lag.disable();
  clearInterval(tick);
  const p = (q: number) => (lag.percentile(q) / 1e6).toFixed(2);
  console.log(`${label.padEnd(34)} ${(rows.length / seconds).toFixed(0).padStart(7)} responses/s   event-loop lag p50 ${p(50)} ms  p99 ${p(99)} ms  max ${(lag.max / 1e6).toFixed(2)} ms`);
}

async function main(): Promise<void> {
  const model = option('model');
  if (!model) throw new Error('usage: bench-inference --model <verifier folder or model.onnx> [--responses N] [--worker FILE]');
  const rows = syntheticRows(Number(option('responses') ?? 10_000));
  const worker = option('worker');
  const scorer = await LearnedScorer.open(model, worker ? { workerFile: worker } : {});
  console.log(`learned verifier ${model}: ${scorer.labels.length} labels, vocabulary ${scorer.vocabSize}; ${rows.length} responses, CPU`);
  await scorer.score(rows.slice(0, 256)); // warm-up
  await measure('worker thread (LearnedScorer)', rows, () => scorer.score(rows));
  await scorer.close();
  const inline = await loadModel(model);
  await measure('calling thread (for contrast)', rows, async () => {
    for (let start = 0; start < rows.length; start += 256) await inline.score(rows.slice(start, start + 256));
  });
  await inline.release();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
