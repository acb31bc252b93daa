/**
 * Debian Chromium driven by playwright-core, plus the studio server the page talks to. The server
 * is the built `studio serve` (what a user runs) unless E2E_SERVER=in-process asks for the same
 * server code started in this process (useful while the CLI is being rebuilt).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/server';

export const ARTIFACTS = join(REPO_ROOT, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

export function startServer(): Promise<TestServer> {
  return startTestServer({ mode: process.env.E2E_SERVER === 'in-process' ? 'in-process' : 'built' });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors and failed requests seen by the page: a clean UI has none. */
  problems: string[];
}

export async function openPage(browser: Browser, url: string): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.setDefaultTimeout(15_000);
  await page.goto(url);
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false, animations: 'disabled' });
  return path;
}

/** The profile gate on a fresh studio: type a name, keep the role, create. */
export async function createProfile(page: Page, name: string): Promise<void> {
  await page.getByTestId('create-profile').waitFor();
  await page.locator('#profile-name').fill(name);
  await page.getByRole('button', { name: 'Create profile' }).click();
  await page.getByTestId('current-user').filter({ hasText: name }).waitFor();
}

/** The profile gate with people already made: pick the one whose name matches, then wait until it is current. */
export async function pickProfile(page: Page, name: string): Promise<void> {
  await page
    .getByTestId('profile-list')
    .getByRole('button', { name: new RegExp(name) })
    .click();
  await page.getByTestId('current-user').filter({ hasText: name }).waitFor();
}
