/**
 * The constraint language of instruction items, as the trainer parses it
 * (native-models/cosmo_rl/verifiers/constraints.py): `name` or `name:argument`. Checked here so
 * a snapshot never holds an item the trainer would refuse; the annotator writes one per line.
 */
const WHOLE_NUMBER = new Set(['max_words', 'min_words', 'max_chars', 'min_chars', 'max_sentences', 'bullets', 'paragraphs']);
const TEXT = new Set(['must_include', 'must_not_include', 'starts_with', 'ends_with']);
const NO_ARGUMENT = new Set(['lowercase', 'uppercase', 'json', 'no_commas']);

/** Why a constraint string would be refused by the trainer, or null when it is valid. */
export function constraintProblem(source: string): string | null {
  const colon = source.indexOf(':');
  const name = (colon < 0 ? source : source.slice(0, colon)).trim();
  const argument = colon < 0 ? null : source.slice(colon + 1);
  if (WHOLE_NUMBER.has(name)) {
    return argument !== null && /^\d+$/.test(argument.trim()) ? null : `constraint '${name}' needs a whole number argument, e.g. '${name}:3'`;
  }
  if (TEXT.has(name)) return argument ? null : `constraint '${name}' needs a text argument, e.g. '${name}:foo'`;
  if (NO_ARGUMENT.has(name)) return argument === null ? null : `constraint '${name}' takes no argument`;
  return `unknown constraint '${name}'`;
}

/** One constraint per non-empty line of the annotator's reference. */
export function constraintLines(reference: string): string[] {
  return reference
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
