/**
 * Real database servers for the script tests: PostgreSQL 15, Redis 7 and MariaDB, each started on a free
 * loopback port in its own mkdtemp folder and stopped (folder removed) afterwards. Also: the binary
 * check shared by all suites and a runner for the shell scripts.
 *
 * Missing binaries: the suite is skipped with a loud console.warn naming the packages to install, except
 * when CI is set, where the suite fails instead (a CI run that silently skips proves nothing).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, rm, writeFile, chown, mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve, delimiter, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';

const execFileP = promisify(execFile);

const MODULE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The repository root, also when this module runs compiled under build/ (the benchmarks import it). */
export const REPO_ROOT = basename(MODULE_ROOT) === 'build' ? dirname(MODULE_ROOT) : MODULE_ROOT;
export const SCRIPTS_DIR = join(REPO_ROOT, 'charts', 'scripts');

export const IN_CI = ['1', 'true', 'yes'].includes((process.env.CI ?? '').toLowerCase());

/** Debian package names, in one place so the warning and the report agree. */
export const APT_HINT = {
  postgresql: 'apt-get install -y postgresql-15 postgresql-client-15',
  redis: 'apt-get install -y redis-server redis-tools',
  mariadb: 'apt-get install -y mariadb-server mariadb-client',
} as const;

const PG_BIN_CANDIDATES = [process.env.PG_BINDIR, '/usr/lib/postgresql/15/bin', '/usr/pgsql-15/bin'];

function isExecutable(p: string): boolean {
  try {
    accessSync(p, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of an executable found in the given dirs, then in PATH (also sbin dirs). */
export function findBinary(name: string, extraDirs: (string | undefined)[] = []): string | undefined {
  const dirs = [
    ...extraDirs.filter((d): d is string => !!d),
    ...(process.env.PATH ?? '').split(delimiter),
    '/usr/sbin',
    '/usr/local/sbin',
    '/sbin',
  ];
  for (const d of dirs) {
    const p = join(d, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

export function pgBinDir(): string | undefined {
  return PG_BIN_CANDIDATES.find((d) => !!d && isExecutable(join(d, 'initdb')));
}

export interface BinaryCheck {
  ok: boolean;
  missing: string[];
}

/**
 * Check the binaries a suite needs. Warns loudly when some are missing. Use the result with
 * `describe.skipIf(skipSuite(check))` and call `failInCiIfMissing(check)` in beforeAll.
 */
export function checkBinaries(label: keyof typeof APT_HINT, names: string[], extraDirs: (string | undefined)[] = []): BinaryCheck {
  const missing = names.filter((n) => !findBinary(n, extraDirs));
  if (missing.length > 0) {
    const msg =
      `\n!!! ${label} tests ${IN_CI ? 'FAIL' : 'are SKIPPED'}: missing ${missing.join(', ')}.\n` +
      `!!! Install with: apt-get update && ${APT_HINT[label]}\n`;
    console.warn(msg);
  }
  return { ok: missing.length === 0, missing };
}

/** Skip only outside CI; in CI the suite runs and its beforeAll fails. */
export function skipSuite(check: BinaryCheck): boolean {
  return !check.ok && !IN_CI;
}

export function failInCiIfMissing(check: BinaryCheck, label: keyof typeof APT_HINT): void {
  if (!check.ok) {
    throw new Error(`missing ${check.missing.join(', ')} (CI is set, so this fails instead of skipping); install: ${APT_HINT[label]}`);
  }
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
      } else {
        rej(new Error('no port'));
      }
    });
  });
}

/**
 * Starts a server, again on a new port when a start fails: {@link freePort} releases the port it found before
 * the server binds it, so a suite running in parallel can take it first. A missing binary fails every attempt
 * quickly and is reported as such.
 */
export async function withStartRetries<T>(what: string, start: () => Promise<T>, attempts = 3): Promise<T> {
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await start();
    } catch (err) {
      last = err;
    }
  }
  throw new Error(`${what} did not start in ${attempts} attempts; the last error: ${last instanceof Error ? last.message : String(last)}`);
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

