export { importResponsesPath, type ResponseImportPathOptions } from './import-path.js';
export { runResponseImport } from './engine.js';
export { responseImportHandlers } from './handlers.js';
