/**
 * Specification of charts/scripts/version-check.sh: asks each server 3scale uses for its version through the
 * connection URLs of the 3scale Secrets, as the operator's preflights do, and records found versions and
 * verdicts as evidence; against real PostgreSQL 15, Redis 7 and MariaDB servers on loopback, plus a fake
 * Redis that answers an old version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkBinaries,
  failInCiIfMissing,
  freePort,
  MARIADB_BINARIES,
  PG_SERVER_BINARIES,
  pgBinDir,
  REDIS_BINARIES,
  REDIS_PERSISTENCE_CONFIG,
  runScript,
  skipSuite,
  startRedis,
  type MariaDbServer,
  type PgServer,
  type RedisServer,
  useMariaDb,
  usePostgres,
} from '../support/db-servers.js';
import { VERSION_REQUIREMENTS } from '../../src/procedures/externalize-on-cluster/version-requirements.js';

const pgBins = checkBinaries('postgresql', PG_SERVER_BINARIES, [pgBinDir()]);
const redisBins = checkBinaries('redis', REDIS_BINARIES);
const mariaBins = checkBinaries('mariadb', MARIADB_BINARIES);

const DB_PW = 'vc-Db-pw@:/%7f31';
const REDIS_PW = 'vc-Redis-pw@:9c';
const encode = encodeURIComponent;

/** The environment the Job gets for one requirements table (from the same table diff uses). */
function requirementsEnv(policy: 'vendor' | 'operator'): Record<string, string> {
  const r = VERSION_REQUIREMENTS[policy];
  return {
    REQUIREMENTS: policy,
    REQUIRED_POSTGRESQL: r.minimum.postgresql,
    REQUIRED_MYSQL: r.minimum.mysql,
    REQUIRED_REDIS: r.minimum.redis,
    MARIADB_ACCEPTED: String(r.mariadbAccepted),
  };
}

/** The `<step>.result` line of an evidence file. */
async function resultOf(file: string): Promise<string> {
  return /^version-check\.result=(.*)$/m.exec(await readFile(file, 'utf8'))?.[1] ?? '';
}

