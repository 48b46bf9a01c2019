/**
 * Specification of charts/scripts/redis-verify-copy.sh on real Redis 7 servers: the old Redis (hostile data set,
 * every type in databases 0-15, some with TTLs) -> redis-copy-rdb.sh (which records the sha256 and size of the base
 * file it placed, the key counts and the source's write state) -> a new Redis started on that volume ->
 * redis-check-load.sh (which proves the load and records the new server's write state) -> the verify step proves
 * from INFO alone that neither server was written to since (the readiness probe's key and expiries aside), and fails
 * naming the command, database, restart or byte count that shows a write. No key, value or password in what it
 * prints or records.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkBinaries, containsSecret, freePort, REDIS_BINARIES, REDIS_PROBE_VALUE, REDIS_RESTORE_CONFIG, REDIS_TARGET_CONFIG, runScript, type ScriptResult, skipSuite, startRedis, type RedisServer, useRedisSource } from '../support/db-servers.js';

const bins = checkBinaries('redis', REDIS_BINARIES);
const OLD_PW = 'old-Redis-Verify-pw-91ad';
const NEW_PW = 'new-Redis-Verify-pw-3e7c';

describe.skipIf(skipSuite(bins))('redis-verify-copy.sh (Redis 7)', () => {
  const redisSource = useRedisSource(bins, { workPrefix: 'tsm-redis-verify-', password: OLD_PW });
  const outputs: string[] = [];

  /** A new Redis (password NEW_PW) started on a volume redis-copy-rdb.sh filled; the copy's evidence file. */
  async function copiedServer(): Promise<{ redis: RedisServer; evidence: string }> {
    const dataDir = await mkdtemp(join(redisSource.work, 'pvc-'));
    const evidence = `${dataDir}.evidence`;
    const src = redisSource.source;
    const copy = await runScript('redis-copy-rdb.sh', { SOURCE_REDIS_HOST: src.host, SOURCE_REDIS_PORT: String(src.port), SOURCE_REDIS_PASSWORD: OLD_PW, DATA_DIR: dataDir, EVIDENCE_FILE: evidence });
    outputs.push(copy.stdout, copy.stderr);
    expect(copy.code, copy.stderr).toBe(0);
    const redis = redisSource.destroyAfterAll(await startRedis({ config: { ...REDIS_TARGET_CONFIG, 'repl-diskless-sync-delay': '0' }, dataDir, password: NEW_PW }));
    const check = await runScript('redis-check-load.sh', { REDIS_HOST: redis.host, REDIS_PORT: String(redis.port), REDIS_PASSWORD: NEW_PW, COPY_STEP: 'redis-copy-rdb', EVIDENCE_FILE: evidence, POLL_INTERVAL_SECONDS: '1' });
    outputs.push(check.stdout, check.stderr);
    expect(check.code, check.stderr).toBe(0);
    return { redis, evidence };
  }

  async function verify(redis: RedisServer, evidence: string, extra: Record<string, string> = {}): Promise<ScriptResult & { record: string }> {
    const src = redisSource.source;
    const r = await runScript('redis-verify-copy.sh', {
      COPY_STEP: 'redis-copy-rdb',
      TARGET_REDIS_HOST: redis.host,
      TARGET_REDIS_PORT: String(redis.port),
      TARGET_REDIS_PASSWORD: NEW_PW,
      SOURCE_REDIS_HOST: src.host,
      SOURCE_REDIS_PORT: String(src.port),
      SOURCE_REDIS_PASSWORD: OLD_PW,
      EVIDENCE_FILE: evidence,
      ...extra,
    });
    const record = await readFile(evidence, 'utf8');
    outputs.push(r.stdout, r.stderr, record);
    return { ...r, record };
  }

  it('GIVEN the new Redis loaded from the copy, its readiness probe key rewritten and a TTL key expired WHEN verified THEN it passes with the source unchanged', async () => {
    // GIVEN a key that expires 3 s after the copy, on both servers
    await redisSource.source.cli(['SET', 'short:ttl', 'x', 'PX', '3000'], 9);
    const { redis, evidence } = await copiedServer();
    await redis.cli(['SET', 'liveness-probe', REDIS_PROBE_VALUE]);
    await redisSource.source.cli(['SET', 'liveness-probe', REDIS_PROBE_VALUE]);
    for (let i = 0; i < 60 && (await redis.cli(['EXISTS', 'short:ttl'], 9)) !== '0'; i++) await new Promise((r) => setTimeout(r, 100));

    // WHEN
    const r = await verify(redis, evidence);

    // THEN
    expect(r.code, r.stderr).toBe(0);
    expect(r.record).toMatch(/^redis-verify-copy\.phase=Succeeded$/m);
    expect(r.record).toMatch(/^redis-verify-copy\.result=target equals the copy of step redis-copy-rdb: \d+ keys, no write since the load of its base file \(sha256 [0-9a-f]{12}…\) but the readiness probe's and 1 expiries; source: unchanged$/m);
    expect(r.record).toMatch(/^redis-copy-rdb\.manifest=[A-Za-z0-9+/]+$/m);
  });

  it('GIVEN a key missing on the new Redis WHEN verified THEN it fails naming the command and the database with both key counts', async () => {
    // GIVEN
    const { redis, evidence } = await copiedServer();
    await redis.cli(['DEL', 'l5'], 5);

    // WHEN
    const r = await verify(redis, evidence);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`target 127\\.0\\.0\\.1:${redis.port}: DEL called 1 time\\(s\\) since the load checked by redis-check-load`));
    expect(r.stderr).toMatch(new RegExp(`target 127\\.0\\.0\\.1:${redis.port}: redis db5 keys: 7 at the load, 6 now`));
    expect(r.stderr).not.toMatch(/redis db(?!5 )\d+ keys/);
    expect(r.record).toMatch(/^redis-verify-copy\.phase=Failed$/m);
  });

  it('GIVEN a value changed on the new Redis (same key count) WHEN verified THEN it fails naming the command', async () => {
    // GIVEN
    const { redis, evidence } = await copiedServer();
    await redis.cli(['ZADD', 'z12', '99', 'm12'], 12);

    // WHEN
    const r = await verify(redis, evidence);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/target 127\.0\.0\.1:\d+: ZADD called 1 time\(s\) since the load/);
    expect(r.stderr).not.toContain('keys:');
  });

  it('GIVEN the new Redis restarted since its load WHEN verified THEN it fails: what it reloaded cannot be compared without a snapshot', async () => {
    // GIVEN
    const { redis, evidence } = await copiedServer();
    await redis.restart({ ...REDIS_TARGET_CONFIG, 'repl-diskless-sync-delay': '0' });

    // WHEN
    const r = await verify(redis, evidence);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/target 127\.0\.0\.1:\d+: restarted since the load checked by redis-check-load \(run_id [0-9a-f]{12} then, [0-9a-f]{12} now\)/);
  });

  it('GIVEN a key added to the new Redis WHEN verified THEN its database is named with both key counts', async () => {
    // GIVEN
    const { redis, evidence } = await copiedServer();
    await redis.cli(['SET', 'late', 'x'], 1);

    // WHEN
    const r = await verify(redis, evidence);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('redis db1 keys: 4 at the load, 5 now');
  });

  it('GIVEN no record of the load check WHEN verified THEN it refuses naming the step to run, without comparing anything', async () => {
    // GIVEN
    const { redis, evidence } = await copiedServer();

    // WHEN
    const r = await verify(redis, evidence, { CHECK_STEP: 'check-load-backend-redis' });

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the evidence of step check-load-backend-redis holds no state of the new Redis at its load (not run yet, failed, or written by an older version): run load-redis first');
    expect(r.record).toMatch(/^redis-verify-copy\.phase=Failed$/m);
  });

  it('GIVEN the old Redis stopped WHEN verified THEN the new one alone is compared and the step says so', async () => {
    // GIVEN
    const { redis, evidence } = await copiedServer();

    // WHEN
    const r = await verify(redis, evidence, { SOURCE_REDIS_PORT: String(await freePort()), SOURCE_CONNECT_TIMEOUT: '2' });

    // THEN
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('does not answer (stopped at load-redis?)');
    expect(r.record).toMatch(/source: not reachable$/m);
  });

  it('GIVEN a key written to the old Redis after the copy WHEN verified THEN it fails naming the source and the AOF bytes no probe write explains, a write the new one lacks', async () => {
    // GIVEN
    const { redis, evidence } = await copiedServer();
    await redisSource.source.cli(['SET', 's3', 'written after the copy'], 3);

    // WHEN
    const r = await verify(redis, evidence);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/source 127\.0\.0\.1:\d+ \(written to after the copy: those writes are not on the target\): \d+ AOF bytes appended since the copy, which 1 SET call\(s\) of the readiness probe/);
    expect(r.stderr).not.toMatch(/target 127\.0\.0\.1:\d+: (restarted|[A-Z]+ called|redis db|\d+ AOF)/);
    expect(r.record).toMatch(/^redis-verify-copy\.phase=Failed$/m);
  });

  it('GIVEN an old Redis without AOF, written to with SET after the copy WHEN verified THEN it fails: without AOF bytes that SET cannot be told from the probe\'s', async () => {
    // GIVEN an old server with appendonly no, copied, loaded and checked
    const old = redisSource.destroyAfterAll(await startRedis({ config: { ...REDIS_RESTORE_CONFIG, 'repl-diskless-sync-delay': '0' }, password: OLD_PW }));
    await old.cli(['SET', 'k1', 'v1'], 2);
    const dataDir = await mkdtemp(join(redisSource.work, 'pvc-noaof-'));
    const evidence = `${dataDir}.evidence`;
    const copy = await runScript('redis-copy-rdb.sh', { SOURCE_REDIS_HOST: old.host, SOURCE_REDIS_PORT: String(old.port), SOURCE_REDIS_PASSWORD: OLD_PW, DATA_DIR: dataDir, EVIDENCE_FILE: evidence });
    expect(copy.code, copy.stderr).toBe(0);
    const redis = redisSource.destroyAfterAll(await startRedis({ config: REDIS_TARGET_CONFIG, dataDir, password: NEW_PW }));
    const check = await runScript('redis-check-load.sh', { REDIS_HOST: redis.host, REDIS_PORT: String(redis.port), REDIS_PASSWORD: NEW_PW, COPY_STEP: 'redis-copy-rdb', EVIDENCE_FILE: evidence, POLL_INTERVAL_SECONDS: '1' });
    expect(check.code, check.stderr).toBe(0);
    await old.cli(['SET', 'k1', 'written after the copy'], 2);

    // WHEN
    const r = await verify(redis, evidence, { SOURCE_REDIS_PORT: String(old.port) });

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/source 127\.0\.0\.1:\d+ \(written to after the copy: those writes are not on the target\): SET called 1 time\(s\) since the copy, and with appendonly no the readiness probe cannot be told from a write/);
  });

  it('GIVEN every run above WHEN their output and records are read THEN no password and no value appears', () => {
    // GIVEN / WHEN
    const all = outputs.join('\n');

    // THEN
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [OLD_PW, NEW_PW, 'written after the copy', 'two words']) expect(containsSecret(secret, all)).toBe(false);
  });
});
