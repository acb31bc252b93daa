/**
 * Who may call each StudioApi method over a person's link (`studio serve`). The server enforces
 * this; the page only hides what a role cannot do. The owner (the printed link, the desktop app)
 * is admin and passes every check.
 *
 *   read      any person: reads that change nothing
 *   annotator any person: their own labelling (labels, verdicts, votes, skips, flags)
 *   reviewer  reviewers and admins: adjudication and review
 *   admin     admins: the schema, guidelines, people, links, imports, exports, models and runs
 *
 * Every method must have an entry (a test checks; the Record type does too), so a new method is
 * classified when it lands. A name missing at runtime is treated as admin: unknown fails closed.
 */
import type { Role } from './domain.js';
import type { MethodName } from './api.js';

export type MethodAccess = 'read' | 'annotator' | 'reviewer' | 'admin';

export const METHOD_ACCESS: Record<MethodName, MethodAccess> = {
  getInfo: 'read',
  getSession: 'read',
  listUsers: 'read',
  createUser: 'admin',
  updateUser: 'admin',
  listAccessLinks: 'admin',
  createAccessLink: 'admin',
  revokeAccessLink: 'admin',

  listProjects: 'read',
  getProject: 'read',
  createProject: 'admin',
  updateProject: 'admin',
  createDemoProject: 'admin',

  beginUpload: 'admin',
  uploadFile: 'admin',
  startImport: 'admin',
  startResponseImport: 'admin',
  getImportJob: 'read',
  exportProject: 'admin',
  listExports: 'admin',
  previewImport: 'admin',

  listItems: 'read',
  getItem: 'read',
  getStats: 'read',
  getAgreement: 'read',
  listResponses: 'read',
  getItemResponses: 'read',
  getSideBySide: 'read',
  getPreferenceStats: 'read',

  getQueue: 'annotator',
  submitLabel: 'annotator',
  undoLastSubmit: 'annotator',
  skipItem: 'annotator',
  unskipItem: 'annotator',
  setFlag: 'annotator',
  saveAnnotation: 'annotator',
  getResponseQueue: 'annotator',
  submitVerdict: 'annotator',
  undoLastVerdict: 'annotator',
  skipResponse: 'annotator',
  setResponseFlag: 'annotator',
  saveVerdict: 'annotator',
  getPairQueue: 'annotator',
  submitPreference: 'annotator',
  undoLastPreference: 'annotator',
  skipPair: 'annotator',

  getSystemInfo: 'read',
  setupPythonEnv: 'admin',
  listBaseModels: 'read',
  inspectHubModel: 'admin',
  addBaseModel: 'admin',
  buildTinyModel: 'admin',
  previewRun: 'admin',
  startRun: 'admin',
  cancelRun: 'admin',
  resumeRun: 'admin',
  listRuns: 'read',
  getRun: 'read',
  listModels: 'read',

  planEvalSplit: 'admin',
  applyEvalSplit: 'admin',
  freezeEvalSet: 'admin',
  listEvalSets: 'read',
  startEvaluation: 'admin',
  listEvaluations: 'read',
  getEvaluation: 'read',
  cancelEvaluation: 'admin',
  resumeEvaluation: 'admin',
  scoreResponses: 'admin',
  getScoreJob: 'read',
  trainVerifier: 'admin',
  getVerifierJob: 'read',
  listVerifiers: 'read',
  compareModels: 'read',
  compareReport: 'read',
  getArena: 'read',
  pickCheckpoints: 'read',

  getQualityDashboard: 'reviewer',
  getQualitySettings: 'read',
  updateQualitySettings: 'admin',
  getPersonSettings: 'annotator',
  updatePersonSettings: 'annotator',
  markGoldCheck: 'reviewer',
  unmarkGoldCheck: 'reviewer',
  // The known answers: never for annotators, whose queues the checks are mixed into unmarked.
  listGoldChecks: 'reviewer',
  listGuidelineVersions: 'read',
  sendBackOutdated: 'reviewer',

  getQualityRules: 'read',
  setQualityRules: 'admin',
  getReviewQueue: 'reviewer',
  setGoldLabel: 'reviewer',
  undoGoldLabel: 'reviewer',
  skipReviewItem: 'reviewer',
  getGoldHistory: 'reviewer',
  getResponseReviewQueue: 'reviewer',
  setResponseGold: 'reviewer',
  undoResponseGold: 'reviewer',
  skipResponseReview: 'reviewer',
  getVoteReviewQueue: 'reviewer',
  setPreferenceGold: 'reviewer',
  undoPreferenceGold: 'reviewer',
  skipVoteReview: 'reviewer',

  // A suggestion is shown to the annotator judging the response, never stored without a key press.
  suggestVerdicts: 'annotator',
  // Prompt-label suggestions: shown in the labelling form, never stored without the accept key and a submit.
  suggestPromptLabels: 'annotator',
  getQueueOrdering: 'read',
  // The ordering is a project setting; scoring the queue only fills a cache, but costs CPU, so admins start it.
  setQueueOrdering: 'admin',
  scoreQueue: 'admin',
  getRunLineage: 'read',

  renameModel: 'admin',
  previewDeleteModel: 'admin',
  deleteModel: 'admin',
  previewDeletion: 'admin',
  deleteItems: 'admin',
  listDeletions: 'admin',
  restoreDeletion: 'admin',
  mergeModel: 'admin',
  exportModel: 'admin',
  // A worker job on the shared GPU, from the Train tab's model list (admins' screen).
  chatWithModel: 'admin',
};

/** Input fields that name who is acting: over a person's link they must be that person. */
export const ATTRIBUTED_FIELDS = ['annotatorId', 'reviewerId'] as const;

/**
 * Methods about one person's own things, and the field that names the person: over a link an
 * annotator or reviewer may reach only their own; an admin may reach anyone's.
 */
export const PERSONAL_FIELDS: Partial<Record<MethodName, string>> = {
  getPersonSettings: 'userId',
  updatePersonSettings: 'userId',
};

const RANK: Record<Role, number> = { annotator: 0, reviewer: 1, admin: 2 };
const NEEDS: Record<MethodAccess, number> = { read: 0, annotator: 0, reviewer: 1, admin: 2 };

/** The entry for a name off the wire; anything unlisted needs admin. */
export function requiredAccess(name: string): MethodAccess {
  return Object.prototype.hasOwnProperty.call(METHOD_ACCESS, name) ? METHOD_ACCESS[name as MethodName] : 'admin';
}

/** Whether a person with this role may call the method (the owner may call everything). */
export function roleAllows(role: Role, name: string): boolean {
  return RANK[role] >= NEEDS[requiredAccess(name)];
}
