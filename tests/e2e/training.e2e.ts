/**
 * One-click local fine-tuning in a real browser against a real `studio serve`, with the REAL
 * Python worker on the tiny CPU model: the demo project (a few items labelled through the API,
 * since labelling has its own e2e), the System panel, the tiny model built from the Train tab,
 * the quick preset, Train, charts and progress moving live, the run finishing and its
 * checkpoints listed under Models. Screenshots land in tests/artifacts/.
 *
 * Interpreter: STUDIO_PYTHON or native-models/.venv (tests/helpers/python.ts); without one the
 * suite fails with how to make one, unless STUDIO_TESTS_WITHOUT_PYTHON=1 skips it on purpose.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelValues } from '../../preload/contract/domain';
import { workerPython } from '../helpers/python';
import type { TestServer } from '../helpers/server';
import { createProfile, launchBrowser, openPage, screenshot, startServer } from './browser';

// STUDIO_PYTHON or native-models/.venv; a missing interpreter fails the suite (tests/helpers/python.ts).
const python = workerPython('torch, trl, transformers');

const label = (harmful: boolean, expected: LabelValues['expected'], extra: Partial<LabelValues> = {}): LabelValues => ({
  harmful,
  riskCategory: harmful ? 'violent_crimes' : null,
  severity: harmful ? 2 : null,
  expected,
  jailbreakType: null,
  crossModalRisk: null,
  visualCues: [],
  referenceAnswer: null,
  rationale: null,
  ...extra,
});

describe.skipIf(!python).sequential('training from the studio', () => {
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  let problems: string[];
  let projectId = 0;
  let runId = 0;

  beforeAll(async () => {
    // The built server inherits this process's environment: this is how it finds the worker's Python.
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

  it('builds the demo project and labels a few items', async () => {
    await createProfile(page, 'Tess Trainer');
    await page.getByTestId('create-demo').click();
    await page.getByTestId('project-home').waitFor({ timeout: 60_000 });
    projectId = Number(/#\/p\/(\d+)/.exec(page.url())?.[1]);
    expect(projectId).toBeGreaterThan(0);

    const user = (await server.call('listUsers', {})).find((u) => u.name === 'Tess Trainer')!;
    const xstest = await server.call('listItems', { projectId, filter: { status: 'all', search: 'xstest' }, limit: 500 });
    const images = await server.call('listItems', { projectId, filter: { status: 'all', search: 'figstep' }, limit: 100 });
    // XSTest's own expected behaviour says which prompts are the unsafe contrasts; the annotator agrees here.
    const sourceLabel = async (itemId: number) => ((await server.call('getItem', { itemId })).item.sourceLabels.expected === 'refuse' ? 'unsafe' : 'safe');
    const safe: typeof xstest.rows = [];
    const unsafe: typeof xstest.rows = [];
    for (const row of [...xstest.rows.slice(0, 6), ...xstest.rows.slice(-6)]) {
      const bucket = (await sourceLabel(row.id)) === 'safe' ? safe : unsafe;
      if (bucket.length < 3) bucket.push(row);
    }
    const figstep = images.rows.filter((r) => r.image !== null).slice(0, 3);
    expect(safe.length + unsafe.length + figstep.length).toBe(9);
    const labelled: [number, LabelValues][] = [
      ...safe.map((r) => [r.id, label(false, 'comply')] as [number, LabelValues]),
      ...unsafe.map((r) => [r.id, label(true, 'comply_with_care')] as [number, LabelValues]),
      ...figstep.map((r) => [r.id, label(true, 'refuse', { crossModalRisk: 'image', visualCues: ['numbered list'] })] as [number, LabelValues]),
    ];
    for (const [itemId, labels] of labelled) await server.call('submitLabel', { itemId, annotatorId: user.id, labels, timeSpentMs: 1000 });
  });

  it('shows the System panel: Python, torch, GPUs, disk and what to do', async () => {
    await page.getByTestId('tab-train').click();
    await page.getByTestId('train-system').click();
    await page.getByTestId('system-ready').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('system-ready').textContent()).toContain('Ready to train');
    expect(await page.getByTestId('sys-python').textContent()).toMatch(/3\.\d+/);
    expect(await page.getByTestId('sys-torch').textContent()).toMatch(/\d+\.\d+/);
    expect(await page.getByTestId('sys-disk').textContent()).toMatch(/GB/);
    await page.getByTestId('env-setup').waitFor();
    await screenshot(page, 'training-system');
  });

  it('builds the tiny model from the setup form and previews the quick preset', async () => {
    await page.getByTestId('train-setup').click();
    await page.getByTestId('no-models').waitFor();
    await page.getByTestId('build-tiny').click();
    await page.getByTestId('dataset-items').waitFor({ timeout: 180_000 });
    await expect.poll(async () => page.getByTestId('dataset-items').textContent(), { timeout: 30_000 }).toContain('9 items');
    expect(await page.getByTestId('preset-quick').getAttribute('aria-checked')).toBe('true');
    expect(await page.getByTestId('base-model').locator('option:checked').textContent()).toContain('Tiny');
    const config = JSON.parse((await page.getByTestId('config-json').locator('pre').textContent()) ?? '{}') as { method?: string; stages?: unknown[] };
    expect(config.method).toBe('cpgd');
    expect(config.stages).toHaveLength(1);
    expect(await page.getByTestId('cli-command').textContent()).toContain('studio train');
    expect(await page.getByTestId('train').isEnabled()).toBe(true);

    // An edit is previewed again with the same schema the core uses: a bad value names itself.
    await page.locator('#rollouts').fill('1');
    expect(await page.locator('#rollouts').getAttribute('aria-invalid')).toBe('true');
    await page.locator('#rollouts').fill('2');
    expect(await page.locator('#rollouts').getAttribute('aria-invalid')).toBe('false');
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'training-setup');
    await page.getByTestId('run-config').scrollIntoViewIfNeeded();
    await screenshot(page, 'training-setup-config');
  });

  it('trains: progress and charts move live, the run completes with checkpoints', async () => {
    await page.getByTestId('train').click();
    // Warnings (if the labels raise any) are shown before launch; the user may still train.
    const anyway = page.getByTestId('train-anyway');
    await Promise.race([anyway.waitFor({ timeout: 5_000 }).then(() => anyway.click()), page.getByTestId('run-view').waitFor({ timeout: 30_000 })]).catch(() => undefined);
    await page.getByTestId('run-view').waitFor({ timeout: 60_000 });
    runId = Number(/\/run\/(\d+)/.exec(page.url())?.[1]);
    expect(runId).toBeGreaterThan(0);
    const hash = await page.getByTestId('snapshot-hash').getAttribute('title');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);

    // Live: the reward chart gets points and the step counter moves before the run ends.
    await expect.poll(async () => Number(await page.getByTestId('chart-reward').getAttribute('data-points')), { timeout: 240_000, interval: 500 }).toBeGreaterThan(0);
    await screenshot(page, 'training-run-live');
    await page.locator('[data-testid="run-status"][data-status="completed"]').waitFor({ timeout: 300_000 });
    expect(await page.getByTestId('run-step').textContent()).toMatch(/Step 4 of 4/);
    expect(Number(await page.getByTestId('chart-loss').getAttribute('data-points'))).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('chart-entropy').getAttribute('data-points'))).toBeGreaterThan(0);
    await page.getByTestId('rollout-group').first().waitFor();
    await page.getByTestId('run-checkpoints').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('run-checkpoints').locator('tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, 'training-run-completed');
    await page.getByTestId('rollouts').scrollIntoViewIfNeeded();
    await screenshot(page, 'training-run-rollouts');
    await page.getByTestId('run-log').scrollIntoViewIfNeeded();
    await screenshot(page, 'training-run-log');
    await page.evaluate('window.scrollTo(0, 0)');
    // The same run in the dark theme: charts read their grid and text colours from the tokens.
    await page.getByTitle('Dark theme').click();
    await screenshot(page, 'training-run-dark');
    await page.getByTitle('Light theme').click();

    const detail = await server.call('getRun', { runId });
    expect(detail.run.status).toBe('completed');
    expect(detail.run.snapshotHash).toBe(hash);
  });

  it('lists the run and its checkpoints under Runs and Models', async () => {
    await page.getByTestId('train-runs').click();
    await page.getByTestId(`run-row-${runId}`).waitFor();
    expect(await page.getByTestId(`run-row-${runId}`).textContent()).toContain('Completed');
    await screenshot(page, 'training-runs');

    await page.getByTestId('train-models').click();
    await page.getByTestId('checkpoints').locator('tbody tr').first().waitFor();
    const checkpoints = await server.call('listModels', { kind: 'checkpoint', runId });
    expect(checkpoints.length).toBeGreaterThan(0);
    for (const c of checkpoints) await page.getByTestId(`checkpoint-${c.id}`).waitFor();
    await screenshot(page, 'training-models');

    // A folder that is not a model is refused with the core's sentence, and nothing is added. Over
    // `studio serve` that sentence is the same whatever the reason (no probing which paths exist).
    const before = (await server.call('listBaseModels', {})).length;
    await page.locator('#local-path').fill(join(server.dataDir, 'no-such-model'));
    await page.getByRole('button', { name: 'Add folder' }).click();
    await expect.poll(async () => page.getByTestId('add-model-error').textContent()).toContain('No model folder this studio can use at');
    expect((await server.call('listBaseModels', {})).length).toBe(before);
    // The browser logs the refused request (HTTP 400) as a console error: that one was asked for.
    const refused = problems.findIndex((p) => p.includes('status of 400'));
    expect(refused).toBeGreaterThanOrEqual(0);
    problems.splice(refused, 1);

    // Opening a past run from its checkpoint shows everything it recorded.
    await page.getByTestId(`checkpoint-${checkpoints[0]!.id}`).click();
    await page.locator('[data-testid="run-status"][data-status="completed"]').waitFor();
    expect(await page.getByTestId('run-checkpoints').locator('tbody tr').count()).toBeGreaterThan(0);
  });

  it('cancels a longer run (checkpoint and stop) and resumes it to the end', async () => {
    await page.getByTestId('train-setup').click();
    await page.getByTestId('dataset-items').waitFor({ timeout: 60_000 });
    await page.locator('#steps-stage2').fill('12');
    await expect.poll(async () => page.getByTestId('config-json').locator('pre').textContent(), { timeout: 15_000 }).toContain('"steps": 12');
    await expect.poll(async () => page.getByTestId('train').isEnabled(), { timeout: 15_000 }).toBe(true);
    await page.getByTestId('train').click();
    const anyway = page.getByTestId('train-anyway');
    await Promise.race([anyway.waitFor({ timeout: 5_000 }).then(() => anyway.click()), page.getByTestId('run-view').waitFor({ timeout: 30_000 })]).catch(() => undefined);
    await page.getByTestId('run-view').waitFor({ timeout: 60_000 });
    const second = Number(/\/run\/(\d+)/.exec(page.url())?.[1]);
    expect(second).toBeGreaterThan(runId);

    // Cancel once it has trained a step: the worker saves a checkpoint, then stops.
    await expect.poll(async () => Number(/Step (\d+)/.exec((await page.getByTestId('run-step').textContent()) ?? '')?.[1]), { timeout: 240_000, interval: 250 }).toBeGreaterThan(0);
    await page.getByTestId('cancel-run').click();
    // Cancelling asks first.
    await page.getByTestId('confirm-cancel-run').click();
    await page.locator('[data-testid="run-status"][data-status="cancelled"]').waitFor({ timeout: 120_000 });
    const cancelled = await server.call('getRun', { runId: second });
    expect(cancelled.run.step).toBeLessThan(12);
    expect(cancelled.run.canResume).toBe(true);
    await screenshot(page, 'training-run-cancelled');

    await page.getByTestId('resume-run').click();
    await page.locator('[data-testid="run-status"][data-status="completed"]').waitFor({ timeout: 300_000 });
    expect(await page.getByTestId('run-step').textContent()).toMatch(/Step 12 of 12/);
    const done = await server.call('getRun', { runId: second });
    expect(done.run.attempts).toBeGreaterThan(1);
  });

  it('shows why a run failed: the error, its advice and the worker log tail', async () => {
    await page.getByTestId('train-setup').click();
    await page.getByTestId('dataset-items').waitFor({ timeout: 60_000 });
    // A learned verifier that passes the studio's check (a file named .onnx) but is no ONNX model:
    // the worker refuses it at start. (A folder with no classifier is refused by the preview already.)
    const bogus = join(server.dataDir, 'not-a-classifier.onnx');
    writeFileSync(bogus, 'this is not an ONNX model');
    await page.getByTestId('verifier-tier').selectOption('learned');
    await page.locator('#verifier-path').fill(bogus);
    await expect.poll(async () => page.getByTestId('config-json').locator('pre').textContent(), { timeout: 15_000 }).toContain('"tier": "learned"');
    await expect.poll(async () => page.getByTestId('train').isEnabled(), { timeout: 15_000 }).toBe(true);
    await page.getByTestId('train').click();
    const anyway = page.getByTestId('train-anyway');
    await Promise.race([anyway.waitFor({ timeout: 5_000 }).then(() => anyway.click()), page.getByTestId('run-view').waitFor({ timeout: 30_000 })]).catch(() => undefined);
    await page.getByTestId('run-view').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="run-status"][data-status="failed"]').waitFor({ timeout: 240_000 });
    await page.getByTestId('run-error').waitFor();
    expect(((await page.getByTestId('run-error').textContent()) ?? '').length).toBeGreaterThan(10);
    expect(await page.getByTestId('log-tail').isVisible()).toBe(true);
    expect(await page.getByTestId('resume-run').count()).toBe(0);
    await page.getByTestId('no-metrics').waitFor();
    await screenshot(page, 'training-run-failed');
    expect(problems).toEqual([]);
  });
});

/**
 * "Set up training environment" for real, in a fresh data dir: pip installs the pinned
 * requirements from the indexes this machine reaches (about a minute here; E2E_SKIP_ENV_SETUP=1
 * leaves it out on a machine without a package index). Checks that env.progress drives the bar
 * and the log, and that the panel ends with a working environment.
 */
