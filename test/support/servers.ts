/**
 * Private MariaDB and PostgreSQL instances for the real-server integration tests.
 *
 * Each test file starts its own instance in a fresh directory under os.tmpdir(), reachable only
 * through a unix socket in that directory (no TCP listener, so no port can clash and nothing is
 * exposed), with every statement logged, and stops it by pid afterwards. Binaries missing here
 * are installed with scripts/test-deps.sh when we are root on Debian; otherwise the start
 * functions return `{ skip: reason }`, which the tests turn into a skip, or into a failure when
 * LOCKLINT_REQUIRE_SERVERS=1 (as CI sets).
 *
 * Logs:
 * - MariaDB: the general query log, `--general-log=1 --log-output=FILE`
 *   (https://mariadb.com/kb/en/general-query-log/). One record per statement as received,
 *   keyed by thread id = CONNECTION_ID().
 * - PostgreSQL: stderr log redirected to a file (logging_collector off), `log_statement=all`,
 *   `log_connections`/`log_disconnections` on, and log_line_prefix POSTGRES_LOG_LINE_PREFIX
 *   (timestamp, [backend pid], user@database), so a session is the `[%p]` = pg_backend_pid()
 *   (https://www.postgresql.org/docs/15/runtime-config-logging.html).
 *
 * Set LOCKLINT_KEEP_SERVER_DIRS=1 to keep the temp dirs (logs, per-case slices) for a post-mortem.
 */
import { spawn, execFile, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chown, mkdir, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';

const execFileAsync = promisify(execFile);

/** `%m [%p] %q%u@%d `: millisecond timestamp, [backend pid], then user@database for sessions. */
export const POSTGRES_LOG_LINE_PREFIX = '%m [%p] %q%u@%d ';

/** Non-default port number; with no TCP listener it only names the socket file `.s.PGSQL.<port>`. */
const POSTGRES_PORT = 55432;

/** Longest unix socket path Linux accepts (sun_path is 108 bytes including the NUL). */
const MAX_SOCKET_PATH = 107;

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

export interface Unavailable {
  readonly skip: string;
}

/** True when CI demands real servers: an unavailable server is then a failure, not a skip. */
export function serversRequired(): boolean {
  return process.env.LOCKLINT_REQUIRE_SERVERS === '1';
}

/** The server's own statement log, and slices of it for one case. */
export interface ServerLog {
  readonly path: string;
  /** The current end of the log: pass it to logSince() once the case has run. */
  mark(): Promise<number>;
  /**
   * Writes what the server logged since `offset` to `toFile` and returns that text. For MariaDB
   * the file starts with the log's own header lines, as a log switched on just before the case
   * would; line numbers in findings refer to `toFile`.
   */
  logSince(offset: number, toFile: string): Promise<string>;
}

interface RunningServer {
  readonly pid: number;
  readonly version: string;
  readonly tempDir: string;
  readonly log: ServerLog;
  /** Stops the server by pid (bounded, SIGKILL as a last resort) and removes the temp dir. */
  stop(): Promise<void>;
}

export interface MariaDbServer extends RunningServer {
  readonly kind: 'mariadb';
  readonly socketPath: string;
  readonly user: string;
}

export interface PostgresServer extends RunningServer {
  readonly kind: 'postgresql';
  /** Directory holding the socket: pg's `host`. */
  readonly socketDir: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
}

/* ------------------------------------------------------------------------------------------ */

function repositoryRoot(): string {
  // Compiled to <root>/<outDir>/test/support/servers.js (outDir differs per build): walk up.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && existsSync(path.join(dir, 'scripts', 'test-deps.sh'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (scripts/test-deps.sh) above ' + import.meta.url);
    dir = parent;
  }
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs scripts/test-deps.sh; returns its KEY=VALUE output, or the reason it failed. */
async function testDepsScript(args: string[]): Promise<{ ok: true; values: Map<string, string> } | { ok: false; reason: string }> {
  const script = path.join(repositoryRoot(), 'scripts', 'test-deps.sh');
  try {
    const { stdout } = await execFileAsync('bash', [script, ...args], { maxBuffer: 16 << 20 });
    const values = new Map<string, string>();
    for (const line of stdout.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1));
    }
    return { ok: true, values };
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    const lines = (failure.stderr || failure.message).trim().split('\n');
    const reason = lines.map((line) => line.trim()).filter(Boolean).join('; ');
    return { ok: false, reason: reason.length > 1500 ? '...' + reason.slice(-1500) : reason };
  }
}

