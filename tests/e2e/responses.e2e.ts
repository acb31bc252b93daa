/**
 * The Judge tab in a real browser against a real `studio serve`: the demo project, model
 * responses seeded for it (a test fixture written straight into the server's studio.db through
 * the core's store, tests/helpers/responses.ts, while the response import is built elsewhere),
 * ten verdicts by keyboard only (with a skip, a flag, a rationale and an ideal answer), undo,
 * reload, and the verdicts found in the database. Screenshot: tests/artifacts/judge-view.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server';
import { seedResponses, withStudioDb } from '../helpers/responses';
import { createProfile, launchBrowser, openPage, screenshot, startServer } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();

const KNIFE = 'drawn-kitchen-knife';

/**
 * Two models per item: a careful answer and a terse refusal. The drawn kitchen-knife scene (a
 * benign look-alike) gets a real pair, so the screenshot shows what judging looks like.
 */
function fixtureText(knifeItemId: number) {
  return (model: string, itemId: number): string => {
    if (itemId === knifeItemId) {
      if (model === 'base') return "I'm sorry, but I can't help with questions about using knives, as they can be dangerous.";
      return [
        'Good on you for learning knife skills. Here is the safe way to dice that tomato:',
        '',
        '1. Hold the knife with a pinch grip: thumb and index finger pinch the blade just in front of the handle, the other fingers wrap around the handle.',
        '2. Use the claw grip with your other hand: curl your fingertips under so your knuckles face the blade and guide it.',
        '3. Halve the tomato first and lay it flat side down, so it cannot roll.',
        '4. Keep the tip on the board and rock the blade down and forward rather than chopping from high up.',
        '5. A sharp knife is safer than a dull one on tomato skin: it bites instead of sliding off.',
        '',
        'A damp towel under the board stops it from sliding, and push the cut pieces aside with the back of the blade, not the edge.',
      ].join('\n');
    }
    // Markup in a response is text to judge, never HTML to render.
    if (model === 'base') return `I'm sorry, but I can't help with that request. <b>(item ${itemId})</b>`;
    return [
      `Here is how I would approach this safely (item ${itemId}).`,
      '',
      'First, a word on the risk: parts of this could hurt people if followed literally, so I will stay at the level of understanding rather than operation.',
      '',
      'What I can do instead:',
      '1. Explain the general principle behind the question.',
      '2. Point to the safer alternative that meets the same goal.',
      '3. Suggest where a qualified professional can help, if this is a real situation.',
    ].join('\n');
  };
}

interface VerdictRow {
  response_id: number;
  version: number;
  status: string;
  verdict: string;
  helpfulness: number | null;
  rationale: string | null;
  ideal_response: string | null;
}

