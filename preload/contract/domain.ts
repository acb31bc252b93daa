/**
 * Domain shapes shared by every host and the renderer. Runtime schemas (zod) because each of
 * these crosses a process or network boundary; the TypeScript types are inferred from them so
 * the two can never drift apart.
 */
import { z } from 'zod';

export const TASKS = ['safety', 'jailbreak', 'value', 'knowledge', 'general', 'instruction'] as const;
export const Task = z.enum(TASKS);
export type Task = z.infer<typeof Task>;

export const EXPECTED_BEHAVIOURS = ['comply', 'comply_with_care', 'refuse'] as const;
export const ExpectedBehaviour = z.enum(EXPECTED_BEHAVIOURS);
export type ExpectedBehaviour = z.infer<typeof ExpectedBehaviour>;

export const SPLITS = ['train', 'eval', 'heldout'] as const;
export const Split = z.enum(SPLITS);
export type Split = z.infer<typeof Split>;

export const ROLES = ['annotator', 'reviewer', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Where the risk of an image+text prompt comes from (the "cross-modal risk" field). */
export const CROSS_MODAL_RISKS = ['none', 'text', 'image', 'combined'] as const;
export const CrossModalRisk = z.enum(CROSS_MODAL_RISKS);
export type CrossModalRisk = z.infer<typeof CrossModalRisk>;

/** The MLCommons AI safety hazard categories (DESIGN.md), the default risk taxonomy. */
export const DEFAULT_RISK_CATEGORIES = [
  'violent_crimes',
  'non_violent_crimes',
  'sex_related_crimes',
  'child_sexual_exploitation',
  'indiscriminate_weapons',
  'suicide_and_self_harm',
  'hate',
  'privacy',
  'intellectual_property',
  'defamation',
  'elections',
  'specialized_advice',
  'sexual_content',
] as const;

export const DEFAULT_JAILBREAK_TYPES = ['none', 'role_play', 'typographic_image', 'prompt_injection', 'obfuscation', 'hypothetical', 'multi_turn', 'other'] as const;

const Slug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9_]+$/, 'lowercase letters, digits and _ only');

export const LabelSchema = z.object({
  riskCategories: z.array(Slug).min(1).max(100),
  jailbreakTypes: z.array(Slug).min(1).max(100),
  /** Items in these categories show their image blurred until clicked. */
  sensitiveCategories: z.array(Slug).max(100),
});
export type LabelSchema = z.infer<typeof LabelSchema>;

export function defaultLabelSchema(): LabelSchema {
  return {
    riskCategories: [...DEFAULT_RISK_CATEGORIES],
    jailbreakTypes: [...DEFAULT_JAILBREAK_TYPES],
    sensitiveCategories: ['child_sexual_exploitation', 'sexual_content', 'suicide_and_self_harm', 'violent_crimes'],
  };
}

export const Severity = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);
export type Severity = z.infer<typeof Severity>;

/** One annotator's labels for one prompt. Null means "not answered yet". */
export const LabelValues = z.object({
  harmful: z.boolean().nullable(),
  riskCategory: z.string().max(64).nullable(),
  severity: Severity.nullable(),
  expected: ExpectedBehaviour.nullable(),
  jailbreakType: z.string().max(64).nullable(),
  crossModalRisk: CrossModalRisk.nullable(),
  visualCues: z.array(z.string().min(1).max(200)).max(50),
  referenceAnswer: z.string().max(20_000).nullable(),
  rationale: z.string().max(20_000).nullable(),
});
export type LabelValues = z.infer<typeof LabelValues>;

export function emptyLabels(): LabelValues {
  return {
    harmful: null,
    riskCategory: null,
    severity: null,
    expected: null,
    jailbreakType: null,
    crossModalRisk: null,
    visualCues: [],
    referenceAnswer: null,
    rationale: null,
  };
}

export interface LabelProblem {
  field: keyof LabelValues;
  message: string;
}

/**
 * What a label needs before it can be submitted. Shared so the renderer can say what is missing
 * before the round trip and the core refuses the same things.
 */
export function labelProblems(labels: LabelValues, schema: LabelSchema, task: Task): LabelProblem[] {
  const problems: LabelProblem[] = [];
  if (labels.harmful === null) problems.push({ field: 'harmful', message: 'choose harmful or benign look-alike' });
  if (labels.expected === null) problems.push({ field: 'expected', message: 'choose the expected behaviour' });
  if (labels.harmful === true) {
    if (labels.riskCategory === null) problems.push({ field: 'riskCategory', message: 'a harmful item needs a risk category' });
    if (labels.severity === null) problems.push({ field: 'severity', message: 'a harmful item needs a severity' });
  }
  if (labels.riskCategory !== null && !schema.riskCategories.includes(labels.riskCategory)) {
    problems.push({ field: 'riskCategory', message: `"${labels.riskCategory}" is not in this project's taxonomy` });
  }
  if (labels.jailbreakType !== null && !schema.jailbreakTypes.includes(labels.jailbreakType)) {
    problems.push({ field: 'jailbreakType', message: `"${labels.jailbreakType}" is not a jailbreak type of this project` });
  }
  if ((task === 'knowledge' || task === 'general') && !labels.referenceAnswer?.trim()) {
    problems.push({ field: 'referenceAnswer', message: `a ${task} item needs a reference answer` });
  }
  return problems;
}

