/**
 * `studio import-responses <file> --project NAME [--valid-rows]`: model responses, people's
 * verdicts and preference votes from a JSONL file (our own lines, TRL preference rows, chat rows)
 * into an existing project, through the same importer the Import tab runs. All-or-nothing unless
 * --valid-rows; the report names every line left out (file, line, field, reason).
 */
import { resolve } from 'node:path';
import type { ImportReport } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { importResponsesPath } from '../../core/responses/import/index.js';
import { EXIT, printProblems } from '../errors.js';
import type { CliIo } from '../io.js';
import { withCore } from '../open-core.js';
import { progressBar } from '../progress.js';
import { findProject } from './projects.js';

export interface ImportResponsesOptions {
  project: string;
  validRows?: boolean;
  dataDir?: string;
}

const PHASE_LABEL = { reading: 'reading', validating: 'checking', writing: 'writing', done: 'done' } as const;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summary(report: ImportReport, project: string): string {
  const seconds = (report.durationMs / 1000).toFixed(1);
  const votes = report.preferencesImported ?? 0;
  return `Imported ${plural(report.imported, 'response')} (${plural(report.verdictsImported ?? 0, 'verdict')}, ${votes} preference vote${votes === 1 ? '' : 's'}) into "${project}" in ${seconds} s.\n`;
}

export async function importResponsesCommand(io: CliIo, path: string, options: ImportResponsesOptions): Promise<number> {
  return withCore(io, options.dataDir, async (core) => {
    const project = await findProject(core, options.project);
    if (!project) throw new StudioError('not_found', `There is no project called "${options.project}" in ${core.paths.root}; import its prompts first (studio import --create)`);
    const bar = progressBar(io);
    let report: ImportReport;
    try {
      report = await importResponsesPath(core.context, {
        projectId: project.id,
        path: resolve(path),
        validRowsOnly: options.validRows === true,
        onProgress: (p) => bar.update(PHASE_LABEL[p.phase], p.done, p.total),
      });
    } finally {
      bar.finish();
    }
    printProblems(io, 'Duplicates left out', report.duplicates);
    printProblems(io, 'Lines skipped', report.skipped);
    if (report.errors.length > 0) {
      printProblems(io, 'Errors', report.errors);
      const hint = options.validRows ? '' : ' (fix them, or add --valid-rows to import the valid lines only)';
      io.stderr(`studio: nothing was imported: ${plural(report.errors.length, 'error')}${hint}\n`);
      return EXIT.failed;
    }
    io.stdout(summary(report, project.name));
    return EXIT.ok;
  });
}
