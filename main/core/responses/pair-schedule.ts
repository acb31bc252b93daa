/**
 * The pure part of pair scheduling: seeded hashes (sides, ties) and the greedy choice that keeps
 * every model pair's vote count even. No database here; pair-candidates.ts feeds it.
 *
 * Evenness: each next pair comes from the model pair (unordered pair of model keys) with the
 * fewest votes so far, counting the project's submitted votes plus the pairs already picked for
 * this batch, so a prefetched batch is itself balanced (AB, AC, BC, AB, ... from equal counts).
 * Ties go to the lowest seeded hash of (project, annotator, model pair): reproducible, and
 * different people starting at the same counts begin on different model pairs.
 */

/** 32-bit FNV-1a over the text, then murmur3's finaliser for avalanche. Stable across runs and platforms. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Which of the canonical pair (a < b) this annotator sees on the left: seeded per (pair, annotator), about half each way. */
export function leftResponseFor(a: number, b: number, annotatorId: number): number {
  return (hash32(`side:${a}:${b}:${annotatorId}`) & 1) === 0 ? a : b;
}

/** The unordered pair of two model keys, as one string (smaller key first). */
export function modelPairKey(k1: string, k2: string): string {
  return k1 < k2 ? `${k1}\u0000${k2}` : `${k2}\u0000${k1}`;
}

/** A response pair as the lease map and the queue know it. */
export function pairKey(a: number, b: number): string {
  return `${a}:${b}`;
}

export interface PairCandidate {
  /** Canonical order: a < b. */
  a: number;
  b: number;
  itemId: number;
}

export interface ModelPairState {
  key: string;
  /** Submitted votes on this model pair across the project. */
  votes: number;
}

export interface BalancedPick {
  /** Pairs in the order they should be shown. */
  picked: PairCandidate[];
  /** Candidates other people hold right now, in the order met: shown only when nothing else is left. */
  deferred: PairCandidate[];
}

/**
 * Greedy balanced choice of up to `count` pairs. `next(modelPair)` yields that model pair's
 * candidates for this annotator in walk order (null once it has none); it is called lazily, so
 * only the model pairs actually chosen are queried.
 */
export function pickBalanced(
  modelPairs: readonly ModelPairState[],
  count: number,
  next: (modelPairKey: string) => PairCandidate | null,
  isHeldByOthers: (candidate: PairCandidate) => boolean,
  tieBreak: (modelPairKey: string) => number,
): BalancedPick {
  const load = new Map(modelPairs.map((mp) => [mp.key, mp.votes]));
  const open = new Set(modelPairs.map((mp) => mp.key));
  const tie = new Map(modelPairs.map((mp) => [mp.key, tieBreak(mp.key)]));
  const picked: PairCandidate[] = [];
  const deferred: PairCandidate[] = [];
  while (picked.length < count && open.size > 0) {
    let best: string | null = null;
    for (const key of open) {
      if (best === null) best = key;
      else {
        const diff = (load.get(key) ?? 0) - (load.get(best) ?? 0);
        if (diff < 0 || (diff === 0 && (tie.get(key) ?? 0) < (tie.get(best) ?? 0))) best = key;
      }
    }
    if (best === null) break;
    const candidate = next(best);
    if (!candidate) {
      open.delete(best);
      continue;
    }
    if (isHeldByOthers(candidate)) {
      deferred.push(candidate);
      continue;
    }
    picked.push(candidate);
    load.set(best, (load.get(best) ?? 0) + 1);
  }
  return { picked, deferred };
}
