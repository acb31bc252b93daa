/**
 * The blind arena's leaderboard cost: Bradley-Terry fit plus bootstrap rounds (default 1,000) on
 * synthetic votes (default 10,000 among 6 models, 15% ties, 8% both bad). Prints figures; asserts nothing.
 *
 *   npx esbuild tests/perf/arena-bootstrap.perf.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=out/perf/arena-bootstrap.mjs && node out/perf/arena-bootstrap.mjs [votes] [rounds]
 */
import { performance } from 'node:perf_hooks';
import { arenaLeaderboard, createRng, fitBradleyTerry, type ArenaVote } from '../../main/core/evaluation/stats/index.js';

const VOTES = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 1000);
const TRUE_RATINGS: Record<string, number> = { base: 1000, 'ckpt-10': 1020, 'ckpt-20': 1045, 'ckpt-40': 1090, reference: 1150, tiny: 850 };

function syntheticVotes(count: number): ArenaVote[] {
  const rng = createRng(2026);
  const models = Object.keys(TRUE_RATINGS);
  return Array.from({ length: count }, () => {
    const i = rng.int(models.length);
    const j = (i + 1 + rng.int(models.length - 1)) % models.length;
    const a = models[i]!;
    const b = models[j]!;
    const u = rng.next();
    if (u < 0.15) return { a, b, choice: 'tie' as const };
    if (u < 0.23) return { a, b, choice: 'both_bad' as const };
    const pA = 1 / (1 + 10 ** ((TRUE_RATINGS[b]! - TRUE_RATINGS[a]!) / 400));
    return { a, b, choice: rng.next() < pA ? ('a' as const) : ('b' as const) };
  });
}

const votes = syntheticVotes(VOTES);
const fitStart = performance.now();
const fit = fitBradleyTerry(votes);
const fitMs = performance.now() - fitStart;
const start = performance.now();
const board = arenaLeaderboard(votes, { rounds: ROUNDS, seed: 1 });
const totalMs = performance.now() - start;

console.log(`arena: ${VOTES} votes, ${Object.keys(TRUE_RATINGS).length} models, ${ROUNDS} bootstrap rounds (node ${process.version})`);
console.log(`  single fit: ${fitMs.toFixed(1)} ms (${fit.iterations} Newton iterations)`);
console.log(`  fit + ${ROUNDS} bootstrap rounds (arenaLeaderboard): ${totalMs.toFixed(0)} ms`);
for (const row of board.rows) {
  console.log(`  ${String(row.rank).padStart(2)}  ${row.model.padEnd(10)} ${row.rating.toFixed(1)} [${row.low.toFixed(1)}, ${row.high.toFixed(1)}]  true ${TRUE_RATINGS[row.model]}`);
}
