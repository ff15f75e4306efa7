export * from './symbols.js';
export * from './ids.js';
export * from './events.js';
export * from './facts.js';
export * from './dates.js';
