/**
 * Choosing an evaluation split, as a pure function: items are grouped into strata by (task,
 * harmful / benign / unknown, category), each stratum contributes round(fraction x its size)
 * items, and within a stratum the items are taken in the order of a seeded hash of their id, so
 * the same project, fraction and seed always choose the same items, and adding items to a
 * project changes which others are chosen as little as possible.
 */
import { createHash } from 'node:crypto';
import type { Task } from '../../../preload/contract/domain.js';
import type { EvalStratum } from '../../../preload/contract/evaluation.js';

export interface SplitCandidate {
  itemId: number;
  task: Task;
  harmful: boolean | null;
  category: string | null;
}

export interface SplitChoice {
  itemIds: number[];
  strata: EvalStratum[];
}

function seededRank(seed: number, itemId: number): string {
  return createHash('sha256').update(`${seed}:${itemId}`).digest('hex');
}

export function chooseEvalItems(candidates: readonly SplitCandidate[], fraction: number, seed: number): SplitChoice {
  const strata = new Map<string, { key: Omit<EvalStratum, 'eligible' | 'taken'>; items: SplitCandidate[] }>();
  for (const c of candidates) {
    const key = JSON.stringify([c.task, c.harmful, c.category]);
    let stratum = strata.get(key);
    if (!stratum) {
      stratum = { key: { task: c.task, harmful: c.harmful, category: c.category }, items: [] };
      strata.set(key, stratum);
    }
    stratum.items.push(c);
  }
  const itemIds: number[] = [];
  const summary: EvalStratum[] = [];
  const ordered = [...strata.values()].sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
  for (const { key, items } of ordered) {
    const take = Math.round(items.length * fraction);
    const ranked = items.map((c) => ({ id: c.itemId, rank: seededRank(seed, c.itemId) })).sort((a, b) => a.rank.localeCompare(b.rank));
    for (const r of ranked.slice(0, take)) itemIds.push(r.id);
    summary.push({ ...key, eligible: items.length, taken: take });
  }
  itemIds.sort((a, b) => a - b);
  return { itemIds, strata: summary };
}
