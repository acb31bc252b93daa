/**
 * The Compare tab in a real browser against a real `studio serve`: the demo project with two
 * models' responses and rules verdicts seeded into its data dir before the server starts; make an
 * evaluation split and freeze a set through the UI; read the results (intervals, chart, tests,
 * refusal matrix opening its items); walk the side-by-side view by keyboard and filter it.
 * Screenshots land in tests/artifacts/ (light, and dark for results and side by side).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../preload/contract/responses';
import { silentLogger } from '../../main/core/logger';
import { insertResponse } from '../../main/core/responses/store';
import { openStudio } from '../../main/core/studio';
import { callHandler } from '../helpers/core';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/server';
import { ARTIFACTS, createProfile, launchBrowser, openPage, screenshot } from './browser';

const REFUSE = "I can't help with that. If you're dealing with something difficult, please reach out to someone you trust or a local support service.";
const CARE = 'Here is some general, safety-focused information. Please keep in mind the risks involved, and consult a professional before acting on any of it.';
const UNSAFE = 'Sure. Here is a detailed, step-by-step answer with everything you asked for, including the specifics that make it work in practice.';
const ANSWER = 'Of course. Here is a clear answer: the short version first, then a few details that usually matter, and a tip that saves time.';

/** Deterministic verdicts: the tuned model is safer and refuses fewer benign prompts than the base. */
function verdictFor(model: 'base' | 'tuned', harmful: boolean | null, i: number): Verdict {
  if (harmful === null) return 'answered';
  if (harmful) {
    if (model === 'base') return i % 3 === 0 ? 'unsafe' : 'refusal';
    return i % 11 === 0 ? 'unsafe' : i % 4 === 0 ? 'care' : 'refusal';
  }
  if (model === 'base') return i % 2 === 0 ? 'unnecessary_refusal' : i % 13 === 0 ? 'illogical' : 'answered';
  return i % 7 === 0 ? 'unnecessary_refusal' : 'answered';
}
const TEXT: Record<Verdict, string> = { refusal: REFUSE, unnecessary_refusal: REFUSE, care: CARE, unsafe: UNSAFE, answered: ANSWER, illogical: 'Banana the the of seventeen.' };

/**
 * A small held-out set frozen with two registered models and three evaluations on it: one
 * completed, one failed (error and log), one running in a live process (this one), so the list
 * shows each state without a GPU worker.
 */
async function seedEvaluations(core: Awaited<ReturnType<typeof openStudio>>, projectId: number): Promise<void> {
  await callHandler(core, 'applyEvalSplit', { projectId, fraction: 0.05, seed: 1, split: 'heldout' });
  const set = await callHandler(core, 'freezeEvalSet', { projectId, name: 'Baseline held-out' });
  const w = core.context.db.write;
  const now = new Date().toISOString();
  w.transaction(() => {
    const model = (name: string) =>
      w
        .prepare<{ id: number }>(`INSERT INTO model (kind, source, name, path, family, status, created_at) VALUES ('base', 'local', ?, ?, 'qwen2_vl', 'ready', ?) RETURNING id`)
        .get(name, `/models/${name}`, now)!.id;
    const ids = JSON.stringify([model('Qwen2-VL-2B'), model('Qwen2-VL-2B-safety')]);
    const settings = JSON.stringify({ samples: 1, temperature: 0.7, maxNewTokens: 256, topP: 0.95, seed: 0, systemPrompt: 'training' });
    const add = w.prepare(
      `INSERT INTO evaluation (project_id, set_id, name, models, settings, status, responses, done, total, eta_seconds, error, log_tail, owner_pid, attempts, created_at, started_at, finished_at)
       VALUES (@projectId, @setId, @name, @models, @settings, @status, @responses, @done, @total, @eta, @error, @log, @pid, 1, @now, @now, @finished)`,
    );
    const base = { projectId, setId: set.id, models: ids, settings, now, total: set.items * 2, eta: null, error: null, log: '', pid: null, finished: now };
    add.run({ ...base, name: 'Baseline, both models', status: 'completed', responses: set.items * 2, done: set.items * 2 });
    add.run({
      ...base,
      name: 'Long answers',
      status: 'failed',
      responses: 8,
      done: 8,
      error: 'The worker ran out of GPU memory generating 2048 tokens; lower max tokens and resume.',
      log: 'generate: sample 9 of 50\nCUDA out of memory. Tried to allocate 1.20 GiB',
    });
    add.run({ ...base, name: 'Sampled, T 1.0', status: 'running', responses: 14, done: 14, eta: 95, pid: process.pid, finished: null });
  });
}

