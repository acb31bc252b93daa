/**
 * The learned verifier's features, exactly as native-models/cosmo_rl/verifiers/learned.py
 * `tokens_for` / `featurize` compute them (its docstring is the specification):
 * 1. answer = group 2 of `^\s*<think>(.*?)</think>(.*)$` (dot matches newlines, first
 *    `</think>`), else the whole response; then trimmed;
 * 2. Unicode NFKC, then lower-case; 3. tokens = maximal runs of `[a-z0-9]`, and with the
 *    config's `ngrams` = 2 every adjacent pair of them joined by one space;
 * 4. plus `__task_<task>` and `__harmful_true|false|none`; 5. feature j = 1 if vocab[j] occurs.
 * Python's `\s` and `str.strip()` use Python's whitespace (with U+001C-U+001F and U+0085, without
 * U+FEFF), which differs from JavaScript's, so it is spelled out here.
 */

/** What str.isspace() is true for (Python 3), as a character-class body. */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const THINK = new RegExp(`^[${PY_SPACE}]*<think>[\\s\\S]*?</think>([\\s\\S]*)$`);
const TRIM = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
const WORD = /[a-z0-9]+/g;

export interface ClassifierItem {
  task: string;
  /** null: not known (the `__harmful_none` pseudo-token). */
  harmful: boolean | null;
}

/** The answer after the leading think block (cosmo_rl.verifiers.text.split_response().answer). */
export function answerOf(response: string): string {
  const match = THINK.exec(response);
  return (match ? match[1]! : response).replace(TRIM, '');
}

export function tokensFor(item: ClassifierItem, response: string, ngrams: 1 | 2 = 1): string[] {
  const words = answerOf(response).normalize('NFKC').toLowerCase().match(WORD) ?? [];
  const pairs = ngrams === 2 ? words.slice(1).map((word, i) => `${words[i]!} ${word}`) : [];
  const harmful = item.harmful === null ? 'none' : String(item.harmful);
  return [...words, ...pairs, `__task_${item.task}`, `__harmful_${harmful}`];
}

/** Row-major float32 [rows, vocab] of 0/1 presence features. */
export function featurize(rows: readonly { item: ClassifierItem; response: string }[], index: ReadonlyMap<string, number>, ngrams: 1 | 2 = 1): Float32Array {
  const out = new Float32Array(rows.length * index.size);
  rows.forEach((row, r) => {
    for (const token of tokensFor(row.item, row.response, ngrams)) {
      const col = index.get(token);
      if (col !== undefined) out[r * index.size + col] = 1;
    }
  });
  return out;
}
