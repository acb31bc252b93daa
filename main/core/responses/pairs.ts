/**
 * The blind pairwise preference workflow for one annotator: their pair queue (undone pairs
 * first, then the least-voted model pairs, skipped pairs last), submit by side, undo, skip, and
 * the position-bias and evenness figures.
 *
 * Candidate pairs are two responses to the same item from different models (model_key differs).
 * A person never gets a pair they already voted on; an undone vote brings its pair back first.
 * People voting at once are handed different pairs: each getPairQueue leases its pairs to the
 * caller for a few minutes (leases.ts, in memory), and pairs others hold move to the very back.
 *
 * Blindness: queue payloads carry texts, ids and the item only (pair-cards.ts). The model names
 * appear first in submitPreference's reply, after the vote is durable.
 */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { PreferenceCriterion, QueueProgress } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { PositionBias, SideChoice, SideCriteriaVotes } from '../../../preload/contract/preferences.js';
import { CriteriaVotes, type PreferenceChoice } from '../../../preload/contract/responses.js';
import type { ReadableDB, WritableDB } from '../../../db/handles.js';
import { nowIso, type CoreContext } from '../context.js';
import { QueueLeases } from '../services/leases.js';
import { requireProject, requireProjectRow, requireUser } from '../services/lookup.js';
import { parseJson } from '../services/rows.js';
import { PairCatalogues, type PairCatalogue } from './pair-catalogue.js';
import { modelPairCandidates, skippedPairs, undonePairs } from './pair-candidates.js';
import { mapCriteria, pairCards, sideToCanonical } from './pair-cards.js';
import { hash32, pairKey, pickBalanced, type PairCandidate } from './pair-schedule.js';
import { annotatorBias, modelPairSummary, projectBias } from './preference-stats.js';
import { VoteTallies, type ProjectTally } from './vote-tally.js';
import { PREFERENCE_COLUMNS, appendPreference, canonicalPair, modelKey, requireResponseRow, toPreference, type PreferenceRow, type ResponseRow } from './store.js';

type PreferenceHandlers = Pick<StudioHandlers, 'getPairQueue' | 'submitPreference' | 'undoLastPreference' | 'skipPair' | 'getPreferenceStats'>;

export interface PairQueueOptions {
  /** Pairs other annotators hold now: pair key -> how many hold it. */
  heldByOthers?: ReadonlyMap<string, number>;
}

