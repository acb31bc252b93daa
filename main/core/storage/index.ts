export { openDatabase, type OpenDatabaseOptions, type OpenedDatabase } from './open.js';
export { migrate, schemaVersion, checkRegistry, type MigrationOutcome } from './migrate.js';
export { dumpSchema } from './schema-dump.js';
export {
  checkOnOpen,
  heldByAnotherConnection,
  inspectDatabaseFile,
  integrityProblem,
  readBlobReferences,
  requireIntact,
  type DatabaseFileInfo,
  QUICK_CHECK_MAX_BYTES,
  type IntegrityLevel,
} from './integrity.js';
