/**
 * StudioApi: everything a user can do, as one registry of named methods with input and output
 * schemas. Both hosts (Electron IPC, HTTP server) route exactly these names and validate with
 * exactly these schemas, so they behave the same; the renderer's api/ layer is typed from them.
 */
import { z } from 'zod';
import {
  Annotation,
  ExportFormat,
  ExportResult,
  Flag,
  ImportJob,
  ItemDetail,
  ItemFilter,
  ItemRow,
  LabelSchema,
  LabelValues,
  PreferenceCriterion,
  Project,
  ProjectStats,
  ProjectSummary,
  QueueProgress,
  Role,
  User,
} from './domain.js';
import { evaluationMethods, evaluationRunMethods } from './evaluation.js';
import { arenaMethods, compareMethods } from './compare.js';
import { scoringMethods } from './scoring.js';
import { verifierMethods } from './verifiers.js';
import { suggestionMethods } from './suggestions.js';
import { promptSuggestionMethods } from './prompt-suggestions.js';
import { lineageMethods } from './lineage.js';
import { responseLabellingMethods } from './response-labelling.js';
import { responseImportMethods } from './response-import.js';
import { preferenceMethods } from './preferences.js';
import { responseBrowseMethods } from './response-browse.js';
import { sideBySideMethods } from './side-by-side.js';
import { agreementMethods } from './agreement.js';
import { QueueWellbeing, qualityMethods } from './quality.js';
import { adjudicationMethods } from './adjudication.js';
import { trainingMethods } from './training.js';
import { accessMethods } from './access.js';
import { ExportFilters, exportHistoryMethods } from './export-history.js';
import { ImportMapping, importPreviewMethods } from './import-preview.js';
import { modelsMethods } from './models.js';
import { deletionMethods } from './deletion.js';

const Id = z.number().int().positive();
const Empty = z.object({}).strict();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const StudioInfo = z.object({
  version: z.string(),
  host: z.enum(['electron', 'server']),
  dataDir: z.string(),
  /** True while no project exists, so the UI offers the demo project. */
  firstRun: z.boolean(),
});
export type StudioInfo = z.infer<typeof StudioInfo>;

const ProjectInput = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(10_000).default(''),
  labelSchema: LabelSchema.optional(),
  guidelines: z.string().max(200_000).optional(),
  annotatorsPerItem: z.number().int().min(1).max(10).default(1),
  preferenceCriteria: z.array(PreferenceCriterion).max(2).default([]),
});

