/**
 * Specification of charts/scripts/redis-copy-rdb.sh against a real Redis 7 source on loopback holding the
 * hostile data set (every type, streams with a consumer group, TTLs, databases 0-15). The "new Redis
 * volume" is a temp folder; a second Redis is started on it afterwards straight in persistence mode, as
 * load-redis does, to prove that the placed AOF base carries every key, type, value and TTL (DEBUG DIGEST
 * equal to the source's) and that writes after it survive a restart.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, stat, writeFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { whileWatching } from '../../bench/support/progress-watch.js';
import {
  checkBinaries,
  diffRedisSnapshots,
  freePort,
  REDIS_BINARIES,
  REDIS_RESTORE_CONFIG,
  REDIS_SOURCE_CONFIG,
  REDIS_TARGET_CONFIG,
  redisDigest,
  redisSnapshot,
  runScript,
  skipSuite,
  startRedis,
  useRedisSource,
} from '../support/db-servers.js';

const bins = checkBinaries('redis', REDIS_BINARIES);
const SRC_PW = 'redis-Src-pw-5b7d';
const AOF_LAYOUT = ['appendonly.aof.1.base.rdb', 'appendonly.aof.manifest'];

describe.skipIf(skipSuite(bins))('redis-copy-rdb.sh (Redis 7, hostile data set in databases 0-15)', () => {
  // The old Redis runs with the operator's persistence config and, here, a password.
  const redisSource = useRedisSource(bins, { workPrefix: 'tsm-rdb-', password: SRC_PW });

  async function newDataDir(): Promise<string> {
    return mkdtemp(join(redisSource.work, 'pvc-'));
  }

  function env(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      SOURCE_REDIS_HOST: redisSource.source.host,
      SOURCE_REDIS_PORT: String(redisSource.source.port),
      SOURCE_REDIS_PASSWORD: SRC_PW,
      DATA_DIR: dataDir,
      EVIDENCE_FILE: join(dataDir, '..', `${dataDir.split('/').pop()}.evidence`),
      ...extra,
    };
  }

  const startTarget = async (dataDir: string) => redisSource.destroyAfterAll(await startRedis({ config: REDIS_TARGET_CONFIG, dataDir }));

  it('GIVEN an empty volume WHEN copied THEN it holds the snapshot as AOF base with its manifest, and a Redis started in persistence mode on it equals the source (DEBUG DIGEST)', async () => {
    const dataDir = await newDataDir();
    const r = await runScript('redis-copy-rdb.sh', env(dataDir));
    expect(r.stderr).toMatch(/source 127\.0\.0\.1:\d+: Redis 7\.[\d.]+, \d+ keys \(db0=\d+ db1=\d+ db2=\d+ .* db15=\d+\)/);
    expect(r.stderr).not.toContain('fingerprint'); // a first copy loads nothing: the window pays for no digest
    expect(r.code).toBe(0);
    expect((await readdir(dataDir)).sort()).toEqual(['.threescale-migrate-redis-copy-rdb', 'appendonlydir']);
    expect((await readdir(join(dataDir, 'appendonlydir'))).sort()).toEqual(AOF_LAYOUT);
    expect(await readFile(join(dataDir, 'appendonlydir', 'appendonly.aof.manifest'), 'utf8')).toBe('file appendonly.aof.1.base.rdb seq 1 type b\n');
    const sourceDigest = await redisDigest(redisSource.source);
    const evidence = await readFile(env(dataDir).EVIDENCE_FILE!, 'utf8');
    expect(evidence).toMatch(/^redis-copy-rdb\.phase=Succeeded$/m);
    expect(evidence).toMatch(/^redis-copy-rdb\.result=keyspace db0=\d+:3,db1=4:1,db2=7:2,.*,db15=7:2; AOF base from Redis 7\.[\d.]+: \d+ keys, \d+ bytes$/m);
    expect(r.stderr + r.stdout + evidence).not.toContain(SRC_PW);
    // AND the new Redis, straight in persistence mode, loads it: same digest, same keys, types, values, TTLs
    const target = await startTarget(dataDir);
    expect(await target.cli(['CONFIG', 'GET', 'appendonly'])).toBe('appendonly\nyes');
    expect(await redisDigest(target)).toBe(sourceDigest);
    expect(diffRedisSnapshots(await redisSnapshot(redisSource.source), await redisSnapshot(target))).toEqual([]);
    expect((await redisSnapshot(target)).length).toBe(redisSource.sourceKeys);
  });

  it('GIVEN the new Redis running on the copy WHEN it restarts unplanned after writes THEN the copy and the writes are all there (no stale dump.rdb to fall back to)', async () => {
    const dataDir = await newDataDir();
    expect((await runScript('redis-copy-rdb.sh', env(dataDir))).code).toBe(0);
    const target = await startTarget(dataDir);
    await target.cli(['SET', 'liveness-probe', 'written by the new readiness probe']);
    await target.cli(['HSET', 'written-after-load', 'by', '3scale'], 7);
    // WHEN the pod restarts (a node drain, an OOM kill) before anything else happens
    await target.restart(REDIS_TARGET_CONFIG);
    // THEN nothing is lost
    expect(await target.cli(['GET', 'liveness-probe'])).toBe('written by the new readiness probe');
    expect(await target.cli(['HGET', 'written-after-load', 'by'], 7)).toBe('3scale');
    const diffs = diffRedisSnapshots(await redisSnapshot(redisSource.source), await redisSnapshot(target));
    expect(diffs).toEqual(['0/liveness-probe: value differs', 'extra 7/written-after-load']);
    expect(await target.log()).toMatch(/DB loaded from base file appendonly\.aof\.1\.base\.rdb/);
  });

  it('vendor restore mode, for contrast: an unplanned restart before the persist switch serves the copied dump.rdb again and the writes are gone', async () => {
    // GIVEN the copied snapshot as dump.rdb and a Redis in restore mode on it, as the vendor procedure runs it
    const dataDir = await newDataDir();
    expect((await runScript('redis-copy-rdb.sh', env(dataDir))).code).toBe(0);
    const vendorVolume = await newDataDir();
    await writeFile(join(vendorVolume, 'dump.rdb'), await readFile(join(dataDir, 'appendonlydir', 'appendonly.aof.1.base.rdb')));
    const restore = redisSource.destroyAfterAll(await startRedis({ config: REDIS_RESTORE_CONFIG, dataDir: vendorVolume }));
    expect(await restore.cli(['DBSIZE'], 5)).toBe('7');
    await restore.cli(['SET', 'written-after-load', 'x']);
    // WHEN it restarts in the same mode
    await restore.restart(REDIS_RESTORE_CONFIG);
    // THEN the write is lost
    expect(await restore.cli(['EXISTS', 'written-after-load'])).toBe('0');
  });

  it('GIVEN an unchanged source WHEN the copy runs again THEN it is already done and the placed base file is untouched, even after the old readiness probe rewrote its key', async () => {
    const dataDir = await newDataDir();
    expect((await runScript('redis-copy-rdb.sh', env(dataDir))).code).toBe(0);
    const before = await stat(join(dataDir, 'appendonlydir', 'appendonly.aof.1.base.rdb'));
    await redisSource.source.cli(['SET', 'liveness-probe', new Date().toString()]);
    const r = await runScript('redis-copy-rdb.sh', env(dataDir));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/already done: the source is unchanged since this step placed its snapshot in .* \(fingerprint [0-9a-f]{40}\)/);
    const after = await stat(join(dataDir, 'appendonlydir', 'appendonly.aof.1.base.rdb'));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    // AND the evidence now records the fingerprint: the DEBUG DIGEST of the data without the probe key
    const evidence = await readFile(env(dataDir).EVIDENCE_FILE!, 'utf8');
    const fingerprint = /^redis-copy-rdb\.sourceFingerprint=([0-9a-f]{40})$/m.exec(evidence)?.[1];
    const target = await startTarget(dataDir);
    await target.cli(['DEL', 'liveness-probe']);
    expect(await redisDigest(target)).toBe(fingerprint);
  });

  it('GIVEN a copy, then a rollback of scale-down in which 3scale wrote to the old Redis WHEN the copy runs again THEN it refuses naming spec.jobs.resetTarget, and with the reset it copies the new data', async () => {
    const dataDir = await newDataDir();
    await redisSource.source.cli(['SET', 'k1', 'v1'], 3);
    expect((await runScript('redis-copy-rdb.sh', env(dataDir))).code).toBe(0);
    // 3scale runs again on the old Redis and writes
    await redisSource.source.cli(['SET', 'k1', 'UPDATED'], 3);
    const refused = await runScript('redis-copy-rdb.sh', env(dataDir));
    expect(refused.code).toBe(1);
    expect(refused.stderr).not.toContain('already done');
    expect(refused.stderr).toMatch(/the source 127\.0\.0\.1:\d+ changed since this step copied it \(fingerprint [0-9a-f]{40} then, [0-9a-f]{40} now\).*Set spec\.jobs\.resetTarget: true in the plan/);
    const reset = await runScript('redis-copy-rdb.sh', env(dataDir, { TARGET_RESET: 'true' }));
    expect(reset.code).toBe(0);
    const target = await startTarget(dataDir);
    expect(await target.cli(['GET', 'k1'], 3)).toBe('UPDATED');
    expect(await redisDigest(target)).toBe(await redisDigest(redisSource.source));
    await redisSource.source.cli(['DEL', 'k1'], 3);
  });

  it('GIVEN the new Redis rewrote its AOF since the copy (the copied base file is gone) WHEN the copy runs again THEN it cannot prove the source unchanged and refuses', async () => {
    const dataDir = await newDataDir();
    expect((await runScript('redis-copy-rdb.sh', env(dataDir))).code).toBe(0);
    const target = await startTarget(dataDir);
    await target.cli(['BGREWRITEAOF']);
    for (let i = 0; i < 100 && !(await readdir(join(dataDir, 'appendonlydir'))).includes('appendonly.aof.2.base.rdb'); i++) await new Promise((r) => setTimeout(r, 100));
    await target.stop();
    const r = await runScript('redis-copy-rdb.sh', env(dataDir));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/changed since this step copied it \(fingerprint unknown: the placed base file is no longer the one copied then, [0-9a-f]{40} now\).*spec\.jobs\.resetTarget/);
  });

  it('refuses to overwrite Redis data it did not copy, unless TARGET_RESET=true', async () => {
    const dataDir = await newDataDir();
    await writeFile(join(dataDir, 'dump.rdb'), 'not ours');
    await mkdir(join(dataDir, 'appendonlydir'));
    const refused = await runScript('redis-copy-rdb.sh', env(dataDir));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds Redis data \(dump\.rdb appendonlydir\).*spec\.jobs\.resetTarget: true/);
    expect(refused.stderr).not.toContain('fetching');
    expect(await readFile(join(dataDir, 'dump.rdb'), 'utf8')).toBe('not ours');
    const reset = await runScript('redis-copy-rdb.sh', env(dataDir, { TARGET_RESET: 'true' }));
    expect(reset.code).toBe(0);
    expect((await readdir(dataDir)).sort()).toEqual(['.threescale-migrate-redis-copy-rdb', 'appendonlydir']);
    expect((await readdir(join(dataDir, 'appendonlydir'))).sort()).toEqual(AOF_LAYOUT);
  });

  it('GIVEN RDB_FILENAME (the export for a managed Redis) WHEN copied THEN the volume holds that plain RDB file, checked by redis-check-rdb, its sha256 in the evidence; a Redis loads it with the source\'s digest', async () => {
    const dataDir = await newDataDir();
    const r = await runScript('redis-copy-rdb.sh', env(dataDir, { RDB_FILENAME: 'backend-redis.rdb' }));
    expect(r.code).toBe(0);
    expect((await readdir(dataDir)).sort()).toEqual(['.threescale-migrate-redis-copy-rdb', 'backend-redis.rdb']);
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(await readFile(join(dataDir, 'backend-redis.rdb'))).digest('hex');
    expect(await readFile(env(dataDir).EVIDENCE_FILE!, 'utf8')).toMatch(new RegExp(`^redis-copy-rdb\\.result=keyspace db0=\\d+:3,.*; RDB backend-redis\\.rdb from Redis 7\\.[\\d.]+: \\d+ keys, \\d+ bytes; sha256 ${sha}$`, 'm'));
    const seeded = await newDataDir();
    await writeFile(join(seeded, 'dump.rdb'), await readFile(join(dataDir, 'backend-redis.rdb')));
    const managed = redisSource.destroyAfterAll(await startRedis({ config: { ...REDIS_RESTORE_CONFIG, 'enable-debug-command': 'local' }, dataDir: seeded }));
    expect(await redisDigest(managed)).toBe(await redisDigest(redisSource.source));
  });

  it('GIVEN an old Redis whose fork writes its snapshot slowly WHEN the copy fetches it THEN key records appear while it streams, part-way ones too, never going down, ending at the source\'s key count, without a secret', async () => {
    // GIVEN 30 000 keys, with a password, and a fork that sleeps 200 µs a key (rdb-key-save-delay): some seconds
    // of SYNC whatever the machine (the fork reports its keys about every second)
    const slow = redisSource.destroyAfterAll(await startRedis({ config: { ...REDIS_SOURCE_CONFIG, 'rdb-key-save-delay': '200' }, password: SRC_PW }));
    await slow.cli(['DEBUG', 'POPULATE', '30000', 'key', '100']);
    const dataDir = await newDataDir();
    const progressFile = join(redisSource.work, 'fetch.progress');
    // WHEN the copy runs, its progress file polled as a reader outside the Job would
    const { result: r, sightings } = await whileWatching(progressFile, 25, () =>
      runScript('redis-copy-rdb.sh', env(dataDir, { SOURCE_REDIS_PORT: String(slow.port), PROGRESS_FILE: progressFile, PROGRESS_INTERVAL: '0.3' })),
    );
    expect(r.code, r.stderr).toBe(0);
    // THEN every record counts keys out of the source's 30 000, never going down, the last at the total
    const records = sightings.map((s) => /^redis-copy-rdb\.progress=(\d+)\/(\d+) keys$/m.exec(s.text)).map((m) => ({ done: Number(m?.[1]), total: Number(m?.[2]) }));
    expect(records.length).toBeGreaterThanOrEqual(3);
    expect(records.every((p) => p.total === 30_000)).toBe(true);
    expect(records.map((p) => p.done)).toEqual(records.map((p) => p.done).sort((a, b) => a - b));
    expect(records.at(-1)!.done).toBe(30_000);
    // AND some record shows the fetch part-way, and so does the Job's log
    expect(records.some((p) => p.done > 0 && p.done < p.total)).toBe(true);
    expect(r.stderr).toMatch(/\] progress: [1-9]\d*\/30000 keys \([1-9]\d?%\)$/m);
    for (const text of [...sightings.map((s) => s.text), r.stderr, r.stdout]) expect(text).not.toContain(SRC_PW);
  }, 120_000);

  it('fails clearly on a wrong password, without printing any password', async () => {
    const dataDir = await newDataDir();
    const wrong = 'wrong-redis-pw-123';
    const r = await runScript('redis-copy-rdb.sh', env(dataDir, { SOURCE_REDIS_PASSWORD: wrong }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/authentication to source Redis 127\.0\.0\.1:\d+ failed: AUTH failed: WRONGPASS/);
    expect(r.stderr + r.stdout).not.toContain(wrong);
    expect(r.stderr + r.stdout).not.toContain(SRC_PW);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('fails clearly when the source is unreachable', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const r = await runScript('redis-copy-rdb.sh', env(dataDir, { SOURCE_REDIS_PORT: String(port), CONNECT_TIMEOUT_SECONDS: '0' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach source Redis 127.0.0.1:${port}: Could not connect to Redis at 127.0.0.1:${port}: Connection refused`);
  });
});
