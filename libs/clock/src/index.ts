export * from './business-clock.js';
