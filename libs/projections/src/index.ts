export * from './projector.js';
export * from './projection-runner.js';
export * from './mandate-projector.js';
export * from './record-projectors.js';
export * from './queries.js';
export * from './paging.js';
export * from './projections.js';