async function idOf(user: string): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const { stdout: u } = await execFileP('id', ['-u', user]);
    const { stdout: g } = await execFileP('id', ['-g', user]);
    return { uid: Number(u.trim()), gid: Number(g.trim()) };
  } catch {
    return undefined;
  }
}

/** Make a temp folder; when running as root, hand it to the unprivileged user the server runs as. */
export async function makeTempDir(prefix: string, owner?: { uid: number; gid: number }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `tsm-${prefix}-`));
  if (owner) await chown(dir, owner.uid, owner.gid);
  return dir;
}

// ---------------------------------------------------------------------------------------------------
// Script runner

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/**
 * Run a script under charts/scripts with a minimal, explicit environment (PATH gets the PostgreSQL
 * bin dir first so pg_dump/pg_restore/psql are the version-15 tools, as in the rhel9 image).
 */
export async function runScript(
  script: string,
  env: Record<string, string | undefined>,
  opts: { timeoutMs?: number; pathPrefix?: string[] } = {},
): Promise<ScriptResult> {
  return runBash([join(SCRIPTS_DIR, script)], env, opts);
}

/** Runs a script given as text (`bash -c`, as a Job whose command carries its script inline), like {@link runScript}. */
export async function runInlineScript(
  source: string,
  env: Record<string, string | undefined>,
  opts: { timeoutMs?: number; pathPrefix?: string[] } = {},
): Promise<ScriptResult> {
  return runBash(['-c', source], env, opts);
}

