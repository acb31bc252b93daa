/**
 * `studio export --project NAME --format jsonl|snapshot --out DIR`: runs the app's own export
 * (exportProject: written into the data dir's exports/, hashed, recorded) and copies the result
 * into DIR. Nothing already in DIR is overwritten.
 */
import { existsSync, statSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { StudioError } from '../../../preload/contract/errors.js';
import { callMethod } from '../../server/dispatch.js';
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
    const result = await callMethod(core.handlers, 'exportProject', { projectId: project.id, format: options.format });
    const target = join(outDir, basename(result.path));
    if (existsSync(target)) throw new StudioError('conflict', `${target} already exists; choose another --out folder`);
    await mkdir(outDir, { recursive: true });
    await cp(result.path, target, { recursive: true, errorOnExist: true, force: false });
    io.stdout(`Exported "${project.name}" as ${options.format}: ${result.items} items, ${result.labels} labels, ${result.images} images\n`);
    io.stdout(`  ${target}\n`);
    io.stdout(`  sha256 ${result.sha256}\n`);
    return 0;
  });
}
