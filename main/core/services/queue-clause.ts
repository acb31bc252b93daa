/**
 * Extra conditions a labelling-queue query can carry on its item `i` (' AND ...' with its
 * parameters in order): quality control uses them to keep gold checks and wellbeing-blocked
 * categories out of the ordinary queue (main/core/quality/).
 */
export interface QueueClause {
  sql: string;
  params: readonly (number | string)[];
}

export const NO_CLAUSE: QueueClause = { sql: '', params: [] };

/** Both clauses at once. */
export function andClauses(a: QueueClause, b: QueueClause): QueueClause {
  return { sql: a.sql + b.sql, params: [...a.params, ...b.params] };
}
