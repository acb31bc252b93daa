/** Statistics for evaluations and model comparison: pure functions, no DB, no I/O (README one folder up). */
export { EMPTY_ESTIMATE, Z95, type Estimate, type PairedDifference } from './types.js';
export { createRng, type Rng } from './rng.js';
export { rate, wilson } from './wilson.js';
export { binomialCdfHalf, mcnemarExact, newcombePairedInterval, pairedBinary, type PairedBinaryResult } from './mcnemar.js';
export {
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  bootstrapMean,
  forEachResample,
  pairedBootstrapMean,
  percentileInterval,
  quantileSorted,
  type BootstrapOptions,
  type PairedBootstrapResult,
} from './bootstrap.js';
export {
  UNIDENTIFIED_RIDGE,
  aggregate,
  fitBradleyTerry,
  fitPrepared,
  isIdentified,
  prepareVotes,
  type ArenaVote,
  type BradleyTerryFit,
  type BradleyTerryOptions,
  type PairTable,
  type PreparedVotes,
} from './bradley-terry.js';
export {
  DEFAULT_ARENA_ROUNDS,
  arenaLeaderboard,
  bootstrapBradleyTerry,
  positionBias,
  ranksByIntervals,
  type ArenaBootstrap,
  type ArenaBootstrapOptions,
  type ArenaLeaderboard,
  type ArenaRow,
  type PositionBias,
  type PositionedVote,
} from './arena.js';
export { cohenKappa, type Agreement, type Label } from './kappa.js';
export { METRIC_PHRASES, describePairedDifference, formatP, type DifferencePhrases, type MetricName } from './describe.js';
export {
  MISSING,
  agreementCoefficients,
  coefficientsFromPatterns,
  compressPatterns,
  fleissKappa,
  krippendorffAlpha,
  majorityAgreement,
  modalSize,
  pairwiseKappas,
  type Coefficients,
  type MajorityAgreement,
  type MeasurementLevel,
  type PairKappa,
  type Patterns,
  type RatingTable,
} from './agreement.js';
export {
  AGREEMENT_RESAMPLES,
  kappaFromConfusion,
  measureField,
  measureFields,
  measurePairs,
  type PairKappaWithInterval,
  type FieldAgreement,
  type FieldAgreementWithStrata,
  type FieldRatings,
  type IntervalOptions,
  type Strata,
} from './agreement-bootstrap.js';
export { binomial, logFactorials, multinomial } from './multinomial.js';
