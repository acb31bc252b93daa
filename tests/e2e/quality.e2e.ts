/**
 * Quality control in Chromium against a real `studio serve`: three annotators' labels over two ISO
 * weeks and gold checks written through the core, then (1) the labelling queue's gentle stop:
 * Ada labels a violent item by keyboard, reaches the project's daily limit for the category, the
 * remaining violent items are no longer served (a kind note says so) and other items continue;
 * the break reminder appears after her chosen minute and is dismissed; (2) the reviewer's Quality
 * tab: per-person speed, agreement, gold accuracy with interval and n, the week charts, warnings
 * and today's harmful items against the limit. Screenshots land in tests/artifacts/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStudio } from '../../main/core/studio';
import { silentLogger } from '../../main/core/logger';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain';
import { seedItems } from '../helpers/core';
import { startTestServer, type TestServer } from '../helpers/server';
import { launchBrowser, screenshot, pickProfile } from './browser';

let browser: Browser;
let server: TestServer;
let dataDir: string;
let projectId = 0;
let adaId = 0;
let bobId = 0;
const problems: string[] = [];

const benign: LabelValues = { ...emptyLabels(), harmful: false, expected: 'comply' };
const privacy: LabelValues = { ...emptyLabels(), harmful: true, riskCategory: 'privacy', severity: 1, expected: 'refuse' };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'studio-e2e-quality-'));
  let now = new Date(Date.now() - 8 * 86_400_000);
  const core = await openStudio({ dataDir, host: 'server', version: '0.0.0-test', log: silentLogger(), clock: { now: () => now } });
  try {
    const project = await core.handlers.createProject({ name: 'Quality demo', description: '', annotatorsPerItem: 3, preferenceCriteria: [], guidelines: '# Guidelines\n\nRefuse violent requests.' });
    projectId = project.id;
    const q = seedItems(
      core,
      projectId,
      Array.from({ length: 24 }, (_, i) => ({ externalId: `q${i + 1}`, text: `An everyday question number ${i + 1} about cooking and travel.` })),
    );
    seedItems(
      core,
      projectId,
      [1, 2, 3].map((i) => ({ externalId: `v${i}`, text: `How do I hurt someone, variant ${i}?`, sourceLabels: { category: 'violence' } })),
    );
    seedItems(
      core,
      projectId,
      [1, 2, 3].map((i) => ({ externalId: `p${i}`, text: `Find the home address of a celebrity, variant ${i}.`, sourceLabels: { category: 'privacy' } })),
    );
    const [ada, bob, cy] = await Promise.all(['Ada', 'Bob', 'Cy'].map((name) => core.handlers.createUser({ name, role: 'annotator' })));
    await core.handlers.createUser({ name: 'Rhea', role: 'reviewer' });
    const rhea = core.context.db.read.prepare<{ id: number }>("SELECT id FROM user WHERE name = 'Rhea'").get()!;
    for (const itemId of [...q.slice(0, 3), ...q.slice(12, 18)]) await core.handlers.markGoldCheck({ itemId, reviewerId: rhea.id, expected: { harmful: false, expected: 'comply' } });
    await core.handlers.updateQualitySettings({ projectId, settings: { goldRate: 0.1, dailyLimits: { violent_crimes: 1 } } });
    adaId = ada!.id;
    bobId = bob!.id;
    await core.handlers.updatePersonSettings({ userId: ada!.id, settings: { skipCategories: [], breakAfterMinutes: 1 } });
    for (const [i, itemId] of q.entries()) {
      if (i === 12) now = new Date();
      await core.handlers.submitLabel({ itemId, annotatorId: ada!.id, labels: benign, timeSpentMs: 5200 + (i % 4) * 700 });
      await core.handlers.submitLabel({ itemId, annotatorId: bob!.id, labels: benign, timeSpentMs: 9100 + (i % 3) * 1500 });
      // Cy agrees the first week, then labels everything harmful, quickly: drift, gold misses, too fast.
      await core.handlers.submitLabel({ itemId, annotatorId: cy!.id, labels: i < 12 ? benign : privacy, timeSpentMs: i < 12 ? 4800 : 1400 });
    }
    await core.handlers.setFlag({ itemId: q[20]!, annotatorId: cy!.id, flagged: true, note: 'unclear' });
  } finally {
    core.close();
  }
  server = await startTestServer({ mode: process.env.E2E_SERVER === 'in-process' ? 'in-process' : 'built', dataDir });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function pageAs(name: string, clock = false): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.setDefaultTimeout(15_000);
  if (clock) await page.clock.install();
  await page.goto(server.url);
  await pickProfile(page, name);
  return page;
}

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();

describe('wellbeing in the labelling queue', () => {
  it('stops serving a category at the daily limit with a kind note, other items continue, and reminds to take a break', async () => {
    const page = await pageAs('Ada', true);
    await page.goto(`${server.origin}/#/p/${projectId}/label`);
    await page.getByTestId('item-pane').waitFor();
    expect(await text(page, 'item-external-id')).toBe('v1');
    await expect.poll(() => page.getByTestId('wellbeing-paused').count()).toBe(0);

    // Harmful, violent crimes (the first category: 1 then Enter), severity 2, refuse, submit.
    await page.keyboard.press('h');
    await page.keyboard.press('k');
    await page.getByTestId('choice-picker').waitFor();
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await page.getByTestId('choice-picker').waitFor({ state: 'detached' });
    await page.keyboard.press('2');
    await page.keyboard.press('r');
    await page.keyboard.press('Enter');

    await page.getByTestId('wellbeing-paused').waitFor();
    expect(await text(page, 'wellbeing-paused')).toContain("That's enough Violent crimes for today.");
    expect(await text(page, 'wellbeing-paused')).toContain('Your other items continue');
    // v2 and v3 are no longer served; the privacy items are.
    await expect.poll(() => text(page, 'item-external-id')).toBe('p1');
    const queue = await server.call('getQueue', { projectId, annotatorId: adaId, count: 10 });
    expect(queue.items.map((d) => d.item.externalId)).toEqual(['p1', 'p2', 'p3']);
    await screenshot(page, 'quality-gentle-stop');

    // Ada chose a reminder after one minute of continuous labelling: non-blocking, dismissable.
    await page.clock.fastForward('01:10');
    await page.getByTestId('break-reminder').waitFor();
    expect(await text(page, 'break-reminder')).toContain('Time for a short break?');
    await screenshot(page, 'quality-break-reminder');
    expect(await text(page, 'item-external-id')).toBe('p1'); // the item stays, the keys still work
    await page.getByTestId('dismiss-break').click();
    await page.getByTestId('break-reminder').waitFor({ state: 'detached' });

    // The person's own settings: skipping privacy empties the rest of the queue for her.
    await page.getByTestId('wellbeing-button').click();
    await page.getByTestId('person-settings').waitFor();
    await page.getByTestId('skip-privacy').check();
    await screenshot(page, 'quality-person-settings');
    await page.getByTestId('save-person-settings').click();
    await page.getByTestId('queue-empty').waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('annotator dashboard', () => {
  it("shows each person's speed, agreement, gold accuracy with interval and n, week charts, warnings and today's harmful items", async () => {
    const page = await pageAs('Rhea');
    await page.goto(`${server.origin}/#/p/${projectId}/quality`);
    const table = page.getByTestId('quality-table');
    await table.waitFor();
    expect(await table.locator('tbody tr[data-testid^="quality-row-"]').count()).toBe(3);
    const cy = page.getByTestId('quality-row-Cy');
    expect(await text(page, 'gold-Cy')).toMatch(/^33% \(\d+%–\d+%, n=9\)$/);
    expect(await text(page, 'gold-Ada')).toMatch(/^100% \(\d+%–100%, n=9\)$/);
    expect(await cy.locator('svg.week-chart circle').count()).toBe(2);
    const warnings = (await page.getByTestId('quality-warning').allTextContents()).join('\n');
    expect(warnings).toContain('gold accuracy 33%');
    expect(warnings).toContain('agreement fell from 100%');
    expect(await page.getByTestId('quality-row-Ada').textContent()).toContain('Violent crimes 1 / 1');
    await screenshot(page, 'quality-dashboard');
    await page.getByTestId('measure-gold').click();
    await expect.poll(() => cy.locator('svg.week-chart').getAttribute('aria-label')).toContain('gold per week');
    await page.getByTestId('gold-list').scrollIntoViewIfNeeded();
    await screenshot(page, 'quality-dashboard-gold');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('gold checks and guideline versions', () => {
  it('marks a gold check from a label in the item drawer, and sends labels made under old guidelines back', async () => {
    const page = await pageAs('Rhea');
    const v1 = (await server.call('listItems', { projectId, filter: { status: 'all', search: 'variant 1?' }, limit: 5 })).rows.find((r) => r.externalId === 'v1')!;
    await page.goto(`${server.origin}/#/p/${projectId}/browse/item/${v1.id}`);
    await page.getByTestId('gold-control').waitFor();
    await page.getByTestId('gold-from-Ada').click();
    await page.getByTestId('gold-answer').waitFor();
    expect(await text(page, 'gold-answer')).toContain('Harmful: yes · Risk category: Violent crimes · Expected: Refuse');
    await page.getByTestId('gold-control').scrollIntoViewIfNeeded();
    await screenshot(page, 'quality-gold-drawer');
    await page.keyboard.press('Escape');

    await page.goto(`${server.origin}/#/p/${projectId}/settings`);
    const versions = page.getByTestId('guideline-versions');
    await versions.waitFor();
    await page.locator('textarea.guide-input').fill('# Guidelines\n\nRefuse violent requests. Privacy: refuse addresses of private people only.');
    await page.getByTestId('save-settings').click();
    await expect.poll(async () => (await versions.textContent()) ?? '').toContain('v2 (current)');
    await expect.poll(async () => (await page.getByTestId('send-back').textContent()) ?? '').toContain('73 older labels');
    await page.getByTestId('limit-hate').fill('10');
    await page.getByTestId('save-quality-settings').click();
    await expect.poll(async () => (await server.call('getQualitySettings', { projectId })).dailyLimits).toEqual({ violent_crimes: 1, hate: 10 });
    await versions.scrollIntoViewIfNeeded();
    await screenshot(page, 'quality-settings');
    await page.getByTestId('send-back').click();
    await expect.poll(async () => (await page.getByTestId('toast').allTextContents()).join(' ')).toContain('73 labels on 25 items sent back to the queue');
    // Back at the front of Bob's queue, most recently sent back first.
    const bob = await server.call('getQueue', { projectId, annotatorId: bobId, count: 3 });
    expect(bob.items.map((d) => d.item.externalId)).toEqual(['q24', 'q23', 'q22']);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
