export * from './dialect.js';
export * from './origin.js';
export * from './input.js';
export * from './statement.js';
export * from './transaction.js';
export * from './finding.js';
