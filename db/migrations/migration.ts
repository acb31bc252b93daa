/** One schema change. `up` is plain SQL run inside the runner's single transaction. */
export interface Migration {
  /** 1, 2, 3 ... with no gaps; becomes PRAGMA user_version once applied. */
  version: number;
  /** snake_case, matches the file name after the number. */
  name: string;
  up: string;
}
