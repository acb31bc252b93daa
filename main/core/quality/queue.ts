/**
 * What quality control changes in one annotator's labelling queue: the wellbeing-blocked
 * categories left out everywhere, gold checks left out of the ordinary order and mixed in at the
 * project's rate (gold.ts). With no settings and no gold checks, the queue is exactly as before.
 */
import type { ReadableDB } from '../../../db/handles.js';
import { LabelSchema } from '../../../preload/contract/domain.js';
import type { QueueWellbeing } from '../../../preload/contract/quality.js';
import { NO_CLAUSE, type QueueClause } from '../services/queue-clause.js';
import { parseJson, type ProjectRow } from '../services/rows.js';
import { goldCount, isGoldSlot, mixGold, NOT_GOLD_CLAUSE, openGoldIds } from './gold.js';
import { qualitySettings } from './settings.js';
import { blockedClause, blockedHints, wellbeingPlan } from './wellbeing.js';

/** The dataset hints that map to blocked categories, kept per project while its item count and the blocked set are unchanged. */
export class HintCache {
  private readonly byProject = new Map<number, { key: string; hints: string[] }>();

  hints(db: ReadableDB, project: ProjectRow, blocked: readonly string[]): string[] {
    const key = `${project.item_count}:${project.label_schema}:${blocked.join(',')}`;
    const cached = this.byProject.get(project.id);
    if (cached?.key === key) return cached.hints;
    const schema = parseJson(LabelSchema, project.label_schema, `project ${project.id} label_schema`);
    const hints = blockedHints(db, project.id, schema.riskCategories, blocked);
    this.byProject.set(project.id, { key, hints });
    return hints;
  }
}

export interface QualityQueuePlan {
  wellbeing: QueueWellbeing;
  /** Left out of every queue query: the blocked categories. */
  clause: QueueClause;
  /** Left out of the never-touched part too: gold checks, while they are mixed in. */
  freshClause: QueueClause;
  /** The batch with the gold checks in their slots (unchanged when none are mixed in). */
  mix(ordinary: number[], count: number, done: number): number[];
}

export function qualityQueuePlan(db: ReadableDB, project: ProjectRow, annotatorId: number, now: Date, cache: HintCache): QualityQueuePlan {
  const { wellbeing, blocked } = wellbeingPlan(db, project.id, annotatorId, now);
  const clause: QueueClause = blocked.length > 0 ? blockedClause(blocked, cache.hints(db, project, blocked)) : NO_CLAUSE;
  const { goldRate } = qualitySettings(db, project.id);
  const mixing = goldRate > 0 && goldCount(db, project.id) > 0;
  return {
    wellbeing,
    clause,
    freshClause: mixing ? NOT_GOLD_CLAUSE : NO_CLAUSE,
    mix: (ordinary, count, done) => {
      if (!mixing) return ordinary;
      const gold = openGoldIds(db, project.id, annotatorId, count, clause);
      return mixGold(ordinary, gold, count, (position) => isGoldSlot(project.id, annotatorId, position, goldRate), done);
    },
  };
}
