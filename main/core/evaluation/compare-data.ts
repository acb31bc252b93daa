/**
 * What a comparison measures, read from SQLite in a few indexed queries: every stored response
 * of the chosen models with its item's truth (truth.ts), people's verdict (the majority of the
 * current verdicts; a tie goes to the most recent), the automatic verdict of the chosen tier, and
 * the scores the verifier gave (capability items) or people gave (helpfulness).
 *
 * Which verdict counts (DESIGN.md): people's always win; the automatic tier fills in only where
 * nobody judged the response. `--verifier human` uses people's verdicts only (capability scores
 * then come from the rules tier's answer matching, which gives no verdict).
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { Item, LabelValues } from '../../../preload/contract/domain.js';
import type { Verdict } from '../../../preload/contract/responses.js';
import type { CompareVerifier } from '../../../preload/contract/compare.js';
import { projectResolver, type LabelResolver } from '../adjudication/resolve.js';
import type { ExportAnnotation } from '../export/read-project.js';
import { ITEM_COLUMNS, parseStoredLabels, toItem, type ItemSqlRow } from '../services/rows.js';
import { itemTruth, type ItemTruth } from './truth.js';

export type { CompareVerifier };

/** The chosen tier's automatic verdict on a response, as stored by its score job (migrations 0008, 0014). */
export interface AutoVerdictDetail {
  verdict: Verdict | null;
  taskScore: number;
  confidence: number;
  /** rules | learned | judge | rules_fallback (the judge could not answer and the rules decided). */
  source: string;
  /** Why a fallback happened, or what the judge could not see; null otherwise. */
  note: string | null;
  /** The judge's forced choice over the allowed labels; null for other tiers and fallbacks. */
  probabilities: Record<string, number> | null;
}

export interface CompareResponse {
  responseId: number;
  itemId: number;
  /** The registered model that generated it; null for imported responses. */
  modelId: number | null;
  externalId: string;
  model: string;
  sampleIndex: number;
  task: Item['task'];
  truth: ItemTruth;
  /** Words in the response. */
  length: number;
  human: Verdict | null;
  /** Mean of people's helpfulness ratings (1-5), or null. */
  helpfulness: number | null;
  auto: AutoVerdictDetail | null;
  /** The verdict the metrics use: people's, else the tier's (never the tier's under `human`). */
  verdict: Verdict | null;
  verdictSource: 'human' | 'auto' | null;
}

export interface CompareScope {
  projectId: number;
  /** Model names; all the project's models when null. */
  models: readonly string[] | null;
  verifier: CompareVerifier;
  /** The learned file / judge folder of the tier ('' for rules). */
  verifierPath: string;
  /** Only items of this frozen evaluation set. */
  setId: number | null;
}

/** The capability tasks: scored against a reference or constraints, not for safety. */
export const CAPABILITY_TASKS: ReadonlySet<Item['task']> = new Set(['knowledge', 'general', 'instruction']);

const CHUNK = 500;

