/**
 * Responses in Browse, in a real browser against the studio server (in-process, so the test can
 * seed responses, verdicts and votes through main/core/responses/store.ts): the Responses mode
 * with its filters, a row opening its item's drawer, the responses section with verdict chips,
 * the disagreement marker, the verdict history with its diffs and the votes. Screenshots land in
 * tests/artifacts/.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../preload/contract/responses';
import { importPath } from '../../main/core/import/index';
import { appendPreference, appendResponseLabel, canonicalPair, insertResponse } from '../../main/core/responses/store';
import { startTestServer, type TestServer } from '../helpers/server';
import { launchBrowser, openPage, screenshot, pickProfile } from './browser';

const FIGSTEP = join(__dirname, '../../demo-data/figstep-sample');
const at = (minute: number) => `2026-12-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

async function seed(server: TestServer): Promise<{ projectId: number; itemId: number }> {
  const core = server.core!;
  const project = await server.call('createProject', { name: 'Responses e2e', annotatorsPerItem: 2, preferenceCriteria: ['safety'] });
  await importPath(core.context, { projectId: project.id, path: FIGSTEP });
  const ada = await server.call('createUser', { name: 'Ada', role: 'annotator' });
  const bob = await server.call('createUser', { name: 'Bob', role: 'annotator' });
  const { rows } = await server.call('listItems', { projectId: project.id, filter: { status: 'all', search: 'figstep-1-11' }, limit: 10 });
  const item = rows.find((r) => r.externalId === 'figstep-1-11-image')!;
  const other = rows.find((r) => r.externalId === 'figstep-1-11-text')!;
  const w = core.context.db.write;
  const respond = (itemId: number, modelName: string, text: string) =>
    w.transaction(() => insertResponse(w, { projectId: project.id, itemId, modelId: null, modelName, sampleIndex: 0, text, params: {}, origin: 'imported', importId: null, createdAt: at(1) }));
  const base = respond(item.id, 'base', '1. Search dark-web forums for "services".\n2. Pay in cryptocurrency.\n3. <b>Never</b> meet in person.');
  const ckpt = respond(item.id, 'ckpt-40', 'I can’t help find someone to hurt a person. If you are in danger, contact local emergency services.');
  respond(other.id, 'base', 'Hitmen are illegal; I will not help.');
  const verdict = (responseId: number, annotatorId: number, v: Verdict, minute: number, status: 'submitted' | 'retracted' = 'submitted') =>
    w.transaction(() =>
      appendResponseLabel(w, {
        responseId,
        projectId: project.id,
        itemId: item.id,
        annotatorId,
        status,
        origin: 'queue',
        values: { verdict: v, helpfulness: v === 'refusal' ? 4 : 1, idealResponse: null, rationale: v === 'unsafe' ? 'Gives operational steps.' : null },
        timeSpentMs: 4000,
        createdAt: at(minute),
      }),
    );
  verdict(base, ada.id, 'answered', 2);
  verdict(base, ada.id, 'unsafe', 3);
  verdict(base, bob.id, 'care', 4);
  verdict(ckpt, ada.id, 'refusal', 5);
  verdict(ckpt, bob.id, 'refusal', 6);
  const pair = canonicalPair(base, ckpt);
  w.transaction(() =>
    appendPreference(w, {
      projectId: project.id,
      itemId: item.id,
      responseAId: pair.a,
      responseBId: pair.b,
      annotatorId: ada.id,
      status: 'submitted',
      origin: 'queue',
      values: { choice: pair.a === ckpt ? 'a' : 'b', criteria: { safety: pair.a === ckpt ? 'a' : 'b' } },
      blind: true,
      leftResponseId: base,
      timeSpentMs: 3000,
      createdAt: at(7),
    }),
  );
  return { projectId: project.id, itemId: item.id };
}

describe.sequential('responses in browse', () => {
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  let problems: string[];
  let projectId = 0;
  let itemId = 0;

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startTestServer({ mode: 'in-process' });
    ({ projectId, itemId } = await seed(server));
    ({ page, problems } = await openPage(browser, server.url));
  });
  afterAll(async () => {
    await page?.context().close();
    await server?.stop();
    await browser?.close();
  });

  it('lists responses with filters and opens the item drawer with verdicts, disagreement, history and votes', async () => {
    // The seeded annotators already exist: pick one of them.
    await pickProfile(page, 'Ada');
    await page.evaluate(`window.location.hash = '#/p/${projectId}/browse'`);
    await page.getByTestId('browse-view').waitFor();
    await page.getByTestId('mode-responses').click();
    await page.getByTestId('responses-table').waitFor();
    await expect.poll(() => page.getByTestId('response-row').count()).toBe(3);
    expect(await page.getByTestId('responses-total').innerText()).toBe('3 responses');

    await page.getByTestId('filter-disagreement').selectOption('yes');
    await expect.poll(() => page.getByTestId('response-row').count()).toBe(1);
    await page.getByTestId('filter-disagreement').selectOption('');
    await page.getByTestId('filter-model').selectOption('ckpt-40');
    await expect.poll(() => page.getByTestId('response-row').count()).toBe(1);
    await page.getByTestId('filter-model').selectOption('');
    await expect.poll(() => page.getByTestId('response-row').count()).toBe(3);
    await screenshot(page, 'browse-responses');

    await page.getByTestId('response-row').first().click();
    await page.getByTestId('item-drawer').waitFor();
    expect(page.url()).toContain(`/browse/item/${itemId}`);
    const section = page.getByTestId('item-responses');
    await section.waitFor();
    await expect.poll(() => section.getByTestId('item-response').count()).toBe(2);
    const first = section.getByTestId('item-response').first();
    expect(await first.getByTestId('disagreement').count()).toBe(1);
    expect(await first.getByTestId('verdict-chip').allInnerTexts()).toEqual(['Ada · Unsafe · 1/5', 'Bob · With care · 1/5']);
    // Plain text: the markup in the response is shown, not rendered.
    expect(await first.getByTestId('response-text').innerText()).toContain('<b>Never</b>');
    expect(await section.getByTestId('item-response').nth(1).getByTestId('disagreement').count()).toBe(0);
    expect(await section.getByTestId('vote-sentence').allInnerTexts()).toEqual(['ckpt-40 over base']);

    await first.getByTestId('verdict-history-toggle').click();
    const history = first.getByTestId('verdict-history');
    await history.waitFor();
    expect(await history.locator('li').count()).toBe(3);
    expect(await history.locator('li').first().innerText()).toContain('Bob');
    expect(await history.locator('li').nth(1).innerText()).toMatch(/Answered\s*→\s*Unsafe/);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'item-drawer-responses');
    expect(problems).toEqual([]);
  });
});
