import type { Migration } from './migration.js';

/**
 * Per-person links for a team on `studio serve`: an admin makes a link for one person; its token
 * binds every call made with it to that user (labels are attributed from the token, the user's
 * role decides what the server lets it do). Only the token's SHA-256 is kept: the token itself is
 * shown once, when the link is made. Revoking sets revoked_at; rows are never deleted, so a label
 * made through a link can always be traced to it.
 */
export const migration0014: Migration = {
  version: 14,
  name: 'access_links',
  up: `
CREATE TABLE access_link (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES user(id),
  -- hex SHA-256 of the token; the token itself is never stored
  token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX access_link_user ON access_link(user_id);
`,
};
