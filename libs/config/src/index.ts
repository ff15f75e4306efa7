export * from './config.js';
export * from './project-root.js';
