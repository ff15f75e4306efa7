export * from './import-service.js';
