/**
 * Specification of charts/scripts/redis-verify-copy.sh on real Redis 7 servers: the old Redis (hostile data set,
 * every type in databases 0-15, some with TTLs) -> redis-copy-rdb.sh (which records a manifest of its snapshot: key
 * counts and DEBUG DIGEST per database, keys with a TTL left out) -> a new Redis started on that volume -> the verify
 * step computes the same from a snapshot of the new server, and of the old one while it answers, and fails naming
 * the database that differs. No key, value or
 * password in what it prints or records.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkBinaries, containsSecret, freePort, REDIS_BINARIES, REDIS_TARGET_CONFIG, runScript, type ScriptResult, skipSuite, startRedis, type RedisServer, useRedisSource } from '../support/db-servers.js';

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
    // GIVEN
    const { redis, evidence } = await copiedServer();
    await redis.cli(['SET', 'liveness-probe', 'rewritten by the probe']);
    await redis.cli(['DEL', 's9:ttl'], 9);

    // WHEN
    const r = await verify(redis, evidence);

    // THEN
    expect(r.code, r.stderr).toBe(0);
    expect(r.record).toMatch(/^redis-verify-copy\.phase=Succeeded$/m);
    expect(r.record).toMatch(/^redis-verify-copy\.result=target equals the copy of step redis-copy-rdb: \d+ keys without a TTL .*source: unchanged$/m);
    expect(r.record).toMatch(/^redis-copy-rdb\.manifest=[A-Za-z0-9+/]+$/m);
  });

  it('GIVEN a key missing on the new Redis WHEN verified THEN it fails naming its database and both key counts', async () => {
    // GIVEN
    const { redis, evidence } = await copiedServer();
    await redis.cli(['DEL', 'l5'], 5);

    // WHEN
    const r = await verify(redis, evidence);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`target 127\\.0\\.0\\.1:${redis.port}: redis db5 keys: 5 at the copy, 4 now`));
    // the digest lines cover databases N to 15: those up to 5 differ, none above, and no other count
    expect(r.stderr).toMatch(/redis db5-15 digest: sha1:[0-9a-f]{12} at the copy, sha1:[0-9a-f]{12} now/);
    expect(r.stderr).not.toMatch(/redis db(6|7|8|9|1\d)-15 digest/);
    expect(r.stderr).not.toMatch(/redis db(?!5 )\d+ keys/);
    expect(r.record).toMatch(/^redis-verify-copy\.phase=Failed$/m);
  });

  it('GIVEN a value changed on the new Redis (same key count) WHEN verified THEN it fails naming the database by its digest', async () => {
    // GIVEN
    const { redis, evidence } = await copiedServer();
    await redis.cli(['ZADD', 'z12', '99', 'm12'], 12);

    // WHEN
    const r = await verify(redis, evidence);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/redis db12-15 digest: sha1:[0-9a-f]{12} at the copy, sha1:[0-9a-f]{12} now/);
    expect(r.stderr).not.toMatch(/redis db1[3-5]-15 digest/);
    expect(r.stderr).not.toContain('keys:');
  });

  it('GIVEN a key added to the new Redis WHEN verified THEN its database is named with both key counts', async () => {
    // GIVEN
    const { redis, evidence } = await copiedServer();
    await redis.cli(['SET', 'late', 'x'], 1);

    // WHEN
    const r = await verify(redis, evidence);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('redis db1 keys: 3 at the copy, 4 now');
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

  it('GIVEN a key written to the old Redis after the copy WHEN verified THEN it fails naming the source database, whose write the new one lacks', async () => {
    // GIVEN
    const { redis, evidence } = await copiedServer();
    await redisSource.source.cli(['SET', 's3', 'written after the copy'], 3);

    // WHEN
    const r = await verify(redis, evidence);

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/source 127\.0\.0\.1:\d+ \(written to after the copy: those writes are not on the target\): redis db3-15 digest/);
    expect(r.stderr).not.toMatch(/target 127\.0\.0\.1:\d+: redis/);
  });

  it('GIVEN every run above WHEN their output and records are read THEN no password and no value appears', () => {
    // GIVEN / WHEN
    const all = outputs.join('\n');

    // THEN
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [OLD_PW, NEW_PW, 'written after the copy', 'two words']) expect(containsSecret(secret, all)).toBe(false);
  });
});
