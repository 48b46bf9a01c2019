/**
 * No script of charts/scripts puts a credential in an argument list, where every user of the node reads it
 * in /proc/<pid>/cmdline: passwords reach psql, pg_dump, pg_restore, mysql, mysqldump and redis-cli only
 * through their environment. Every script that talks to a database runs here against real PostgreSQL 15,
 * MariaDB and Redis 7 servers, with two witnesses:
 *
 * - a watcher reads /proc/<pid>/cmdline of every process, as fast as it can, while the scripts run;
 * - shims first on PATH record the argument list of every client (and of `env` and `timeout`) and then exec
 *   the real program, so no invocation escapes by being quicker than the watcher.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CmdlineWatcher } from '../support/cmdline-watcher.js';
import * as servers from '../support/db-servers.js';
import type { MariaDbServer, PgServer, RedisServer } from '../support/db-servers.js';
import { checkKubectl, EXAMPLE_PLANS, renderedKubeJob, skipKubectlSuite, useKubeScriptSuite, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { leakedSecrets } from '../support/live-fixtures.js';

const { findBinary, pgBinDir, runScript } = servers;
/** The suite needs all three servers; each missing one is named (and fails the suite in CI). */
const BINARIES = [
  ['postgresql', servers.checkBinaries('postgresql', servers.PG_SERVER_BINARIES, [pgBinDir()])],
  ['mariadb', servers.checkBinaries('mariadb', servers.MARIADB_BINARIES)],
  ['redis', servers.checkBinaries('redis', servers.REDIS_BINARIES)],
] as const;

const PG_PW = 'argv-Pg-pw-51c9e7';
const MY_PW = 'argv-My-pw-8d02b4';
const REDIS_PW = 'argv-Redis-pw-3fa61c';
const PASSWORDS = [PG_PW, MY_PW, REDIS_PW];

/** Programs the scripts start with credentials around; each gets a recording shim. */
const SHIMMED = ['psql', 'pg_dump', 'pg_restore', 'mysql', 'mysqldump', 'redis-cli', 'env', 'timeout'];

/**
 * Writes, into `dir`, a shim per program that records its argument list in `$ARGV_LOG` and then execs the
 * real program; programs not installed are skipped when `optional`.
 */
async function writeShims(dir: string, names: readonly string[], options: { readonly optional?: boolean } = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of names) {
    const real = findBinary(name, [pgBinDir()]);
    if (!real) {
      if (options.optional) continue;
      throw new Error(`${name} not found`);
    }
    // printf is a bash builtin: recording starts no process that could show the arguments itself.
    await writeFile(join(dir, name), `#!/bin/bash\nprintf '%s ' ${JSON.stringify(name)} "$@" >>"$ARGV_LOG"\nprintf '\\n' >>"$ARGV_LOG"\nexec ${JSON.stringify(real)} "$@"\n`);
    await chmod(join(dir, name), 0o755);
  }
}

