/**
 * Identity masking for blind comparisons: a response that names its model or maker ("As an
 * OpenAI model", "I'm Claude, made by Anthropic") would un-blind the vote, so such mentions are
 * shown as a visible `[model]` / `[maker]` marker instead. Pure functions over strings, shared by
 * the server (which masks each response's *own* model name before the text leaves it, so a blind
 * client never receives it) and the renderer (which masks the well-known names below, with a
 * toggle to read the text as written). A marker is always visible: nothing is silently removed.
 */

export type MaskKind = 'model' | 'maker';

export interface TextSegment {
  text: string;
  /** Set when this segment is a masked mention; `text` then holds the original words. */
  mask: MaskKind | null;
}

export const MASK_MARKER: Record<MaskKind, string> = { model: '[model]', maker: '[maker]' };

// A model name's tail: versions and sizes such as "-4o-mini", " 3.5 Sonnet", "2.5-VL-7B-Instruct".
// Words that are also everyday English ("it", "o") only count when joined by a hyphen.
const TAIL_WORD = String.raw`(?:\d+(?:\.\d+)*[a-zA-Z]?|\d+(?:\.\d+)?[bBkKmM]|[vV]\d+(?:\.\d+)*|VL|vl|[Tt]urbo|[Mm]ini|[Nn]ano|[Pp]ro|[Ff]lash|[Uu]ltra|[Ll]ite|[Mm]ax|[Pp]lus|[Ss]onnet|[Oo]pus|[Hh]aiku|[Ii]nstruct|[Cc]hat|[Pp]review|[Cc]oder|[Vv]ision|[Ll]arge|[Mm]edium|[Ss]mall)(?![\w])`;
const TAIL = String.raw`(?:[-\s.]?${TAIL_WORD}|-(?:it|o)(?![\w]))*`;

interface Rule {
  kind: MaskKind;
  regex: RegExp;
}

// A mention ends at a word boundary, so "Claudette" or "GPTQ" is not a model name.
const rule = (kind: MaskKind, source: string, caseInsensitive = false): Rule => ({ kind, regex: new RegExp(`${source}(?![\\w])`, caseInsensitive ? 'gi' : 'g') });

// Makers first, so that "Mistral AI" is one [maker] rather than "[model] AI". Everyday words
// (Meta, Google, Claude, Gemini, Phi, Grok, Bard) are matched capitalised only.
const RULES: readonly Rule[] = [
  rule('maker', String.raw`\bOpen\s?AI\b`, true),
  rule('maker', String.raw`\bAnthropic\b`, true),
  rule('maker', String.raw`\bGoogle(?:\s+DeepMind)?\b`),
  rule('maker', String.raw`\bDeepMind\b`, true),
  rule('maker', String.raw`\bAlibaba(?:\s+(?:Cloud|Group))?\b`, true),
  rule('maker', String.raw`\bMeta(?:\s+(?:AI|Platforms))?(?![-\w])`),
  rule('maker', String.raw`\bMistral\s+AI\b`),
  rule('maker', String.raw`\bMicrosoft\b`),
  rule('maker', String.raw`\bxAI\b`),
  rule('maker', String.raw`\bCohere\b`),
  rule('model', String.raw`\bChatGPT\b`, true),
  rule('model', String.raw`\bGPT(?:[-\s]?\d(?:\.\d)?o?)?${TAIL}`, true),
  rule('model', String.raw`\b(?:Claude|CLAUDE)${TAIL}`),
  rule('model', String.raw`\bGemini${TAIL}`),
  rule('model', String.raw`\bGemma${TAIL}`, true),
  rule('model', String.raw`\b(?:Bard|PaLM(?:\s?2)?)\b`),
  rule('model', String.raw`\bLlama${TAIL}`, true),
  rule('model', String.raw`\bQwen${TAIL}`, true),
  rule('model', String.raw`\bTongyi(?:\s+Qianwen)?\b`, true),
  rule('model', String.raw`\b(?:Mistral|Mixtral|Codestral|Pixtral)${TAIL}`),
  rule('model', String.raw`\bPhi-\d${TAIL}`),
  rule('model', String.raw`\bGrok${TAIL}`),
  rule('model', String.raw`\bDeepSeek${TAIL}`, true),
  rule('model', String.raw`\bInternVL${TAIL}`, true),
  rule('model', String.raw`\bLLaVA${TAIL}`, true),
  rule('model', String.raw`\bCommand[-\s]R\+?`),
];

/**
 * The text cut into plain and masked segments, in order; joining every segment's `text` gives
 * the input back. Overlapping mentions are resolved leftmost-longest.
 */
export function identitySegments(text: string): TextSegment[] {
  const spans: { start: number; end: number; kind: MaskKind }[] = [];
  for (const rule of RULES) {
    rule.regex.lastIndex = 0;
    for (const match of text.matchAll(rule.regex)) {
      const found = match[0].replace(/[\s.-]+$/, '');
      if (found.length === 0 || match.index === undefined) continue;
      spans.push({ start: match.index, end: match.index + found.length, kind: rule.kind });
    }
  }
  spans.sort((x, y) => x.start - y.start || y.end - x.end);
  const segments: TextSegment[] = [];
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue;
    if (span.start > at) segments.push({ text: text.slice(at, span.start), mask: null });
    segments.push({ text: text.slice(span.start, span.end), mask: span.kind });
    at = span.end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), mask: null });
  return segments;
}

/** The text with every well-known model and maker name replaced by its marker. */
export function maskIdentity(text: string): string {
  return identitySegments(text)
    .map((segment) => (segment.mask ? MASK_MARKER[segment.mask] : segment.text))
    .join('');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether a model name is distinctive enough to mask wherever it appears: a name such as
 * "base" or "tuned" is an everyday word, and masking it would mangle ordinary sentences; a name
 * with a digit, a separator or an inner capital ("ckpt-40", "Qwen2-VL-2B", "MyModel") is not.
 */
export function isDistinctiveName(name: string): boolean {
  const trimmed = name.trim();
  if (trimmed.length < 3) return false;
  return /[\d_./-]/.test(trimmed) || /.[A-Z]/.test(trimmed);
}

/**
 * Replaces a response's own model name with `[model]` (the server does this before a blind
 * pair leaves it). Case-insensitive; separators in the name match any of space, hyphen,
 * underscore or dot ("qwen2 vl 2b" for "Qwen2-VL-2B"); for a hub id "org/name" both the id and
 * the name after the slash are masked. Names that are everyday words are left alone
 * (isDistinctiveName).
 */
export function maskOwnModelName(text: string, modelName: string): string {
  const names = new Set<string>();
  const trimmed = modelName.trim();
  if (isDistinctiveName(trimmed)) names.add(trimmed);
  const afterSlash = trimmed.includes('/') ? trimmed.slice(trimmed.lastIndexOf('/') + 1) : '';
  if (afterSlash && isDistinctiveName(afterSlash)) names.add(afterSlash);
  let out = text;
  // Longest first, so the hub id is masked whole before its last part is looked for.
  for (const name of [...names].sort((x, y) => y.length - x.length)) {
    const parts = name
      .split(/[\s_.-]+/)
      .filter(Boolean)
      .map(escapeRegex);
    if (parts.length === 0) continue;
    const pattern = new RegExp(`(?<![\\w])${parts.join('[\\s_.-]?')}(?![\\w])`, 'gi');
    out = out.replace(pattern, MASK_MARKER.model);
  }
  return out;
}
