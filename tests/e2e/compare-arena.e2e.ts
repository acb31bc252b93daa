/**
 * The Compare tab's arena, checkpoint picker and report in a real browser against a real
 * `studio serve`: the demo project with a base model and two checkpoints registered, their
 * responses with rules verdicts and people's blind votes between every two of them seeded into
 * the data dir before the server starts. Reads the leaderboard and the position bias, writes a
 * policy and reads which checkpoints meet it, downloads the report and opens it with the network
 * off. Screenshots: tests/artifacts/compare-arena.png, compare-picker.png, compare-report.png.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreferenceChoice, Verdict } from '../../preload/contract/responses';
import { silentLogger } from '../../main/core/logger';
import { appendPreference, canonicalPair, insertResponse } from '../../main/core/responses/store';
import { openStudio } from '../../main/core/studio';
import { callHandler } from '../helpers/core';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/server';
import { ARTIFACTS, launchBrowser, openPage, pickProfile } from './browser';

const MODELS = ['Qwen2-VL-2B', 'ckpt-20', 'ckpt-40'] as const;
type Model = (typeof MODELS)[number];

/** Every `every`-th harmful prompt answered unsafely, every `refuses`-th benign one refused; capability items right `right` times in 10. */
const PROFILE: Record<Model, { unsafe: number; refuses: number; right: number }> = {
  'Qwen2-VL-2B': { unsafe: 3, refuses: 2, right: 5 },
  'ckpt-20': { unsafe: 9, refuses: 6, right: 6 },
  'ckpt-40': { unsafe: 40, refuses: 14, right: 8 },
};

function verdictFor(model: Model, harmful: boolean | null, i: number): Verdict {
  const p = PROFILE[model];
  if (harmful === null) return 'answered';
  if (harmful) return i % p.unsafe === 0 ? 'unsafe' : i % 4 === 1 ? 'care' : 'refusal';
  return i % p.refuses === 0 ? 'unnecessary_refusal' : 'answered';
}

/** Who wins a pair on prompt i: the later checkpoint mostly, with ties and both-bad votes mixed in. */
function outcome(x: Model, y: Model, i: number): Model | 'tie' | 'both_bad' {
  const [weak, strong] = MODELS.indexOf(x) < MODELS.indexOf(y) ? [x, y] : [y, x];
  const r = i % 5;
  if (r === 0) return 'tie';
  if (r === 1) return strong === 'ckpt-40' && weak === 'ckpt-20' ? weak : 'both_bad';
  return strong;
}

async function seed(dataDir: string): Promise<{ projectId: number }> {
  const core = await openStudio({ dataDir, host: 'server', version: '0.0.0-test', log: silentLogger(), demoDataDir: join(REPO_ROOT, 'demo-data') });
  try {
    const project = await callHandler(core, 'createDemoProject', {});
    const voter = await callHandler(core, 'createUser', { name: 'Vera Voter', role: 'annotator' });
    const db = core.context.db;
    const items = db.read.prepare<{ id: number; source_labels: string }>('SELECT id, source_labels FROM item WHERE project_id = ? ORDER BY id').all(project.id);
    const now = new Date().toISOString();
    db.write.transaction(() => {
      const register = db.write.prepare<{ id: number }>(
        `INSERT INTO model (kind, source, name, path, family, status, parent_id, step, created_at) VALUES (@kind, @source, @name, @path, 'qwen2_vl', 'ready', @parent, @step, @now) RETURNING id`,
      );
      const baseId = register.get({ kind: 'base', source: 'local', name: MODELS[0], path: '/models/qwen2-vl-2b', parent: null, step: null, now })!.id;
      const ids: Record<Model, number> = {
        [MODELS[0]]: baseId,
        'ckpt-20': register.get({ kind: 'checkpoint', source: 'run', name: 'ckpt-20', path: '/runs/1/ckpt-20', parent: baseId, step: 20, now })!.id,
        'ckpt-40': register.get({ kind: 'checkpoint', source: 'run', name: 'ckpt-40', path: '/runs/1/ckpt-40', parent: baseId, step: 40, now })!.id,
      } as Record<Model, number>;
      const verdict = db.write.prepare(
        `INSERT INTO response_auto_verdict (response_id, project_id, tier, verifier, verdict, task_label, task_score, helpful_score, confidence, source, note, created_at)
         VALUES (?, ?, 'rules', '', ?, ?, ?, 1, 0.9, 'rules', NULL, ?)`,
      );
      items.forEach((item, i) => {
        const expected = (JSON.parse(item.source_labels) as Record<string, string>).expected?.toLowerCase() ?? '';
        const harmful = expected === 'refuse' || expected === 'comply_with_care' ? true : expected === 'comply' ? false : null;
        const responses = {} as Record<Model, number>;
        for (const model of MODELS) {
          const v = verdictFor(model, harmful, i);
          const id = insertResponse(db.write, {
            projectId: project.id,
            itemId: item.id,
            modelId: ids[model],
            modelName: model,
            sampleIndex: 0,
            text: `${model}: ${v} answer ${i}`,
            params: {},
            origin: 'generated',
            importId: null,
            createdAt: now,
          });
          verdict.run(id, project.id, v, v, i % 10 < PROFILE[model].right ? 1 : 0, now);
          responses[model] = id;
        }
        if (i >= 60) return;
        for (const [x, y] of [
          ['Qwen2-VL-2B', 'ckpt-20'],
          ['Qwen2-VL-2B', 'ckpt-40'],
          ['ckpt-20', 'ckpt-40'],
        ] as [Model, Model][]) {
          const pair = canonicalPair(responses[x], responses[y]);
          const won = outcome(x, y, i);
          const choice: PreferenceChoice = won === 'tie' || won === 'both_bad' ? won : responses[won] === pair.a ? 'a' : 'b';
          const left = (i * 7 + MODELS.indexOf(x)) % 2 === 0 ? pair.a : pair.b;
          appendPreference(db.write, {
            projectId: project.id,
            itemId: item.id,
            responseAId: pair.a,
            responseBId: pair.b,
            annotatorId: voter.id,
            status: 'submitted',
            origin: 'queue',
            values: { choice, criteria: {} },
            blind: true,
            leftResponseId: left,
            timeSpentMs: 2400,
            createdAt: now,
          });
        }
      });
    });
    return { projectId: project.id };
  } finally {
    core.close();
  }
}

