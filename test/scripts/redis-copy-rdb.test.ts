/**
 * Specification of charts/scripts/redis-copy-rdb.sh against a real Redis 7 source on loopback. The
 * "new Redis volume" is a temp folder; a second Redis is started on it afterwards in restore mode to
 * prove that the copied dump.rdb loads with every key, type, value and TTL.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, stat, writeFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkBinaries, diffRedisSnapshots, freePort, REDIS_BINARIES, REDIS_RESTORE_CONFIG, redisSnapshot, runScript, skipSuite, startRedis, useRedisSource } from '../support/db-servers.js';

const bins = checkBinaries('redis', REDIS_BINARIES);
const SRC_PW = 'redis-Src-pw-5b7d';

describe.skipIf(skipSuite(bins))('redis-copy-rdb.sh (Redis 7)', () => {
  // The old Redis runs with the operator's persistence config and, here, a password.
  const redisSource = useRedisSource(bins, { workPrefix: 'tsm-rdb-', password: SRC_PW });

  async function newDataDir(): Promise<string> {
    const dir = await mkdtemp(join(redisSource.work, 'pvc-'));
    return dir;
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

  it('fetches a verified dump.rdb that loads with all keys, types, values and TTLs', async () => {
    // GIVEN an empty volume for the new Redis
    const dataDir = await newDataDir();
    // WHEN the script copies the source's snapshot into it
    const r = await runScript('redis-copy-rdb.sh', env(dataDir));
    // THEN it succeeds, leaving only dump.rdb and the marker (no partial file)
    expect(r.stderr).toContain('RDB looks OK');
    expect(r.code).toBe(0);
    expect((await readdir(dataDir)).sort()).toEqual(['.threescale-migrate-redis-copy-rdb', 'dump.rdb']);
    const evidence = await readFile(env(dataDir).EVIDENCE_FILE!, 'utf8');
    expect(evidence).toMatch(/^redis-copy-rdb\.phase=Succeeded$/m);
    expect(evidence).toContain(`${redisSource.sourceKeys} keys`);
    expect(r.stderr + r.stdout + evidence).not.toContain(SRC_PW);
    // AND a Redis 7 started on that volume in restore mode holds exactly the source's data
    const target = await startRedis({ config: REDIS_RESTORE_CONFIG, dataDir });
    try {
      expect(diffRedisSnapshots(await redisSnapshot(redisSource.source), await redisSnapshot(target))).toEqual([]);
      expect((await redisSnapshot(target)).length).toBe(redisSource.sourceKeys);
    } finally {
      await target.destroy();
    }
  });

  it('is idempotent: a rerun leaves the copied dump.rdb untouched and exits 0', async () => {
    // GIVEN a volume the script already filled
    const dataDir = await newDataDir();
    expect((await runScript('redis-copy-rdb.sh', env(dataDir))).code).toBe(0);
    const before = await stat(join(dataDir, 'dump.rdb'));
    // WHEN it runs again with the same inputs
    const r = await runScript('redis-copy-rdb.sh', env(dataDir));
    // THEN nothing is fetched or replaced
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('already done');
    expect(r.stderr).not.toContain('fetching');
    const after = await stat(join(dataDir, 'dump.rdb'));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('refuses to overwrite Redis data it did not copy, unless TARGET_RESET=true', async () => {
    // GIVEN a volume that already holds a dump.rdb and an AOF directory from elsewhere
    const dataDir = await newDataDir();
    await writeFile(join(dataDir, 'dump.rdb'), 'not ours');
    await mkdir(join(dataDir, 'appendonlydir'));
    // WHEN the script runs
    const refused = await runScript('redis-copy-rdb.sh', env(dataDir));
    // THEN it refuses and leaves the data alone
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/already holds Redis data \(dump\.rdb appendonlydir\).*TARGET_RESET=true/);
    expect(await readFile(join(dataDir, 'dump.rdb'), 'utf8')).toBe('not ours');
    // WHEN it runs with TARGET_RESET=true
    const reset = await runScript('redis-copy-rdb.sh', env(dataDir, { TARGET_RESET: 'true' }));
    // THEN the old data is replaced by the verified snapshot
    expect(reset.code).toBe(0);
    expect((await readdir(dataDir)).sort()).toEqual(['.threescale-migrate-redis-copy-rdb', 'dump.rdb']);
  });

  it('fails clearly on a wrong password, without printing any password', async () => {
    // GIVEN a wrong source password
    const dataDir = await newDataDir();
    const wrong = 'wrong-redis-pw-123';
    // WHEN the script runs (short connect timeout)
    const r = await runScript('redis-copy-rdb.sh', env(dataDir, { SOURCE_REDIS_PASSWORD: wrong }));
    // THEN it fails at once with the server's reason and leaves nothing behind
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/authentication to source Redis 127\.0\.0\.1:\d+ failed: AUTH failed: WRONGPASS/);
    expect(r.stderr + r.stdout).not.toContain(wrong);
    expect(r.stderr + r.stdout).not.toContain(SRC_PW);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('fails clearly when the source is unreachable', async () => {
    // GIVEN a source port where nothing listens
    const dataDir = await newDataDir();
    const port = await freePort();
    // WHEN the script runs
    const r = await runScript('redis-copy-rdb.sh', env(dataDir, { SOURCE_REDIS_PORT: String(port), CONNECT_TIMEOUT_SECONDS: '0' }));
    // THEN it names the endpoint and the reason
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`cannot reach source Redis 127.0.0.1:${port}: Could not connect to Redis at 127.0.0.1:${port}: Connection refused`);
  });
});