/** A loopback TCP server that speaks just enough RESP to answer INFO with an old Redis version. */
async function startOldRedis(version: string): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => {
    socket.on('data', (chunk) => {
      const text = chunk.toString('latin1').toUpperCase();
      if (text.includes('INFO')) {
        const body = `# Server\r\nredis_version:${version}\r\nredis_mode:standalone\r\n`;
        socket.write(`$${Buffer.byteLength(body)}\r\n${body}\r\n`);
      } else socket.write('+OK\r\n');
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((res) => server.close(() => res())) };
}

describe.skipIf(skipSuite(redisBins))('version-check.sh', () => {
  let redis: RedisServer;
  let redisVersion: string;
  let work: string;

  beforeAll(async () => {
    failInCiIfMissing(redisBins, 'redis');
    work = await mkdtemp(join(tmpdir(), 'tsm-version-check-'));
    redis = await startRedis({ config: REDIS_PERSISTENCE_CONFIG, password: REDIS_PW });
    redisVersion = /redis_version:(\S+)/.exec(await redis.cli(['INFO', 'server']))![1]!;
  });

  afterAll(async () => {
    await redis?.destroy();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const redisEnv = (): Record<string, string> => ({
    REDIS_SERVERS: 'backend-redis-storage system-redis',
    REDIS_URL_BACKEND_REDIS_STORAGE: `redis://:${encode(REDIS_PW)}@${redis.host}:${redis.port}/0`,
    REDIS_URL_SYSTEM_REDIS: `redis://:${encode(REDIS_PW)}@${redis.host}:${redis.port}/1`,
  });

  it('records the Redis version INFO reports, and passes when it meets the operator table', async () => {
    // GIVEN the Redis 7 of this machine behind URLs with an escaped password, and the operator's minimum 7.0.0
    const evidence = join(work, 'redis-operator.evidence');
    // WHEN the check runs
    const r = await runScript('version-check.sh', { ...requirementsEnv('operator'), ...redisEnv(), EVIDENCE_FILE: evidence });
    // THEN both entries carry the real version with verdict ok, in the line diff parses, and no password shows
    expect(r.code).toBe(0);
    const result = await resultOf(evidence);
    expect(result).toBe(`requirements operator (postgresql>=13.0.0 mysql>=8.0.0 redis>=7.0.0): backend-redis-storage=redis:${redisVersion}:ok system-redis=redis:${redisVersion}:ok`);
    expect(await readFile(evidence, 'utf8')).toMatch(/^version-check\.phase=Succeeded$/m);
    expect(r.stderr + r.stdout + (await readFile(evidence, 'utf8'))).not.toContain(REDIS_PW);
  });

  it('fails, naming found and needed, when the running Redis is older than the vendor table asks', async () => {
    // GIVEN the vendor's Redis 7.2 against this machine's Redis (7.0 on Debian 12)
    const below = !/^7\.([2-9]|\d\d)/.test(redisVersion);
    const evidence = join(work, 'redis-vendor.evidence');
    // WHEN the check runs
    const r = await runScript('version-check.sh', { ...requirementsEnv('vendor'), ...redisEnv(), EVIDENCE_FILE: evidence });
    // THEN with an older server the step fails and says what was found and what is needed
    if (below) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`FAILED: backend-redis-storage: ${redis.host}:${redis.port}: found Redis ${redisVersion}, needed 7.2 or later (vendor requirements)`);
      expect(await resultOf(evidence)).toContain(`backend-redis-storage=redis:${redisVersion}:below`);
      expect(await readFile(evidence, 'utf8')).toMatch(/^version-check\.phase=Failed$/m);
    } else {
      expect(r.code).toBe(0);
      expect(await resultOf(evidence)).toContain(`backend-redis-storage=redis:${redisVersion}:ok`);
    }
  });

  it('records a server below the table without failing when the migration replaces it (RECORD_ONLY)', async () => {
    // GIVEN an old Redis 6.2 answering on a loopback port, which the plan replaces
    const old = await startOldRedis('6.2.7');
    try {
      const evidence = join(work, 'record-only.evidence');
      // WHEN the check runs with that server recorded only
      const r = await runScript('version-check.sh', {
        ...requirementsEnv('operator'),
        REDIS_SERVERS: 'system-redis',
        REDIS_URL_SYSTEM_REDIS: `redis://127.0.0.1:${old.port}/1`,
        RECORD_ONLY: 'system-redis',
        EVIDENCE_FILE: evidence,
      });
      // THEN the old version is recorded as below, and the step succeeds
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`system-redis: 127.0.0.1:${old.port}: found Redis 6.2.7, needed 7.0.0 or later (operator requirements) (recorded only`);
      expect(await resultOf(evidence)).toContain('system-redis=redis:6.2.7:below');
    } finally {
      await old.close();
    }
  });

  it('fails on a server answering an old version, even under the operator table', async () => {
    // GIVEN a loopback server reporting Redis 6.2.7
    const old = await startOldRedis('6.2.7');
    try {
      // WHEN the check runs without RECORD_ONLY
      const r = await runScript('version-check.sh', { ...requirementsEnv('operator'), REDIS_SERVERS: 'system-redis', REDIS_URL_SYSTEM_REDIS: `redis://127.0.0.1:${old.port}` });
      // THEN the step fails, naming found and needed
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`FAILED: system-redis: 127.0.0.1:${old.port}: found Redis 6.2.7, needed 7.0.0 or later (operator requirements)`);
    } finally {
      await old.close();
    }
  });

  it('reports a wrong port and a wrong password as unreachable, without printing the password', async () => {
    // GIVEN a URL to a closed port and one with a wrong password
    const dead = await freePort();
    const wrong = 'wrong-Redis-pw-55';
    const evidence = join(work, 'unreachable.evidence');
    // WHEN the check runs (record-only does not excuse an unreachable server)
    const r = await runScript('version-check.sh', {
      ...requirementsEnv('operator'),
      REDIS_SERVERS: 'backend-redis-storage system-redis',
      REDIS_URL_BACKEND_REDIS_STORAGE: `redis://127.0.0.1:${dead}/0`,
      REDIS_URL_SYSTEM_REDIS: `redis://:${wrong}@${redis.host}:${redis.port}/1`,
      RECORD_ONLY: 'backend-redis-storage system-redis',
      EVIDENCE_FILE: evidence,
    });
    // THEN both are unreachable, with the clients' reasons, and the password is nowhere
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`FAILED: backend-redis-storage: 127\\.0\\.0\\.1:${dead}: .*(refused|Could not connect)`));
    expect(r.stderr).toMatch(/FAILED: system-redis: .*(WRONGPASS|invalid username-password)/);
    expect(await resultOf(evidence)).toContain('backend-redis-storage=redis::unreachable system-redis=redis::unreachable');
    expect(r.stderr + r.stdout + (await readFile(evidence, 'utf8'))).not.toContain(wrong);
  });

  it('refuses a DATABASE_URL that is not a database URL without echoing it', async () => {
    // GIVEN a URL of another scheme, with a password in it
    const r = await runScript('version-check.sh', { DATABASE_URL: `http://user:${DB_PW}@example:80/x` });
    // THEN it says what is expected and shows neither the URL nor the password
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("DATABASE_URL is not a postgresql://, mysql2:// or oracle-enhanced:// URL with a host (scheme 'http')");
    expect(r.stderr).not.toContain(DB_PW);
  });

  describe.skipIf(skipSuite(pgBins))('with PostgreSQL', () => {
    let pg: PgServer;
    let pgVersion: string;

    usePostgres(pgBins, async (server) => {
      pg = server;
      await pg.sql(`CREATE ROLE system LOGIN PASSWORD '${DB_PW.replace(/'/g, "''")}'; CREATE DATABASE system OWNER system;`);
      pgVersion = await pg.sql('SHOW server_version');
    });

    const dbUrl = (pw = DB_PW) => `postgresql://system:${encode(pw)}@${pg.host}:${pg.port}/system`;

    it('parses the PostgreSQL version from SELECT version() and passes the vendor 15.0', async () => {
      // GIVEN the PostgreSQL 15 of this machine behind the system-database URL (escaped '@', ':' and '/')
      const evidence = join(work, 'pg.evidence');
      // WHEN the check runs with the vendor table
      const r = await runScript('version-check.sh', { ...requirementsEnv('vendor'), DATABASE_URL: dbUrl(), EVIDENCE_FILE: evidence });
      // THEN the number of `PostgreSQL 15.x (…) on …` is recorded as ok
      expect(r.code).toBe(0);
      expect(pgVersion).toMatch(/^15\./);
      expect(await resultOf(evidence)).toBe(`requirements vendor (postgresql>=15.0 mysql>=8.0.0 redis>=7.2): system-database=postgresql:${pgVersion.split(' ')[0]}:ok`);
      expect(r.stderr + (await readFile(evidence, 'utf8'))).not.toContain(DB_PW);
    });

    it('fails, naming found and needed, when the requirement is above the running server', async () => {
      // GIVEN a minimum above the running PostgreSQL 15
      const r = await runScript('version-check.sh', { ...requirementsEnv('vendor'), REQUIRED_POSTGRESQL: '16.0', DATABASE_URL: dbUrl() });
      // THEN the step fails with both versions
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`found PostgreSQL ${pgVersion.split(' ')[0]}, needed 16.0 or later (vendor requirements)`);
    });

    it('reports a wrong password as unreachable with the server reason and no password', async () => {
      // GIVEN a wrong password in the URL
      const wrong = 'wrong-Db-pw-0a';
      const r = await runScript('version-check.sh', { ...requirementsEnv('vendor'), DATABASE_URL: dbUrl(wrong) });
      // THEN the failure names the connection and PostgreSQL's reason
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`FAILED: system-database: postgresql system@127\\.0\\.0\\.1:${pg.port}/system: .*password authentication failed`));
      expect(r.stderr).not.toContain(wrong);
    });
  });

  describe.skipIf(skipSuite(mariaBins))('with MariaDB in place of MySQL', () => {
    let maria: MariaDbServer;
    let mariaVersion: string;

    useMariaDb(mariaBins, async (server) => {
      maria = server;
      await maria.sql(`CREATE DATABASE system; CREATE USER 'root'@'127.0.0.1' IDENTIFIED BY '${DB_PW}'; GRANT ALL ON system.* TO 'root'@'127.0.0.1';`);
      mariaVersion = /^(\d+\.\d+\.\d+)/.exec(await maria.sql('SELECT VERSION()'))![1]!;
    });

    const dbUrl = () => `mysql2://root:${encode(DB_PW)}@${maria.host}:${maria.port}/system`;

    it('refuses MariaDB under the vendor table, naming what was found and that MySQL is needed', async () => {
      // GIVEN the system-database URL of the 3scale MySQL pointing at a MariaDB
      const evidence = join(work, 'maria-vendor.evidence');
      // WHEN the check runs with the vendor table
      const r = await runScript('version-check.sh', { ...requirementsEnv('vendor'), DATABASE_URL: dbUrl(), EVIDENCE_FILE: evidence });
      // THEN it fails: MariaDB is not the MySQL 8.0 the vendor supports
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`found MariaDB ${mariaVersion}, needed MySQL 8.0.0 or later (vendor requirements: MariaDB is not MySQL)`);
      expect(await resultOf(evidence)).toContain(`system-database=mariadb:${mariaVersion}:refused`);
    });

    it('passes MariaDB by number under the operator table, as the operator compares it', async () => {
      // GIVEN the same server and the operator table
      const evidence = join(work, 'maria-operator.evidence');
      // WHEN the check runs
      const r = await runScript('version-check.sh', { ...requirementsEnv('operator'), DATABASE_URL: dbUrl(), EVIDENCE_FILE: evidence });
      // THEN its version is at least 8.0.0
      expect(r.code).toBe(0);
      expect(await resultOf(evidence)).toContain(`system-database=mariadb:${mariaVersion}:ok`);
      expect(r.stderr + (await readFile(evidence, 'utf8'))).not.toContain(DB_PW);
    });
  });
});
