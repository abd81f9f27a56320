/** The one registry of rules, sorted by id. Adding a rule: its .ts, its .md, a line here, fixtures. */
import type { Rule } from '../src/rule-api.js';
import childInsertBeforeParentUpdate from './child-insert-before-parent-update.js';
import selectIdsThenDeleteIn from './select-ids-then-delete-in.js';

export const RULES: readonly Rule[] = [childInsertBeforeParentUpdate, selectIdsThenDeleteIn];
