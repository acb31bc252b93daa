/**
 * The demo project offered on first start: XSTest's 450 text prompts (look-alikes and their
 * unsafe contrasts), FigStep's 40 typographic-attack items with their 20 images, and six
 * benign look-alike scenes drawn here (tagged `drawn`), with a real annotation guide. All three
 * go in as one import, so the demo is built completely or not at all.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { defaultLabelSchema, type Project } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { nowIso, type CoreContext } from '../context.js';
import { importPath } from '../import/import-path.js';
import { requireProject } from '../services/lookup.js';
import { DRAWINGS } from './drawings.js';
import { DEMO_GUIDELINES } from './guidelines.js';

export const DEMO_PROJECT_NAME = 'Demo: safety look-alikes';
const DEMO_DESCRIPTION =
  'Public samples to try the studio: XSTest v2 (Röttger et al., NAACL 2024, CC-BY-4.0), a FigStep SafeBench sample ' +
  '(Gong et al., AAAI 2025, MIT) and six drawn benign look-alike scenes. Content warning: some prompts are harmful requests.';

/**
 * The bundled demo-data folder: the one openStudio was given, else the nearest `demo-data`
 * folder above this module (the repository in development, the app folder once built).
 */
export function findDemoDataDir(given: string | undefined): string | null {
  if (given) return existsSync(join(given, 'xstest', 'items.jsonl')) ? resolve(given) : null;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'demo-data');
    if (existsSync(join(candidate, 'xstest', 'items.jsonl'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** A project name not yet taken: the demo name, then "(2)", "(3)"... */
function freeName(ctx: CoreContext): string {
  const taken = new Set(
    ctx.db.read
      .prepare<{ name: string }>('SELECT name FROM project')
      .all()
      .map((r) => r.name),
  );
  if (!taken.has(DEMO_PROJECT_NAME)) return DEMO_PROJECT_NAME;
  for (let n = 2; ; n++) if (!taken.has(`${DEMO_PROJECT_NAME} (${n})`)) return `${DEMO_PROJECT_NAME} (${n})`;
}

/** Writes one folder holding every demo item (items.jsonl) and its images, ready to import. */
async function stageDemoFolder(demoData: string, into: string): Promise<void> {
  await mkdir(join(into, 'images'), { recursive: true });
  await mkdir(join(into, 'drawn'), { recursive: true });
  const xstest = (await readFile(join(demoData, 'xstest', 'items.jsonl'), 'utf8')).trim();
  const figstep = (await readFile(join(demoData, 'figstep-sample', 'items.jsonl'), 'utf8')).trim();
  await cp(join(demoData, 'figstep-sample', 'images'), join(into, 'images'), { recursive: true });
  const drawn: string[] = [];
  for (const d of DRAWINGS) {
    await writeFile(join(into, 'drawn', d.file), await sharp(Buffer.from(d.svg)).png().toBuffer());
    drawn.push(
      JSON.stringify({
        id: d.id,
        text: d.text,
        image: `drawn/${d.file}`,
        category: 'benign look-alike',
        expected: 'comply',
        source: 'COSMO Studio demo drawing',
        task: 'safety',
        tags: ['drawn'],
        scene: d.description,
      }),
    );
  }
  await writeFile(join(into, 'items.jsonl'), `${[xstest, figstep, ...drawn].join('\n')}\n`);
}

export async function createDemoProject(ctx: CoreContext): Promise<Project> {
  const demoData = findDemoDataDir(ctx.options.demoDataDir);
  if (!demoData) {
    throw new StudioError('not_found', `the demo data folder is missing (looked for ${ctx.options.demoDataDir ?? 'demo-data beside the app'}); reinstall the studio or import your own data`);
  }
  const projectId = ctx.db.write.transaction(() => {
    const row = ctx.db.write
      .prepare<{ id: number }>('INSERT INTO project (name, description, label_schema, guidelines, annotators_per_item, created_at) VALUES (?, ?, ?, ?, 1, ?) RETURNING id')
      .get(freeName(ctx), DEMO_DESCRIPTION, JSON.stringify(defaultLabelSchema()), DEMO_GUIDELINES, nowIso(ctx));
    if (!row) throw new StudioError('internal', 'creating the demo project returned no row');
    return row.id;
  });
  const staging = await mkdtemp(join(tmpdir(), 'cosmo-demo-'));
  try {
    await stageDemoFolder(demoData, staging);
    const report = await importPath(ctx, { projectId, path: staging, displayName: 'demo-data' });
    if (!report.committed) {
      const first = report.errors[0];
      throw new StudioError('internal', `the demo data could not be imported: ${first ? `${first.file} line ${first.line}: ${first.message}` : 'nothing to import'}`, report.errors);
    }
  } catch (error) {
    // Nothing was imported (imports are all-or-nothing): remove the empty project again.
    ctx.db.write.transaction(() => ctx.db.write.prepare('DELETE FROM project WHERE id = ? AND item_count = 0').run(projectId));
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  ctx.log.info('demo project created', { projectId });
  ctx.events.emit({ type: 'project.changed', projectId });
  return requireProject(ctx.db.read, projectId);
}
