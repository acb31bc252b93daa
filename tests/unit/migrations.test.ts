import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../db/registry.js';

describe('migration registry', () => {
  it('numbers migrations 1..N with no gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('has one file per migration, named NNNN_<name>.ts, all listed in the registry', () => {
    const dir = join(__dirname, '../../db/migrations');
    const files = readdirSync(dir)
      .filter((f) => /^\d{4}_.+\.ts$/.test(f))
      .sort();
    expect(files).toEqual(MIGRATIONS.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}.ts`));
  });

  it('uses snake_case names', () => {
    for (const m of MIGRATIONS) expect(m.name).toMatch(/^[a-z0-9_]+$/);
  });
});
