/**
 * The import plan: every accepted line of a responses file resolved against the project and the
 * lines before it, without touching the database. It matches each line's item, tells new
 * responses from duplicates (same item, model and sample index; or, for TRL and chat rows that
 * give no sample index, the same item, model and text), gives text-known responses the next free
 * sample index, and resolves votes once the whole file is read (a vote may name a response that
 * comes later in the file). A line is taken whole or not at all.
 */
import type { FieldProblem, ParsedVerdict, JsonObject } from './fields.js';
import { quote } from './fields.js';
import type { ItemRef, ParsedLine, ParsedPreference, ParsedResponse, Side } from './parse-line.js';
import { AMBIGUOUS, groupKey, responseKey, type ProjectState } from './project-state.js';
import { meaningOf, sameHandle, storedSignature, type Handle } from './votes.js';
import { userNameKey } from '../../services/users.js';

export interface StagedResponse {
  itemId: number;
  model: string;
  sampleIndex: number;
  text: string;
  params: JsonObject;
  line: number;
  verdicts: ParsedVerdict[];
}

export interface PlannedVote {
  line: number;
  itemId: number;
  /** The file's a and b (not yet in canonical order). */
  a: Handle;
  b: Handle;
  preference: ParsedPreference;
}

export interface LineOutcome {
  /** Non-empty: the line is refused (nothing of it is taken). */
  problems: FieldProblem[];
  duplicates: FieldProblem[];
}

export interface VoteOutcome extends LineOutcome {
  line: number;
}

interface PendingVote {
  line: number;
  itemId: number;
  itemName: string;
  preference: ParsedPreference;
  /** The line's own responses, for TRL rows (text-known, so never ambiguous). */
  own: (Handle | null)[];
}

interface Known {
  handle: Handle;
  line: number;
  text: string;
}

/** The file's responses of one model to one item (a handful: a list beats a map). */
interface FileGroup {
  max: number;
  known: Known[];
}

type Resolution =
  | { kind: 'new'; sampleIndex: number }
  /** The same response as an earlier one of the same line (a TRL row whose chosen and rejected are one). */
  | { kind: 'own'; handle: Handle }
  /** Handle null: the project holds two responses it could be (a registered and a free model of one name). */
  | { kind: 'duplicate'; handle: Handle | null; message: string };

function verdictNote(r: ParsedResponse): string {
  return r.verdicts.length ? ` (its ${r.verdicts.length} verdict${r.verdicts.length === 1 ? ' was' : 's were'} not imported)` : '';
}

export class ImportPlan {
  readonly staged: StagedResponse[] = [];
  readonly votes: PlannedVote[] = [];
  private readonly fileKeys = new Map<string, Known>();
  /** (item, model) -> the file's responses of it by text, and the highest sample index used. */
  private readonly fileGroups = new Map<string, FileGroup>();
  /** Groups are built the first time a line needs them (files of our own lines never do). */
  private groupsBuilt = false;
  private readonly pending: PendingVote[] = [];
  /** (pair, annotator) -> signature of the file's latest vote on it. */
  private readonly latestVote = new Map<string, string>();

  constructor(private readonly state: ProjectState) {}

  private resolveItem(ref: ItemRef): { id: number; name: string } | FieldProblem {
    if (ref.by === 'id') {
      const id = this.state.itemByExternalId(ref.externalId);
      return id === undefined ? { field: ref.field, message: `item_id "${ref.externalId}" is not an item of this project` } : { id, name: ref.externalId };
    }
    const matches = this.state.itemsWithText(ref.text);
    if (matches.length === 0) return { field: ref.field, message: `no item of this project has the prompt text ${quote(ref.text)}` };
    if (matches.length > 1) {
      const ids = matches
        .slice(0, 5)
        .map((m) => `"${m.externalId}"`)
        .join(', ');
      return { field: ref.field, message: `the prompt text ${quote(ref.text)} matches ${matches.length} items of this project (${ids}); add item_id to say which` };
    }
    return { id: matches[0]!.id, name: matches[0]!.externalId };
  }

  private group(itemId: number, model: string): FileGroup {
    const key = groupKey(itemId, model);
    let group = this.fileGroups.get(key);
    if (!group) {
      group = { max: -1, known: [] };
      this.fileGroups.set(key, group);
    }
    return group;
  }

