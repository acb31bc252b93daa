/**
 * Prompt-label suggestions (main/core/verifiers/prompt-suggestions.ts) from a real prompt-label
 * head (trained by the worker's trainer, run by onnxruntime-node in the inference thread), and the
 * queue ordered by its uncertainty (queue-scores.ts, services/queue-uncertainty.ts): suggestions
 * match what the head learned, asking for them writes nothing (every table is the same before and
 * after), only submitLabel stores a label; with the setting on the queue serves the least sure
 * items first from the cached scores, unscored items follow in the usual order, undone items
 * still lead and skipped ones still trail; with it off (the default) nothing changes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadableDB } from '../../db/handles.js';
import type { LabelValues } from '../../preload/contract/domain.js';
import { onnxScoring } from '../../main/inference/scoring.js';
import { openTempCore, seedItems, type TempCore } from '../helpers/core.js';
import { bundleInferenceWorker } from '../helpers/inference-worker.js';
import { registerTestVerifier, trainTestVerifier } from '../helpers/learned-verifier.js';
import { PROMPT_TEXTS, registerPromptVerifier, trainTestPromptLabels } from '../helpers/prompt-labels.js';
import { workerPython } from '../helpers/python.js';

const python = workerPython('torch, onnx, onnxruntime, pydantic');

const LABELS: LabelValues = {
  harmful: false,
  riskCategory: null,
  severity: null,
  expected: 'comply',
  jailbreakType: null,
  crossModalRisk: 'none',
  visualCues: [],
  referenceAnswer: null,
  rationale: null,
};

function everyRow(c: TempCore): Record<string, string> {
  const db: ReadableDB = c.core.context.db.read;
  const tables = db.prepare<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all();
  const out: Record<string, string> = {};
  for (const { name } of tables) out[name] = String(db.prepare<{ n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`).get()!.n);
  for (const name of ['annotation', 'annotation_head', 'queue_skip']) out[`${name}:rows`] = JSON.stringify(db.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all());
  out.writes = String(c.core.context.db.write.prepare<{ n: number }>('SELECT total_changes() AS n').get()!.n);
  return out;
}

/** Normalised entropy of the expected probabilities: what the queue orders by. */
function entropy(probs: Record<string, number>): number {
  const values = Object.values(probs);
  return -values.reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0) / Math.log(values.length);
}