async function shot(page: Page, name: string): Promise<void> {
  for (const close of await page.getByTestId('toast').getByRole('button', { name: 'Dismiss' }).all()) await close.click();
  await page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('compare: arena, checkpoint picker, report', () => {
  let dataDir: string;
  let server: TestServer;
  let page: Page;
  let problems: string[];
  let projectId = 0;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'studio-arena-'));
    ({ projectId } = await seed(dataDir));
    server = await startTestServer({ dataDir, mode: process.env.E2E_SERVER === 'in-process' ? 'in-process' : 'built' });
    ({ page, problems } = await openPage(browser, server.url));
    // The voter's profile exists already: choose it
    await pickProfile(page, 'Vera Voter');
  });
  afterAll(async () => {
    await page?.context().close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the arena leaderboard with intervals, the rank rule, the position bias and a way to vote', async () => {
    await page.evaluate(`window.location.hash = '#/p/${projectId}/compare/arena'`);
    await page.getByTestId('arena-table').waitFor();
    const arena = await server.call('getArena', { projectId });
    expect(arena.votes).toBe(180);
    expect(arena.rows.map((r) => r.model)).toEqual(['ckpt-40', 'ckpt-20', 'Qwen2-VL-2B']);
    for (const r of arena.rows) {
      const row = page.getByTestId(`arena-row-${r.model}`);
      const text = await row.textContent();
      expect(text).toContain(`${r.rating.toFixed(0)}[${r.low.toFixed(0)}, ${r.high.toFixed(0)}]`);
      expect(text).toContain(`${r.wins} / ${r.ties} / ${r.losses}`);
    }
    expect(await page.getByTestId('arena-table').locator('tbody tr').first().getAttribute('data-testid')).toBe('arena-row-ckpt-40');
    expect(await page.getByTestId('arena-rank-rule').textContent()).toContain('Ranks differ only when intervals separate');
    expect(await page.getByTestId('arena-unidentified').count()).toBe(arena.identified ? 0 : 1);
    const verdict = (await page.getByTestId('arena-bias-verdict').textContent())?.trim();
    expect(verdict).toBe(arena.positionBias.p < 0.05 ? (arena.positionBias.leftShare.value! > 0.5 ? 'Left side favoured' : 'Right side favoured') : 'No sign of bias');
    expect(await page.getByTestId('arena-bias').textContent()).toContain(`n=${arena.positionBias.leftShare.n}`);
    await shot(page, 'compare-arena');

    // Two models only: the board follows the model choice
    await page.getByTestId('model-chip-ckpt-20').click();
    await expect.poll(async () => page.getByTestId('arena-table').locator('tbody tr').count()).toBe(2);
    await page.getByTestId('model-chip-ckpt-20').click();
    await expect.poll(async () => page.getByTestId('arena-table').locator('tbody tr').count()).toBe(3);

    await page.getByTestId('arena-vote').click();
    await expect.poll(async () => page.evaluate('window.location.hash')).toBe(`#/p/${projectId}/vote`);
    await page.goBack();
    await page.getByTestId('arena-table').waitFor();
  });

  it('picks the checkpoints that meet a written policy and says why the others fail', async () => {
    await page.getByTestId('compare-picker').click();
    await page.getByTestId('picker-list').waitFor();
    const picks = await server.call('pickCheckpoints', { projectId, policy: { maxUnsafe: 0.05, maxOverRefusal: 0.1 }, verifier: 'rules' });
    expect(picks.filter((c) => c.meets).map((c) => c.model)).toEqual(['ckpt-40']);
    await expect.poll(async () => page.getByTestId('picker-summary').textContent()).toBe(`1 of 3 meet the policy`);
    const items = page.getByTestId('picker-list').locator(':scope > li');
    expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).toEqual(picks.map((c) => `pick-${c.modelId}`));
    for (const c of picks.filter((x) => !x.meets)) {
      const fails = await page.getByTestId(`pick-${c.modelId}`).getByTestId('pick-fails').textContent();
      for (const f of c.fails) expect(fails).toContain(f);
    }
    await page.getByTestId('scatter-region').waitFor();
    for (const c of picks) await page.getByTestId(`picker-point-${c.modelId}`).waitFor();
    expect(await page.getByTestId(`picker-point-${picks[0]!.modelId}`).getAttribute('class')).toContain('passes');

    // A looser policy lets ckpt-20 in; a capability floor and the interval's far end are applied as written
    await page.getByTestId('policy-unsafe').fill('15');
    await page.getByTestId('policy-over').fill('20');
    const loose = await server.call('pickCheckpoints', { projectId, policy: { maxUnsafe: 0.15, maxOverRefusal: 0.2 }, verifier: 'rules' });
    await expect.poll(async () => page.getByTestId('picker-summary').textContent()).toBe(`${loose.filter((c) => c.meets).length} of 3 meet the policy`);
    await page.getByTestId('policy-capability').fill('0.7');
    const capable = await server.call('pickCheckpoints', { projectId, policy: { maxUnsafe: 0.15, maxOverRefusal: 0.2, minCapability: 0.7 }, verifier: 'rules' });
    await expect.poll(async () => page.getByTestId('picker-summary').textContent()).toBe(`${capable.filter((c) => c.meets).length} of 3 meet the policy`);
    await page.getByTestId('policy-strict').check();
    const strict = await server.call('pickCheckpoints', { projectId, policy: { maxUnsafe: 0.15, maxOverRefusal: 0.2, minCapability: 0.7, strict: true }, verifier: 'rules' });
    await expect.poll(async () => page.getByTestId('picker-summary').textContent()).toBe(`${strict.filter((c) => c.meets).length} of 3 meet the policy`);
    const firstFailing = strict.find((c) => !c.meets)!;
    expect(await page.getByTestId(`pick-${firstFailing.modelId}`).textContent()).toContain(firstFailing.fails[0]!);

    // Back to the default policy for the screenshot
    await page.getByTestId('policy-strict').uncheck();
    await page.getByTestId('policy-capability').fill('');
    await page.getByTestId('policy-unsafe').fill('5');
    await page.getByTestId('policy-over').fill('10');
    await expect.poll(async () => page.getByTestId('picker-summary').textContent()).toBe(`1 of 3 meet the policy`);
    await shot(page, 'compare-picker');
  });

  it('downloads a report that opens offline with every section and no outside request', async () => {
    await page.getByTestId('compare-results').click();
    await page.getByTestId('metrics-table').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-report').click()]);
    expect(download.suggestedFilename()).toMatch(/^comparison-.+-\d{4}-\d{2}-\d{2}\.html$/);
    const path = join(dataDir, 'report.html');
    await download.saveAs(path);
    const html = readFileSync(path, 'utf8');
    expect(html).not.toMatch(/https?:\/\/|<script/i);

    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, offline: true });
    try {
      const report = await context.newPage();
      const outside: string[] = [];
      report.on('request', (r) => {
        if (!r.url().startsWith('file:')) outside.push(r.url());
      });
      const errors: string[] = [];
      report.on('pageerror', (e) => errors.push(e.message));
      await report.goto(`file://${path}`);
      expect(await report.locator('h1').textContent()).toContain('Model comparison');
      expect(await report.locator('svg.chart').count()).toBeGreaterThanOrEqual(4);
      for (const id of ['metrics', 'scatter', 'pairs', 'matrix', 'arena']) expect(await report.locator(`section#${id}`).count()).toBe(1);
      const c = await server.call('compareModels', { projectId, verifier: 'rules' });
      const text = await report.locator('body').textContent();
      for (const m of c.models) expect(text).toContain(m.model);
      for (const p of c.pairs) expect(text).toContain(p.sentence);
      expect(text).toMatch(/No sign of position bias|side favoured/);
      // Laid out, not blank: the first chart has a real size
      const box = await report.locator('svg.chart').first().boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      await report.screenshot({ path: join(ARTIFACTS, 'compare-report.png'), fullPage: true, animations: 'disabled' });
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const csvPath = join(dataDir, 'report.csv');
    await csv.saveAs(csvPath);
    expect(readFileSync(csvPath, 'utf8').split('\n')[0]).toBe('section,model,versus,category,metric,value,low,high,n,p');
    expect(problems).toEqual([]);
  });
});
