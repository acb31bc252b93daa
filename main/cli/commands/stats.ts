/** `studio stats --project NAME [--json]`: the same figures as the app's statistics page. */
import type { ProjectStats } from '../../../preload/contract/domain.js';
import { callMethod } from '../../server/dispatch.js';
import type { CliIo } from '../io.js';
import { withReadOnlyCore } from '../open-core.js';
import { requireProjectByName } from './projects.js';

function counts(title: string, values: Record<string, number>): string {
  const entries = Object.entries(values).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return `${title}: none\n`;
  return `${title}:\n${entries.map(([key, n]) => `  ${key.padEnd(28)} ${n}`).join('\n')}\n`;
}

export function formatStats(name: string, stats: ProjectStats): string {
  const median = stats.medianTimeSpentMs === null ? 'n/a' : `${(stats.medianTimeSpentMs / 1000).toFixed(1)} s`;
  let text =
    `Project "${name}"\n` +
    `  items ${stats.items}, with images ${stats.images}, labelled ${stats.labelledItems}, labels ${stats.labels}, flagged ${stats.flagged}\n` +
    `  median time per label ${median}\n`;
  for (const [field, values] of Object.entries(stats.byField)) text += counts(field, values);
  text += counts('labels by annotator', stats.byAnnotator);
  if (stats.responses.total > 0) {
    text += `  responses ${stats.responses.total}, current verdicts ${stats.verdicts.total}, current preference votes ${stats.preferences.total}\n`;
    text += counts('responses by model', stats.responses.byModel);
    text += counts('verdicts', stats.verdicts.byVerdict);
    text += counts('verdicts by model', stats.verdicts.byModel);
    text += counts('preference votes', stats.preferences.byChoice);
  }
  return text;
}

export async function statsCommand(io: CliIo, options: { project: string; dataDir?: string; json?: boolean }): Promise<number> {
  return withReadOnlyCore(io, options.dataDir, async (core) => {
    const project = await requireProjectByName(core, options.project);
    const stats = await callMethod(core.handlers, 'getStats', { projectId: project.id });
    io.stdout(options.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(project.name, stats));
    return 0;
  });
}
