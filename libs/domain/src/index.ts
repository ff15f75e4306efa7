export * from './symbols.js';
export * from './ids.js';
export * from './events.js';
export * from './facts.js';
export * from './clock.js';
export * from './mandate.js';
export * from './alerts.js';
export * from './dates.js';
