/**
 * The review keyboard (the Review tab: one disagreement at a time). Pure functions and tables
 * (no DOM), shared by the view, its shortcut sheet and the unit tests.
 *
 *   1-9        pick that person's label as the gold one (then the reason field takes the typing)
 *   O          write my own (starts from the picked label, if any)
 *   Y          focus the reason ("why")
 *   A B T N    votes: my own gold choice (A, B, tie, neither: both bad)
 *   Enter      confirm the gold label (from the reason field too: it is one line)
 *   Backspace  undo the last gold label · S skip · V prompts / responses / votes · ? shortcuts
 */
import type { PreferenceChoice } from '../../../preload/contract/responses';
import type { KeyInput, ShortcutGroup } from './labelKeys';

/** The votes mode's own-choice keys. */
export const CHOICE_KEYS: Record<string, PreferenceChoice> = { a: 'a', b: 'b', t: 'tie', n: 'both_bad' };

export type ReviewAction =
  | { type: 'pick'; index: number }
  | { type: 'own' }
  | { type: 'choose'; choice: PreferenceChoice }
  | { type: 'reason' }
  | { type: 'confirm' }
  | { type: 'undo' }
  | { type: 'skip' }
  | { type: 'mode' }
  | { type: 'help' }
  | { type: 'blur' };

/** Where the key landed: no text field, a one-line input (the reason), or a multi-line field. */
export type KeyTarget = 'none' | 'line' | 'area';

export function reviewActionForKey(event: KeyInput, target: KeyTarget): ReviewAction | null {
  const { key } = event;
  if (target !== 'none') {
    if (key === 'Escape') return { type: 'blur' };
    // The reason is a single line, so Enter confirms from it; a textarea (own rationale) needs Ctrl.
    if (key === 'Enter' && (event.ctrlKey || event.metaKey || target === 'line')) return { type: 'confirm' };
    return null;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (/^[1-9]$/.test(key)) return { type: 'pick', index: Number(key) - 1 };
  if (key === 'Enter') return { type: 'confirm' };
  if (key === 'Backspace') return { type: 'undo' };
  if (key === '?') return { type: 'help' };
  const choice = CHOICE_KEYS[key.toLowerCase()];
  if (choice) return { type: 'choose', choice };
  switch (key.toLowerCase()) {
    case 'o':
      return { type: 'own' };
    case 'y':
      return { type: 'reason' };
    case 's':
      return { type: 'skip' };
    case 'v':
      return { type: 'mode' };
    default:
      return null;
  }
}

export const REVIEW_SHORTCUT_SHEET: ShortcutGroup[] = [
  {
    title: 'Decide',
    keys: [
      { keys: ['1', '…', '9'], label: "Pick that person's label as gold" },
      { keys: ['O'], label: 'Write my own label' },
      { keys: ['A', 'B', 'T', 'N'], label: 'Votes: my own choice (A, B, tie, both bad)' },
      { keys: ['Y'], label: 'Write the reason' },
      { keys: ['Enter'], label: 'Confirm the gold label (also from the reason)' },
      { keys: ['Esc'], label: 'Leave the text field' },
    ],
  },
  {
    title: 'Queue',
    keys: [
      { keys: ['Backspace'], label: 'Undo the last gold label' },
      { keys: ['S'], label: 'Skip (comes back later)' },
      { keys: ['V'], label: 'Prompt labels / response verdicts / votes' },
      { keys: ['?'], label: 'This sheet' },
    ],
  },
];
