export { exportJsonl, exportLine } from './jsonl.js';
export { exportSnapshot, computeSnapshotHash, snapshotItem, SNAPSHOT_FORMAT_VERSION } from './snapshot.js';
export { exportResponses, responseLine, preferenceLine } from './responses.js';
export { exportPreferences, preferenceRow } from './preferences.js';
export { aggregateLabels } from './aggregate.js';
export { exportHandlers, EXPORTERS } from './handlers.js';