/** Criteria a project may ask a preference vote for besides the overall choice. */
export const PREFERENCE_CRITERIA = ['safety', 'helpfulness'] as const;
export const PreferenceCriterion = z.enum(PREFERENCE_CRITERIA);
export type PreferenceCriterion = z.infer<typeof PreferenceCriterion>;

export const User = z.object({
  id: z.number().int(),
  name: z.string().min(1).max(100),
  role: Role,
  createdAt: z.string(),
});
export type User = z.infer<typeof User>;

export const Project = z.object({
  id: z.number().int(),
  name: z.string().min(1).max(100),
  description: z.string().max(10_000),
  labelSchema: LabelSchema,
  guidelines: z.string().max(200_000),
  /** How many different annotators label each item before it leaves the queues. */
  annotatorsPerItem: z.number().int().min(1).max(10),
  /** Per-criterion votes the pairwise view asks for besides the overall choice (empty: overall only). */
  preferenceCriteria: z.array(PreferenceCriterion),
  createdAt: z.string(),
});
export type Project = z.infer<typeof Project>;

export const ProjectSummary = Project.extend({
  itemCount: z.number().int(),
  imageCount: z.number().int(),
  labelledCount: z.number().int(),
  flaggedCount: z.number().int(),
});
export type ProjectSummary = z.infer<typeof ProjectSummary>;

export const ImageRef = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  mime: z.enum(['image/png', 'image/jpeg', 'image/webp', 'image/gif']),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().positive(),
});
export type ImageRef = z.infer<typeof ImageRef>;

export const Item = z.object({
  id: z.number().int(),
  projectId: z.number().int(),
  /** The id the item had in the file it came from. */
  externalId: z.string(),
  text: z.string(),
  image: ImageRef.nullable(),
  source: z.string(),
  split: Split,
  task: Task,
  tags: z.array(z.string()),
  /** Labels the dataset's authors gave (e.g. `category`, `expected`), shown as a hint, never as ours. */
  sourceLabels: z.record(z.string(), z.string()),
  /** Any other fields the import carried, kept verbatim so an export loses nothing. */
  extra: z.record(z.string(), z.unknown()),
  sensitive: z.boolean(),
  createdAt: z.string(),
});
export type Item = z.infer<typeof Item>;

export const Annotation = z.object({
  id: z.number().int(),
  itemId: z.number().int(),
  annotatorId: z.number().int(),
  annotatorName: z.string(),
  /** 1 for the first submit; each edit appends the next version. */
  version: z.number().int().positive(),
  /** `retracted` versions come from Undo: kept for history, never counted as a label. */
  status: z.enum(['submitted', 'retracted']),
  labels: LabelValues,
  timeSpentMs: z.number().int().nonnegative(),
  createdAt: z.string(),
  /** The project's guideline version the label was made under (null: made before versions were kept). */
  guidelineVersion: z.number().int().nullable().optional(),
});
export type Annotation = z.infer<typeof Annotation>;

export const Flag = z.object({
  itemId: z.number().int(),
  annotatorId: z.number().int(),
  annotatorName: z.string(),
  note: z.string(),
  createdAt: z.string(),
});
export type Flag = z.infer<typeof Flag>;

export const ItemDetail = z.object({
  item: Item,
  /** The latest non-retracted version per annotator. */
  annotations: z.array(Annotation),
  /** Every version, oldest first. */
  history: z.array(Annotation),
  flags: z.array(Flag),
});
export type ItemDetail = z.infer<typeof ItemDetail>;

export const LABEL_STATUSES = ['all', 'unlabelled', 'partial', 'labelled', 'flagged'] as const;
export const LabelStatus = z.enum(LABEL_STATUSES);

export const ItemFilter = z.object({
  status: LabelStatus.default('all'),
  riskCategory: z.string().max(64).optional(),
  expected: ExpectedBehaviour.optional(),
  annotatorId: z.number().int().optional(),
  split: Split.optional(),
  task: Task.optional(),
  /** Case-insensitive substring of the prompt text or external id. */
  search: z.string().max(500).optional(),
});
export type ItemFilter = z.infer<typeof ItemFilter>;

