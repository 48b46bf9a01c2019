import { CONNECTION_SECRETS } from '../../../contract/on-cluster.js';
import { type RedisRole, redisNames } from '../../../plan/plan-facts.js';
import type { Plan, SentinelRedis } from '../../../plan/plan-schema.js';
import type { KubeObject } from '../../../kube/kube-object.js';
import { markedExternal, secretValue } from '../live-install.js';
import { oldRedis } from '../retired-servers.js';
import { secretRef, type SecretRewrite, type SwitchOver } from '../switch-over.js';
import { NO_WORK, type RedisMover, type RedisPhase, type RedisWork, type RoleOf } from './mover.js';
import { type SentinelPhase, sentinelJob } from './sentinel-jobs.js';
import { sentinelMasters } from './sentinel-masters.js';

const { backendRedis: BACKEND, systemRedis: SYSTEM } = CONNECTION_SECRETS;

/** The role 3scale asks the sentinels for: always the master (3scale writes). */
export const SENTINEL_ROLE = 'master';

/** `redis://[:password@]host:port,...`: the sentinel list 3scale reads, the sentinels' password (if any) filled in the cluster. */
function sentinelHostsValue(s: SentinelRedis): string {
  const c = s.credentials;
  const auth = c?.sentinelPasswordKey ? `:${secretRef(c.secretName, c.sentinelPasswordKey)}@` : '';
  return s.hosts.map((h) => `redis://${auth}${h}`).join(',');
}

/** The Sentinel Jobs of a phase, one per role, in the slot and wave of that phase. */
function sentinelWork(plan: Plan, roles: readonly RoleOf<'sentinel'>[], phase: SentinelPhase, slot: 'existing-servers' | 'checks', wave: number): RedisWork {
  const jobs = roles.map(({ role, redis }) => sentinelJob(plan, role, redis.sentinel, phase));
  return { words: { [slot]: jobs.map((j) => j.words) }, constructs: jobs.map((job) => ({ kind: 'job', job: { build: 'sentinel', name: job.name, job, wave } }) as const) };
}

/** What the sentinel strategy does in each phase: check the sentinels and the master, copy through them, verify through them. */
const WORK: { readonly [P in RedisPhase]: (plan: Plan, roles: readonly RoleOf<'sentinel'>[]) => RedisWork } = {
  prepare: (plan, roles) => sentinelWork(plan, roles, 'prepare', 'checks', 1),
  'copy-data': (plan, roles) => sentinelWork(plan, roles, 'copy-data', 'existing-servers', 0),
  'load-redis': () => NO_WORK,
  'load-redis-rollback': () => NO_WORK,
  cutover: () => NO_WORK,
  verify: (plan, roles) => sentinelWork(plan, roles, 'verify', 'checks', 0),
};

/**
 * `sentinel`: an existing Redis whose master the sentinels name. The URL 3scale reads has the master name as
 * its host (`redis://:password@NAME/DB`); the sentinel keys are filled, so 3scale asks the sentinels for the
 * master on every (re)connection and follows a failover.
 */
export const sentinelMover: RedisMover<'sentinel'> = {
  strategy: 'sentinel',
  work: (plan, roles, phase) => WORK[phase](plan, roles),
  switchOver: (plan, role, { sentinel: s }) => ({ ...switchOver(role, s), retires: oldRedis(plan, role) }),
  // A connection Secret naming sentinels is this mover's; 3scale already reaches that Redis, so nothing moves (already-external).
  discover: (live, role) =>
    markedExternal(live, role, 'redis') && connectionUsesSentinels(role, live.byName('Secret', `${role}-redis`))
      ? { component: { strategy: 'already-external' }, note: `${role} Redis: already external (behind Redis Sentinel: the sentinel hosts of its connection Secret are set)` }
      : undefined,
};

/** The cut-over of a role behind sentinels: its URLs name the masters, its sentinel keys are filled, its old server stops. */
function switchOver(role: RedisRole, s: SentinelRedis): SwitchOver {
  const secret = role === 'backend' ? BACKEND.name : SYSTEM.name;
  const c = s.credentials;
  const auth = c ? `:${secretRef(c.secretName, c.passwordKey)}@` : '';
  const rewrites = sentinelMasters(s).flatMap((m): SecretRewrite[] => [
    { secret, key: m.urlKey, template: `redis://${auth}${m.masterName}/${m.database}` },
    { secret, key: m.hostsKey, template: sentinelHostsValue(s) },
    { secret, key: m.roleKey, template: SENTINEL_ROLE },
  ]);
  const from = c ? ` with the credentials of Secret ${c.secretName}` : ' (no AUTH)';
  const keys = sentinelMasters(s).map((m) => `${m.urlKey} (master ${m.masterName}, /${m.database}), ${m.hostsKey} and ${m.roleKey} (${SENTINEL_ROLE})`);
  return { slot: 'existing-servers', rewrites, rewriteWords: `${role}-redis ${keys.join('; ')} to the sentinels ${s.hosts.join(', ')}${from}`, external: `${role}.redis`, stops: [redisNames(role).oldDeployment] };
}

/**
 * Whether the connection Secret of a role (its keys as exported: `data` base64 or `stringData`) sends 3scale
 * to sentinels: a sentinel hosts key is set. Discovery reads it to tell an external Redis behind sentinels.
 */
export function connectionUsesSentinels(role: RedisRole, secret: KubeObject | undefined): boolean {
  const hostKeys = role === 'backend' ? [BACKEND.sentinelKeys[0], BACKEND.sentinelKeys[2]] : [SYSTEM.sentinelKeys[0]];
  return hostKeys.some((k) => (secretValue(secret, k) ?? '').trim() !== '');
}
