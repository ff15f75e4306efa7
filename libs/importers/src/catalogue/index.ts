export * from './types.js';
export { AGENDA_ITEMS } from './agenda-items.js';
export { BASE_CATALOGUE } from './mandates.js';
export * from './resolve.js';
export * from './csv.js';
export * from './facts.js';
