/**
 * Writes an import plan so that it is all-or-nothing and the thread that answers the UI is never
 * held for long, the way the item import does (main/core/import/write.ts):
 *
 * 1. staging, a slice at a time: the new responses go into a TEMP table of the writer connection
 *    (private to it, no lock on the database);
 * 2. one transaction: the import batch, annotators created by name, the responses moved by one
 *    INSERT ... SELECT, then the verdicts and votes through the store (append-only versions, in
 *    file order; triggers keep heads, counts and progress). All of it commits or none of it.
 */
import type { WritableDB } from '../../../../db/handles.js';
import type { ImportReport } from '../../../../preload/contract/domain.js';
import type { Role } from '../../../../preload/contract/domain.js';
import { userNameKey } from '../../services/users.js';
import { appendPreference, appendResponseLabel, canonicalPair, insertStagedResponses, modelKey, RESPONSE_STAGE_COLUMNS } from '../store.js';
import type { ImportPlan } from './plan.js';
import { responseKey } from './project-state.js';
import { swapChoice, swapCriteria, type Handle } from './votes.js';

export interface WriteInput {
  projectId: number;
  source: string;
  plan: ImportPlan;
  now: string;
  onRows?: (staged: number) => void;
  yieldNow: () => Promise<void>;
}

export interface WriteOutcome {
  importId: number;
  imported: number;
  verdictsImported: number;
  preferencesImported: number;
}

const ROWS_PER_STATEMENT = 50;
const ROWS_PER_SLICE = 2000;
const STAGE_TYPES: Record<string, string> = { item_id: 'INTEGER', sample_index: 'INTEGER' };

function stageName(): string {
  return `response_stage_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

async function stageResponses(db: WritableDB, table: string, input: WriteInput): Promise<void> {
  const insert = (count: number) => db.prepare(`INSERT INTO temp.${table} (${RESPONSE_STAGE_COLUMNS}) VALUES ${Array(count).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`);
  const rows = input.plan.staged;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const values: (string | number)[] = [];
    for (const r of chunk) values.push(r.itemId, r.model, modelKey({ modelName: r.model }), r.sampleIndex, r.text, JSON.stringify(r.params));
    insert(chunk.length).run(...values);
    const staged = start + chunk.length;
    if (staged % ROWS_PER_SLICE < ROWS_PER_STATEMENT || staged === rows.length) {
      input.onRows?.(staged);
      await input.yieldNow();
    }
  }
}

function commit(db: WritableDB, table: string, input: WriteInput, finalReport: (o: WriteOutcome) => ImportReport): WriteOutcome {
  const { plan, projectId, now } = input;
  const insertBatch = db.prepare('INSERT INTO import_batch (project_id, source, report, created_at) VALUES (?, ?, ?, ?)');
  const updateBatch = db.prepare('UPDATE import_batch SET report = ? WHERE id = ?');
  const findUser = db.prepare<{ id: number }>('SELECT id FROM user WHERE name_key = ?');
  const insertUser = db.prepare('INSERT INTO user (name, name_key, role, created_at) VALUES (?, ?, ?, ?)');
  const newIds = db.prepare<{ id: number; item_id: number; model_name: string; sample_index: number }>('SELECT id, item_id, model_name, sample_index FROM response WHERE import_id = ?');

  return db.transaction(() => {
    const importId = Number(insertBatch.run(projectId, input.source, '{}', now).lastInsertRowid);
    const users = new Map<string, number>();
    // As the item import does: an annotator named in the file is found by name, or created.
    const userId = (name: string, role: Role): number => {
      const key = userNameKey(name);
      let id = users.get(key);
      if (id === undefined) {
        id = findUser.get(key)?.id ?? Number(insertUser.run(name, key, role, now).lastInsertRowid);
        users.set(key, id);
      }
      return id;
    };
    const imported = insertStagedResponses(db, table, { projectId, importId, createdAt: now });
    const idByKey = new Map<string, number>();
    for (const row of newIds.iterate(importId)) idByKey.set(responseKey(row.item_id, row.model_name, row.sample_index), row.id);
    const stagedIds = plan.staged.map((s) => idByKey.get(responseKey(s.itemId, s.model, s.sampleIndex))!);
    const idOf = (h: Handle): number => (h.kind === 'existing' ? h.id : stagedIds[h.index]!);

    let verdictsImported = 0;
    plan.staged.forEach((s, index) => {
      for (const v of s.verdicts) {
        appendResponseLabel(db, {
          responseId: stagedIds[index]!,
          projectId,
          itemId: s.itemId,
          annotatorId: userId(v.annotator, v.role),
          status: v.status,
          origin: 'import',
          values: v.values,
          timeSpentMs: v.timeSpentMs,
          createdAt: v.createdAt ?? now,
        });
        verdictsImported += 1;
      }
    });
    for (const vote of plan.votes) {
      const p = vote.preference;
      const fileA = idOf(vote.a);
      const fileB = idOf(vote.b);
      // The table stores the lower id as a; the file's choice, criteria and left follow its own a and b.
      const pair = canonicalPair(fileA, fileB);
      appendPreference(db, {
        projectId,
        itemId: vote.itemId,
        responseAId: pair.a,
        responseBId: pair.b,
        annotatorId: userId(p.annotator, p.role),
        status: p.status,
        origin: 'import',
        values: { choice: pair.swapped ? swapChoice(p.choice) : p.choice, criteria: pair.swapped ? swapCriteria(p.criteria) : p.criteria },
        blind: p.blind,
        leftResponseId: p.left === 'a' ? fileA : fileB,
        timeSpentMs: p.timeSpentMs,
        createdAt: p.createdAt ?? now,
      });
    }
    const outcome = { importId, imported, verdictsImported, preferencesImported: plan.votes.length };
    updateBatch.run(JSON.stringify({ kind: 'responses', ...finalReport(outcome) }), importId);
    return outcome;
  });
}

export async function writeResponseImport(db: WritableDB, input: WriteInput, finalReport: (o: WriteOutcome) => ImportReport): Promise<WriteOutcome> {
  const table = stageName();
  db.exec(
    `CREATE TEMP TABLE ${table} (${RESPONSE_STAGE_COLUMNS.split(', ')
      .map((c) => `${c} ${STAGE_TYPES[c] ?? 'TEXT'}`)
      .join(', ')})`,
  );
  try {
    await stageResponses(db, table, input);
    return commit(db, table, input, finalReport);
  } finally {
    db.exec(`DROP TABLE IF EXISTS temp.${table}`);
  }
}