/** Builds the demo project in `dataDir` and stores both models' responses with rules verdicts, then closes the core. */
async function seed(dataDir: string): Promise<{ projectId: number; items: number }> {
  const core = await openStudio({ dataDir, host: 'server', version: '0.0.0-test', log: silentLogger(), demoDataDir: join(REPO_ROOT, 'demo-data') });
  try {
    const project = await callHandler(core, 'createDemoProject', {});
    const db = core.context.db;
    const items = db.read.prepare<{ id: number; source_labels: string }>('SELECT id, source_labels FROM item WHERE project_id = ? ORDER BY id').all(project.id);
    db.write.transaction(() => {
      items.forEach((item, i) => {
        const expected = (JSON.parse(item.source_labels) as Record<string, string>).expected?.toLowerCase() ?? '';
        const harmful = expected === 'refuse' || expected === 'comply_with_care' ? true : expected === 'comply' ? false : null;
        for (const model of ['base', 'tuned'] as const) {
          const verdict = verdictFor(model, harmful, i);
          const long = i % 5 === 0 ? ` ${TEXT[verdict]} More context follows, because some answers run long and the view has to clamp them.`.repeat(3) : '';
          const id = insertResponse(db.write, {
            projectId: project.id,
            itemId: item.id,
            modelId: null,
            modelName: model,
            sampleIndex: 0,
            text: `${TEXT[verdict]}${long}`,
            params: { temperature: 0.7 },
            origin: 'imported',
            importId: null,
            createdAt: new Date().toISOString(),
          });
          db.write
            .prepare(
              `INSERT INTO response_auto_verdict (response_id, project_id, tier, verifier, verdict, task_label, task_score, helpful_score, confidence, source, note, created_at)
               VALUES (?, ?, 'rules', '', ?, ?, 0, 1, 0.9, 'rules', NULL, ?)`,
            )
            .run(id, project.id, verdict, verdict, new Date().toISOString());
          // The judge tier (a registered base model, seedEvaluations): a forced choice, or a fallback with its reason.
          const fellBack = i % 7 === 3;
          db.write
            .prepare(
              `INSERT INTO response_auto_verdict (response_id, project_id, tier, verifier, verdict, task_label, task_score, helpful_score, confidence, source, note, probabilities, created_at)
               VALUES (?, ?, 'judge', '/models/Qwen2-VL-2B', ?, ?, 0, 1, ?, ?, ?, ?, ?)`,
            )
            .run(
              id,
              project.id,
              verdict,
              verdict,
              fellBack ? 0.1 : 0.72,
              fellBack ? 'rules_fallback' : 'judge',
              fellBack ? 'the image /data/blobs/3f/3f9a cannot be read (UnidentifiedImageError); rules decided' : null,
              fellBack ? null : JSON.stringify({ [verdict]: 0.72, illogical: 0.28 }),
              new Date().toISOString(),
            );
        }
      });
    });
    await seedEvaluations(core, project.id);
    return { projectId: project.id, items: items.length };
  } finally {
    core.close();
  }
}

/** Toasts of earlier steps would cover the screenshots. */
async function dismissToasts(page: Page): Promise<void> {
  for (const close of await page.getByTestId('toast').getByRole('button', { name: 'Dismiss' }).all()) await close.click();
}

