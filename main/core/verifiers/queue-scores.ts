/**
 * The labelling queue ordered by the prompt-label head's uncertainty (a project setting, off by
 * default; migration 0022). When on, each annotator's never-touched items come least-sure first
 * (services/labelling.ts `queueItemIds` with `uncertainty`), from scores cached in
 * `prompt_label_score` so the queue never waits for the model; items without a score keep the
 * normal order after them. Scores are filled in the background (getQueue starts it, one fill per
 * project at a time) or at once with `scoreQueue`, a page of items at a time on the inference
 * thread. Only the current head's scores count: a newer verifier scores afresh.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { QueueOrdering } from '../../../preload/contract/prompt-suggestions.js';
import { nowIso, type CoreContext } from '../context.js';
import { requireProjectRow } from '../services/lookup.js';
import type { VerifierModels } from './models.js';
import { currentPromptHead, uncertaintyOf } from './prompt-head.js';

const PAGE = 2000;

const UNSCORED_SQL = `SELECT i.id, i.text, i.task, i.image_sha256 IS NOT NULL AS has_image FROM item i
  WHERE i.project_id = ? AND i.complete = 0 AND i.id > ?
    AND NOT EXISTS (SELECT 1 FROM prompt_label_score s WHERE s.item_id = i.id AND s.verifier_id = ?)
  ORDER BY i.id LIMIT ?`;

function orderingOn(db: ReadableDB, projectId: number): boolean {
  return db.prepare<{ uncertainty: number }>('SELECT uncertainty FROM project_queue_ordering WHERE project_id = ?').get(projectId)?.uncertainty === 1;
}

export class QueueScores {
  private readonly fills = new Map<number, Promise<void>>();
  /** project id -> what the last complete fill covered, so getQueue does not look again for nothing. */
  private readonly filled = new Map<number, { verifierId: number; maxItemId: number }>();
  private closed = false;

  constructor(
    private readonly ctx: CoreContext,
    private readonly models: VerifierModels,
  ) {
    ctx.onClose(() => {
      this.closed = true;
    });
  }

  /**
   * For getQueue: the verifier whose cached scores order this project's queue, or null (setting
   * off, no head, or this host runs none). Starts a background fill when items may lack a score.
   */
  orderFor(projectId: number): { verifierId: number } | null {
    const db = this.ctx.db.read;
    if (!orderingOn(db, projectId)) return null;
    const head = currentPromptHead(db, projectId);
    if (!head) return null;
    if (this.models.promptLabelsAvailable && !this.ctx.options.readOnly) {
      const maxItemId = db.prepare<{ n: number | null }>('SELECT MAX(id) AS n FROM item WHERE project_id = ?').get(projectId)?.n ?? 0;
      const last = this.filled.get(projectId);
      if (!last || last.verifierId !== head.verifier.id || last.maxItemId !== maxItemId) {
        this.fill(projectId).catch((err: unknown) => {
          // Not retried on every getQueue (each try would start a worker thread): only once the verifier or the items change.
          this.filled.set(projectId, { verifierId: head.verifier.id, maxItemId });
          this.ctx.log.warn('queue scores not filled', { projectId, error: err instanceof Error ? err.message : String(err) });
        });
      }
    }
    return { verifierId: head.verifier.id };
  }

  /** Scores every open item the current head has not scored yet; one fill per project at a time. */
  fill(projectId: number): Promise<void> {
    let running = this.fills.get(projectId);
    if (!running) {
      running = this.fillNow(projectId).finally(() => this.fills.delete(projectId));
      this.fills.set(projectId, running);
    }
    return running;
  }

  private async fillNow(projectId: number): Promise<void> {
    const db = this.ctx.db;
    const head = currentPromptHead(db.read, projectId);
    if (!head) return;
    const maxItemId = db.read.prepare<{ n: number | null }>('SELECT MAX(id) AS n FROM item WHERE project_id = ?').get(projectId)?.n ?? 0;
    const model = await this.models.promptModel(head.file);
    const insert = db.write.prepare('INSERT OR REPLACE INTO prompt_label_score (item_id, verifier_id, project_id, uncertainty, created_at) VALUES (?, ?, ?, ?, ?)');
    let after = 0;
    for (;;) {
      if (this.closed) return;
      const page = db.read.prepare<{ id: number; text: string; task: string; has_image: number }>(UNSCORED_SQL).all(projectId, after, head.verifier.id, PAGE);
      if (page.length === 0) break;
      const scores = await model.score(page.map((i) => ({ text: i.text, task: i.task, hasImage: i.has_image === 1 })));
      if (this.closed) return;
      const createdAt = nowIso(this.ctx);
      db.write.transaction(() => {
        page.forEach((item, k) => {
          const uncertainty = uncertaintyOf(scores[k] ?? {});
          if (uncertainty !== null) insert.run(item.id, head.verifier.id, projectId, uncertainty, createdAt);
        });
      });
      after = page[page.length - 1]!.id;
    }
    this.filled.set(projectId, { verifierId: head.verifier.id, maxItemId });
  }

  ordering(projectId: number): QueueOrdering {
    const db = this.ctx.db.read;
    requireProjectRow(db, projectId);
    const head = currentPromptHead(db, projectId);
    const counts = db
      .prepare<{ open: number; scored: number }>(
        `SELECT COUNT(*) AS open, COUNT(s.item_id) AS scored FROM item i
         LEFT JOIN prompt_label_score s ON s.item_id = i.id AND s.verifier_id = ?
         WHERE i.project_id = ? AND i.complete = 0`,
      )
      .get(head?.verifier.id ?? -1, projectId) ?? { open: 0, scored: 0 };
    return { projectId, uncertainty: orderingOn(db, projectId), verifierId: head?.verifier.id ?? null, scored: counts.scored, open: counts.open };
  }
}

export function queueOrderingHandlers(ctx: CoreContext, scores: QueueScores): Pick<StudioHandlers, 'getQueueOrdering' | 'setQueueOrdering' | 'scoreQueue'> {
  return {
    getQueueOrdering: ({ projectId }) => scores.ordering(projectId),
    setQueueOrdering: ({ projectId, uncertainty }) => {
      ctx.db.write.transaction(() => {
        requireProjectRow(ctx.db.write, projectId);
        ctx.db.write
          .prepare(
            `INSERT INTO project_queue_ordering (project_id, uncertainty, updated_at) VALUES (?, ?, ?)
             ON CONFLICT (project_id) DO UPDATE SET uncertainty = excluded.uncertainty, updated_at = excluded.updated_at`,
          )
          .run(projectId, uncertainty ? 1 : 0, nowIso(ctx));
      });
      ctx.events.emit({ type: 'project.changed', projectId });
      return scores.ordering(projectId);
    },
    scoreQueue: async ({ projectId }) => {
      requireProjectRow(ctx.db.read, projectId);
      await scores.fill(projectId);
      return scores.ordering(projectId);
    },
  };
}
