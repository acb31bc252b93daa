/**
 * Preferences export in TRL's preference format (DPOTrainer, RewardTrainer), conversational:
 *
 *   exports/<export id>/preferences.jsonl, exports/<export id>/images/<sha256>.<ext>
 *
 *   {"prompt": [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "..."}]}],
 *    "chosen": [{"role": "assistant", "content": [{"type": "text", "text": "..."}]}],
 *    "rejected": [{"role": "assistant", "content": [{"type": "text", "text": "..."}]}],
 *    "images": ["images/<sha256>.png"]}
 *
 * One line per decisive current vote: each annotator's latest submitted vote on a pair whose
 * choice is a or b. Ties and both_bad have no chosen/rejected, so they are left out and counted
 * in `leftOut`. When any line has an image every line carries `images` (an empty list for a
 * text-only prompt, whose content then has no image part), so image and text rows mix in one
 * dataset; when none has, no line carries it, which is TRL's plain text format. Image paths are
 * relative to the folder (resolve them against it before casting the column to datasets.Image).
 *
 * A pair a reviewer settled (a current gold choice, preference_gold 0021) is written once, from
 * the gold choice, instead of its people's votes: the line carries
 * `"gold": {"reviewer": "Rita", "reason": "...", "votes": 3}` (votes = the people's current votes
 * it stands for, counted in `leftOut.replaced_by_gold`), so a DPO set built from the file uses the
 * settled answer. A gold tie or both_bad has no chosen/rejected and is counted under tie/both_bad.
 * When any line carries `gold`, every line does (null for a person's vote), as with `images`.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportResult, ImageRef } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { PreferenceChoice } from '../../../preload/contract/responses.js';
import { nowIso, type CoreContext } from '../context.js';
import { MIME_EXTENSION } from '../images/sniff.js';
import { requireProjectRow } from '../services/lookup.js';
import { abandonFolder, beginFolder, createExportFile, finishFolder, newExportFolder, sha256File } from './folder.js';
import { mkdirPrivate } from '../private-files.js';
import { recordExport } from './record.js';

const PAGE = 1000;

interface VoteSql {
  id: number;
  item_id: number;
  choice: PreferenceChoice;
  item_text: string;
  image_sha256: string | null;
  image_mime: ImageRef['mime'] | null;
  a_text: string;
  b_text: string;
}

interface GoldSql extends VoteSql {
  reviewer: string;
  reason: string;
  votes: number;
}

export interface GoldNote {
  reviewer: string;
  reason: string;
  votes: number;
}

type Content = ({ type: 'image' } | { type: 'text'; text: string })[];

export interface PreferenceRow {
  prompt: { role: 'user'; content: Content }[];
  chosen: { role: 'assistant'; content: Content }[];
  rejected: { role: 'assistant'; content: Content }[];
  images?: string[];
  gold?: GoldNote | null;
}

export function imagePath(sha256: string, mime: ImageRef['mime']): string {
  return `images/${sha256}.${MIME_EXTENSION[mime]}`;
}

/** The TRL row for a decisive vote (choice a or b, in the stored canonical order). */
export function preferenceRow(vote: Pick<VoteSql, 'choice' | 'item_text' | 'image_sha256' | 'image_mime' | 'a_text' | 'b_text'>, withImages: boolean): PreferenceRow {
  const [chosen, rejected] = vote.choice === 'a' ? [vote.a_text, vote.b_text] : [vote.b_text, vote.a_text];
  const image = vote.image_sha256 && vote.image_mime ? imagePath(vote.image_sha256, vote.image_mime) : null;
  const prompt: Content = image ? [{ type: 'image' }, { type: 'text', text: vote.item_text }] : [{ type: 'text', text: vote.item_text }];
  const row: PreferenceRow = {
    prompt: [{ role: 'user', content: prompt }],
    chosen: [{ role: 'assistant', content: [{ type: 'text', text: chosen }] }],
    rejected: [{ role: 'assistant', content: [{ type: 'text', text: rejected }] }],
  };
  if (withImages) row.images = image ? [image] : [];
  return row;
}

const NOT_SETTLED = `NOT EXISTS (SELECT 1 FROM preference_gold_head g WHERE g.response_a_id = h.response_a_id AND g.response_b_id = h.response_b_id AND g.status = 'set')`;
const CURRENT = `FROM preference_head h JOIN preference p ON p.id = h.preference_id JOIN item i ON i.id = p.item_id
  WHERE h.project_id = ? AND h.status = 'submitted' AND ${NOT_SETTLED}`;
const PAIR_TEXTS = `i.text AS item_text, i.image_sha256, bl.mime AS image_mime, ra.text AS a_text, rb.text AS b_text`;
const PAIR_JOINS = `LEFT JOIN blob bl ON bl.sha256 = i.image_sha256 JOIN response ra ON ra.id = p.response_a_id JOIN response rb ON rb.id = p.response_b_id`;

interface PlannedLines {
  /** Decisive current votes on pairs without gold, by preference id. */
  voteIds: number[];
  /** Decisive gold choices, whole rows (one per settled pair). */
  golds: GoldSql[];
  leftOut: Record<string, number>;
  withImages: boolean;
}

