/**
 * Real servers for the benchmarks: PostgreSQL 15 and Redis 7 on free loopback ports in folders under one
 * bench temp folder, the same approach as test/support/db-servers.ts (initdb refuses root, so as root
 * PostgreSQL runs as the `postgres` user through runuser), but with settings and timeouts sized for
 * gigabytes instead of kilobytes, and with every server and folder registered for cleanup, so that
 * Ctrl-C or a failure leaves nothing running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from '../benchmark.js';

export const SCRIPTS_DIR = join(REPO_ROOT, 'charts', 'scripts');

// ---------------------------------------------------------------------------------------------------
// Cleanup registry: servers and folders, undone in reverse order (also on SIGINT/SIGTERM, see run.ts).

type Cleanup = { label: string; fn: () => Promise<void> };
const cleanups: Cleanup[] = [];

const inFlight = new Set<Promise<void>>();

/** Register an undo action; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(label: string, fn: () => Promise<void>): () => Promise<void> {
  const entry: Cleanup = { label, fn };
  cleanups.push(entry);
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
    // Tracked, so that runCleanups() (e.g. from a signal handler) waits for it before the process exits.
    const p = fn();
    inFlight.add(p);
    try {
      await p;
    } finally {
      inFlight.delete(p);
    }
  };
}

let cleaning: Promise<void> | undefined;
let shuttingDown = false;

/** After SIGINT/SIGTERM: no server or folder may be created any more (run.ts then runs the cleanups). */
export function beginShutdown(): void {
  shuttingDown = true;
}

function assertNotShuttingDown(what: string): void {
  if (shuttingDown) throw new Error(`interrupted: not starting ${what}`);
}

/**
 * Run every registered cleanup, newest first; errors are reported, not thrown. Concurrent callers (a
 * signal handler and a failing benchmark) share one pass, so neither exits while the other still stops
 * a server.
 */
export function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0 || inFlight.size > 0) {
      if (cleanups.length === 0) {
        await Promise.allSettled([...inFlight]);
        continue;
      }
      const c = cleanups.pop() as Cleanup;
      try {
        await c.fn();
      } catch (e) {
        process.stderr.write(`cleanup of ${c.label} failed: ${(e as Error).message}\n`);
      }
    }
  })().finally(() => (cleaning = undefined));
  return cleaning;
}

// Roots of the benchmark's process trees besides node itself (PostgreSQL postmasters, which pg_ctl detaches).
const detachedRoots = new Set<number>();

/** process.pid and the pids of the detached servers: everything the benchmark runs descends from these. */
export function benchProcessRoots(): number[] {
  return [process.pid, ...detachedRoots];
}

// ---------------------------------------------------------------------------------------------------
// Processes

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Replace the environment instead of extending process.env. */
  cleanEnv?: boolean;
  input?: string;
  timeoutMs?: number;
  /** Keep at most this many characters of stdout/stderr (the tail). Default 1 MiB. */
  keepChars?: number;
}

/** Spawn a command; resolves with exit code and (tails of) output, never rejects on a non-zero exit. */
export async function exec(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const keep = opts.keepChars ?? 1 << 20;
  const baseEnv: Record<string, string | undefined> = opts.cleanEnv ? {} : { ...process.env };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...baseEnv, ...(opts.env ?? {}) })) if (v !== undefined) env[k] = v;
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const tail = (s: string): string => (s.length > keep ? s.slice(s.length - keep) : s);
    child.stdout.on('data', (d: Buffer) => (out = tail(out + d.toString())));
    child.stderr.on('data', (d: Buffer) => (err = tail(err + d.toString())));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout: out, stderr: err });
    });
    child.stdin.on('error', () => undefined); // the tool may exit without reading its input
    child.stdin.end(opts.input ?? '');
  });
}

/** Like exec, but rejects unless the exit code is 0; resolves with stdout. */
export async function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  const r = await exec(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().slice(-2000)}`);
  return r.stdout;
}

/** Run a bash snippet with `set -euo pipefail`; positional parameters $1.. come from `args`. */
export async function bash(script: string, args: string[] = [], opts: RunOptions = {}): Promise<string> {
  return run('bash', ['-c', `set -euo pipefail\n${script}`, 'bench', ...args], opts);
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of an executable in the given dirs, then PATH and the sbin dirs. */
export function findBinary(name: string, extraDirs: (string | undefined)[] = []): string | undefined {
  const dirs = [...extraDirs.filter((d): d is string => !!d), ...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  return dirs.map((d) => join(d, name)).find(isExecutable);
}

export function pgBinDir(): string | undefined {
  return [process.env.PG_BINDIR, '/usr/lib/postgresql/15/bin', '/usr/pgsql-15/bin'].find((d) => !!d && isExecutable(join(d, 'initdb')));
}

/** Fail early, with the package names, when a server or client binary is missing. */
export function requireBinaries(names: string[], hint: string, extraDirs: (string | undefined)[] = []): void {
  const missing = names.filter((n) => !findBinary(n, extraDirs));
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}; install with: apt-get update && ${hint}`);
}

