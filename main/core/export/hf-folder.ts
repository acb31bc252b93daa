/**
 * A folder the Hugging Face `datasets` library loads with `load_dataset(folder)`: one JSONL data
 * file per split (table-rows.ts's columns), images/ beside them, and a dataset card README.md
 * whose YAML header declares the configs/data_files, the features, the licence and the counts,
 * and whose text says how the items were labelled.
 *
 *   exports/<export id>/README.md, data/<split>.jsonl, images/... (only with images)
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import type { ExportResult, Split } from '../../../preload/contract/domain.js';
import type { ExportFilters } from '../../../preload/contract/export-history.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { nowIso, type CoreContext } from '../context.js';
import { mkdirPrivate } from '../private-files.js';
import { requireProject } from '../services/lookup.js';
import { abandonFolder, beginFolder, createExportFile, finishFolder, newExportFolder, hashFileInto, writeDurable } from './folder.js';
import { activeFilters } from './item-filters.js';
import { walkItems, type WalkCounts } from './item-walk.js';
import type { ItemExportOptions } from './jsonl.js';
import { recordExport } from './record.js';
import { TABLE_COLUMNS, tableRow } from './table-rows.js';

interface CardInput {
  projectName: string;
  description: string;
  annotatorsPerItem: number;
  splits: Map<Split, number>;
  counts: WalkCounts;
  agreement: Record<string, number>;
  filters: ExportFilters;
  exportId: string;
  createdAt: string;
}

/** A YAML scalar that stays a string whatever it holds. */
function yamlString(value: string): string {
  return JSON.stringify(value);
}

function featureYaml(): string {
  return TABLE_COLUMNS.map((c) => (c.dtype === 'string_list' ? `  - name: ${c.name}\n    sequence: string` : `  - name: ${c.name}\n    dtype: ${c.dtype}`)).join('\n');
}

export function datasetCard(input: CardInput): string {
  const splits = [...input.splits.entries()];
  const filters = Object.entries(input.filters).map(([k, v]) => `${k} = ${String(v)}`);
  const yaml = [
    '---',
    // The project records no licence of its own; "other" tells a reader to check the sources below.
    'license: other',
    `pretty_name: ${yamlString(input.projectName)}`,
    'configs:',
    '- config_name: default',
    '  data_files:',
    ...splits.map(([split]) => `  - split: ${split}\n    path: data/${split}.jsonl`),
    'dataset_info:',
    '  features:',
    featureYaml(),
    '  splits:',
    ...splits.map(([split, n]) => `  - name: ${split}\n    num_examples: ${n}`),
    '---',
  ].join('\n');
  const agreement = Object.entries(input.agreement)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
  return `${yaml}

# ${input.projectName}

${input.description.trim() || 'Prompts labelled in COSMO Studio.'}

Exported from COSMO Studio on ${input.createdAt} (export ${input.exportId}): ${input.counts.items} items,
${input.counts.images} images, ${input.counts.labels} label versions${filters.length ? `; only items with ${filters.join(', ')}` : ''}.

## How it was labelled
People labelled each prompt in COSMO Studio, ${input.annotatorsPerItem} annotator${input.annotatorsPerItem === 1 ? '' : 's'} per item
by the project's setting. \`labels\` holds every person's current label as JSON
(\`[{"annotator", "labels", "created_at"}]\`: harmful, risk category, severity, expected behaviour,
jailbreak type, cross-modal risk, visual cues, reference answer, rationale); \`annotators\` counts them;
\`agreement\` is \`agree\` or \`disagree\` for two or more labels (comparing the judgements, not the
free text), \`single\` for one and \`unlabelled\` for none (${agreement || 'no items'}). The full label
history, with every version, is in the studio's JSONL export.

## Fields
${TABLE_COLUMNS.map((c) => `- \`${c.name}\``).join('\n')}

\`image\` is a path relative to this folder (images/<sha256>.<ext>) or null; \`category\` is the
source dataset's own category, kept as a hint.

## Licence
The studio does not record a licence for this project: check the licences of the sources
(\`source\` names each item's) before sharing it.
`;
}

export async function exportHfFolder(ctx: CoreContext, projectId: number, outDir: string = ctx.paths.exports, options: ItemExportOptions = {}): Promise<ExportResult> {
  const project = requireProject(ctx.db.read, projectId);
  const filters = activeFilters(options.filters);
  const folder = newExportFolder(outDir, project.name, 'hf', ctx.clock.now());
  await beginFolder(folder);
  const files = new Map<Split, FileHandle>();
  try {
    await mkdirPrivate(join(folder.temp, 'data'));
    const splits = new Map<Split, number>();
    const agreement: Record<string, number> = {};
    let counts: WalkCounts;
    try {
      counts = await walkItems(ctx, projectId, filters, folder.temp, async (page) => {
        for (const entry of page) {
          const row = tableRow(entry);
          const split = entry.item.split;
          let out = files.get(split);
          if (!out) {
            out = await createExportFile(join(folder.temp, 'data', `${split}.jsonl`));
            files.set(split, out);
          }
          await out.write(`${JSON.stringify(row)}\n`);
          splits.set(split, (splits.get(split) ?? 0) + 1);
          agreement[row.agreement] = (agreement[row.agreement] ?? 0) + 1;
        }
      });
      for (const out of files.values()) await out.sync();
    } finally {
      for (const out of files.values()) await out.close();
    }
    if (counts.items === 0) throw new StudioError('invalid_input', 'No item matches these filters: a Hugging Face dataset needs at least one row');
    const createdAt = nowIso(ctx);
    const card = join(folder.temp, 'README.md');
    await writeDurable(
      card,
      datasetCard({
        projectName: project.name,
        description: project.description,
        annotatorsPerItem: project.annotatorsPerItem,
        splits,
        counts,
        agreement,
        filters,
        exportId: folder.exportId,
        createdAt,
      }),
    );
    // The hash covers the card and every data file, by name then content.
    const hash = createHash('sha256');
    for (const name of ['README.md', ...[...splits.keys()].sort().map((split) => `data/${split}.jsonl`)]) {
      hash.update(`${name}\0`);
      await hashFileInto(hash, join(folder.temp, name));
    }
    const sha256 = hash.digest('hex');
    await finishFolder(folder);
    const result: ExportResult = { exportId: folder.exportId, format: 'hf', path: folder.final, sha256, ...counts };
    recordExport(ctx, projectId, result, { ...counts, ...Object.fromEntries(splits) }, createdAt, filters);
    ctx.log.info('export written', { projectId, exportId: folder.exportId, format: 'hf', items: counts.items });
    return result;
  } catch (error) {
    await abandonFolder(folder);
    if (error instanceof StudioError) throw error;
    throw new StudioError('internal', `the export could not be written: ${error instanceof Error ? error.message : String(error)}`);
  }
}
