/**
 * Deleting in a real browser against a real `studio serve`: an item from the Browse drawer (the
 * confirmation counts what goes, the archive's path is shown and is on disk, the item leaves the
 * list, Undo brings it back) and a whole project from its settings (Delete stays disabled until
 * the name is typed; afterwards the project list no longer has it, the start screen lists it as
 * deleted, and Restore brings it back with its items).
 * Screenshots: tests/artifacts/delete-item-confirm.png, delete-item-done.png,
 * delete-project-confirm.png, delete-project-done.png, delete-project-start.png.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyLabels } from '../../preload/contract/domain';
import { importPath } from '../../main/core/import/index';
import { silentLogger } from '../../main/core/logger';
import { openStudio } from '../../main/core/studio';
import { callHandler } from '../helpers/core';
import { startTestServer, type TestServer } from '../helpers/server';
import { launchBrowser, openPage, screenshot, pickProfile } from './browser';

const FIGSTEP = join(__dirname, '../../demo-data/figstep-sample');

async function seed(dataDir: string) {
  const core = await openStudio({ dataDir, host: 'server', version: '0.0.0-test', log: silentLogger() });
  try {
    const kept = await callHandler(core, 'createProject', { name: 'Red team' });
    const doomed = await callHandler(core, 'createProject', { name: 'Old pilot' });
    await importPath(core.context, { projectId: kept.id, path: FIGSTEP });
    await importPath(core.context, { projectId: doomed.id, path: FIGSTEP });
    const ada = await callHandler(core, 'createUser', { name: 'Ada Admin', role: 'admin' });
    const { rows } = await callHandler(core, 'listItems', { projectId: kept.id, filter: { status: 'all', search: 'figstep-1-11-image' } });
    const itemId = rows[0]!.id;
    const labels = {
      ...emptyLabels(),
      harmful: true,
      riskCategory: 'violent_crimes',
      severity: 3 as const,
      expected: 'refuse' as const,
      jailbreakType: 'typographic_image',
      crossModalRisk: 'image' as const,
    };
    await callHandler(core, 'submitLabel', { itemId, annotatorId: ada.id, labels, timeSpentMs: 4000 });
    // A gold answer: archived in extras.jsonl, which Undo does not import, and the dialog says so.
    await callHandler(core, 'setGoldLabel', { itemId, reviewerId: ada.id, fromAnnotatorId: ada.id, labels: null, reason: 'settled in review' });
    return { keptId: kept.id, doomedId: doomed.id, itemId };
  } finally {
    core.close();
  }
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('deleting an item and a project', () => {
  let dataDir: string;
  let server: TestServer;
  let page: Page;
  let problems: string[];
  let seeded: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'studio-delete-'));
    seeded = await seed(dataDir);
    server = await startTestServer({ dataDir, mode: process.env.E2E_SERVER === 'in-process' ? 'in-process' : 'built' });
    ({ page, problems } = await openPage(browser, server.url));
    await pickProfile(page, 'Ada Admin');
  }, 120_000);
  afterAll(async () => {
    await page?.context().close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('deletes an item from the drawer after a confirmation that counts what goes, shows the archive, and undoes it', async () => {
    await page.evaluate(`window.location.hash = '#/p/${seeded.keptId}/browse/item/${seeded.itemId}'`);
    await page.getByTestId('drawer-external-id').filter({ hasText: 'figstep-1-11-image' }).waitFor();
    await expect.poll(() => page.getByTestId('browse-total').textContent()).toBe('40');
    await page.getByTestId('drawer-delete').click();
    const counts = page.getByTestId('delete-counts');
    await counts.waitFor();
    expect((await counts.innerText()).replace(/\s+/g, ' ')).toMatch(/Items 1 Prompt labels 1 Responses 0 Verdicts 0 Votes 0/);
    // The same image is the other project's too, so deleting this item frees nothing.
    expect(await page.getByTestId('delete-frees').textContent()).toMatch(/Frees\s*0 KB/);
    expect(await page.getByTestId('delete-archived-only').textContent()).toMatch(
      /Gold answers and automatic verdicts \(1\) are kept in the archive's extras.jsonl to read; Undo does not bring them back/,
    );
    await screenshot(page, 'delete-item-confirm');
    await page.getByTestId('delete-confirm').click();
    const path = page.getByTestId('delete-archive-path');
    await path.waitFor();
    const archive = (await path.textContent())!.trim();
    expect(readdirSync(archive).sort()).toEqual(['extras.jsonl', 'images', 'items.jsonl', 'responses.jsonl']);
    await screenshot(page, 'delete-item-done');
    await expect.poll(() => page.getByTestId('browse-total').textContent()).toBe('39');
    expect((await server.call('listExports', { projectId: seeded.keptId }))[0]).toMatchObject({ available: true, counts: { items: 1, labels: 1 } });

    await page.getByTestId('delete-undo').click();
    await page.getByTestId('restore-done').waitFor();
    expect(await page.getByTestId('restore-done').textContent()).toMatch(/Gold answers and automatic verdicts \(1\) stay in extras.jsonl/);
    await expect.poll(() => page.getByTestId('browse-total').textContent()).toBe('40');
    await page.getByTestId('delete-close').click();
    await page.getByTestId('item-drawer').waitFor({ state: 'detached' });
    const back = await server.call('listItems', { projectId: seeded.keptId, filter: { status: 'labelled', search: 'figstep-1-11-image' } });
    expect(back.rows.map((r) => r.externalId)).toEqual(['figstep-1-11-image']);
  });

  it('deletes every item the search matches from the filters bar', async () => {
    await page.getByTestId('browse-search').fill('-text');
    await expect.poll(() => page.getByTestId('browse-total').textContent()).toBe('20');
    await page.getByTestId('delete-matching').click();
    await page.getByTestId('delete-counts').waitFor();
    expect((await page.getByTestId('delete-counts').innerText()).replace(/\s+/g, ' ')).toMatch(/^Items 20 /);
    await page.getByTestId('delete-confirm').click();
    await page.getByTestId('delete-archive-path').waitFor();
    await page.getByTestId('delete-close').click();
    await expect.poll(() => page.getByTestId('browse-total').textContent()).toBe('0');
    expect((await server.call('listProjects', {})).find((p) => p.id === seeded.keptId)?.itemCount).toBe(20);
  });

  it('deletes a project only once its name is typed', async () => {
    await page.evaluate(`window.location.hash = '#/p/${seeded.doomedId}/settings'`);
    await page.getByTestId('delete-project').click();
    await page.getByTestId('delete-counts').waitFor();
    const confirm = page.getByTestId('delete-confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByTestId('delete-confirm-name').fill('old pilot');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByTestId('delete-confirm-name').fill('Old pilot');
    expect(await confirm.isDisabled()).toBe(false);
    expect((await page.getByTestId('delete-counts').innerText()).replace(/\s+/g, ' ')).toMatch(/Items 40 /);
    await screenshot(page, 'delete-project-confirm');
    await confirm.click();
    const path = page.getByTestId('delete-archive-path');
    await path.waitFor();
    expect(existsSync(join((await path.textContent())!.trim(), 'items.jsonl'))).toBe(true);
    await screenshot(page, 'delete-project-done');
    await page.getByTestId('delete-close').click();
    await expect.poll(() => page.evaluate('window.location.hash')).toBe('#/');
    expect((await server.call('listProjects', {})).map((p) => p.name)).toEqual(['Red team']);
    // The start screen lists it under deleted projects, with its archive and Restore.
    const deleted = page.getByTestId('deleted-project');
    await deleted.filter({ hasText: 'Old pilot' }).waitFor();
    await screenshot(page, 'delete-project-start');
    await deleted.getByTestId('restore-project').click();
    await page.getByTestId('project-card').filter({ hasText: 'Old pilot' }).waitFor();
    await expect.poll(async () => (await server.call('listProjects', {})).find((p) => p.name === 'Old pilot')?.itemCount).toBe(40);
    await page.getByTestId('deleted-project').waitFor({ state: 'detached' });
    expect(problems).toEqual([]);
  });
});
