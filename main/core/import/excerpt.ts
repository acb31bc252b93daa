/**
 * A line of an imported file as a report or preview shows it: cut to a readable length, with
 * control and bidirectional-formatting characters (and tab, CR, LF) written as `\uXXXX`, so a
 * crafted line can neither hide text nor reorder what a person reads.
 */
const UNSAFE_IN_A_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

const visible = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Characters kept of a line in a report. */
export const EXCERPT_CHARS = 200;

export function excerpt(text: string, max: number = EXCERPT_CHARS): string {
  const chars = [...text];
  const cut = chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
  return cut.replace(UNSAFE_IN_A_LINE, visible);
}
