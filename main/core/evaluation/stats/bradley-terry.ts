/**
 * Bradley-Terry ratings from pairwise votes, fitted as LMArena does (FastChat's
 * compute_elo_mle_with_tie in fastchat/serve/monitor/elo_analysis.py): maximum likelihood of
 * P(i beats j) = 1 / (1 + base^((R_j - R_i) / scale)) with base 10 and scale 400; a tie, and a
 * both-bad vote, is half a win and half a loss (outcome 0.5); ratings are R = scale * theta + center
 * with the natural-scale thetas summing to zero, so the ratings average exactly `center` (1000).
 * FastChat gets the same centring implicitly (L-BFGS from zero never leaves the sum-zero plane;
 * it then anchors one named model, which we do not). We solve by Newton's method with a backtracking
 * line search to a step below 1e-12, so ratings match a tight reference MLE far below 1e-4.
 *
 * The MLE exists only when the votes identify every rating: the graph with an edge i -> j whenever i
 * won or tied against j must be strongly connected. A model that never won nor tied (or a group of
 * models that never did against the rest, or that never met them) has its MLE at minus infinity;
 * FastChat's optimiser then just stops after 100 iterations at an arbitrary point. Here such a fit
 * is flagged `identified: false` and made finite by an L2 ridge (lambda / 2) * sum(theta^2) with
 * lambda = UNIDENTIFIED_RIDGE (or the caller's larger ridge): it pulls the runaway ratings back to
 * a finite floor far below the rest (in the test fixture a model that lost all of its 12 votes
 * lands about 1,200 below the next). A model absent from the votes entirely is unidentified too.
 */
import type { PreferenceChoice } from '../../../../preload/contract/responses.js';

export interface ArenaVote {
  a: string;
  b: string;
  choice: PreferenceChoice;
}

export interface BradleyTerryOptions {
  base?: number;
  scale?: number;
  center?: number;
  /** L2 penalty on the natural-scale thetas; 0 (the default) is the plain MLE. */
  ridge?: number;
}

export interface BradleyTerryFit {
  /** Models in ascending name order; ratings[i] is models[i]'s. */
  models: string[];
  ratings: number[];
  identified: boolean;
  /** The ridge actually used: the caller's, or UNIDENTIFIED_RIDGE when the votes do not identify the MLE. */
  ridge: number;
  iterations: number;
}

export const UNIDENTIFIED_RIDGE = 0.01;
const DEFAULTS = { base: 10, scale: 400, center: 1000, ridge: 0 } as const;
const MAX_ITERATIONS = 100;
const STEP_TOLERANCE = 1e-12;

/** Votes reduced to pair indices and the first model's score, ready to aggregate any resample. */
export interface PreparedVotes {
  models: string[];
  /** Per unordered pair p: its two models' indices, first < second. */
  pairFirst: Int32Array;
  pairSecond: Int32Array;
  /** Per vote: its pair, and the pair's first model's score (1 win, 0.5 tie or both bad, 0 loss). */
  votePair: Int32Array;
  voteScore: Float64Array;
}

function scoreForA(choice: PreferenceChoice): number {
  if (choice === 'a') return 1;
  if (choice === 'b') return 0;
  return 0.5; // tie and both_bad: half a win each, as the issue and FastChat's "tie (bothbad)" say
}

export function prepareVotes(votes: readonly ArenaVote[]): PreparedVotes {
  const models = [...new Set(votes.flatMap((v) => [v.a, v.b]))].sort();
  const index = new Map(models.map((m, i) => [m, i]));
  const pairIndex = new Map<number, number>();
  const first: number[] = [];
  const second: number[] = [];
  const votePair = new Int32Array(votes.length);
  const voteScore = new Float64Array(votes.length);
  votes.forEach((vote, v) => {
    if (vote.a === vote.b) throw new RangeError(`vote ${v} compares ${vote.a} with itself`);
    const ia = index.get(vote.a)!;
    const ib = index.get(vote.b)!;
    const [lo, hi] = ia < ib ? [ia, ib] : [ib, ia];
    const key = lo * models.length + hi;
    let p = pairIndex.get(key);
    if (p === undefined) {
      p = first.length;
      pairIndex.set(key, p);
      first.push(lo);
      second.push(hi);
    }
    votePair[v] = p;
    const score = scoreForA(vote.choice);
    voteScore[v] = ia === lo ? score : 1 - score;
  });
  return { models, pairFirst: Int32Array.from(first), pairSecond: Int32Array.from(second), votePair, voteScore };
}