/** The next `count` pairs for the annotator, in queue order (see the file comment). */
export function queuePairs(
  db: ReadableDB,
  catalogue: PairCatalogue,
  tally: ProjectTally,
  scope: { projectId: number; annotatorId: number; quota: number },
  count: number,
  options: PairQueueOptions = {},
): PairCandidate[] {
  const held = options.heldByOthers ?? new Map<string, number>();
  const out = undonePairs(db, scope.projectId, scope.annotatorId, count);
  if (out.length < count) {
    const byKey = new Map(catalogue.modelPairs.map((mp) => [mp.key, mp]));
    // One stream never yields more than the picks plus the pairs others hold.
    const limit = count - out.length + held.size;
    const streams = new Map<string, { rows: PairCandidate[]; at: number }>();
    const next = (key: string): PairCandidate | null => {
      let stream = streams.get(key);
      if (!stream) {
        const mp = byKey.get(key);
        const frontier = mp ? (tally.modelPairs.get(key)?.frontier.get(mp.walk) ?? 0) : 0;
        stream = { rows: mp ? modelPairCandidates(db, scope, mp, frontier, limit) : [], at: 0 };
        streams.set(key, stream);
      }
      return stream.rows[stream.at++] ?? null;
    };
    const { picked, deferred } = pickBalanced(
      catalogue.modelPairs.map((mp) => ({ key: mp.key, votes: tally.modelPairs.get(mp.key)?.votes ?? 0 })),
      count - out.length,
      next,
      (candidate) => (held.get(pairKey(candidate.a, candidate.b)) ?? 0) > 0,
      (key) => hash32(`tie:${scope.projectId}:${scope.annotatorId}:${key}`),
    );
    out.push(...picked);
    if (out.length < count) out.push(...skippedPairs(db, scope.projectId, scope.annotatorId, count - out.length));
    out.push(...deferred);
  }
  const seen = new Set<string>();
  return out
    .filter((pair) => {
      const key = pairKey(pair.a, pair.b);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, count);
}

/** Refuses a vote whose criteria are not exactly the ones the project asks for, naming each. */
export function assertCriteria(criteria: SideCriteriaVotes, asked: readonly PreferenceCriterion[]): void {
  const problems: { field: string; message: string }[] = [];
  for (const criterion of asked) {
    if (criteria[criterion] === undefined)
      problems.push({ field: `criteria.${criterion}`, message: `this project asks for a ${criterion} vote: choose left, right, tie or both bad for ${criterion}` });
  }
  for (const criterion of Object.keys(criteria) as PreferenceCriterion[]) {
    if (!asked.includes(criterion)) {
      const askedText = asked.length > 0 ? `it asks for ${asked.join(' and ')}` : 'it asks for the overall choice only';
      problems.push({ field: `criteria.${criterion}`, message: `this project does not ask for ${criterion} votes (${askedText})` });
    }
  }
  const first = problems[0];
  if (!first) return;
  throw new StudioError(
    'invalid_input',
    `preference: ${first.field}: ${first.message}`,
    problems.map((p) => ({ file: 'preference', line: null, field: p.field, message: p.message })),
  );
}

function responseModelKey(row: ResponseRow): string {
  return row.model_id === null ? modelKey({ modelName: row.model_name }) : modelKey({ modelId: row.model_id });
}

/** The two responses of a pair, checked to be a candidate pair: same item, different models. */
function requirePair(db: ReadableDB, leftId: number, rightId: number): { left: ResponseRow; right: ResponseRow } {
  const left = requireResponseRow(db, leftId);
  const right = requireResponseRow(db, rightId);
  canonicalPair(leftId, rightId);
  if (left.item_id !== right.item_id) {
    throw new StudioError('invalid_input', `responses ${leftId} and ${rightId} answer different items (${left.item_id} and ${right.item_id}); a preference compares two answers to one item`);
  }
  if (responseModelKey(left) === responseModelKey(right)) {
    throw new StudioError('invalid_input', `responses ${leftId} and ${rightId} come from the same model; a preference compares two different models`);
  }
  return { left, right };
}

function preferenceById(db: ReadableDB, id: number) {
  const row = db.prepare<PreferenceRow>(`SELECT ${PREFERENCE_COLUMNS} FROM preference p JOIN user u ON u.id = p.annotator_id WHERE p.id = ?`).get(id);
  if (!row) throw new StudioError('internal', `preference ${id} vanished`);
  return toPreference(row);
}

function dropSkip(db: WritableDB, annotatorId: number, a: number, b: number): void {
  db.prepare('DELETE FROM preference_skip WHERE annotator_id = ? AND response_a_id = ? AND response_b_id = ?').run(annotatorId, a, b);
}

interface LatestVoteRow {
  id: number;
  response_a_id: number;
  response_b_id: number;
  item_id: number;
  choice: PreferenceChoice;
  criteria: string;
  blind: number;
  left_response_id: number;
}

export function preferenceHandlers(ctx: CoreContext): PreferenceHandlers {
  const db = ctx.db;
  const leases = new QueueLeases<string>();
  const catalogues = new PairCatalogues();
  const tallies = new VoteTallies();
  const changed = (projectId: number) => ctx.events.emit({ type: 'project.changed', projectId });

  const standing = (projectId: number, annotator: { id: number; name: string }): { progress: QueueProgress; bias: PositionBias } => {
    const bias = annotatorBias(tallies.get(db.read, projectId), annotator);
    const total = catalogues.get(db.read, projectId).totalPairs;
    return { bias, progress: { done: bias.votes, remaining: Math.max(0, total - bias.votes), total } };
  };

  return {
    getPairQueue: ({ projectId, annotatorId, count }) => {
      const project = requireProjectRow(db.read, projectId);
      const annotator = requireUser(db.read, annotatorId);
      const nowMs = ctx.clock.now().getTime();
      const catalogue = catalogues.get(db.read, projectId);
      const pairs = queuePairs(db.read, catalogue, tallies.get(db.read, projectId), { projectId, annotatorId, quota: project.annotators_per_item }, count, {
        heldByOthers: leases.heldByOthers(annotatorId, nowMs),
      });
      leases.hold(
        annotatorId,
        pairs.map((p) => pairKey(p.a, p.b)),
        nowMs,
      );
      return { pairs: pairCards(db.read, pairs, annotatorId), ...standing(projectId, annotator) };
    },

    submitPreference: ({ leftResponseId, rightResponseId, annotatorId, choice, criteria, blind, timeSpentMs }) => {
      const written = db.write.transaction(() => {
        const annotator = requireUser(db.write, annotatorId);
        const { left, right } = requirePair(db.write, leftResponseId, rightResponseId);
        const project = requireProject(db.write, left.project_id);
        assertCriteria(criteria, project.preferenceCriteria);
        const pair = canonicalPair(leftResponseId, rightResponseId);
        const leftIsA = !pair.swapped;
        const toCanonical = (c: SideChoice) => sideToCanonical(c, leftIsA);
        const id = appendPreference(db.write, {
          projectId: project.id,
          itemId: left.item_id,
          responseAId: pair.a,
          responseBId: pair.b,
          annotatorId,
          status: 'submitted',
          origin: 'queue',
          values: { choice: toCanonical(choice), criteria: mapCriteria(criteria, toCanonical) },
          blind,
          leftResponseId,
          timeSpentMs,
          createdAt: nowIso(ctx),
        });
        dropSkip(db.write, annotatorId, pair.a, pair.b);
        return { id, annotator, projectId: project.id, pair, revealed: { left: left.model_name, right: right.model_name } };
      });
      leases.release(annotatorId, pairKey(written.pair.a, written.pair.b));
      changed(written.projectId);
      return { preference: preferenceById(db.read, written.id), revealed: written.revealed, ...standing(written.projectId, written.annotator) };
    },

    undoLastPreference: ({ projectId, annotatorId }) => {
      requireProjectRow(db.read, projectId);
      const annotator = requireUser(db.read, annotatorId);
      const undone = db.write.transaction(() => {
        const latest = db.write
          .prepare<LatestVoteRow>(
            `SELECT p.id, p.response_a_id, p.response_b_id, p.item_id, p.choice, p.criteria, p.blind, p.left_response_id
             FROM preference_head h JOIN preference p ON p.id = h.preference_id
             WHERE h.project_id = ? AND h.annotator_id = ? AND h.status = 'submitted' AND h.origin = 'queue'
             ORDER BY h.preference_id DESC LIMIT 1`,
          )
          .get(projectId, annotatorId);
        if (!latest) return null;
        // The retracted version carries the vote it withdraws, so history shows what was undone.
        appendPreference(db.write, {
          projectId,
          itemId: latest.item_id,
          responseAId: latest.response_a_id,
          responseBId: latest.response_b_id,
          annotatorId,
          status: 'retracted',
          origin: 'queue',
          values: { choice: latest.choice, criteria: parseJson(CriteriaVotes, latest.criteria, `preference ${latest.id} criteria`) },
          blind: latest.blind === 1,
          leftResponseId: latest.left_response_id,
          timeSpentMs: 0,
          createdAt: nowIso(ctx),
        });
        dropSkip(db.write, annotatorId, latest.response_a_id, latest.response_b_id);
        return { a: latest.response_a_id, b: latest.response_b_id, itemId: latest.item_id };
      });
      if (undone) changed(projectId);
      const [restored] = undone ? pairCards(db.read, [undone], annotatorId) : [];
      return { restored: restored ?? null, ...standing(projectId, annotator) };
    },

    skipPair: ({ leftResponseId, rightResponseId, annotatorId }) => {
      const { projectId, annotator, pair } = db.write.transaction(() => {
        const user = requireUser(db.write, annotatorId);
        const { left } = requirePair(db.write, leftResponseId, rightResponseId);
        const canonical = canonicalPair(leftResponseId, rightResponseId);
        // Delete + insert gives the skip a new, highest id: the very back of the queue.
        dropSkip(db.write, annotatorId, canonical.a, canonical.b);
        db.write
          .prepare('INSERT INTO preference_skip (project_id, annotator_id, response_a_id, response_b_id, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(left.project_id, annotatorId, canonical.a, canonical.b, nowIso(ctx));
        return { projectId: left.project_id, annotator: user, pair: canonical };
      });
      leases.release(annotatorId, pairKey(pair.a, pair.b));
      return { progress: standing(projectId, annotator).progress };
    },

    getPreferenceStats: ({ projectId }) => {
      const project = requireProject(db.read, projectId);
      const catalogue = catalogues.get(db.read, projectId);
      const tally = tallies.get(db.read, projectId);
      return { annotators: projectBias(db.read, tally), modelPairs: modelPairSummary(tally, catalogue), criteria: project.preferenceCriteria };
    },
  };
}
