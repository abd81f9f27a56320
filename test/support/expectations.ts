/**
 * Fixture expectations (design §5): `-- expect: id[, id]` binds to the next statement's first
 * line, `stmt; -- expect: id` to its own line, `-- expect@N: id` to line N. Log fixtures open
 * with a header of `-- ` lines that is blanked (line numbers kept) before the log is read.
 */
export interface FixtureHeader {
  readonly dialect?: string;
  readonly format?: string;
}

export interface ParsedFixture {
  readonly header: FixtureHeader;
  /** `line:rule` strings, sorted. */
  readonly expected: string[];
  /** The text to lint: for logs, the header blanked out. */
  readonly body: string;
}

const EXPECT = /--\s*expect(?:@(\d+))?:\s*(.+?)\s*$/;

export function parseFixture(text: string, isLog: boolean): ParsedFixture {
  const lines = text.split('\n');
  const header: { dialect?: string; format?: string } = {};
  const expected: string[] = [];
  let pendingIds: string[] = [];
  let headerEnds = 0;
  if (isLog) while (headerEnds < lines.length && lines[headerEnds]!.startsWith('-- ')) headerEnds++;
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    const fixture = /--\s*fixture:\s*(.*)$/.exec(line);
    if (fixture) {
      for (const pair of fixture[1]!.trim().split(/\s+/)) {
        const [key, value] = pair.split('=');
        if (key === 'dialect' || key === 'format') header[key] = value;
      }
    }
    const expect = EXPECT.exec(line);
    if (expect) {
      const ids = expect[2]!.split(',').map((id) => id.trim()).filter(Boolean);
      if (expect[1]) for (const id of ids) expected.push(`${expect[1]}:${id}`);
      else if (line.trimStart().startsWith('--')) pendingIds.push(...ids);
      else for (const id of ids) expected.push(`${lineNumber}:${id}`);
      return;
    }
    const trimmed = line.trim();
    if (index < headerEnds || trimmed === '' || trimmed.startsWith('--')) return;
    for (const id of pendingIds) expected.push(`${lineNumber}:${id}`);
    pendingIds = [];
  });
  if (pendingIds.length > 0) throw new Error(`an "-- expect:" comment at the end of the fixture binds to no statement`);
  const body = isLog ? lines.map((line, index) => (index < headerEnds ? '' : line)).join('\n') : text;
  return { header, expected: expected.sort(compareKeys), body };
}

export function compareKeys(a: string, b: string): number {
  return Number(a.split(':')[0]) - Number(b.split(':')[0]) || a.localeCompare(b);
}

/** A readable diff of two `line:rule` sets. */
export function describeDifference(expected: readonly string[], actual: readonly string[]): string {
  const missing = expected.filter((key) => !actual.includes(key));
  const unexpected = actual.filter((key) => !expected.includes(key));
  return [
    ...missing.map((key) => `  missing     ${key}`),
    ...unexpected.map((key) => `  unexpected  ${key}`),
  ].join('\n');
}