describe.skipIf(BINARIES.some(([, check]) => servers.skipSuite(check)))('credentials never in an argument list', () => {
  let pg: PgServer;
  let my: MariaDbServer;
  let redis: RedisServer;
  let work: string;
  let shims: string;
  let argvLog: string;
  const watcher = new CmdlineWatcher();
  const outputs: string[] = [];

  beforeAll(async () => {
    for (const [label, check] of BINARIES) servers.failInCiIfMissing(check, label);
    work = await mkdtemp(join(tmpdir(), 'tsm-argv-'));
    shims = join(work, 'shims');
    argvLog = join(work, 'argv.log');
    await writeFile(argvLog, '');
    await mkdir(join(work, 'rdb'));
    await writeShims(shims, SHIMMED);
    [pg, my, redis] = await Promise.all([servers.startPostgres(), servers.startMariaDb(), servers.startRedis({ config: servers.REDIS_PERSISTENCE_CONFIG, password: REDIS_PW })]);
    await pg.sql(`CREATE ROLE system LOGIN PASSWORD '${PG_PW}'; CREATE DATABASE system OWNER system; CREATE DATABASE copy_target OWNER system;`);
    await pg.sql(`SET ROLE system; CREATE TABLE accounts (id int PRIMARY KEY, org_name text); INSERT INTO accounts VALUES (1, 'Master'), (2, 'Provider');`, 'system');
    await my.sql(`CREATE USER 'admin'@'127.0.0.1' IDENTIFIED BY '${MY_PW}'; GRANT ALL ON *.* TO 'admin'@'127.0.0.1' WITH GRANT OPTION; CREATE DATABASE system; CREATE TABLE system.accounts (id int PRIMARY KEY, org_name text); INSERT INTO system.accounts VALUES (1, 'Master'), (2, 'Provider');`);
    await redis.cli(['SET', 'liveness-probe', 'now']);
    await redis.cli(['SET', 'k1', 'v1']);
    watcher.start();
  });

  afterAll(async () => {
    await watcher.stop();
    await Promise.all([pg?.stop(), my?.stop(), redis?.destroy()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const run = async (script: string, env: Record<string, string>) => {
    const r = await runScript(script, { ARGV_LOG: argvLog, EVIDENCE_FILE: join(work, `${script}.evidence`), ...env }, { pathPrefix: [shims], timeoutMs: 120_000 });
    outputs.push(`${script}: ${r.stdout}${r.stderr}`);
    return r;
  };

  const pgUrl = `postgresql://system:${encodeURIComponent(PG_PW)}@127.0.0.1`;

  it('GIVEN every script that connects to a database WHEN each runs to success against the real servers THEN none put a password in any argument list', async () => {
    const results = {
      'check-targets': await run('check-targets.sh', {
        TARGETS: `db=postgresql://127.0.0.1:${pg.port}/system my=mysql://127.0.0.1:${my.port}/system cache=redis://127.0.0.1:${redis.port}`,
        USER_DB: 'system',
        PASSWORD_DB: PG_PW,
        USER_MY: 'admin',
        PASSWORD_MY: MY_PW,
        PASSWORD_CACHE: REDIS_PW,
        REQUIRE_LIVENESS_KEY: 'true',
      }),
      'version-check postgresql': await run('version-check.sh', {
        DATABASE_URL: `${pgUrl}:${pg.port}/system`,
        REDIS_SERVERS: 'cache',
        REDIS_URL_CACHE: `redis://:${encodeURIComponent(REDIS_PW)}@127.0.0.1:${redis.port}/0`,
        REQUIRED_POSTGRESQL: '13.0',
        REQUIRED_REDIS: '7.0',
      }),
      'version-check mysql': await run('version-check.sh', { DATABASE_URL: `mysql2://admin:${encodeURIComponent(MY_PW)}@127.0.0.1:${my.port}/system`, REQUIRED_MYSQL: '5.0', MARIADB_ACCEPTED: 'true' }),
      'verify postgresql': await run('verify.sh', {
        DB_KIND: 'postgresql',
        DB_HOST: '127.0.0.1',
        DB_PORT: String(pg.port),
        DB_NAME: 'system',
        DB_USER: 'system',
        DB_PASSWORD: PG_PW,
        REDIS_ENDPOINTS: `cache=127.0.0.1:${redis.port}`,
        REDIS_PASSWORD_CACHE: REDIS_PW,
      }),
      'verify mysql': await run('verify.sh', { DB_KIND: 'mysql', DB_HOST: '127.0.0.1', DB_PORT: String(my.port), DB_NAME: 'system', DB_USER: 'admin', DB_PASSWORD: MY_PW }),
      'pg-copy': await run('pg-copy.sh', {
        SOURCE_PGHOST: '127.0.0.1',
        SOURCE_PGPORT: String(pg.port),
        SOURCE_PGDATABASE: 'system',
        SOURCE_PGUSER: 'system',
        SOURCE_PGPASSWORD: PG_PW,
        TARGET_PGHOST: '127.0.0.1',
        TARGET_PGPORT: String(pg.port),
        TARGET_PGDATABASE: 'copy_target',
        TARGET_PGUSER: 'system',
        TARGET_PGPASSWORD: PG_PW,
      }),
      'mysql-copy': await run('mysql-copy.sh', {
        SOURCE_MYSQL_URL: `mysql2://admin:${encodeURIComponent(MY_PW)}@127.0.0.1:${my.port}/system`,
        TARGET_MYSQL_HOST: '127.0.0.1',
        TARGET_MYSQL_PORT: String(my.port),
        TARGET_MYSQL_USER: 'admin',
        TARGET_MYSQL_PASSWORD: MY_PW,
        TARGET_MYSQL_DATABASE: 'copy_target',
      }),
      'redis-copy-rdb': await run('redis-copy-rdb.sh', { SOURCE_REDIS_HOST: '127.0.0.1', SOURCE_REDIS_PORT: String(redis.port), SOURCE_REDIS_PASSWORD: REDIS_PW, DATA_DIR: join(work, 'rdb') }),
      // The cut-over's verify steps, each reading the manifest of the copy above from its evidence file.
      'pg-verify-copy': await run('pg-verify-copy.sh', {
        COPY_STEP: 'pg-copy',
        EVIDENCE_FILE: join(work, 'pg-copy.sh.evidence'),
        SOURCE_PGHOST: '127.0.0.1',
        SOURCE_PGPORT: String(pg.port),
        SOURCE_PGDATABASE: 'system',
        SOURCE_PGUSER: 'system',
        SOURCE_PGPASSWORD: PG_PW,
        TARGET_PGHOST: '127.0.0.1',
        TARGET_PGPORT: String(pg.port),
        TARGET_PGDATABASE: 'copy_target',
        TARGET_PGUSER: 'system',
        TARGET_PGPASSWORD: PG_PW,
      }),
      'mysql-verify-copy': await run('mysql-verify-copy.sh', {
        COPY_STEP: 'mysql-copy',
        EVIDENCE_FILE: join(work, 'mysql-copy.sh.evidence'),
        SOURCE_MYSQL_URL: `mysql2://admin:${encodeURIComponent(MY_PW)}@127.0.0.1:${my.port}/system`,
        TARGET_MYSQL_HOST: '127.0.0.1',
        TARGET_MYSQL_PORT: String(my.port),
        TARGET_MYSQL_USER: 'admin',
        TARGET_MYSQL_PASSWORD: MY_PW,
        TARGET_MYSQL_DATABASE: 'copy_target',
      }),
      'redis-check-load': await run('redis-check-load.sh', {
        REDIS_HOST: '127.0.0.1',
        REDIS_PORT: String(redis.port),
        REDIS_PASSWORD: REDIS_PW,
        EXPECTED_KEYSPACE: 'db0=2:0',
        // beside the copy's record: the verify step below reads the state this check records
        EVIDENCE_FILE: join(work, 'redis-copy-rdb.sh.evidence'),
        POLL_INTERVAL_SECONDS: '1',
        TIMEOUT_SECONDS: '30',
      }),
      'redis-verify-copy': await run('redis-verify-copy.sh', {
        COPY_STEP: 'redis-copy-rdb',
        EVIDENCE_FILE: join(work, 'redis-copy-rdb.sh.evidence'),
        TARGET_REDIS_HOST: '127.0.0.1',
        TARGET_REDIS_PORT: String(redis.port),
        TARGET_REDIS_PASSWORD: REDIS_PW,
        SOURCE_REDIS_HOST: '127.0.0.1',
        SOURCE_REDIS_PORT: String(redis.port),
        SOURCE_REDIS_PASSWORD: REDIS_PW,
      }),
    };
    await watcher.stop();

    // THEN every script did its work, so the passwords did reach the clients
    expect(Object.fromEntries(Object.entries(results).map(([k, r]) => [k, r.code])), outputs.join('\n')).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, 0])));
    // AND every client was started through its recording shim, and the watcher swept the process table throughout
    const recorded = (await readFile(argvLog, 'utf8')).split('\n').filter(Boolean);
    for (const client of ['psql', 'pg_dump', 'pg_restore', 'mysql', 'mysqldump', 'redis-cli']) expect(recorded.some((l) => l.startsWith(`${client} `)), client).toBe(true);
    expect(watcher.sweeps).toBeGreaterThan(10);
    expect([...watcher.seen].some((c) => /\b(psql|mysql|redis-cli|pg_dump)\b/.test(c))).toBe(true);
    // AND no argument list, recorded or watched, holds a password or its URL-encoded form
    const forms = PASSWORDS.flatMap((p) => [p, encodeURIComponent(p)]);
    expect(recorded.filter((l) => forms.some((f) => l.includes(f)))).toEqual([]);
    expect([...watcher.seen].filter((c) => forms.some((f) => c.includes(f)))).toEqual([]);
  }, 300_000);
});

