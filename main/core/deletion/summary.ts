/** The confirmation's sentence: exactly what a deletion removes, and where the archive goes. */
import type { DeletionCounts } from '../../../preload/contract/deletion.js';
import { formatBytes } from '../training/model-usage.js';

function n(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function deletionSummary(scope: 'items' | 'project', projectName: string, c: DeletionCounts): string {
  const parts = [
    n(c.items, 'item'),
    n(c.labels, 'prompt label'),
    n(c.responses, 'response'),
    n(c.verdicts, 'verdict'),
    n(c.votes, 'vote'),
    ...(c.gold ? [n(c.gold, 'gold answer')] : []),
    ...(c.flags ? [n(c.flags, 'flag')] : []),
    ...(c.autoVerdicts ? [n(c.autoVerdicts, 'automatic verdict')] : []),
    `${n(c.images, 'image')} no other item uses (${formatBytes(c.imageBytes)} freed)`,
  ];
  const what = scope === 'project' ? `Deleting the project "${projectName}" removes ${parts.join(', ')}.` : `Deleting removes ${parts.join(', ')} from "${projectName}".`;
  const sets = c.evaluationSetItems ? ` Its evaluation sets lose their ${n(c.evaluationSetItems, 'item membership')}; their files and recorded results stay.` : '';
  const after = scope === 'project' ? ' Its runs, models, evaluations and export history stay, under the deleted project.' : '';
  return `${what}${sets}${after} An archive export with all of it is written first (Export tab), and restoring imports it back.`;
}
