/**
 * Specification of charts/scripts/check-targets.sh, the pre-connection check of managed targets (seed
 * 6.2.4), against real PostgreSQL 15, MariaDB and Redis 7 servers on loopback, a port nothing listens on,
 * and a TCP server that accepts connections and never answers (what a dropped or half-open route looks
 * like from the client).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const pgBins = checkBinaries('postgresql', PG_SERVER_BINARIES, [pgBinDir()]);
const redisBins = checkBinaries('redis', REDIS_BINARIES);
const mariaBins = checkBinaries('mariadb', MARIADB_BINARIES);

const PG_PW = 'check-Pg-pw-5e1a';
const MY_PW = 'check-My-pw-93bd';
const REDIS_PW = 'check-Redis-pw-0c7f';

/** A TCP server that accepts every connection and never sends a byte. */
async function startBlackhole(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}

describe.skipIf(skipSuite(redisBins))('check-targets.sh', () => {
  let seeded: RedisServer;
  let unseeded: RedisServer;
  let blackhole: { port: number; close: () => Promise<void> };
  let refusedPort: number;
  let work: string;

  beforeAll(async () => {
    failInCiIfMissing(redisBins, 'redis');
    work = await mkdtemp(join(tmpdir(), 'tsm-check-targets-'));
    [seeded, unseeded, blackhole, refusedPort] = await Promise.all([
      startRedis({ config: REDIS_PERSISTENCE_CONFIG, password: REDIS_PW }),
      startRedis({ config: REDIS_PERSISTENCE_CONFIG }),
      startBlackhole(),
      freePort(),
    ]);
    // What the readiness probe of the old backend-redis wrote, carried over by the seed from the RDB.
    await seeded.cli(['SET', 'liveness-probe', 'Mon Jan  1 00:00:00 UTC 2024']);
    await unseeded.cli(['SET', 'some-other-key', '1']);
  });

  afterAll(async () => {
    await Promise.all([seeded?.destroy(), unseeded?.destroy(), blackhole?.close()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const check = (env: Record<string, string>, step = 'check') =>
    runScript('check-targets.sh', { EVIDENCE_FILE: join(work, `${step}.evidence`), EVIDENCE_STEP: step, CONNECT_TIMEOUT_SECONDS: '2', ...env });
  const evidence = async (step: string) =>
    Object.fromEntries(
      (await readFile(join(work, `${step}.evidence`), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );

  describe('Redis', () => {
    it('GIVEN the seeded managed Redis and its password WHEN checked requiring the liveness-probe key THEN it passes and records ok', async () => {
      const r = await check({ TARGETS: `backend-redis=redis://127.0.0.1:${seeded.port}`, PASSWORD_BACKEND_REDIS: REDIS_PW, REQUIRE_LIVENESS_KEY: 'true' }, 'seeded');
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('backend-redis (redis 127.0.0.1');
      expect(r.stderr).toContain('ok: key liveness-probe present in db 0');
      expect(await evidence('seeded')).toMatchObject({ 'seeded.phase': 'Succeeded', 'seeded.result': 'backend-redis=ok' });
      expect(r.stdout + r.stderr).not.toContain(REDIS_PW);
    });

    it('GIVEN a wrong password WHEN checked THEN the outcome is auth-failed, not a hang or a timeout', async () => {
      const r = await check({ TARGETS: `backend-redis=redis://127.0.0.1:${seeded.port}`, PASSWORD_BACKEND_REDIS: 'wrong-pw' }, 'redis-auth');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('FAILED: backend-redis (redis 127.0.0.1:');
      expect(r.stderr).toMatch(/backend-redis.*: auth-failed: /);
      expect(await evidence('redis-auth')).toMatchObject({ 'redis-auth.phase': 'Failed', 'redis-auth.result': '1 target(s) failed: backend-redis=auth-failed' });
    });

    it('GIVEN a Redis without the liveness-probe key WHEN checked requiring it THEN the outcome is empty (the seed did not happen)', async () => {
      const r = await check({ TARGETS: `system-redis=redis://127.0.0.1:${unseeded.port}`, REQUIRE_LIVENESS_KEY: 'true' }, 'redis-empty');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('empty: reachable, but the key liveness-probe is not in db 0: the managed Redis was not seeded from the dump');
      expect(await evidence('redis-empty')).toMatchObject({ 'redis-empty.phase': 'Failed', 'redis-empty.result': '1 target(s) failed: system-redis=empty' });
    });

    it('GIVEN the same Redis before its seed WHEN checked without requiring the key THEN it passes, reporting empty', async () => {
      const r = await check({ TARGETS: `system-redis=redis://127.0.0.1:${unseeded.port}` }, 'redis-before-seed');
      expect(r.code).toBe(0);
      expect(await evidence('redis-before-seed')).toMatchObject({ 'redis-before-seed.phase': 'Succeeded', 'redis-before-seed.result': 'system-redis=empty' });
    });

    it('GIVEN a port nothing listens on WHEN checked THEN the outcome is refused', async () => {
      const r = await check({ TARGETS: `backend-redis=redis://127.0.0.1:${refusedPort}` }, 'redis-refused');
      expect(r.code).toBe(1);
      expect(await evidence('redis-refused')).toMatchObject({ 'redis-refused.result': '1 target(s) failed: backend-redis=refused' });
    });

    it('GIVEN a server that accepts and never answers WHEN checked THEN the outcome is timeout, and the check ends', async () => {
      const r = await check({ TARGETS: `backend-redis=redis://127.0.0.1:${blackhole.port}` }, 'redis-timeout');
      expect(r.code).toBe(1);
      expect(await evidence('redis-timeout')).toMatchObject({ 'redis-timeout.result': '1 target(s) failed: backend-redis=timeout' });
    });
  });

  describe.skipIf(skipSuite(pgBins))('PostgreSQL', () => {
    let pg: PgServer;

    usePostgres(pgBins, async (server) => {
      pg = server;
      await pg.sql(`CREATE ROLE rdsadmin LOGIN PASSWORD '${PG_PW}'; CREATE DATABASE system OWNER rdsadmin;`);
    });

    const target = (port: number, db = 'system') => ({ TARGETS: `system-database=postgresql://127.0.0.1:${port}/${db}`, USER_SYSTEM_DATABASE: 'rdsadmin' });

    it('GIVEN the right credentials WHEN checked THEN it passes', async () => {
      const r = await check({ ...target(pg.port), PASSWORD_SYSTEM_DATABASE: PG_PW }, 'pg-ok');
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('ok: database system answers');
      expect(r.stdout + r.stderr).not.toContain(PG_PW);
    });

    it('GIVEN a wrong password WHEN checked THEN auth-failed', async () => {
      const r = await check({ ...target(pg.port), PASSWORD_SYSTEM_DATABASE: 'nope' }, 'pg-auth');
      expect(r.code).toBe(1);
      expect(await evidence('pg-auth')).toMatchObject({ 'pg-auth.result': '1 target(s) failed: system-database=auth-failed' });
    });

    it('GIVEN a database that does not exist and a user without CREATEDB WHEN checked THEN unknown-database, naming the privilege', async () => {
      const r = await check({ ...target(pg.port, 'threescale'), PASSWORD_SYSTEM_DATABASE: PG_PW }, 'pg-db');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('unknown-database: database threescale does not exist and user rdsadmin lacks CREATEDB: grant it, or create the database first (seed 5.2.4)');
      expect(await evidence('pg-db')).toMatchObject({ 'pg-db.result': '1 target(s) failed: system-database=unknown-database' });
    });

    it('GIVEN a database that does not exist and a user with CREATEDB WHEN checked THEN it passes: the copy creates it (seed 5.2.4)', async () => {
      await pg.sql(`CREATE ROLE rdscreator LOGIN CREATEDB PASSWORD '${PG_PW}';`);
      const r = await check({ ...target(pg.port, 'threescale'), USER_SYSTEM_DATABASE: 'rdscreator', PASSWORD_SYSTEM_DATABASE: PG_PW }, 'pg-db-create');
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('ok: database threescale absent (the copy creates it: user rdscreator may create databases)');
      expect(await pg.sql(`SELECT count(*) FROM pg_database WHERE datname = 'threescale';`)).toBe('0');
      expect(r.stdout + r.stderr).not.toContain(PG_PW);
    });

    it('GIVEN a closed port and a silent one WHEN both are checked THEN refused and timeout, each named', async () => {
      const r = await check(
        {
          TARGETS: `system-database=postgresql://127.0.0.1:${refusedPort}/system other=postgresql://127.0.0.1:${blackhole.port}/system`,
          USER_SYSTEM_DATABASE: 'rdsadmin',
          USER_OTHER: 'rdsadmin',
        },
        'pg-net',
      );
      expect(r.code).toBe(1);
      expect(await evidence('pg-net')).toMatchObject({ 'pg-net.result': '2 target(s) failed: system-database=refused other=timeout' });
    });
  });

  describe.skipIf(skipSuite(mariaBins))('MySQL (MariaDB)', () => {
    let my: MariaDbServer;

    useMariaDb(mariaBins, async (server) => {
      my = server;
      await my.sql(`CREATE USER 'admin'@'127.0.0.1' IDENTIFIED BY '${MY_PW}'; GRANT ALL ON *.* TO 'admin'@'127.0.0.1';`);
    });

    const target = (port: number) => ({ TARGETS: `system-database=mysql://127.0.0.1:${port}/system`, USER_SYSTEM_DATABASE: 'admin' });

    it('GIVEN the right credentials and no database yet WHEN checked THEN it passes (the copy creates the database)', async () => {
      const r = await check({ ...target(my.port), PASSWORD_SYSTEM_DATABASE: MY_PW }, 'my-ok');
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('ok: database system absent (the copy creates it)');
    });

    it('GIVEN a wrong password, a closed port and a silent one WHEN checked THEN auth-failed, refused and timeout', async () => {
      const r = await check(
        {
          TARGETS: `a=mysql://127.0.0.1:${my.port}/system b=mysql://127.0.0.1:${refusedPort}/system c=mysql://127.0.0.1:${blackhole.port}/system`,
          USER_A: 'admin',
          PASSWORD_A: 'nope',
          USER_B: 'admin',
          USER_C: 'admin',
        },
        'my-net',
      );
      expect(r.code).toBe(1);
      expect(await evidence('my-net')).toMatchObject({ 'my-net.result': '3 target(s) failed: a=auth-failed b=refused c=timeout' });
    });
  });

  it('GIVEN a malformed target WHEN checked THEN it stops naming the expected form', async () => {
    const r = await check({ TARGETS: 'backend-redis=rediss://cache.example:6379' }, 'malformed');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("TARGETS entry 'backend-redis=rediss://cache.example:6379' is not NAME=KIND://HOST:PORT[/DATABASE]");
  });
});
