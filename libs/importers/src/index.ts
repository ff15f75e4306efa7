export * from './types.js';
export * from './catalogue/index.js';
