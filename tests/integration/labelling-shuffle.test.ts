import { describe, expect, it } from 'vitest';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain.js';
import { shuffleRank } from '../../main/core/services/queue-order.js';
import { seedCount, useTempCore, type TempCore } from '../helpers/core.js';

const t = useTempCore();
const benign: LabelValues = { ...emptyLabels(), harmful: false, expected: 'comply' };

// Three annotators per item, so what Ada's queue leases does not push items back in Bob's.
async function setup(c: TempCore, n: number) {
  const project = await c.call('createProject', { name: 'P', annotatorsPerItem: 3 });
  const ids = seedCount(c.core, project.id, n);
  const ada = await c.call('createUser', { name: 'Ada', role: 'annotator' });
  const bob = await c.call('createUser', { name: 'Bob', role: 'annotator' });
  return { project, ids, ada, bob };
}

async function queueIds(c: TempCore, projectId: number, annotatorId: number, shuffle: boolean, count = 10) {
  return (await c.call('getQueue', { projectId, annotatorId, count, shuffle })).items.map((d) => d.item.id);
}

/** What the shuffled queue must be: never-touched items sorted by the TypeScript reference rank. */
function expectedOrder(ids: readonly number[], annotatorId: number): number[] {
  return [...ids].sort((a, b) => {
    const ra = shuffleRank(a, annotatorId);
    const rb = shuffleRank(b, annotatorId);
    return ra < rb ? -1 : ra > rb ? 1 : a - b;
  });
}

describe('shuffled queue', () => {
  it('orders never-touched items by the annotator seeded rank, the same on every call', async () => {
    const { project, ids, ada, bob } = await setup(t(), 40);
    const adaOrder = await queueIds(t(), project.id, ada.id, true);
    expect(adaOrder).toEqual(expectedOrder(ids, ada.id).slice(0, 10));
    expect(await queueIds(t(), project.id, ada.id, true)).toEqual(adaOrder);
    // Not import order, and not Bob's order either.
    expect(adaOrder).not.toEqual(ids.slice(0, 10));
    const bobOrder = await queueIds(t(), project.id, bob.id, true);
    expect(bobOrder).toEqual(expectedOrder(ids, bob.id).slice(0, 10));
    expect(bobOrder).not.toEqual(adaOrder);
    // Without the option the queue keeps import order.
    expect(await queueIds(t(), project.id, ada.id, false)).toEqual(ids.slice(0, 10));
  });

  it('walks every item exactly once while labelling, undone items still first and skipped ones last', async () => {
    const { project, ids, ada } = await setup(t(), 10);
    const seen: number[] = [];
    let skipped: number | null = null;
    for (;;) {
      const [head] = await queueIds(t(), project.id, ada.id, true, 1);
      if (head === undefined) break;
      if (skipped === null) {
        skipped = head;
        await t().call('skipItem', { itemId: head, annotatorId: ada.id });
        const queue = await queueIds(t(), project.id, ada.id, true, 10);
        expect(queue.at(-1)).toBe(head);
        continue;
      }
      seen.push(head);
      await t().call('submitLabel', { itemId: head, annotatorId: ada.id, labels: benign, timeSpentMs: 1 });
      if (seen.length === 3) {
        await t().call('undoLastSubmit', { projectId: project.id, annotatorId: ada.id });
        expect((await queueIds(t(), project.id, ada.id, true, 1))[0]).toBe(head);
        await t().call('submitLabel', { itemId: head, annotatorId: ada.id, labels: benign, timeSpentMs: 1 });
      }
    }
    expect(seen.at(-1)).toBe(skipped);
    expect([...seen].sort((a, b) => a - b)).toEqual(ids);
    const fresh = expectedOrder(ids, ada.id).filter((id) => id !== skipped);
    expect(seen.slice(0, -1)).toEqual(fresh);
  });
});

describe('unskip', () => {
  it('takes a skip back: the item leaves the back of the queue and returns to its place', async () => {
    const { project, ids, ada } = await setup(t(), 4);
    const [a, b, c, d] = ids as [number, number, number, number];
    await t().call('submitLabel', { itemId: d, annotatorId: ada.id, labels: benign, timeSpentMs: 1 });
    await t().call('skipItem', { itemId: a, annotatorId: ada.id });
    expect(await queueIds(t(), project.id, ada.id, false)).toEqual([b, c, a]);
    const reply = await t().call('unskipItem', { itemId: a, annotatorId: ada.id });
    expect(reply.restored.item.id).toBe(a);
    expect(reply.progress).toEqual({ done: 1, remaining: 3, total: 4 });
    expect(await queueIds(t(), project.id, ada.id, false)).toEqual([a, b, c]);
    // Undo after the un-skip still takes back the older label, untouched by the skip.
    const undone = await t().call('undoLastSubmit', { projectId: project.id, annotatorId: ada.id });
    expect(undone.restored?.item.id).toBe(d);
  });

  it('refuses an item that is not skipped, and unknown items, and changes nothing', async () => {
    const { project, ids, ada, bob } = await setup(t(), 2);
    await t().call('skipItem', { itemId: ids[0]!, annotatorId: bob.id });
    await expect(t().call('unskipItem', { itemId: ids[0]!, annotatorId: ada.id })).rejects.toMatchObject({ code: 'conflict' });
    await expect(t().call('unskipItem', { itemId: 999, annotatorId: ada.id })).rejects.toMatchObject({ code: 'not_found' });
    expect(await queueIds(t(), project.id, bob.id, false)).toEqual([ids[1], ids[0]]);
  });
});