function runBash(args: string[], env: Record<string, string | undefined>, opts: { timeoutMs?: number; pathPrefix?: string[] }): Promise<ScriptResult> {
  const started = Date.now();
  const pathParts = [...(opts.pathPrefix ?? []), pgBinDir(), process.env.PATH ?? '/usr/bin:/bin'].filter(Boolean);
  const fullEnv: Record<string, string> = { PATH: pathParts.join(delimiter), HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8' };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) fullEnv[k] = v;
  return new Promise((res, rej) => {
    const child = spawn('bash', args, { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}

/** Run a command, resolve with stdout; reject with stderr in the message. */
export async function run(cmd: string, args: string[], opts: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...(opts.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) res(out);
      else rej(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.trim()}`));
    });
    child.stdin.on('error', () => undefined); // the tool may exit without reading its input
    child.stdin.end(opts.input ?? '');
  });
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL

export interface PgServer {
  host: string;
  port: number;
  dir: string;
  /** Run SQL as the superuser over the unix socket (trust), return psql -At output. */
  sql(sql: string, db?: string): Promise<string>;
  stop(): Promise<void>;
}

export const PG_SERVER_BINARIES = ['initdb', 'pg_ctl', 'postgres', 'psql', 'pg_dump', 'pg_restore'];

/**
 * initdb + pg_ctl start in a temp folder. initdb refuses to run as root, so as root the cluster is
 * created and run by the `postgres` user (present once the server package is installed) or `nobody`.
 * TCP on 127.0.0.1 uses scram-sha-256 (so wrong passwords fail); the socket in the folder uses trust.
 */
export function startPostgres(): Promise<PgServer> {
  return withStartRetries('PostgreSQL', startPostgresOnce);
}

async function startPostgresOnce(): Promise<PgServer> {
  const bindir = pgBinDir();
  if (!bindir) throw new Error(`PostgreSQL 15 not found; ${APT_HINT.postgresql}`);
  const owner = isRoot ? ((await idOf('postgres')) ?? (await idOf('nobody'))) : undefined;
  const ownerName = owner ? ((await idOf('postgres')) ? 'postgres' : 'nobody') : undefined;
  const dir = await makeTempDir('pg', owner);
  const data = join(dir, 'data');
  const port = await freePort();
  const asOwner = (bin: string, args: string[]): [string, string[]] =>
    ownerName ? ['runuser', ['-u', ownerName, '--', join(bindir, bin), ...args]] : [join(bindir, bin), args];

  const [c1, a1] = asOwner('initdb', ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
  await run(c1, a1, { timeoutMs: 60_000 });
  const opts = [
    `-c listen_addresses=127.0.0.1`,
    `-c port=${port}`,
    `-c unix_socket_directories=${dir}`,
    `-c fsync=off`,
    `-c synchronous_commit=off`,
    `-c full_page_writes=off`,
    `-c max_connections=40`,
    `-c shared_buffers=16MB`,
  ].join(' ');
  const [c2, a2] = asOwner('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  await run(c2, a2, { timeoutMs: 70_000 });

  const sql = async (text: string, db = 'postgres'): Promise<string> =>
    (await run(join(bindir, 'psql'), ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-p', String(port), '-U', 'postgres', '-d', db], { input: text })).trimEnd();

  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    dir,
    sql,
    async stop() {
      if (stopped) return;
      stopped = true;
      const [c3, a3] = asOwner('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      await run(c3, a3).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Redis

export const REDIS_BINARIES = ['redis-server', 'redis-cli', 'redis-check-rdb'];

export type RedisConfig = Record<string, string | string[]>;

/** The persistence settings of the 3scale operator's redis.conf (RDB saves + AOF). */
export const REDIS_PERSISTENCE_CONFIG: RedisConfig = {
  save: ['900 1', '300 10', '60 10000'],
  appendonly: 'yes',
  appendfilename: '"appendonly.aof"',
  appendfsync: 'everysec',
  dbfilename: 'dump.rdb',
};

/** The vendor's restore-mode settings: no RDB saves, no AOF, so the copied dump.rdb is loaded as is. */
export const REDIS_RESTORE_CONFIG: RedisConfig = {
  save: ['""'],
  appendonly: 'no',
  appendfilename: '"appendonly.aof"',
  appendfsync: 'everysec',
  dbfilename: 'dump.rdb',
};

export interface RedisServer {
  host: string;
  port: number;
  dataDir: string;
  password?: string;
  cli(args: string[], db?: number): Promise<string>;
  /** Feed commands, one per line, to redis-cli's stdin. */
  pipe(commands: string, db?: number): Promise<string>;
  /** Stop like Kubernetes does (SIGTERM) and wait for the process to exit. */
  stop(): Promise<void>;
  /** Stop, then start again on the same port and data dir with another config. */
  restart(config: RedisConfig): Promise<void>;
  log(): Promise<string>;
  /** Stop and remove the temp folder. */
  destroy(): Promise<void>;
}

/** Start redis-server (foreground child, no daemonize) with a generated config file. */
export function startRedis(opts: { config: RedisConfig; dataDir?: string; password?: string }): Promise<RedisServer> {
  return withStartRetries('Redis', () => startRedisOnce(opts));
}

async function startRedisOnce(opts: { config: RedisConfig; dataDir?: string; password?: string }): Promise<RedisServer> {
  const dir = await makeTempDir('redis');
  const dataDir = opts.dataDir ?? join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const port = await freePort();
  const redisServer = findBinary('redis-server');
  const redisCli = findBinary('redis-cli');
  if (!redisServer || !redisCli) throw new Error(`redis not found; ${APT_HINT.redis}`);
  let child: ChildProcess | undefined;
  let confN = 0;

  const start = async (config: RedisConfig): Promise<void> => {
    const lines = [
      `bind 127.0.0.1`,
      `port ${port}`,
      `protected-mode no`,
      `daemonize no`,
      `dir ${dataDir}`,
      `logfile ${join(dir, 'redis.log')}`,
      `pidfile ${join(dir, 'redis.pid')}`,
    ];
    if (opts.password) lines.push(`requirepass ${opts.password}`);
    for (const [k, v] of Object.entries(config)) for (const item of Array.isArray(v) ? v : [v]) lines.push(`${k} ${item}`);
    const conf = join(dir, `redis-${confN++}.conf`);
    await writeFile(conf, lines.join('\n') + '\n', { mode: 0o600 });
    const c = spawn(redisServer, [conf], { stdio: 'ignore' });
    child = c;
    await waitFor(`redis on ${port}`, 15_000, async () => {
      if (c.exitCode !== null) throw new Error(`redis-server exited ${c.exitCode}`);
      return (await cli(['PING']).catch(() => '')).trim() === 'PONG';
    });
  };

  const auth: Record<string, string> = opts.password ? { REDISCLI_AUTH: opts.password } : {};
  const cli = async (args: string[], db = 0): Promise<string> =>
    (await run(redisCli, ['-h', '127.0.0.1', '-p', String(port), '-n', String(db), ...args], { env: auth })).replace(/\n$/, '');
  const pipe = async (commands: string, db = 0): Promise<string> =>
    run(redisCli, ['-h', '127.0.0.1', '-p', String(port), '-n', String(db)], { env: auth, input: commands });

  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    if (c.exitCode === null) c.kill('SIGKILL');
  };

  await start(opts.config);
  return {
    host: '127.0.0.1',
    port,
    dataDir,
    password: opts.password,
    cli,
    pipe,
    stop,
    async restart(config) {
      await stop();
      await start(config);
    },
    log: async () => readFile(join(dir, 'redis.log'), 'utf8').catch(() => ''),
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// MariaDB (stands in for the MySQL 8.0 of 3scale; the scripts use only features common to both)

export const MARIADB_BINARIES = ['mariadb-install-db', 'mariadbd', 'mysql', 'mysqldump'];

export interface MariaDbServer {
  host: string;
  port: number;
  dir: string;
  /** Run SQL as root over the socket; -N -B output. */
  sql(sql: string, db?: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * mariadb-install-db + mariadbd on a socket and a loopback port in a temp folder. As root the server runs
 * with --user=root (a throwaway test instance); root@localhost gets no password and is reached over the
 * socket only.
 */
export function startMariaDb(): Promise<MariaDbServer> {
  return withStartRetries('MariaDB', startMariaDbOnce);
}

async function startMariaDbOnce(): Promise<MariaDbServer> {
  const installDb = findBinary('mariadb-install-db');
  const mariadbd = findBinary('mariadbd');
  const mysql = findBinary('mysql');
  if (!installDb || !mariadbd || !mysql) throw new Error(`mariadb not found; ${APT_HINT.mariadb}`);
  const dir = await makeTempDir('maria');
  const data = join(dir, 'data');
  const sock = join(dir, 'mysqld.sock');
  const port = await freePort();
  const userArgs = isRoot ? ['--user=root'] : [];
  await run(installDb, ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...userArgs], {
    timeoutMs: 90_000,
  });
  const child = spawn(
    mariadbd,
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--socket=${sock}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      `--log-error=${join(dir, 'error.log')}`,
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=16M',
      '--innodb-log-file-size=8M',
      '--event-scheduler=OFF',
      ...userArgs,
    ],
    { stdio: 'ignore' },
  );
  const sql = async (text: string, db?: string): Promise<string> =>
    (await run(mysql, ['--no-defaults', `--socket=${sock}`, '-uroot', '-N', '-B', ...(db ? [db] : [])], { input: text })).trimEnd();
  await waitFor(`mariadb on ${port}`, 60_000, async () => {
    if (child.exitCode !== null) throw new Error(`mariadbd exited ${child.exitCode}: ${await readFile(join(dir, 'error.log'), 'utf8').catch(() => '')}`);
    return (await sql('SELECT 1')) === '1';
  });
  // mariadb-install-db also creates password-less root@127.0.0.1 / ::1 / <hostname>; drop them so that TCP
  // logins only match the accounts a test creates.
  const drops = await sql(`SELECT CONCAT('DROP USER \\'', user, '\\'@\\'', host, '\\';') FROM mysql.user WHERE user = 'root' AND host <> 'localhost'`);
  if (drops) await sql(drops);
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    dir,
    sql,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(20_000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** True when `secret` appears anywhere in the given texts (for "no password in output" assertions). */
export function containsSecret(secret: string, ...texts: string[]): boolean {
  return texts.some((t) => t.includes(secret));
}

// ---------------------------------------------------------------------------------------------------
// Redis data helpers

/** The 16 databases of the Redis configuration of 3scale (`databases 16`). */
export const REDIS_DATABASES = Array.from({ length: 16 }, (_, i) => i);

/**
 * Fill a Redis with the hostile data set: every type (string, list, set, zset, hash, stream), some with
 * TTLs, binary-ish and multi-line values, in every database 0-15 (3scale uses 0 and 1; the others prove
 * nothing is limited to them).
 */
export async function populateRedis(server: RedisServer): Promise<number> {
  const db0 = [
    'SET liveness-probe "Mon Jan  1 00:00:00 UTC 2024"',
    'SET plain "hello world"',
    'SET multiline "line1\\nline2 \\"quoted\\" ü"',
    'SET counter 42',
    'SET with-ttl "expires later" EX 3600',
    'HSET service:1 name "Echo API" state active backend_version 2',
    'HSET service:2 name "Other" state suspended',
    'EXPIRE service:2 7200',
    'RPUSH queue:jobs a b c d e',
    'SADD set:ids 3 1 2 10',
    'ZADD zset:scores 1.5 alice 2 bob 3.25 carol',
    'PEXPIRE zset:scores 5400000',
    'XADD events:stream 1-1 type created id 1',
    'XADD events:stream 2-1 type updated id 1',
    'XGROUP CREATE events:stream workers 0',
  ];
  for (let i = 0; i < 40; i++) db0.push(`SET stats/{service:1}/k${i} ${i * 7}`);
  const db1 = ['SET sidekiq:queue:default "[]"', 'HSET sidekiq:stat processed 10 failed 1', 'LPUSH queue:low x y', 'SET session:abc "token-ish" EX 900'];
  await server.pipe(db0.join('\n') + '\n', 0);
  await server.pipe(db1.join('\n') + '\n', 1);
  for (const db of REDIS_DATABASES.slice(2)) {
    await server.pipe(
      [
        `SET s${db} "value of db ${db}"`,
        `SET s${db}:ttl "expiring in db ${db}" EX ${600 + db}`,
        `RPUSH l${db} ${db} x${db} "y ${db}"`,
        `SADD set${db} a b ${db}`,
        `ZADD z${db} ${db} m${db} -${db}.5 n${db}`,
        `HSET h${db} f ${db} g "two words"`,
        `EXPIRE h${db} ${3600 + db}`,
        `XADD x${db} ${db + 1}-0 field ${db}`,
      ].join('\n') + '\n',
      db,
    );
  }
  let keys = 0;
  for (const db of REDIS_DATABASES) keys += Number(await server.cli(['DBSIZE'], db));
  return keys;
}

const SNAPSHOT_LUA = `
local out = {}
local keys = redis.call('KEYS', '*')
table.sort(keys)
for _, k in ipairs(keys) do
  local t = redis.call('TYPE', k)['ok']
  local v
  if t == 'string' then v = redis.call('GET', k)
  elseif t == 'hash' then
    local h = redis.call('HGETALL', k)
    v = {}
    for i = 1, #h, 2 do table.insert(v, h[i] .. '=' .. h[i + 1]) end
    table.sort(v)
  elseif t == 'list' then v = redis.call('LRANGE', k, 0, -1)
  elseif t == 'set' then v = redis.call('SMEMBERS', k); table.sort(v)
  elseif t == 'zset' then v = redis.call('ZRANGE', k, 0, -1, 'WITHSCORES')
  elseif t == 'stream' then
    v = {}
    for _, e in ipairs(redis.call('XRANGE', k, '-', '+')) do table.insert(v, e[1] .. ':' .. table.concat(e[2], ',')) end
    for _, g in ipairs(redis.call('XINFO', 'GROUPS', k)) do
      local parts = {}
      for _, p in ipairs(g) do table.insert(parts, tostring(p)) end
      table.insert(v, 'group:' .. table.concat(parts, ','))
    end
  else v = '?' end
  table.insert(out, {k, t, redis.call('PTTL', k), v})
end
return cjson.encode(out)`;

export interface RedisKeySnapshot {
  db: number;
  key: string;
  type: string;
  pttl: number;
  value: unknown;
}

/** Every key of the given dbs (default: all 16) with type, value and PTTL (ms, -1 = no expiry). */
export async function redisSnapshot(server: RedisServer, dbs: number[] = REDIS_DATABASES): Promise<RedisKeySnapshot[]> {
  const all: RedisKeySnapshot[] = [];
  for (const db of dbs) {
    const json = (await server.cli(['EVAL', SNAPSHOT_LUA, '0'], db)).trim();
    for (const [key, type, pttl, value] of JSON.parse(json) as [string, string, number, unknown][]) all.push({ db, key, type, pttl, value });
  }
  return all;
}

/**
 * Assert-friendly comparison: identical keys, types and values; TTLs present on the same keys and
 * within `ttlToleranceMs` of each other. Returns a list of differences (empty = equal).
 */
export function diffRedisSnapshots(a: RedisKeySnapshot[], b: RedisKeySnapshot[], ttlToleranceMs = 60_000): string[] {
  const diffs: string[] = [];
  const index = (s: RedisKeySnapshot[]) => new Map(s.map((k) => [`${k.db}/${k.key}`, k]));
  const ia = index(a);
  const ib = index(b);
  for (const [id, ka] of ia) {
    const kb = ib.get(id);
    if (!kb) {
      diffs.push(`missing ${id}`);
      continue;
    }
    if (ka.type !== kb.type) diffs.push(`${id}: type ${ka.type} != ${kb.type}`);
    if (JSON.stringify(ka.value) !== JSON.stringify(kb.value)) diffs.push(`${id}: value differs`);
    const noTtlA = ka.pttl < 0;
    const noTtlB = kb.pttl < 0;
    if (noTtlA !== noTtlB || (!noTtlA && Math.abs(ka.pttl - kb.pttl) > ttlToleranceMs)) diffs.push(`${id}: pttl ${ka.pttl} vs ${kb.pttl}`);
  }
  for (const id of ib.keys()) if (!ia.has(id)) diffs.push(`extra ${id}`);
  return diffs;
}

// ---------------------------------------------------------------------------------------------------
// The old Redis of the Redis script suites

/**
 * Registers, for the `describe` it is called in, one PostgreSQL server: in beforeAll, fail in CI without the
 * binaries, start it and hand it to `prepare` (roles, databases, the suite's own variables); in afterAll,
 * stop it.
 */
export function usePostgres(bins: BinaryCheck, prepare: (server: PgServer) => Promise<void>): void {
  useServer(bins, 'postgresql', startPostgres, prepare);
}

/** {@link usePostgres} for one MariaDB server (the MySQL suites). */
export function useMariaDb(bins: BinaryCheck, prepare: (server: MariaDbServer) => Promise<void>): void {
  useServer(bins, 'mariadb', startMariaDb, prepare);
}

function useServer<S extends { stop(): Promise<void> }>(bins: BinaryCheck, label: keyof typeof APT_HINT, start: () => Promise<S>, prepare: (server: S) => Promise<void>): void {
  let server: S | undefined;
  beforeAll(async () => {
    failInCiIfMissing(bins, label);
    server = await start();
    await prepare(server);
  });
  afterAll(async () => {
    await server?.stop();
  });
}

/** What a copy script suite runs against: a source and a target server of one kind, and a scratch folder. */
export interface CopyPairSuite<S> {
  readonly source: S;
  readonly target: S;
  /** Scratch folder of the suite (evidence files, dumps). */
  readonly work: string;
}

/**
 * Registers, for the `describe` it is called in, the set-up the copy script suites repeat: in beforeAll, fail
 * in CI without the binaries, make the scratch folder, start the source and the target server side by side
 * and hand both to `prepare` (roles, users, the data set); in afterAll, stop both and remove the folder.
 */
export function usePostgresPair(bins: BinaryCheck, workPrefix: string, prepare: (pair: CopyPairSuite<PgServer>) => Promise<void>): CopyPairSuite<PgServer> {
  return useServerPair(bins, 'postgresql', workPrefix, startPostgres, prepare);
}

/** {@link usePostgresPair} for two MariaDB servers (the MySQL copy suites). */
export function useMariaDbPair(bins: BinaryCheck, workPrefix: string, prepare: (pair: CopyPairSuite<MariaDbServer>) => Promise<void>): CopyPairSuite<MariaDbServer> {
  return useServerPair(bins, 'mariadb', workPrefix, startMariaDb, prepare);
}

function useServerPair<S extends { stop(): Promise<void> }>(
  bins: BinaryCheck,
  label: keyof typeof APT_HINT,
  workPrefix: string,
  start: () => Promise<S>,
  prepare: (pair: CopyPairSuite<S>) => Promise<void>,
): CopyPairSuite<S> {
  // Filled in by beforeAll; read inside tests and later hooks.
  const pair = {} as { -readonly [K in keyof CopyPairSuite<S>]: CopyPairSuite<S>[K] };
  beforeAll(async () => {
    failInCiIfMissing(bins, label);
    pair.work = await mkdtemp(join(tmpdir(), workPrefix));
    [pair.source, pair.target] = await Promise.all([start(), start()]);
    await prepare(pair);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([pair.source?.stop(), pair.target?.stop()]);
    if (pair.work) await rm(pair.work, { recursive: true, force: true });
  });
  return pair;
}

/**
 * The old Redis as the script suites run it: the operator's persistence config and, as Redis 7 defaults to
 * diskless replication with a 5 s wait for more replicas before each SYNC, no such wait (the scripts work
 * either way, they just wait).
 */
export const REDIS_SOURCE_CONFIG: RedisConfig = { ...REDIS_PERSISTENCE_CONFIG, 'repl-diskless-sync-delay': '0', 'enable-debug-command': 'local' };

/** The new Redis as the tests start it: the persistence config, and DEBUG for loopback clients (DEBUG DIGEST). */
/**
 * What the readiness probe of 3scale's Redis Deployments writes, `redis-cli set liveness-probe "\`date\`"`: a
 * 28-character date (C locale, UTC). charts/scripts/lib/redis-write-state.sh tells this SET from a write by its size.
 */
export const REDIS_PROBE_VALUE = 'Mon Dec  7 16:29:35 UTC 2026';

export const REDIS_TARGET_CONFIG: RedisConfig = { ...REDIS_PERSISTENCE_CONFIG, 'enable-debug-command': 'local' };

/** DEBUG DIGEST: one sha1 over every key, type, value and whether it expires, of all databases. */
export async function redisDigest(server: RedisServer): Promise<string> {
  return server.cli(['DEBUG', 'DIGEST']);
}

/** What the tests of a Redis script share: the populated old Redis and a scratch folder. */
export interface RedisSourceSuite {
  /** The old Redis, holding the data set of {@link populateRedis}. */
  readonly source: RedisServer;
  /** How many keys {@link populateRedis} wrote into it. */
  readonly sourceKeys: number;
  /** Scratch folder of the suite (the new Redis volumes go below it). */
  readonly work: string;
  /** Destroys `server` in afterAll, with the source; returns it. */
  destroyAfterAll(server: RedisServer): RedisServer;
}

/**
 * Registers the setup the Redis script suites repeat, to call at the top of their `describe`: in beforeAll,
 * fail in CI without the Redis binaries, make the scratch folder, start the old Redis (with `password` if
 * given) and populate it; in afterAll, destroy it (and every server handed to destroyAfterAll) and remove
 * the folder.
 */
export function useRedisSource(bins: BinaryCheck, options: { readonly workPrefix: string; readonly password?: string }): RedisSourceSuite {
  const started: RedisServer[] = [];
  // Filled in by beforeAll, like the suite-level variables it replaces.
  const suite = {
    destroyAfterAll(server: RedisServer): RedisServer {
      started.push(server);
      return server;
    },
  } as { -readonly [K in keyof RedisSourceSuite]: RedisSourceSuite[K] };

  beforeAll(async () => {
    failInCiIfMissing(bins, 'redis');
    suite.work = await mkdtemp(join(tmpdir(), options.workPrefix));
    suite.source = await startRedis({ config: REDIS_SOURCE_CONFIG, password: options.password });
    suite.sourceKeys = await populateRedis(suite.source);
  });

  afterAll(async () => {
    await Promise.all([suite.source?.destroy(), ...started.map((s) => s.destroy())]);
    if (suite.work) await rm(suite.work, { recursive: true, force: true });
  });

  return suite;
}
