export * from './types.js';
export * from './catalogue/index.js';
export * from './repertoire-zh/index.js';
export * from './to-events.js';