/** What the export will write and leave out: people's votes on unsettled pairs, gold on settled ones. */
function planLines(db: CoreContext['db']['read'], projectId: number): PlannedLines {
  const voteIds = db
    .prepare<{ id: number }>(
      `SELECT h.preference_id AS id FROM preference_head h WHERE h.project_id = ? AND h.status = 'submitted' AND h.choice IN ('a', 'b') AND ${NOT_SETTLED} ORDER BY h.preference_id`,
    )
    .all(projectId)
    .map((r) => r.id);
  const leftOut: Record<string, number> = { tie: 0, both_bad: 0, replaced_by_gold: 0 };
  for (const r of db
    .prepare<{ choice: string; n: number }>(
      `SELECT h.choice, count(*) AS n FROM preference_head h WHERE h.project_id = ? AND h.status = 'submitted' AND h.choice IN ('tie', 'both_bad') AND ${NOT_SETTLED} GROUP BY h.choice`,
    )
    .all(projectId)) {
    leftOut[r.choice] = (leftOut[r.choice] ?? 0) + r.n;
  }
  for (const r of db
    .prepare<{ choice: string; n: number }>(
      `SELECT h.choice, count(*) AS n FROM preference_gold_head h WHERE h.project_id = ? AND h.status = 'set' AND h.choice IN ('tie', 'both_bad') GROUP BY h.choice`,
    )
    .all(projectId)) {
    leftOut[r.choice] = (leftOut[r.choice] ?? 0) + r.n;
  }
  leftOut.replaced_by_gold =
    db
      .prepare<{ n: number }>(
        `SELECT count(*) AS n FROM preference_head v JOIN preference_gold_head h ON h.response_a_id = v.response_a_id AND h.response_b_id = v.response_b_id
         WHERE h.project_id = ? AND h.status = 'set' AND v.status = 'submitted'`,
      )
      .get(projectId)?.n ?? 0;
  const golds = db
    .prepare<GoldSql>(
      `SELECT p.id, p.item_id, p.choice, ${PAIR_TEXTS}, u.name AS reviewer, p.reason,
         (SELECT count(*) FROM preference_head v WHERE v.response_a_id = p.response_a_id AND v.response_b_id = p.response_b_id AND v.status = 'submitted') AS votes
       FROM preference_gold_head h JOIN preference_gold p ON p.id = h.gold_id JOIN item i ON i.id = p.item_id ${PAIR_JOINS} JOIN user u ON u.id = p.reviewer_id
       WHERE h.project_id = ? AND h.status = 'set' AND h.choice IN ('a', 'b') ORDER BY p.id`,
    )
    .all(projectId);
  const votesWithImage = db.prepare<{ n: number }>(`SELECT count(*) AS n ${CURRENT} AND h.choice IN ('a', 'b') AND i.image_sha256 IS NOT NULL`).get(projectId)?.n ?? 0;
  return { voteIds, golds, leftOut, withImages: votesWithImage > 0 || golds.some((g) => g.image_sha256 !== null) };
}

/** Writes a new preferences export of the project into a new folder under `outDir` (default: exports/). */
export async function exportPreferences(ctx: CoreContext, projectId: number, outDir: string = ctx.paths.exports): Promise<ExportResult> {
  const db = ctx.db.read;
  const project = requireProjectRow(db, projectId);
  const { voteIds: ids, golds, leftOut, withImages } = planLines(db, projectId);
  const withGold = golds.length > 0;
  if (ids.length + golds.length === 0) {
    throw new StudioError('invalid_input', `project "${project.name}" has no decisive preference votes to export (left out: ${leftOut.tie} tie, ${leftOut.both_bad} both bad)`);
  }
  const page = db.prepare<VoteSql>(
    `SELECT p.id, p.item_id, p.choice, ${PAIR_TEXTS}
     FROM preference p JOIN item i ON i.id = p.item_id ${PAIR_JOINS}
     WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY p.id`,
  );

  const folder = newExportFolder(outDir, project.name, 'preferences', ctx.clock.now());
  await beginFolder(folder);
  try {
    await mkdirPrivate(join(folder.temp, 'images'));
    const file = join(folder.temp, 'preferences.jsonl');
    const out = await createExportFile(file);
    const copied = new Set<string>();
    const items = new Set<number>();
    try {
      const line = async (vote: VoteSql, gold: GoldNote | null): Promise<string> => {
        const row = preferenceRow(vote, withImages);
        if (withGold) row.gold = gold;
        items.add(vote.item_id);
        if (vote.image_sha256 && vote.image_mime && !copied.has(vote.image_sha256)) {
          copied.add(vote.image_sha256);
          await copyFile(ctx.blobs.path(vote.image_sha256), join(folder.temp, imagePath(vote.image_sha256, vote.image_mime)));
        }
        return `${JSON.stringify(row)}\n`;
      };
      for (let start = 0; start < ids.length; start += PAGE) {
        let chunk = '';
        for (const vote of page.all(JSON.stringify(ids.slice(start, start + PAGE)))) chunk += await line(vote, null);
        await out.write(chunk);
        await new Promise((resolve) => setImmediate(resolve));
      }
      let goldChunk = '';
      for (const g of golds) goldChunk += await line(g, { reviewer: g.reviewer, reason: g.reason, votes: g.votes });
      await out.write(goldChunk);
      await out.sync();
    } finally {
      await out.close();
    }
    const sha256 = await sha256File(file);
    await finishFolder(folder);
    const result: ExportResult = {
      exportId: folder.exportId,
      format: 'preferences',
      path: join(folder.final, 'preferences.jsonl'),
      sha256,
      items: items.size,
      labels: 0,
      images: copied.size,
      preferences: ids.length + golds.length,
      leftOut,
    };
    recordExport(ctx, projectId, result, { items: items.size, preferences: ids.length + golds.length, gold_pairs: golds.length, images: copied.size, left_out: leftOut }, nowIso(ctx));
    ctx.log.info('export written', { projectId, exportId: folder.exportId, format: 'preferences', preferences: ids.length + golds.length });
    return result;
  } catch (error) {
    await abandonFolder(folder);
    if (error instanceof StudioError) throw error;
    throw new StudioError('internal', `the export could not be written: ${error instanceof Error ? error.message : String(error)}`);
  }
}