export const studioMethods = {
  getInfo: method(Empty, StudioInfo),

  listUsers: method(Empty, z.array(User)),
  createUser: method(z.object({ name: z.string().trim().min(1).max(100), role: Role }), User),
  updateUser: method(z.object({ userId: Id, name: z.string().trim().min(1).max(100).optional(), role: Role.optional() }), User),

  listProjects: method(Empty, z.array(ProjectSummary)),
  getProject: method(z.object({ projectId: Id }), Project),
  createProject: method(ProjectInput, Project),
  updateProject: method(
    z.object({
      projectId: Id,
      patch: z.object({
        name: z.string().trim().min(1).max(100).optional(),
        description: z.string().max(10_000).optional(),
        labelSchema: LabelSchema.optional(),
        guidelines: z.string().max(200_000).optional(),
        annotatorsPerItem: z.number().int().min(1).max(10).optional(),
        preferenceCriteria: z.array(PreferenceCriterion).max(2).optional(),
      }),
    }),
    Project,
  ),
  /** Builds the demo project from the bundled public samples and drawn images. */
  createDemoProject: method(Empty, Project),

  /**
   * Imports go through an upload area so the browser and the desktop app work the same:
   * begin, send each file (relative path kept, so sidecar JSONL image paths resolve), start.
   */
  beginUpload: method(Empty, z.object({ uploadId: z.string() })),
  uploadFile: method(
    z.object({
      uploadId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
      path: z.string().min(1).max(1000),
      dataBase64: z.string(),
      /**
       * Large files are sent in chunks: 0 (or omitted) writes the file anew; a later chunk names
       * the byte it starts at, which must be the number of bytes of that file received so far.
       */
      offset: z.number().int().min(0).optional(),
    }),
    z.object({ bytes: z.number().int() }),
  ),
  startImport: method(
    z.object({
      projectId: Id,
      uploadId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
      /** The JSONL or CSV file inside the upload; omitted for a folder of images with a sidecar JSONL. */
      entry: z.string().max(1000).optional(),
      /** Import the valid rows and report what was left, instead of all-or-nothing. */
      validRowsOnly: z.boolean().default(false),
      /** Which source columns are the id, the text and the image (previewImport guesses them). */
      mapping: ImportMapping.optional(),
    }),
    ImportJob,
  ),
  /** Any import job: items (startImport) or responses (startResponseImport, response-import.ts). */
  getImportJob: method(z.object({ jobId: z.string() }), ImportJob),

  listItems: method(
    z.object({
      projectId: Id,
      filter: ItemFilter.default({ status: 'all' }),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(50),
    }),
    z.object({ total: z.number().int(), rows: z.array(ItemRow) }),
  ),
  getItem: method(z.object({ itemId: Id }), ItemDetail),

  /** The annotator's next items (the first is current, the rest are prefetched). */
  getQueue: method(
    z.object({
      projectId: Id,
      annotatorId: Id,
      count: z.number().int().min(1).max(10).default(3),
      /** Never-touched items in an order of their own per annotator (seeded by the annotator id) instead of import order (the default). */
      shuffle: z.boolean().optional(),
    }),
    z.object({
      items: z.array(ItemDetail),
      progress: QueueProgress,
      /** Categories paused for today or skipped by choice, and the break reminder (quality.ts). */
      wellbeing: QueueWellbeing.optional(),
    }),
  ),
  /** Durable (committed with synchronous=FULL) before it resolves. */
  submitLabel: method(
    z.object({ itemId: Id, annotatorId: Id, labels: LabelValues, timeSpentMs: z.number().int().min(0).max(86_400_000) }),
    z.object({ annotation: Annotation, progress: QueueProgress }),
  ),
  /** Retracts this annotator's most recent submit in the project and gives the item back. */
  undoLastSubmit: method(z.object({ projectId: Id, annotatorId: Id }), z.object({ restored: ItemDetail.nullable(), labels: LabelValues.nullable(), progress: QueueProgress })),
  skipItem: method(z.object({ itemId: Id, annotatorId: Id }), z.object({ progress: QueueProgress })),
  /** Takes a skip back (Backspace right after S): the item is no longer at the back of the queue. */
  unskipItem: method(z.object({ itemId: Id, annotatorId: Id }), z.object({ restored: ItemDetail, progress: QueueProgress })),
  setFlag: method(z.object({ itemId: Id, annotatorId: Id, flagged: z.boolean(), note: z.string().max(2000).default('') }), z.object({ flags: z.array(Flag) })),
  /** An edit from the browse view: appends a version to that annotator's history. */
  saveAnnotation: method(z.object({ itemId: Id, annotatorId: Id, labels: LabelValues, timeSpentMs: z.number().int().min(0).max(86_400_000) }), Annotation),

  exportProject: method(
    z.object({
      projectId: Id,
      format: ExportFormat,
      /** Item exports (jsonl, parquet, hf) only: which items go in. */
      filters: ExportFilters.optional(),
      /** Who asks, for the export history (omitted: the owner). */
      userId: Id.optional(),
    }),
    ExportResult,
  ),
  getStats: method(z.object({ projectId: Id }), ProjectStats),

  ...trainingMethods,
  ...modelsMethods,
  ...evaluationMethods,
  ...evaluationRunMethods,
  ...scoringMethods,
  ...verifierMethods,
  ...suggestionMethods,
  ...promptSuggestionMethods,
  ...lineageMethods,
  ...compareMethods,
  ...arenaMethods,
  ...responseLabellingMethods,
  ...responseImportMethods,
  ...exportHistoryMethods,
  ...importPreviewMethods,
  ...preferenceMethods,
  ...responseBrowseMethods,
  ...sideBySideMethods,
  ...agreementMethods,
  ...accessMethods,
  ...qualityMethods,
  ...deletionMethods,
  ...adjudicationMethods,
} as const;

export type StudioMethods = typeof studioMethods;
export type MethodName = keyof StudioMethods;
export const METHOD_NAMES = Object.keys(studioMethods) as MethodName[];

export type MethodInput<K extends MethodName> = z.input<StudioMethods[K]['input']>;
export type MethodParsedInput<K extends MethodName> = z.output<StudioMethods[K]['input']>;
export type MethodOutput<K extends MethodName> = z.output<StudioMethods[K]['output']>;

/** What the renderer calls. Each host provides one. */
export type StudioApi = { [K in MethodName]: (input: MethodInput<K>) => Promise<MethodOutput<K>> };

/** What the core implements: inputs already parsed and defaulted by the host. */
export type StudioHandlers = { [K in MethodName]: (input: MethodParsedInput<K>) => Promise<MethodOutput<K>> | MethodOutput<K> };

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(studioMethods, name);
}
