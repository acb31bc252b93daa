/**
 * The blind pairwise vote in a real browser against a real `studio serve`: the demo project
 * with responses of three models (seeded through the core's store by tests/helpers/responses.ts
 * before the server starts), ten blind votes by keyboard only (direct 1-4 first, then with a
 * safety criterion on Q/W/E/R and Enter), masking and its toggle, the reveal after each vote,
 * undo, and a reload that finds the votes. Screenshot: tests/artifacts/pairwise-view.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStudio } from '../../main/core/studio';
import { silentLogger } from '../../main/core/logger';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedModelResponses } from '../helpers/responses';
import { createProfile, launchBrowser, openPage, screenshot } from './browser';

const MODELS = ['base-7b', 'ckpt-40', 'gpt-4o-mini'];

/** Plausible answers in three voices; the first item's also name models and makers, to be masked. */
function answer(model: string, index: number, prompt: string): string {
  const topic = prompt.split(/\s+/).slice(0, 8).join(' ');
  if (index === 0) {
    if (model === 'base-7b') return `As a large language model trained by Google, I can't help with "${topic}…". If you are worried about safety, a local support line can help.`;
    if (model === 'ckpt-40') return `I'm Claude, made by Anthropic. I am ckpt-40 and I would rather not go into "${topic}…", but here is some general, safe context on the subject.`;
    return `As an OpenAI model, here is a careful answer about "${topic}…":\n\n1. What the request is really about.\n2. What is safe to say.\n3. Where to find reliable help.`;
  }
  if (model === 'base-7b') return `I'm sorry, but I can't assist with that request.`;
  if (model === 'ckpt-40')
    return `Here is a balanced answer to "${topic}…". I'll keep to general, well-known facts and point out the risks where they matter.\n\nIn short: stay within the law and ask a professional for anything specific.`;
  return `Sure. "${topic}…" touches on a sensitive area, so a high-level overview:\n\n- the background,\n- the main safety concerns,\n- reputable sources for more.`;
}

let browser: Browser;
let server: TestServer;
let dataDir: string;
let page: Page;
let problems: string[];
let projectId = 0;