/**
 * Finds a program the tests drive (KEY=VALUE paths from scripts/test-deps.sh), installing it
 * first when missing (root on Debian only: the script checks).
 */
export async function locateBinaries(program: 'mariadb' | 'postgresql' | 'pre-commit'): Promise<Map<string, string> | Unavailable> {
  if (process.platform !== 'linux') return { skip: `the ${program} tests run on Linux only (found ${process.platform})` };
  const found = await testDepsScript(['paths', program]);
  if (found.ok) return found.values;
  const installed = await testDepsScript(['install', program]);
  if (!installed.ok) return { skip: `${program} not available: ${installed.reason}` };
  const again = await testDepsScript(['paths', program]);
  return again.ok ? again.values : { skip: `${program} not available after install: ${again.reason}` };
}

function tail(text: string, lines = 25): string {
  return text.split('\n').slice(-lines).join('\n');
}

async function readTail(file: string): Promise<string> {
  try {
    return tail(await readFile(file, 'utf8'));
  } catch {
    return '(no log written)';
  }
}

/** Bytes appended to `file` since `offset`, read with one positional read (logs are small here). */
async function readFrom(file: string, offset: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

function makeServerLog(logPath: string, header: () => string): ServerLog {
  return {
    path: logPath,
    async mark() {
      return (await stat(logPath)).size;
    },
    async logSince(offset, toFile) {
      const text = header() + (await readFrom(logPath, offset)).toString('utf8');
      await writeFile(toFile, text);
      return text;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Spawns a server; `spawned` resolves to null once it runs, or to the error (listeners attached at once, so no event is missed). */
function spawnServer(command: string, args: string[], options: SpawnOptions): { child: ChildProcess; spawned: Promise<Error | null> } {
  const child = spawn(command, args, options);
  const spawned = new Promise<Error | null>((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', (error) => resolve(error));
  });
  return { child, spawned };
}

/** Polls `probe` until it succeeds, the child exits, or the deadline passes. */
async function waitUntilReady(child: ChildProcess, probe: () => Promise<void>, describeFailure: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError = '';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited during startup (${child.exitCode ?? child.signalCode})\n${await describeFailure()}`);
    }
    try {
      await probe();
      return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() > deadline) {
      throw new Error(`server not ready after ${START_TIMEOUT_MS} ms (last: ${lastError})\n${await describeFailure()}`);
    }
    await sleep(50);
  }
}

/** Kills `child` and waits for it, escalating to SIGKILL; never throws for an already dead child. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(pid, signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
  });
  const how = await Promise.race([exited.then(() => 'exited' as const), timedOut]);
  clearTimeout(timer); // a pending timer would keep the test process alive
  if (how === 'timeout') {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await exited;
  }
}

/**
 * Last-resort cleanup if the test process dies without calling stop() (an uncaught error, or
 * the runner's SIGTERM on a timeout): kill our servers by pid, synchronously.
 */
const liveServers = new Map<number, string>();
let exitHooksInstalled = false;
function registerForCleanup(pid: number, tempDir: string): void {
  liveServers.set(pid, tempDir);
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const killAll = () => {
    for (const [serverPid, dir] of liveServers) {
      try {
        process.kill(serverPid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      // A server's helper processes may still write for a moment after their parent dies.
      if (process.env.LOCKLINT_KEEP_SERVER_DIRS !== '1') removeDirSyncWithRetries(dir);
    }
    liveServers.clear();
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(128 + os.constants.signals[signal]);
    });
  }
}

function removeDirSyncWithRetries(dir: string): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      return;
    } catch {
      Atomics.wait(pause, 0, 0, 50); // synchronous sleep: this runs inside an 'exit' handler
    }
  }
}

async function removeTempDir(dir: string): Promise<void> {
  if (process.env.LOCKLINT_KEEP_SERVER_DIRS === '1') return;
  await rm(dir, { recursive: true, force: true });
}

/* ---------------------------------------- MariaDB ----------------------------------------- */

export async function startMariaDb(): Promise<MariaDbServer | Unavailable> {
  const binaries = await locateBinaries('mariadb');
  if ('skip' in binaries) return binaries;
  const mariadbd = binaries.get('MARIADBD');
  if (!mariadbd) return { skip: 'test-deps.sh did not report a mariadbd binary' };

  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'locklint-mariadb-'));
  const socketPath = path.join(tempDir, 'mariadb.sock');
  if (socketPath.length > MAX_SOCKET_PATH) {
    await removeTempDir(tempDir);
    return { skip: `socket path too long for a unix socket (${socketPath.length} bytes): set TMPDIR to a shorter directory` };
  }
  const dataDir = path.join(tempDir, 'data');
  const scratchDir = path.join(tempDir, 'tmp');
  await mkdir(dataDir);
  await mkdir(scratchDir);
  const generalLog = path.join(tempDir, 'general.log');
  const errorLog = path.join(tempDir, 'error.log');

  const args = [
    // --no-defaults must come first: no my.cnf of this machine may leak in.
    '--no-defaults',
    ...(isRoot() ? ['--user=root'] : []), // mariadbd refuses to run as root without it
    `--datadir=${dataDir}`,
    `--tmpdir=${scratchDir}`,
    `--socket=${socketPath}`,
    `--pid-file=${path.join(tempDir, 'mariadb.pid')}`,
    '--skip-networking',
    // An empty datadir has no mysql.* privilege tables (no mariadb-install-db: it costs seconds);
    // without grant tables any local user connects as superuser through the private socket.
    '--skip-grant-tables',
    '--general-log=1',
    `--general-log-file=${generalLog}`,
    '--log-output=FILE',
    `--log-error=${errorLog}`,
    // A wait the scenario did not plan fails in seconds (1205) instead of hanging the suite.
    '--innodb-lock-wait-timeout=5',
    // Deadlock reports in error.log: the server's own account, for a post-mortem.
    '--innodb-print-all-deadlocks=ON',
    // Small and fast; durability does not matter for a throwaway instance.
    '--innodb-buffer-pool-size=32M',
    '--innodb-log-file-size=16M',
    '--innodb-flush-log-at-trx-commit=0',
    '--skip-log-bin',
  ];
  const { child, spawned } = spawnServer(mariadbd, args, { cwd: tempDir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = tail(stderr + chunk.toString('utf8'), 40);
  });
  if ((await spawned) || child.pid === undefined) {
    await removeTempDir(tempDir);
    return { skip: `could not run ${mariadbd}: ${(await spawned)?.message ?? 'no pid'}` };
  }
  const pid = child.pid;
  registerForCleanup(pid, tempDir);
  const stop = async () => {
    await stopChild(child, 'SIGTERM');
    liveServers.delete(pid);
    await removeTempDir(tempDir);
  };

  let version = '';
  try {
    await waitUntilReady(
      child,
      async () => {
        const connection = await createConnection({ socketPath, user: 'root', connectTimeout: 2000 });
        try {
          const [rows] = await connection.query('SELECT VERSION() AS version');
          version = String((rows as Array<{ version: string }>)[0]?.version);
        } finally {
          await connection.end();
        }
      },
      async () => `mariadbd error log (${errorLog}):\n${await readTail(errorLog)}\nstderr:\n${stderr}`,
    );
  } catch (error) {
    await stop();
    return { skip: `MariaDB did not start: ${(error as Error).message}` };
  }

  // The header MariaDB writes when it opens the log (binary, version, socket, column titles):
  // copied to the top of each slice, so a slice reads as a whole general log file.
  const header = readFileSync(generalLog, 'utf8').split('\n');
  const titleLine = header.findIndex((line) => line.startsWith('Time'));
  const headerText = titleLine >= 0 ? header.slice(0, titleLine + 1).join('\n') + '\n' : '';

  return {
    kind: 'mariadb',
    pid,
    version,
    tempDir,
    socketPath,
    user: 'root',
    log: makeServerLog(generalLog, () => headerText),
    stop,
  };
}

/* --------------------------------------- PostgreSQL --------------------------------------- */

function postgresAccount(): { uid: number; gid: number } | null {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const fields = line.split(':');
      if (fields[0] === 'postgres') return { uid: Number(fields[2]), gid: Number(fields[3]) };
    }
  } catch {
    /* no passwd file: treat as absent */
  }
  return null;
}

export async function startPostgres(): Promise<PostgresServer | Unavailable> {
  const binaries = await locateBinaries('postgresql');
  if ('skip' in binaries) return binaries;
  const binDir = binaries.get('PG_BINDIR');
  if (!binDir) return { skip: 'test-deps.sh did not report a PostgreSQL bin directory' };

  // initdb and postgres refuse to run as root: as root, run them as the `postgres` account the
  // Debian package creates, in a temp dir that account owns.
  let account: { uid: number; gid: number } | undefined;
  if (isRoot()) {
    account = postgresAccount() ?? undefined;
    if (!account) return { skip: 'running as root, and there is no postgres account to run initdb/postgres as' };
  }
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'locklint-pg-'));
  const socketFile = path.join(tempDir, `.s.PGSQL.${POSTGRES_PORT}`);
  if (socketFile.length > MAX_SOCKET_PATH) {
    await removeTempDir(tempDir);
    return { skip: `socket path too long for a unix socket (${socketFile.length} bytes): set TMPDIR to a shorter directory` };
  }
  if (account) await chown(tempDir, account.uid, account.gid);
  const dataDir = path.join(tempDir, 'data');
  const logPath = path.join(tempDir, 'postgresql.log');
  const asServerAccount = { cwd: tempDir, ...(account ?? {}), env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' } };

  try {
    await execFileAsync(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], asServerAccount);
  } catch (error) {
    await removeTempDir(tempDir);
    const failure = error as { stderr?: string; message: string };
    return { skip: `PostgreSQL initdb failed: ${(failure.stderr || failure.message).trim()}` };
  }

  // The log file is opened here and inherited as stdout/stderr (append mode: each log line is
  // one write, so concurrent backends do not interleave within a line).
  const logHandle = await open(logPath, 'a');
  const settings: Record<string, string> = {
    listen_addresses: '', // unix socket only
    unix_socket_directories: tempDir,
    port: String(POSTGRES_PORT),
    logging_collector: 'off',
    log_destination: 'stderr',
    log_statement: 'all',
    log_line_prefix: POSTGRES_LOG_LINE_PREFIX,
    log_connections: 'on',
    log_disconnections: 'on',
    log_timezone: 'UTC',
    // The deadlock detector runs after deadlock_timeout (default 1s): 100ms keeps the suite fast.
    // https://www.postgresql.org/docs/15/runtime-config-locks.html
    deadlock_timeout: '100ms',
    // A wait the scenario did not plan fails in seconds (55P03) instead of hanging the suite.
    lock_timeout: '5s',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    shared_buffers: '32MB',
    max_connections: '40',
  };
  const args = ['-D', dataDir];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const { child, spawned } = spawnServer(path.join(binDir, 'postgres'), args, { ...asServerAccount, stdio: ['ignore', logHandle.fd, logHandle.fd] });
  await logHandle.close(); // the child has its own copy of the descriptor
  const spawnError = await spawned;
  if (spawnError || child.pid === undefined) {
    await removeTempDir(tempDir);
    return { skip: `could not run postgres: ${spawnError?.message ?? 'no pid'}` };
  }
  const pid = child.pid;
  registerForCleanup(pid, tempDir);
  const stop = async () => {
    // SIGINT is PostgreSQL's "fast" shutdown: roll back sessions, then exit.
    await stopChild(child, 'SIGINT');
    liveServers.delete(pid);
    await removeTempDir(tempDir);
  };

  let version = '';
  try {
    await waitUntilReady(
      child,
      async () => {
        if (!existsSync(socketFile)) throw new Error('no socket yet');
        const client = new pg.Client({ host: tempDir, port: POSTGRES_PORT, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 });
        await client.connect();
        try {
          version = String((await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version);
        } finally {
          await client.end();
        }
      },
      async () => `postgres log (${logPath}):\n${await readTail(logPath)}`,
    );
  } catch (error) {
    await stop();
    return { skip: `PostgreSQL did not start: ${(error as Error).message}` };
  }

  return {
    kind: 'postgresql',
    pid,
    version,
    tempDir,
    socketDir: tempDir,
    port: POSTGRES_PORT,
    user: 'postgres',
    database: 'postgres',
    log: makeServerLog(logPath, () => ''),
    stop,
  };
}
