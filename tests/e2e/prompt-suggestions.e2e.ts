/**
 * The learned verifier's suggested prompt labels on the labelling screen, in a real browser
 * against a real built `studio serve` (which runs the prompt-label head with onnxruntime-node in
 * its inference thread): a small head trained by the worker's trainer is registered in the demo
 * project; the suggested harmful / category / expected and their confidences appear for the item
 * on screen, marked as the model's; hiding the dataset's hints (D) hides the suggestion too;
 * nothing is stored while it is only shown; P puts it into the form (still nothing stored) and
 * Enter stores exactly those labels. Screenshots: tests/artifacts/prompt-suggestion.png and
 * prompt-suggestion-accepted.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainTestVerifier } from '../helpers/learned-verifier';
import { registerPromptVerifier, trainTestPromptLabels } from '../helpers/prompt-labels';
import { workerPython } from '../helpers/python';
import { withStudioDb } from '../helpers/responses';
import type { TestServer } from '../helpers/server';
import { createProfile, launchBrowser, openPage, screenshot, startServer } from './browser';

const python = workerPython('torch, onnx, onnxruntime, pydantic');

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();

describe.skipIf(!python)('suggested prompt labels on the labelling screen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prompt-suggestion-'));
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  let problems: string[];
  let folder: string;

  beforeAll(async () => {
    folder = trainTestVerifier(python!, dir);
    trainTestPromptLabels(python!, folder);
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

  it('shows the model suggestion with confidences, stores nothing, and P + Enter stores exactly it', async () => {
    await createProfile(page, 'Lee Label');
    await page.getByTestId('create-demo').click();
    await page.getByTestId('project-home').waitFor({ timeout: 60_000 });
    const projectId = Number(/#\/p\/(\d+)/.exec(page.url())?.[1]);
    const annotatorId = (await server.call('listUsers', {})).find((user) => user.name === 'Lee Label')!.id;
    withStudioDb(server.dataDir, (db) => registerPromptVerifier(db, projectId, folder));

    await page.getByTestId('tab-label').click();
    await page.getByTestId('prompt-suggestion').waitFor({ timeout: 30_000 });
    const externalId = await text(page, 'item-external-id');
    const itemId = (await server.call('listItems', { projectId, limit: 500 })).rows.find((row) => row.externalId === externalId)!.id;
    const started = performance.now();
    const reply = await server.call('suggestPromptLabels', { projectId, itemIds: [itemId] });
    const latencyMs = performance.now() - started;
    console.log(`suggestPromptLabels over HTTP, one item, model loaded: ${latencyMs.toFixed(1)} ms`);
    const want = reply.suggestions[0]!;
    expect(await text(page, 'prompt-suggestion-harmful')).toContain(want.harmful!.value ? 'Harmful' : 'Benign look-alike');
    expect(await text(page, 'prompt-suggestion-harmful-confidence')).toBe(`${Math.round(want.harmful!.confidence * 100)}%`);
    expect(await text(page, 'prompt-suggestion-expected-confidence')).toBe(`${Math.round(want.expected!.confidence * 100)}%`);
    expect(await page.getByTestId('prompt-suggestion-category').count()).toBe(want.riskCategory ? 1 : 0);
    expect(await text(page, 'prompt-suggestion')).toContain('Model suggestion');

    // Shown, not chosen: the form has no harmful answer and the database no label.
    expect(await page.locator('[data-field="harmful"][aria-pressed="true"], .seg.benign[aria-pressed="true"]').count()).toBe(0);
    const stored = () => withStudioDb(server.dataDir, (db) => db.prepare<{ labels: string; status: string }>('SELECT labels, status FROM annotation WHERE annotator_id = ?').all(annotatorId));
    expect(stored()).toEqual([]);
    await screenshot(page, 'prompt-suggestion');

    // Hidden with the dataset's hints, so it cannot anchor; P then does nothing.
    await page.keyboard.press('d');
    await page.getByTestId('prompt-suggestion-hidden').waitFor();
    await page.keyboard.press('p');
    expect(await page.locator('.seg[aria-pressed="true"]').count()).toBe(0);
    await page.keyboard.press('d');
    await page.getByTestId('prompt-suggestion').waitFor();

    // One key accepts into the form; still nothing stored.
    await page.keyboard.press('p');
    await page.getByTestId('prompt-suggestion-in-form').waitFor();
    const chosen = want.harmful!.value ? '.seg.harmful' : '.seg.benign';
    expect(await page.locator(chosen).getAttribute('aria-pressed')).toBe('true');
    expect(stored()).toEqual([]);
    await screenshot(page, 'prompt-suggestion-accepted');

    if (want.harmful!.value) await page.keyboard.press('2'); // a harmful label needs a severity, which the model does not suggest
    await page.keyboard.press('Enter');
    await page.getByTestId('saved-indicator').waitFor();
    const rows = stored();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.labels)).toMatchObject({ harmful: want.harmful!.value, expected: want.expected!.value, riskCategory: want.riskCategory?.value ?? null });
    expect(problems).toEqual([]);
  }, 180_000);
});
