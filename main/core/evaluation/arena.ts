/**
 * The blind arena: Bradley-Terry ratings with bootstrap intervals from people's current votes
 * (stats/arena.ts, LMArena's fit), and the position bias over every voter. Votes come from the
 * Vote tab's queue, which already pairs every two models answering the same prompt.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { Arena } from '../../../preload/contract/compare.js';
import type { PreferenceChoice } from '../../../preload/contract/responses.js';
import { arenaLeaderboard, positionBias, type ArenaVote } from './stats/index.js';

interface VoteRow {
  ma: string;
  mb: string;
  choice: PreferenceChoice;
  left_is_a: number;
}

export function arena(db: ReadableDB, input: { projectId: number; models?: string[] | undefined; setId?: number | undefined; rounds: number }): Arena {
  const setFilter = input.setId === undefined ? '' : 'AND h.response_a_id IN (SELECT r.id FROM response r JOIN evaluation_set_item s ON s.item_id = r.item_id WHERE s.set_id = @setId)';
  const rows = db
    .prepare<VoteRow>(
      `SELECT a.model_name AS ma, b.model_name AS mb, h.choice, p.left_response_id = p.response_a_id AS left_is_a
       FROM preference_head h JOIN preference p ON p.id = h.preference_id
       JOIN response a ON a.id = h.response_a_id JOIN response b ON b.id = h.response_b_id
       WHERE h.project_id = @projectId AND h.status = 'submitted' AND a.model_name <> b.model_name ${setFilter}`,
    )
    .all({ projectId: input.projectId, ...(input.setId === undefined ? {} : { setId: input.setId }) })
    .filter((v) => !input.models || (input.models.includes(v.ma) && input.models.includes(v.mb)));
  const votes: ArenaVote[] = rows.map((v) => ({ a: v.ma, b: v.mb, choice: v.choice }));
  const bias = positionBias(rows.map((v) => ({ choice: v.choice, left: v.left_is_a ? 'a' : 'b' })));
  const positionBiasOut = { leftShare: bias.leftShare, p: bias.p, undecided: bias.undecided };
  if (votes.length === 0) return { rows: [], votes: 0, rounds: 0, identified: false, positionBias: positionBiasOut };
  const board = arenaLeaderboard(votes, { rounds: input.rounds });
  return { rows: board.rows, votes: board.votes, rounds: board.rounds, identified: board.identified, positionBias: positionBiasOut };
}
