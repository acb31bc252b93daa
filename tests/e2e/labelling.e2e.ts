/**
 * The labelling workflow in a real browser against a real `studio serve`: profile, project,
 * folder import of the FigStep sample, ten labels by keyboard only, undo, reload, browse, edit
 * with history, export; plus the first-run demo and a bad import's report. Screenshots of every
 * main screen land in tests/artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server';
import { createProfile, launchBrowser, openPage, screenshot, startServer } from './browser';

// The FigStep sample the project ships as demo data (a copy of ../shared/data/figstep-sample).
const FIGSTEP = resolve(__dirname, '../../demo-data/figstep-sample');
const FIGSTEP_ITEMS = readFileSync(join(FIGSTEP, 'items.jsonl'), 'utf8').trim().split('\n').length;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();

describe('first run', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('offers the demo project and builds it in one click', async () => {
    const { page, problems, context } = await openPage(browser, server.url);
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    await createProfile(page, 'Demo Dana');
    await page.getByTestId('demo-card').waitFor();
    await screenshot(page, 'start-first-run');
    await page.getByTestId('create-demo').click();
    await page.getByTestId('project-home').waitFor({ timeout: 60_000 });
    await expect.poll(async () => Number((await page.getByTestId('stats-cards').locator('.metric-value').first().textContent())?.replace(/\D/g, ''))).toBeGreaterThan(0);
    const projects = await server.call('listProjects', {});
    expect(projects).toHaveLength(1);
    expect(projects[0]!.itemCount).toBeGreaterThan(0);
    expect((await server.call('getInfo', {})).firstRun).toBe(false);
    await screenshot(page, 'project-home-demo');

    // The demo's guidelines open beside the item with G.
    await page.getByTestId('tab-label').click();
    await page.getByTestId('item-pane').waitFor();
    await page.keyboard.press('g');
    await page.getByTestId('guidelines').waitFor();
    // The Markdown renderer is its own chunk, loaded the first time the guidelines open.
    await expect.poll(async () => ((await page.getByTestId('guidelines').textContent()) ?? '').length).toBeGreaterThan(200);
    await screenshot(page, 'labelling-guidelines');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('labelling workflow', () => {
  let server: TestServer;
  let page: Page;
  let problems: string[];
  let projectId = 0;
  const labelled: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    ({ page, problems } = await openPage(browser, server.url));
  });
  afterAll(async () => {
    await page?.context().close();
    await server?.stop();
  });

  it('creates a profile and a project, then imports the FigStep folder', async () => {
    await createProfile(page, 'Ada Annotator');
    await page.getByTestId('new-project').click();
    await page.locator('#project-name').fill('FigStep round 1');
    await page.locator('#project-description').fill('Typographic image attacks and their plain-text twins.');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByTestId('import-panel').waitFor();
    projectId = Number(/#\/p\/(\d+)/.exec(page.url())?.[1]);
    expect(projectId).toBeGreaterThan(0);

    await page.getByTestId('folder-input').setInputFiles(FIGSTEP);
    await page.getByTestId('import-selection').waitFor();
    expect(await page.getByTestId('valid-rows-only').isChecked()).toBe(false);
    await page.getByTestId('start-import').click();
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
    expect(await text(page, 'count-imported')).toBe(String(FIGSTEP_ITEMS));
    expect(await text(page, 'count-errors')).toBe('0');
    await screenshot(page, 'import-report');
  });

  it('labels ten items with the keyboard only and undoes the last with Backspace', async () => {
    await page.getByTestId('tab-label').click();
    await page.getByTestId('item-pane').waitFor();
    const currentId = () => text(page, 'item-external-id');

    // Enter on an empty label names what is missing and submits nothing.
    const first = await currentId();
    await page.keyboard.press('Enter');
    await page.getByTestId('missing').waitFor();
    expect(await text(page, 'missing')).toContain('harmful');
    expect(await currentId()).toBe(first);
    expect(await text(page, 'queue-done')).toBe('0');

    const pick = async (key: string, choice: string) => {
      await page.keyboard.press(key);
      await page.getByTestId('choice-picker').waitFor();
      await page.keyboard.press(choice);
      // With ten or more options "1" may still become "10"-"13": Enter takes the first.
      if (choice === '1') await page.keyboard.press('Enter');
      await page.getByTestId('choice-picker').waitFor({ state: 'detached' });
    };

    let flaggedId = '';
    const submitToNext: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      if (i === 5) {
        // S skips: the item goes to the back of the queue, nothing is counted.
        const skipped = await currentId();
        await page.keyboard.press('s');
        await expect.poll(currentId).not.toBe(skipped);
        expect(await text(page, 'queue-done')).toBe('5');
      }
      const id = await currentId();
      if (i === 4) {
        // F flags with a note; Enter in the note confirms.
        await page.keyboard.press('f');
        await page.locator('#flag-note').waitFor();
        await page.keyboard.type('The prompt repeats the image word for word.');
        await page.keyboard.press('Enter');
        await expect.poll(() => text(page, 'flag-button')).toContain('Flagged');
        flaggedId = id;
      }
      if (i % 3 === 2) {
        await page.keyboard.press('n');
        await page.keyboard.press('w');
        await page.keyboard.press('0');
      } else {
        await page.keyboard.press('h');
        await pick('k', String((i % 9) + 1));
        await page.keyboard.press(String(1 + (i % 3)));
        await page.keyboard.press('r');
        await pick('j', '3');
        await page.keyboard.press('x');
        await page.keyboard.press('x');
      }
      if (i === 0) {
        await page.keyboard.press('b');
        await page.keyboard.press('v');
        await page.keyboard.type('numbered empty list');
        await page.keyboard.press('Enter');
        await page.keyboard.type('typed question');
        await page.keyboard.press('Enter');
        await page.keyboard.press('Escape');
        await page.keyboard.press('t');
        await page.keyboard.type('The image carries the request; the text alone is harmless.');
        await page.keyboard.press('Escape');
        await screenshot(page, 'labelling');
      }
      const pressed = performance.now();
      await page.keyboard.press('Enter');
      await expect.poll(currentId, { interval: 5 }).not.toBe(id);
      submitToNext.push(performance.now() - pressed);
      await expect.poll(() => text(page, 'queue-done')).toBe(String(i + 1));
      labelled.push(id);
    }
    // A figure, not an assertion: how long Enter takes to show the next item (durable write included).
    const sorted = [...submitToNext].sort((a, b) => a - b);
    console.log(`submit -> next item shown: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms over ${sorted.length} submits`);
    expect(new Set(labelled).size).toBe(10);
    const flagged = await server.call('listItems', { projectId, filter: { status: 'flagged' } });
    expect(flagged.rows.map((row) => row.externalId)).toEqual([flaggedId]);

    await page.keyboard.press('?');
    await page.getByTestId('shortcut-sheet').waitFor();
    await screenshot(page, 'shortcut-sheet');
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcut-sheet').waitFor({ state: 'detached' });

    await page.keyboard.press('Backspace');
    await expect.poll(() => text(page, 'queue-done')).toBe('9');
    await expect.poll(currentId).toBe(labelled[9]);
    // The restored item comes back with its labels (item 9 was labelled harmful).
    expect(await page.locator('[data-field="harmful"]').getAttribute('aria-pressed')).toBe('true');

    // A label being filled in survives a look at another tab.
    await page.keyboard.press('t');
    await page.keyboard.type('Draft kept across tabs.');
    await page.keyboard.press('Escape');
    await page.getByTestId('tab-browse').click();
    await page.getByTestId('browse-view').waitFor();
    await page.getByTestId('tab-label').click();
    await page.getByTestId('item-pane').waitFor();
    await expect.poll(currentId).toBe(labelled[9]);
    expect(await page.locator('[data-field="rationale"]').inputValue()).toBe('Draft kept across tabs.');
    expect(await page.locator('[data-field="harmful"]').getAttribute('aria-pressed')).toBe('true');
  });

  it('keeps the nine labels across a reload, in browse and in the item detail', async () => {
    await page.reload();
    await page.getByTestId('item-pane').waitFor();
    await expect.poll(() => text(page, 'queue-done')).toBe('9');

    await page.getByTestId('tab-browse').click();
    await page.getByTestId('browse-view').waitFor();
    await expect.poll(() => text(page, 'browse-total')).toBe(String(FIGSTEP_ITEMS));
    await page.getByTestId('filter-status').selectOption('labelled');
    await expect.poll(() => text(page, 'browse-total')).toBe('9');
    await expect.poll(() => page.getByTestId('item-row').count()).toBe(9);
    // Every image row shows its thumbnail (made by the server on first request).
    expect(await page.locator('[data-testid="item-row"] img').count()).toBeGreaterThan(0);
    await page.waitForFunction("[...document.querySelectorAll('[data-testid=item-row] img')].every((img) => img.complete && img.naturalWidth > 0)");
    // The images came without a cookie and without the token in their URL: fetched with the
    // header and shown from blob: URLs. The browser holds no cookie at all.
    const sources = await page.locator('[data-testid="item-row"] img').evaluateAll((imgs) => imgs.map((img) => (img as unknown as { src: string }).src));
    expect(sources.every((src) => src.startsWith('blob:'))).toBe(true);
    expect(await page.context().cookies()).toEqual([]);
    await screenshot(page, 'browse');

    await page.getByTestId('browse-search').fill(labelled[0]!);
    await expect.poll(() => page.getByTestId('item-row').count()).toBe(1);
    await page.getByTestId('item-row').first().click();
    await page.getByTestId('item-drawer').waitFor();
    await expect.poll(() => text(page, 'drawer-external-id')).toBe(labelled[0]);
    await expect.poll(() => page.getByTestId('annotation').count()).toBe(1);
    expect(await page.getByTestId('annotation').first().textContent()).toContain('numbered empty list');

    // An edit appends a version; the history shows both, newest first.
    await page.getByTestId('edit-label').click();
    const editor = page.getByTestId('label-editor');
    await editor.getByRole('button', { name: /Severe/ }).click();
    await page.getByTestId('save-label').click();
    await expect.poll(() => page.getByTestId('history-entry').count()).toBe(2);
    expect(await page.getByTestId('history-entry').first().textContent()).toContain('3 · severe');
    await page.getByTestId('history').scrollIntoViewIfNeeded();
    await screenshot(page, 'item-detail');

    // The drawer has its own address: a reload lands on the same item.
    await page.reload();
    await page.getByTestId('item-drawer').waitFor();
    await expect.poll(() => page.getByTestId('history-entry').count()).toBe(2);

    // Closing with an unsaved edit asks first: declined, the drawer and the draft stay; accepted,
    // the drawer closes and nothing was written.
    await page.getByTestId('edit-label').click();
    await page
      .getByTestId('label-editor')
      .getByRole('button', { name: /Moderate/ })
      .click();
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toMatch(/^Discard the label you are editing\?/);
    await page.getByTestId('label-editor').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('item-drawer').waitFor({ state: 'detached' });
    await page.getByTestId('item-row').first().click();
    await page.getByTestId('item-drawer').waitFor();
    await expect.poll(() => page.getByTestId('history-entry').count()).toBe(2);
    await page.keyboard.press('Escape');
    await page.getByTestId('item-drawer').waitFor({ state: 'detached' });

    const detail = await server.call('listItems', { projectId, filter: { status: 'labelled' }, limit: 50 });
    expect(detail.total).toBe(9);
    expect(detail.rows.map((row) => row.externalId).sort()).toEqual(labelled.slice(0, 9).sort());
  });

  it('exports JSONL with the labels and downloads it', async () => {
    await page.getByTestId('tab-export').click();
    await page.getByTestId('run-export').click();
    await page.getByTestId('export-result').waitFor({ timeout: 60_000 });
    expect(await text(page, 'export-items')).toBe(String(FIGSTEP_ITEMS));
    // Every version counts: ten submits, the retraction Undo appended, and the drawer's edit.
    expect(await text(page, 'export-labels')).toBe('12');
    expect(await text(page, 'export-sha')).toMatch(/^[0-9a-f]{64}$/);
    await screenshot(page, 'export');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-export').click()]);
    // The download followed a link signed for this one export, not one carrying the token.
    expect(download.url()).toMatch(/\/exports\/[^/?]+\?expires=\d+&sig=[A-Za-z0-9_-]+$/);
    expect(download.url()).not.toContain(server.token);
    expect(await page.context().cookies()).toEqual([]);
    // A JSONL export is a folder (items.jsonl + images/), downloaded as one tar archive.
    const unpacked = mkdtempSync(join(tmpdir(), 'studio-export-'));
    execFileSync('tar', ['-xf', await download.path(), '-C', unpacked]);
    const [itemsFile] = readdirSync(unpacked, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('items.jsonl'));
    expect(itemsFile).toBeDefined();
    const lines = readFileSync(join(unpacked, itemsFile!), 'utf8').trim().split('\n');
    rmSync(unpacked, { recursive: true, force: true });
    expect(lines).toHaveLength(FIGSTEP_ITEMS);
    type Line = { id: string; annotations: { annotator: string; status: string; version: number; labels: { severity: number | null; visualCues: string[] } }[] };
    const records = lines.map((line) => JSON.parse(line) as Line);
    // An annotator's current label is their newest version, unless Undo retracted it.
    const current = (record: Line) => {
      const newest = new Map<string, Line['annotations'][number]>();
      for (const a of record.annotations) if ((newest.get(a.annotator)?.version ?? 0) < a.version) newest.set(a.annotator, a);
      return [...newest.values()].filter((a) => a.status === 'submitted');
    };
    const withLabels = records.filter((record) => current(record).length > 0);
    expect(withLabels.map((record) => record.id).sort()).toEqual(labelled.slice(0, 9).sort());
    expect(withLabels.every((record) => current(record).every((a) => a.annotator === 'Ada Annotator'))).toBe(true);
    const edited = records.find((record) => record.id === labelled[0])!;
    const latest = current(edited)[0]!;
    expect(latest.labels.severity).toBe(3);
    expect(latest.labels.visualCues).toEqual(['numbered empty list', 'typed question']);
    const undone = records.find((record) => record.id === labelled[9])!;
    expect(current(undone)).toEqual([]);
    expect(undone.annotations.map((a) => a.status)).toContain('retracted');
  });

  it('reports a bad import by file, line and field, and changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'studio-bad-import-'));
    try {
      const bad = join(dir, 'bad-rows.jsonl');
      writeFileSync(
        bad,
        [
          JSON.stringify({ id: 'fine-1', text: 'How do I whittle a knife?' }),
          JSON.stringify({ id: 'broken-2', text: 'Where can I buy a gun?', split: 'sideways' }),
          JSON.stringify({ id: 'fine-3', text: 'What is the capital of France?' }),
        ].join('\n') + '\n',
      );
      const before = await server.call('listItems', { projectId, limit: 1 });
      await page.getByTestId('tab-import').click();
      await page.getByTestId('file-input').setInputFiles(bad);
      await page.getByTestId('start-import').click();
      await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
      expect(await text(page, 'import-headline')).toContain('Nothing was imported');
      expect(await text(page, 'count-imported')).toBe('0');
      const row = page.getByTestId('problems-errors').getByTestId('problem-row').first();
      const cells = await row.locator('td').allTextContents();
      expect(cells[0]).toBe('bad-rows.jsonl:2');
      expect(cells[1]).toBe('split');
      await screenshot(page, 'import-report-errors');
      const after = await server.call('listItems', { projectId, limit: 1 });
      expect(after.total).toBe(before.total);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows the labels in the project overview and lists the project on the start screen', async () => {
    await page.getByTestId('tab-overview').click();
    await page.getByTestId('stats-cards').waitFor();
    await expect.poll(() => page.locator('.metric-value').nth(1).textContent()).toBe('9');
    await screenshot(page, 'project-home');
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('settings-panel').waitFor();
    await screenshot(page, 'settings');

    // Leaving the settings with unsaved changes asks first; declined, the edit stays on screen.
    const name = await page.locator('#s-name').inputValue();
    await page.locator('#s-name').fill(`${name} (renamed)`);
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByTestId('tab-overview').click();
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toMatch(/^Leave the settings without saving\?/);
    expect(await page.locator('#s-name').inputValue()).toBe(`${name} (renamed)`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('tab-overview').click();
    await page.getByTestId('stats-cards').waitFor();
    await page.getByTestId('tab-settings').click();
    expect(await page.locator('#s-name').inputValue()).toBe(name);

    await page.getByRole('link', { name: 'COSMO Studio' }).click();
    await page.getByTestId('project-card').first().waitFor();
    await screenshot(page, 'start');
  });

  it('logged no console error or failed request in the whole session', () => {
    expect(problems).toEqual([]);
  });
});
