/**
 * The blind arena's leaderboard: Bradley-Terry ratings on all votes, bootstrap intervals over
 * votes, ranks that only separate models whose intervals separate, and the position bias of the
 * people voting.
 *
 * Bootstrap: `rounds` resamples of the votes with replacement (at least 1000 by default, seeded,
 * so the same votes and seed give the same table), each refitted; a model's interval is the 2.5th
 * and 97.5th percentile of its refitted ratings (linear interpolation, as pandas' quantile).
 * FastChat draws the same distribution as a multinomial over distinct outcomes. A model absent
 * from a resample keeps the centre rating there, as FastChat's zero-weighted model keeps its start.
 *
 * Rank: 1 + the number of models whose lower bound exceeds this model's upper bound, as FastChat's
 * report_elo_analysis_results computes "final_ranking" (LMArena's "Rank (UB)"). Two models share a
 * rank unless their intervals separate.
 */
import type { PreferenceChoice } from '../../../../preload/contract/responses.js';
import { forEachResample, percentileInterval, type BootstrapOptions } from './bootstrap.js';
import { fitPrepared, prepareVotes, type ArenaVote, type BradleyTerryOptions } from './bradley-terry.js';
import { mcnemarExact } from './mcnemar.js';
import type { Estimate } from './types.js';
import { wilson } from './wilson.js';

export const DEFAULT_ARENA_ROUNDS = 1000;

export interface ArenaBootstrapOptions extends BradleyTerryOptions, Omit<BootstrapOptions, 'resamples'> {
  /** Bootstrap resamples; default DEFAULT_ARENA_ROUNDS. */
  rounds?: number;
}

export interface ArenaBootstrap {
  models: string[];
  /** samples[r][m]: model m's rating refitted on resample r. */
  samples: number[][];
  low: number[];
  high: number[];
  /** Resamples whose votes did not identify the MLE (fitted with the ridge; see bradley-terry.ts). */
  unidentifiedRounds: number;
}

export function bootstrapBradleyTerry(votes: readonly ArenaVote[], options: ArenaBootstrapOptions = {}): ArenaBootstrap {
  const prepared = prepareVotes(votes);
  const { rounds, seed, indexSets, ...fit } = options;
  const samples: number[][] = [];
  let unidentifiedRounds = 0;
  const bootstrap: BootstrapOptions = indexSets ? { indexSets } : { resamples: rounds ?? DEFAULT_ARENA_ROUNDS, ...(seed === undefined ? {} : { seed }) };
  if (votes.length > 0) {
    forEachResample(votes.length, bootstrap, (indices) => {
      const refit = fitPrepared(prepared, fit, indices);
      if (!refit.identified) unidentifiedRounds++;
      samples.push(refit.ratings);
    });
  }
  const low: number[] = [];
  const high: number[] = [];
  prepared.models.forEach((_, m) => {
    const [lo, hi] = percentileInterval(Float64Array.from(samples, (row) => row[m]!));
    low.push(lo);
    high.push(hi);
  });
  return { models: prepared.models, samples, low, high, unidentifiedRounds };
}

export interface ArenaRow {
  model: string;
  /** The MLE on all votes; low and high are the bootstrap percentiles. */
  rating: number;
  low: number;
  high: number;
  rank: number;
  votes: number;
  wins: number;
  /** Ties and both-bad votes, each half a win in the fit. */
  ties: number;
  losses: number;
}

export interface ArenaLeaderboard {
  /** Highest rating first. */
  rows: ArenaRow[];
  votes: number;
  rounds: number;
  /** Whether all votes identify the MLE; when false the ratings are ridge-regularised (bradley-terry.ts). */
  identified: boolean;
  unidentifiedRounds: number;
}

/** Rank (UB): 1 + how many models have a lower bound above this one's upper bound. */
export function ranksByIntervals(low: readonly number[], high: readonly number[]): number[] {
  return high.map((upper, m) => 1 + low.filter((lower, other) => other !== m && lower > upper).length);
}

function tally(votes: readonly ArenaVote[], models: readonly string[]): Map<string, { votes: number; wins: number; ties: number; losses: number }> {
  const counts = new Map(models.map((m) => [m, { votes: 0, wins: 0, ties: 0, losses: 0 }]));
  for (const vote of votes) {
    const a = counts.get(vote.a)!;
    const b = counts.get(vote.b)!;
    a.votes++;
    b.votes++;
    if (vote.choice === 'a') {
      a.wins++;
      b.losses++;
    } else if (vote.choice === 'b') {
      b.wins++;
      a.losses++;
    } else {
      a.ties++;
      b.ties++;
    }
  }
  return counts;
}

export function arenaLeaderboard(votes: readonly ArenaVote[], options: ArenaBootstrapOptions = {}): ArenaLeaderboard {
  const { rounds: _rounds, seed: _seed, indexSets: _sets, ...fitOptions } = options;
  const fit = fitPrepared(prepareVotes(votes), fitOptions);
  const boot = bootstrapBradleyTerry(votes, options);
  const ranks = ranksByIntervals(boot.low, boot.high);
  const counts = tally(votes, fit.models);
  const rows = fit.models.map((model, m) => ({
    model,
    rating: fit.ratings[m]!,
    low: boot.low[m]!,
    high: boot.high[m]!,
    rank: ranks[m]!,
    ...counts.get(model)!,
  }));
  rows.sort((x, y) => y.rating - x.rating || x.model.localeCompare(y.model));
  return { rows, votes: votes.length, rounds: boot.samples.length, identified: fit.identified, unidentifiedRounds: boot.unidentifiedRounds };
}

export interface PositionedVote {
  choice: PreferenceChoice;
  /** Which canonical side was shown on the left. */
  left: 'a' | 'b';
}

export interface PositionBias {
  leftWins: number;
  rightWins: number;
  /** Ties and both-bad votes: no side picked. */
  undecided: number;
  /** Share of decisive votes that went to the left-hand response (0.5 = no bias), Wilson interval. */
  leftShare: Estimate;
  /** Two-sided exact binomial p of leftWins against rightWins under no bias (McNemar's exact test). */
  p: number;
}

/** How often people picked whichever response was on the left, over decisive votes. */
export function positionBias(votes: readonly PositionedVote[]): PositionBias {
  let leftWins = 0;
  let rightWins = 0;
  let undecided = 0;
  for (const vote of votes) {
    if (vote.choice === 'tie' || vote.choice === 'both_bad') undecided++;
    else if (vote.choice === vote.left) leftWins++;
    else rightWins++;
  }
  return { leftWins, rightWins, undecided, leftShare: wilson(leftWins, leftWins + rightWins), p: mcnemarExact(leftWins, rightWins) };
}
