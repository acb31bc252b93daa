/**
 * What a new user trips over (issue 12, items 2, 3 and 6) in a real browser against a real
 * `studio serve`, in one session: the new-project message, the labelling screen (hints hidden
 * and remembered, real field labels, the 13th risk category by keys, the form back at its top,
 * text-only items, skip feedback and undo of a skip, shuffle, the empty queue's next steps), the
 * browse drawer (label keys, previous / next across pages), the keyboard focus ring measured in
 * the page (WCAG 2.2 focus appearance, both themes), and with the worker's Python the training
 * glitches (code in toasts, Reinstall once ready, the tiny build's elapsed time, parameter counts, the task-mix
 * slider, empty charts, cancel asking first). Screenshots land in tests/artifacts/newcomer-*.png.
 */
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain';
import { humanize } from '../../renderer/src/composables/format';
import { workerPython } from '../helpers/python';
import type { TestServer } from '../helpers/server';
import { createProfile, launchBrowser, openPage, screenshot, startServer } from './browser';

const FIGSTEP = resolve(__dirname, '../../demo-data/figstep-sample');
const python = workerPython('torch, trl, transformers');

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).first().textContent()) ?? '').trim();
const benign: LabelValues = { ...emptyLabels(), harmful: false, expected: 'comply' };

/** What the page shows of an element's focus ring: its outline, the colour behind it, whether a parent clips it. */
interface Ring {
  style: string;
  width: number;
  offset: number;
  ratio: number;
  clipped: boolean;
}

// Runs in the page: WCAG relative luminance and contrast of the outline against the colour it is
// drawn on (the element's own background for an inset ring, its parent's for one outside), and
// whether any clipping ancestor (or the viewport) cuts the ring's box.
const MEASURE_RING = `(() => {
  const el = document.activeElement;
  const parse = (c) => { const p = c.match(/[\\d.]+/g).map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
  const lum = ({ r, g, b }) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => p - q); return (y + 0.05) / (x + 0.05); };
  const bgOf = (node) => { for (let n = node; n; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor); if (c.a > 0.5) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
  const cs = getComputedStyle(el);
  const width = parseFloat(cs.outlineWidth) || 0;
  const offset = parseFloat(cs.outlineOffset) || 0;
  const behind = offset >= 0 ? bgOf(el.parentElement) : bgOf(el);
  const box = el.getBoundingClientRect();
  const grow = Math.max(0, offset + width);
  const ring = { left: box.left - grow, top: box.top - grow, right: box.right + grow, bottom: box.bottom + grow };
  let clipped = ring.top < 0 || ring.left < 0 || ring.right > innerWidth || ring.bottom > innerHeight;
  for (let n = el.parentElement; n && n !== document.documentElement; n = n.parentElement) {
    const s = getComputedStyle(n);
    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
    const b = n.getBoundingClientRect();
    if (ring.left < b.left - 0.5 || ring.top < b.top - 0.5 || ring.right > b.right + 0.5 || ring.bottom > b.bottom + 0.5) clipped = true;
  }
  return { style: cs.outlineStyle, width, offset, ratio: ratio(parse(cs.outlineColor), behind), clipped };
})()`;

/** Presses Tab (or Shift+Tab) until keyboard focus is on an element matching `selector`. */
async function tabTo(page: Page, selector: string, backwards = false): Promise<void> {
  for (let i = 0; i < 60; i += 1) {
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`keyboard focus never reached ${selector}`);
}

async function expectRing(page: Page, what: string): Promise<Ring> {
  // Centred in its scroll box, so an edge of the scroll box is not mistaken for the ring's clip.
  await page.evaluate("document.activeElement?.scrollIntoView({ block: 'center', inline: 'nearest' })");
  const ring = (await page.evaluate(MEASURE_RING)) as Ring;
  console.log(`focus ring on ${what}: ${ring.style} ${ring.width}px, offset ${ring.offset}px, contrast ${ring.ratio.toFixed(2)}:1, clipped ${ring.clipped}`);
  expect(ring.style).toBe('solid');
  expect(ring.width).toBeGreaterThanOrEqual(2);
  expect(ring.ratio).toBeGreaterThanOrEqual(3);
  expect(ring.clipped).toBe(false);
  return ring;
}

