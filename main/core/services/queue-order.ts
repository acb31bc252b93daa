/**
 * The shuffled queue order: each annotator walks a project's never-touched items in an order of
 * their own, the same on every call and every machine (no state is stored, so no migration), and
 * different from anyone else's, so people do not all meet the dataset's runs of near-duplicates
 * in the order they were imported.
 *
 * The rank is computed inside SQLite with integer arithmetic: t = (item id + seed) * 48271 mod P,
 * rank = t * t mod P, P = 2^31 - 1 (a Lehmer step, then squaring modulo the prime, which scrambles
 * neighbouring ids). Every intermediate value stays below 2^63, so SQLite never falls back to
 * floating point. Ties (squaring is two-to-one) are broken by item id.
 */

const MODULUS = 2_147_483_647n;
const MULTIPLIER = 48_271n;

/** The per-annotator offset; keeps (item id + seed) * 48271 far below 2^63. */
export function shuffleSeed(annotatorId: number): number {
  return (annotatorId * 7919) % 1_000_003;
}

/** The SQL expression for an item's rank; `?` twice, both bound to shuffleSeed(annotatorId). */
export const SHUFFLE_RANK_SQL = '(((i.id + ?) * 48271) % 2147483647) * (((i.id + ?) * 48271) % 2147483647) % 2147483647';

/** The same rank in TypeScript (BigInt, since t * t passes 2^53): the reference the tests hold SQL to. */
export function shuffleRank(itemId: number, annotatorId: number): bigint {
  const t = ((BigInt(itemId) + BigInt(shuffleSeed(annotatorId))) * MULTIPLIER) % MODULUS;
  return (t * t) % MODULUS;
}
