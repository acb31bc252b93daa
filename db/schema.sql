-- db/schema.sql: the schema the migrations in db/registry.ts produce. Generated; do not edit.
-- Regenerate: UPDATE_SCHEMA_SNAPSHOT=1 npx vitest run tests/unit/storage-schema.test.ts
-- user_version: 23

CREATE INDEX access_link_user ON access_link(user_id);

CREATE INDEX annotation_annotator ON annotation(annotator_id);

CREATE INDEX annotation_head_annotator ON annotation_head(project_id, annotator_id, status, annotation_id);

CREATE INDEX annotation_head_expected ON annotation_head(project_id, expected) WHERE status = 'submitted';

CREATE INDEX annotation_head_risk ON annotation_head(project_id, risk_category) WHERE status = 'submitted';

CREATE INDEX annotation_project ON annotation(project_id);

CREATE INDEX deletion_project ON deletion(project_id, id);

CREATE INDEX evaluation_active ON evaluation(status) WHERE status IN ('queued', 'running', 'cancelling');

CREATE INDEX evaluation_project ON evaluation(project_id);

CREATE INDEX evaluation_set_item_item ON evaluation_set_item(item_id);

CREATE INDEX export_project ON export(project_id);

CREATE INDEX export_project_created ON export (project_id, created_at);

CREATE INDEX gold_check_project ON gold_check(project_id);

CREATE INDEX gold_head_project ON gold_head(project_id, status, gold_id);

CREATE INDEX gold_label_project ON gold_label(project_id);

CREATE INDEX import_batch_project ON import_batch(project_id);

CREATE INDEX item_flag_annotator ON item_flag(annotator_id);

CREATE INDEX item_flagged ON item(project_id) WHERE flag_count > 0;

CREATE INDEX item_image ON item(image_sha256) WHERE image_sha256 IS NOT NULL;

CREATE INDEX item_import ON item(import_id) WHERE import_id IS NOT NULL;

CREATE INDEX item_label_count ON item(project_id, label_count);

CREATE INDEX item_project ON item(project_id);

CREATE INDEX item_queue ON item(project_id, complete);

CREATE INDEX item_split_task ON item(project_id, split, task);

CREATE INDEX item_task ON item(project_id, task);

CREATE UNIQUE INDEX model_base_path ON model(path) WHERE kind = 'base' AND deleted_at IS NULL;

CREATE INDEX model_kind ON model(kind);

CREATE INDEX preference_gold_head_project ON preference_gold_head(project_id, status, gold_id);

CREATE INDEX preference_gold_project ON preference_gold(project_id);

CREATE INDEX preference_head_annotator ON preference_head(project_id, annotator_id, status, preference_id);

CREATE INDEX preference_item ON preference(item_id);

CREATE INDEX preference_project ON preference(project_id);

CREATE INDEX preference_review_skip_order ON preference_review_skip(project_id, reviewer_id);

CREATE INDEX preference_skip_order ON preference_skip(project_id, annotator_id);

CREATE INDEX prompt_label_score_queue ON prompt_label_score(verifier_id, uncertainty DESC, item_id);

CREATE INDEX queue_skip_item ON queue_skip(item_id);

CREATE INDEX queue_skip_order ON queue_skip(project_id, annotator_id);

CREATE INDEX response_auto_verdict_project ON response_auto_verdict(project_id, tier, verifier);

CREATE INDEX response_browse_disagreement ON response(project_id, disagreement, verdict_count);

CREATE INDEX response_browse_model ON response(project_id, model_name);

CREATE INDEX response_browse_project ON response(project_id);

CREATE INDEX response_gold_head_project ON response_gold_head(project_id, status, gold_id);

CREATE INDEX response_gold_project ON response_gold(project_id);

CREATE INDEX response_import ON response(import_id) WHERE import_id IS NOT NULL;

CREATE INDEX response_item ON response(item_id);

CREATE INDEX response_label_head_annotator ON response_label_head(project_id, annotator_id, status, label_id);

CREATE INDEX response_label_head_verdict ON response_label_head(project_id, verdict, status);

CREATE INDEX response_label_item ON response_label(item_id);

CREATE INDEX response_label_project ON response_label(project_id);

CREATE INDEX response_model ON response(project_id, model_key);

CREATE INDEX response_queue ON response(project_id, complete);

CREATE INDEX response_skip_order ON response_skip(project_id, annotator_id);

CREATE INDEX review_skip_order ON review_skip(project_id, reviewer_id, kind);

CREATE INDEX run_active ON run(status) WHERE status IN ('queued', 'running', 'cancelling');

CREATE INDEX run_event_run ON run_event(run_id, type, id);

CREATE INDEX run_project ON run(project_id);

CREATE INDEX run_verifier_verifier ON run_verifier(verifier_id);

CREATE TABLE access_link (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES user(id),
  -- hex SHA-256 of the token; the token itself is never stored
  token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_at TEXT NOT NULL,
  revoked_at TEXT
);

CREATE TABLE adjudication_rule (
  project_id INTEGER PRIMARY KEY REFERENCES project(id),
  -- which items enter the reviewer queue: any disagreement, or agreement below review_min_share
  review_rule TEXT NOT NULL DEFAULT 'any_disagreement' CHECK (review_rule IN ('any_disagreement', 'below_share')),
  review_min_share REAL NOT NULL DEFAULT 1 CHECK (review_min_share > 0 AND review_min_share <= 1),
  -- what training and evaluation use without gold: the majority when at least this share agrees
  training_min_agreement REAL NOT NULL DEFAULT 0 CHECK (training_min_agreement >= 0 AND training_min_agreement <= 1),
  updated_at TEXT NOT NULL
);