describe.skipIf(process.env.E2E_SKIP_ENV_SETUP === '1')('training environment setup from the System panel', () => {
  let browser: Browser;
  let server: TestServer;

  beforeAll(async () => {
    browser = await launchBrowser();
    // Without STUDIO_PYTHON the studio looks for (and here, builds) its own environment.
    const saved = process.env.STUDIO_PYTHON;
    delete process.env.STUDIO_PYTHON;
    try {
      server = await startServer();
    } finally {
      if (saved !== undefined) process.env.STUDIO_PYTHON = saved;
    }
  });
  afterAll(async () => {
    await server?.stop();
    await browser?.close();
  });

  it('installs with live progress and a readable log', async () => {
    const { page, context } = await openPage(browser, server.url);
    await createProfile(page, 'Sam Setup');
    const project = await server.call('createProject', { name: 'setup check' });
    await page.goto(`${server.origin}/#/p/${project.id}/train/system`);
    await page.getByTestId('env-setup').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="env-setup"] select').selectOption('cpu');
    let systemCalls = 0;
    page.on('request', (request) => {
      if (request.url().endsWith('/getSystemInfo')) systemCalls += 1;
    });
    const callsAtStart = systemCalls;
    await page.getByTestId('setup-env').click();
    const bar = page.locator('[data-testid="env-setup"] [role="progressbar"]');
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 300_000, interval: 1000 }).toBeGreaterThan(0);
    expect(((await page.getByTestId('setup-log').textContent()) ?? '').trim().length).toBeGreaterThan(0);
    await screenshot(page, 'training-env-setup-running');
    await expect.poll(async () => (await page.locator('[data-testid="env-setup"] .badge').first().textContent())?.trim(), { timeout: 3_000_000, interval: 2000 }).toMatch(/Succeeded|Failed/);
    // The panel reads the system again once the setup it watched ends, once, not in a loop.
    await page.waitForTimeout(8000);
    const refreshes = systemCalls - callsAtStart;
    expect(refreshes).toBeGreaterThanOrEqual(1);
    expect(refreshes).toBeLessThanOrEqual(3);
    await screenshot(page, 'training-env-setup-finished');
    const state = (await server.call('getSystemInfo', {})).setup;
    expect(state?.error ?? null).toBeNull();
    expect(state?.status).toBe('succeeded');
    await context.close();
  }, 3_600_000);
});
