import { type RedisRole, REDIS_ROLES, redisComponent, redisNames, serviceHost } from '../../../plan/plan-facts.js';
import type { Plan, SentinelRedis } from '../../../plan/plan-schema.js';
import { sentinelMasters } from './sentinel-masters.js';

/** An env var of a Sentinel Job: a value, or a key of the credentials Secret (in the 3scale namespace). */
export type SentinelJobEnv = { readonly name: string; readonly value: string } | { readonly name: string; readonly secret: string; readonly key: string };

/** One Job of a Sentinel-managed Redis: what the chart renders and the words the plan view shows for it. */
export interface SentinelJob {
  readonly role: RedisRole;
  readonly name: string;
  readonly script: 'redis-sentinel-check.sh' | 'redis-sentinel-copy.sh';
  readonly env: SentinelJobEnv[];
  readonly words: string;
}

/** The phases a Sentinel-managed Redis has work in. */
export type SentinelPhase = 'prepare' | 'copy-data' | 'verify';

/** The sentinels and passwords, as every Sentinel Job reads them. */
function sentinelEnv(s: SentinelRedis): SentinelJobEnv[] {
  const c = s.credentials;
  return [
    { name: 'SENTINEL_HOSTS', value: s.hosts.join(',') },
    ...(c ? [{ name: 'REDIS_PASSWORD', secret: c.secretName, key: c.passwordKey }] : []),
    ...(c?.sentinelPasswordKey ? [{ name: 'SENTINEL_PASSWORD', secret: c.secretName, key: c.sentinelPasswordKey }] : []),
  ];
}

/** `NAME/DB` of each master 3scale will use, without repeats. */
const mastersEnv = (s: SentinelRedis) => [...new Set(sentinelMasters(s).map((m) => `${m.masterName}/${m.database}`))].join(' ');

/** The databases of the old server (3scale 2.15: backend storage 0, queues 1; system 1), by master. */
function copiesEnv(role: RedisRole, s: SentinelRedis): string {
  const sources = role === 'backend' ? [0, 1] : [1];
  return sentinelMasters(s)
    .map((m, i) => `${sources[i]}:${m.masterName}/${m.database}`)
    .join(' ');
}

const JOBS: { readonly [P in SentinelPhase]: (plan: Plan, role: RedisRole, s: SentinelRedis) => SentinelJob } = {
  prepare: (_plan, role, s) => ({
    role,
    name: `check-sentinel-${role}-redis`,
    script: 'redis-sentinel-check.sh',
    env: [{ name: 'MASTERS', value: mastersEnv(s) }, { name: 'REQUIRE_KEYS', value: 'false' }, ...sentinelEnv(s)],
    words: `Job check-sentinel-${role}-redis: pre-connection check of the ${role} Redis behind the sentinels ${s.hosts.join(', ')}: they must agree on the master of ${mastersEnv(s)}, reach their quorum, and the master must answer as master with the password (no data expected yet)`,
  }),
  'copy-data': (plan, role, s) => ({
    role,
    name: `copy-${role}-redis-to-sentinel`,
    script: 'redis-sentinel-copy.sh',
    env: [
      { name: 'SOURCE_REDIS_HOST', value: serviceHost(redisNames(role).oldService, plan.spec.threescale.namespace) },
      { name: 'COPIES', value: copiesEnv(role, s) },
      ...sentinelEnv(s),
    ],
    words: `Job copy-${role}-redis-to-sentinel asks the sentinels for the master again and has ${redisNames(role).oldDeployment} push its keys there with MIGRATE COPY REPLACE (${copiesEnv(role, s)}, old database:master/database); a target database holding other data is refused, and each must end with the old key count`,
  }),
  verify: (_plan, role, s) => ({
    role,
    name: `verify-sentinel-${role}-redis`,
    script: 'redis-sentinel-check.sh',
    env: [{ name: 'MASTERS', value: mastersEnv(s) }, { name: 'REQUIRE_KEYS', value: 'true' }, ...sentinelEnv(s)],
    words: `Job verify-sentinel-${role}-redis: through the sentinels, as 3scale connects, the master of ${mastersEnv(s)} answers and holds the copied data`,
  }),
};

/** The Sentinel Job of one role in one phase. */
export function sentinelJob(plan: Plan, role: RedisRole, s: SentinelRedis, phase: SentinelPhase): SentinelJob {
  return JOBS[phase](plan, role, s);
}

/** The Sentinel Jobs of one phase, backend Redis first. */
export function sentinelJobs(plan: Plan, phase: SentinelPhase): SentinelJob[] {
  return REDIS_ROLES.flatMap((role) => {
    const redis = redisComponent(plan, role);
    return redis.strategy === 'sentinel' ? [sentinelJob(plan, role, redis.sentinel, phase)] : [];
  });
}
