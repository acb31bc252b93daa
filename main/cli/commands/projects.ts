/** `studio projects`: the projects of a data dir, as a table or JSON. */
import type { ProjectSummary } from '../../../preload/contract/domain.js';
import type { StudioCore } from '../../core/studio.js';
import { callMethod } from '../../server/dispatch.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { CliIo } from '../io.js';
import { withReadOnlyCore } from '../open-core.js';

/**
 * The project called `name`, or null. Names are not unique in the studio, so a name several
 * projects share is refused rather than resolved to one of them: an import or export must never
 * land in, or come from, a project the user did not mean.
 */
export async function findProject(core: StudioCore, name: string): Promise<ProjectSummary | null> {
  const projects = (await callMethod(core.handlers, 'listProjects', {})).filter((p) => p.name === name);
  if (projects.length > 1) {
    throw new StudioError('conflict', `${projects.length} projects are called "${name}" (ids ${projects.map((p) => p.id).join(', ')}); rename all but one in the studio's project settings`);
  }
  return projects[0] ?? null;
}

export async function requireProjectByName(core: StudioCore, name: string): Promise<ProjectSummary> {
  const project = await findProject(core, name);
  if (project) return project;
  const names = (await callMethod(core.handlers, 'listProjects', {})).map((p) => p.name);
  const known = names.length > 0 ? `; the projects are: ${names.map((n) => `"${n}"`).join(', ')}` : '; there are no projects yet';
  throw new StudioError('not_found', `There is no project called "${name}" in ${core.paths.root}${known}`);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return (
    rows
      .map((row) =>
        row
          .map((cell, col) => (col === 1 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export async function projectsCommand(io: CliIo, options: { dataDir?: string; json?: boolean }): Promise<number> {
  return withReadOnlyCore(io, options.dataDir, async (core) => {
    const projects = await callMethod(core.handlers, 'listProjects', {});
    if (options.json) {
      io.stdout(`${JSON.stringify(projects, null, 2)}\n`);
      return 0;
    }
    if (projects.length === 0) {
      io.stdout(`No projects in ${core.paths.root} yet. Create one with \`studio import <file> --project NAME --create\`.\n`);
      return 0;
    }
    const rows = [['id', 'name', 'items', 'images', 'labelled', 'flagged']];
    for (const p of projects) rows.push([String(p.id), p.name, String(p.itemCount), String(p.imageCount), String(p.labelledCount), String(p.flaggedCount)]);
    io.stdout(table(rows));
    return 0;
  });
}
