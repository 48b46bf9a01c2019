/**
 * Specification of charts/scripts/redis-aof-rewrite.sh, and of the Redis 7 behaviour it relies on.
 *
 * The whole vendor chain runs for real: old Redis -> redis-copy-rdb.sh -> new Redis started in restore
 * mode (`save ""`, `appendonly no`) on that volume -> redis-aof-rewrite.sh -> restart with the
 * persistence config (three save lines, `appendonly yes`) -> every key, type, value and TTL is back.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkBinaries, diffRedisSnapshots, freePort, REDIS_BINARIES, REDIS_PERSISTENCE_CONFIG, REDIS_RESTORE_CONFIG, redisSnapshot, runScript, skipSuite, startRedis, type RedisServer, useRedisSource } from '../support/db-servers.js';

const bins = checkBinaries('redis', REDIS_BINARIES);
const NEW_PW = 'new-Redis-pw-0c3f';

describe.skipIf(skipSuite(bins))('redis-aof-rewrite.sh (Redis 7: restore mode -> AOF -> persistence mode)', () => {
  const redisSource = useRedisSource(bins, { workPrefix: 'tsm-aof-' });

  /** A new Redis volume holding the copied dump.rdb, and a Redis started on it in restore mode. */
  async function restoredRedis(password?: string): Promise<RedisServer> {
    const dataDir = await mkdtemp(join(redisSource.work, 'pvc-'));
    const copy = await runScript('redis-copy-rdb.sh', { SOURCE_REDIS_HOST: redisSource.source.host, SOURCE_REDIS_PORT: String(redisSource.source.port), DATA_DIR: dataDir });
    expect(copy.code, copy.stderr).toBe(0);
    return redisSource.destroyAfterAll(await startRedis({ config: REDIS_RESTORE_CONFIG, dataDir, password }));
  }

  function env(redis: RedisServer, extra: Record<string, string> = {}): Record<string, string> {
    return {
      REDIS_HOST: redis.host,
      REDIS_PORT: String(redis.port),
      REDIS_PASSWORD: redis.password,
      EXPECTED_KEYS: String(redisSource.sourceKeys),
      POLL_INTERVAL_SECONDS: '1',
      TIMEOUT_SECONDS: '30',
      ...extra,
    } as Record<string, string>;
  }

  it('default (auto = CONFIG SET appendonly yes): after the restart with appendonly yes all data, and later writes, reload from the AOF', async () => {
    // GIVEN the new Redis in restore mode, loaded from the copied dump.rdb, with a password
    const redis = await restoredRedis(NEW_PW);
    const evidenceFile = join(redisSource.work, 'auto.evidence');
    // WHEN the script runs
    const r = await runScript('redis-aof-rewrite.sh', env(redis, { EVIDENCE_FILE: evidenceFile }));
    // THEN it switched AOF on at runtime and waited for the rewrite to finish
    expect(r.stderr).toContain('CONFIG SET appendonly yes');
    expect(r.stderr).toContain('AOF rewrite finished (aof_last_bgrewrite_status:ok, method config-set)');
    expect(r.code).toBe(0);
    expect(await readFile(evidenceFile, 'utf8')).toMatch(/^redis-aof-rewrite\.phase=Succeeded$/m);
    expect(r.stderr + r.stdout).not.toContain(NEW_PW);
    // AND the volume holds a Redis 7 multi-part AOF: base file + incremental file in the manifest
    expect((await readdir(join(redis.dataDir, 'appendonlydir'))).sort()).toEqual([
      'appendonly.aof.1.base.rdb',
      'appendonly.aof.1.incr.aof',
      'appendonly.aof.manifest',
    ]);
    // WHEN the readiness probe writes (as in the cluster) and the Redis restarts with the persistence config
    await redis.cli(['SET', 'liveness-probe', 'after the rewrite']);
    await redis.restart(REDIS_PERSISTENCE_CONFIG);
    // THEN it loaded the AOF: the source's data, plus the write made after the rewrite
    expect(await redis.cli(['CONFIG', 'GET', 'appendonly'])).toBe('appendonly\nyes');
    expect(await redis.cli(['CONFIG', 'GET', 'save'])).toBe('save\n900 1 300 10 60 10000');
    expect(await redis.log()).toMatch(/DB loaded from append only file/);
    const diffs = diffRedisSnapshots(await redisSnapshot(redisSource.source), await redisSnapshot(redis));
    expect(diffs).toEqual(['0/liveness-probe: value differs']);
    expect(await redis.cli(['GET', 'liveness-probe'])).toBe('after the rewrite');
    // AND a second restart (now the AOF is the only source of truth) still has everything
    await redis.restart(REDIS_PERSISTENCE_CONFIG);
    expect((await redisSnapshot(redis)).length).toBe(redisSource.sourceKeys);
  });

  it('vendor sequence (BGREWRITEAOF while appendonly no) also reloads in Redis 7.0, but loses writes made after the rewrite', async () => {
    // GIVEN the new Redis in restore mode
    const redis = await restoredRedis();
    // WHEN the script rewrites with BGREWRITEAOF, as the vendor procedure does
    const r = await runScript('redis-aof-rewrite.sh', env(redis, { AOF_METHOD: 'bgrewriteaof' }));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('writes until the restart with appendonly yes are lost');
    // AND a write happens before the restart into the persistence config
    await redis.cli(['SET', 'written-after-rewrite', 'x']);
    await redis.restart(REDIS_PERSISTENCE_CONFIG);
    // THEN the copied data is all there (the AOF base holds it) but the later write is gone
    expect(diffRedisSnapshots(await redisSnapshot(redisSource.source), await redisSnapshot(redis))).toEqual([]);
    expect(await redis.cli(['EXISTS', 'written-after-rewrite'])).toBe('0');
  });

  it('why the step exists: restarting straight into appendonly yes without an AOF starts EMPTY', async () => {
    // GIVEN a new volume with only the copied dump.rdb
    const redis = await restoredRedis();
    // WHEN it is restarted with the persistence config without the AOF step
    await redis.restart(REDIS_PERSISTENCE_CONFIG);
    // THEN Redis 7 ignores dump.rdb and serves an empty dataset
    expect(await redis.cli(['DBSIZE'])).toBe('0');
  });

  it('fails when the key count does not match the expectation', async () => {
    // GIVEN the new Redis holding the copied data
    const redis = await restoredRedis();
    // WHEN the orchestrator expected more keys than were loaded
    const r = await runScript('redis-aof-rewrite.sh', env(redis, { EXPECTED_KEYS: String(redisSource.sourceKeys + 100) }));
    // THEN the script stops before rewriting anything
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`holds ${redisSource.sourceKeys} keys, expected ${redisSource.sourceKeys + 100}`);
    expect(await redis.cli(['CONFIG', 'GET', 'appendonly'])).toBe('appendonly\nno');
  });

  it('fails at once on a wrong password and after the timeout on an unreachable server, printing no password', async () => {
    // GIVEN a Redis with a password, and a port with no server
    const redis = await restoredRedis(NEW_PW);
    const wrong = 'not-the-pw-42';
    // WHEN the script runs with a wrong password
    const auth = await runScript('redis-aof-rewrite.sh', env(redis, { REDIS_PASSWORD: wrong, TIMEOUT_SECONDS: '20' }));
    // THEN it fails quickly with the reason
    expect(auth.code).not.toBe(0);
    expect(auth.durationMs).toBeLessThan(10_000);
    expect(auth.stderr).toMatch(/authentication to Redis 127\.0\.0\.1:\d+ failed: AUTH failed: WRONGPASS/);
    expect(auth.stderr + auth.stdout).not.toContain(wrong);
    expect(auth.stderr + auth.stdout).not.toContain(NEW_PW);
    // WHEN the server is unreachable
    const port = await freePort();
    const down = await runScript('redis-aof-rewrite.sh', env(redis, { REDIS_PORT: String(port), TIMEOUT_SECONDS: '1' }));
    // THEN it gives up after the timeout, naming the endpoint
    expect(down.code).not.toBe(0);
    expect(down.stderr).toContain(`cannot reach Redis 127.0.0.1:${port}: Could not connect to Redis at 127.0.0.1:${port}: Connection refused`);
  });
});