describe.skipIf(!python)('prompt-label suggestions and the uncertainty queue', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prompt-suggestions-'));
  let folder: string;
  let c: TempCore;

  beforeAll(async () => {
    folder = trainTestVerifier(python!, dir);
    trainTestPromptLabels(python!, folder);
    c = await openTempCore({ learnedScoring: onnxScoring({ workerFile: await bundleInferenceWorker(dir) }) });
  }, 180_000);
  afterAll(() => {
    c?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Clear cases (a weapons request, a kitchen question) and ambiguous ones the head is less sure of.
  const TEXTS = [PROMPT_TEXTS.kitchen[0], 'bomb egg hurt', PROMPT_TEXTS.weapons[0], 'How do I knife myself a pasta bomb', PROMPT_TEXTS.selfHarm[0], 'Is this a question'];

  async function setup(withHead = true) {
    const project = await c.call('createProject', { name: `P${Date.now()}${Math.random()}` });
    const ids = seedItems(
      c.core,
      project.id,
      TEXTS.map((text, i) => ({ externalId: `i${i}`, text })),
    );
    if (withHead) registerPromptVerifier(c.core.context.db.write, project.id, folder);
    const ada = await c.call('createUser', { name: `Ada${project.id}`, role: 'annotator' });
    return { project, ids, ada };
  }

  it('says why there are none when the verifier has no prompt-label head', async () => {
    const { project, ids } = await setup(false);
    registerTestVerifier(c.core.context.db.write, project.id, folder);
    const reply = await c.call('suggestPromptLabels', { projectId: project.id, itemIds: ids });
    expect(reply).toEqual({ verifier: null, suggestions: [], unavailable: expect.stringContaining('prompt-label head') });
  });

  it('suggests what the head learned, with confidences and its per-field accuracy', async () => {
    const { project, ids } = await setup();
    const started = performance.now();
    const reply = await c.call('suggestPromptLabels', { projectId: project.id, itemIds: [ids[0]!, ids[2]!, ids[4]!] });
    console.log(`suggestPromptLabels: 3 items in ${(performance.now() - started).toFixed(1)} ms (first call, loads the model)`);
    const again = performance.now();
    await c.call('suggestPromptLabels', { projectId: project.id, itemIds: ids });
    console.log(`suggestPromptLabels: ${ids.length} items in ${(performance.now() - again).toFixed(1)} ms (model loaded)`);
    expect(reply.verifier).toMatchObject({ name: 'learned-p', accuracy: { harmful: 0.9, category: 0.8, expected: 0.75 } });
    const [kitchen, weapons, selfHarm] = reply.suggestions;
    expect(kitchen).toMatchObject({ itemId: ids[0], harmful: { value: false }, riskCategory: null, expected: { value: 'comply' } });
    expect(weapons).toMatchObject({ itemId: ids[2], harmful: { value: true }, riskCategory: { value: 'indiscriminate_weapons' }, expected: { value: 'refuse' } });
    expect(selfHarm).toMatchObject({ harmful: { value: true }, riskCategory: { value: 'suicide_and_self_harm' }, expected: { value: 'comply_with_care' } });
    for (const s of reply.suggestions) {
      expect(s.expected!.confidence).toBe(Math.max(...Object.values(s.probabilities.expected!)));
      expect(s.harmful!.confidence).toBe(Math.max(...Object.values(s.probabilities.harmful!)));
    }
  });

  it('never stores a suggestion: asking writes nothing; only submitLabel stores the label', async () => {
    const { project, ids, ada } = await setup();
    await c.call('getQueue', { projectId: project.id, annotatorId: ada.id, count: 6 });
    const before = everyRow(c);
    for (let i = 0; i < 3; i += 1) await c.call('suggestPromptLabels', { projectId: project.id, itemIds: ids });
    expect(everyRow(c)).toEqual(before);
    const [s] = (await c.call('suggestPromptLabels', { projectId: project.id, itemIds: [ids[0]!] })).suggestions;
    await c.call('submitLabel', { itemId: ids[0]!, annotatorId: ada.id, labels: { ...LABELS, harmful: s!.harmful!.value, expected: s!.expected!.value }, timeSpentMs: 500 });
    expect(c.core.context.db.read.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM annotation WHERE project_id = ?').get(project.id)!.n).toBe(1);
  });

  it('orders the queue least sure first when the project asks, unscored items after, undone first, skipped last', async () => {
    const { project, ids, ada } = await setup();
    const queue = async () => (await c.call('getQueue', { projectId: project.id, annotatorId: ada.id, count: 10 })).items.map((i) => i.item.id);
    expect(await c.call('getQueueOrdering', { projectId: project.id })).toMatchObject({ uncertainty: false, scored: 0, open: 6 });
    expect(await queue()).toEqual(ids);
    expect(await c.call('setQueueOrdering', { projectId: project.id, uncertainty: true })).toMatchObject({ uncertainty: true });
    expect(await c.call('scoreQueue', { projectId: project.id })).toMatchObject({ uncertainty: true, scored: 6, open: 6 });

    const { suggestions } = await c.call('suggestPromptLabels', { projectId: project.id, itemIds: ids });
    const byUncertainty = [...suggestions].sort((a, b) => entropy(b.probabilities.expected!) - entropy(a.probabilities.expected!) || a.itemId - b.itemId).map((s) => s.itemId);
    expect(await queue()).toEqual(byUncertainty);
    expect(byUncertainty).not.toEqual(ids);

    // A new item has no score yet: it comes after the scored ones, in import order.
    const [late] = seedItems(c.core, project.id, [{ externalId: 'late', text: 'A brand new prompt' }]);
    const withLate = await queue();
    expect(withLate.slice(0, 6)).toEqual(byUncertainty);
    expect(withLate[6]).toBe(late);

    // Skips still trail; an undone item still leads.
    await c.call('skipItem', { itemId: byUncertainty[0]!, annotatorId: ada.id });
    await c.call('submitLabel', { itemId: byUncertainty[1]!, annotatorId: ada.id, labels: LABELS, timeSpentMs: 100 });
    await c.call('undoLastSubmit', { projectId: project.id, annotatorId: ada.id });
    const after = await queue();
    expect(after[0]).toBe(byUncertainty[1]);
    expect(after.at(-1)).toBe(byUncertainty[0]);
    // Shuffle on: the scored items still come least sure first.
    const shuffled = (await c.call('getQueue', { projectId: project.id, annotatorId: ada.id, count: 10, shuffle: true })).items.map((i) => i.item.id);
    expect(shuffled.slice(1, 5)).toEqual(byUncertainty.slice(2, 6));

    await c.call('setQueueOrdering', { projectId: project.id, uncertainty: false });
    expect((await queue()).slice(1, -1)).toEqual([...ids.filter((id) => id !== byUncertainty[0] && id !== byUncertainty[1]), late]);
  });

  it('prints figures: scoring a 5,000-item queue and serving it by uncertainty', async () => {
    const project = await c.call('createProject', { name: `Big${Date.now()}` });
    const words = [...PROMPT_TEXTS.weapons, ...PROMPT_TEXTS.kitchen, ...PROMPT_TEXTS.selfHarm];
    const ids = seedItems(
      c.core,
      project.id,
      Array.from({ length: 5000 }, (_, i) => ({ externalId: `b${i}`, text: `${words[i % words.length]!} variant ${i}` })),
    );
    registerPromptVerifier(c.core.context.db.write, project.id, folder);
    const ada = await c.call('createUser', { name: `Big${project.id}`, role: 'annotator' });
    await c.call('setQueueOrdering', { projectId: project.id, uncertainty: true });
    let started = performance.now();
    const ordering = await c.call('scoreQueue', { projectId: project.id });
    const scoreMs = performance.now() - started;
    expect(ordering.scored).toBe(ids.length);
    started = performance.now();
    for (let i = 0; i < 20; i += 1) await c.call('getQueue', { projectId: project.id, annotatorId: ada.id, count: 10 });
    const queueMs = (performance.now() - started) / 20;
    await c.call('setQueueOrdering', { projectId: project.id, uncertainty: false });
    started = performance.now();
    for (let i = 0; i < 20; i += 1) await c.call('getQueue', { projectId: project.id, annotatorId: ada.id, count: 10 });
    const plainMs = (performance.now() - started) / 20;
    started = performance.now();
    for (let i = 0; i < 20; i += 1) await c.call('suggestPromptLabels', { projectId: project.id, itemIds: ids.slice(i * 4, i * 4 + 4) });
    const suggestMs = (performance.now() - started) / 20;
    console.log(
      `5,000 items: scoreQueue ${scoreMs.toFixed(0)} ms; getQueue ordered ${queueMs.toFixed(1)} ms / usual order ${plainMs.toFixed(1)} ms a call; suggestPromptLabels (4 items) ${suggestMs.toFixed(1)} ms a call`,
    );
  }, 120_000);
});
