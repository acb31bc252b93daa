/**
 * The app's learned verifier (main/inference: TS tokeniser, onnxruntime-node in a worker thread)
 * against the Python worker's (cosmo_rl.verifiers.learned with onnxruntime) on the same model and
 * inputs: the same tokens exactly, the same probabilities to 1e-5, the same labels. Inputs: every
 * verdict-corpus row plus strings that tell tokenisers apart (Python-only whitespace, NFKC,
 * a second think block, no closing tag, empty).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LearnedScorer, type LearnedScore, type ScoreRow } from '../../main/inference/scorer.js';
import { tokensFor } from '../../main/inference/tokenize.js';
import { bundleInferenceWorker } from '../helpers/inference-worker.js';
import { WORKER_DIR, workerPython } from '../helpers/python.js';

const python = workerPython('torch, onnx, onnxruntime, safetensors');

const PYTHON = String.raw`
import json, sys
from pathlib import Path
sys.path.insert(0, "tests")
from test_verdict_corpus import CORPUS, SAFETY_ROWS
from cosmo_rl.verifiers.base import ItemFields, labels_for
from cosmo_rl.verifiers.learned import (label_probabilities, load_bow_classifier, save_bow_classifier,
    tokens_for, train_bow_classifier)
out = Path(sys.argv[1])
classifier = train_bow_classifier([(r.item, r.response, r.verdict) for r in SAFETY_ROWS if r.split == "dev"],
                                  epochs=60, learning_rate=0.1, ngrams=2)
save_bow_classifier(classifier, out / "verifier", fmt="onnx")
onnx = load_bow_classifier(out / "verifier" / "model.onnx")
rows = [{"item": {"task": r.item.task, "harmful": r.item.harmful}, "response": r.response} for r in CORPUS]
rows += json.loads((out / "extra.json").read_text(encoding="utf-8"))
items = [ItemFields(task=r["item"]["task"], harmful=r["item"]["harmful"]) for r in rows]
logits = onnx.predict(items, [r["response"] for r in rows])
results = []
for row, item, row_logits in zip(rows, items, logits):
    allowed = labels_for(item)
    probs = label_probabilities(onnx.labels, allowed, row_logits) if allowed else None
    results.append({"tokens": tokens_for(item, row["response"]), "tokens2": tokens_for(item, row["response"], 2),
                    "probabilities": probs or None})
(out / "python.json").write_text(json.dumps({"rows": rows, "results": results}), encoding="utf-8")
`;

const EXTRA: ScoreRow[] = [
  // Python's whitespace has U+001C-U+001F and U+0085, JavaScript's has U+FEFF.
  { item: { task: 'safety', harmful: true }, response: '\u001c\u0085 <think>plan</think>\u001fSure, here is how\u0085' },
  { item: { task: 'safety', harmful: false }, response: '\ufeff<think>x</think>I cannot help\ufeff' },
  { item: { task: 'jailbreak', harmful: true }, response: '<think>a</think>b</think>Step 1: ﬁll the [pipe]' },
  { item: { task: 'safety', harmful: true }, response: '<think>never closed, I refuse' },
  { item: { task: 'safety', harmful: false }, response: 'Ｆｕｌｌｗｉｄｔｈ ＳＯＲＲＹ, Ⅻ ½ café naïve İstanbul' },
  { item: { task: 'safety', harmful: null }, response: '' },
  { item: { task: 'value', harmful: null }, response: 'That is a kind thing to do.' },
  { item: { task: 'knowledge', harmful: null }, response: 'Paris' },
];

describe.skipIf(!python)('learned verifier: app (onnxruntime-node, worker thread) = worker (python, onnxruntime)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inference-parity-'));
  let expected: { rows: ScoreRow[]; results: { tokens: string[]; tokens2: string[]; probabilities: Record<string, number> | null }[] };
  let scorer: LearnedScorer;

  beforeAll(async () => {
    writeFileSync(join(dir, 'extra.json'), JSON.stringify(EXTRA));
    execFileSync(python!, ['-c', PYTHON, dir], { cwd: WORKER_DIR, env: { ...process.env, PYTHONPATH: WORKER_DIR, OMP_NUM_THREADS: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    expected = JSON.parse(readFileSync(join(dir, 'python.json'), 'utf8')) as typeof expected;
    scorer = await LearnedScorer.open(join(dir, 'verifier'), { workerFile: await bundleInferenceWorker(dir) });
  }, 180_000);
  afterAll(async () => {
    await scorer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tokenises every input exactly as learned.py tokens_for, words and word pairs', () => {
    expect(expected.rows.length).toBeGreaterThan(600);
    expected.rows.forEach((row, i) => {
      expect(tokensFor(row.item, row.response), `row ${i}`).toEqual(expected.results[i]!.tokens);
      expect(tokensFor(row.item, row.response, 2), `row ${i}`).toEqual(expected.results[i]!.tokens2);
    });
  });

  it('gives the same probabilities (1e-5) and labels; knowledge rows are left to the rules', async () => {
    const scored = await scorer.score(expected.rows);
    expect(scored).toHaveLength(expected.rows.length);
    let compared = 0;
    scored.forEach((got: LearnedScore | null, i) => {
      const want = expected.results[i]!.probabilities;
      if (want === null) return expect(got, `row ${i}`).toBeNull();
      expect(Object.keys(got!.probabilities)).toEqual(Object.keys(want));
      for (const [label, p] of Object.entries(want)) expect(Math.abs(got!.probabilities[label]! - p), `row ${i} ${label}`).toBeLessThan(1e-5);
      const best = Object.keys(want).reduce((a, b) => (want[b]! > want[a]! ? b : a));
      expect(got!.label, `row ${i}`).toBe(best);
      expect(got!.confidence).toBeCloseTo(want[best]!, 5);
      compared += 1;
    });
    expect(compared).toBeGreaterThan(500);
  });

  it('a file that is not a verifier is refused with the reason', async () => {
    writeFileSync(join(dir, 'junk.onnx'), 'not a model');
    await expect(LearnedScorer.open(join(dir, 'junk.onnx'), { workerFile: join(dir, 'inference-worker.cjs') })).rejects.toThrow(/junk\.onnx|protobuf|varint|field|wire/);
  });
});