/**
 * Run one of charts/scripts/*.sh with a minimal, explicit environment, as the Job would: PATH with the
 * PostgreSQL 15 client tools first (the rhel9 image has those), nothing inherited but HOME and LANG.
 */
export async function runScript(script: string, env: Record<string, string | undefined>, timeoutMs: number): Promise<RunResult> {
  const path = [pgBinDir(), process.env.PATH ?? '/usr/bin:/bin'].filter(Boolean).join(delimiter);
  return exec('bash', [join(SCRIPTS_DIR, script)], {
    cleanEnv: true,
    env: { PATH: path, HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8', ...env },
    timeoutMs,
  });
}

// ---------------------------------------------------------------------------------------------------
// Folders and ports

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

async function idOf(user: string): Promise<{ uid: number; gid: number } | undefined> {
  const r = await exec('id', ['-u', user]).catch(() => undefined);
  const g = await exec('id', ['-g', user]).catch(() => undefined);
  if (!r || !g || r.code !== 0 || g.code !== 0) return undefined;
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/**
 * One temp folder for a benchmark (mode 0755, so that the unprivileged PostgreSQL user can reach its
 * subfolder), removed by runCleanups() or by the returned dispose().
 */
export async function makeBenchDir(prefix: string): Promise<{ path: string; dispose: () => Promise<void> }> {
  assertNotShuttingDown(`folder ${prefix}`);
  const path = await mkdtemp(join(tmpdir(), `tsm-bench-${prefix}-`));
  await chmod(path, 0o755);
  const dispose = onCleanup(`folder ${path}`, () => rm(path, { recursive: true, force: true }));
  return { path, dispose };
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr && typeof addr === 'object') {
        const { port } = addr;
        srv.close(() => res(port));
      } else rej(new Error('no port'));
    });
  });
}