export const ItemRow = z.object({
  id: z.number().int(),
  externalId: z.string(),
  text: z.string(),
  image: ImageRef.nullable(),
  task: Task,
  split: Split,
  sensitive: z.boolean(),
  labelCount: z.number().int(),
  flagged: z.boolean(),
  /** From the most recent label, for the list's columns. */
  latest: z.object({ harmful: z.boolean().nullable(), riskCategory: z.string().nullable(), expected: ExpectedBehaviour.nullable(), annotatorName: z.string() }).nullable(),
});
export type ItemRow = z.infer<typeof ItemRow>;

export const QueueProgress = z.object({
  /** Items this annotator has labelled in the project. */
  done: z.number().int(),
  /** Items still waiting for this annotator (skipped ones included). */
  remaining: z.number().int(),
  total: z.number().int(),
});
export type QueueProgress = z.infer<typeof QueueProgress>;

/** A problem found while importing, precise enough to fix the file. */
export const ImportProblem = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  field: z.string().nullable(),
  message: z.string(),
  /** The offending line's text, cut to 200 characters, control characters written as \uXXXX. */
  excerpt: z.string().optional(),
});
export type ImportProblem = z.infer<typeof ImportProblem>;

export const ImportReport = z.object({
  /** True when the import changed the project. */
  committed: z.boolean(),
  imported: z.number().int(),
  images: z.number().int(),
  labelsImported: z.number().int(),
  /** Responses imports: how many of labelsImported were verdicts, and how many were preference votes. */
  verdictsImported: z.number().int().optional(),
  preferencesImported: z.number().int().optional(),
  duplicates: z.array(ImportProblem),
  skipped: z.array(ImportProblem),
  errors: z.array(ImportProblem),
  /** Accepted with a remark, e.g. PNG bytes in a file named .jpeg (stored as PNG). */
  notices: z.array(ImportProblem).default([]),
  durationMs: z.number(),
});
export type ImportReport = z.infer<typeof ImportReport>;

export const JobStatus = z.enum(['queued', 'running', 'succeeded', 'failed']);

export const ImportJob = z.object({
  jobId: z.string(),
  projectId: z.number().int(),
  status: JobStatus,
  phase: z.enum(['reading', 'validating', 'writing', 'done']),
  done: z.number().int(),
  total: z.number().int().nullable(),
  report: ImportReport.nullable(),
});
export type ImportJob = z.infer<typeof ImportJob>;

/**
 * jsonl: items with their label history; snapshot: the training snapshot; responses: responses
 * with their verdict history and every vote version (the response file format the importer
 * reads); preferences: TRL's preference format (prompt, chosen, rejected, images) for DPO and
 * reward models, one line per decisive current vote; parquet: the items as one Parquet table;
 * hf: a folder the Hugging Face `datasets` library loads (data files per split and a dataset card).
 */
export const EXPORT_FORMATS = ['jsonl', 'snapshot', 'responses', 'preferences', 'parquet', 'hf'] as const;
export const ExportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const ExportResult = z.object({
  exportId: z.string(),
  format: ExportFormat,
  /** The file (jsonl, responses, preferences) or directory (snapshot) on the host's disk. */
  path: z.string(),
  /** sha256 of the JSONL file, or the snapshot hash of its manifest. */
  sha256: z.string(),
  /** Items written (responses, preferences: the items the lines refer to). */
  items: z.number().int(),
  /** Label versions (jsonl), current labels (snapshot), verdict versions (responses), 0 (preferences). */
  labels: z.number().int(),
  images: z.number().int(),
  /** Response lines (responses; snapshot: responses.jsonl lines). */
  responses: z.number().int().optional(),
  /** Preference lines: vote versions (responses) or decisive votes (preferences). */
  preferences: z.number().int().optional(),
  /** What was not written, by reason (preferences: tie, both_bad). */
  leftOut: z.record(z.string(), z.number().int()).optional(),
});
export type ExportResult = z.infer<typeof ExportResult>;

export const FieldCounts = z.record(z.string(), z.number().int());
export const ProjectStats = z.object({
  items: z.number().int(),
  images: z.number().int(),
  labels: z.number().int(),
  labelledItems: z.number().int(),
  flagged: z.number().int(),
  byField: z.object({
    harmful: FieldCounts,
    riskCategory: FieldCounts,
    severity: FieldCounts,
    expected: FieldCounts,
    jailbreakType: FieldCounts,
    crossModalRisk: FieldCounts,
    task: FieldCounts,
    split: FieldCounts,
  }),
  byAnnotator: FieldCounts,
  medianTimeSpentMs: z.number().nullable(),
  /** Model responses, by model name. */
  responses: z.object({ total: z.number().int(), byModel: FieldCounts }),
  /** Current submitted verdicts on responses (one per annotator and response). */
  verdicts: z.object({ total: z.number().int(), byVerdict: FieldCounts, byModel: FieldCounts }),
  /** Current submitted preference votes (one per annotator and pair). */
  preferences: z.object({ total: z.number().int(), byChoice: FieldCounts }),
});
export type ProjectStats = z.infer<typeof ProjectStats>;
