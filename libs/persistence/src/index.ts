export * from './persistence.module.js';
export * from './projections.module.js';
