export * from './domain.js';
export * from './api.js';
export * from './events.js';
export * from './errors.js';
export * from './channels.js';
export * from './responses.js';
export * from './response-labelling.js';