async function waitFor(what: string, timeoutMs: number, intervalMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL 15

export const PG_BINARIES = ['initdb', 'pg_ctl', 'postgres', 'psql', 'pg_dump', 'pg_restore'];
export const PG_APT_HINT = 'apt-get install -y postgresql-15 postgresql-client-15';

/** Server settings of both benchmark servers (fsync stays on: the window is measured as in production). */
export const PG_SETTINGS: Record<string, string> = {
  shared_buffers: '256MB',
  maintenance_work_mem: '256MB',
  max_wal_size: '2GB',
  max_connections: '50',
};

export interface PgServer {
  name: string;
  host: string;
  port: number;
  /** Folder with data/, the unix socket and server.log. */
  dir: string;
  /** Unix socket folder (trust authentication for local connections). */
  socketDir: string;
  bindir: string;
  /** psql -At over the unix socket as `user` (default postgres). */
  sql(text: string, opts?: { db?: string; user?: string; timeoutMs?: number }): Promise<string>;
  stop(): Promise<void>;
}

/** initdb + pg_ctl start in `<parent>/<name>`; TCP on 127.0.0.1 uses scram-sha-256, the socket trust. */
export async function startPostgres(parent: string, name: string): Promise<PgServer> {
  const bindir = pgBinDir();
  if (!bindir) throw new Error(`PostgreSQL 15 not found; ${PG_APT_HINT}`);
  const ownerName = isRoot ? ((await idOf('postgres')) ? 'postgres' : 'nobody') : undefined;
  const owner = ownerName ? await idOf(ownerName) : undefined;
  const dir = join(parent, name);
  await mkdir(dir, { recursive: true });
  if (owner) await chown(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  const asOwner = (bin: string, args: string[]): [string, string[]] =>
    ownerName ? ['runuser', ['-u', ownerName, '--', join(bindir, bin), ...args]] : [join(bindir, bin), args];

  assertNotShuttingDown(`postgres ${name}`);
  const [c1, a1] = asOwner('initdb', ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C']);
  await run(c1, a1, { timeoutMs: 120_000 });
  const opts = [`-c listen_addresses=127.0.0.1`, `-c port=${port}`, `-c unix_socket_directories=${dir}`]
    .concat(Object.entries(PG_SETTINGS).map(([k, v]) => `-c ${k}=${v}`))
    .join(' ');
  const [c2, a2] = asOwner('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', '-t', '120', 'start']);

  let stopped = false;
  let postmasterPid: number | undefined;
  const stop = onCleanup(`postgres ${name}`, async () => {
    if (stopped) return;
    stopped = true;
    const [c3, a3] = asOwner('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
    await exec(c3, a3, { timeoutMs: 70_000 }).catch(() => undefined);
    if (postmasterPid !== undefined) detachedRoots.delete(postmasterPid);
  });
  assertNotShuttingDown(`postgres ${name}`);
  await run(c2, a2, { timeoutMs: 130_000 });
  const postmaster = Number((await readFile(join(data, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (Number.isInteger(postmaster) && postmaster > 0) {
    postmasterPid = postmaster;
    detachedRoots.add(postmaster);
  }

  const sql = async (text: string, o: { db?: string; user?: string; timeoutMs?: number } = {}): Promise<string> =>
    (
      await run(join(bindir, 'psql'), ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-p', String(port), '-U', o.user ?? 'postgres', '-d', o.db ?? 'postgres'], {
        input: text,
        timeoutMs: o.timeoutMs ?? 60_000,
      })
    ).trimEnd();

  return { name, host: '127.0.0.1', port, dir, socketDir: dir, bindir, sql, stop };
}

// ---------------------------------------------------------------------------------------------------
// Redis 7

export const REDIS_BINARIES = ['redis-server', 'redis-cli', 'redis-check-rdb'];
export const REDIS_APT_HINT = 'apt-get install -y redis-server redis-tools';

export type RedisConfig = Record<string, string | string[]>;

/** Common part of the vendor's redis-config-external (seed 3.4.5) and the operator's redis.conf. */
const REDIS_BASE_CONFIG: RedisConfig = {
  timeout: '0',
  'tcp-keepalive': '300',
  databases: '16',
  'stop-writes-on-bgsave-error': 'yes',
  rdbcompression: 'yes',
  rdbchecksum: 'yes',
  dbfilename: 'dump.rdb',
  'repl-diskless-sync': 'no',
  appendfilename: '"appendonly.aof"',
  appendfsync: 'everysec',
  'no-appendfsync-on-rewrite': 'no',
  'auto-aof-rewrite-percentage': '100',
  'auto-aof-rewrite-min-size': '64mb',
  'aof-load-truncated': 'yes',
  activerehashing: 'no',
  'aof-rewrite-incremental-fsync': 'yes',
  // DEBUG DIGEST for the untimed comparison after each run (loopback clients only).
  'enable-debug-command': 'local',
};

/** Persistence mode: the operator's settings (three save lines + AOF). */
export const REDIS_PERSISTENCE_CONFIG: RedisConfig = { ...REDIS_BASE_CONFIG, save: ['900 1', '300 10', '60 10000'], appendonly: 'yes' };

/** Restore mode (seed 3.4.5 redis-config-external): no RDB saves, no AOF, so dump.rdb is loaded as is. */
export const REDIS_RESTORE_CONFIG: RedisConfig = { ...REDIS_BASE_CONFIG, save: ['""'], appendonly: 'no' };

export interface RedisServer {
  name: string;
  host: string;
  port: number;
  dir: string;
  dataDir: string;
  running(): boolean;
  /** Start with `config` and wait until PING answers PONG (i.e. the dataset is loaded). */
  start(config: RedisConfig): Promise<void>;
  /** SIGTERM, as Kubernetes stops a pod, and wait for the exit. */
  stop(): Promise<void>;
  restart(config: RedisConfig): Promise<void>;
  cli(args: string[], db?: number): Promise<string>;
  /** INFO <section> as a field map. */
  info(section: string): Promise<Record<string, string>>;
  /** Total keys over all databases (INFO keyspace). */
  keyCount(): Promise<number>;
  log(): Promise<string>;
  /** Stop and forget (the folder is the caller's). */
  destroy(): Promise<void>;
}

/**
 * A Redis in `<parent>/<name>` with its data in `<parent>/<name>/data` (created, empty); not started:
 * call start(). Foreground child (no daemonize), killed by runCleanups().
 */
export async function createRedis(parent: string, name: string): Promise<RedisServer> {
  const redisServer = findBinary('redis-server');
  const redisCli = findBinary('redis-cli');
  if (!redisServer || !redisCli) throw new Error(`redis not found; ${REDIS_APT_HINT}`);
  const dir = join(parent, name);
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const port = await freePort();
  let child: ChildProcess | undefined;
  let confN = 0;

  const cli = async (args: string[], db = 0): Promise<string> =>
    (await run(redisCli, ['-h', '127.0.0.1', '-p', String(port), '-n', String(db), ...args], { timeoutMs: 600_000 })).replace(/\n$/, '');

  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    await Promise.race([exited, sleep(120_000)]);
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  const destroy = onCleanup(`redis ${name}`, stop);

  const start = async (config: RedisConfig): Promise<void> => {
    if (child) throw new Error(`redis ${name} is already running`);
    const lines = [
      'bind 127.0.0.1',
      `port ${port}`,
      'protected-mode no',
      'daemonize no',
      'supervised no',
      'loglevel notice',
      `dir ${dataDir}`,
      `logfile ${join(dir, 'redis.log')}`,
      `pidfile ${join(dir, 'redis.pid')}`,
    ];
    for (const [k, v] of Object.entries(config)) for (const item of Array.isArray(v) ? v : [v]) lines.push(`${k} ${item}`);
    const conf = join(dir, `redis-${confN++}.conf`);
    await writeFile(conf, lines.join('\n') + '\n', { mode: 0o600 });
    assertNotShuttingDown(`redis ${name}`);
    const c = spawn(redisServer, [conf], { stdio: 'ignore' });
    child = c;
    await waitFor(`redis ${name} on ${port} to answer PONG`, 600_000, 50, async () => {
      if (c.exitCode !== null) throw new Error(`redis-server ${name} exited ${c.exitCode}; log: ${(await readFile(join(dir, 'redis.log'), 'utf8').catch(() => '')).slice(-1500)}`);
      const r = await exec(redisCli, ['-h', '127.0.0.1', '-p', String(port), 'PING'], { timeoutMs: 10_000 }).catch(() => undefined);
      return !!r && r.code === 0 && r.stdout.trim() === 'PONG';
    });
  };

  const info = async (section: string): Promise<Record<string, string>> => {
    const out = await cli(['INFO', section]);
    const fields: Record<string, string> = {};
    for (const line of out.split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i > 0 && !line.startsWith('#')) fields[line.slice(0, i)] = line.slice(i + 1).trim();
    }
    return fields;
  };

  return {
    name,
    host: '127.0.0.1',
    port,
    dir,
    dataDir,
    running: () => !!child && child.exitCode === null,
    start,
    stop,
    async restart(config) {
      await stop();
      await start(config);
    },
    cli,
    info,
    async keyCount() {
      const ks = await info('keyspace');
      return Object.values(ks).reduce((sum, v) => sum + Number(/keys=(\d+)/.exec(v)?.[1] ?? 0), 0);
    },
    log: async () => readFile(join(dir, 'redis.log'), 'utf8').catch(() => ''),
    destroy,
  };
}

// ---------------------------------------------------------------------------------------------------
// MariaDB (stands in for the MySQL 8.0 of 3scale, as in the script tests)

export const MARIADB_BINARIES = ['mariadb-install-db', 'mariadbd', 'mysql', 'mysqldump'];
export const MARIADB_APT_HINT = 'apt-get install -y mariadb-server mariadb-client';

export interface MariaDbServer {
  host: string;
  port: number;
  dir: string;
  /** SQL as root over the unix socket, -N -B output. */
  sql(text: string, db?: string): Promise<string>;
  /** mysql client arguments for root over the unix socket. */
  socketArgs: string[];
  stop(): Promise<void>;
}

/** mariadb-install-db + mariadbd in `<parent>/<name>`, on a unix socket and a free loopback port. */
export async function startMariaDb(parent: string, name: string): Promise<MariaDbServer> {
  const [installDb, mariadbd, mysql] = ['mariadb-install-db', 'mariadbd', 'mysql'].map((b) => findBinary(b));
  if (!installDb || !mariadbd || !mysql) throw new Error(`mariadb not found; ${MARIADB_APT_HINT}`);
  const dir = join(parent, name);
  await mkdir(dir, { recursive: true });
  const data = join(dir, 'data');
  const sock = join(dir, 'mysqld.sock');
  const port = await freePort();
  const user = isRoot ? ['--user=root'] : [];
  assertNotShuttingDown(`mariadb ${name}`);
  await run(installDb, ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...user], { timeoutMs: 120_000 });
  const child = spawn(
    mariadbd,
    ['--no-defaults', `--datadir=${data}`, `--socket=${sock}`, `--port=${port}`, '--bind-address=127.0.0.1', `--log-error=${join(dir, 'error.log')}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`, '--skip-name-resolve', '--innodb-buffer-pool-size=256M', '--event-scheduler=OFF', ...user],
    { stdio: 'ignore' },
  );
  const stop = onCleanup(`mariadb ${name}`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(60_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const socketArgs = ['--no-defaults', `--socket=${sock}`, '-uroot'];
  const sql = async (text: string, db?: string): Promise<string> =>
    (await run(mysql, [...socketArgs, '-N', '-B', ...(db ? [db] : [])], { input: text, timeoutMs: 3_600_000 })).trimEnd();
  await waitFor(`mariadb ${name} on ${port}`, 120_000, 200, async () => {
    if (child.exitCode !== null) throw new Error(`mariadbd ${name} exited ${child.exitCode}`);
    return (await sql('SELECT 1').catch(() => '')) === '1';
  });
  return { host: '127.0.0.1', port, dir, sql, socketArgs, stop };
}