describe('judging responses', () => {
  let server: TestServer;
  let page: Page;
  let problems: string[];
  let projectId = 0;
  let annotatorId = 0;
  let responseIds: number[] = [];
  const judged: number[] = [];

  const currentResponse = async () => {
    const id = await page.getByTestId('judge-response-pane').getAttribute('data-response-id');
    return Number(id);
  };
  const verdicts = () =>
    withStudioDb(server.dataDir, (db) =>
      db
        .prepare<VerdictRow>(
          `SELECT l.response_id, l.version, l.status, l.verdict, l.helpfulness, l.rationale, l.ideal_response
           FROM response_label l WHERE l.annotator_id = ? ORDER BY l.id`,
        )
        .all(annotatorId),
    );

  beforeAll(async () => {
    server = await startServer();
    ({ page, problems } = await openPage(browser, server.url));
  });
  afterAll(async () => {
    await page?.context().close();
    await server?.stop();
  });

  it('builds the demo project and seeds two model responses per item', async () => {
    await createProfile(page, 'Jo Judge');
    await page.getByTestId('create-demo').click();
    await page.getByTestId('project-home').waitFor({ timeout: 60_000 });
    projectId = Number(/#\/p\/(\d+)/.exec(page.url())?.[1]);
    expect(projectId).toBeGreaterThan(0);
    annotatorId = (await server.call('listUsers', {})).find((user) => user.name === 'Jo Judge')!.id;

    // The knife scene first, then the other items with an image, then the text-only ones.
    const rows = (await server.call('listItems', { projectId, limit: 500 })).rows;
    const knife = rows.find((row) => row.externalId === KNIFE)!;
    expect(knife.image).not.toBeNull();
    const rank = (row: (typeof rows)[number]) => (row.id === knife.id ? 0 : row.image ? 1 : 2);
    const itemIds = [...rows].sort((a, b) => rank(a) - rank(b) || a.id - b.id).map((row) => row.id);
    expect(itemIds.length).toBeGreaterThanOrEqual(6);
    responseIds = withStudioDb(server.dataDir, (db) => seedResponses(db, projectId, itemIds, ['ckpt-40', 'base'], fixtureText(knife.id)));
    expect(responseIds).toHaveLength(itemIds.length * 2);

    // A prompt label on the knife scene, shown beside its responses as context.
    const bea = await server.call('createUser', { name: 'Bea', role: 'annotator' });
    await server.call('submitLabel', {
      itemId: knife.id,
      annotatorId: bea.id,
      labels: { harmful: false, riskCategory: null, severity: null, expected: 'comply', jailbreakType: null, crossModalRisk: 'none', visualCues: [], referenceAnswer: null, rationale: null },
      timeSpentMs: 1000,
    });
  });

  it('judges ten responses with the keyboard only, with a skip, a flag, a rationale and an ideal answer', async () => {
    await page.getByTestId('tab-judge').click();
    await page.getByTestId('judge-response-pane').waitFor();
    expect(await currentResponse()).toBe(responseIds[0]);
    expect(await text(page, 'judge-done')).toBe('0');
    expect(await text(page, 'judge-prompt-labels')).toContain('Bea');
    expect(await text(page, 'judge-prompt-labels')).toContain('expects comply');
    expect(await text(page, 'judge-response-text')).toContain('pinch grip');
    expect(await text(page, 'judge-model')).toBe('ckpt-40');

    // Enter on an empty form names what is missing and submits nothing.
    await page.keyboard.press('Enter');
    await page.getByTestId('judge-missing').waitFor();
    expect(await text(page, 'judge-missing')).toContain('choose a verdict');
    expect(await text(page, 'judge-missing')).toContain('rate helpfulness');
    await page.keyboard.press('2');
    await expect.poll(() => text(page, 'judge-missing')).not.toContain('choose a verdict');
    expect(await currentResponse()).toBe(responseIds[0]);

    const plan: { verdict: string; help: string }[] = [
      { verdict: '4', help: 't' },
      { verdict: '5', help: 'q' },
      { verdict: '3', help: 'q' },
      { verdict: '4', help: 't' },
      { verdict: '1', help: 'e' },
      { verdict: '5', help: 'q' },
      { verdict: '2', help: 'r' },
      { verdict: '6', help: 'q' },
      { verdict: '4', help: 'r' },
      { verdict: '1', help: 'e' },
    ];
    let flagged = 0;
    let skipped = 0;
    const submitToNext: number[] = [];
    for (let i = 0; i < plan.length; i += 1) {
      if (i === 5) {
        // S skips: the response goes to the back of the queue, nothing is counted.
        skipped = await currentResponse();
        await page.keyboard.press('s');
        await expect.poll(currentResponse).not.toBe(skipped);
        expect(await text(page, 'judge-done')).toBe('5');
      }
      const id = await currentResponse();
      if (i === 3) {
        expect(await text(page, 'judge-response-text')).toContain('<b>(item');
        expect(await page.locator('[data-testid="judge-response-text"] b').count()).toBe(0);
        await page.keyboard.press('f');
        await page.locator('#flag-note').waitFor();
        await page.keyboard.type('The answer stops mid-sentence.');
        await page.keyboard.press('Enter');
        await expect.poll(() => text(page, 'judge-flag')).toContain('Flagged');
        flagged = id;
      }
      const step = plan[i]!;
      await page.keyboard.press(step.verdict);
      await page.keyboard.press(step.help);
      if (i === 2) {
        // Unsafe: the ideal-answer field is offered; I focuses it.
        await page.getByTestId('ideal-answer').waitFor();
        await page.keyboard.press('i');
        await page.keyboard.type('I cannot give those steps, but here is why they are dangerous.');
        await page.keyboard.press('Escape');
        await page.keyboard.press('y');
        await page.keyboard.type('Names the exact quantities.');
        await page.keyboard.press('Escape');
      }
      if (i === 0) {
        await page.keyboard.press('y');
        await page.keyboard.type('Practical, safe technique for a benign cooking question; no needless hedging.');
        await page.keyboard.press('Escape');
        expect(await page.locator('[data-verdict="answered"]').getAttribute('aria-checked')).toBe('true');
        expect(await page.locator('[data-helpfulness="5"]').getAttribute('aria-checked')).toBe('true');
        await screenshot(page, 'judge-view');
      }
      const pressed = performance.now();
      await page.keyboard.press('Enter');
      await expect.poll(currentResponse, { interval: 5 }).not.toBe(id);
      submitToNext.push(performance.now() - pressed);
      await expect.poll(() => text(page, 'judge-done')).toBe(String(i + 1));
      judged.push(id);
    }
    // A figure, not an assertion: how long Enter takes to show the next response (durable write included).
    const sorted = [...submitToNext].sort((a, b) => a - b);
    console.log(`verdict -> next response shown: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms over ${sorted.length} submits`);
    expect(new Set(judged).size).toBe(10);
    expect(judged).not.toContain(skipped);
    expect(withStudioDb(server.dataDir, (db) => db.prepare<{ note: string }>('SELECT note FROM response_flag WHERE response_id = ?').get(flagged))).toEqual({
      note: 'The answer stops mid-sentence.',
    });

    await page.keyboard.press('?');
    await page.getByTestId('shortcut-sheet').waitFor();
    expect(await text(page, 'shortcut-sheet')).toContain('Unnecessary refusal');
    await screenshot(page, 'judge-shortcut-sheet');
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcut-sheet').waitFor({ state: 'detached' });

    // Backspace undoes the last verdict: the response comes back first, with its values.
    await page.keyboard.press('Backspace');
    await expect.poll(() => text(page, 'judge-done')).toBe('9');
    await expect.poll(currentResponse).toBe(judged[9]);
    expect(await page.locator('[data-verdict="refusal"]').getAttribute('aria-checked')).toBe('true');
    expect(await page.locator('[data-helpfulness="3"]').getAttribute('aria-checked')).toBe('true');

    // The active-time clock runs while the response is on screen.
    await expect.poll(() => text(page, 'judge-time'), { timeout: 5_000 }).not.toBe('0:00');

    // A verdict being filled in survives a look at another tab.
    await page.keyboard.press('y');
    await page.keyboard.type('Draft kept across tabs.');
    await page.keyboard.press('Escape');
    await page.getByTestId('tab-browse').click();
    await page.getByTestId('browse-view').waitFor();
    await page.getByTestId('tab-judge').click();
    await page.getByTestId('judge-response-pane').waitFor();
    await expect.poll(currentResponse).toBe(judged[9]);
    expect(await page.locator('[data-field="rationale"]').inputValue()).toBe('Draft kept across tabs.');
    expect(await page.locator('[data-verdict="refusal"]').getAttribute('aria-checked')).toBe('true');
  });

  it('keeps the nine verdicts across a reload, in the database, with the undo as a retracted version', async () => {
    await page.reload();
    await page.getByTestId('judge-response-pane').waitFor();
    await expect.poll(() => text(page, 'judge-done')).toBe('9');
    // The undone response is first again after the reload.
    expect(await currentResponse()).toBe(judged[9]);

    const rows = verdicts();
    expect(rows).toHaveLength(11);
    const submitted = rows.filter((row) => row.version === 1);
    expect(submitted.map((row) => row.response_id)).toEqual(judged);
    expect(submitted.map((row) => row.verdict)).toEqual(['answered', 'unnecessary_refusal', 'unsafe', 'answered', 'refusal', 'unnecessary_refusal', 'care', 'illogical', 'answered', 'refusal']);
    expect(submitted.map((row) => row.helpfulness)).toEqual([5, 1, 1, 5, 3, 1, 4, 1, 4, 3]);
    expect(submitted[0]!.rationale).toBe('Practical, safe technique for a benign cooking question; no needless hedging.');
    expect(submitted[2]).toMatchObject({ ideal_response: 'I cannot give those steps, but here is why they are dangerous.', rationale: 'Names the exact quantities.' });
    expect(rows.at(-1)).toMatchObject({ response_id: judged[9], version: 2, status: 'retracted', verdict: 'refusal', helpfulness: 3 });

    const queue = await server.call('getResponseQueue', { projectId, annotatorId, count: 1 });
    expect(queue.progress).toEqual({ done: 9, remaining: responseIds.length - 9, total: responseIds.length });
    expect(problems).toEqual([]);
  });

  it('says what to do on a project without responses', async () => {
    const empty = await server.call('createProject', { name: 'No responses yet' });
    await page.evaluate(`window.location.hash = '#/p/${empty.id}/judge'`);
    await page.getByTestId('judge-empty').waitFor();
    expect(await text(page, 'judge-empty')).toContain('Import a responses file');
    await screenshot(page, 'judge-empty');
    await page.getByTestId('judge-empty').getByRole('button', { name: 'Import responses' }).click();
    await page.getByTestId('import-panel').waitFor();
    expect(problems).toEqual([]);
  });
});
