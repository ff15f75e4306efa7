export * from './metrics.js';
export * from './logger.js';
export * from './tokens.js';
export * from './clock.module.js';
