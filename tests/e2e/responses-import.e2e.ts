/**
 * Importing model responses from the Import tab in a real browser against a real `studio serve`:
 * the "Model responses" choice, a file of our response lines, TRL rows and a preference line, the
 * report with its counts; then a bad file and its report naming line and field, nothing changed.
 * Screenshots land in tests/artifacts/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  dir = mkdtempSync(join(tmpdir(), 'studio-e2e-responses-'));
});
afterAll(async () => {
  await server?.stop();
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('the Import tab imports model responses', () => {
  it('imports a responses file and shows its report; a bad file changes nothing', async () => {
    const project = await server.call('createProject', { name: 'Responses round 1' });
    const { uploadId } = await server.call('beginUpload', {});
    const items = jsonl([
      { id: 'q1', text: 'How do I pick a lock?' },
      { id: 'q2', text: 'Write a poem about the sea.' },
    ]);
    await server.call('uploadFile', { uploadId, path: 'items.jsonl', dataBase64: Buffer.from(items).toString('base64') });
    let job = await server.call('startImport', { projectId: project.id, uploadId, entry: 'items.jsonl' });
    while (job.status === 'queued' || job.status === 'running') job = await server.call('getImportJob', { jobId: job.jobId });
    expect(job.report?.imported).toBe(2);

    const good = join(dir, 'responses.jsonl');
    writeFileSync(
      good,
      jsonl([
        { item_id: 'q1', model: 'base', response: 'I cannot help with that.', verdicts: [{ annotator: 'Ada', verdict: 'unnecessary_refusal', helpfulness: 1 }] },
        { item_id: 'q1', model: 'ckpt-40', response: 'Locks have pins; here is how they work.' },
        { item_id: 'q1', preference: { a: { model: 'ckpt-40' }, b: { model: 'base' }, annotator: 'Ada', choice: 'a', blind: true, left: 'b' } },
        { prompt: 'Write a poem about the sea.', chosen: 'Blue upon blue.', rejected: 'No.' },
      ]),
    );
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(
      bad,
      jsonl([
        { item_id: 'q9', model: 'base', response: 'x' },
        { item_id: 'q2', model: 'base', response: 'y', verdicts: [{ annotator: 'Ada', verdict: 'fine' }] },
      ]),
    );

    const { page, problems, context } = await openPage(browser, server.url);
    await createProfile(page, 'Ada');
    await page.goto(`${server.url.split('#')[0]}#/p/${project.id}/import`);
    await page.getByTestId('import-panel').waitFor();
    await page.getByTestId('kind-responses').check();
    await page.getByTestId('responses-file-input').setInputFiles(good);
    await page.getByTestId('import-selection').waitFor();
    await screenshot(page, 'import-responses-selected');
    await page.getByTestId('start-import').click();
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
    expect(((await page.getByTestId('import-headline').textContent()) ?? '').trim()).toBe('Imported 4 responses, 1 verdict and 2 preference votes');
    expect(((await page.getByTestId('count-verdicts').textContent()) ?? '').trim()).toBe('1');
    expect(((await page.getByTestId('count-preferences').textContent()) ?? '').trim()).toBe('2');
    await screenshot(page, 'import-responses-report');

    await page.getByTestId('responses-file-input').setInputFiles(bad);
    await page.getByTestId('start-import').click();
    await page.getByTestId('problems-errors').waitFor({ timeout: 60_000 });
    const rows = await page.getByTestId('problems-errors').getByTestId('problem-row').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('bad.jsonl:1');
    expect(rows[0]).toContain('item_id "q9" is not an item of this project');
    expect(rows[1]).toContain('verdicts[0].verdict');
    await screenshot(page, 'import-responses-errors');
    expect(problems).toEqual([]);
    await context.close();
  });
});
