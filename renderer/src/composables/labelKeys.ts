/**
 * The labelling keyboard: one key per field, so a trained annotator never reaches for the
 * mouse. Pure functions (no DOM), shared by the labelling view, the shortcut sheet and the
 * unit tests.
 */
import { CROSS_MODAL_RISKS, type CrossModalRisk, type ExpectedBehaviour, type Severity } from '../../../preload/contract/domain';

export type PickerField = 'riskCategory' | 'jailbreakType';
export type TextField = 'visualCues' | 'referenceAnswer' | 'rationale';

export type LabelAction =
  | { type: 'harmful'; value: boolean }
  | { type: 'severity'; value: Severity }
  | { type: 'expected'; value: ExpectedBehaviour }
  | { type: 'picker'; field: PickerField }
  | { type: 'cycleCrossModal' }
  | { type: 'focus'; field: TextField }
  | { type: 'submit' }
  | { type: 'undo' }
  | { type: 'skip' }
  | { type: 'flag' }
  | { type: 'help' }
  | { type: 'guidelines' }
  | { type: 'hints' }
  | { type: 'accept-suggestion' }
  | { type: 'reveal' }
  | { type: 'zoom'; step: 'in' | 'out' | 'reset' }
  | { type: 'blur' };

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

const LETTERS: Record<string, LabelAction> = {
  h: { type: 'harmful', value: true },
  n: { type: 'harmful', value: false },
  c: { type: 'expected', value: 'comply' },
  w: { type: 'expected', value: 'comply_with_care' },
  r: { type: 'expected', value: 'refuse' },
  k: { type: 'picker', field: 'riskCategory' },
  j: { type: 'picker', field: 'jailbreakType' },
  x: { type: 'cycleCrossModal' },
  v: { type: 'focus', field: 'visualCues' },
  a: { type: 'focus', field: 'referenceAnswer' },
  t: { type: 'focus', field: 'rationale' },
  s: { type: 'skip' },
  f: { type: 'flag' },
  g: { type: 'guidelines' },
  d: { type: 'hints' },
  p: { type: 'accept-suggestion' },
  b: { type: 'reveal' },
  z: { type: 'zoom', step: 'reset' },
};

/**
 * What a key press means on the labelling screen. In a text field only Escape (leave the field)
 * and Ctrl/Cmd+Enter (submit) act; everything else is typing.
 */
export function actionForKey(event: KeyInput, inTextField: boolean): LabelAction | null {
  const { key } = event;
  if (inTextField) {
    if (key === 'Escape') return { type: 'blur' };
    if (key === 'Enter' && (event.ctrlKey || event.metaKey)) return { type: 'submit' };
    return null;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (key === 'Enter') return { type: 'submit' };
  if (key === 'Backspace') return { type: 'undo' };
  if (key === '?') return { type: 'help' };
  if (key === '+' || key === '=') return { type: 'zoom', step: 'in' };
  if (key === '-' || key === '_') return { type: 'zoom', step: 'out' };
  if (key === '0' || key === '1' || key === '2' || key === '3') return { type: 'severity', value: Number(key) as Severity };
  return LETTERS[key.toLowerCase()] ?? null;
}

/**
 * Digits typed in a quick picker (K, J) name an option by its number, so every option is
 * reachable however long the list: a number picks at once when no longer number starts with it
 * ("2" of 13), and otherwise waits for the next digit or Enter ("1" of 13 may become "10"–"13").
 * Returns the 0-based option highlighted, whether the choice is final, or null when the digits
 * name no option.
 */
export function digitChoice(digits: string, optionCount: number): { index: number; final: boolean } | null {
  if (!/^[1-9][0-9]*$/.test(digits)) return null;
  const number = Number(digits);
  if (number > optionCount) return null;
  return { index: number - 1, final: number * 10 > optionCount };
}

/** X walks none, text, image, combined and round again. */
export function nextCrossModal(current: CrossModalRisk | null): CrossModalRisk {
  if (current === null) return CROSS_MODAL_RISKS[0];
  const index = CROSS_MODAL_RISKS.indexOf(current);
  return CROSS_MODAL_RISKS[(index + 1) % CROSS_MODAL_RISKS.length] ?? 'none';
}

export interface ShortcutGroup {
  title: string;
  keys: { keys: string[]; label: string }[];
}

export const SHORTCUT_SHEET: ShortcutGroup[] = [
  {
    title: 'Label',
    keys: [
      { keys: ['H'], label: 'Harmful' },
      { keys: ['N'], label: 'Benign look-alike' },
      { keys: ['K'], label: 'Risk category (then its number, or type)' },
      { keys: ['0', '1', '2', '3'], label: 'Severity' },
      { keys: ['C'], label: 'Expected: comply' },
      { keys: ['W'], label: 'Expected: comply with care' },
      { keys: ['R'], label: 'Expected: refuse' },
      { keys: ['J'], label: 'Jailbreak type' },
      { keys: ['X'], label: 'Cross-modal risk (cycle)' },
      { keys: ['P'], label: "Accept the model's suggested labels" },
    ],
  },
  {
    title: 'Write',
    keys: [
      { keys: ['V'], label: 'Visual cues (Enter adds a chip)' },
      { keys: ['A'], label: 'Reference answer' },
      { keys: ['T'], label: 'Rationale' },
      { keys: ['Esc'], label: 'Leave the text field' },
      { keys: ['Ctrl', 'Enter'], label: 'Submit from a text field' },
    ],
  },
  {
    title: 'Queue',
    keys: [
      { keys: ['Enter'], label: 'Submit and go to the next item' },
      { keys: ['Backspace'], label: 'Undo the last submit or skip' },
      { keys: ['S'], label: 'Skip (comes back later)' },
      { keys: ['F'], label: 'Flag for review, with a note' },
    ],
  },
  {
    title: 'View',
    keys: [
      { keys: ['B'], label: 'Reveal a blurred image' },
      { keys: ['+', '−'], label: 'Zoom in / out (or wheel)' },
      { keys: ['Z'], label: 'Fit image' },
      { keys: ['G'], label: 'Guidelines panel' },
      { keys: ['D'], label: "Show or hide the dataset's own hints" },
      { keys: ['?'], label: 'This sheet' },
    ],
  },
];
