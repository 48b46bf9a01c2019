/**
 * Specification of the Sentinel target scripts on real Redis 7 servers and real sentinels
 * (`redis-server --sentinel`), all on free loopback ports in temp folders:
 *   lib/sentinel.sh            asks the sentinels for the master, as 3scale does
 *   redis-sentinel-check.sh    the pre-connection check (prepare) and the verify through the sentinels
 *   redis-sentinel-copy.sh     the copy of the old server's databases into the master the sentinels name
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkBinaries, diffRedisSnapshots, freePort, REDIS_BINARIES, REDIS_TARGET_CONFIG, redisSnapshot, runScript, skipSuite, startRedis, type RedisServer, useRedisSource } from '../support/db-servers.js';
import { type Sentinel, startSentinel } from '../support/redis-sentinels.js';

const bins = checkBinaries('redis', REDIS_BINARIES);
const MASTER_PW = 'sentinel-master-pw-7d1e';
const SENTINEL_PW = 'sentinel-own-pw-41aa';

describe.skipIf(skipSuite(bins))('Sentinel targets (redis-sentinel-check.sh, redis-sentinel-copy.sh)', () => {
  const redisSource = useRedisSource(bins, { workPrefix: 'tsm-sentinel-' });
  const sentinels: Sentinel[] = [];
  let master: RedisServer;
  let other: RedisServer;
  let agreeing: Sentinel[];

  const sentinel = async (...args: Parameters<typeof startSentinel>) => {
    const s = await startSentinel(...args);
    sentinels.push(s);
    return s;
  };

  beforeAll(async () => {
    master = redisSource.destroyAfterAll(await startRedis({ config: REDIS_TARGET_CONFIG, password: MASTER_PW }));
    other = redisSource.destroyAfterAll(await startRedis({ config: REDIS_TARGET_CONFIG, password: MASTER_PW }));
    const watch = [
      { name: 'threescale-backend', port: master.port, quorum: 2, password: MASTER_PW },
      { name: 'threescale.system_1', port: master.port, quorum: 2, password: MASTER_PW },
    ];
    agreeing = [await sentinel({ masters: watch, password: SENTINEL_PW }), await sentinel({ masters: watch, password: SENTINEL_PW })];
    // the two discover each other through the master's hello channel (every 2 s) before they can vote
    await Promise.all(agreeing.map((s) => s.quorum('threescale-backend')));
  });

  afterAll(async () => {
    await Promise.all(sentinels.map((s) => s.destroy()));
  });

  function env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      SENTINEL_HOSTS: agreeing.map((s) => s.address).join(','),
      SENTINEL_PASSWORD: SENTINEL_PW,
      REDIS_PASSWORD: MASTER_PW,
      CONNECT_TIMEOUT_SECONDS: '3',
      EVIDENCE_FILE: join(redisSource.work, 'evidence'),
      ...extra,
    };
  }

  const check = (extra: Record<string, string> = {}) => runScript('redis-sentinel-check.sh', env({ MASTERS: 'threescale-backend/0 threescale-backend/1', ...extra }));
  const copy = (extra: Record<string, string> = {}) =>
    runScript('redis-sentinel-copy.sh', env({ SOURCE_REDIS_HOST: redisSource.source.host, SOURCE_REDIS_PORT: String(redisSource.source.port), COPIES: '0:threescale-backend/0 1:threescale-backend/1', BATCH: '3', ...extra }));

  it('GIVEN two sentinels that agree on an empty master WHEN checked before the copy THEN it passes naming the master, and no password is in its output or evidence', async () => {
    const r = await check();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`master of 'threescale-backend': 127.0.0.1:${master.port}`);
    const record = await readFile(join(redisSource.work, 'evidence'), 'utf8');
    expect(record).toContain(`redis-sentinel-check.result=ok: threescale-backend=127.0.0.1:${master.port}/0 keys=0 threescale-backend=127.0.0.1:${master.port}/1 keys=0`);
    for (const text of [r.stderr, r.stdout, record]) {
      expect(text).not.toContain(MASTER_PW);
      expect(text).not.toContain(SENTINEL_PW);
    }
  });

  it('GIVEN the same empty master WHEN verified with REQUIRE_KEYS=true THEN it fails: the copy did not happen', async () => {
    const r = await check({ REQUIRE_KEYS: 'true' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`database 0 of the master 'threescale-backend' (127.0.0.1:${master.port}) is empty; expected the copied data`);
  });

  it('GIVEN the hostile data set in the old server WHEN copied through the sentinels THEN databases 0 and 1 of the master equal the old ones (types, values, TTLs), a rerun is accepted, and the verify passes', async () => {
    // GIVEN keys whose names need quoting: a newline, quotes, a backslash, spaces, non-ASCII, an empty-looking name
    for (const key of ['odd\nkey "q" \\ x', 'ü ключ', ' ', '*']) await redisSource.source.cli(['SET', key, 'v'], 1);
    const r = await copy();
    expect(r.code, r.stderr).toBe(0);
    expect(diffRedisSnapshots(await redisSnapshot(redisSource.source, [0, 1]), await redisSnapshot(master, [0, 1]))).toEqual([]);
    expect(r.stderr + r.stdout).not.toContain(MASTER_PW);
    // AND the old server keeps its keys (MIGRATE ... COPY)
    expect(Number(await redisSource.source.cli(['DBSIZE'], 1))).toBeGreaterThan(0);

    const again = await copy();
    expect(again.code, again.stderr).toBe(0);
    const verify = await check({ REQUIRE_KEYS: 'true' });
    expect(verify.code, verify.stderr).toBe(0);
  });

  it('GIVEN a target database that holds other data WHEN copied into THEN the copy is refused in one sentence and the data is left alone', async () => {
    await master.cli(['SET', 'foreign', 'x'], 5);
    const r = await copy({ COPIES: '1:threescale-backend/5' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ERROR: database 5 of the master 'threescale-backend' \(127\.0\.0\.1:\d+\) already holds 1 keys and the old database 1 holds \d+; expected it empty/);
    expect(await master.cli(['DBSIZE'], 5)).toBe('1');
  });

  it('GIVEN a master name with odd characters WHEN checked or copied THEN it is refused before any sentinel is asked', async () => {
    for (const r of [await check({ MASTERS: 'bad;$(touch${IFS}/tmp/x)/0' }), await copy({ COPIES: '0:my;name/0' })]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/is not a valid Sentinel master name: expected letters, digits/);
    }
  });

  it('GIVEN the wrong master password WHEN checked THEN it fails as auth-failed naming the master', async () => {
    const r = await check({ REDIS_PASSWORD: 'wrong-pw' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the master 127.0.0.1:${master.port} of 'threescale-backend' refused the password (auth-failed)`);
    expect(r.stderr).not.toContain('wrong-pw');
  });

  it('GIVEN the wrong sentinel password WHEN checked THEN it fails as auth-failed naming the sentinel', async () => {
    const r = await check({ SENTINEL_PASSWORD: 'wrong-pw' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sentinel ${agreeing[0]!.address} refused the sentinel password (auth-failed)`);
  });

  it('GIVEN two sentinels that name different masters WHEN checked THEN it refuses naming both answers', async () => {
    const a = await sentinel({ masters: [{ name: 'split', port: master.port, password: MASTER_PW }] });
    const b = await sentinel({ masters: [{ name: 'split', port: other.port, password: MASTER_PW }] });
    const r = await check({ SENTINEL_HOSTS: `${a.address} ${b.address}`, SENTINEL_PASSWORD: '', MASTERS: 'split/0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the sentinels disagree on the master of 'split': ${a.address} names 127.0.0.1:${master.port}, ${b.address} names 127.0.0.1:${other.port}`);
  });

  it('GIVEN a sentinel that names a master which does not answer WHEN checked or copied THEN it refuses naming the address', async () => {
    const gone = await freePort();
    const s = await sentinel({ masters: [{ name: 'gone', port: gone }] });
    for (const r of [await check({ SENTINEL_HOSTS: s.address, SENTINEL_PASSWORD: '', MASTERS: 'gone/0' }), await copy({ SENTINEL_HOSTS: s.address, SENTINEL_PASSWORD: '', COPIES: '0:gone/0' })]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`the sentinels name 127.0.0.1:${gone} as master of 'gone', and it does not answer`);
    }
  });

  it('GIVEN a lone sentinel configured with a quorum of two WHEN checked THEN it refuses: the sentinels cannot reach their quorum', async () => {
    const lone = await sentinel({ masters: [{ name: 'lonely', port: master.port, quorum: 2, password: MASTER_PW }] });
    const r = await check({ SENTINEL_HOSTS: lone.address, SENTINEL_PASSWORD: '', MASTERS: 'lonely/0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the sentinels cannot reach their quorum for 'lonely' (asked ${lone.address}): NOQUORUM`);
  });

  it('GIVEN one of three sentinels not listening and the other two agreeing WHEN checked THEN it passes, warning about the silent one (3scale too uses any sentinel that answers)', async () => {
    const silent = `127.0.0.1:${await freePort()}`;
    const r = await check({ SENTINEL_HOSTS: [silent, ...agreeing.map((s) => s.address)].join(',') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`WARNING: sentinel ${silent} did not answer`);
  });

  it('GIVEN no sentinel listening WHEN checked THEN it refuses: none answered', async () => {
    const r = await check({ SENTINEL_HOSTS: `127.0.0.1:${await freePort()}`, MASTERS: 'threescale-backend/0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('none of the sentinels answered');
  });

  it('GIVEN a master name no sentinel monitors WHEN checked THEN it refuses naming the sentinels asked', async () => {
    const r = await check({ MASTERS: 'not-monitored/0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no sentinel knows a master named 'not-monitored' (asked ${agreeing[0]!.address} ${agreeing[1]!.address})`);
  });
});