  /** What a response of a line is: new (with its sample index) or one the file or project already has. `own`: earlier responses of the same line. */
  private resolveResponse(itemId: number, itemName: string, r: ParsedResponse, own: StagedResponse[]): Resolution {
    const ownHit = own.findIndex((o) => o.model === r.model && (r.sampleIndex === null ? o.text === r.text : o.sampleIndex === r.sampleIndex));
    if (ownHit >= 0) return { kind: 'own', handle: { kind: 'staged', index: this.staged.length + ownHit } };
    if (r.sampleIndex !== null) {
      const known = this.fileKeys.get(responseKey(itemId, r.model, r.sampleIndex));
      if (known) {
        const differs = known.text === r.text ? '' : ' (with a different text)';
        return {
          kind: 'duplicate',
          handle: known.handle,
          message: `same item, model "${r.model}" and sample_index ${r.sampleIndex} as line ${known.line}${differs}; not imported twice${verdictNote(r)}`,
        };
      }
      const existing = this.state.response(itemId, r.model, r.sampleIndex);
      if (existing !== undefined && existing !== AMBIGUOUS) {
        const differs = this.state.responseText(existing) === r.text ? '' : ' with a different text';
        return {
          kind: 'duplicate',
          handle: { kind: 'existing', id: existing },
          message: `item "${itemName}" already has a response of model "${r.model}" with sample_index ${r.sampleIndex}${differs}; not imported twice${verdictNote(r)}`,
        };
      }
      if (existing === AMBIGUOUS)
        return { kind: 'duplicate', handle: null, message: `item "${itemName}" already has responses of model "${r.model}" with sample_index ${r.sampleIndex}; not imported twice${verdictNote(r)}` };
      return { kind: 'new', sampleIndex: r.sampleIndex };
    }
    this.buildGroups();
    const group = this.group(itemId, r.model);
    const known = group.known.find((k) => k.text === r.text);
    if (known) return { kind: 'duplicate', handle: known.handle, message: `same item, model "${r.model}" and text as line ${known.line}; not imported twice${verdictNote(r)}` };
    const samples = this.state.samples(itemId, r.model);
    const same = samples.find((s) => s.text === r.text);
    if (same) {
      return {
        kind: 'duplicate',
        handle: { kind: 'existing', id: same.id },
        message: `item "${itemName}" already has this response of model "${r.model}" (sample_index ${same.sampleIndex}); not imported twice${verdictNote(r)}`,
      };
    }
    const fileMax = Math.max(group.max, ...own.filter((o) => o.itemId === itemId && o.model === r.model).map((o) => o.sampleIndex));
    const projectMax = samples.length ? samples[samples.length - 1]!.sampleIndex : -1;
    return { kind: 'new', sampleIndex: Math.max(fileMax, projectMax) + 1 };
  }

  private remember(s: StagedResponse, handle: Handle): void {
    const known: Known = { handle, line: s.line, text: s.text };
    this.fileKeys.set(responseKey(s.itemId, s.model, s.sampleIndex), known);
    if (this.groupsBuilt) this.addToGroup(s, known);
  }

  private addToGroup(s: StagedResponse, known: Known): void {
    const group = this.group(s.itemId, s.model);
    group.max = Math.max(group.max, s.sampleIndex);
    group.known.push(known);
  }

  private buildGroups(): void {
    if (this.groupsBuilt) return;
    this.groupsBuilt = true;
    for (const known of this.fileKeys.values()) {
      if (known.handle.kind === 'staged') this.addToGroup(this.staged[known.handle.index]!, known);
    }
  }