let browser: Browser;
let server: TestServer;
let page: Page;
let problems: string[];
let projectId = 0;
let annotatorId = 0;

beforeAll(async () => {
  // The built server inherits this environment: how the training part finds the worker's Python.
  if (python) process.env.STUDIO_PYTHON = python;
  browser = await launchBrowser();
  server = await startServer();
  ({ page, problems } = await openPage(browser, server.url));
});
afterAll(async () => {
  await page?.context().close();
  await server?.stop();
  await browser?.close();
});

describe.sequential('a new user', () => {
  it('is told why a project without a name cannot be created, and finds a theme toggle of a usable size', async () => {
    await createProfile(page, 'Nia Newcomer');
    annotatorId = (await server.call('listUsers', {})).find((u) => u.name === 'Nia Newcomer')!.id;
    const toggle = await page.getByTestId('theme-toggle').boundingBox();
    expect(toggle!.width).toBeGreaterThanOrEqual(32);
    expect(await page.evaluate(`parseFloat(getComputedStyle(document.querySelector('[data-testid="theme-toggle"]')).fontSize)`)).toBeGreaterThanOrEqual(18);

    await page.getByTestId('new-project').click();
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByTestId('project-name-problem').waitFor();
    expect(await text(page, 'project-name-problem')).toBe('Give the project a name.');
    expect(await page.evaluate('document.activeElement?.id')).toBe('project-name');
    await screenshot(page, 'newcomer-blank-project-name');

    await page.locator('#project-name').fill('First steps');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByTestId('import-panel').waitFor();
    projectId = Number(/#\/p\/(\d+)/.exec(page.url())?.[1]);
    await page.getByTestId('folder-input').setInputFiles(FIGSTEP);
    await page.getByTestId('start-import').click();
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
  });

  it('labels with hints hidden, real field labels, the 13th category by keys and the form back at its top', async () => {
    await page.setViewportSize({ width: 1440, height: 640 });
    await page.getByTestId('tab-label').click();
    await page.getByTestId('item-pane').waitFor();
    const currentId = () => text(page, 'item-external-id');
    const first = await currentId();

    // The dataset's own hint ("Expected refuse") is on screen until D hides it.
    expect(await text(page, 'source-hints')).toMatch(/Expected/);
    await page.keyboard.press('d');
    await page.getByTestId('hints-hidden').waitFor();
    expect(await page.getByTestId('source-hints').count()).toBe(0);

    // Every field is named by a real label, not only a placeholder.
    expect(await page.getByLabel('Rationale').evaluate((el) => el.tagName)).toBe('TEXTAREA');
    expect(await page.getByLabel('Reference answer').evaluate((el) => el.tagName)).toBe('TEXTAREA');
    expect(await page.getByLabel('Visual cues').evaluate((el) => el.tagName)).toBe('INPUT');
    await page.getByRole('group', { name: 'Severity' }).waitFor();
    await page.getByRole('group', { name: 'Is the prompt harmful?' }).waitFor();
    await page.getByRole('button', { name: /Risk category/ }).waitFor();

    // K then 1, 3: the thirteenth category, out of reach of single digits before.
    const categories = (await server.call('getProject', { projectId })).labelSchema.riskCategories;
    expect(categories.length).toBeGreaterThanOrEqual(13);
    await page.keyboard.press('h');
    await page.keyboard.press('k');
    await page.getByTestId('choice-picker').waitFor();
    await page.keyboard.press('1');
    expect(await text(page, 'picker-digits')).toContain('1');
    await page.keyboard.press('3');
    await page.getByTestId('choice-picker').waitFor({ state: 'detached' });
    expect(await page.locator('[data-field="riskCategory"]').textContent()).toContain(humanize(categories[12]!));
    await page.keyboard.press('2');
    await page.keyboard.press('r');
    await screenshot(page, 'newcomer-hints-hidden');

    // Scrolled to the bottom of the form, Enter: the next item's form starts at its top.
    const scrolled = await page.getByTestId('form-scroll').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
      return el.scrollTop;
    });
    expect(scrolled).toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    await expect.poll(currentId).not.toBe(first);
    await expect.poll(() => page.getByTestId('form-scroll').evaluate((el) => el.scrollTop)).toBe(0);
    await page.setViewportSize({ width: 1440, height: 900 });

    // A text-only item: no visual cues field, and the prompt fills the image's place.
    expect(await currentId()).toMatch(/-text$/);
    expect(await page.getByTestId('visual-cues-group').count()).toBe(0);
    expect(await page.getByTestId('prompt').getAttribute('class')).toContain('text-only');
    expect((await page.getByTestId('prompt').boundingBox())!.height).toBeGreaterThan(300);
    await page.keyboard.press('v');
    expect(await page.evaluate('document.activeElement === document.body')).toBe(true);
    await screenshot(page, 'newcomer-text-only');
  });

  it('says what a skip did, and Backspace after it brings the skipped item back instead of an older label', async () => {
    const currentId = () => text(page, 'item-external-id');
    const skipped = await currentId();
    await page.keyboard.press('t');
    await page.keyboard.type('Half-written before the skip.');
    await page.keyboard.press('Escape');
    await page.keyboard.press('s');
    await expect.poll(currentId).not.toBe(skipped);
    await page.getByTestId('skipped-indicator').waitFor();
    await page.getByTestId('toast').filter({ hasText: 'Skipped' }).waitFor();
    expect(await text(page, 'skipped-indicator')).toContain(skipped);
    await screenshot(page, 'newcomer-skipped');

    await page.keyboard.press('Backspace');
    await expect.poll(currentId).toBe(skipped);
    await page.getByTestId('toast').filter({ hasText: 'Skip undone' }).waitFor();
    expect(await text(page, 'queue-done')).toBe('1');
    expect(await page.getByLabel('Rationale').inputValue()).toBe('Half-written before the skip.');
    // Only the next Backspace takes back the label submitted before the skip.
    await page.keyboard.press('Backspace');
    await expect.poll(() => text(page, 'queue-done')).toBe('0');
    expect(await currentId()).toMatch(/-image$/);
    await page.keyboard.press('Enter');
    await expect.poll(() => text(page, 'queue-done')).toBe('1');
  });

  it('remembers hidden hints and a shuffled queue for this annotator across a reload', async () => {
    const currentId = () => text(page, 'item-external-id');
    const shuffledHead = (await server.call('getQueue', { projectId, annotatorId, count: 1, shuffle: true })).items[0]!.item.externalId;
    const importHead = (await server.call('getQueue', { projectId, annotatorId, count: 1 })).items[0]!.item.externalId;
    expect(shuffledHead).not.toBe(importHead);
    await page.getByTestId('shuffle-toggle').click();
    await expect.poll(currentId).toBe(shuffledHead);
    expect(await page.getByTestId('shuffle-toggle').getAttribute('aria-pressed')).toBe('true');

    await page.reload();
    await page.getByTestId('item-pane').waitFor();
    await expect.poll(currentId).toBe(shuffledHead);
    await page.getByTestId('hints-hidden').waitFor();
    await page.keyboard.press('d');
    await page.getByTestId('source-hints').waitFor();
    await page.getByTestId('shuffle-toggle').click();
    await expect.poll(currentId).toBe(importHead);
  });

  it('shows a command in an error toast as code, not between raw backticks', async () => {
    // The server refuses one request as it would a stale token; the toast quotes the client's advice.
    await page.route('**/api/setFlag', (route) => route.fulfill({ status: 401, contentType: 'application/json', body: '{}' }));
    const before = problems.length;
    await page.keyboard.press('f');
    await page.locator('#flag-note').waitFor();
    await page.keyboard.type('Checking the toast.');
    await page.keyboard.press('Enter');
    const toast = page.getByTestId('toast').filter({ hasText: 'Could not flag' });
    await toast.waitFor();
    expect(await toast.locator('code').textContent()).toBe('studio serve');
    expect(await toast.getByTestId('toast-message').textContent()).not.toContain('`');
    await screenshot(page, 'newcomer-toast-code');
    await page.unroute('**/api/setFlag');
    // The refused request is the browser's console error this step caused on purpose.
    const caused = problems.splice(before);
    expect(caused.every((problem) => problem.includes('401'))).toBe(true);
  });

  it('points to what comes next once the queue is empty', async () => {
    for (;;) {
      const queue = await server.call('getQueue', { projectId, annotatorId, count: 10 });
      if (queue.items.length === 0) break;
      for (const { item } of queue.items) await server.call('submitLabel', { itemId: item.id, annotatorId, labels: benign, timeSpentMs: 500 });
    }
    await page.getByTestId('tab-browse').click();
    await page.getByTestId('browse-view').waitFor();
    await page.getByTestId('tab-label').click();
    await page.getByTestId('queue-empty').waitFor();
    await page.getByTestId('next-steps').waitFor();
    expect(await text(page, 'next-steps')).toMatch(/Train a model[\s\S]*Export the labels/);
    await screenshot(page, 'newcomer-queue-empty');
  });

  it('edits a label in the browse drawer with the label keys and steps to the previous and next item', async () => {
    await page.getByTestId('tab-browse').click();
    await page.getByTestId('browse-view').waitFor();
    await expect.poll(() => page.getByTestId('item-row').count()).toBe(25);
    const ids = await page.getByTestId('item-row').locator('td.col-id').allTextContents();
    await page.getByTestId('item-row').nth(0).click();
    await expect.poll(() => text(page, 'drawer-external-id')).toBe(ids[0]);
    await page.keyboard.press(']');
    await expect.poll(() => text(page, 'drawer-external-id')).toBe(ids[1]);
    await page.keyboard.press('[');
    await expect.poll(() => text(page, 'drawer-external-id')).toBe(ids[0]);
    await expect.poll(() => page.getByTestId('history-entry').count()).toBeGreaterThan(0);
    const versions = await page.getByTestId('history-entry').count();

    // A label key opens the editor; the picker, severity and expected keys fill it; Enter saves.
    await page.keyboard.press('h');
    await page.getByTestId('label-editor').waitFor();
    await page.keyboard.press('k');
    await page.getByTestId('choice-picker').waitFor();
    await page.keyboard.press('2');
    await page.getByTestId('choice-picker').waitFor({ state: 'detached' });
    await page.keyboard.press('3');
    await page.keyboard.press('r');
    await screenshot(page, 'newcomer-drawer-keys');
    await page.keyboard.press('Enter');
    await page.getByTestId('label-editor').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('history-entry').count()).toBe(versions + 1);
    expect(await page.getByTestId('history-entry').first().textContent()).toContain('3 · severe');

    // The last row of a page steps to the first row of the next page.
    await page.keyboard.press('Escape');
    await page.getByTestId('item-drawer').waitFor({ state: 'detached' });
    await page.getByTestId('item-row').nth(24).click();
    await expect.poll(() => text(page, 'drawer-external-id')).toBe(ids[24]);
    const next = (await server.call('listItems', { projectId, offset: 25, limit: 1 })).rows[0]!.externalId;
    await page.getByTestId('drawer-next').click();
    await expect.poll(() => text(page, 'drawer-external-id')).toBe(next);
    await expect.poll(() => text(page, 'page-range')).toMatch(/^26/);
    await page.keyboard.press('[');
    await expect.poll(() => text(page, 'drawer-external-id')).toBe(ids[24]);
    await page.keyboard.press('Escape');
    await page.getByTestId('item-drawer').waitFor({ state: 'detached' });
  });

  it('draws a keyboard focus ring of 2px at 3:1 or more, unclipped, in the light and the dark theme', async () => {
    await page.getByTestId('tab-overview').click();
    await page.getByTestId('stats-cards').waitFor();
    await page.evaluate('document.activeElement?.blur()');
    await tabTo(page, 'a.tab');
    await expectRing(page, 'a project tab (light)');
    await screenshot(page, 'newcomer-focus-tab-light');
    await tabTo(page, '[data-testid="theme-toggle"]');
    await expectRing(page, 'the theme toggle (light)');

    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    await tabTo(page, 'a.tab', true);
    await expectRing(page, 'a project tab (dark)');
    await screenshot(page, 'newcomer-focus-tab-dark');

    // Inside the label form's segmented control (it clips its buttons), and in a text field.
    await page.getByTestId('tab-browse').click();
    await page.getByTestId('item-row').first().click();
    await page.getByTestId('edit-label').click();
    await page.getByTestId('label-editor').waitFor();
    await tabTo(page, '[data-testid="label-editor"] .seg[aria-pressed="true"]');
    await expectRing(page, 'a pressed segmented button (dark)');
    await tabTo(page, '[data-testid="label-editor"] .seg[aria-pressed="false"]');
    await expectRing(page, 'a segmented button (dark)');
    await tabTo(page, '[data-testid="label-editor"] textarea');
    await expectRing(page, 'a text field (dark)');
    await screenshot(page, 'newcomer-focus-form-dark');
    await page.getByTestId('label-editor').getByRole('button', { name: 'Cancel' }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('theme-toggle').click();
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('light');
  });
});

