/**
 * Probes during training in a real browser against a real `studio serve`, with the REAL Python
 * worker on the tiny CPU model: an evaluation set frozen from the demo project, picked in the run
 * form's Probes section (every step, a small sample, a stop rule), the run trained, and the probe
 * chart (unsafe and over-refusal with their intervals and n) drawn beside the reward chart.
 * Screenshots land in tests/artifacts/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelValues } from '../../preload/contract/domain';
import { workerPython } from '../helpers/python';
import type { TestServer } from '../helpers/server';
import { createProfile, launchBrowser, openPage, screenshot, startServer } from './browser';

const python = workerPython('torch, trl, transformers');

const label = (harmful: boolean): LabelValues => ({
  harmful,
  riskCategory: harmful ? 'violent_crimes' : null,
  severity: harmful ? 2 : null,
  expected: harmful ? 'comply_with_care' : 'comply',
  jailbreakType: null,
  crossModalRisk: null,
  visualCues: [],
  referenceAnswer: null,
  rationale: null,
});

describe.skipIf(!python).sequential('probes during training', () => {
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  let problems: string[];
  let projectId = 0;
  let setId = 0;

  beforeAll(async () => {
    process.env.STUDIO_PYTHON = python!;
    browser = await launchBrowser();
    server = await startServer();
    ({ page, problems } = await openPage(browser, server.url));
  });
  afterAll(async () => {
    await page?.context().close();
    await server?.stop();
    await browser?.close();
  });

  it('prepares the demo project: an evaluation set, a few labelled training items, the tiny model', async () => {
    await createProfile(page, 'Pia Prober');
    await page.getByTestId('create-demo').click();
    await page.getByTestId('project-home').waitFor({ timeout: 60_000 });
    projectId = Number(/#\/p\/(\d+)/.exec(page.url())?.[1]);
    await server.call('applyEvalSplit', { projectId, fraction: 0.1, seed: 3, split: 'eval' });
    const set = await server.call('freezeEvalSet', { projectId, name: 'probe set' });
    setId = set.id;
    expect(set.truth.labels + set.truth.hint).toBeGreaterThan(0);
    const user = (await server.call('listUsers', {})).find((u) => u.name === 'Pia Prober')!;
    const rows = (await server.call('listItems', { projectId, filter: { status: 'all', search: 'xstest' }, limit: 500 })).rows;
    const train = rows.filter((r) => r.split === 'train').slice(0, 6);
    expect(train.length).toBe(6);
    for (const [i, r] of train.entries()) await server.call('submitLabel', { itemId: r.id, annotatorId: user.id, labels: label(i % 2 === 0), timeSpentMs: 800 });
    await server.call('buildTinyModel', {});
  }, 240_000);

  it('picks the evaluation set, K and a stop rule in the run form; the config carries them', async () => {
    await page.getByTestId('tab-train').click();
    await page.getByTestId('train-setup').click();
    await page.getByTestId('dataset-items').waitFor({ timeout: 120_000 });
    await page.getByTestId('probe-set').selectOption(String(setId));
    await page.locator('#probe-every').fill('1');
    await page.locator('#probe-prompts').fill('6');
    await page.locator('#probe-tokens').fill('12');
    await page.getByTestId('probe-stop').check();
    await page.locator('#probe-above').fill('95');
    await expect.poll(async () => page.getByTestId('config-json').locator('pre').textContent(), { timeout: 20_000 }).toContain('"every": 1');
    const config = JSON.parse((await page.getByTestId('config-json').locator('pre').textContent()) ?? '{}') as { probe?: Record<string, unknown> };
    expect(config.probe).toMatchObject({ evaluation_set_id: setId, every: 1, max_prompts: 6, max_new_tokens: 12, stop: { metric: 'over_refusal_rate', above: 0.95, consecutive: 2 } });
    await page.getByTestId('probe-editor').scrollIntoViewIfNeeded();
    await screenshot(page, 'training-probe-form');
  });

  it('trains and draws the probe chart beside the reward chart', async () => {
    await expect.poll(async () => page.getByTestId('train').isEnabled(), { timeout: 20_000 }).toBe(true);
    await page.getByTestId('train').click();
    const anyway = page.getByTestId('train-anyway');
    await Promise.race([anyway.waitFor({ timeout: 5_000 }).then(() => anyway.click()), page.getByTestId('run-view').waitFor({ timeout: 30_000 })]).catch(() => undefined);
    await page.getByTestId('run-view').waitFor({ timeout: 60_000 });
    const runId = Number(/\/run\/(\d+)/.exec(page.url())?.[1]);
    await page.locator('[data-testid="run-status"][data-status="completed"]').waitFor({ timeout: 400_000 });
    const detail = await server.call('getRun', { runId });
    const steps = detail.run.totalSteps;
    expect(detail.probes.map((p) => p.step)).toEqual(Array.from({ length: steps + 1 }, (_, i) => i));
    await expect.poll(async () => Number(await page.getByTestId('chart-probes').getAttribute('data-points')), { timeout: 20_000 }).toBe(steps + 1);
    const last = detail.probes.at(-1)!;
    expect(await page.getByTestId('probe-latest-over').textContent()).toContain(`n=${last.overRefusal.n}`);
    expect(await page.getByTestId('probe-latest-unsafe').textContent()).toContain(`n=${last.unsafe.n}`);
    // Beside the reward chart: the probe chart is the reward chart's next sibling in the grid.
    const next = await page.getByTestId('chart-reward').evaluate((el) => el.nextElementSibling?.getAttribute('data-testid'));
    expect(next).toBe('chart-probes');
    await page.getByTestId('run-charts').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.evaluate('window.scrollBy(0, -80)'); // below the sticky header
    await screenshot(page, 'training-probe-chart');
    expect(problems).toEqual([]);
  }, 500_000);
});
