/**
 * SQL rows and their mapping to contract shapes. JSON columns are parsed here, and only
 * here, so a malformed value surfaces as one clear error instead of a broken UI.
 */
import { Item, LabelSchema, LabelValues, Project, type Annotation, type Flag, type ImageRef, type ProjectSummary, type Role, type User } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { z } from 'zod';

export interface UserRow {
  id: number;
  name: string;
  role: string;
  created_at: string;
}

export interface ProjectRow {
  id: number;
  name: string;
  description: string;
  label_schema: string;
  guidelines: string;
  annotators_per_item: number;
  preference_criteria: string;
  created_at: string;
  item_count: number;
  image_count: number;
  complete_count: number;
  flagged_count: number;
}

export interface ItemSqlRow {
  id: number;
  project_id: number;
  external_id: string;
  text: string;
  source: string;
  split: string;
  task: string;
  tags: string;
  source_labels: string;
  extra: string;
  sensitive: number;
  created_at: string;
  label_count: number;
  complete: number;
  flag_count: number;
  image_sha256: string | null;
  image_mime: string | null;
  image_width: number | null;
  image_height: number | null;
  image_bytes: number | null;
}

/** Columns for ItemSqlRow: `FROM item i LEFT JOIN blob b ON b.sha256 = i.image_sha256`. */
export const ITEM_COLUMNS = `i.id, i.project_id, i.external_id, i.text, i.source, i.split, i.task, i.tags,
  i.source_labels, i.extra, i.sensitive, i.created_at, i.label_count, i.complete, i.flag_count,
  i.image_sha256, b.mime AS image_mime, b.width AS image_width, b.height AS image_height, b.bytes AS image_bytes`;

export interface AnnotationRow {
  id: number;
  item_id: number;
  annotator_id: number;
  annotator_name: string;
  version: number;
  status: 'submitted' | 'retracted';
  labels: string;
  time_spent_ms: number;
  created_at: string;
  guideline_version: number | null;
}

/** Columns for AnnotationRow: `FROM annotation a JOIN user u ON u.id = a.annotator_id`. */
export const ANNOTATION_COLUMNS = `a.id, a.item_id, a.annotator_id, u.name AS annotator_name, a.version, a.status,
  a.labels, a.time_spent_ms, a.created_at, a.guideline_version`;

export interface FlagRow {
  item_id: number;
  annotator_id: number;
  annotator_name: string;
  note: string;
  created_at: string;
}

export function parseJson<T>(schema: z.ZodType<T>, text: string, where: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StudioError('internal', `${where} holds invalid JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StudioError('internal', `${where} does not match its schema: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

/** An annotation's stored labels column, checked against the contract's LabelValues. */
export function parseStoredLabels(text: string, where: string): LabelValues {
  return parseJson(LabelValues, text, where);
}

export function toUser(row: UserRow): User {
  return { id: row.id, name: row.name, role: row.role as Role, createdAt: row.created_at };
}

export function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    labelSchema: parseJson(LabelSchema, row.label_schema, `project ${row.id} label_schema`),
    guidelines: row.guidelines,
    annotatorsPerItem: row.annotators_per_item,
    preferenceCriteria: [...new Set(parseJson(Project.shape.preferenceCriteria, row.preference_criteria, `project ${row.id} preference_criteria`))],
    createdAt: row.created_at,
  };
}

export function toProjectSummary(row: ProjectRow): ProjectSummary {
  return {
    ...toProject(row),
    itemCount: row.item_count,
    imageCount: row.image_count,
    labelledCount: row.complete_count,
    flaggedCount: row.flagged_count,
  };
}

export function toImage(row: ItemSqlRow): ImageRef | null {
  if (row.image_sha256 === null || row.image_mime === null) return null;
  return {
    sha256: row.image_sha256,
    mime: row.image_mime as ImageRef['mime'],
    width: row.image_width ?? 0,
    height: row.image_height ?? 0,
    bytes: row.image_bytes ?? 0,
  };
}

export function toItem(row: ItemSqlRow): Item {
  const where = `item ${row.id}`;
  return {
    id: row.id,
    projectId: row.project_id,
    externalId: row.external_id,
    text: row.text,
    image: toImage(row),
    source: row.source,
    split: Item.shape.split.parse(row.split),
    task: Item.shape.task.parse(row.task),
    tags: parseJson(Item.shape.tags, row.tags, `${where} tags`),
    sourceLabels: parseJson(Item.shape.sourceLabels, row.source_labels, `${where} source_labels`),
    extra: parseJson(Item.shape.extra, row.extra, `${where} extra`),
    sensitive: row.sensitive === 1,
    createdAt: row.created_at,
  };
}

export function toAnnotation(row: AnnotationRow): Annotation {
  return {
    id: row.id,
    itemId: row.item_id,
    annotatorId: row.annotator_id,
    annotatorName: row.annotator_name,
    version: row.version,
    status: row.status,
    labels: parseStoredLabels(row.labels, `annotation ${row.id} labels`),
    timeSpentMs: row.time_spent_ms,
    createdAt: row.created_at,
    guidelineVersion: row.guideline_version,
  };
}

export function toFlag(row: FlagRow): Flag {
  return { itemId: row.item_id, annotatorId: row.annotator_id, annotatorName: row.annotator_name, note: row.note, createdAt: row.created_at };
}
