/**
 * The Models screen in a real browser against a real `studio serve`: the tiny model (built by the
 * real worker) and a run with two checkpoints seeded into the data dir. Checks the checkpoints are
 * grouped under their run, renames one, deletes one after a confirmation that states the freed
 * size (and its folder is gone), opens run setup from a checkpoint, and chats with the tiny model
 * about an image through the worker.
 * Screenshots: tests/artifacts/models-grouped.png, models-delete.png, models-chat.png.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../main/core/logger';
import { openStudio } from '../../main/core/studio';
import { callHandler } from '../helpers/core';
import { startTestServer, type TestServer } from '../helpers/server';
import { launchBrowser, openPage, screenshot, pickProfile } from './browser';

// A 56x56 PNG (solid red) for the chat's image.
const RED_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAADgAAAA4CAIAAAAn5KxJAAAAWUlEQVR4nO3OUQkAIQBAMTWI/aMYywr38UAOtgSbZ+/xB+t14CvRmmhNtCZaE62J1kRrojXRmmhNtCZaE62J1kRrojXRmmhNtCZaE62J1kRrojXRmmhNtHYByF0BdOurBQ4AAAAASUVORK5CYII=',
  'base64',
);

async function seed(dataDir: string): Promise<{ projectId: number; checkpointIds: number[]; checkpointPaths: string[] }> {
  const core = await openStudio({ dataDir, host: 'server', version: '0.0.0-test', log: silentLogger() });
  try {
    const project = await callHandler(core, 'createProject', { name: 'Models' });
    await callHandler(core, 'createUser', { name: 'Ada Admin', role: 'admin' });
    const tiny = await callHandler(core, 'buildTinyModel', {});
    // A real run config, so the run's own view (and getRun) reads it like any other.
    const { config } = await callHandler(core, 'previewRun', { projectId: project.id, baseModelId: tiny.id, preset: 'quick' });
    const w = core.context.db.write;
    const now = new Date().toISOString();
    const runId = w
      .prepare<{ id: number }>(
        `INSERT INTO run (project_id, base_model_id, name, preset, dir, config, snapshot_hash, snapshot_items, status, total_steps, created_at)
         VALUES (?, ?, 'quick · Tiny', 'quick', 'r1', ?, 'h', 3, 'completed', 20, ?) RETURNING id`,
      )
      .get(project.id, tiny.id, JSON.stringify(config), now)!.id;
    const checkpointIds: number[] = [];
    const checkpointPaths: string[] = [];
    for (const step of [10, 20]) {
      const path = join(dataDir, 'runs', 'r1', 'output', `checkpoint-${step}`);
      mkdirSync(path, { recursive: true });
      writeFileSync(join(path, 'adapter_config.json'), '{}');
      writeFileSync(join(path, 'adapter_model.safetensors'), Buffer.alloc(step * 100_000, 1));
      checkpointPaths.push(path);
      checkpointIds.push(
        w
          .prepare<{ id: number }>(
            `INSERT INTO model (kind, source, name, path, family, info, status, parent_id, run_id, step, metrics, created_at)
             VALUES ('checkpoint', 'run', ?, ?, 'qwen2_vl', '{"vision":true}', 'ready', ?, ?, ?, ?, ?) RETURNING id`,
          )
          .get(`quick · Tiny · stage1 step ${step}`, path, tiny.id, runId, step, JSON.stringify({ reward: step / 40, loss: 1 - step / 40 }), now)!.id,
      );
    }
    return { projectId: project.id, checkpointIds, checkpointPaths };
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

describe('models: grouped list, rename, delete, chat', () => {
  let dataDir: string;
  let server: TestServer;
  let page: Page;
  let problems: string[];
  let seeded: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'studio-models-'));
    seeded = await seed(dataDir);
    server = await startTestServer({ dataDir, mode: process.env.E2E_SERVER === 'in-process' ? 'in-process' : 'built' });
    ({ page, problems } = await openPage(browser, server.url));
    await pickProfile(page, 'Ada Admin');
    await page.evaluate(`window.location.hash = '#/p/${seeded.projectId}/train/models'`);
    await page.getByTestId('checkpoint-groups').waitFor();
  }, 120_000);
  afterAll(async () => {
    await page?.context().close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('groups the checkpoints under their run, newest step first, without repeating the run name', async () => {
    const group = page.getByTestId('run-group-1');
    await expect.poll(() => group.locator('tr.group').textContent()).toMatch(/quick · Tiny\s*on Tiny Qwen2-VL.*· 2 checkpoints/);
    const names = await group.locator('[data-testid^="checkpoint-"] .name').allTextContents();
    expect(names).toEqual(['stage1 step 20', 'stage1 step 10']);
    await screenshot(page, 'models-grouped');
  });

  it('renames a checkpoint', async () => {
    const row = page.getByTestId(`checkpoint-${seeded.checkpointIds[0]}`);
    await row.getByTestId('model-rename').click();
    await page.getByTestId('rename-input').fill('early look');
    await page.getByTestId('rename-input').press('Enter');
    await row.locator('.name').filter({ hasText: 'early look' }).waitFor();
    expect((await server.call('listModels', { kind: 'checkpoint' })).find((m) => m.id === seeded.checkpointIds[0])?.name).toBe('early look');
  });

  it('deletes a checkpoint after a confirmation that says what it frees', async () => {
    const id = seeded.checkpointIds[1]!;
    await page.getByTestId(`checkpoint-${id}`).getByTestId('model-delete').click();
    const frees = page.getByTestId('delete-frees');
    await frees.waitFor();
    expect(await frees.textContent()).toMatch(/Frees\s*1\.9 MB\s*\(2 files\)/);
    expect(await page.getByTestId('delete-summary').textContent()).toContain(seeded.checkpointPaths[1]);
    await screenshot(page, 'models-delete');
    await page.getByTestId('delete-confirm').click();
    await page.getByTestId(`checkpoint-${id}`).waitFor({ state: 'detached' });
    expect(existsSync(seeded.checkpointPaths[1]!)).toBe(false);
    expect(await page.getByTestId('run-group-1').locator('tr.group').textContent()).toContain('1 checkpoint');
  });

  it('starts run setup from a checkpoint', async () => {
    const id = seeded.checkpointIds[0]!;
    await page.getByTestId(`checkpoint-${id}`).getByTestId('model-train').click();
    await expect.poll(() => page.evaluate('window.location.hash')).toBe(`#/p/${seeded.projectId}/train`);
    await expect.poll(() => page.getByTestId('base-model').inputValue()).toBe(String(id));
    expect(await page.getByTestId('base-model').locator('option:checked').textContent()).toContain('early look');
    await page.evaluate(`window.location.hash = '#/p/${seeded.projectId}/train/models'`);
    await page.getByTestId('checkpoint-groups').waitFor();
  });

  it('chats with the tiny model about an image through the worker', async () => {
    await page.getByTestId('base-models').getByTestId('model-chat-open').click();
    const chat = page.getByTestId('model-chat');
    await chat.waitFor();
    await page.getByTestId('chat-image-input').setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: RED_PNG });
    await page.getByTestId('chat-image').waitFor();
    await page.getByTestId('chat-input').fill('What colour is this?');
    await page.getByTestId('chat-input').press('Enter');
    await page.getByTestId('chat-turn-assistant').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('chat-turn-user').textContent()).toContain('What colour is this?');
    expect(await page.getByTestId('chat-error').count()).toBe(0);
    await screenshot(page, 'models-chat');
    expect(problems).toEqual([]);
  }, 90_000);
});
