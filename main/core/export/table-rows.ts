/**
 * One flat row per item for the table formats (Parquet, the Hugging Face folder): the prompt and
 * its source fields, the current labels (one per annotator, JSON text so every reader keeps them
 * whole), how many there are and whether they agree. The label history stays in the JSONL export.
 */
import { agreementOf, type Agreement } from './item-filters.js';
import { imageFileName } from './item-walk.js';
import { currentLabels, type ExportItem } from './read-project.js';

export interface TableRow {
  id: string;
  text: string;
  /** images/<sha256>.<ext> beside the data, or null. */
  image: string | null;
  source: string;
  task: string;
  split: string;
  tags: string[];
  sensitive: boolean;
  category: string | null;
  /** JSON: [{annotator, labels, created_at}] for each current submitted label. */
  labels: string;
  annotators: number;
  agreement: Agreement;
}

/** The columns in order with their Arrow / `datasets` type, for the Parquet schema and the dataset card. */
export const TABLE_COLUMNS: readonly { name: keyof TableRow; dtype: 'string' | 'bool' | 'int32' | 'string_list' }[] = [
  { name: 'id', dtype: 'string' },
  { name: 'text', dtype: 'string' },
  { name: 'image', dtype: 'string' },
  { name: 'source', dtype: 'string' },
  { name: 'task', dtype: 'string' },
  { name: 'split', dtype: 'string' },
  { name: 'tags', dtype: 'string_list' },
  { name: 'sensitive', dtype: 'bool' },
  { name: 'category', dtype: 'string' },
  { name: 'labels', dtype: 'string' },
  { name: 'annotators', dtype: 'int32' },
  { name: 'agreement', dtype: 'string' },
];

function sourceCategory(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function tableRow(entry: ExportItem): TableRow {
  const { item } = entry;
  const current = currentLabels(entry.history);
  return {
    id: item.externalId,
    text: item.text,
    image: item.image ? `images/${imageFileName(item.image)}` : null,
    source: item.source,
    task: item.task,
    split: item.split,
    tags: item.tags,
    sensitive: item.sensitive,
    category: sourceCategory(item.sourceLabels.category),
    labels: JSON.stringify(current.map((a) => ({ annotator: a.annotator, labels: a.labels, created_at: a.createdAt }))),
    annotators: current.length,
    agreement: agreementOf(entry),
  };
}
