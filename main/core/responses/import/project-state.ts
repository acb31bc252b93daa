/**
 * What the project already holds that a responses import checks against: its items (by external
 * id, and by prompt text for TRL and chat rows), its responses (to skip duplicates and to resolve
 * votes naming them), its users (to tell a repeated vote from a new one), and earlier votes.
 * Loaded once at the start, a page at a time (the prompt texts only when a line needs them), read-only.
 */
import type { ReadableDB } from '../../../../db/handles.js';
import { userNameKey } from '../../services/users.js';

export interface ItemMatch {
  id: number;
  externalId: string;
}

/** Marks a (item, model name, sample) that two responses of the project share (a registered and a free model of one name). */
export const AMBIGUOUS = -1;

export function responseKey(itemId: number, model: string, sampleIndex: number): string {
  return `${itemId}\u0000${model}\u0000${sampleIndex}`;
}

export function groupKey(itemId: number, model: string): string {
  return `${itemId}\u0000${model}`;
}

export interface ExistingSample {
  id: number;
  sampleIndex: number;
  text: string;
}

export interface ExistingVote {
  choice: string;
  criteria: string;
  blind: number;
  left_response_id: number;
  status: string;
}

/** Rows read per page while loading (a few milliseconds each). */
const PAGE = 5000;

export class ProjectState {
  private readonly itemsById = new Map<string, number>();
  private itemsByText: Map<string, ItemMatch[]> | null = null;
  /** (item, model name, sample index) -> response id, or AMBIGUOUS. */
  private readonly responses = new Map<string, number>();
  private readonly groups = new Map<string, ExistingSample[]>();
  private readonly users = new Map<string, number>();

  private constructor(
    private readonly db: ReadableDB,
    private readonly projectId: number,
  ) {}

  /**
   * Loads items, responses and users a page at a time (keyset pages by id), yielding between
   * pages so a project of 100,000 items does not hold the thread that answers the UI.
   */
  static async load(db: ReadableDB, projectId: number, yieldNow: () => Promise<void>): Promise<ProjectState> {
    const state = new ProjectState(db, projectId);
    const items = db.prepare<{ id: number; external_id: string }>('SELECT id, external_id FROM item WHERE project_id = ? AND id > ? ORDER BY id LIMIT ?');
    for (let after = 0; ;) {
      const page = items.all(projectId, after, PAGE);
      for (const row of page) state.itemsById.set(row.external_id, row.id);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.id;
      await yieldNow();
    }
    const responses = db.prepare<{ id: number; item_id: number; model_name: string; sample_index: number }>(
      'SELECT id, item_id, model_name, sample_index FROM response WHERE project_id = ? AND id > ? ORDER BY id LIMIT ?',
    );
    for (let after = 0; ;) {
      const page = responses.all(projectId, after, PAGE);
      for (const row of page) {
        const key = responseKey(row.item_id, row.model_name, row.sample_index);
        state.responses.set(key, state.responses.has(key) ? AMBIGUOUS : row.id);
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.id;
      await yieldNow();
    }
    for (const row of db.prepare<{ id: number; name_key: string }>('SELECT id, name_key FROM user').all()) state.users.set(row.name_key, row.id);
    return state;
  }

  itemByExternalId(externalId: string): number | undefined {
    return this.itemsById.get(externalId);
  }

  /** Items whose prompt text, trimmed, is exactly this text, trimmed. */
  itemsWithText(text: string): ItemMatch[] {
    if (this.itemsByText === null) {
      this.itemsByText = new Map();
      for (const row of this.db.prepare<{ id: number; external_id: string; text: string }>('SELECT id, external_id, text FROM item WHERE project_id = ? ORDER BY id').iterate(this.projectId)) {
        const key = row.text.trim();
        const list = this.itemsByText.get(key);
        if (list) list.push({ id: row.id, externalId: row.external_id });
        else this.itemsByText.set(key, [{ id: row.id, externalId: row.external_id }]);
      }
    }
    return this.itemsByText.get(text.trim()) ?? [];
  }

  response(itemId: number, model: string, sampleIndex: number): number | undefined {
    return this.responses.get(responseKey(itemId, model, sampleIndex));
  }

  /** The project's responses of one model to one item (for rows known by their text), cached. */
  samples(itemId: number, model: string): ExistingSample[] {
    const key = groupKey(itemId, model);
    let list = this.groups.get(key);
    if (!list) {
      list = this.db.prepare<ExistingSample>('SELECT id, sample_index AS sampleIndex, text FROM response WHERE item_id = ? AND model_name = ? ORDER BY sample_index').all(itemId, model);
      this.groups.set(key, list);
    }
    return list;
  }

  responseText(id: number): string {
    return this.db.prepare<{ text: string }>('SELECT text FROM response WHERE id = ?').get(id)?.text ?? '';
  }

  userId(name: string): number | undefined {
    return this.users.get(userNameKey(name));
  }

  /** Every vote version of one annotator on one pair (ids in canonical order). */
  votes(responseAId: number, responseBId: number, annotatorId: number): ExistingVote[] {
    return this.db
      .prepare<ExistingVote>('SELECT choice, criteria, blind, left_response_id, status FROM preference WHERE response_a_id = ? AND response_b_id = ? AND annotator_id = ?')
      .all(responseAId, responseBId, annotatorId);
  }
}
