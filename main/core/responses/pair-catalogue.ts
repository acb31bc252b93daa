/**
 * What a project's responses offer the pairwise queue: its models and, for every pair of models
 * that answered at least one common item, how many response pairs there are. Building it reads
 * every response of the project (about 100 ms at 100,000 responses), so it is kept per project
 * and rebuilt only when a response was added: responses are never updated or deleted, so the
 * largest response id is an exact version.
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
  version: number;
  /** model key -> display name (the latest name a response carried). */
  names: Map<string, string>;
  modelPairs: CatalogueModelPair[];
  totalPairs: number;
}

const MODELS_SQL = `SELECT model_key AS key, COUNT(*) AS n,
    (SELECT r2.model_name FROM response r2 WHERE r2.project_id = r.project_id AND r2.model_key = r.model_key ORDER BY r2.id DESC LIMIT 1) AS name
  FROM response r WHERE r.project_id = ? GROUP BY model_key`;
const PAIRS_SQL = `SELECT r1.model_key AS k1, r2.model_key AS k2, COUNT(*) AS n
  FROM response r1 JOIN response r2 ON r2.item_id = r1.item_id AND r2.model_key > r1.model_key
  WHERE r1.project_id = ? GROUP BY r1.model_key, r2.model_key`;

function buildCatalogue(db: ReadableDB, projectId: number, version: number): PairCatalogue {
  const models = db.prepare<{ key: string; n: number; name: string }>(MODELS_SQL).all(projectId);
  const sizes = new Map(models.map((m) => [m.key, m.n]));
  const modelPairs = db
    .prepare<{ k1: string; k2: string; n: number }>(PAIRS_SQL)
    .all(projectId)
    .map((row): CatalogueModelPair => {
      const walkFirst = (sizes.get(row.k1) ?? 0) <= (sizes.get(row.k2) ?? 0);
      return {
        key: modelPairKey(row.k1, row.k2),
        keys: [row.k1, row.k2],
        pairs: row.n,
        walk: walkFirst ? row.k1 : row.k2,
        other: walkFirst ? row.k2 : row.k1,
      };
    });
  return {
    version,
    names: new Map(models.map((m) => [m.key, m.name])),
    modelPairs,
    totalPairs: modelPairs.reduce((sum, mp) => sum + mp.pairs, 0),
  };
}

/** Per-core cache of catalogues, one per project. */
export class PairCatalogues {
  private readonly byProject = new Map<number, PairCatalogue>();

  get(db: ReadableDB, projectId: number): PairCatalogue {
    const version = db.prepare<{ v: number | null }>('SELECT MAX(id) AS v FROM response').get()?.v ?? 0;
    const cached = this.byProject.get(projectId);
    if (cached && cached.version === version) return cached;
    const built = buildCatalogue(db, projectId, version);
    this.byProject.set(projectId, built);
    return built;
  }
}
