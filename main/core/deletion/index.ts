export { deletionHandlers } from './handlers.js';
