export { exportJsonl, exportLine } from './jsonl.js';
export { exportSnapshot, computeSnapshotHash, snapshotItem, SNAPSHOT_FORMAT_VERSION } from './snapshot.js';
export { aggregateLabels } from './aggregate.js';
export { exportHandlers } from './handlers.js';