/** Per pair: how many votes (n) and the first model's total score (s), over all votes or a resample. */
export interface PairTable {
  n: Float64Array;
  s: Float64Array;
}

export function aggregate(prepared: PreparedVotes, indices?: ArrayLike<number>): PairTable {
  const pairs = prepared.pairFirst.length;
  const n = new Float64Array(pairs);
  const s = new Float64Array(pairs);
  const count = indices ? indices.length : prepared.votePair.length;
  for (let k = 0; k < count; k++) {
    const v = indices ? indices[k]! : k;
    const p = prepared.votePair[v]!;
    n[p]! += 1;
    s[p]! += prepared.voteScore[v]!;
  }
  return { n, s };
}

/** Whether every model can reach every other along "won or tied against" edges (the MLE exists). */
export function isIdentified(prepared: PreparedVotes, table: PairTable): boolean {
  const k = prepared.models.length;
  if (k <= 1) return true;
  const beat: number[][] = Array.from({ length: k }, () => []);
  const beatenBy: number[][] = Array.from({ length: k }, () => []);
  for (let p = 0; p < table.n.length; p++) {
    const i = prepared.pairFirst[p]!;
    const j = prepared.pairSecond[p]!;
    if (table.s[p]! > 0) {
      beat[i]!.push(j);
      beatenBy[j]!.push(i);
    }
    if (table.n[p]! - table.s[p]! > 0) {
      beat[j]!.push(i);
      beatenBy[i]!.push(j);
    }
  }
  const reachesAll = (edges: number[][]): boolean => {
    const seen = new Uint8Array(k);
    const stack = [0];
    seen[0] = 1;
    let reached = 1;
    while (stack.length > 0) {
      for (const next of edges[stack.pop()!]!) {
        if (!seen[next]) {
          seen[next] = 1;
          reached++;
          stack.push(next);
        }
      }
    }
    return reached === k;
  };
  return reachesAll(beat) && reachesAll(beatenBy);
}

/** log(sigmoid(x)) without overflow. */
function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function negLogLikelihood(prepared: PreparedVotes, table: PairTable, theta: Float64Array, alpha: number, ridge: number): number {
  let loss = 0;
  for (let p = 0; p < table.n.length; p++) {
    if (table.n[p] === 0) continue;
    const x = alpha * (theta[prepared.pairFirst[p]!]! - theta[prepared.pairSecond[p]!]!);
    loss -= table.s[p]! * logSigmoid(x) + (table.n[p]! - table.s[p]!) * logSigmoid(-x);
  }
  let penalty = 0;
  for (const t of theta) penalty += t * t;
  return loss + 0.5 * ridge * penalty;
}

/** Solves A x = b for a symmetric positive definite A (k x k, row-major) by Cholesky. */
function solveSpd(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * k + j]!;
      for (let m = 0; m < j; m++) sum -= l[i * k + m]! * l[j * k + m]!;
      if (i === j) {
        if (sum <= 0) throw new Error('Bradley-Terry Hessian is not positive definite');
        l[i * k + i] = Math.sqrt(sum);
      } else {
        l[i * k + j] = sum / l[j * k + j]!;
      }
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let sum = b[i]!;
    for (let m = 0; m < i; m++) sum -= l[i * k + m]! * y[m]!;
    y[i] = sum / l[i * k + i]!;
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let m = i + 1; m < k; m++) sum -= l[m * k + i]! * x[m]!;
    x[i] = sum / l[i * k + i]!;
  }
  return x;
}

