import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpSchema, openDatabase } from '../../main/core/storage/index.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';

const SNAPSHOT = join(__dirname, '../../db/schema.sql');

let dir: TempDir;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => dir.cleanup());

describe('db/schema.sql', () => {
  it('equals the schema the migrations produce', () => {
    const db = openDatabase(join(dir.path, 'studio.db'));
    const actual = dumpSchema(db.read, db.schemaVersion);
    db.close();
    // Explicit opt-in to rewrite the snapshot after adding a migration; never in CI.
    if (process.env.UPDATE_SCHEMA_SNAPSHOT === '1') writeFileSync(SNAPSHOT, actual);
    expect(readFileSync(SNAPSHOT, 'utf8')).toBe(actual);
  });
});
