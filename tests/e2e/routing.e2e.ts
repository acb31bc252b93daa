/**
 * The router in a real browser against `studio serve` (issue 12, item 7): every tab is a real
 * link to its screen's address, so Ctrl+click ("open in new tab") lands on that screen, signed in
 * (the new tab, which starts with empty sessionStorage, gets the token from the open one); back and forward move between screens; and the labelling screen loads neither
 * training's nor comparison's chunks (the charts), only its own.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server';
import { createProfile, launchBrowser, openPage, screenshot, startServer } from './browser';

let browser: Browser;
let server: TestServer;
let page: Page;
let problems: string[];
let projectId = 0;

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startServer();
  ({ page, problems } = await openPage(browser, server.url));
  await createProfile(page, 'Rita Router');
  projectId = (await server.call('createDemoProject', {})).id;
});
afterAll(async () => {
  await page?.context().close();
  await server?.stop();
  await browser?.close();
});

const hashOf = (url: string) => new URL(url).hash;

describe.sequential('routing', () => {
  it('gives every tab the address of its screen', async () => {
    await page.goto(`${server.origin}/#/p/${projectId}`);
    await page.getByTestId('project-home').waitFor({ timeout: 30_000 });
    const hrefs = await page.locator('nav.tabs a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual([
      `#/p/${projectId}`,
      `#/p/${projectId}/label`,
      `#/p/${projectId}/judge`,
      `#/p/${projectId}/vote`,
      `#/p/${projectId}/review`,
      `#/p/${projectId}/browse`,
      `#/p/${projectId}/quality`,
      `#/p/${projectId}/import`,
      `#/p/${projectId}/train`,
      `#/p/${projectId}/compare`,
      `#/p/${projectId}/export`,
      `#/p/${projectId}/settings`,
    ]);
    expect(await page.getByTestId('tab-overview').getAttribute('aria-current')).toBe('page');
  });

  it('opens a tab in a new browser tab on that screen, still signed in', async () => {
    const [opened] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('tab-browse').click({ modifiers: ['Control'] })]);
    await opened.waitForLoadState();
    expect(hashOf(opened.url())).toBe(`#/p/${projectId}/browse`);
    await opened.getByTestId('tab-browse').and(opened.locator('[aria-current="page"]')).waitFor({ timeout: 30_000 });
    await opened.getByTestId('current-user').filter({ hasText: 'Rita Router' }).waitFor();
    await screenshot(opened, 'routing-new-tab-browse');
    await opened.close();
    // The first tab did not move.
    expect(hashOf(page.url())).toBe(`#/p/${projectId}`);
  });

  it('moves back and forward between screens', async () => {
    await page.getByTestId('tab-label').click();
    await page.getByTestId('item-pane').waitFor({ timeout: 30_000 });
    await page.getByTestId('tab-browse').click();
    await expect.poll(() => hashOf(page.url())).toBe(`#/p/${projectId}/browse`);
    await page.goBack();
    await page.getByTestId('item-pane').waitFor();
    expect(hashOf(page.url())).toBe(`#/p/${projectId}/label`);
    await page.goForward();
    await expect.poll(() => hashOf(page.url())).toBe(`#/p/${projectId}/browse`);
    // An unknown address goes to the start screen instead of a blank page.
    await page.goto(`${server.origin}/#/no/such/screen`);
    await page.getByTestId('project-list').waitFor();
    expect(hashOf(page.url())).toBe('#/');
  });

  it('loads the labelling screen without the charts of training and comparison', async () => {
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await page.goto(`${server.origin}/#/p/${projectId}/label`);
    await page.reload();
    await page.getByTestId('item-pane').waitFor({ timeout: 30_000 });
    expect(scripts.some((path) => /LabelView-/.test(path))).toBe(true);
    expect(scripts.filter((path) => /TrainingView-|CompareView-|MarkdownView/.test(path))).toEqual([]);
    // The guidelines' Markdown renderer arrives when they are opened.
    await page.keyboard.press('g');
    await page.getByTestId('guidelines').waitFor();
    await expect.poll(() => scripts.some((path) => /MarkdownView/.test(path))).toBe(true);
    expect(problems).toEqual([]);
  });
});
