export { openDatabase, type OpenDatabaseOptions, type OpenedDatabase } from './open.js';
export { migrate, schemaVersion, checkRegistry, type MigrationOutcome } from './migrate.js';
export { dumpSchema } from './schema-dump.js';
