import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expandPaths } from '../src/input/paths.js';

/**
 * base/
 *   outside/o.sql
 *   root/                (cwd)
 *     a.sql  notes.txt  logs/general.log  .hidden/h.sql
 *     db/ m1.sql  m2.sql.gz  README.md  nested/deep.sql  legacy/old.sql
 *         node_modules/pkg/x.sql  .git/y.sql  nested/node_modules/z.sql
 */
let base = '';
let root = '';

before(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'locklint-paths-'));
  root = path.join(base, 'root');
  const files = [
    'outside/o.sql',
    'root/a.sql',
    'root/notes.txt',
    'root/logs/general.log',
    'root/.hidden/h.sql',
    'root/db/m1.sql',
    'root/db/m2.sql.gz',
    'root/db/README.md',
    'root/db/nested/deep.sql',
    'root/db/legacy/old.sql',
    'root/db/node_modules/pkg/x.sql',
    'root/db/.git/y.sql',
    'root/db/nested/node_modules/z.sql',
  ];
  for (const file of files) {
    const full = path.join(base, file);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, 'SELECT 1;\n');
  }
});

after(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('expandPaths', () => {
  it('reads - as standard input', async () => {
    const result = await expandPaths(['-'], { cwd: root });
    assert.deepEqual(result, { files: [], absolute: [], missing: [], stdin: true });
  });

  it('takes an existing file whatever its extension', async () => {
    const result = await expandPaths(['logs/general.log', 'notes.txt'], { cwd: root });
    assert.deepEqual(result.files, ['logs/general.log', 'notes.txt']);
    assert.deepEqual(result.absolute, [path.join(root, 'logs/general.log'), path.join(root, 'notes.txt')]);
    assert.equal(result.stdin, false);
  });

  it('expands a directory to its .sql and .sql.gz files, skipping node_modules and .git', async () => {
    const result = await expandPaths(['db'], { cwd: root });
    assert.deepEqual(result.files, ['db/legacy/old.sql', 'db/m1.sql', 'db/m2.sql.gz', 'db/nested/deep.sql']);
    assert.deepEqual(
      result.absolute,
      result.files.map((file) => path.join(root, file)),
    );
    assert.deepEqual(result.missing, []);
  });

  it('walks hidden directories when expanding a directory (only node_modules and .git are skipped)', async () => {
    const result = await expandPaths(['.'], { cwd: root });
    assert.deepEqual(result.files, ['.hidden/h.sql', 'a.sql', 'db/legacy/old.sql', 'db/m1.sql', 'db/m2.sql.gz', 'db/nested/deep.sql']);
  });

  it('expands globs relative to cwd without dot files, node_modules or .git', async () => {
    const all = await expandPaths(['**/*.sql'], { cwd: root });
    assert.deepEqual(all.files, ['a.sql', 'db/legacy/old.sql', 'db/m1.sql', 'db/nested/deep.sql']);
    const braces = await expandPaths(['db/{m1,m2}.sql*'], { cwd: root });
    assert.deepEqual(braces.files, ['db/m1.sql', 'db/m2.sql.gz']);
    const anyFile = await expandPaths(['db/*'], { cwd: root });
    assert.deepEqual(anyFile.files, ['db/README.md', 'db/m1.sql', 'db/m2.sql.gz']);
  });

  it('reports missing paths and globs that match nothing, sorted and once each', async () => {
    const result = await expandPaths(['nope.sql', 'db/*.nothing', 'a.sql', 'nope.sql', 'gone/'], { cwd: root });
    assert.deepEqual(result.files, ['a.sql']);
    assert.deepEqual(result.missing, ['db/*.nothing', 'gone/', 'nope.sql']);
  });

  it('drops ignored files found by directories and globs, but never an explicitly named file', async () => {
    const byDirectory = await expandPaths(['db'], { cwd: root, ignore: ['db/legacy'] });
    assert.deepEqual(byDirectory.files, ['db/m1.sql', 'db/m2.sql.gz', 'db/nested/deep.sql']);
    const trailingSlash = await expandPaths(['db'], { cwd: root, ignore: ['db/legacy/', './db/nested'] });
    assert.deepEqual(trailingSlash.files, ['db/m1.sql', 'db/m2.sql.gz']);
    const byGlob = await expandPaths(['**/*.sql'], { cwd: root, ignore: ['**/deep.sql', 'db/legacy/**'] });
    assert.deepEqual(byGlob.files, ['a.sql', 'db/m1.sql']);
    const named = await expandPaths(['db/legacy/old.sql', 'db'], { cwd: root, ignore: ['**/legacy/**'] });
    assert.deepEqual(named.files, ['db/legacy/old.sql', 'db/m1.sql', 'db/m2.sql.gz', 'db/nested/deep.sql']);
  });

  it('deduplicates files reached several ways and sorts them', async () => {
    const result = await expandPaths(['db/m1.sql', './a.sql', 'db', path.join(root, 'a.sql'), 'db/*.sql'], { cwd: root });
    assert.deepEqual(result.files, ['a.sql', 'db/legacy/old.sql', 'db/m1.sql', 'db/m2.sql.gz', 'db/nested/deep.sql']);
    assert.equal(new Set(result.absolute).size, result.absolute.length);
  });

  it('shows files under cwd relative to it, and others as given', async () => {
    const relative = await expandPaths(['../outside/o.sql', '../outside'], { cwd: root });
    assert.deepEqual(relative.files, ['../outside/o.sql']);
    assert.deepEqual(relative.absolute, [path.join(base, 'outside/o.sql')]);
    const absolute = await expandPaths([path.join(base, 'outside')], { cwd: root });
    assert.deepEqual(absolute.files, [path.join(base, 'outside/o.sql')]);
    const absoluteInside = await expandPaths([path.join(root, 'db', 'm1.sql')], { cwd: root });
    assert.deepEqual(absoluteInside.files, ['db/m1.sql']);
    const globOutside = await expandPaths(['../outside/*.sql'], { cwd: root });
    assert.deepEqual(globOutside.files, ['../outside/o.sql']);
  });

  it('follows symbolic links to files but not to directories', async () => {
    const linkRoot = await mkdtemp(path.join(tmpdir(), 'locklint-links-'));
    try {
      await writeFile(path.join(linkRoot, 'real.sql'), 'SELECT 1;');
      await mkdir(path.join(linkRoot, 'sub'));
      await symlink(path.join(linkRoot, 'real.sql'), path.join(linkRoot, 'sub', 'link.sql'));
      await symlink(linkRoot, path.join(linkRoot, 'sub', 'loop'));
      const result = await expandPaths(['.'], { cwd: linkRoot });
      assert.deepEqual(result.files, ['real.sql', 'sub/link.sql']);
    } finally {
      await rm(linkRoot, { recursive: true, force: true });
    }
  });

  it('handles stdin, files and missing paths together', async () => {
    const result = await expandPaths(['-', 'a.sql', 'missing.sql', '-'], { cwd: root });
    assert.deepEqual(result, { files: ['a.sql'], absolute: [path.join(root, 'a.sql')], missing: ['missing.sql'], stdin: true });
  });
});
