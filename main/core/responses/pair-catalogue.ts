/**
 * What a project's responses offer the pairwise queue: its models and, for every pair of models
 * that answered at least one common item, how many response pairs there are. Kept per project
 * and brought up to date on every read by folding in only the responses added since (responses
 * are never updated or deleted and their ids only grow), so a generation job adding responses
 * one by one, here or in another project, never makes a vote rescan the whole project. The first
 * read of a project counts all of it (a few hundred ms at 100,000 responses).
 *
 * Vote counts per model pair change with every vote: vote-tally.ts keeps them.
 */
import type { ReadableDB } from '../../../db/handles.js';
import { modelPairKey } from './pair-schedule.js';

export interface CatalogueModelPair {
  key: string;
  /** Model keys in key order. */
  keys: [string, string];
  /** Response pairs of these two models to the same item. */
  pairs: number;
  /** The side with fewer responses, walked by the candidate query (the other is looked up per item). */
  walk: string;
  other: string;
}

export interface PairCatalogue {
  /** model key -> display name (the latest name a response carried). */
  names: Map<string, string>;
  modelPairs: CatalogueModelPair[];
  totalPairs: number;
}

interface CatalogueState {
  lastId: number;
  sizes: Map<string, number>;
  names: Map<string, string>;
  pairs: Map<string, { keys: [string, string]; pairs: number }>;
  view: PairCatalogue;
}

// New responses per model, and the pairs each new response makes with the item's earlier
// responses of other models (so every pair is counted once, when its second response arrives).
const NEW_MODELS_SQL = `SELECT model_key AS key, COUNT(*) AS n, MAX(id) AS last_id FROM response
  WHERE id > @last AND id <= @top AND project_id = @project GROUP BY model_key`;
const NEW_PAIRS_SQL = `SELECT n.model_key AS kn, o.model_key AS ko, COUNT(*) AS n
  FROM response n JOIN response o ON o.item_id = n.item_id AND o.id < n.id AND o.model_key <> n.model_key
  WHERE n.id > @last AND n.id <= @top AND n.project_id = @project GROUP BY n.model_key, o.model_key`;

function view(state: CatalogueState): PairCatalogue {
  const modelPairs = [...state.pairs].map(([key, entry]): CatalogueModelPair => {
    const [k1, k2] = entry.keys;
    const walkFirst = (state.sizes.get(k1) ?? 0) <= (state.sizes.get(k2) ?? 0);
    return { key, keys: entry.keys, pairs: entry.pairs, walk: walkFirst ? k1 : k2, other: walkFirst ? k2 : k1 };
  });
  return { names: state.names, modelPairs, totalPairs: modelPairs.reduce((sum, mp) => sum + mp.pairs, 0) };
}

/** Per-core catalogues, one per project. */
export class PairCatalogues {
  private readonly byProject = new Map<number, CatalogueState>();

  get(db: ReadableDB, projectId: number): PairCatalogue {
    let state = this.byProject.get(projectId);
    if (!state) {
      state = { lastId: 0, sizes: new Map(), names: new Map(), pairs: new Map(), view: { names: new Map(), modelPairs: [], totalPairs: 0 } };
      this.byProject.set(projectId, state);
    }
    // Up to the newest response of any project; one added after this read has a larger id.
    const top = db.prepare<{ top: number | null }>('SELECT MAX(id) AS top FROM response').get()?.top ?? 0;
    if (top <= state.lastId) return state.view;
    const range = { last: state.lastId, top, project: projectId };
    const nameOf = db.prepare<{ model_name: string }>('SELECT model_name FROM response WHERE id = ?');
    for (const row of db.prepare<{ key: string; n: number; last_id: number }>(NEW_MODELS_SQL).all(range)) {
      state.sizes.set(row.key, (state.sizes.get(row.key) ?? 0) + row.n);
      state.names.set(row.key, nameOf.get(row.last_id)?.model_name ?? row.key);
    }
    for (const row of db.prepare<{ kn: string; ko: string; n: number }>(NEW_PAIRS_SQL).all(range)) {
      const key = modelPairKey(row.kn, row.ko);
      const entry = state.pairs.get(key);
      if (entry) entry.pairs += row.n;
      else state.pairs.set(key, { keys: row.kn < row.ko ? [row.kn, row.ko] : [row.ko, row.kn], pairs: row.n });
    }
    state.lastId = top;
    state.view = view(state);
    return state.view;
  }
}
