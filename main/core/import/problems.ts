/**
 * A list of import problems that stays readable: it keeps the first `cap` entries and counts
 * the rest, then ends with one entry saying how many more there were (a 100,000-row file with
 * the wrong column names should not produce a 100,000-entry report).
 */
import type { ImportProblem } from '../../../preload/contract/domain.js';

export class ProblemList {
  private readonly items: ImportProblem[] = [];
  private overflow = 0;

  constructor(private readonly cap = 1000) {}

  add(problem: ImportProblem): void {
    if (this.items.length < this.cap) this.items.push(problem);
    else this.overflow += 1;
  }

  get count(): number {
    return this.items.length + this.overflow;
  }

  toArray(file: string): ImportProblem[] {
    if (this.overflow === 0) return [...this.items];
    return [...this.items, { file, line: null, field: null, message: `and ${this.overflow.toLocaleString('en-US')} more not listed` }];
  }
}
