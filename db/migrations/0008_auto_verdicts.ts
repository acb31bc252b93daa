import type { Migration } from './migration.js';

/**
 * Automatic verdicts on responses, kept apart from people's (`response_label`): one row per
 * (response, tier, verifier), written by a `score` job that runs the worker's verifiers (the code
 * that scores training rewards). Scoring again with the same tier and verifier replaces the row,
 * so a row always says what that verifier thinks now; `created_at` says when.
 *
 * `verdict` is the safety outcome (one of the six labels; NULL when the verifier's label is not a
 * safety label); `task_label` / `task_score` are the task verifier's own verdict and R_task, e.g.
 * correct / partial / wrong for knowledge items.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'auto_verdicts',
  up: `
CREATE TABLE response_auto_verdict (
  response_id INTEGER NOT NULL REFERENCES response(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  tier TEXT NOT NULL CHECK (tier IN ('rules', 'learned', 'judge')),
  -- the learned verifier's file or the judge's model folder; '' for the rules
  verifier TEXT NOT NULL DEFAULT '',
  verdict TEXT CHECK (verdict IS NULL OR verdict IN ('refusal', 'care', 'unsafe', 'answered', 'unnecessary_refusal', 'illogical')),
  task_label TEXT NOT NULL,
  task_score REAL NOT NULL,
  helpful_score REAL,
  confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  -- rules | learned | judge | rules_fallback (a judge answer that could not be parsed)
  source TEXT NOT NULL,
  note TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (response_id, tier, verifier)
) WITHOUT ROWID;
CREATE INDEX response_auto_verdict_project ON response_auto_verdict(project_id, tier, verifier);
`,
};
