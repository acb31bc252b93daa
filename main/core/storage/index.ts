export { openDatabase, type OpenDatabaseOptions, type OpenedDatabase } from './open.js';
export { migrate, schemaVersion, checkRegistry, type MigrationOutcome } from './migrate.js';
export { dumpSchema } from './schema-dump.js';
export { checkOnOpen, integrityProblem, requireIntact, QUICK_CHECK_MAX_BYTES, type IntegrityLevel } from './integrity.js';
