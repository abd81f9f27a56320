/** The README's rules table, rendered from rule metadata (npm run docs writes it; a test checks it). */
import type { Rule } from '../rule-api.js';

export const TABLE_START = '<!-- rules-table:start -->';
export const TABLE_END = '<!-- rules-table:end -->';

export function renderRulesTable(rules: readonly Rule[]): string {
  const rows = [...rules]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((rule) => `| [${rule.id}](rules/${rule.id}.md) | ${rule.severity} | ${rule.dialects.join(', ')} | ${rule.description.replace(/\|/g, '\\|')} |`);
  return ['| Rule | Default | Dialects | What |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The README with its table between the markers replaced; throws if the markers are missing. */
export function withRulesTable(readme: string, rules: readonly Rule[]): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`README has no ${TABLE_START} ... ${TABLE_END} markers`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${renderRulesTable(rules)}\n${readme.slice(end)}`;
}
