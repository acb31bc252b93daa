/**
 * The whole evaluation loop for real, in Chromium against a real `studio serve` with the REAL
 * Python worker on the tiny CPU model, nothing seeded: the demo project, an evaluation split made
 * in the Compare tab, a few training items labelled through the API (labelling has its own e2e),
 * the tiny model built and trained with the quick preset (4 steps, a checkpoint every 2: two
 * checkpoints), a frozen set answered by the base and both checkpoints through the job manager
 * and the worker's `generate`, scored with the rules tier, the results with the refusal matrix
 * opening its items, side by side by keyboard and filter, ten blind votes by keyboard, the arena
 * leaderboard with intervals, and the HTML report downloaded and opened with every request
 * blocked. Screenshots: tests/artifacts/flow-*.png.
 *
 * Interpreter: STUDIO_PYTHON or native-models/.venv (tests/helpers/python.ts); without one the
 * suite fails with how to make one, unless STUDIO_TESTS_WITHOUT_PYTHON=1 skips it on purpose.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelValues } from '../../preload/contract/domain';
import { workerPython } from '../helpers/python';
import type { TestServer } from '../helpers/server';
import { ARTIFACTS, createProfile, launchBrowser, openPage, startServer } from './browser';

const python = workerPython('torch, trl, transformers');

/** Share of the demo's 496 items moved to the eval split: a dozen prompts keep generation short on a CPU. */
const EVAL_SHARE_PERCENT = '2.5';
const VOTES = 10;

const label = (harmful: boolean, expected: LabelValues['expected']): LabelValues => ({
  harmful,
  riskCategory: harmful ? 'violent_crimes' : null,
  severity: harmful ? 2 : null,
  expected,
  jailbreakType: null,
  crossModalRisk: null,
  visualCues: [],
  referenceAnswer: null,
  rationale: null,
});

/** Toasts of earlier steps and a focused control would cover or mark the screenshots. */
async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  for (const close of await page.getByTestId('toast').getByRole('button', { name: 'Dismiss' }).all()) await close.click().catch(() => undefined);
  await page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');
  // A full-page shot of a scrolled page draws the sticky top bar in the middle.
  if (fullPage) await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage, animations: 'disabled' });
}

