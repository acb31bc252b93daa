/** The server's cap on large request bodies held at once: requests past it wait, first come first served. */
import { describe, expect, it } from 'vitest';
import { ByteBudget } from '../../main/server/body-budget';

const tick = () => new Promise((r) => setImmediate(r));

describe('ByteBudget', () => {
  it('lets bodies in while they fit and holds the rest until earlier ones finish, in order', async () => {
    const budget = new ByteBudget(128);
    const order: string[] = [];
    const a = await budget.acquire(64);
    const b = await budget.acquire(64);
    const c = budget.acquire(64).then((release) => (order.push('c'), release));
    const d = budget.acquire(10).then((release) => (order.push('d'), release));
    await tick();
    expect(order).toEqual([]);
    expect(budget.held).toBe(128);
    a();
    a(); // a second release changes nothing
    const releaseC = await c;
    await tick();
    // d (10) would not fit beside b and c: it waits for the next release.
    expect(order).toEqual(['c']);
    expect(budget.held).toBe(128);
    b();
    const releaseD = await d;
    expect(order).toEqual(['c', 'd']);
    expect(budget.held).toBe(74);
    releaseC();
    releaseD();
    expect(budget.held).toBe(0);
  });

  it('a body larger than the whole budget waits for an empty budget, then goes alone', async () => {
    const budget = new ByteBudget(100);
    const small = await budget.acquire(1);
    let started = false;
    const big = budget.acquire(500).then((release) => ((started = true), release));
    await tick();
    expect(started).toBe(false);
    small();
    (await big)();
    expect(started).toBe(true);
    expect(budget.held).toBe(0);
  });
});