describe.skipIf(!python).sequential('a new user training', () => {
  it('sees Reinstall, not Set up, beside a ready environment', async () => {
    await page.getByTestId('tab-train').click();
    await page.getByTestId('train-system').click();
    await page.getByTestId('system-ready').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('system-ready').textContent()).toContain('Ready to train');
    await page.getByTestId('env-ready-note').waitFor();
    expect(await text(page, 'setup-env')).toBe('Reinstall environment');
    expect(await page.getByTestId('setup-env').getAttribute('class')).not.toContain('primary');
    await page.getByTestId('env-setup').scrollIntoViewIfNeeded();
    await screenshot(page, 'newcomer-system-ready');
  });

  it('watches the tiny model build with what is happening and for how long, then reads its size in K', async () => {
    await page.getByTestId('train-setup').click();
    await page.getByTestId('no-models').waitFor();
    await page.getByTestId('build-tiny').click();
    await page.getByTestId('tiny-building').waitFor();
    await expect.poll(async () => Number((await text(page, 'tiny-building-elapsed')).replace(/\D/g, '')), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'newcomer-tiny-building');
    await page.getByTestId('dataset-items').waitFor({ timeout: 180_000 });
    await expect.poll(() => text(page, 'memory-basis'), { timeout: 30_000 }).toMatch(/^About \d+(\.\d)?[KM] parameters/);
    expect(await text(page, 'memory-basis')).not.toContain('0.000B');
  });

  it('moves a task-mix slider and reads the same share beside it', async () => {
    const mix = page.getByTestId('mix-stage2');
    await mix.waitFor();
    const slider = page.getByTestId('mix-stage2-safety-share');
    // A range input takes no fill(): set its value and send the input event a drag sends.
    await slider.evaluate((el) => {
      (el as unknown as { value: string }).value = '0.5';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await expect.poll(() => text(page, 'mix-stage2-safety-percent')).toBe('50%');
    expect(Number(await slider.inputValue())).toBeCloseTo(0.5, 2);
    await mix.scrollIntoViewIfNeeded();
    await screenshot(page, 'newcomer-task-mix');
  });

  it('shows an empty chart without axes, and asks before cancelling a run', async () => {
    await page.locator('#steps-stage2').fill('40');
    await page.getByTestId('train').click();
    const anyway = page.getByTestId('train-anyway');
    await Promise.race([anyway.waitFor({ timeout: 5_000 }).then(() => anyway.click()), page.getByTestId('run-view').waitFor({ timeout: 30_000 })]).catch(() => undefined);
    await page.getByTestId('run-view').waitFor({ timeout: 60_000 });
    // GPU memory is never reported on a CPU run: its chart stays empty, without repeated ticks.
    await page.getByTestId('chart-empty-memory').waitFor();
    expect(await page.getByTestId('chart-memory').locator('canvas').isVisible()).toBe(false);

    await page.getByTestId('cancel-run').click();
    await page.getByTestId('cancel-run-question').waitFor();
    await screenshot(page, 'newcomer-cancel-asks');
    await page.getByTestId('keep-running').click();
    await page.getByTestId('cancel-run-question').waitFor({ state: 'detached' });
    const runId = Number(/\/run\/(\d+)/.exec(page.url())?.[1]);
    expect(['queued', 'running']).toContain((await server.call('getRun', { runId })).run.status);

    await page.getByTestId('cancel-run').click();
    await page.getByTestId('confirm-cancel-run').click();
    await page.locator('[data-testid="run-status"][data-status="cancelled"]').waitFor({ timeout: 180_000 });
    await screenshot(page, 'newcomer-run-cancelled');
  });
});

describe('the whole session', () => {
  it('logged no console error or failed request', () => {
    expect(problems).toEqual([]);
  });
});
