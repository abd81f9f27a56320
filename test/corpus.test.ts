/**
 * Every real third-party log in ../shared/corpus goes through the whole pipeline without an
 * internal error; InnoDB status output is refused with a message that says what to capture.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, UsageError } from '../src/index.js';
import { CORPUS_DIR } from './support/paths.js';

const skip = existsSync(CORPUS_DIR) ? false : 'corpus ../shared/corpus not present (it lives beside the repository, not in it)';
const LOG_FOLDERS = ['mysql-general', 'mysql-slow', 'postgres', 'rails'];

for (const folder of LOG_FOLDERS) {
  test(`corpus ${folder}: every file is linted end to end`, { skip }, async () => {
    const files = readdirSync(join(CORPUS_DIR, folder));
    assert.ok(files.length > 0);
    for (const file of files) {
      const result = await lint({ paths: [join(CORPUS_DIR, folder, file)] });
      for (const finding of result.findings) {
        assert.ok(finding.line >= 1 && finding.file.endsWith(file), `${folder}/${file}: finding without a location`);
      }
    }
  });
}

test('corpus innodb-status: refused with a message that says what to capture instead', { skip }, async () => {
  for (const file of readdirSync(join(CORPUS_DIR, 'innodb-status'))) {
    await assert.rejects(
      lint({ paths: [join(CORPUS_DIR, 'innodb-status', file)] }),
      (error: unknown) => error instanceof UsageError && /SHOW ENGINE INNODB STATUS output.*general query log/.test(error.message),
    );
  }
});