function chunks<T>(values: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

function wordCount(text: string): number {
  const words = text.trim().split(/\s+/);
  return words[0] === '' ? 0 : words.length;
}

/** The majority verdict; a tie goes to the most recent label. */
function majorityVerdict(votes: readonly { verdict: Verdict; labelId: number }[]): Verdict | null {
  const tally = new Map<Verdict, { n: number; latest: number }>();
  for (const v of votes) {
    const seen = tally.get(v.verdict) ?? { n: 0, latest: 0 };
    tally.set(v.verdict, { n: seen.n + 1, latest: Math.max(seen.latest, v.labelId) });
  }
  let best: { verdict: Verdict; n: number; latest: number } | null = null;
  for (const [verdict, t] of tally) {
    if (!best || t.n > best.n || (t.n === best.n && t.latest > best.latest)) best = { verdict, ...t };
  }
  return best?.verdict ?? null;
}

/** Items (with the current labels people gave them) by id. */
function readItems(db: ReadableDB, itemIds: readonly number[]): Map<number, { item: Item; truth: ItemTruth }> {
  const out = new Map<number, { item: Item; truth: ItemTruth }>();
  const resolvers = new Map<number, LabelResolver>();
  const resolverOf = (projectId: number) => {
    let resolver = resolvers.get(projectId);
    if (!resolver) resolvers.set(projectId, (resolver = projectResolver(db, projectId)));
    return resolver;
  };
  for (const ids of chunks(itemIds)) {
    const marks = ids.map(() => '?').join(',');
    const items = db.prepare<ItemSqlRow>(`SELECT ${ITEM_COLUMNS} FROM item i LEFT JOIN blob b ON b.sha256 = i.image_sha256 WHERE i.id IN (${marks})`).all(...ids);
    const heads = db
      .prepare<{ item_id: number; annotator_id: number; version: number; labels: string; created_at: string }>(
        `SELECT h.item_id, h.annotator_id, h.version, a.labels, a.created_at FROM annotation_head h JOIN annotation a ON a.id = h.annotation_id
         WHERE h.item_id IN (${marks}) AND h.status = 'submitted'`,
      )
      .all(...ids);
    const labelsByItem = new Map<number, ExportAnnotation[]>();
    for (const h of heads) {
      const labels: LabelValues = parseStoredLabels(h.labels, `item ${h.item_id} annotation v${h.version} labels`);
      const list = labelsByItem.get(h.item_id) ?? [];
      list.push({ annotatorId: h.annotator_id, annotator: '', role: 'annotator', version: h.version, status: 'submitted', origin: 'queue', labels, timeSpentMs: 0, createdAt: h.created_at });
      labelsByItem.set(h.item_id, list);
    }
    for (const row of items) {
      const item = toItem(row);
      out.set(item.id, { item, truth: itemTruth(item, resolverOf(item.projectId).resolve(item.id, labelsByItem.get(item.id) ?? []).agg) });
    }
  }
  return out;
}

interface ResponseSql {
  id: number;
  item_id: number;
  model_id: number | null;
  model_name: string;
  sample_index: number;
  text: string;
}

export function readCompareResponses(db: ReadableDB, scope: CompareScope): CompareResponse[] {
  const setFilter = scope.setId === null ? '' : 'AND r.item_id IN (SELECT item_id FROM evaluation_set_item WHERE set_id = @setId)';
  const responses = db
    .prepare<ResponseSql>(`SELECT r.id, r.item_id, r.model_id, r.model_name, r.sample_index, r.text FROM response r WHERE r.project_id = @projectId ${setFilter} ORDER BY r.id`)
    .all({ projectId: scope.projectId, ...(scope.setId === null ? {} : { setId: scope.setId }) })
    .filter((r) => scope.models === null || scope.models.includes(r.model_name));
  const ids = responses.map((r) => r.id);
  // Under `human` the rules tier still gives capability scores (answer matching), never a verdict.
  const autoTier = scope.verifier === 'human' ? 'rules' : scope.verifier;
  const autoPath = scope.verifier === 'human' ? '' : scope.verifierPath;
  const humanVotes = new Map<number, { verdict: Verdict; labelId: number; helpfulness: number | null }[]>();
  const auto = new Map<number, CompareResponse['auto']>();
  for (const part of chunks(ids)) {
    const marks = part.map(() => '?').join(',');
    for (const v of db
      .prepare<{ response_id: number; verdict: Verdict; label_id: number; helpfulness: number | null }>(
        `SELECT h.response_id, l.verdict, h.label_id, l.helpfulness FROM response_label_head h JOIN response_label l ON l.id = h.label_id
         WHERE h.response_id IN (${marks}) AND h.status = 'submitted'`,
      )
      .all(...part)) {
      const list = humanVotes.get(v.response_id) ?? [];
      list.push({ verdict: v.verdict, labelId: v.label_id, helpfulness: v.helpfulness });
      humanVotes.set(v.response_id, list);
    }
    for (const a of db
      .prepare<{ response_id: number; verdict: Verdict | null; task_score: number; confidence: number; source: string; note: string | null; probabilities: string | null }>(
        `SELECT response_id, verdict, task_score, confidence, source, note, probabilities FROM response_auto_verdict WHERE response_id IN (${marks}) AND tier = ? AND verifier = ?`,
      )
      .all(...part, autoTier, autoPath)) {
      const probabilities = a.probabilities === null ? null : (JSON.parse(a.probabilities) as Record<string, number>);
      auto.set(a.response_id, { verdict: a.verdict, taskScore: a.task_score, confidence: a.confidence, source: a.source, note: a.note, probabilities });
    }
  }
  const items = readItems(db, [...new Set(responses.map((r) => r.item_id))]);
  return responses.map((r) => {
    const { item, truth } = items.get(r.item_id)!;
    const votes = humanVotes.get(r.id) ?? [];
    const human = majorityVerdict(votes);
    const ratings = votes.map((v) => v.helpfulness).filter((h): h is number => h !== null);
    const autoVerdict = auto.get(r.id) ?? null;
    const verdict = human ?? (scope.verifier === 'human' ? null : (autoVerdict?.verdict ?? null));
    return {
      responseId: r.id,
      itemId: r.item_id,
      modelId: r.model_id,
      externalId: item.externalId,
      model: r.model_name,
      sampleIndex: r.sample_index,
      task: item.task,
      truth,
      length: wordCount(r.text),
      human,
      helpfulness: ratings.length ? ratings.reduce((s, h) => s + h, 0) / ratings.length : null,
      auto: autoVerdict,
      verdict,
      verdictSource: human ? 'human' : verdict ? 'auto' : null,
    };
  });
}