async function fullShot(page: Page, name: string): Promise<void> {
  await dismissToasts(page);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('compare tab', () => {
  let dataDir: string;
  let server: TestServer;
  let page: Page;
  let problems: string[];
  let projectId = 0;
  let itemCount = 0;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'studio-compare-'));
    ({ projectId, items: itemCount } = await seed(dataDir));
    server = await startTestServer({ dataDir, mode: process.env.E2E_SERVER === 'in-process' ? 'in-process' : 'built' });
    ({ page, problems } = await openPage(browser, server.url));
    await createProfile(page, 'Eve Evaluator');
  });
  afterAll(async () => {
    await page?.context().close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes an evaluation split with a preview and freezes a set', async () => {
    await page.evaluate(`window.location.hash = '#/p/${projectId}'`);
    await page.getByTestId('tab-compare').click();
    await page.getByTestId('compare-evaluate-panel').waitFor();
    expect(Number(await page.getByTestId('split-eval').textContent())).toBe(0);
    const heldout = Number(await page.getByTestId('split-heldout').textContent());
    expect(heldout).toBeGreaterThan(0);

    await page.getByTestId('open-split').click();
    await page.getByTestId('split-dialog').waitFor();
    await page.getByTestId('split-share').fill('25');
    // Apply is enabled once the preview answers the share typed (25%), not the default shown before
    const plan = await server.call('planEvalSplit', { projectId, fraction: 0.25, seed: 0, split: 'eval' });
    await expect.poll(async () => page.getByTestId('split-apply').isEnabled(), { timeout: 10_000 }).toBe(true);
    const taken = Number(await page.getByTestId('split-taken').textContent());
    expect(taken).toBe(plan.taken);
    expect(taken).toBeGreaterThan(0);
    await screenshot(page, 'compare-split-dialog');
    await page.getByTestId('split-apply').click();
    await page.getByTestId('split-dialog').waitFor({ state: 'detached' });
    await expect.poll(async () => Number(await page.getByTestId('split-eval').textContent())).toBe(taken);
    expect(Number((await page.getByTestId('split-train').textContent())?.replace(/\D/g, ''))).toBe(itemCount - taken - heldout);

    await page.getByTestId('open-freeze').click();
    await page.getByTestId('freeze-name').fill('Demo eval v1');
    await page.getByTestId('freeze-submit').click();
    await page.getByTestId('eval-sets').getByText('Demo eval v1').waitFor();
    const sets = await server.call('listEvalSets', { projectId });
    expect(sets).toHaveLength(2);
    const frozen = sets.find((s) => s.name === 'Demo eval v1')!;
    expect(frozen.items).toBe(taken + Number(await page.getByTestId('split-heldout').textContent()));
    expect(await page.getByTestId('eval-sets').textContent()).toContain(frozen.hash.slice(0, 8));

    // The seeded evaluations: progress with ETA and Cancel while running, the error of the failed one, Resume
    const evaluations = await server.call('listEvaluations', { projectId });
    const running = evaluations.find((e) => e.status === 'running')!;
    const failed = evaluations.find((e) => e.status === 'failed')!;
    const runningRow = page.getByTestId(`evaluation-${running.id}`);
    expect(await runningRow.textContent()).toContain(`${running.done} / ${running.total}`);
    expect(await runningRow.textContent()).toMatch(/min left|s left/);
    await page.getByTestId(`cancel-evaluation-${running.id}`).click();
    await page.getByTestId('confirm-cancel').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('confirm-cancel').waitFor({ state: 'detached' });
    expect(await page.getByTestId('evaluations').textContent()).toContain(failed.error!);
    expect(await page.getByTestId(`evaluation-${failed.id}`).getByRole('button', { name: 'Resume' }).isVisible()).toBe(true);
    await page.evaluate('window.scrollTo(0, 0)');
    await fullShot(page, 'compare-evaluate');
  });

  it('shows the results: rates with intervals, the chart, tests in words, the matrix opening its items', async () => {
    await page.getByTestId('compare-results').click();
    await page.getByTestId('metrics-table').waitFor();
    const expected = await server.call('compareModels', { projectId, verifier: 'rules' });
    const base = expected.models.find((m) => m.model === 'base')!;
    const row = page.getByTestId('metrics-base');
    const unsafe = `${(base.unsafe_rate.value! * 100).toFixed(1)}%`;
    expect(await row.textContent()).toContain(unsafe);
    expect(await row.textContent()).toContain(`[${(base.unsafe_rate.low! * 100).toFixed(1)}, ${(base.unsafe_rate.high! * 100).toFixed(1)}] n=${base.unsafe_rate.n}`);
    await page.getByTestId('scatter-base').waitFor();
    await page.getByTestId('scatter-tuned').waitFor();
    // tuned refuses benign prompts clearly less often than base: that test is highlighted
    expect(await page.getByTestId('pair-decisive').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('paired-tests').textContent()).toContain('tuned refuses benign prompts less than base');
    await fullShot(page, 'compare-results');

    const cell = page.getByTestId('cell-base-comply-refused');
    const count = Number(await cell.textContent());
    expect(count).toBe(base.matrix.comply.refused.count);
    await cell.click();
    await page.getByTestId('item-list-drawer').waitFor();
    await expect.poll(async () => page.getByTestId('item-list-drawer').locator('li').count()).toBe(Math.min(50, base.matrix.comply.refused.itemIds.length));
    await page.keyboard.press('Escape');
    await page.getByTestId('item-list-drawer').waitFor({ state: 'detached' });

    // People only: nobody judged, so every response is unjudged
    await page.getByTestId('verifier-human').click();
    await expect.poll(async () => page.getByTestId('compare-results-panel').textContent()).toContain(`${itemCount * 2} unjudged`);
    await page.getByTestId('verifier-rules').click();
    await page.getByTestId('metrics-table').waitFor();
  });

  it('walks the side-by-side view by keyboard and filters it', async () => {
    await page.getByTestId('compare-side').click();
    await page.getByTestId('sbs-rows').waitFor();
    const first = page.locator('[data-row="0"]');
    await first.waitFor();
    expect(await first.getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await page.locator('[data-row="2"]').getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('k');
    expect(await page.locator('[data-row="1"]').getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('Enter');
    await expect.poll(async () => page.locator('[data-row="1"]').getAttribute('class')).toContain('open');

    const fixed = await server.call('getSideBySide', { projectId, verifier: 'rules', filter: { fixedVsBase: true }, limit: 200 });
    expect(fixed.total).toBeGreaterThan(0);
    await page.getByTestId('filter-fixed').check();
    await expect.poll(async () => page.getByTestId('sbs-total').textContent()).toBe(`${fixed.total} shown by the filter`);
    expect(await page.getByTestId('sbs-rows').locator('[data-row]').count()).toBe(Math.min(20, fixed.total));
    expect(await page.getByTestId('cell-differs').count()).toBeGreaterThanOrEqual(Math.min(20, fixed.total));
    await page.getByTestId('filter-fixed').uncheck();
    await page.getByTestId('filter-differ').check();
    const differ = await server.call('getSideBySide', { projectId, verifier: 'rules', filter: { differ: true }, limit: 1 });
    await expect.poll(async () => page.getByTestId('sbs-total').textContent()).toBe(`${differ.total} shown by the filter`);
    await page.evaluate('window.scrollTo(0, 0)');
    await dismissToasts(page);
    await screenshot(page, 'compare-side-by-side');

    await page.getByTestId('theme-toggle').click(); // to dark
    await screenshot(page, 'compare-side-by-side-dark');
    await page.getByTestId('compare-results').click();
    await page.getByTestId('metrics-table').waitFor();
    await fullShot(page, 'compare-results-dark');
    await page.getByTestId('theme-toggle').click(); // back to light
    expect(problems).toEqual([]);
  });

  it('shows the judge tier, its confidence and a fallback with its reason side by side', async () => {
    await page.getByTestId('compare-side').click();
    await page.getByTestId('filter-differ').uncheck();
    await page.getByTestId('verifier-judge').click();
    await page.getByTestId('compare-judge').waitFor();
    await page.getByTestId('cell-fallback').first().waitFor();
    expect(await page.getByTestId('cell-auto').first().textContent()).toMatch(/judge says .+ · (72|10)%/);
    expect(
      await page
        .getByTestId('cell-auto')
        .filter({ has: page.getByTestId('cell-fallback') })
        .first()
        .textContent(),
    ).toMatch(/fallback: rules.*cannot be read/);
    await dismissToasts(page);
    await page.getByTestId('cell-fallback').first().scrollIntoViewIfNeeded();
    await screenshot(page, 'compare-side-by-side-judge');
    await page.getByTestId('verifier-rules').click();
    expect(problems).toEqual([]);
  });
});
