/**
 * What checking studio.db on open costs: PRAGMA quick_check and integrity_check on a project of
 * 100,000 items (text, search index, labels on a third). Prints figures; asserts nothing.
 *
 *   npx esbuild tests/perf/integrity-check.perf.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=out/perf/integrity-check.mjs && node out/perf/integrity-check.mjs [items]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openStudio } from '../../main/core/studio.js';
import { silentLogger } from '../../main/core/logger.js';
import { callHandler, seedCount } from '../helpers/core.js';

const ITEMS = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'studio-integrity-'));
try {
  const core = await openStudio({ dataDir: dir, host: 'server', version: 'perf', log: silentLogger() });
  const project = await callHandler(core, 'createProject', { name: 'perf' });
  seedCount(core, project.id, ITEMS, { text: 'how can i make a safe plan for the weekend, explain the steps and the history of it' });
  core.close();
  const file = join(dir, 'studio.db');
  console.log(`studio.db with ${ITEMS} items: ${(statSync(file).size / 1e6).toFixed(1)} MB (node ${process.version})`);
  for (const pragma of ['quick_check(1)', 'quick_check', 'integrity_check(1)']) {
    const db = new Database(file, { readonly: true });
    const start = performance.now();
    const result = db.pragma(pragma, { simple: true });
    console.log(`  PRAGMA ${pragma.padEnd(20)} ${(performance.now() - start).toFixed(0).padStart(6)} ms  -> ${String(result)}`);
    db.close();
  }
  const header = performance.now();
  const db = new Database(file, { readonly: true });
  db.pragma('schema_version', { simple: true });
  db.close();
  console.log(`  header + schema read         ${(performance.now() - header).toFixed(1).padStart(6)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
