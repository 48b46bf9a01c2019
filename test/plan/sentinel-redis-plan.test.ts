/**
 * Specification of the `sentinel` Redis strategy in the plan: the schema variant and its refusals, the keys the
 * cut-over writes into backend-redis and system-redis, the credentials it copies, and the Jobs it adds to
 * prepare, copy-data and verify (examples/sentinel-redis).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { needsWindow, secretRewrites } from '../../src/procedures/externalize-on-cluster/cutover-switches.js';
import { credentialCopies, existingServerRedisRoles } from '../../src/plan/plan-facts.js';
import { sentinelJobs } from '../../src/procedures/externalize-on-cluster/redis-movers/sentinel-jobs.js';
import { replacedServers } from '../../src/procedures/externalize-on-cluster/version-check-plan.js';
import { parseMigrationPlan, ROOT, userError } from '../support/plans.js';

const TEXT = readFileSync(join(ROOT, 'examples', 'sentinel-redis', 'migration.yaml'), 'utf8');
const load = (change: (raw: any) => void = () => undefined) => {
  const raw = parse(TEXT);
  change(raw);
  return parseMigrationPlan(stringify(raw), 'migration.yaml').plan;
};
const refusal = (change: (raw: any) => void) => userError(() => load(change)).message;
const SENTINELS = ['0', '1', '2'].map((i) => `redis://:{redis-ha-auth/sentinel-password}@sentinel-${i}.sentinel.redis-ha.svc.cluster.local:26379`).join(',');

describe('the sentinel Redis strategy', () => {
  test('GIVEN the example WHEN the cut-over rewrites are built THEN the URLs name the masters and the sentinel keys are filled, with placeholders only', () => {
    const rewrites = secretRewrites(load()).filter((r) => r.secret !== 'system-database');
    expect(rewrites).toEqual([
      { secret: 'backend-redis', key: 'REDIS_STORAGE_URL', template: 'redis://:{redis-ha-auth/password}@threescale-storage/0' },
      { secret: 'backend-redis', key: 'REDIS_STORAGE_SENTINEL_HOSTS', template: SENTINELS },
      { secret: 'backend-redis', key: 'REDIS_STORAGE_SENTINEL_ROLE', template: 'master' },
      { secret: 'backend-redis', key: 'REDIS_QUEUES_URL', template: 'redis://:{redis-ha-auth/password}@threescale-queues/1' },
      { secret: 'backend-redis', key: 'REDIS_QUEUES_SENTINEL_HOSTS', template: SENTINELS },
      { secret: 'backend-redis', key: 'REDIS_QUEUES_SENTINEL_ROLE', template: 'master' },
      { secret: 'system-redis', key: 'URL', template: 'redis://:{redis-ha-auth/password}@threescale-storage/2' },
      { secret: 'system-redis', key: 'SENTINEL_HOSTS', template: SENTINELS },
      { secret: 'system-redis', key: 'SENTINEL_ROLE', template: 'master' },
    ]);
  });

  test('GIVEN sentinels without passwords WHEN the rewrites are built THEN the URL and the sentinel list carry no userinfo', () => {
    const plan = load((raw) => {
      delete raw.spec.backendRedis.sentinel.credentials;
      raw.spec.backendRedis.sentinel.hosts = ['10.0.0.5:26379'];
    });
    expect(secretRewrites(plan).filter((r) => r.secret === 'backend-redis').map((r) => r.template)).toEqual([
      'redis://threescale-storage/0',
      'redis://10.0.0.5:26379',
      'master',
      'redis://threescale-queues/1',
      'redis://10.0.0.5:26379',
      'master',
    ]);
  });

  test('GIVEN the example THEN the credentials Secret is copied with both keys, the window opens and the old Redis servers stop at the cut-over', () => {
    const plan = load();
    expect(credentialCopies(plan)).toEqual([{ target: 'backend-redis', secretName: 'redis-ha-auth', namespace: 'redis-ha', keys: ['password', 'sentinel-password'] }]);
    expect(needsWindow(plan)).toBe(true);
    expect(existingServerRedisRoles(plan)).toEqual(['backend', 'system']);
    // AND the old Redis servers' versions do not gate the upgrade: the migration replaces them
    expect(replacedServers(plan)).toEqual(['system-database', 'backend-redis-storage', 'backend-redis-queues', 'system-redis']);
  });

  test('GIVEN the example THEN prepare checks, copy-data copies and verify checks again through the sentinels, reading passwords from the Secret only', () => {
    const plan = load();
    expect(sentinelJobs(plan, 'prepare').map((j) => j.name)).toEqual(['check-sentinel-backend-redis', 'check-sentinel-system-redis']);
    const [copy] = sentinelJobs(plan, 'copy-data');
    expect(copy!.env).toEqual([
      { name: 'SOURCE_REDIS_HOST', value: 'backend-redis.3scale.svc.cluster.local' },
      { name: 'COPIES', value: '0:threescale-storage/0 1:threescale-queues/1' },
      { name: 'SENTINEL_HOSTS', value: plan.spec.backendRedis.strategy === 'sentinel' ? plan.spec.backendRedis.sentinel.hosts.join(',') : '' },
      { name: 'REDIS_PASSWORD', secret: 'redis-ha-auth', key: 'password' },
      { name: 'SENTINEL_PASSWORD', secret: 'redis-ha-auth', key: 'sentinel-password' },
    ]);
    expect(sentinelJobs(plan, 'copy-data')[1]!.env.find((e) => e.name === 'COPIES')).toEqual({ name: 'COPIES', value: '1:threescale-storage/2' });
    expect(sentinelJobs(plan, 'verify').map((j) => j.env.find((e) => e.name === 'REQUIRE_KEYS'))).toEqual([
      { name: 'REQUIRE_KEYS', value: 'true' },
      { name: 'REQUIRE_KEYS', value: 'true' },
    ]);
  });

  test('GIVEN a master name with odd characters THEN the plan is refused in one sentence naming the field', () => {
    expect(refusal((raw) => (raw.spec.backendRedis.sentinel.masterName = 'my master;rm'))).toBe(
      'migration.yaml: spec.backendRedis.sentinel.masterName: expected a Sentinel master name of at most 64 letters, digits, ".", "_" and "-" (it is the host part of the URL 3scale reads), got "my master;rm".',
    );
  });

  test('GIVEN hostile sentinel addresses THEN each is refused naming its index', () => {
    expect(refusal((raw) => (raw.spec.systemRedis.sentinel.hosts = ['redis://s:26379']))).toContain('spec.systemRedis.sentinel.hosts[0]: expected a sentinel address host:port');
    expect(refusal((raw) => (raw.spec.systemRedis.sentinel.hosts = ['s0:26379', 's1']))).toContain('spec.systemRedis.sentinel.hosts[1]: expected a sentinel address host:port');
    expect(refusal((raw) => (raw.spec.systemRedis.sentinel.hosts = ['s0:70000']))).toBe('migration.yaml: spec.systemRedis.sentinel.hosts[0]: expected a port from 1 to 65535 after the host, got "s0:70000".');
    expect(refusal((raw) => (raw.spec.systemRedis.sentinel.hosts = ['bad_host!:26379']))).toContain('spec.systemRedis.sentinel.hosts[0]: expected a host name or IPv4 address, got "bad_host!"');
    expect(refusal((raw) => (raw.spec.systemRedis.sentinel.hosts = []))).toContain('spec.systemRedis.sentinel.hosts: expected at least one sentinel host:port');
  });

  test('GIVEN strategy sentinel without its block, or the block under another strategy THEN each is refused in one sentence', () => {
    expect(refusal((raw) => delete raw.spec.backendRedis.sentinel)).toBe(
      'migration.yaml: spec.backendRedis.sentinel: is required (expected an object with the sentinel hosts, the master name and the credentials Secret (strategy "sentinel" reads it)).',
    );
    expect(refusal((raw) => (raw.spec.backendRedis.strategy = 'upgrade-on-cluster'))).toBe(
      'migration.yaml: spec.backendRedis.sentinel: is only read with strategy "sentinel", and the strategy is "upgrade-on-cluster"; expected strategy: sentinel, or no sentinel block.',
    );
    expect(refusal((raw) => (raw.spec.backendRedis.strategy = 'sentinal'))).toContain('spec.backendRedis.strategy: expected "upgrade-on-cluster", "managed", "sentinel" or "already-external" in strategy');
  });

  test('GIVEN both Redis on one master and database THEN the plan is refused: the data sets would share keys', () => {
    expect(refusal((raw) => (raw.spec.systemRedis.sentinel.database = 0))).toBe(
      'migration.yaml: spec.systemRedis.sentinel.database: database 0 of the master "threescale-storage" is also used by spec.backendRedis.sentinel, and the two data sets would share keys; expected another database number or another master.',
    );
  });

  test('GIVEN a connection Secret of 3scale as the credentials Secret THEN it is refused', () => {
    expect(refusal((raw) => (raw.spec.systemRedis.sentinel.credentials.secretName = 'system-redis'))).toContain('spec.systemRedis.sentinel.credentials.secretName: "system-redis" is a connection Secret 3scale reads');
  });
});
