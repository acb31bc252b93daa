/**
 * Where the names of chart points go, shared by the app's charts (renderer) and the report's
 * inline SVG (main/core/evaluation/report-svg.ts), so both read the same. Model names can be long
 * (a checkpoint is "<run> · <base model> · stage2 step 40") and several models often sit on the
 * same point (checkpoints that did not move yet): a name is shortened in the middle to the room it
 * has, so the run and the step stay readable, and names that would overlap are stacked. Pure
 * functions over numbers: the report is built as a string with no DOM to measure text in, so
 * widths are estimated from a per-character advance.
 */

/** Average advance of a character of 12 px semibold sans-serif, in px: an estimate on the wide side. */
export const LABEL_CHAR_WIDTH = 7;
/** Vertical distance between two stacked names, in px. */
export const LABEL_LINE_HEIGHT = 15;

/** `text` in at most `max` characters: its middle gives way to "…" so its start and end stay. */
export function shortenMiddle(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 1) return '…';
  const tail = Math.floor((max - 1) / 2);
  const head = max - 1 - tail;
  return `${chars.slice(0, head).join('').trimEnd()}…${tail > 0 ? chars.slice(-tail).join('').trimStart() : ''}`;
}

/** The most characters of LABEL_CHAR_WIDTH that fit in `width` px. */
export function charsThatFit(width: number, charWidth = LABEL_CHAR_WIDTH): number {
  return Math.max(1, Math.floor(width / charWidth));
}

export interface LabelBox {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface PlacedLabel {
  /** The text to draw: the name, or its middle shortened. */
  text: string;
  /** Where to draw it (`y` is the baseline) and which end `x` is. */
  x: number;
  y: number;
  anchor: 'start' | 'end';
}

interface Placed {
  from: number;
  to: number;
  y: number;
}

/**
 * One name per point (in order), beside its point and inside `box`: to the right, or to the
 * left when it fits only there (or has more room there); shortened to the room on that side; and
 * moved up or down by lines, nearest first, until it overlaps no name placed before it. Names
 * that find no free place stay at the point's side (it never happens with a handful of models).
 */
export function placeLabels(
  points: readonly { x: number; y: number; text: string }[],
  box: LabelBox,
  options: { gap?: number; rise?: number; charWidth?: number; lineHeight?: number } = {},
): PlacedLabel[] {
  const gap = options.gap ?? 9;
  const rise = options.rise ?? 8;
  const charWidth = options.charWidth ?? LABEL_CHAR_WIDTH;
  const line = options.lineHeight ?? LABEL_LINE_HEIGHT;
  const placed: Placed[] = [];
  return points.map((p) => {
    const roomRight = box.right - (p.x + gap);
    const roomLeft = p.x - gap - box.left;
    const width = [...p.text].length * charWidth;
    const right = width <= roomRight || roomRight >= roomLeft;
    const text = shortenMiddle(p.text, charsThatFit(right ? roomRight : roomLeft, charWidth));
    const w = [...text].length * charWidth;
    const from = right ? p.x + gap : p.x - gap - w;
    const to = from + w;
    const free = (y: number) => y - line + 4 >= box.top && y + 4 <= box.bottom && placed.every((o) => o.to <= from || o.from >= to || Math.abs(o.y - y) >= line);
    const first = p.y - rise;
    let y = first;
    // One line up, two down, two up, three down...: one line down would sit on the point's own
    // horizontal whisker.
    for (let k = 1; !free(y) && k <= 12; k++) {
      for (const candidate of [first - k * line, first + (k + 1) * line]) {
        if (free(candidate)) {
          y = candidate;
          break;
        }
      }
    }
    placed.push({ from, to, y });
    return { text, x: right ? p.x + gap : p.x - gap, y, anchor: right ? 'start' : 'end' };
  });
}
