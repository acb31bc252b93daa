/**
 * The learned verifier's suggestion in the Judge tab, in a real browser against a real built
 * `studio serve` (which runs the verifier with onnxruntime-node in its inference thread): a small
 * verifier trained by the worker's trainer is registered in the demo project, the suggested
 * verdict and its confidence appear for the response on screen, nothing is stored while it is only
 * shown, and A then a helpfulness key then Enter stores exactly that verdict.
 * Screenshot: tests/artifacts/judge-suggestion.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTestVerifier, trainTestVerifier, VERIFIER_TEXTS } from '../helpers/learned-verifier';
import { workerPython } from '../helpers/python';
import { seedResponses, withStudioDb } from '../helpers/responses';
import type { TestServer } from '../helpers/server';
import { createProfile, launchBrowser, openPage, screenshot, startServer } from './browser';

const python = workerPython('torch, onnx, onnxruntime');
const KNIFE = 'drawn-kitchen-knife';

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();

describe.skipIf(!python)('a suggested verdict in the Judge tab', () => {
  const dir = mkdtempSync(join(tmpdir(), 'judge-suggestion-'));
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  let problems: string[];
  let folder: string;

  let projectId = 0;

  beforeAll(async () => {
    // The built server inherits this environment: how the run form's tiny model build finds the worker's Python.
    process.env.STUDIO_PYTHON = python!;
    // Trained first: a long pause between two calls lets the server close the idle keep-alive socket.
    folder = trainTestVerifier(python!, dir);
    browser = await launchBrowser();
    server = await startServer();
    ({ page, problems } = await openPage(browser, server.url));
  }, 120_000);
  afterAll(async () => {
    await page?.context().close();
    await server?.stop();
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the suggestion with its confidence, stores nothing, and A + Q + Enter stores that verdict', async () => {
    await createProfile(page, 'Jo Judge');
    await page.getByTestId('create-demo').click();
    await page.getByTestId('project-home').waitFor({ timeout: 60_000 });
    projectId = Number(/#\/p\/(\d+)/.exec(page.url())?.[1]);
    const annotatorId = (await server.call('listUsers', {})).find((user) => user.name === 'Jo Judge')!.id;
    const rows = (await server.call('listItems', { projectId, limit: 500 })).rows;
    const knife = rows.find((row) => row.externalId === KNIFE)!;
    // People say the knife scene is benign: the verifier's candidates are the benign verdicts.
    const bea = await server.call('createUser', { name: 'Bea', role: 'annotator' });
    await server.call('submitLabel', {
      itemId: knife.id,
      annotatorId: bea.id,
      labels: { harmful: false, riskCategory: null, severity: null, expected: 'comply', jailbreakType: null, crossModalRisk: 'none', visualCues: [], referenceAnswer: null, rationale: null },
      timeSpentMs: 1000,
    });
    const [responseId] = withStudioDb(server.dataDir, (db) => {
      registerTestVerifier(db, projectId, folder);
      return seedResponses(db, projectId, [knife.id], ['base'], () => VERIFIER_TEXTS.unnecessary_refusal[0]);
    });

    const expected = (await server.call('suggestVerdicts', { projectId, responseIds: [responseId!] })).suggestions[0]!;
    expect(expected.verdict).toBe('unnecessary_refusal');

    await page.getByTestId('tab-judge').click();
    await page.getByTestId('judge-suggestion').waitFor();
    expect(Number(await page.getByTestId('judge-response-pane').getAttribute('data-response-id'))).toBe(responseId);
    expect(await text(page, 'judge-suggestion-verdict')).toBe('Unnecessary refusal');
    expect(await text(page, 'judge-suggestion-confidence')).toBe(`${Math.round(expected.confidence * 100)}%`);
    expect(await text(page, 'judge-suggestion')).toContain('85% accurate');
    // Shown, not chosen: the form has no verdict and the database none either.
    expect(await page.locator('[role="radio"][data-verdict][aria-checked="true"]').count()).toBe(0);
    await screenshot(page, 'judge-suggestion');
    const stored = () => withStudioDb(server.dataDir, (db) => db.prepare<{ verdict: string; status: string }>('SELECT verdict, status FROM response_label WHERE annotator_id = ?').all(annotatorId));
    expect(stored()).toEqual([]);

    // One key accepts: the same as pressing 5 (Unnecessary refusal).
    await page.keyboard.press('a');
    await expect.poll(() => page.locator('[data-verdict="unnecessary_refusal"][role="radio"]').getAttribute('aria-checked')).toBe('true');
    expect(stored()).toEqual([]);
    await page.keyboard.press('q');
    await page.keyboard.press('Enter');
    await page.getByTestId('judge-saved').waitFor();
    expect(stored()).toEqual([{ verdict: 'unnecessary_refusal', status: 'submitted' }]);
    expect(problems).toEqual([]);
  }, 180_000);

  it('offers the verifier as the reward of a run, with its agreement with people, and the config names its model', async () => {
    await server.call('buildTinyModel', {});
    const [verifier] = await server.call('listVerifiers', { projectId });
    await page.getByTestId('tab-train').click();
    await page.getByTestId('train-setup').click();
    await page.getByTestId('verifier-tier').waitFor({ timeout: 120_000 });
    await page.getByTestId('verifier-tier').selectOption('learned');
    const option = page.getByTestId('reward-verifier').locator('option', { hasText: verifier!.name });
    expect(await option.textContent()).toContain(`accuracy ${(verifier!.card.held_out.accuracy * 100).toFixed(1)}%`);
    await page.getByTestId('reward-verifier').selectOption(String(verifier!.id));
    expect(await page.locator('#verifier-path').inputValue()).toBe(`${verifier!.path}/model.onnx`);
    await expect.poll(async () => page.getByTestId('config-json').locator('pre').textContent(), { timeout: 20_000 }).toContain(`${verifier!.path}/model.onnx`);
    await page.getByTestId('reward-verifier-picker').scrollIntoViewIfNeeded();
    await screenshot(page, 'run-form-reward-verifier');
    expect(problems).toEqual([]);
  }, 240_000);
});
