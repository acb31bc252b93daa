/**
 * The agreement card on the project overview: the demo project, three annotators' labels written
 * through the core (submitLabel) with a seeded share of disagreement, then the card's per-field
 * alpha with intervals and n, the field picker and the pair-by-pair kappa matrix in Chromium.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStudio } from '../../main/core/studio';
import { silentLogger } from '../../main/core/logger';
import { createRng } from '../../main/core/evaluation/stats';
import { emptyLabels } from '../../preload/contract/domain';
import { startTestServer, type TestServer } from '../helpers/server';
import { launchBrowser, openPage, screenshot, pickProfile } from './browser';

let browser: Browser;
let server: TestServer;
let dataDir: string;
let page: Page;
let projectId = 0;
let expected: { alpha: number | null; items: number } = { alpha: null, items: 0 };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'studio-e2e-agreement-'));
  const core = await openStudio({ dataDir, host: 'server', version: '0.0.0-test', log: silentLogger(), demoDataDir: resolve(__dirname, '../../demo-data') });
  try {
    const project = await core.handlers.createDemoProject({});
    projectId = project.id;
    const users = await Promise.all(['Ada', 'Bo', 'Cy'].map((name) => core.handlers.createUser({ name, role: 'annotator' })));
    const items = core.context.db.read.prepare<{ id: number }>("SELECT id FROM item WHERE project_id = ? AND task = 'safety' ORDER BY id LIMIT 30").all(projectId);
    const rng = createRng(5);
    const categories = ['hate', 'privacy', 'violent_crimes'] as const;
    for (const { id } of items) {
      const truth = rng.int(6);
      for (const user of users) {
        const agree = rng.next() < 0.75;
        const harmful = agree ? truth % 2 === 0 : rng.next() < 0.5;
        await core.handlers.submitLabel({
          itemId: id,
          annotatorId: user.id,
          timeSpentMs: 1000,
          labels: {
            ...emptyLabels(),
            harmful,
            riskCategory: harmful ? categories[agree ? truth % 3 : rng.int(3)]! : null,
            severity: harmful ? ((agree ? 2 : rng.int(4)) as 0 | 1 | 2 | 3) : null,
            expected: harmful ? 'refuse' : 'comply',
          },
        });
      }
    }
    const report = await core.handlers.getAgreement({ projectId });
    expected = report.fields.harmful;
  } finally {
    core.close();
  }
  server = await startTestServer({ mode: process.env.E2E_SERVER === 'in-process' ? 'in-process' : 'built', dataDir });
  browser = await launchBrowser();
  ({ page } = await openPage(browser, server.url));
});

afterAll(async () => {
  await page?.context().close();
  await browser?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('agreement card', () => {
  it('shows alpha with its interval and n per field, and the kappa matrix of the chosen field', async () => {
    await pickProfile(page, 'Ada');
    await page.goto(`${server.origin}/#/p/${projectId}`);
    const card = page.getByTestId('agreement-card');
    await card.waitFor();
    const harmfulRow = page.getByTestId('agreement-row').filter({ hasText: 'Harmful' });
    expect(await harmfulRow.textContent()).toContain(expected.alpha!.toFixed(2));
    expect(await harmfulRow.textContent()).toContain(String(expected.items));
    // The matrix: three annotators, six off-diagonal cells with a kappa and an n.
    const matrix = page.getByTestId('agreement-matrix');
    await expect.poll(() => matrix.locator('td small').count()).toBe(6);
    await page.getByTestId('agreement-field').selectOption('severity');
    await expect.poll(async () => (await card.textContent()) ?? '').toContain('Severity by risk category');
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'agreement-card');
  });
});