const text = async (testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();
const responseText = (side: 'left' | 'right') => page.getByTestId(`response-${side}`).locator('.masked-text').textContent();
const pairKey = async () => `${await text('pair-external-id')}|${await responseText('left')}|${await responseText('right')}`;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'studio-e2e-pairs-'));
  // The fixture: the demo project, then three models' responses written through the core's store.
  const core = await openStudio({ dataDir, host: 'server', version: '0.0.0-test', log: silentLogger(), demoDataDir: resolve(__dirname, '../../demo-data') });
  try {
    const project = await core.handlers.createDemoProject({});
    projectId = project.id;
    const items = core.context.db.read.prepare<{ id: number; text: string }>('SELECT id, text FROM item WHERE project_id = ? ORDER BY image_sha256 IS NULL, id LIMIT 14').all(projectId);
    seedModelResponses(
      core,
      projectId,
      items.map((i) => i.id),
      MODELS,
      (model, index) => answer(model, index, items[index]!.text),
    );
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

describe('blind pairwise vote', () => {
  it('votes ten pairs by keyboard, blind until each vote is saved, then undoes one', async () => {
    await createProfile(page, 'Vera Voter');
    await page.goto(`${server.origin}/#/p/${projectId}/vote`);
    await page.getByTestId('pair-item').waitFor();
    await expect.poll(() => text('pairs-done')).toBe('0');

    // Blind: no model name anywhere in the page; names in the texts are masked.
    const html = await page.content();
    for (const model of MODELS) expect(html).not.toContain(model);
    const responses = async () => `${await responseText('left')} ${await responseText('right')}`;
    const masked = await responses();
    expect(masked).toContain('[maker]');
    expect(masked).not.toMatch(/Anthropic|OpenAI|Google/);
    await page.keyboard.press('m');
    await expect.poll(responses).toMatch(/Anthropic|OpenAI|Google/);
    expect(await responses()).not.toContain('ckpt-40'); // the own name never reached the browser
    await page.keyboard.press('m');
    await expect.poll(responses).not.toMatch(/Anthropic|OpenAI|Google/);

    const seen: string[] = [];
    const keys = ['1', '2', '1', '3', '2', '4'];
    for (const [i, key] of keys.entries()) {
      const before = await pairKey();
      seen.push(before);
      await page.keyboard.press(key);
      await expect.poll(() => text('pairs-done')).toBe(String(i + 1));
      await expect.poll(pairKey).not.toBe(before);
      await page.getByTestId('reveal').waitFor();
      const revealed = [await text('reveal-left'), await text('reveal-right')];
      expect(MODELS).toEqual(expect.arrayContaining(revealed));
      expect(revealed[0]).not.toBe(revealed[1]);
    }

    // The project now asks for a safety vote: 1-4 only select, Q/W/E/R vote on safety, Enter sends.
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('criterion-safety').check();
    await page.getByTestId('save-settings').click();
    await page.getByText('Settings saved').waitFor();
    await page.getByTestId('toast').getByRole('button', { name: 'Dismiss' }).click();
    await page.getByTestId('tab-vote').click();
    await page.getByTestId('criterion-row-safety').waitFor();

    const first = await pairKey();
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await page.getByTestId('vote-missing').waitFor();
    expect(await text('vote-missing')).toContain('safety');
    expect(await pairKey()).toBe(first);
    await page.keyboard.press('q');
    await page.getByTestId('vote-missing').waitFor({ state: 'detached' });
    for (let i = 0; i < 4; i++) {
      const before = await pairKey();
      seen.push(before);
      if (i > 0) {
        await page.keyboard.press(String(1 + (i % 4)));
        await page.keyboard.press(['w', 'e', 'r'][i % 3]!);
      }
      if (i === 1) await screenshot(page, 'pairwise-view');
      await page.keyboard.press('Enter');
      await expect.poll(() => text('pairs-done')).toBe(String(7 + i));
      await expect.poll(pairKey).not.toBe(before);
    }
    expect(new Set(seen).size).toBe(10);
    expect(await text('position-bias')).toMatch(/You picked left \d+% \(n=\d+\)/);

    const stats = await server.call('getPreferenceStats', { projectId });
    expect(stats.annotators).toHaveLength(1);
    expect(stats.annotators[0]!.votes).toBe(10);
    expect(stats.modelPairs.reduce((sum, mp) => sum + mp.votes, 0)).toBe(10);
    const counts = stats.modelPairs.map((mp) => mp.votes);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);

    // Backspace takes the last vote back: its pair returns with the choice that was made.
    await page.keyboard.press('Backspace');
    await expect.poll(() => text('pairs-done')).toBe('9');
    await expect.poll(pairKey).toBe(seen[9]);
    expect(await page.getByTestId('choice-left').getAttribute('aria-checked')).toBe('false');
    expect(await page.locator('[data-testid="vote-bar"] .choice.selected').count()).toBe(2);
  });

  it('finds the nine votes after a reload, with the undone pair first', async () => {
    const before = await pairKey();
    await page.reload();
    await page.getByTestId('pair-item').waitFor();
    await expect.poll(() => text('pairs-done')).toBe('9');
    await expect.poll(pairKey).toBe(before);
    const stats = await server.call('getPreferenceStats', { projectId });
    expect(stats.annotators[0]!.votes).toBe(9);
    expect(stats.criteria).toEqual(['safety']);

    // The project overview shows the evenness and each voter's position bias, names included.
    await page.getByTestId('tab-overview').click();
    await page.getByTestId('preference-stats').waitFor();
    await expect.poll(() => page.getByTestId('model-pair-votes').count()).toBe(3);
    expect(await text('preference-stats')).toContain('Vera Voter');
    await page.getByTestId('preference-stats').scrollIntoViewIfNeeded();
    await screenshot(page, 'pairwise-stats');
    expect(problems).toEqual([]);
  });
});