/**
 * Newton's method on the sum-zero plane: the Hessian of the plain likelihood is a weighted graph
 * Laplacian (singular along the all-ones direction), so each step solves (H + 11^T) d = -g, whose
 * solution is H's step with sum(d) = 0 (g sums to zero on the plane). Returns natural-scale thetas.
 */
function newton(prepared: PreparedVotes, table: PairTable, alpha: number, ridge: number): { theta: Float64Array; iterations: number } {
  const k = prepared.models.length;
  let theta = new Float64Array(k);
  let loss = negLogLikelihood(prepared, table, theta, alpha, ridge);
  let iterations = 0;
  while (iterations < MAX_ITERATIONS) {
    iterations++;
    const grad = new Float64Array(k);
    const hess = new Float64Array(k * k).fill(1);
    for (let i = 0; i < k; i++) {
      grad[i] = ridge * theta[i]!;
      hess[i * k + i]! += ridge;
    }
    for (let p = 0; p < table.n.length; p++) {
      const n = table.n[p]!;
      if (n === 0) continue;
      const i = prepared.pairFirst[p]!;
      const j = prepared.pairSecond[p]!;
      const prob = sigmoid(alpha * (theta[i]! - theta[j]!));
      const g = -alpha * (table.s[p]! - n * prob);
      grad[i]! += g;
      grad[j]! -= g;
      const w = alpha * alpha * n * prob * (1 - prob);
      hess[i * k + i]! += w;
      hess[j * k + j]! += w;
      hess[i * k + j]! -= w;
      hess[j * k + i]! -= w;
    }
    const step = solveSpd(
      hess,
      grad.map((g) => -g),
      k,
    );
    let slope = 0;
    for (let i = 0; i < k; i++) slope += grad[i]! * step[i]!;
    let t = 1;
    let candidate = theta;
    let candidateLoss = loss;
    for (let halvings = 0; halvings < 40; halvings++, t /= 2) {
      candidate = theta.map((v, i) => v + t * step[i]!);
      candidateLoss = negLogLikelihood(prepared, table, candidate, alpha, ridge);
      if (candidateLoss <= loss + 1e-4 * t * slope) break;
    }
    let largest = 0;
    for (const d of step) largest = Math.max(largest, Math.abs(t * d));
    if (candidateLoss > loss) break; // no descent left: at the optimum to machine precision
    theta = candidate;
    loss = candidateLoss;
    if (largest < STEP_TOLERANCE) break;
  }
  let mean = 0;
  for (const v of theta) mean += v / k;
  return { theta: theta.map((v) => v - mean), iterations };
}

/** Fits on all prepared votes, or on the resample `indices` (indices into the votes, with repetition). */
export function fitPrepared(prepared: PreparedVotes, options: BradleyTerryOptions = {}, indices?: ArrayLike<number>): BradleyTerryFit {
  const { base, scale, center, ridge: askedRidge } = { ...DEFAULTS, ...options };
  if (!(base > 1) || !(scale > 0) || !(askedRidge >= 0)) throw new RangeError('base must exceed 1, scale be positive and ridge non-negative');
  const table = aggregate(prepared, indices);
  const identified = isIdentified(prepared, table);
  const ridge = identified ? askedRidge : Math.max(askedRidge, UNIDENTIFIED_RIDGE);
  if (prepared.models.length === 0) return { models: [], ratings: [], identified, ridge, iterations: 0 };
  const { theta, iterations } = newton(prepared, table, Math.log(base), ridge);
  return { models: prepared.models, ratings: Array.from(theta, (t) => scale * t + center), identified, ridge, iterations };
}

export function fitBradleyTerry(votes: readonly ArenaVote[], options: BradleyTerryOptions = {}): BradleyTerryFit {
  return fitPrepared(prepareVotes(votes), options);
}
