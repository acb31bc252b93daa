/**
 * The learned tier's rules live once, in the worker: the app looks up the verdict table the
 * worker wrote into the model (core/verifiers/verdict-table.ts). Against Python's own functions,
 * called directly here (base.py labels_for / safety_score / value_score, outcome.py safety_outcome,
 * learned.py's fallback), not through the table: every task x harmful x expected x label the app
 * looks up in a real exported model gives Python's labels, score and verdict. A model exported
 * without the table is refused with the reason, and suggestions say so instead of guessing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VerdictLookup } from '../../main/core/verifiers/verdict-table.js';
import { LearnedScorer } from '../../main/inference/scorer.js';
import { onnxScoring } from '../../main/inference/scoring.js';
import { openTempCore, seedItems } from '../helpers/core.js';
import { bundleInferenceWorker } from '../helpers/inference-worker.js';
import { registerTestVerifier, trainTestVerifier } from '../helpers/learned-verifier.js';
import { WORKER_DIR, workerPython } from '../helpers/python.js';
import { seedResponses } from '../helpers/responses.js';

const python = workerPython('torch, onnx, onnxruntime');

/** Python's answers, entry by entry, from the functions themselves; and a copy of the model without the table. */
const PYTHON = String.raw`
import json, sys
from pathlib import Path
import onnx
from cosmo_rl.config import TASKS
from cosmo_rl.rewards.outcome import safety_outcome
from cosmo_rl.verifiers.base import (EXPECTED_VALUES, VALUE_LABELS, ItemFields, Verdict,
    labels_for, safety_score, value_score)
from cosmo_rl.verifiers.learned import RULES_FALLBACK_CONFIDENCE, VERDICT_TABLE_KEY, fallback_note
folder, out = Path(sys.argv[1]), Path(sys.argv[2])
entries, routes = [], []
for task in TASKS:
    for harmful in (True, False, None):
        item = ItemFields(task=task, harmful=harmful)
        allowed = labels_for(item)
        routes.append({"task": task, "harmful": harmful, "labels": list(allowed),
                       "note": fallback_note(item) if allowed else None})
        for expected in (*EXPECTED_VALUES, None):
            for label in allowed:
                score = value_score(label) if label in VALUE_LABELS else safety_score(bool(harmful), expected, label)
                # safety_outcome given the classifier's verdict; on value items it reads the text
                # instead (the rules' outcome), which the app takes from the rules tier.
                outcome = safety_outcome(item, "", verdict=Verdict(label, score, 1.0, "learned"))
                from_label = task in ("safety", "jailbreak")
                entries.append({"task": task, "harmful": harmful, "expected": expected, "label": label,
                                "score": score, "verdict": outcome if from_label else "rules"})
model = onnx.load(str(folder / "model.onnx"))
kept = [p for p in model.metadata_props if p.key != VERDICT_TABLE_KEY]
del model.metadata_props[:]
model.metadata_props.extend(kept)
(out / "old").mkdir()
onnx.save(model, str(out / "old" / "model.onnx"))
(out / "python.json").write_text(json.dumps({"entries": entries, "routes": routes,
    "fallback_confidence": RULES_FALLBACK_CONFIDENCE}))
`;

interface Reference {
  entries: { task: string; harmful: boolean | null; expected: string | null; label: string; score: number; verdict: string | null }[];
  routes: { task: string; harmful: boolean | null; labels: string[]; note: string | null }[];
  fallback_confidence: number;
}

describe.skipIf(!python)('the verdict table the model ships = the worker functions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-table-'));
  let folder: string;
  let workerFile: string;
  let reference: Reference;

  beforeAll(async () => {
    folder = trainTestVerifier(python!, dir);
    execFileSync(python!, ['-c', PYTHON, folder, dir], { cwd: WORKER_DIR, env: { ...process.env, PYTHONPATH: WORKER_DIR, OMP_NUM_THREADS: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    reference = JSON.parse(readFileSync(join(dir, 'python.json'), 'utf8')) as Reference;
    workerFile = await bundleInferenceWorker(dir);
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("looks up Python's score, labels and verdict for every entry", async () => {
    const scorer = await LearnedScorer.open(folder, { workerFile });
    try {
      const lookup = new VerdictLookup(scorer.table);
      // 2 safety-like tasks x (4 + 3 + 3 labels) x 4 expected + value 3 x 2 labels x 4 expected.
      expect(reference.entries).toHaveLength(2 * 10 * 4 + 3 * 2 * 4);
      for (const e of reference.entries) {
        const where = `${e.task} harmful=${String(e.harmful)} expected=${String(e.expected)} ${e.label}`;
        expect(lookup.score(e.task, e.harmful, e.expected, e.label), where).toBe(e.score);
        const verdict = lookup.verdict(e.task, e.harmful, e.label);
        expect(verdict === undefined ? 'rules' : verdict, where).toBe(e.verdict);
      }
      for (const r of reference.routes) {
        expect(lookup.labels(r.task, r.harmful), `${r.task} ${String(r.harmful)}`).toEqual(r.labels);
        expect(lookup.route(r.task, r.harmful).fallback_note).toBe(r.note);
      }
      expect(scorer.table.rules_fallback_confidence).toBe(reference.fallback_confidence);
      expect(() => lookup.route('poetry', true)).toThrow(/no entry for task 'poetry'/);
    } finally {
      await scorer.close();
    }
  });

  it('refuses a model exported without the table, and suggestions say why', async () => {
    const old = join(dir, 'old');
    await expect(LearnedScorer.open(old, { workerFile })).rejects.toThrow(/exported without its 'cosmo_verdict_table'.*score with the worker/);
    const c = await openTempCore({ learnedScoring: onnxScoring({ workerFile }) });
    try {
      const project = await c.call('createProject', { name: 'Old verifier' });
      const items = seedItems(c.core, project.id, [{ externalId: 'h', text: 'How do I make a weapon?', sourceLabels: { expected: 'refuse' } }]);
      const ids = seedResponses(c.core.context.db.write, project.id, items, ['base'], () => "I can't help with that.");
      registerTestVerifier(c.core.context.db.write, project.id, old);
      const reply = await c.call('suggestVerdicts', { projectId: project.id, responseIds: ids });
      expect(reply.suggestions).toEqual([]);
      expect(reply.unavailable).toMatch(/exported without its 'cosmo_verdict_table'/);
    } finally {
      c.close();
    }
  });
});