/** Programs the kube scripts start, each a place a value could be passed as an argument. */
const KUBE_SHIMMED = ['kubectl', 'base64', 'curl', 'awk', 'sed', 'tr', 'cut', 'head', 'tail', 'uniq', 'sort', 'grep', 'cat', 'sha256sum', 'jq', 'env'];
const kubectl = checkKubectl();

describe.skipIf(skipKubectlSuite(kubectl))('the kube scripts that read and write Secret values', () => {
  const jobs = new Map<string, RenderedKubeJob>();
  let shims: string;
  const kube = useKubeScriptSuite(kubectl, 'postgresql', {
    clusterPerTest: ['3scale', '3scale-db'],
    setup: async () => {
      for (const name of ['copy-database-credentials', 'rewrite-connection-secrets', 'restore-connection-secrets']) jobs.set(name, await renderedKubeJob(EXAMPLE_PLANS.postgresql, name));
      shims = await mkdtemp(join(tmpdir(), 'tsm-argv-kube-'));
      await writeShims(shims, KUBE_SHIMMED, { optional: true });
    },
  });

  afterAll(async () => {
    if (shims) await rm(shims, { recursive: true, force: true });
  });

  it('GIVEN the fixture\'s connection Secrets WHEN the credentials are copied, the Secrets rewritten and restored THEN no value (nor its base64) is in any argument list', async () => {
    const argvLog = join(kube.cluster.work, 'argv.log');
    await writeFile(argvLog, '');
    const env = { ARGV_LOG: argvLog, PATH: `${shims}:${process.env.PATH ?? '/usr/bin:/bin'}` };
    const codes: Record<string, number | null> = {};
    for (const [name, job] of jobs) codes[name] = (await kube.cluster.run(job, env)).code;
    expect(codes).toEqual({ 'copy-database-credentials': 0, 'rewrite-connection-secrets': 0, 'restore-connection-secrets': 0 });
    const recorded = await readFile(argvLog, 'utf8');
    // Not vacuous: the scripts ran their programs through the shims.
    expect(recorded).toMatch(/^kubectl .*get secret/m);
    expect(recorded).toMatch(/^base64 /m);
    expect(leakedSecrets(recorded)).toEqual([]);
  }, 300_000);
});
