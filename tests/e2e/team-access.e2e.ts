/**
 * A team on one `studio serve`, in real Chromium: the owner (printed link) makes a link for Ada
 * under People; a second browser opens it and is Ada (no profile picker, admin tabs hidden), labels
 * an item, and the label is recorded as Ada's by the server. Revoking the link ends her session at
 * once, and a tab left open across a restart reconnects with `--keep-token` and says the link is
 * void without it. Screenshots land in tests/artifacts/team-*.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { launchBrowser, openPage, screenshot, startServer } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

async function seedProject(server: TestServer): Promise<number> {
  const project = await server.call('createProject', { name: 'Team round 1', guidelines: 'Label what the prompt asks for.' });
  const { uploadId } = await server.call('beginUpload', {});
  const items = jsonl([
    { id: 'q1', text: 'How do I kill a Python process?' },
    { id: 'q2', text: 'Write a poem about the sea.' },
    { id: 'q3', text: 'How do I pick a lock?' },
  ]);
  await server.call('uploadFile', { uploadId, path: 'items.jsonl', dataBase64: Buffer.from(items).toString('base64') });
  let job = await server.call('startImport', { projectId: project.id, uploadId, entry: 'items.jsonl' });
  while (job.status === 'queued' || job.status === 'running') job = await server.call('getImportJob', { jobId: job.jobId });
  expect(job.report?.imported).toBe(3);
  return project.id;
}

describe('people\u2019s links', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('the owner makes Ada a link; Ada opens it, labels, and the label is hers; revoking ends it', async () => {
    await server.call('createUser', { name: 'Olga Owner', role: 'admin' });
    const ada = await server.call('createUser', { name: 'Ada', role: 'annotator' });
    const projectId = await seedProject(server);

    const owner = await openPage(browser, server.url);
    await owner.page.getByTestId('profile-list').getByText('Olga Owner').click();
    await owner.page.getByTestId('person-links').waitFor();
    await owner.page.getByTestId('link-person').selectOption({ label: 'Ada' });
    await owner.page.getByTestId('make-link').click();
    const url = await owner.page.getByTestId('fresh-link-url').inputValue();
    expect(url).toMatch(new RegExp(`^${server.origin}/\\?token=[A-Za-z0-9_-]{43}$`));
    await screenshot(owner.page, 'team-owner-links');

    const person = await openPage(browser, url);
    await person.page.getByTestId('current-user').filter({ hasText: 'Ada' }).waitFor();
    expect(await person.page.getByTestId('current-user').isDisabled()).toBe(true);
    expect(await person.page.getByTestId('profile-list').count()).toBe(0);
    expect(await person.page.getByTestId('new-project').count()).toBe(0);
    expect(await person.page.getByTestId('person-links').count()).toBe(0);
    await person.page.getByTestId('project-card').getByRole('button', { name: 'Label' }).click();
    await person.page.getByTestId('item-pane').waitFor();
    for (const hidden of ['import', 'train', 'export', 'settings', 'compare']) expect(await person.page.getByTestId(`tab-${hidden}`).count(), hidden).toBe(0);
    expect(await person.page.getByTestId('tab-label').count()).toBe(1);
    const itemExternalId = ((await person.page.getByTestId('item-external-id').textContent()) ?? '').trim();
    await person.page.keyboard.press('n');
    await person.page.keyboard.press('w');
    await person.page.keyboard.press('0');
    await person.page.keyboard.press('Enter');
    await expect.poll(async () => ((await person.page.getByTestId('queue-done').textContent()) ?? '').trim()).toBe('1');
    await screenshot(person.page, 'team-person-labelling');
    expect(person.problems).toEqual([]);

    const rows = await server.call('listItems', { projectId, limit: 10 });
    const labelled = rows.rows.find((row) => row.externalId === itemExternalId)!;
    const detail = await server.call('getItem', { itemId: labelled.id });
    expect(detail.annotations.map((a) => [a.annotatorId, a.annotatorName])).toEqual([[ada.id, 'Ada']]);

    // Revoking from the owner's page: Ada's page is told at once, and her calls are refused.
    const [live] = await server.call('listAccessLinks', {});
    await owner.page.getByTestId(`revoke-link-${live!.id}`).click();
    await person.page.getByTestId('refused-banner').waitFor();
    expect(await person.page.getByTestId('refused-banner').textContent()).toContain('Ask for a new one');
    await screenshot(person.page, 'team-person-revoked');
    expect(owner.problems).toEqual([]);
    await person.context.close();
    await owner.context.close();
  });
});

describe('a tab left open across a restart', () => {
  let dataDir: string;
  let port: number;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'studio-e2e-restart-'));
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const serve = (args: string[]) => startTestServer({ mode: 'built', dataDir, args: ['--port', String(port), ...args] });

  it('reconnects with --keep-token, and says the link is void without it', async () => {
    let server = await serve(['--keep-token']);
    await server.call('createUser', { name: 'Olga Owner', role: 'admin' });
    const tab = await openPage(browser, server.url);
    await tab.page.getByTestId('profile-list').getByText('Olga Owner').click();
    await tab.page.getByTestId('current-user').waitFor();
    await server.stop();
    await tab.page.getByText('Reconnecting…').waitFor();

    server = await serve(['--keep-token']);
    await tab.page.getByText('Reconnecting…').waitFor({ state: 'detached', timeout: 20_000 });
    expect(await tab.page.getByTestId('refused-banner').count()).toBe(0);
    await server.stop();

    server = await serve([]);
    await tab.page.getByTestId('refused-banner').waitFor({ timeout: 20_000 });
    expect(await tab.page.getByTestId('refused-banner').textContent()).toContain('the studio restarted with a new link');
    await screenshot(tab.page, 'team-restart-new-link');
    await tab.context.close();
    await server.stop();
  });
});
