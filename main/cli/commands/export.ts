/**
 * `studio export --project NAME --format jsonl|snapshot|responses|preferences|parquet|hf --out DIR`: the
 * app's own exporters, writing a new folder DIR/<export id>/ (items.jsonl and images/ for JSONL;
 * manifest.json, items.jsonl, responses.jsonl and images/ for a snapshot; responses.jsonl for
 * responses; preferences.jsonl and images/ for TRL preferences). Written under a temporary name and renamed when
 * complete; an existing folder is never reused or overwritten.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { StudioError } from '../../../preload/contract/errors.js';
import type { ExportFormat, ExportResult } from '../../../preload/contract/domain.js';
import { EXPORTERS } from '../../core/export/index.js';
import type { CliIo } from '../io.js';
import { withCore } from '../open-core.js';
import { requireProjectByName } from './projects.js';

export interface ExportOptions {
  project: string;
  format: ExportFormat;
  out: string;
  dataDir?: string;
}

function summary(result: ExportResult): string {
  const left = Object.entries(result.leftOut ?? {}).filter(([, n]) => n > 0);
  const leftOut = left.length ? `, left out: ${left.map(([why, n]) => `${n} ${why.replace(/_/g, ' ')}`).join(', ')}` : '';
  switch (result.format) {
    case 'responses':
      return `${result.items} items, ${result.responses ?? 0} responses, ${result.labels} verdict versions, ${result.preferences ?? 0} vote versions`;
    case 'preferences':
      return `${result.preferences ?? 0} preference pairs, ${result.items} items, ${result.images} images${leftOut}`;
    default: {
      const responses = result.responses ? `, ${result.responses} responses` : '';
      return `${result.items} items, ${result.labels} labels, ${result.images} images${responses}`;
    }
  }
}

export async function exportCommand(io: CliIo, options: ExportOptions): Promise<number> {
  const outDir = resolve(options.out);
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new StudioError('invalid_input', `--out ${outDir} is a file; give a folder`);
  return withCore(io, options.dataDir, async (core) => {
    const project = await requireProjectByName(core, options.project);
    const result = await EXPORTERS[options.format](core.context, project.id, outDir);
    io.stdout(`Exported "${project.name}" as ${options.format}: ${summary(result)}\n`);
    io.stdout(`  ${result.path}\n`);
    io.stdout(`  sha256 ${result.sha256}\n`);
    return 0;
  });
}
