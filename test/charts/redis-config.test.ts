/**
 * Specification of charts/constructs/redis-config.ts: the redis.conf of seed 3.4.5 in persistence mode (the
 * three RDB save points and AOF) only. The seed's restore mode has no use: the copy places the snapshot as the
 * AOF base file and the new server starts straight in persistence mode.
 */
import { createHash } from 'node:crypto';
import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { RedisConfig, redisConf, redisConfHash } from '../../charts/constructs/redis-config.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';

/** The redis.conf of seed 3.4.5 (ConfigMap redis-config-external) in restore mode, as printed there. */
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
  test('is the configuration of seed 3.4.5 line for line, but in persistence mode: the three save points and appendonly yes', () => {
    // GIVEN the seed's restore-mode file, whose snapshot and AOF lines the persistence switch (3.4.7) changes
    const seed = SEED_REDIS_CONF.split('\n');

    // WHEN
    const conf = redisConf().split('\n');

    // THEN every other line is the seed's, and no line keeps the restore mode (no saves, appendonly no)
    expect(conf.filter((l) => !snapshotOrAof(l))).toEqual(seed.filter((l) => !snapshotOrAof(l)));
    expect(conf.filter(snapshotOrAof)).toEqual(['save 900 1', 'save 300 10', 'save 60 10000', 'appendonly yes']);
    expect(conf).not.toContain('save ""');
    expect(conf).not.toContain('appendonly no');
  });
});

describe('redisConfHash', () => {
  test('is the sha256 of the configuration, stable from call to call', () => {
    // GIVEN
    const first = redisConfHash();

    // WHEN
    const second = redisConfHash();

    // THEN
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
    expect(first).toBe(createHash('sha256').update(redisConf()).digest('hex'));
  });
});

describe('RedisConfig', () => {
  test('renders ConfigMap redis-config-external with the persistence configuration and the tool labels', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    new RedisConfig(chart, 'Config', { namespace: 'redis-dev', migration: 'dev-3scale' });
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
        data: { 'redis.conf': redisConf() },
      },
    ]);
    expect(validateManifest(objects[0])).toEqual([]);
  });
});
