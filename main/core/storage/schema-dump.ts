/** The schema as text, for the db/schema.sql snapshot and the test that keeps it current. */
import type { ReadableDB } from '../../../db/handles.js';

interface MasterRow {
  type: string;
  name: string;
  sql: string | null;
}

export function dumpSchema(db: ReadableDB, version: number): string {
  const rows = db.prepare<MasterRow>('SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name').all();
  const header = [
    '-- db/schema.sql: the schema the migrations in db/registry.ts produce. Generated; do not edit.',
    '-- Regenerate: UPDATE_SCHEMA_SNAPSHOT=1 npx vitest run tests/unit/storage-schema.test.ts',
    `-- user_version: ${version}`,
  ];
  return [...header, '', ...rows.map((r) => `${r.sql};\n`)].join('\n');
}
