/**
 * Specification of charts/constructs/redis-config.ts: the redis.conf of seed 3.4.5 in restore mode (no
 * snapshots, no AOF, so the copied dump.rdb is loaded and never overwritten) and in persistence mode (the
 * three RDB save points and AOF); the two differ only in those lines.
 */
import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { RedisConfig, redisConf, redisConfHash } from '../../charts/constructs/redis-config.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';

/** The redis.conf of seed 3.4.5 (ConfigMap redis-config-external), as printed there. */
const SEED_REDIS_CONF = `protected-mode no

port 6379

timeout 0
tcp-keepalive 300

daemonize no
supervised no

loglevel notice

databases 16

#save 900 1
#save 300 10
#save 60 10000
save ""

stop-writes-on-bgsave-error yes

rdbcompression yes
rdbchecksum yes

dbfilename dump.rdb

slave-serve-stale-data yes
slave-read-only yes

repl-diskless-sync no
repl-disable-tcp-nodelay no

appendonly no
appendfilename "appendonly.aof"
appendfsync everysec
no-appendfsync-on-rewrite no
auto-aof-rewrite-percentage 100
auto-aof-rewrite-min-size 64mb
aof-load-truncated yes

lua-time-limit 5000

activerehashing no

aof-rewrite-incremental-fsync yes
dir /var/lib/redis/data

rename-command REPLICAOF ""
rename-command SLAVEOF ""
`;

const snapshotOrAof = (line: string) => /^#?save /.test(line) || line.startsWith('appendonly ');

describe('redisConf', () => {
  test('in restore mode is the configuration of seed 3.4.5, line for line', () => {
    // GIVEN
    const mode = 'restore';

    // WHEN
    const conf = redisConf(mode);

    // THEN
    expect(conf).toBe(SEED_REDIS_CONF);
  });

  test('in persistence mode differs from restore mode only in the save and appendonly lines', () => {
    // GIVEN
    const restore = redisConf('restore').split('\n');

    // WHEN
    const persistence = redisConf('persistence').split('\n');

    // THEN
    expect(persistence.filter((l) => !snapshotOrAof(l))).toEqual(restore.filter((l) => !snapshotOrAof(l)));
    expect(persistence.filter(snapshotOrAof)).toEqual(['save 900 1', 'save 300 10', 'save 60 10000', 'appendonly yes']);
    expect(restore.filter(snapshotOrAof)).toEqual(['#save 900 1', '#save 300 10', '#save 60 10000', 'save ""', 'appendonly no']);
  });
});

describe('redisConfHash', () => {
  test('is the sha256 of the configuration, stable per mode and different between modes', () => {
    // GIVEN
    const modes = ['restore', 'persistence'] as const;

    // WHEN
    const [restore, persistence] = modes.map(redisConfHash);

    // THEN
    expect(restore).toMatch(/^[0-9a-f]{64}$/);
    expect(persistence).toMatch(/^[0-9a-f]{64}$/);
    expect(restore).not.toBe(persistence);
    expect(redisConfHash('restore')).toBe(restore);
  });
});

describe('RedisConfig', () => {
  test.each(['restore', 'persistence'] as const)('renders ConfigMap redis-config-external with the %s configuration and the tool labels', (mode) => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    new RedisConfig(chart, 'Config', { namespace: 'redis-dev', mode, migration: 'dev-3scale' });
    const objects = chart.toJson() as KubeObject[];

    // THEN
    expect(objects).toEqual([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'redis-config-external',
          namespace: 'redis-dev',
          labels: { 'app.kubernetes.io/managed-by': 'threescale-migrate', 'threescale-migrate.3scale.net/migration': 'dev-3scale' },
        },
        data: { 'redis.conf': redisConf(mode) },
      },
    ]);
    expect(validateManifest(objects[0])).toEqual([]);
  });
});