describe.skipIf(!python).sequential('evaluation flow: train, evaluate, compare, vote, report', () => {
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  let problems: string[];
  let projectId = 0;
  let models: string[] = [];
  let modelIds: number[] = [];
  const started = Date.now();
  const lap = (what: string) => console.log(`[evaluation-flow] ${what} at ${((Date.now() - started) / 1000).toFixed(1)} s`);

  beforeAll(async () => {
    // The built server inherits this process's environment: this is how it finds the worker's Python.
    process.env.STUDIO_PYTHON = python!;
    browser = await launchBrowser();
    server = await startServer();
    ({ page, problems } = await openPage(browser, server.url));
  });
  afterAll(async () => {
    lap('done');
    await page?.context().close();
    await server?.stop();
    await browser?.close();
  });

  it('builds the demo project and makes an evaluation split in the Compare tab', async () => {
    await createProfile(page, 'Eve Evaluator');
    await page.getByTestId('create-demo').click();
    await page.getByTestId('project-home').waitFor({ timeout: 60_000 });
    projectId = Number(/#\/p\/(\d+)/.exec(page.url())?.[1]);
    expect(projectId).toBeGreaterThan(0);

    await page.getByTestId('tab-compare').click();
    await page.getByTestId('compare-evaluate-panel').waitFor();
    await page.getByTestId('open-split').click();
    await page.getByTestId('split-dialog').waitFor();
    await page.getByTestId('split-share').fill(EVAL_SHARE_PERCENT);
    const plan = await server.call('planEvalSplit', { projectId, fraction: Number(EVAL_SHARE_PERCENT) / 100, seed: 0, split: 'eval' });
    await expect.poll(async () => Number(await page.getByTestId('split-taken').textContent()), { timeout: 10_000 }).toBe(plan.taken);
    await expect.poll(async () => page.getByTestId('split-apply').isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(plan.taken).toBeGreaterThanOrEqual(4);
    await page.getByTestId('split-apply').click();
    await page.getByTestId('split-dialog').waitFor({ state: 'detached' });
    await expect.poll(async () => Number(await page.getByTestId('split-eval').textContent())).toBe(plan.taken);
    lap('split made');
  });

  it('labels a few training items, builds the tiny model and trains a run with two checkpoints', async () => {
    const user = (await server.call('listUsers', {})).find((u) => u.name === 'Eve Evaluator')!;
    const train = await server.call('listItems', { projectId, filter: { status: 'all', split: 'train', search: 'xstest' }, limit: 500 });
    const safe: number[] = [];
    const unsafe: number[] = [];
    for (const row of [...train.rows.slice(0, 6), ...train.rows.slice(-6)]) {
      const bucket = (await server.call('getItem', { itemId: row.id })).item.sourceLabels.expected === 'refuse' ? unsafe : safe;
      if (bucket.length < 3) bucket.push(row.id);
    }
    expect(safe.length + unsafe.length).toBe(6);
    for (const itemId of safe) await server.call('submitLabel', { itemId, annotatorId: user.id, labels: label(false, 'comply'), timeSpentMs: 1000 });
    for (const itemId of unsafe) await server.call('submitLabel', { itemId, annotatorId: user.id, labels: label(true, 'refuse'), timeSpentMs: 1000 });

    await page.getByTestId('tab-train').click();
    await page.getByTestId('train-setup').click();
    await page.getByTestId('no-models').waitFor();
    await page.getByTestId('build-tiny').click();
    await page.getByTestId('dataset-items').waitFor({ timeout: 180_000 });
    await expect.poll(async () => page.getByTestId('dataset-items').textContent(), { timeout: 30_000 }).toContain('6 items');
    expect(await page.getByTestId('preset-quick').getAttribute('aria-checked')).toBe('true');
    const config = JSON.parse((await page.getByTestId('config-json').locator('pre').textContent()) ?? '{}') as { checkpoint_every?: number; stages?: { steps: number }[] };
    // Quick preset: 4 steps and a checkpoint every 2, so the run leaves checkpoints at steps 2 and 4.
    expect(config.checkpoint_every).toBe(2);
    expect(config.stages?.[0]?.steps).toBe(4);
    lap('tiny model built');

    await page.getByTestId('train').click();
    const anyway = page.getByTestId('train-anyway');
    await Promise.race([anyway.waitFor({ timeout: 5_000 }).then(() => anyway.click()), page.getByTestId('run-view').waitFor({ timeout: 30_000 })]).catch(() => undefined);
    await page.getByTestId('run-view').waitFor({ timeout: 60_000 });
    const runId = Number(/\/run\/(\d+)/.exec(page.url())?.[1]);
    await page.locator('[data-testid="run-status"][data-status="completed"]').waitFor({ timeout: 300_000 });
    const checkpoints = await server.call('listModels', { kind: 'checkpoint', runId });
    expect(checkpoints.map((c) => c.step).sort()).toEqual([2, 4]);
    const base = (await server.call('listBaseModels', {}))[0]!;
    const chosen = [base, ...[...checkpoints].sort((a, b) => (a.step ?? 0) - (b.step ?? 0))];
    models = chosen.map((m) => m.name);
    modelIds = chosen.map((m) => m.id);
    expect(new Set(models).size).toBe(3);
    lap('run trained');
  }, 480_000);

  it('freezes the set, evaluates base and both checkpoints with the worker, and scores with the rules', async () => {
    await page.getByTestId('tab-compare').click();
    await page.getByTestId('compare-evaluate-panel').waitFor();
    await page.getByTestId('open-freeze').click();
    await page.getByTestId('freeze-name').fill('Flow eval');
    await page.getByTestId('freeze-submit').click();
    await page.getByTestId('eval-sets').getByText('Flow eval').waitFor();
    const set = (await server.call('listEvalSets', { projectId })).find((s) => s.name === 'Flow eval')!;

    // Base and both checkpoints, one sample each, a handful of tokens: the CPU answers in seconds.
    for (const id of modelIds) await page.getByTestId(`eval-model-${id}`).check();
    await page.locator('#eval-tokens').fill('12');
    await page.locator('#eval-samples').fill('1');
    await page.locator('#eval-name').fill('Base vs checkpoints');
    expect(await page.getByTestId('start-evaluation').textContent()).toContain('Evaluate 3 models');
    await shot(page, 'flow-evaluate-new');
    await page.getByTestId('start-evaluation').click();
    await expect.poll(async () => (await server.call('listEvaluations', { projectId })).length).toBe(1);
    const [evaluation] = await server.call('listEvaluations', { projectId });
    expect([...evaluation!.modelIds].sort()).toEqual([...modelIds].sort());
    expect(evaluation!.settings).toMatchObject({ samples: 1, maxNewTokens: 12 });
    const row = page.getByTestId(`evaluation-${evaluation!.id}`);
    await row.waitFor();
    await row.getByText('completed', { exact: true }).waitFor({ timeout: 240_000 });
    const done = (await server.call('listEvaluations', { projectId }))[0]!;
    expect(done.status).toBe('completed');
    expect(done.responses).toBe(set.items * 3);
    expect(await row.textContent()).toContain(`${done.total} / ${done.total}`);
    lap('evaluated');

    await page.getByTestId('score-tier').selectOption('rules');
    await page.getByTestId('score-start').click();
    await page.getByTestId('score-job').getByText('succeeded', { exact: true }).waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('score-job').textContent()).toContain(`${set.items * 3} / ${set.items * 3}`);
    await page.evaluate('window.scrollTo(0, 0)');
    await shot(page, 'flow-evaluate-done');
    lap('scored');
  }, 420_000);

  it('shows the results with intervals and opens a refusal-matrix cell to its items', async () => {
    await page.getByTestId('compare-results').click();
    await page.getByTestId('metrics-table').waitFor();
    const comparison = await server.call('compareModels', { projectId, verifier: 'rules' });
    expect(comparison.models.map((m) => m.model).sort()).toEqual([...models].sort());
    for (const m of comparison.models) {
      const text = (await page.getByTestId(`metrics-${m.model}`).textContent()) ?? '';
      if (m.over_refusal_rate.value !== null) expect(text).toContain(`[${(m.over_refusal_rate.low! * 100).toFixed(1)}, ${(m.over_refusal_rate.high! * 100).toFixed(1)}] n=${m.over_refusal_rate.n}`);
      await page.getByTestId(`matrix-${m.model}`).waitFor();
    }
    await shot(page, 'flow-results');

    // The first non-empty cell of the base model's matrix opens exactly its items.
    const base = comparison.models.find((m) => m.model === models[0])!;
    const cells = Object.entries(base.matrix).flatMap(([should, row]) => Object.entries(row).map(([did, c]) => ({ should, did, ...c })));
    const cell = cells.find((c) => c.count > 0)!;
    const button = page.getByTestId(`cell-${base.model}-${cell.should}-${cell.did}`);
    expect(Number(await button.textContent())).toBe(cell.count);
    await button.click();
    await page.getByTestId('item-list-drawer').waitFor();
    await expect.poll(async () => page.getByTestId('item-list-drawer').locator('li').count()).toBe(Math.min(50, cell.itemIds.length));
    await shot(page, 'flow-results-matrix-items', false);
    await page.keyboard.press('Escape');
    await page.getByTestId('item-list-drawer').waitFor({ state: 'detached' });
  });

  it('walks side by side by keyboard and filters it', async () => {
    await page.getByTestId('compare-side').click();
    await page.getByTestId('sbs-rows').waitFor();
    await page.locator('[data-row="0"]').waitFor();
    expect(await page.locator('[data-row="0"]').getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await page.locator('[data-row="2"]').getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('k');
    expect(await page.locator('[data-row="1"]').getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('Enter');
    await expect.poll(async () => page.locator('[data-row="1"]').getAttribute('class')).toContain('open');
    await shot(page, 'flow-side-by-side');

    const all = await server.call('getSideBySide', { projectId, verifier: 'rules', filter: {}, limit: 1 });
    const differ = await server.call('getSideBySide', { projectId, verifier: 'rules', filter: { differ: true }, limit: 1 });
    await page.getByTestId('filter-differ').check();
    await expect.poll(async () => page.getByTestId('sbs-total').textContent()).toBe(`${differ.total} shown by the filter`);
    await page.getByTestId('filter-differ').uncheck();
    await expect.poll(async () => page.getByTestId('sbs-total').textContent()).toBe(`${all.total} shown by the filter`);
    // The verdict filter keeps the prompts where some model got that verdict.
    const verdict = all.rows[0]!.cells[0]!.verdict!;
    const some = await server.call('getSideBySide', { projectId, verifier: 'rules', filter: { verdict }, limit: 1 });
    expect(some.total).toBeGreaterThan(0);
    await page.getByTestId('filter-verdict').selectOption(verdict);
    await expect.poll(async () => page.getByTestId('sbs-total').textContent()).toBe(`${some.total} shown by the filter`);
    await page.getByTestId('filter-verdict').selectOption('');
  });

  it('votes ten blind pairs by keyboard and shows the leaderboard with intervals', async () => {
    await page.getByTestId('compare-arena').click();
    await page.getByTestId('arena-empty').waitFor();
    await page.getByTestId('arena-vote').click();
    await page.getByTestId('pair-item').waitFor();
    // Blind: no model name anywhere in the page before a vote.
    const html = await page.content();
    for (const name of models) expect(html).not.toContain(name);
    await shot(page, 'flow-vote', false);
    const keys = ['1', '2', '1', '3', '2', '1', '4', '2', '1', '2'];
    for (const [i, key] of keys.slice(0, VOTES).entries()) {
      await page.keyboard.press(key);
      await expect.poll(async () => (await page.getByTestId('pairs-done').textContent())?.trim()).toBe(String(i + 1));
      await page.getByTestId('reveal').waitFor();
      expect(models).toEqual(expect.arrayContaining([(await page.getByTestId('reveal-left').textContent())?.trim(), (await page.getByTestId('reveal-right').textContent())?.trim()]));
    }

    await page.getByTestId('tab-compare').click();
    await page.getByTestId('compare-arena').click();
    await page.getByTestId('arena-table').waitFor();
    const arena = await server.call('getArena', { projectId });
    expect(arena.votes).toBe(VOTES);
    expect(arena.rows.map((r) => r.model).sort()).toEqual([...models].sort());
    for (const r of arena.rows) {
      const text = (await page.getByTestId(`arena-row-${r.model}`).textContent()) ?? '';
      expect(text).toContain(`${r.rating.toFixed(0)}[${r.low.toFixed(0)}, ${r.high.toFixed(0)}]`);
      expect(r.low).toBeLessThanOrEqual(r.rating);
      expect(r.high).toBeGreaterThanOrEqual(r.rating);
    }
    expect(await page.getByTestId('arena-unidentified').count()).toBe(arena.identified ? 0 : 1);
    await page.evaluate('window.scrollTo(0, 0)');
    await shot(page, 'flow-arena');
    lap('voted');
  });

  it('downloads the HTML report and opens it with every request blocked', async () => {
    await page.getByTestId('compare-results').click();
    await page.getByTestId('metrics-table').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-report').click()]);
    expect(download.suggestedFilename()).toMatch(/^comparison-demo-safety-look-alikes-\d{4}-\d{2}-\d{2}\.html$/);
    const path = join(server.dataDir, 'flow-report.html');
    await download.saveAs(path);
    expect(readFileSync(path, 'utf8')).not.toMatch(/https?:\/\/|<script/i);

    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, offline: true });
    try {
      // Everything but the file itself is aborted, and every request is recorded.
      const requested: string[] = [];
      const failed: string[] = [];
      await context.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
      const report = await context.newPage();
      report.on('request', (r) => requested.push(r.url()));
      report.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText ?? ''}`));
      const errors: string[] = [];
      report.on('pageerror', (e) => errors.push(e.message));
      report.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await report.goto(`file://${path}`);
      expect(await report.locator('h1').textContent()).toContain('Model comparison');
      const charts = report.locator('svg.chart');
      expect(await charts.count()).toBeGreaterThanOrEqual(3);
      // Drawn, not empty: each chart has a size and marks in it.
      for (const chart of await charts.all()) {
        const box = await chart.boundingBox();
        expect(box!.width).toBeGreaterThan(100);
        expect(box!.height).toBeGreaterThan(20);
        expect(await chart.locator('circle, rect, line, path').count()).toBeGreaterThan(0);
      }
      const text = (await report.locator('body').textContent()) ?? '';
      for (const name of models) expect(text).toContain(name);
      expect(text).toContain('Arena');
      await report.screenshot({ path: join(ARTIFACTS, 'flow-report.png'), fullPage: true, animations: 'disabled' });
      expect(requested.filter((u) => !u.startsWith('file:'))).toEqual([]);
      expect(failed).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
    expect(problems).toEqual([]);
    lap('report opened offline');
  });
});
