/**
 * Text that came from files (ids, field values, file and project names inside problems) is
 * printed with its control and bidirectional-formatting characters escaped, so a crafted file
 * cannot move the cursor, recolour or clear the terminal (ESC sequences), rewrite the line (CR),
 * or reorder what a person reads (U+202E and the other bidi overrides and isolates).
 *
 * Escapes are written as `\uXXXX`: readable, and still valid inside a JSON string, so the same
 * filter also runs over `--json` output (JSON.stringify already escapes C0 controls, not these).
 */

/** C0 controls but tab and newline; DEL; C1 controls; bidi marks, embeddings, overrides, isolates; line and paragraph separators. */
const UNSAFE_KEEPING_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
/** The same, and tab, newline and carriage return too: for one field of one line. */
const UNSAFE_IN_A_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

const visible = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** For a value printed inside one line (a problem, a name): every control character escaped. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE_IN_A_LINE, visible);
}

/**
 * For whole blocks of output the CLI writes itself: its own line breaks kept, and a carriage
 * return only where the progress bar puts one (first or last character of a write).
 */
export function escapeOutput(text: string): string {
  return text.replace(UNSAFE_KEEPING_LINES, (char, offset: number) => (char === '\r' && (offset === 0 || offset === text.length - 1) ? char : visible(char)));
}
