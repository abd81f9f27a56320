import { fileURLToPath } from 'node:url';

/** The repository root (tests compile to <outDir>/test/...). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES_DIR = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
export const CORPUS_DIR = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));
