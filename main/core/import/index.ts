export { importPath, type ImportPathOptions } from './import-path.js';
export { importHandlers } from './handlers.js';
export { runImport, contentHash, type ImportProgress, type ImportPhase } from './engine.js';
export { MAX_TEXT_BYTES } from './row.js';
export { REQUIRED_CSV_COLUMNS } from './records.js';
export { CATEGORY_ALIASES, mapCategory } from './categories.js';
