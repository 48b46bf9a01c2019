/**
 * Specification of charts/scripts/verify.sh: read-only post-migration checks of the System database
 * (PostgreSQL or MySQL/MariaDB) and of the Redis instances, against real servers on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
  run,
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

const DB_PW = 'verify-Db-pw-81f0';
const BACKEND_PW = 'verify-Backend-pw-2c44';

describe.skipIf(skipSuite(redisBins))('verify.sh', () => {
  let backend: RedisServer;
  let system: RedisServer;
  let work: string;

  beforeAll(async () => {
    failInCiIfMissing(redisBins, 'redis');
    work = await mkdtemp(join(tmpdir(), 'tsm-verify-'));
    [backend, system] = await Promise.all([
      startRedis({ config: REDIS_PERSISTENCE_CONFIG, password: BACKEND_PW }),
      startRedis({ config: REDIS_PERSISTENCE_CONFIG }),
    ]);
    // What the 3scale readiness probe leaves behind, plus some data
    await backend.cli(['SET', 'liveness-probe', 'Mon Jan  1 00:00:00 UTC 2024']);
    await backend.cli(['SET', 'stats/x', '1']);
    await system.cli(['SET', 'liveness-probe', 'Mon Jan  1 00:00:00 UTC 2024']);
  });

  afterAll(async () => {
    await Promise.all([backend?.destroy(), system?.destroy()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const redisEnv = (): Record<string, string> => ({
    REDIS_ENDPOINTS: `backend-redis=${backend.host}:${backend.port} system-redis=${system.host}:${system.port}`,
    REDIS_PASSWORD_BACKEND_REDIS: BACKEND_PW,
  });

  describe.skipIf(skipSuite(pgBins))('with PostgreSQL', () => {
    let pg: PgServer;

    usePostgres(pgBins, async (server) => {
      pg = server;
      await pg.sql(`CREATE ROLE system LOGIN PASSWORD '${DB_PW}'; CREATE DATABASE system OWNER system; CREATE DATABASE empty OWNER system;`);
      await pg.sql(`SET ROLE system; CREATE TABLE accounts (id int, org_name text); INSERT INTO accounts VALUES (1, 'Master Account'), (2, 'Developer'), (3, 'Provider Name');`, 'system');
    });

    const dbEnv = (db = 'system'): Record<string, string> => ({
      DB_KIND: 'postgresql',
      DB_HOST: pg.host,
      DB_PORT: String(pg.port),
      DB_NAME: db,
      DB_USER: 'system',
      DB_PASSWORD: DB_PW,
    });

    it('passes when the System DB answers and both Redis hold the liveness-probe key', async () => {
      // GIVEN the migrated servers
      const evidenceFile = join(work, 'pg-ok.evidence');
      // WHEN verify runs
      const r = await runScript('verify.sh', { ...dbEnv(), ...redisEnv(), EVIDENCE_FILE: evidenceFile });
      // THEN every check passes and is reported, without secrets
      expect(r.stderr).toContain(`System DB postgresql system@127.0.0.1:${pg.port}/system: reachable, accounts has 3 rows`);
      expect(r.stderr).toContain(`Redis backend-redis (127.0.0.1:${backend.port}): answers, 'liveness-probe' present, 2 keys`);
      expect(r.stderr).toContain(`Redis system-redis (127.0.0.1:${system.port}): answers, 'liveness-probe' present, 1 keys`);
      expect(r.code).toBe(0);
      const evidence = await readFile(evidenceFile, 'utf8');
      expect(evidence).toMatch(/^verify\.phase=Succeeded$/m);
      expect(evidence).toMatch(/^verify\.result=all checks passed: db accounts=3 backend-redis keys=2 system-redis keys=1$/m);
      for (const s of [DB_PW, BACKEND_PW]) expect(r.stderr + r.stdout + evidence).not.toContain(s);
    });

    it('runs in a read-only session: a write through the same connection settings is refused', async () => {
      // GIVEN the session options verify.sh uses
      const psql = join(pgBinDir()!, 'psql');
      // WHEN something tries to write with them
      const write = run(psql, ['-X', '-w', '-At', '-v', 'ON_ERROR_STOP=1', '-h', pg.host, '-p', String(pg.port), '-U', 'system', '-d', 'system', '-c', 'DELETE FROM accounts'], {
        env: { PGPASSWORD: DB_PW, PGOPTIONS: '-c default_transaction_read_only=on' },
      });
      // THEN PostgreSQL refuses
      await expect(write).rejects.toThrow(/read-only transaction/);
    });

    it('fails, naming every failed check, when accounts is missing and a Redis lacks the key', async () => {
      // GIVEN a database without the accounts table, and a Redis without liveness-probe
      const bare = await startRedis({ config: REDIS_PERSISTENCE_CONFIG });
      try {
        const evidenceFile = join(work, 'pg-bad.evidence');
        // WHEN verify runs
        const r = await runScript('verify.sh', {
          ...dbEnv('empty'),
          REDIS_ENDPOINTS: `backend-redis=${backend.host}:${backend.port} bare=${bare.host}:${bare.port}`,
          REDIS_PASSWORD_BACKEND_REDIS: BACKEND_PW,
          EVIDENCE_FILE: evidenceFile,
        });
        // THEN it fails and lists both problems, while the healthy Redis still passes
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain('2 check(s) failed');
        expect(r.stderr).toMatch(/FAILED: System DB .*relation "accounts" does not exist/);
        expect(r.stderr).toContain(`FAILED: Redis bare (127.0.0.1:${bare.port}): key 'liveness-probe' missing in db 0`);
        expect(r.stderr).toContain(`Redis backend-redis (127.0.0.1:${backend.port}): answers`);
        expect(await readFile(evidenceFile, 'utf8')).toMatch(/^verify\.phase=Failed$/m);
      } finally {
        await bare.destroy();
      }
    });

    it('fails clearly on a wrong DB password and an unreachable / wrongly authenticated Redis, printing no password', async () => {
      // GIVEN wrong credentials and a dead Redis endpoint
      const wrong = 'wrong-verify-pw-00';
      const deadPort = await freePort();
      // WHEN verify runs
      const r = await runScript('verify.sh', {
        ...dbEnv(),
        DB_PASSWORD: wrong,
        REDIS_ENDPOINTS: `backend-redis=${backend.host}:${backend.port} dead=127.0.0.1:${deadPort}`,
        REDIS_PASSWORD_BACKEND_REDIS: wrong,
      });
      // THEN each failure is explained and no password shows
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('3 check(s) failed');
      expect(r.stderr).toMatch(/password authentication failed for user "system"/);
      expect(r.stderr).toMatch(/Redis backend-redis .*WRONGPASS/);
      expect(r.stderr).toContain(`Could not connect to Redis at 127.0.0.1:${deadPort}: Connection refused`);
      for (const s of [wrong, DB_PW, BACKEND_PW]) expect(r.stderr + r.stdout).not.toContain(s);
    });
  });

  describe.skipIf(skipSuite(mariaBins))('with MySQL (MariaDB)', () => {
    let maria: MariaDbServer;

    useMariaDb(mariaBins, async (server) => {
      maria = server;
      await maria.sql(`
        CREATE DATABASE system;
        CREATE USER 'app'@'%' IDENTIFIED BY '${DB_PW}';
        GRANT ALL ON system.* TO 'app'@'%';
        CREATE TABLE system.accounts (id INT PRIMARY KEY, org_name VARCHAR(255));
        INSERT INTO system.accounts VALUES (1, 'Master Account'), (2, 'Developer');`);
    });

    it('passes with DB_KIND=mysql', async () => {
      // GIVEN a MySQL System DB with two accounts
      // WHEN verify runs
      const r = await runScript('verify.sh', {
        DB_KIND: 'mysql',
        DB_HOST: maria.host,
        DB_PORT: String(maria.port),
        DB_NAME: 'system',
        DB_USER: 'app',
        DB_PASSWORD: DB_PW,
        ...redisEnv(),
      });
      // THEN it passes
      expect(r.stderr).toContain(`System DB mysql app@127.0.0.1:${maria.port}/system: reachable, accounts has 2 rows`);
      expect(r.code).toBe(0);
      expect(r.stderr + r.stdout).not.toContain(DB_PW);
    });

    it('fails when accounts has fewer rows than VERIFY_MIN_ACCOUNTS', async () => {
      // GIVEN an expectation of more accounts than exist
      // WHEN verify runs
      const r = await runScript('verify.sh', {
        DB_KIND: 'mysql',
        DB_HOST: maria.host,
        DB_PORT: String(maria.port),
        DB_USER: 'app',
        DB_PASSWORD: DB_PW,
        VERIFY_MIN_ACCOUNTS: '5',
      });
      // THEN it fails with the numbers
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('accounts has 2 rows, expected at least 5');
    });
  });
});
