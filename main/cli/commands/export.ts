/**
 * `studio export --project NAME --format jsonl|snapshot --out DIR`: the app's own exporters,
 * writing a new folder DIR/<export id>/ (items.jsonl and images/ for JSONL; manifest.json,
 * items.jsonl and images/ for a snapshot). Written under a temporary name and renamed when
 * complete; an existing folder is never reused or overwritten.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { StudioError } from '../../../preload/contract/errors.js';
import { exportJsonl, exportSnapshot } from '../../core/export/index.js';
import type { CliIo } from '../io.js';
import { withCore } from '../open-core.js';
import { requireProjectByName } from './projects.js';

export interface ExportOptions {
  project: string;
  format: 'jsonl' | 'snapshot';
  out: string;
  dataDir?: string;
}

export async function exportCommand(io: CliIo, options: ExportOptions): Promise<number> {
  const outDir = resolve(options.out);
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new StudioError('invalid_input', `--out ${outDir} is a file; give a folder`);
  return withCore(io, options.dataDir, async (core) => {
    const project = await requireProjectByName(core, options.project);
    const result = options.format === 'jsonl' ? await exportJsonl(core.context, project.id, outDir) : await exportSnapshot(core.context, project.id, outDir);
    io.stdout(`Exported "${project.name}" as ${options.format}: ${result.items} items, ${result.labels} labels, ${result.images} images\n`);
    io.stdout(`  ${result.path}\n`);
    io.stdout(`  sha256 ${result.sha256}\n`);
    return 0;
  });
}
