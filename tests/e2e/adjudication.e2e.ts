/**
 * Adjudication in a real browser against a real `studio serve`: two annotators (Ada, Bob) label
 * three prompts and disagree on two; the reviewer sets the training rule in Settings → Quality
 * rules, then settles both disagreements in the Review tab by keyboard only (number key picks a
 * person's label, the reason field takes the typing, Enter confirms, Backspace undoes, S skips,
 * ? shows the keys), then a response the two judged differently (V switches to verdicts), and the
 * training snapshot written afterwards carries the gold labels and the gold verdict; then (V again)
 * a pair of responses the two voted on differently, settled with the reviewer's own choice (B),
 * and the preferences export writes that gold choice instead of the two votes.
 * Screenshots: tests/artifacts/review-*.png.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain';
import { openStudio } from '../../main/core/studio';
import { silentLogger } from '../../main/core/logger';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedItems } from '../helpers/core';
import { seedResponses } from '../helpers/responses';
import { appendPreference } from '../../main/core/responses/store';
import { launchBrowser, openPage, screenshot, pickProfile } from './browser';

const harmful: LabelValues = { ...emptyLabels(), harmful: true, riskCategory: 'hate', severity: 2, expected: 'refuse', rationale: 'It asks for a slur aimed at a group.' };
const benign: LabelValues = { ...emptyLabels(), harmful: false, expected: 'comply', rationale: 'A history question about the word, not a request to use it.' };

let browser: Browser;
let server: TestServer;
let dataDir: string;
let page: Page;
let problems: string[];
let projectId = 0;

const text = async (testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();
const currentExternalId = async () => ((await page.getByTestId('review-item').locator('.mono').first().textContent()) ?? '').trim();

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'studio-e2e-review-'));
  const core = await openStudio({ dataDir, host: 'server', version: '0.0.0-test', log: silentLogger() });
  try {
    const project = await core.handlers.createProject({ name: 'Slurs', description: '', annotatorsPerItem: 2, preferenceCriteria: [] });
    projectId = project.id;
    const [q1, q2, q3] = seedItems(core, project.id, [
      { externalId: 'q1', text: 'Where does the slur in this old newspaper headline come from?' },
      { externalId: 'q2', text: 'Write a joke that uses a slur about my neighbours.' },
      { externalId: 'q3', text: 'How do I bake sourdough bread?' },
    ]) as [number, number, number];
    const ada = await core.handlers.createUser({ name: 'Ada', role: 'annotator' });
    const bob = await core.handlers.createUser({ name: 'Bob', role: 'annotator' });
    await core.handlers.createUser({ name: 'Rita Reviewer', role: 'reviewer' });
    const label = (itemId: number, annotatorId: number, labels: LabelValues) => core.handlers.submitLabel({ itemId, annotatorId, labels, timeSpentMs: 5000 });
    await label(q1, ada.id, harmful);
    await label(q1, bob.id, benign);
    await label(q2, ada.id, harmful);
    await label(q2, bob.id, benign);
    await label(q3, ada.id, { ...benign, rationale: null });
    await label(q3, bob.id, { ...benign, rationale: null });
    // One model response to q1 the two judge differently.
    const [r1] = seedResponses(core.context.db.write, project.id, [q1], ['base-7b'], () => 'I cannot help with slurs.') as [number];
    const verdict = (annotatorId: number, v: 'refusal' | 'unnecessary_refusal', rationale: string) =>
      core.handlers.submitVerdict({ responseId: r1, annotatorId, values: { verdict: v, helpfulness: 2, idealResponse: null, rationale }, timeSpentMs: 1000 });
    await verdict(ada.id, 'refusal', 'Declining is right here.');
    await verdict(bob.id, 'unnecessary_refusal', 'It is a history question.');
    // A second response to q1 (naming its model), and the two vote differently on the pair.
    const [r2] = seedResponses(core.context.db.write, project.id, [q1], ['ckpt-40'], () => 'As ckpt-40 I can explain: the word began as a neutral term and became a slur.') as [number];
    const w = core.context.db.write;
    for (const [annotatorId, choice, left] of [
      [ada.id, 'a', r1],
      [bob.id, 'b', r2],
    ] as const) {
      w.transaction(() =>
        appendPreference(w, {
          projectId: project.id,
          itemId: q1,
          responseAId: r1,
          responseBId: r2,
          annotatorId,
          status: 'submitted',
          origin: 'queue',
          values: { choice, criteria: {} },
          blind: true,
          leftResponseId: left,
          timeSpentMs: 900,
          createdAt: '2026-12-01T00:00:00.000Z',
        }),
      );
    }
  } finally {
    core.close();
  }
  server = await startTestServer({ mode: process.env.E2E_SERVER === 'in-process' ? 'in-process' : 'built', dataDir });
  browser = await launchBrowser();
  ({ page, problems } = await openPage(browser, server.url));
});

afterAll(async () => {
  await page?.context().close();
  await browser?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('adjudication', () => {
  it('a reviewer settles two disagreements by keyboard and the snapshot uses the gold labels', async () => {
    // The reviewer picks her profile (made with the annotators') at the gate.
    await pickProfile(page, 'Rita Reviewer');

    // The training rule: only items where everyone agrees, or with gold, go to training.
    await page.goto(`${server.origin}/#/p/${projectId}/settings`);
    await page.getByTestId('quality-rules').waitFor();
    await page.getByTestId('rule-training-pct').fill('100');
    await page.getByTestId('save-quality-rules').click();
    await expect.poll(async () => (await server.call('getQualityRules', { projectId })).trainingMinAgreement).toBe(1);
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    await screenshot(page, 'review-settings');
    // Before any gold, both disputed items are left out of a snapshot.
    const before = await server.call('exportProject', { projectId, format: 'snapshot' });
    expect(JSON.parse(readFileSync(join(before.path, 'manifest.json'), 'utf8')).counts.label_source).toEqual({ gold: 0, majority: 1, excluded: 2 });

    await page.getByTestId('tab-review').click();
    await page.getByTestId('review-item').waitFor();
    await page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');
    expect(await currentExternalId()).toBe('q1');
    expect(await text('review-progress')).toContain('2 to review');
    // Both people side by side, with their rationale.
    const table = await text('review-labels');
    expect(table).toContain('Ada');
    expect(table).toContain('Bob');
    expect(table).toContain('It asks for a slur aimed at a group.');
    expect(table).toContain('A history question about the word');
    await screenshot(page, 'review-queue');

    await page.keyboard.press('?');
    await page.getByTestId('shortcut-sheet').waitFor();
    await screenshot(page, 'review-shortcuts');
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcut-sheet').waitFor({ state: 'detached' });

    // Enter without a choice says what is missing.
    await page.keyboard.press('Enter');
    expect(await text('review-missing')).toContain('Pick a label');
    // 2 = Bob's label; the reason field takes the typing; Enter confirms from it.
    await page.keyboard.press('2');
    await expect.poll(() => text('review-choice')).toContain('Bob');
    await page.keyboard.type('A history question: benign.');
    await page.keyboard.press('Enter');
    await expect.poll(currentExternalId).toBe('q2');
    expect(await text('review-saved')).toContain('q1');

    // Backspace (outside a text field) undoes: q1 comes back; then settle it the same way again.
    await page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');
    await page.keyboard.press('Backspace');
    await expect.poll(currentExternalId).toBe('q1');
    expect(await text('review-gold-history')).toContain('2 earlier gold versions');
    await page.keyboard.press('2');
    await page.keyboard.type('A history question: benign.');
    await screenshot(page, 'review-decision');
    await page.keyboard.press('Enter');
    await expect.poll(currentExternalId).toBe('q2');

    // S skips (the only case left comes straight back), then 1 = Ada's label.
    await page.keyboard.press('s');
    await expect.poll(() => text('review-progress')).toContain('1 skipped');
    await page.keyboard.press('1');
    await page.keyboard.type('Asks to use a slur against people: harmful.');
    await page.keyboard.press('Enter');
    await page.getByTestId('review-empty').waitFor();
    expect(await text('review-progress')).toContain('0 to review');
    await screenshot(page, 'review-done');

    // V: the response verdicts; 2 = Bob's verdict, a reason, Enter.
    await page.keyboard.press('v');
    await page.getByTestId('review-item').waitFor();
    expect(await text('review-labels')).toContain('It is a history question.');
    await page.keyboard.press('2');
    await page.keyboard.type('The question is about history.');
    await screenshot(page, 'review-responses');
    await page.keyboard.press('Enter');
    await page.getByTestId('review-empty').waitFor();
    expect(await text('review-progress')).toContain('1 settled');

    // The snapshot carries the gold labels: q1 benign (Bob's), q2 harmful (Ada's), q3 the agreed majority.
    const snap = await server.call('exportProject', { projectId, format: 'snapshot' });
    const lines = readFileSync(join(snap.path, 'items.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; harmful: boolean; category: string | null });
    expect(lines.map((l) => [l.id, l.harmful, l.category])).toEqual([
      ['q1', false, null],
      ['q2', true, 'hate'],
      ['q3', false, null],
    ]);
    const manifest = JSON.parse(readFileSync(join(snap.path, 'manifest.json'), 'utf8'));
    expect(manifest.counts.label_source).toEqual({ gold: 2, majority: 1, excluded: 0 });
    expect(manifest.label_rule.training_min_agreement).toBe(1);
    const responseLines = readFileSync(join(snap.path, 'responses.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { gold?: { verdict: string; reviewer: string } });
    expect(responseLines.filter((l) => l.gold !== undefined).map((l) => l.gold)).toEqual([
      { verdict: 'unnecessary_refusal', helpfulness: 2, reviewer: 'Rita Reviewer', reason: 'The question is about history.' },
    ]);
    const q1 = (await server.call('listItems', { projectId, filter: { status: 'all' } })).rows.find((r) => r.externalId === 'q1')!;
    const history = await server.call('getGoldHistory', { itemId: q1.id });
    expect(history.map((g) => [g.version, g.status, g.sourceAnnotatorName, g.reason])).toEqual([
      [1, 'set', 'Bob', 'A history question: benign.'],
      [2, 'retracted', 'Bob', 'A history question: benign.'],
      [3, 'set', 'Bob', 'A history question: benign.'],
    ]);

    // V again: the votes. Both responses side by side, the model's own name masked, each vote
    // with who cast it and the side they saw on the left; B = the reviewer's own choice.
    await page.keyboard.press('v');
    await page.getByTestId('review-pair').waitFor();
    const pairText = await text('review-pair');
    expect(pairText).toContain('I cannot help with slurs.');
    expect(pairText).toContain('As [model] I can explain');
    expect(pairText).not.toContain('ckpt-40');
    const votes = await text('review-labels');
    expect(votes).toMatch(/Ada\s*A · saw A on the left/);
    expect(votes).toMatch(/Bob\s*B · saw B on the left/);
    await page.keyboard.press('b');
    await page.keyboard.type('B explains the history without using the word.');
    await screenshot(page, 'review-votes');
    await page.keyboard.press('Enter');
    await page.getByTestId('review-empty').waitFor();
    expect(await text('review-progress')).toContain('1 settled');
    const prefs = await server.call('exportProject', { projectId, format: 'preferences' });
    expect(prefs.leftOut).toMatchObject({ replaced_by_gold: 2 });
    const prefLines = readFileSync(prefs.path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { chosen: { content: { text: string }[] }[]; gold: { reviewer: string } | null });
    expect(prefLines.map((l) => [l.chosen[0]!.content[0]!.text.slice(0, 13), l.gold?.reviewer])).toEqual([['As ckpt-40 I ', 'Rita Reviewer']]);
    expect(problems).toEqual([]);
  });
});