CREATE TABLE annotation (
  id INTEGER PRIMARY KEY,
  item_id INTEGER NOT NULL REFERENCES item(id),
  -- denormalised from the item (checked by a trigger) for per-project queries
  project_id INTEGER NOT NULL REFERENCES project(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  status TEXT NOT NULL CHECK (status IN ('submitted', 'retracted')),
  -- where the version came from: the labelling queue, an edit in browse, or an imported file
  origin TEXT NOT NULL CHECK (origin IN ('queue', 'browse', 'import')),
  labels TEXT NOT NULL CHECK (json_valid(labels)),
  -- copies of fields of labels, for filters and statistics
  harmful INTEGER CHECK (harmful IN (0, 1)),
  risk_category TEXT,
  severity INTEGER CHECK (severity BETWEEN 0 AND 3),
  expected TEXT,
  jailbreak_type TEXT,
  cross_modal_risk TEXT,
  time_spent_ms INTEGER NOT NULL DEFAULT 0 CHECK (time_spent_ms >= 0),
  created_at TEXT NOT NULL, guideline_version INTEGER,
  UNIQUE (item_id, annotator_id, version)
);

CREATE TABLE annotation_head (
  item_id INTEGER NOT NULL REFERENCES item(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  annotation_id INTEGER NOT NULL REFERENCES annotation(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  origin TEXT NOT NULL,
  harmful INTEGER,
  risk_category TEXT,
  expected TEXT,
  PRIMARY KEY (item_id, annotator_id)
) WITHOUT ROWID;

CREATE TABLE annotator_progress (
  project_id INTEGER NOT NULL REFERENCES project(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  done INTEGER NOT NULL DEFAULT 0 CHECK (done >= 0),
  open_done INTEGER NOT NULL DEFAULT 0 CHECK (open_done >= 0),
  PRIMARY KEY (project_id, annotator_id)
) WITHOUT ROWID;

CREATE TABLE blob (
  sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
  mime TEXT NOT NULL,
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  bytes INTEGER NOT NULL CHECK (bytes > 0),
  created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE bulk_import (
  project_id INTEGER PRIMARY KEY REFERENCES project(id)
);

CREATE TABLE deletion (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  scope TEXT NOT NULL CHECK (scope IN ('items', 'project')),
  -- the archive written before anything was removed
  export_id TEXT NOT NULL REFERENCES export(id),
  counts TEXT NOT NULL CHECK (json_valid(counts)),
  deleted_by INTEGER REFERENCES user(id),
  created_at TEXT NOT NULL,
  -- set when the archive was imported back (undo)
  restored_at TEXT
);

CREATE TABLE deletion_marker (
  project_id INTEGER PRIMARY KEY REFERENCES project(id),
  deletion_id INTEGER NOT NULL REFERENCES deletion(id)
);

CREATE TABLE evaluation (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  set_id INTEGER NOT NULL REFERENCES evaluation_set(id),
  name TEXT NOT NULL,
  -- JSON array of model ids (base models and checkpoints)
  models TEXT NOT NULL CHECK (json_valid(models)),
  -- samples, temperature, max_new_tokens, top_p, seed, system_prompt
  settings TEXT NOT NULL CHECK (json_valid(settings)),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'cancelling', 'completed', 'cancelled', 'failed', 'interrupted')),
  -- responses this evaluation stored, every attempt together
  responses INTEGER NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  eta_seconds REAL,
  error TEXT,
  log_tail TEXT NOT NULL DEFAULT '',
  owner_pid INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);

CREATE TABLE evaluation_set (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  name TEXT NOT NULL,
  path TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL CHECK (length(hash) = 64),
  items INTEGER NOT NULL CHECK (items > 0),
  -- images, truth sources, by split, by task
  counts TEXT NOT NULL CHECK (json_valid(counts)),
  created_at TEXT NOT NULL,
  UNIQUE (project_id, name)
);

CREATE TABLE evaluation_set_item (
  set_id INTEGER NOT NULL REFERENCES evaluation_set(id),
  item_id INTEGER NOT NULL REFERENCES item(id),
  PRIMARY KEY (set_id, item_id)
) WITHOUT ROWID;

CREATE TABLE export (
  id TEXT PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  format TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  counts TEXT NOT NULL CHECK (json_valid(counts)),
  created_at TEXT NOT NULL
, created_by INTEGER REFERENCES user(id), filters TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(filters)), file_name TEXT);

CREATE TABLE gold_check (
  item_id INTEGER PRIMARY KEY REFERENCES item(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  -- {"harmful": true, "riskCategory": "hate", ...}: only the fields checked
  expected TEXT NOT NULL CHECK (json_valid(expected)),
  created_by INTEGER NOT NULL REFERENCES user(id),
  created_at TEXT NOT NULL
);

CREATE TABLE gold_head (
  item_id INTEGER PRIMARY KEY REFERENCES item(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  gold_id INTEGER NOT NULL REFERENCES gold_label(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE gold_label (
  id INTEGER PRIMARY KEY,
  item_id INTEGER NOT NULL REFERENCES item(id),
  -- denormalised from the item (checked by a trigger) for per-project queries
  project_id INTEGER NOT NULL REFERENCES project(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  status TEXT NOT NULL CHECK (status IN ('set', 'retracted')),
  labels TEXT NOT NULL CHECK (json_valid(labels)),
  -- the annotator whose label the reviewer picked; null when the reviewer wrote their own
  source_annotator_id INTEGER REFERENCES user(id),
  reason TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  UNIQUE (item_id, version)
);

CREATE TABLE guideline_version (
  project_id INTEGER NOT NULL REFERENCES project(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  text TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (project_id, version)
) WITHOUT ROWID;

CREATE TABLE import_batch (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  source TEXT NOT NULL,
  report TEXT NOT NULL CHECK (json_valid(report)),
  created_at TEXT NOT NULL
);

CREATE TABLE item (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  external_id TEXT NOT NULL,
  text TEXT NOT NULL,
  image_sha256 TEXT REFERENCES blob(sha256),
  source TEXT NOT NULL DEFAULT '',
  split TEXT NOT NULL,
  task TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
  source_labels TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(source_labels)),
  extra TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(extra)),
  sensitive INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1)),
  -- sha256 of text || x'00' || (image sha256 or '')
  content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
  import_id INTEGER REFERENCES import_batch(id),
  created_at TEXT NOT NULL,
  -- maintained by triggers: submitted (non-retracted) heads, whether that reached the
  -- project's annotators_per_item, and how many annotators flagged the item
  label_count INTEGER NOT NULL DEFAULT 0 CHECK (label_count >= 0),
  complete INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
  flag_count INTEGER NOT NULL DEFAULT 0 CHECK (flag_count >= 0),
  UNIQUE (project_id, content_hash),
  UNIQUE (project_id, external_id)
);

CREATE TABLE item_flag (
  item_id INTEGER NOT NULL REFERENCES item(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  PRIMARY KEY (item_id, annotator_id)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE item_fts USING fts5(text, external_id, content='item', content_rowid='id', tokenize='trigram');

CREATE TABLE 'item_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;

CREATE TABLE 'item_fts_data'(id INTEGER PRIMARY KEY, block BLOB);

CREATE TABLE 'item_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);

CREATE TABLE 'item_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;

CREATE TABLE model (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('base', 'checkpoint')),
  source TEXT NOT NULL CHECK (source IN ('local', 'hub', 'tiny', 'run')),
  name TEXT NOT NULL,
  -- folder on disk (for a hub model: where it is or will be downloaded)
  path TEXT NOT NULL,
  hub_id TEXT,
  -- config.json model_type, and the family the worker knows it as (NULL: not supported)
  model_type TEXT,
  family TEXT,
  -- size, parameter estimate, vision tower, why unsupported, download progress
  info TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(info)),
  status TEXT NOT NULL CHECK (status IN ('ready', 'downloading', 'failed')),
  trust_remote_code INTEGER NOT NULL DEFAULT 0 CHECK (trust_remote_code IN (0, 1)),
  parent_id INTEGER REFERENCES model(id),
  run_id INTEGER REFERENCES run(id),
  step INTEGER,
  metrics TEXT CHECK (metrics IS NULL OR json_valid(metrics)),
  created_at TEXT NOT NULL, deleted_at TEXT,
  UNIQUE (run_id, step)
);

CREATE TABLE person_settings (
  user_id INTEGER PRIMARY KEY REFERENCES user(id),
  -- risk categories this person is never served
  skip_categories TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(skip_categories)),
  -- remind to take a break after this many minutes of continuous labelling; 0: never
  break_after_minutes INTEGER NOT NULL DEFAULT 0 CHECK (break_after_minutes BETWEEN 0 AND 600)
);

CREATE TABLE preference (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  item_id INTEGER NOT NULL REFERENCES item(id),
  response_a_id INTEGER NOT NULL REFERENCES response(id),
  response_b_id INTEGER NOT NULL REFERENCES response(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  status TEXT NOT NULL CHECK (status IN ('submitted', 'retracted')),
  origin TEXT NOT NULL CHECK (origin IN ('queue', 'browse', 'import')),
  choice TEXT NOT NULL CHECK (choice IN ('a', 'b', 'tie', 'both_bad')),
  -- per-criterion votes, e.g. {"safety": "a", "helpfulness": "tie"}
  criteria TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(criteria)),
  blind INTEGER NOT NULL CHECK (blind IN (0, 1)),
  left_response_id INTEGER NOT NULL,
  time_spent_ms INTEGER NOT NULL DEFAULT 0 CHECK (time_spent_ms >= 0),
  created_at TEXT NOT NULL,
  CHECK (response_a_id < response_b_id),
  CHECK (left_response_id IN (response_a_id, response_b_id)),
  UNIQUE (response_a_id, response_b_id, annotator_id, version)
);

CREATE TABLE preference_gold (
  id INTEGER PRIMARY KEY,
  -- denormalised from the responses (checked by a trigger)
  project_id INTEGER NOT NULL REFERENCES project(id),
  item_id INTEGER NOT NULL REFERENCES item(id),
  response_a_id INTEGER NOT NULL REFERENCES response(id),
  response_b_id INTEGER NOT NULL REFERENCES response(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  status TEXT NOT NULL CHECK (status IN ('set', 'retracted')),
  choice TEXT NOT NULL CHECK (choice IN ('a', 'b', 'tie', 'both_bad')),
  -- the voter whose choice the reviewer picked; null when the reviewer chose themselves
  source_annotator_id INTEGER REFERENCES user(id),
  reason TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  CHECK (response_a_id < response_b_id),
  UNIQUE (response_a_id, response_b_id, version)
);

CREATE TABLE preference_gold_head (
  response_a_id INTEGER NOT NULL REFERENCES response(id),
  response_b_id INTEGER NOT NULL REFERENCES response(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  gold_id INTEGER NOT NULL REFERENCES preference_gold(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  choice TEXT NOT NULL,
  PRIMARY KEY (response_a_id, response_b_id)
) WITHOUT ROWID;

CREATE TABLE preference_head (
  response_a_id INTEGER NOT NULL REFERENCES response(id),
  response_b_id INTEGER NOT NULL REFERENCES response(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  preference_id INTEGER NOT NULL REFERENCES preference(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  origin TEXT NOT NULL,
  choice TEXT NOT NULL,
  PRIMARY KEY (response_a_id, response_b_id, annotator_id)
) WITHOUT ROWID;

CREATE TABLE preference_review_skip (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  response_a_id INTEGER NOT NULL REFERENCES response(id),
  response_b_id INTEGER NOT NULL REFERENCES response(id),
  created_at TEXT NOT NULL,
  CHECK (response_a_id < response_b_id),
  UNIQUE (reviewer_id, response_a_id, response_b_id)
);

CREATE TABLE preference_skip (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  response_a_id INTEGER NOT NULL REFERENCES response(id),
  response_b_id INTEGER NOT NULL REFERENCES response(id),
  created_at TEXT NOT NULL,
  CHECK (response_a_id < response_b_id),
  UNIQUE (annotator_id, response_a_id, response_b_id)
);

CREATE TABLE project (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  label_schema TEXT NOT NULL CHECK (json_valid(label_schema)),
  guidelines TEXT NOT NULL DEFAULT '',
  annotators_per_item INTEGER NOT NULL DEFAULT 1 CHECK (annotators_per_item BETWEEN 1 AND 10),
  created_at TEXT NOT NULL,
  -- maintained by triggers
  item_count INTEGER NOT NULL DEFAULT 0,
  image_count INTEGER NOT NULL DEFAULT 0,
  complete_count INTEGER NOT NULL DEFAULT 0,
  flagged_count INTEGER NOT NULL DEFAULT 0
, preference_criteria TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(preference_criteria)), response_count INTEGER NOT NULL DEFAULT 0 CHECK (response_count >= 0), response_complete_count INTEGER NOT NULL DEFAULT 0 CHECK (response_complete_count >= 0), deleted_at TEXT);

CREATE TABLE project_queue_ordering (
  project_id INTEGER PRIMARY KEY REFERENCES project(id),
  uncertainty INTEGER NOT NULL CHECK (uncertainty IN (0, 1)),
  updated_at TEXT NOT NULL
);

CREATE TABLE prompt_label_score (
  item_id INTEGER NOT NULL REFERENCES item(id),
  verifier_id INTEGER NOT NULL REFERENCES verifier(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  uncertainty REAL NOT NULL CHECK (uncertainty >= 0 AND uncertainty <= 1),
  created_at TEXT NOT NULL,
  PRIMARY KEY (item_id, verifier_id)
) WITHOUT ROWID;

CREATE TABLE quality_settings (
  project_id INTEGER PRIMARY KEY REFERENCES project(id),
  -- share of an annotator's queue slots that hold a gold check
  gold_rate REAL NOT NULL DEFAULT 0 CHECK (gold_rate >= 0 AND gold_rate <= 0.5),
  -- {"violent_crimes": 20}: harmful items of that category one person labels per day at most
  daily_limits TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(daily_limits))
);

CREATE TABLE queue_skip (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  item_id INTEGER NOT NULL REFERENCES item(id),
  created_at TEXT NOT NULL,
  UNIQUE (annotator_id, item_id)
);

CREATE TABLE response (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  item_id INTEGER NOT NULL REFERENCES item(id),
  model_id INTEGER REFERENCES model(id),
  model_name TEXT NOT NULL CHECK (length(model_name) BETWEEN 1 AND 200),
  model_key TEXT NOT NULL,
  sample_index INTEGER NOT NULL DEFAULT 0 CHECK (sample_index >= 0),
  text TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
  origin TEXT NOT NULL CHECK (origin IN ('imported', 'generated')),
  import_id INTEGER REFERENCES import_batch(id),
  created_at TEXT NOT NULL,
  -- maintained by triggers
  verdict_count INTEGER NOT NULL DEFAULT 0 CHECK (verdict_count >= 0),
  complete INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
  flag_count INTEGER NOT NULL DEFAULT 0 CHECK (flag_count >= 0), disagreement INTEGER NOT NULL DEFAULT 0 CHECK (disagreement IN (0, 1)),
  CHECK ((model_id IS NULL) = (model_key LIKE 'n:%')),
  UNIQUE (item_id, model_key, sample_index)
);

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
  created_at TEXT NOT NULL, probabilities TEXT CHECK (probabilities IS NULL OR json_valid(probabilities)),
  PRIMARY KEY (response_id, tier, verifier)
) WITHOUT ROWID;

CREATE TABLE response_flag (
  response_id INTEGER NOT NULL REFERENCES response(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  PRIMARY KEY (response_id, annotator_id)
) WITHOUT ROWID;

CREATE TABLE response_gold (
  id INTEGER PRIMARY KEY,
  response_id INTEGER NOT NULL REFERENCES response(id),
  -- denormalised from the response (checked by a trigger)
  project_id INTEGER NOT NULL REFERENCES project(id),
  item_id INTEGER NOT NULL REFERENCES item(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  status TEXT NOT NULL CHECK (status IN ('set', 'retracted')),
  verdict TEXT NOT NULL CHECK (verdict IN ('refusal', 'care', 'unsafe', 'answered', 'unnecessary_refusal', 'illogical')),
  helpfulness INTEGER CHECK (helpfulness BETWEEN 1 AND 5),
  source_annotator_id INTEGER REFERENCES user(id),
  reason TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  UNIQUE (response_id, version)
);

CREATE TABLE response_gold_head (
  response_id INTEGER PRIMARY KEY REFERENCES response(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  gold_id INTEGER NOT NULL REFERENCES response_gold(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  verdict TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE response_label (
  id INTEGER PRIMARY KEY,
  response_id INTEGER NOT NULL REFERENCES response(id),
  -- denormalised from the response (checked by a trigger) for per-project and per-item queries
  project_id INTEGER NOT NULL REFERENCES project(id),
  item_id INTEGER NOT NULL REFERENCES item(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  status TEXT NOT NULL CHECK (status IN ('submitted', 'retracted')),
  origin TEXT NOT NULL CHECK (origin IN ('queue', 'browse', 'import')),
  verdict TEXT NOT NULL CHECK (verdict IN ('refusal', 'care', 'unsafe', 'answered', 'unnecessary_refusal', 'illogical')),
  helpfulness INTEGER CHECK (helpfulness BETWEEN 1 AND 5),
  ideal_response TEXT,
  rationale TEXT,
  time_spent_ms INTEGER NOT NULL DEFAULT 0 CHECK (time_spent_ms >= 0),
  created_at TEXT NOT NULL,
  UNIQUE (response_id, annotator_id, version)
);

CREATE TABLE response_label_head (
  response_id INTEGER NOT NULL REFERENCES response(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  label_id INTEGER NOT NULL REFERENCES response_label(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  origin TEXT NOT NULL,
  verdict TEXT NOT NULL,
  PRIMARY KEY (response_id, annotator_id)
) WITHOUT ROWID;

CREATE TABLE response_progress (
  project_id INTEGER NOT NULL REFERENCES project(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  done INTEGER NOT NULL DEFAULT 0 CHECK (done >= 0),
  open_done INTEGER NOT NULL DEFAULT 0 CHECK (open_done >= 0),
  PRIMARY KEY (project_id, annotator_id)
) WITHOUT ROWID;

CREATE TABLE response_skip (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  response_id INTEGER NOT NULL REFERENCES response(id),
  created_at TEXT NOT NULL,
  UNIQUE (annotator_id, response_id)
);

CREATE TABLE review_skip (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  kind TEXT NOT NULL CHECK (kind IN ('item', 'response')),
  target_id INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (reviewer_id, kind, target_id)
);

CREATE TABLE run (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  base_model_id INTEGER NOT NULL REFERENCES model(id),
  name TEXT NOT NULL,
  preset TEXT NOT NULL,
  -- runs/<dir>/ under the data directory: config.json, snapshot/, worker.log, checkpoints
  dir TEXT NOT NULL UNIQUE,
  config TEXT NOT NULL CHECK (json_valid(config)),
  snapshot_hash TEXT NOT NULL,
  snapshot_items INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'cancelling', 'completed', 'cancelled', 'failed', 'interrupted')),
  device TEXT,
  gpu_name TEXT,
  stage TEXT,
  step INTEGER NOT NULL DEFAULT 0,
  total_steps INTEGER NOT NULL,
  eta_seconds REAL,
  -- one sentence: why the run ended the way it did
  exit_reason TEXT,
  error TEXT,
  advice TEXT,
  log_tail TEXT NOT NULL DEFAULT '',
  last_checkpoint TEXT,
  final_checkpoint TEXT,
  -- 1 for the first launch, +1 per resume
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  first_metric_at TEXT,
  finished_at TEXT
, owner_pid INTEGER);

CREATE TABLE run_event (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES run(id),
  type TEXT NOT NULL,
  step INTEGER,
  data TEXT NOT NULL CHECK (json_valid(data)),
  time TEXT NOT NULL
);

CREATE TABLE run_metric (
  run_id INTEGER NOT NULL REFERENCES run(id),
  step INTEGER NOT NULL,
  stage TEXT NOT NULL,
  metric_values TEXT NOT NULL CHECK (json_valid(metric_values)),
  time TEXT NOT NULL,
  PRIMARY KEY (run_id, step)
) WITHOUT ROWID;

CREATE TABLE run_verifier (
  run_id INTEGER PRIMARY KEY REFERENCES run(id),
  verifier_id INTEGER NOT NULL REFERENCES verifier(id),
  -- the labels snapshot the verifier was trained on (verifier.snapshot_hash)
  snapshot_hash TEXT NOT NULL CHECK (length(snapshot_hash) = 64),
  -- held-out agreement with people's verdicts (model_card.json held_out)
  accuracy REAL NOT NULL CHECK (accuracy BETWEEN 0 AND 1),
  kappa REAL,
  held_out INTEGER NOT NULL CHECK (held_out >= 0),
  created_at TEXT NOT NULL
);

CREATE TABLE send_back (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  -- labels made under a version below this one were sent back
  below_version INTEGER NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE send_back_annotation (
  -- the retracted version the send-back appended
  annotation_id INTEGER PRIMARY KEY REFERENCES annotation(id),
  send_back_id INTEGER NOT NULL REFERENCES send_back(id)
);

CREATE TABLE user (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  -- name folded by the core (NFKC + lower case): names are unique case-insensitively
  name_key TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE verifier (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- the verifier's folder (absolute); its model.onnx is what the learned tier runs
  path TEXT NOT NULL,
  snapshot_hash TEXT NOT NULL CHECK (length(snapshot_hash) = 64),
  -- model_card.json as the worker wrote it (held-out accuracy, binary accuracy, kappa, n)
  card TEXT NOT NULL CHECK (json_valid(card)),
  created_at TEXT NOT NULL,
  UNIQUE (project_id, name)
);

CREATE TRIGGER annotation_after_insert AFTER INSERT ON annotation BEGIN
  INSERT INTO annotator_progress (project_id, annotator_id) VALUES (NEW.project_id, NEW.annotator_id)
    ON CONFLICT DO NOTHING;
  UPDATE annotator_progress
     SET done = done + (NEW.status = 'submitted')
              - COALESCE((SELECT status = 'submitted' FROM annotation_head WHERE item_id = NEW.item_id AND annotator_id = NEW.annotator_id), 0),
         open_done = open_done + ((NEW.status = 'submitted')
              - COALESCE((SELECT status = 'submitted' FROM annotation_head WHERE item_id = NEW.item_id AND annotator_id = NEW.annotator_id), 0))
              * (SELECT complete = 0 FROM item WHERE id = NEW.item_id)
   WHERE project_id = NEW.project_id AND annotator_id = NEW.annotator_id;
  UPDATE item
     SET label_count = label_count + (NEW.status = 'submitted')
              - COALESCE((SELECT status = 'submitted' FROM annotation_head WHERE item_id = NEW.item_id AND annotator_id = NEW.annotator_id), 0)
   WHERE id = NEW.item_id;
  INSERT INTO annotation_head
    (item_id, annotator_id, project_id, annotation_id, version, status, origin, harmful, risk_category, expected)
    VALUES (NEW.item_id, NEW.annotator_id, NEW.project_id, NEW.id, NEW.version, NEW.status, NEW.origin,
            NEW.harmful, NEW.risk_category, NEW.expected)
    ON CONFLICT (item_id, annotator_id) DO UPDATE SET
      annotation_id = excluded.annotation_id, version = excluded.version, status = excluded.status,
      origin = excluded.origin, harmful = excluded.harmful, risk_category = excluded.risk_category,
      expected = excluded.expected;
  UPDATE item SET complete = (label_count >= (SELECT annotators_per_item FROM project WHERE id = NEW.project_id))
   WHERE id = NEW.item_id
     AND complete <> (label_count >= (SELECT annotators_per_item FROM project WHERE id = NEW.project_id));
END;

CREATE TRIGGER annotation_before_delete BEFORE DELETE ON annotation
WHEN NOT EXISTS (SELECT 1 FROM deletion_marker WHERE project_id = OLD.project_id) BEGIN
  SELECT RAISE(ABORT, 'annotations are append-only: retract instead');
END;

CREATE TRIGGER annotation_before_insert BEFORE INSERT ON annotation BEGIN
  SELECT RAISE(ABORT, 'annotation.project_id does not match the item''s project')
   WHERE NEW.project_id IS NOT (SELECT project_id FROM item WHERE id = NEW.item_id);
  SELECT RAISE(ABORT, 'annotation.version must be the next version for this item and annotator')
   WHERE NEW.version <> 1 + COALESCE((SELECT version FROM annotation_head WHERE item_id = NEW.item_id AND annotator_id = NEW.annotator_id), 0);
END;

CREATE TRIGGER annotation_before_update BEFORE UPDATE ON annotation BEGIN
  SELECT RAISE(ABORT, 'annotations are append-only: add a version instead');
END;

CREATE TRIGGER annotation_head_after_delete AFTER DELETE ON annotation_head
WHEN OLD.status = 'submitted' BEGIN
  UPDATE annotator_progress
     SET done = done - 1,
         open_done = open_done - COALESCE((SELECT complete = 0 FROM item WHERE id = OLD.item_id), 0)
   WHERE project_id = OLD.project_id AND annotator_id = OLD.annotator_id;
END;

CREATE TRIGGER deletion_before_delete BEFORE DELETE ON deletion BEGIN
  SELECT RAISE(ABORT, 'deletions are a permanent record');
END;

CREATE TRIGGER deletion_before_update BEFORE UPDATE ON deletion
WHEN NEW.id IS NOT OLD.id OR NEW.project_id IS NOT OLD.project_id OR NEW.scope IS NOT OLD.scope
  OR NEW.export_id IS NOT OLD.export_id OR NEW.counts IS NOT OLD.counts OR NEW.deleted_by IS NOT OLD.deleted_by
  OR NEW.created_at IS NOT OLD.created_at OR OLD.restored_at IS NOT NULL BEGIN
  SELECT RAISE(ABORT, 'deletions are a permanent record: only restored_at is set, once');
END;

CREATE TRIGGER gold_label_after_insert AFTER INSERT ON gold_label BEGIN
  INSERT INTO gold_head (item_id, project_id, gold_id, reviewer_id, version, status)
    VALUES (NEW.item_id, NEW.project_id, NEW.id, NEW.reviewer_id, NEW.version, NEW.status)
    ON CONFLICT (item_id) DO UPDATE SET
      gold_id = excluded.gold_id, reviewer_id = excluded.reviewer_id, version = excluded.version, status = excluded.status;
END;

CREATE TRIGGER gold_label_before_delete BEFORE DELETE ON gold_label
WHEN NOT EXISTS (SELECT 1 FROM deletion_marker WHERE project_id = OLD.project_id) BEGIN
  SELECT RAISE(ABORT, 'gold labels are append-only: retract instead');
END;

CREATE TRIGGER gold_label_before_insert BEFORE INSERT ON gold_label BEGIN
  SELECT RAISE(ABORT, 'gold_label.project_id does not match the item''s project')
   WHERE NEW.project_id IS NOT (SELECT project_id FROM item WHERE id = NEW.item_id);
  SELECT RAISE(ABORT, 'gold_label.version must be the next version for this item')
   WHERE NEW.version <> 1 + COALESCE((SELECT version FROM gold_head WHERE item_id = NEW.item_id), 0);
END;

CREATE TRIGGER gold_label_before_update BEFORE UPDATE ON gold_label BEGIN
  SELECT RAISE(ABORT, 'gold labels are append-only: add a version instead');
END;

CREATE TRIGGER guideline_version_before_delete BEFORE DELETE ON guideline_version BEGIN
  SELECT RAISE(ABORT, 'guideline versions are append-only');
END;

CREATE TRIGGER guideline_version_before_update BEFORE UPDATE ON guideline_version BEGIN
  SELECT RAISE(ABORT, 'guideline versions are append-only');
END;

CREATE TRIGGER item_after_delete AFTER DELETE ON item BEGIN
  UPDATE project SET item_count = item_count - 1, image_count = image_count - (OLD.image_sha256 IS NOT NULL),
         complete_count = complete_count - OLD.complete, flagged_count = flagged_count - (OLD.flag_count > 0)
   WHERE id = OLD.project_id;
  INSERT INTO item_fts (item_fts, rowid, text, external_id) VALUES ('delete', OLD.id, OLD.text, OLD.external_id);
END;

CREATE TRIGGER item_after_insert AFTER INSERT ON item
WHEN NOT EXISTS (SELECT 1 FROM bulk_import WHERE project_id = NEW.project_id) BEGIN
  UPDATE project SET item_count = item_count + 1, image_count = image_count + (NEW.image_sha256 IS NOT NULL)
   WHERE id = NEW.project_id;
  INSERT INTO item_fts (rowid, text, external_id) VALUES (NEW.id, NEW.text, NEW.external_id);
END;

CREATE TRIGGER item_after_update_complete AFTER UPDATE OF complete ON item
WHEN OLD.complete <> NEW.complete BEGIN
  UPDATE project SET complete_count = complete_count + NEW.complete - OLD.complete WHERE id = NEW.project_id;
  UPDATE annotator_progress SET open_done = open_done + OLD.complete - NEW.complete
   WHERE project_id = NEW.project_id
     AND annotator_id IN (SELECT annotator_id FROM annotation_head WHERE item_id = NEW.id AND status = 'submitted');
END;

CREATE TRIGGER item_after_update_flags AFTER UPDATE OF flag_count ON item
WHEN (OLD.flag_count > 0) <> (NEW.flag_count > 0) BEGIN
  UPDATE project SET flagged_count = flagged_count + (NEW.flag_count > 0) - (OLD.flag_count > 0) WHERE id = NEW.project_id;
END;

CREATE TRIGGER item_after_update_image AFTER UPDATE OF image_sha256 ON item
WHEN (OLD.image_sha256 IS NULL) <> (NEW.image_sha256 IS NULL) BEGIN
  UPDATE project SET image_count = image_count + (NEW.image_sha256 IS NOT NULL) - (OLD.image_sha256 IS NOT NULL)
   WHERE id = NEW.project_id;
END;

CREATE TRIGGER item_after_update_text AFTER UPDATE OF text, external_id ON item BEGIN
  INSERT INTO item_fts (item_fts, rowid, text, external_id) VALUES ('delete', OLD.id, OLD.text, OLD.external_id);
  INSERT INTO item_fts (rowid, text, external_id) VALUES (NEW.id, NEW.text, NEW.external_id);
END;

CREATE TRIGGER item_flag_after_delete AFTER DELETE ON item_flag BEGIN
  UPDATE item SET flag_count = flag_count - 1 WHERE id = OLD.item_id;
END;

CREATE TRIGGER item_flag_after_insert AFTER INSERT ON item_flag BEGIN
  UPDATE item SET flag_count = flag_count + 1 WHERE id = NEW.item_id;
END;

CREATE TRIGGER preference_after_insert AFTER INSERT ON preference BEGIN
  INSERT INTO preference_head (response_a_id, response_b_id, annotator_id, project_id, preference_id, version, status, origin, choice)
    VALUES (NEW.response_a_id, NEW.response_b_id, NEW.annotator_id, NEW.project_id, NEW.id, NEW.version, NEW.status, NEW.origin, NEW.choice)
    ON CONFLICT (response_a_id, response_b_id, annotator_id) DO UPDATE SET
      preference_id = excluded.preference_id, version = excluded.version, status = excluded.status,
      origin = excluded.origin, choice = excluded.choice;
END;

CREATE TRIGGER preference_before_delete BEFORE DELETE ON preference
WHEN NOT EXISTS (SELECT 1 FROM deletion_marker WHERE project_id = OLD.project_id) BEGIN
  SELECT RAISE(ABORT, 'preferences are append-only: retract instead');
END;

CREATE TRIGGER preference_before_insert BEFORE INSERT ON preference BEGIN
  SELECT RAISE(ABORT, 'preference responses must both answer the preference''s item in its project')
   WHERE (SELECT COUNT(*) FROM response WHERE id IN (NEW.response_a_id, NEW.response_b_id)
            AND item_id = NEW.item_id AND project_id = NEW.project_id) <> 2;
  SELECT RAISE(ABORT, 'preference.version must be the next version for this pair and annotator')
   WHERE NEW.version <> 1 + COALESCE((SELECT version FROM preference_head
     WHERE response_a_id = NEW.response_a_id AND response_b_id = NEW.response_b_id AND annotator_id = NEW.annotator_id), 0);
END;

CREATE TRIGGER preference_before_update BEFORE UPDATE ON preference BEGIN
  SELECT RAISE(ABORT, 'preferences are append-only: add a version instead');
END;

CREATE TRIGGER preference_gold_after_insert AFTER INSERT ON preference_gold BEGIN
  INSERT INTO preference_gold_head (response_a_id, response_b_id, project_id, gold_id, reviewer_id, version, status, choice)
    VALUES (NEW.response_a_id, NEW.response_b_id, NEW.project_id, NEW.id, NEW.reviewer_id, NEW.version, NEW.status, NEW.choice)
    ON CONFLICT (response_a_id, response_b_id) DO UPDATE SET
      gold_id = excluded.gold_id, reviewer_id = excluded.reviewer_id, version = excluded.version,
      status = excluded.status, choice = excluded.choice;
END;

CREATE TRIGGER preference_gold_before_delete BEFORE DELETE ON preference_gold
WHEN NOT EXISTS (SELECT 1 FROM deletion_marker WHERE project_id = OLD.project_id) BEGIN
  SELECT RAISE(ABORT, 'gold choices are append-only: retract instead');
END;

CREATE TRIGGER preference_gold_before_insert BEFORE INSERT ON preference_gold BEGIN
  SELECT RAISE(ABORT, 'preference_gold responses must both answer its item in its project')
   WHERE NOT EXISTS (SELECT 1 FROM response WHERE id = NEW.response_a_id AND project_id = NEW.project_id AND item_id = NEW.item_id)
      OR NOT EXISTS (SELECT 1 FROM response WHERE id = NEW.response_b_id AND project_id = NEW.project_id AND item_id = NEW.item_id);
  SELECT RAISE(ABORT, 'preference_gold.version must be the next version for this pair')
   WHERE NEW.version <> 1 + COALESCE((SELECT version FROM preference_gold_head
     WHERE response_a_id = NEW.response_a_id AND response_b_id = NEW.response_b_id), 0);
END;

CREATE TRIGGER preference_gold_before_update BEFORE UPDATE ON preference_gold BEGIN
  SELECT RAISE(ABORT, 'gold choices are append-only: add a version instead');
END;

CREATE TRIGGER project_after_update_quota AFTER UPDATE OF annotators_per_item ON project
WHEN OLD.annotators_per_item <> NEW.annotators_per_item BEGIN
  UPDATE item SET complete = (label_count >= NEW.annotators_per_item)
   WHERE project_id = NEW.id AND complete <> (label_count >= NEW.annotators_per_item);
END;

CREATE TRIGGER project_after_update_response_quota AFTER UPDATE OF annotators_per_item ON project
WHEN OLD.annotators_per_item <> NEW.annotators_per_item BEGIN
  UPDATE response SET complete = (verdict_count >= NEW.annotators_per_item)
   WHERE project_id = NEW.id AND complete <> (verdict_count >= NEW.annotators_per_item);
END;

CREATE TRIGGER project_guidelines_first AFTER INSERT ON project BEGIN
  INSERT INTO guideline_version (project_id, version, text, created_at)
    VALUES (NEW.id, 1, NEW.guidelines, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER project_guidelines_next AFTER UPDATE OF guidelines ON project
  WHEN NEW.guidelines IS NOT OLD.guidelines BEGIN
  INSERT INTO guideline_version (project_id, version, text, created_at)
    VALUES (NEW.id, 1 + COALESCE((SELECT MAX(version) FROM guideline_version WHERE project_id = NEW.id), 0),
            NEW.guidelines, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER response_after_delete_count AFTER DELETE ON response BEGIN
  UPDATE project SET response_count = response_count - 1, response_complete_count = response_complete_count - OLD.complete
   WHERE id = OLD.project_id;
END;

CREATE TRIGGER response_after_insert_count AFTER INSERT ON response BEGIN
  UPDATE project SET response_count = response_count + 1, response_complete_count = response_complete_count + NEW.complete
   WHERE id = NEW.project_id;
END;

CREATE TRIGGER response_after_update_complete AFTER UPDATE OF complete ON response
WHEN OLD.complete <> NEW.complete BEGIN
  UPDATE response_progress SET open_done = open_done + OLD.complete - NEW.complete
   WHERE project_id = NEW.project_id
     AND annotator_id IN (SELECT annotator_id FROM response_label_head WHERE response_id = NEW.id AND status = 'submitted');
END;

CREATE TRIGGER response_after_update_complete_count AFTER UPDATE OF complete ON response
WHEN OLD.complete <> NEW.complete BEGIN
  UPDATE project SET response_complete_count = response_complete_count + NEW.complete - OLD.complete WHERE id = NEW.project_id;
END;

CREATE TRIGGER response_before_insert BEFORE INSERT ON response BEGIN
  SELECT RAISE(ABORT, 'response.project_id does not match the item''s project')
   WHERE NEW.project_id IS NOT (SELECT project_id FROM item WHERE id = NEW.item_id);
END;

CREATE TRIGGER response_flag_after_delete AFTER DELETE ON response_flag BEGIN
  UPDATE response SET flag_count = flag_count - 1 WHERE id = OLD.response_id;
END;

CREATE TRIGGER response_flag_after_insert AFTER INSERT ON response_flag BEGIN
  UPDATE response SET flag_count = flag_count + 1 WHERE id = NEW.response_id;
END;

CREATE TRIGGER response_gold_after_insert AFTER INSERT ON response_gold BEGIN
  INSERT INTO response_gold_head (response_id, project_id, gold_id, reviewer_id, version, status, verdict)
    VALUES (NEW.response_id, NEW.project_id, NEW.id, NEW.reviewer_id, NEW.version, NEW.status, NEW.verdict)
    ON CONFLICT (response_id) DO UPDATE SET
      gold_id = excluded.gold_id, reviewer_id = excluded.reviewer_id, version = excluded.version,
      status = excluded.status, verdict = excluded.verdict;
END;

CREATE TRIGGER response_gold_before_delete BEFORE DELETE ON response_gold
WHEN NOT EXISTS (SELECT 1 FROM deletion_marker WHERE project_id = OLD.project_id) BEGIN
  SELECT RAISE(ABORT, 'gold verdicts are append-only: retract instead');
END;

CREATE TRIGGER response_gold_before_insert BEFORE INSERT ON response_gold BEGIN
  SELECT RAISE(ABORT, 'response_gold must carry its response''s project and item')
   WHERE NOT EXISTS (SELECT 1 FROM response WHERE id = NEW.response_id AND project_id = NEW.project_id AND item_id = NEW.item_id);
  SELECT RAISE(ABORT, 'response_gold.version must be the next version for this response')
   WHERE NEW.version <> 1 + COALESCE((SELECT version FROM response_gold_head WHERE response_id = NEW.response_id), 0);
END;

CREATE TRIGGER response_gold_before_update BEFORE UPDATE ON response_gold BEGIN
  SELECT RAISE(ABORT, 'gold verdicts are append-only: add a version instead');
END;

CREATE TRIGGER response_label_after_insert AFTER INSERT ON response_label BEGIN
  INSERT INTO response_progress (project_id, annotator_id) VALUES (NEW.project_id, NEW.annotator_id)
    ON CONFLICT DO NOTHING;
  UPDATE response_progress
     SET done = done + (NEW.status = 'submitted')
              - COALESCE((SELECT status = 'submitted' FROM response_label_head WHERE response_id = NEW.response_id AND annotator_id = NEW.annotator_id), 0),
         open_done = open_done + ((NEW.status = 'submitted')
              - COALESCE((SELECT status = 'submitted' FROM response_label_head WHERE response_id = NEW.response_id AND annotator_id = NEW.annotator_id), 0))
              * (SELECT complete = 0 FROM response WHERE id = NEW.response_id)
   WHERE project_id = NEW.project_id AND annotator_id = NEW.annotator_id;
  UPDATE response
     SET verdict_count = verdict_count + (NEW.status = 'submitted')
              - COALESCE((SELECT status = 'submitted' FROM response_label_head WHERE response_id = NEW.response_id AND annotator_id = NEW.annotator_id), 0)
   WHERE id = NEW.response_id;
  INSERT INTO response_label_head (response_id, annotator_id, project_id, label_id, version, status, origin, verdict)
    VALUES (NEW.response_id, NEW.annotator_id, NEW.project_id, NEW.id, NEW.version, NEW.status, NEW.origin, NEW.verdict)
    ON CONFLICT (response_id, annotator_id) DO UPDATE SET
      label_id = excluded.label_id, version = excluded.version, status = excluded.status,
      origin = excluded.origin, verdict = excluded.verdict;
  UPDATE response SET complete = (verdict_count >= (SELECT annotators_per_item FROM project WHERE id = NEW.project_id))
   WHERE id = NEW.response_id
     AND complete <> (verdict_count >= (SELECT annotators_per_item FROM project WHERE id = NEW.project_id));
END;

CREATE TRIGGER response_label_before_delete BEFORE DELETE ON response_label
WHEN NOT EXISTS (SELECT 1 FROM deletion_marker WHERE project_id = OLD.project_id) BEGIN
  SELECT RAISE(ABORT, 'verdicts are append-only: retract instead');
END;

CREATE TRIGGER response_label_before_insert BEFORE INSERT ON response_label BEGIN
  SELECT RAISE(ABORT, 'response_label must carry its response''s project and item')
   WHERE NOT EXISTS (SELECT 1 FROM response WHERE id = NEW.response_id AND project_id = NEW.project_id AND item_id = NEW.item_id);
  SELECT RAISE(ABORT, 'response_label.version must be the next version for this response and annotator')
   WHERE NEW.version <> 1 + COALESCE((SELECT version FROM response_label_head WHERE response_id = NEW.response_id AND annotator_id = NEW.annotator_id), 0);
END;

CREATE TRIGGER response_label_before_update BEFORE UPDATE ON response_label BEGIN
  SELECT RAISE(ABORT, 'verdicts are append-only: add a version instead');
END;

CREATE TRIGGER response_label_head_after_delete AFTER DELETE ON response_label_head
WHEN OLD.status = 'submitted' BEGIN
  UPDATE response_progress
     SET done = done - 1,
         open_done = open_done - COALESCE((SELECT complete = 0 FROM response WHERE id = OLD.response_id), 0)
   WHERE project_id = OLD.project_id AND annotator_id = OLD.annotator_id;
END;

CREATE TRIGGER response_label_head_after_insert_disagreement AFTER INSERT ON response_label_head BEGIN
  UPDATE response SET disagreement = ((SELECT count(DISTINCT verdict) FROM response_label_head
      WHERE response_id = NEW.response_id AND status = 'submitted') > 1)
   WHERE id = NEW.response_id;
END;

CREATE TRIGGER response_label_head_after_update_disagreement AFTER UPDATE ON response_label_head BEGIN
  UPDATE response SET disagreement = ((SELECT count(DISTINCT verdict) FROM response_label_head
      WHERE response_id = NEW.response_id AND status = 'submitted') > 1)
   WHERE id = NEW.response_id;
END;