  /** Resolves one parsed line; on success its responses are staged and its vote waits for the end of the file. */
  addLine(parsed: ParsedLine, line: number): LineOutcome {
    const item = this.resolveItem(parsed.item);
    if ('field' in item) return { problems: [item], duplicates: [] };
    const duplicates: FieldProblem[] = [];
    const own: StagedResponse[] = [];
    const handles: (Handle | null)[] = [];
    for (const r of parsed.responses) {
      const resolution = this.resolveResponse(item.id, item.name, r, own);
      if (resolution.kind !== 'new') {
        handles.push(resolution.handle);
        if (resolution.kind === 'duplicate') duplicates.push({ field: r.field, message: resolution.message });
        continue;
      }
      handles.push({ kind: 'staged', index: this.staged.length + own.length });
      own.push({ itemId: item.id, model: r.model, sampleIndex: resolution.sampleIndex, text: r.text, params: r.params, line, verdicts: r.verdicts });
    }
    const p = parsed.preference;
    const ownA = p?.a.kind === 'line' ? handles[p.a.index] : undefined;
    const ownB = p?.b.kind === 'line' ? handles[p.b.index] : undefined;
    if (p && ownA && ownB && sameHandle(ownA, ownB)) {
      return { problems: [{ field: p.b.field, message: `${p.a.field} and ${p.b.field} are the same response (model "${parsed.responses[0]?.model ?? ''}", same text)` }], duplicates: [] };
    }
    own.forEach((s, i) => this.remember(s, { kind: 'staged', index: this.staged.length + i }));
    this.staged.push(...own);
    if (p) this.pending.push({ line, itemId: item.id, itemName: item.name, preference: p, own: handles });
    return { problems: [], duplicates };
  }

  private resolveSide(vote: PendingVote, side: Side): Handle | FieldProblem {
    if (side.kind === 'line') {
      const own = vote.own[side.index];
      if (own) return own;
      return { field: side.field, message: `item "${vote.itemName}" has two responses this could be; the vote cannot say which` };
    }
    const known = this.fileKeys.get(responseKey(vote.itemId, side.model, side.sampleIndex));
    if (known) return known.handle;
    const existing = this.state.response(vote.itemId, side.model, side.sampleIndex);
    if (existing === AMBIGUOUS) {
      return {
        field: side.field,
        message: `item "${vote.itemName}" has two responses named "${side.model}" with sample_index ${side.sampleIndex} (a registered model and an imported one); the vote cannot say which`,
      };
    }
    if (existing !== undefined) return { kind: 'existing', id: existing };
    return { field: side.field, message: `no response of model "${side.model}" with sample_index ${side.sampleIndex} for item "${vote.itemName}", in this file or the project` };
  }

  /** True when the project already holds this vote, or the file's previous vote on the pair by the same annotator is this one. */
  private repeated(vote: PendingVote, a: Handle, b: Handle): boolean {
    const p = vote.preference;
    const meaning = meaningOf({ a, b, choice: p.choice, criteria: p.criteria, blind: p.blind, left: p.left, status: p.status });
    const latestKey = `${meaning.pair}|${userNameKey(p.annotator)}`;
    if (this.latestVote.get(latestKey) === meaning.signature) return true;
    this.latestVote.set(latestKey, meaning.signature);
    const annotatorId = this.state.userId(p.annotator);
    if (a.kind !== 'existing' || b.kind !== 'existing' || annotatorId === undefined) return false;
    const [low, high] = a.id < b.id ? [a.id, b.id] : [b.id, a.id];
    return this.state.votes(low, high, annotatorId).some((row) => storedSignature(row, low) === meaning.signature);
  }

  /** Resolves the votes once every line is read, in file order. */
  resolveVotes(): VoteOutcome[] {
    const outcomes: VoteOutcome[] = [];
    for (const vote of this.pending) {
      const p = vote.preference;
      const a = this.resolveSide(vote, p.a);
      const b = this.resolveSide(vote, p.b);
      const problems = [a, b].filter((h): h is FieldProblem => 'field' in h);
      if (problems.length) {
        outcomes.push({ line: vote.line, problems, duplicates: [] });
        continue;
      }
      const [ha, hb] = [a as Handle, b as Handle];
      if (sameHandle(ha, hb)) {
        const side = p.a.kind === 'ref' ? `model "${p.a.model}", sample_index ${p.a.sampleIndex}` : 'same text';
        outcomes.push({ line: vote.line, problems: [{ field: p.b.field, message: `a and b are the same response (${side})` }], duplicates: [] });
        continue;
      }
      if (this.repeated(vote, ha, hb)) {
        outcomes.push({
          line: vote.line,
          problems: [],
          duplicates: [{ field: 'preference', message: `${p.annotator}'s same vote on this pair is already in the project or on an earlier line; not imported twice` }],
        });
        continue;
      }
      this.votes.push({ line: vote.line, itemId: vote.itemId, a: ha, b: hb, preference: p });
      outcomes.push({ line: vote.line, problems: [], duplicates: [] });
    }
    return outcomes;
  }
}
