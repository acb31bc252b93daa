/**
 * Import preview and mapping, and the export history, in a real browser against a real
 * `studio serve`: a CSV whose columns are not called id and text shows its first rows with the
 * guessed mapping, the user points the text at another column, and the import reads that column;
 * then a filtered JSONL export and a Hugging Face folder are listed under "Past exports" and the
 * JSONL downloads again as a .jsonl with the recorded bytes. Screenshots land in tests/artifacts/.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server';
import { createProfile, launchBrowser, openPage, screenshot, startServer } from './browser';

let browser: Browser;
let server: TestServer;
let dir: string;
beforeAll(async () => {
  browser = await launchBrowser();
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'studio-e2e-data-io-'));
});
afterAll(async () => {
  await server?.stop();
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const CSV = [
  'uid,prompt,rewritten,split',
  'q1,How do I bake bread?,Explain how bread is baked.,train',
  'q2,Tell me a joke,Share a short joke.,eval',
  'q3,What is the capital of France?,Name the capital of France.,eval',
].join('\n');

describe('import preview and export history', () => {
  it('previews and maps the columns before importing, then lists exports and downloads one again', async () => {
    const project = await server.call('createProject', { name: 'Data in and out' });
    const file = join(dir, 'questions.csv');
    writeFileSync(file, CSV);

    const { page, problems } = await openPage(browser, server.url);
    await createProfile(page, 'Ada');
    await page.goto(`${server.url.split('#')[0]}#/p/${project.id}/import`);
    await page.getByTestId('import-panel').waitFor();
    await page.getByTestId('file-input').setInputFiles(file);
    await page.getByTestId('import-preview-table').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('map-id').inputValue()).toBe('uid');
    expect(await page.getByTestId('map-text').inputValue()).toBe('prompt');
    const cells = await page.getByTestId('import-preview-table').locator('tbody tr').first().locator('td').allTextContents();
    expect(cells.map((c) => c.trim())).toEqual(['q1', 'How do I bake bread?', 'Explain how bread is baked.', 'train']);
    // Nothing is written by the preview.
    expect((await server.call('listItems', { projectId: project.id })).rows).toHaveLength(0);
    await page.getByTestId('map-text').selectOption('rewritten');
    await screenshot(page, 'import-preview-mapping');

    await page.getByTestId('start-import').click();
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
    const { rows } = await server.call('listItems', { projectId: project.id });
    expect(rows.map((r) => [r.externalId, r.text]).sort()).toEqual([
      ['q1', 'Explain how bread is baked.'],
      ['q2', 'Share a short joke.'],
      ['q3', 'Name the capital of France.'],
    ]);

    await page.goto(`${server.url.split('#')[0]}#/p/${project.id}/export`);
    await page.getByTestId('export-panel').waitFor();
    await page.getByTestId('filter-split').selectOption('eval');
    await page.getByTestId('run-export').click();
    await page.getByTestId('export-history-row').first().waitFor();
    await page.getByTestId('format-hf').check();
    await page.getByTestId('filter-split').selectOption('');
    await page.getByTestId('run-export').click();
    await page.getByTestId('export-history-row').nth(1).waitFor();
    const history = page.getByTestId('export-history-row');
    expect(await history.count()).toBe(2);
    expect((await history.nth(0).getByTestId('history-file').textContent())?.trim()).toMatch(/-hf-[0-9a-f]{6}\.tar$/);
    expect((await history.nth(0).getByTestId('history-filters').textContent())?.trim()).toBe('all items');
    expect((await history.nth(1).getByTestId('history-file').textContent())?.trim()).toMatch(/-jsonl-[0-9a-f]{6}\.jsonl$/);
    expect((await history.nth(1).getByTestId('history-filters').textContent())?.trim()).toBe('split eval');
    await expect.poll(async () => (await history.nth(1).textContent()) ?? '').toContain('Ada');
    await page.getByTestId('export-history').scrollIntoViewIfNeeded();
    await screenshot(page, 'export-history');

    const recorded = (await server.call('listExports', { projectId: project.id })).find((e) => e.format === 'jsonl')!;
    const [download] = await Promise.all([page.waitForEvent('download'), history.nth(1).getByTestId('history-download').click()]);
    expect(download.suggestedFilename()).toBe(recorded.fileName);
    const saved = join(dir, recorded.fileName);
    await download.saveAs(saved);
    const bytes = readFileSync(saved);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(recorded.sha256);
    expect(
      bytes
        .toString('utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id)
        .sort(),
    ).toEqual(['q2', 'q3']);
    expect(problems).toEqual([]);
  }, 180_000);
});
