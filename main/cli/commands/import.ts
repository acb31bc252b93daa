/**
 * `studio import <path> --project NAME [--create] [--valid-rows]`: the same importer the app's
 * import dialog runs, reading straight from disk. All-or-nothing unless --valid-rows; the report
 * names every row left out (file, line, field, reason).
 */
import { resolve } from 'node:path';
import type { ImportReport } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { importPath } from '../../core/import/index.js';
import { callMethod } from '../../server/dispatch.js';
import { EXIT, printProblems } from '../errors.js';
import type { CliIo } from '../io.js';
import { withCore } from '../open-core.js';
import { progressBar } from '../progress.js';
import { findProject } from './projects.js';

export interface ImportOptions {
  project: string;
  create?: boolean;
  validRows?: boolean;
  dataDir?: string;
}

const PHASE_LABEL = { reading: 'reading', validating: 'checking', writing: 'writing', done: 'done' } as const;

function summary(report: ImportReport, project: string): string {
  const seconds = (report.durationMs / 1000).toFixed(1);
  return `Imported ${report.imported} item${report.imported === 1 ? '' : 's'} (${report.images} with images, ${report.labelsImported} labels) into "${project}" in ${seconds} s.\n`;
}

export async function importCommand(io: CliIo, path: string, options: ImportOptions): Promise<number> {
  return withCore(io, options.dataDir, async (core) => {
    let project = await findProject(core, options.project);
    let created = false;
    if (!project) {
      if (!options.create) {
        throw new StudioError('not_found', `There is no project called "${options.project}" in ${core.paths.root}; add --create to create it`);
      }
      const made = await callMethod(core.handlers, 'createProject', { name: options.project });
      project = { ...made, itemCount: 0, imageCount: 0, labelledCount: 0, flaggedCount: 0 };
      created = true;
      io.stderr(`Created project "${made.name}".\n`);
    }
    const bar = progressBar(io);
    let report: ImportReport;
    try {
      report = await importPath(core.context, {
        projectId: project.id,
        path: resolve(path),
        validRowsOnly: options.validRows === true,
        onProgress: (p) => bar.update(PHASE_LABEL[p.phase], p.done, p.total),
      });
    } finally {
      bar.finish();
    }

    printProblems(io, 'Duplicates left out', report.duplicates);
    printProblems(io, 'Rows skipped', report.skipped);
    printProblems(io, 'Notes', report.notices);
    // Not committed without errors means every row was a duplicate: done, nothing new.
    if (report.errors.length > 0) {
      printProblems(io, 'Errors', report.errors);
      const hint = options.validRows ? '' : ' (fix them, or add --valid-rows to import the valid rows only)';
      io.stderr(`studio: nothing was imported: ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}${hint}\n`);
      if (created) io.stderr(`The project "${project.name}" was created and is still empty.\n`);
      return EXIT.failed;
    }
    io.stdout(summary(report, project.name));
    return EXIT.ok;
  });
}
