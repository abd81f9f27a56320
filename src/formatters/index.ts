/** Output formats by name. Formatters see the model only and return strings. */
import { formatCompact } from './compact.js';
import { formatJson } from './json.js';
import { formatStylish } from './stylish.js';
import type { Formatter } from './types.js';

export type { FormatOptions, Formatter } from './types.js';

export const FORMATTERS: Readonly<Record<string, Formatter>> = {
  stylish: formatStylish,
  compact: formatCompact,
  json: formatJson,
};

export function formatterNames(): string[] {
  return Object.keys(FORMATTERS);
}
