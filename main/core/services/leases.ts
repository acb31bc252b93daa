/**
 * Who is looking at which queue items right now, so that annotators labelling the same project
 * at once are handed different items instead of all labelling the first one. Held in memory on
 * purpose: a lease is a hint about the next few minutes, not data; losing them on restart only
 * means two people may briefly see the same item, and both labels would still be kept.
 */

export const DEFAULT_LEASE_MS = 10 * 60_000;

/** K is what is leased: an item id for the labelling queue, a pair key for the pairwise queue. */
export class QueueLeases<K = number> {
  /** itemId -> annotatorId -> expiry (ms since epoch) */
  private readonly byItem = new Map<K, Map<number, number>>();
  /** annotatorId -> the items of their latest queue */
  private readonly byAnnotator = new Map<number, Set<K>>();

  constructor(private readonly ttlMs = DEFAULT_LEASE_MS) {}

  /** The annotator now holds exactly these items (their latest queue), until the lease expires. */
  hold(annotatorId: number, itemIds: readonly K[], nowMs: number): void {
    this.releaseAll(annotatorId);
    const held = new Set(itemIds);
    for (const itemId of held) {
      let holders = this.byItem.get(itemId);
      if (!holders) this.byItem.set(itemId, (holders = new Map()));
      holders.set(annotatorId, nowMs + this.ttlMs);
    }
    this.byAnnotator.set(annotatorId, held);
  }

  release(annotatorId: number, itemId: K): void {
    const holders = this.byItem.get(itemId);
    holders?.delete(annotatorId);
    if (holders?.size === 0) this.byItem.delete(itemId);
    this.byAnnotator.get(annotatorId)?.delete(itemId);
  }

  releaseAll(annotatorId: number): void {
    for (const itemId of this.byAnnotator.get(annotatorId) ?? []) {
      const holders = this.byItem.get(itemId);
      holders?.delete(annotatorId);
      if (holders?.size === 0) this.byItem.delete(itemId);
    }
    this.byAnnotator.delete(annotatorId);
  }

  /** How many other annotators hold each item (expired leases are dropped on the way). */
  heldByOthers(annotatorId: number, nowMs: number): Map<K, number> {
    const counts = new Map<K, number>();
    for (const [itemId, holders] of this.byItem) {
      for (const [holder, expires] of holders) {
        if (expires <= nowMs) {
          holders.delete(holder);
          this.byAnnotator.get(holder)?.delete(itemId);
        } else if (holder !== annotatorId) {
          counts.set(itemId, (counts.get(itemId) ?? 0) + 1);
        }
      }
      if (holders.size === 0) this.byItem.delete(itemId);
    }
    return counts;
  }
}
