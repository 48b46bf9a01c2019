/**
 * Specification of charts/scripts/redis-check-load.sh, the load-redis check, on real Redis 7 servers: the
 * old Redis (hostile data set, databases 0-15) -> redis-copy-rdb.sh -> a new Redis started straight in
 * persistence mode on that volume -> the check reads the copy's key counts from its evidence and compares.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { whileWatching } from '../../bench/support/progress-watch.js';
import { checkBinaries, freePort, REDIS_BINARIES, REDIS_PROBE_VALUE, REDIS_RESTORE_CONFIG, REDIS_SOURCE_CONFIG, REDIS_TARGET_CONFIG, runScript, skipSuite, startRedis, type RedisConfig, type RedisServer, useRedisSource } from '../support/db-servers.js';

const bins = checkBinaries('redis', REDIS_BINARIES);
const NEW_PW = 'new-Redis-pw-0c3f';

describe.skipIf(skipSuite(bins))('redis-check-load.sh (Redis 7 in persistence mode on the copied AOF base)', () => {
  const redisSource = useRedisSource(bins, { workPrefix: 'tsm-check-load-' });

  /** A volume filled by redis-copy-rdb.sh (its evidence in `<volume>.evidence`). */
  async function copiedVolume(): Promise<{ dataDir: string; evidence: string }> {
    const dataDir = await mkdtemp(join(redisSource.work, 'pvc-'));
    const evidence = `${dataDir}.evidence`;
    const copy = await runScript('redis-copy-rdb.sh', { SOURCE_REDIS_HOST: redisSource.source.host, SOURCE_REDIS_PORT: String(redisSource.source.port), DATA_DIR: dataDir, EVIDENCE_FILE: evidence });
    expect(copy.code, copy.stderr).toBe(0);
    return { dataDir, evidence };
  }

  async function newRedis(dataDir: string, config: RedisConfig = REDIS_TARGET_CONFIG, password?: string): Promise<RedisServer> {
    return redisSource.destroyAfterAll(await startRedis({ config, dataDir, password }));
  }

  function env(redis: RedisServer, evidence: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      REDIS_HOST: redis.host,
      REDIS_PORT: String(redis.port),
      ...(redis.password ? { REDIS_PASSWORD: redis.password } : {}),
      COPY_STEP: 'redis-copy-rdb',
      EVIDENCE_FILE: evidence,
      POLL_INTERVAL_SECONDS: '1',
      TIMEOUT_SECONDS: '30',
      ...extra,
    };
  }

  it('GIVEN the new Redis in persistence mode on the copy WHEN checked THEN all 16 databases hold the copied key counts and AOF is on; its own evidence is written beside the copy step', async () => {
    const { dataDir, evidence } = await copiedVolume();
    const redis = await newRedis(dataDir, REDIS_TARGET_CONFIG, NEW_PW);
    const r = await runScript('redis-check-load.sh', env(redis, evidence));
    expect(r.stderr).toContain('key counts of all 16 databases match the copied snapshot; AOF on');
    expect(r.code).toBe(0);
    const record = await readFile(evidence, 'utf8');
    expect(record).toMatch(/^redis-copy-rdb\.phase=Succeeded$/m);
    expect(record).toMatch(/^redis-check-load\.result=Redis 7\.[\d.]+ loaded the copy in persistence mode: keyspace db0=\d+,db1=4,db2=7,.*db15=7; AOF on; base file of \d+ bytes loaded \(sha256 [0-9a-f]{12}… at the copy\), no write since$/m);
    // AND its manifest records the state at the load, which the cut-over's verify step proves unchanged
    expect(record).toMatch(/^redis-check-load\.manifest=[A-Za-z0-9+/]+$/m);
    expect(r.stderr + r.stdout + record).not.toContain(NEW_PW);
  });

  it('GIVEN the new Redis restarted on the copy and still loading it WHEN checked THEN progress records give the RDB bytes loaded, never going down, ending at the file\'s size, and the check then passes', async () => {
    // GIVEN an old Redis of 40 000 keys of 1 KB, copied to a volume, the new Redis on it
    const big = redisSource.destroyAfterAll(await startRedis({ config: REDIS_SOURCE_CONFIG }));
    await big.cli(['DEBUG', 'POPULATE', '40000', 'key', '1000']);
    const dataDir = await mkdtemp(join(redisSource.work, 'pvc-big-'));
    const evidence = `${dataDir}.evidence`;
    const copy = await runScript('redis-copy-rdb.sh', { SOURCE_REDIS_HOST: big.host, SOURCE_REDIS_PORT: String(big.port), DATA_DIR: dataDir, EVIDENCE_FILE: evidence });
    expect(copy.code, copy.stderr).toBe(0);
    const redis = await newRedis(dataDir);
    const rdbBytes = Number(/aof_base_size:(\d+)/.exec(await redis.cli(['INFO', 'persistence']))![1]);

    // WHEN it restarts, loading as slowly as a large data set does (key-load-delay: a sleep per key, some
    // seconds whatever the machine; the loaded bytes counted every 64 KiB), while the check runs
    const progressFile = join(redisSource.work, 'big.progress');
    await redis.stop();
    const { result: r, sightings } = await whileWatching(progressFile, 25, async () => {
      // (the check starts against the stopped server: it waits for it, as a Job started beside its Deployment)
      const check = runScript('redis-check-load.sh', env(redis, evidence, { PROGRESS_FILE: progressFile, PROGRESS_INTERVAL: '0.2', TIMEOUT_SECONDS: '120' }));
      await redis.restart({ ...REDIS_TARGET_CONFIG, 'key-load-delay': '1', 'loading-process-events-interval-bytes': '65536' });
      return check;
    });

    // THEN the check passes
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Redis is loading its dataset: following the load');
    // AND the records seen are in bytes of the RDB, never going down, with one part-way, ending at its size
    const records = sightings.map((s) => /^redis-check-load\.progress=(\d+)\/(\d+) bytes$/m.exec(s.text)).map((m) => ({ done: Number(m![1]), total: Number(m![2]) }));
    expect(records.length).toBeGreaterThanOrEqual(2);
    for (const [i, rec] of records.entries()) {
      expect(rec.total).toBe(rdbBytes);
      if (i > 0) expect(rec.done).toBeGreaterThanOrEqual(records[i - 1]!.done);
    }
    expect(records.at(-1)).toEqual({ done: rdbBytes, total: rdbBytes });
    // AND the log has the same records, one of them part-way
    const logged = [...r.stderr.matchAll(/\] progress: (\d+)\/(\d+) bytes \(\d+%\)$/gm)].map((m) => Number(m[1]));
    expect(logged.some((d) => d > 0 && d < rdbBytes)).toBe(true);
    expect(logged.at(-1)).toBe(rdbBytes);
  }, 180_000);

  it('GIVEN a key with a TTL that expired on the new Redis, and the readiness probe key written WHEN checked THEN the counts and the writes are accepted', async () => {
    // GIVEN a key that expires 1.5 s after the copy
    await redisSource.source.cli(['SET', 'short:ttl', 'x', 'PX', '1500'], 9);
    const { dataDir, evidence } = await copiedVolume();
    const redis = await newRedis(dataDir);
    await redis.cli(['SET', 'liveness-probe', REDIS_PROBE_VALUE]);
    for (let i = 0; i < 50 && !/expired_keys:[1-9]/.test(await redis.cli(['INFO', 'stats'])); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await redis.cli(['EXISTS', 'short:ttl'], 9)).toBe('0');

    // WHEN
    const r = await runScript('redis-check-load.sh', env(redis, evidence));

    // THEN
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('no write since');
  });

  it('GIVEN a value changed on the new Redis after its load (same key count) WHEN checked THEN it fails naming the command', async () => {
    // GIVEN
    const { dataDir, evidence } = await copiedVolume();
    const redis = await newRedis(dataDir);
    await redis.cli(['ZADD', 'z12', '99', 'm12'], 12);

    // WHEN
    const r = await runScript('redis-check-load.sh', env(redis, evidence));

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Redis 127\.0\.0\.1:\d+: ZADD called 1 time\(s\) since the load \(and 1 more\): the copy is no longer all it holds/);
  });

  it('GIVEN a SET of another key than the probe\'s on the new Redis WHEN checked THEN its AOF bytes give it away', async () => {
    // GIVEN
    const { dataDir, evidence } = await copiedVolume();
    const redis = await newRedis(dataDir);
    await redis.cli(['SET', 'liveness-probe', REDIS_PROBE_VALUE]);
    await redis.cli(['SET', 's3', 'changed'], 3);

    // WHEN
    const r = await runScript('redis-check-load.sh', env(redis, evidence));

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\d+ AOF bytes appended since the load, which 2 SET call\(s\) of the readiness probe \(SET liveness-probe <date>, 69 bytes each\) do not account for/);
  });

  it('GIVEN a write to the new Redis, then a restart (which resets its command counts) before the check WHEN checked THEN the AOF bytes beyond the base give it away', async () => {
    // GIVEN
    const { dataDir, evidence } = await copiedVolume();
    const redis = await newRedis(dataDir);
    await redis.cli(['HSET', 'h9', 'f', 'changed'], 9);
    await redis.restart(REDIS_TARGET_CONFIG);

    // WHEN
    const r = await runScript('redis-check-load.sh', env(redis, evidence));

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Redis 127\.0\.0\.1:\d+: \d+ AOF bytes appended since the load, which 0 SET call\(s\) of the readiness probe/);
  });

  it('GIVEN the new Redis in restore mode (appendonly no) WHEN checked THEN it fails: a restart would lose every write', async () => {
    const { dataDir, evidence } = await copiedVolume();
    const redis = await newRedis(dataDir, REDIS_RESTORE_CONFIG);
    const r = await runScript('redis-check-load.sh', env(redis, evidence));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Redis 127\.0\.0\.1:\d+ runs with appendonly no: its writes would not survive a restart/);
  });

  it('GIVEN a volume holding only dump.rdb (the vendor layout) WHEN Redis 7 starts on it in persistence mode THEN it starts EMPTY, and the check names every database that lost its keys', async () => {
    const { dataDir, evidence } = await copiedVolume();
    const vendorVolume = await mkdtemp(join(redisSource.work, 'vendor-'));
    await writeFile(join(vendorVolume, 'dump.rdb'), await readFile(join(dataDir, 'appendonlydir', 'appendonly.aof.1.base.rdb')));
    const redis = await newRedis(vendorVolume);
    expect(await redis.cli(['DBSIZE'])).toBe('0');
    const r = await runScript('redis-check-load.sh', env(redis, evidence));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not hold the copied data: db0: 0 keys, the copy held \d+ \(3 with a TTL\); db1: 0 keys, the copy held 4 \(1 with a TTL\);.* db15: 0 keys, the copy held 7 \(2 with a TTL\); was it started on the AOF base file of copy-data\?/);
  });

  it('GIVEN no evidence of the copy WHEN checked THEN it refuses, naming the step', async () => {
    const { dataDir } = await copiedVolume();
    const redis = await newRedis(dataDir);
    const r = await runScript('redis-check-load.sh', env(redis, join(redisSource.work, 'none.evidence')));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no evidence record of step redis-copy-rdb: run copy-data first');
  });

  it('fails at once on a wrong password and after the timeout on an unreachable server, printing no password', async () => {
    const { dataDir, evidence } = await copiedVolume();
    const redis = await newRedis(dataDir, REDIS_TARGET_CONFIG, NEW_PW);
    const wrong = 'not-the-pw-42';
    const auth = await runScript('redis-check-load.sh', env(redis, evidence, { REDIS_PASSWORD: wrong, TIMEOUT_SECONDS: '20' }));
    expect(auth.code).toBe(1);
    expect(auth.stderr).toMatch(/authentication to Redis 127\.0\.0\.1:\d+ failed: AUTH failed: WRONGPASS/);
    expect(auth.stderr + auth.stdout).not.toContain(wrong);
    expect(auth.stderr + auth.stdout).not.toContain(NEW_PW);
    const port = await freePort();
    const down = await runScript('redis-check-load.sh', env(redis, evidence, { REDIS_PORT: String(port), TIMEOUT_SECONDS: '1' }));
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`cannot reach Redis 127.0.0.1:${port}: Could not connect to Redis at 127.0.0.1:${port}: Connection refused`);
  });
});
