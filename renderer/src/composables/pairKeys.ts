/**
 * The pairwise voting keyboard. Columns line up: the first key of each row is "left", then
 * "right", "tie", "both bad".
 *
 *   1 2 3 4   overall choice
 *   Q W E R   safety        (when the project asks for it)
 *   Z X C V   helpfulness   (when the project asks for it)
 *
 * When the project asks for no criterion, 1-4 cast the vote at once. When it asks for criteria,
 * every key only selects, and Enter sends the vote once the overall choice and every criterion
 * are set (it names what is missing otherwise). Backspace undoes the last vote, S skips the pair,
 * M shows or hides masked model and maker names, B / + / - / 0 act on the image, ? opens the sheet.
 * Pure functions (no DOM), shared by the view, the shortcut sheet and the unit tests.
 */
import type { PreferenceCriterion } from '../../../preload/contract/domain';
import type { SideChoice } from '../../../preload/contract/preferences';
import type { KeyInput, ShortcutGroup } from './labelKeys';

export type PairAction =
  | { type: 'choose'; choice: SideChoice }
  | { type: 'criterion'; criterion: PreferenceCriterion; choice: SideChoice }
  | { type: 'submit' }
  | { type: 'undo' }
  | { type: 'skip' }
  | { type: 'toggleMask' }
  | { type: 'help' }
  | { type: 'reveal' }
  | { type: 'zoom'; step: 'in' | 'out' | 'reset' };

export const CHOICE_ORDER: readonly SideChoice[] = ['left', 'right', 'tie', 'both_bad'];
export const CHOICE_LABEL: Record<SideChoice, string> = { left: 'Left', right: 'Right', tie: 'Tie', both_bad: 'Both bad' };
export const OVERALL_KEYS = ['1', '2', '3', '4'] as const;
export const CRITERION_KEYS: Record<PreferenceCriterion, readonly [string, string, string, string]> = {
  safety: ['Q', 'W', 'E', 'R'],
  helpfulness: ['Z', 'X', 'C', 'V'],
};

/** What a key press means on the voting screen; criterion keys act only for the criteria asked. */
export function pairActionForKey(event: KeyInput, criteria: readonly PreferenceCriterion[]): PairAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const { key } = event;
  if (key === 'Enter') return { type: 'submit' };
  if (key === 'Backspace') return { type: 'undo' };
  if (key === '?') return { type: 'help' };
  if (key === '+' || key === '=') return { type: 'zoom', step: 'in' };
  if (key === '-' || key === '_') return { type: 'zoom', step: 'out' };
  if (key === '0') return { type: 'zoom', step: 'reset' };
  const overall = OVERALL_KEYS.indexOf(key as (typeof OVERALL_KEYS)[number]);
  if (overall >= 0) return { type: 'choose', choice: CHOICE_ORDER[overall]! };
  const upper = key.toUpperCase();
  for (const criterion of criteria) {
    const at = CRITERION_KEYS[criterion].indexOf(upper);
    if (at >= 0) return { type: 'criterion', criterion, choice: CHOICE_ORDER[at]! };
  }
  if (upper === 'S') return { type: 'skip' };
  if (upper === 'M') return { type: 'toggleMask' };
  if (upper === 'B') return { type: 'reveal' };
  return null;
}

export function pairShortcutSheet(criteria: readonly PreferenceCriterion[]): ShortcutGroup[] {
  const direct = criteria.length === 0;
  return [
    {
      title: direct ? 'Vote (one key sends it)' : 'Overall choice',
      keys: CHOICE_ORDER.map((choice, i) => ({ keys: [OVERALL_KEYS[i]!], label: CHOICE_LABEL[choice] })),
    },
    ...criteria.map((criterion) => ({
      title: `${criterion[0]!.toUpperCase()}${criterion.slice(1)}`,
      keys: CHOICE_ORDER.map((choice, i) => ({ keys: [CRITERION_KEYS[criterion][i]!], label: `${CHOICE_LABEL[choice]} on ${criterion}` })),
    })),
    {
      title: 'Queue',
      keys: [
        ...(direct ? [] : [{ keys: ['Enter'], label: 'Send the vote (overall and every criterion set)' }]),
        { keys: ['Backspace'], label: 'Undo the last vote (the pair comes back)' },
        { keys: ['S'], label: 'Skip the pair (comes back last)' },
      ],
    },
    {
      title: 'View',
      keys: [
        { keys: ['M'], label: 'Show / mask model and maker names' },
        { keys: ['B'], label: 'Reveal a blurred image' },
        { keys: ['+', '−'], label: 'Zoom in / out' },
        { keys: ['0'], label: 'Fit image' },
        { keys: ['?'], label: 'This sheet' },
      ],
    },
  ];
}
