import { CONNECTION_SECRETS } from '../../../contract/on-cluster.js';
import { REDIS_CONFIG_NAME, type RedisRole, redisNames, redisNamespace, serviceHost } from '../../../plan/plan-facts.js';
import type { Plan } from '../../../plan/plan-schema.js';
import { UserError } from '../../../errors.js';
import { type CreatedObject, serverObjects } from '../created-objects.js';
import { imageOf, markedExternal, pvcSize, storageOf, workload } from '../live-install.js';
import { oldRedis } from '../retired-servers.js';
import type { SecretRewrite } from '../switch-over.js';
import type { RedisMover, RedisPhase, RedisWork } from './mover.js';

const { backendRedis: BACKEND, systemRedis: SYSTEM } = CONNECTION_SECRETS;

/** `backend-redis-external and system-redis-external`: the new Deployments of the roles. */
const newList = (roles: readonly RedisRole[]) => roles.map((r) => redisNames(r).deployment).join(' and ');

/** What the on-cluster strategy does in each phase for its roles. */
const WORK: { readonly [P in RedisPhase]: (plan: Plan, roles: readonly RedisRole[]) => RedisWork } = {
  prepare: (plan, roles) => ({
    words: {
      'new-servers': [
        ...roles.map((role) => {
          const n = redisNames(role);
          return `Redis 7 for ${role} in ${redisNamespace(plan, role)}: Deployment ${n.deployment} (0 replicas until its data is copied), PVC ${n.pvc}, Service ${n.service}, ServiceAccount ${n.serviceAccount}`;
        }),
        `ConfigMap ${REDIS_CONFIG_NAME} in persistence mode (save 900 1, save 300 10, save 60 10000, appendonly yes)`,
      ],
    },
    constructs: [{ kind: 'new-servers', roles, replicas: 0 }],
    creates: [
      ...roles.flatMap((role) => serverObjects(redisNamespace(plan, role), redisNames(role))),
      ...[...new Set(roles.map((role) => redisNamespace(plan, role)))].sort().map((ns): CreatedObject => `${ns} configmap/${REDIS_CONFIG_NAME}`),
    ],
  }),
  'copy-data': (_plan, roles) => ({
    words: {
      'new-servers': roles.map(
        (role) =>
          `Job copy-${role}-redis fetches the RDB of ${redisNames(role).oldDeployment} into the volume of ${redisNames(role).deployment} as the base file of its AOF, and records its sha256 and size, the key counts of databases 0-15 and the old server's write state (the manifest the cut-over proves again)`,
      ),
    },
    constructs: roles.map((role) => ({ kind: 'job', job: { build: 'copy-redis', name: `copy-${role}-redis`, role } })),
  }),
  'load-redis': (_plan, roles) => ({
    words: {
      'new-servers': [
        `${newList(roles)} to 1 replica (persistence mode: loads the copied AOF base file and logs every later write to its AOF)`,
        `the old ${roles.map((r) => redisNames(r).oldDeployment).join(' and ')} to 0 replicas`,
        'Job check-load-<role>-redis waits for the load, then checks AOF on, the key counts of databases 0-15 and the size of the base file loaded against the evidence of copy-<role>-redis, and no write since the load',
      ],
    },
    constructs: [
      { kind: 'new-servers', roles, replicas: 1 },
      ...roles.flatMap((role) => [
        { kind: 'old-server', role, replicas: 0 } as const,
        { kind: 'job', job: { build: 'check-load', name: `check-load-${role}-redis`, role } } as const,
      ]),
    ],
  }),
  'load-redis-rollback': (_plan, roles) => ({
    words: {
      'new-servers': [
        `${newList(roles)} to 0 replicas`,
        `the old Redis Deployments back to 1 replica`,
        'a later copy-data whose source has changed since (3scale wrote to the old Redis again) copies anew only with spec.jobs.resetTarget: true, otherwise its Job refuses',
      ],
    },
    constructs: [{ kind: 'new-servers', roles, replicas: 0 }, ...roles.map((role) => ({ kind: 'old-server', role, replicas: 1 }) as const)],
  }),
  cutover: (_plan, roles) => ({
    words: {
      checks: roles.map(
        (role) =>
          `first, before anything changes: Job verify-copy-${role}-redis proves from INFO that ${redisNames(role).deployment} was not written to since check-load-${role}-redis proved it loaded the base file copy-${role}-redis placed (run_id, AOF sizes, write commands, key counts; the readiness probe's key and expiries aside), nor the old server after the copy, and fails naming the command, database or cause (read-only)`,
      ),
    },
    // Wave -1: before the Secrets are rewritten.
    constructs: roles.map((role) => ({ kind: 'job', job: { build: 'verify-copy', name: `verify-copy-${role}-redis`, role, wave: -1 } }) as const),
  }),
  // The readiness probe of 3scale writes its key into the Redis it now reads.
  verify: (plan, roles) => ({
    words: {},
    constructs: [],
    livenessChecks: roles.map((role) => ({ role, words: redisNames(role).deployment, endpoint: `${serviceHost(redisNames(role).service, redisNamespace(plan, role))}:6379` })),
  }),
};

/** `upgrade-on-cluster`: a new Redis 7 Deployment per role, the old RDB copied in the cluster (seed 3.4). */
export const onClusterMover: RedisMover<'upgrade-on-cluster'> = {
  strategy: 'upgrade-on-cluster',
  work: (plan, roles, phase) => WORK[phase](plan, roles.map((r) => r.role)),
  // The old server was stopped by load-redis already.
  switchOver: (plan, role) => ({ slot: 'new-servers', rewrites: rewrites(plan, role), rewriteWords: REWRITE_WORDS[role], external: `${role}.redis`, stops: [], retires: oldRedis(plan, role) }),
  // The operator's internal Redis of the role is this mover's; its new volume at least as large as the old one.
  discover: (live, role) => {
    if (markedExternal(live, role, 'redis')) return undefined;
    const n = redisNames(role);
    const d = workload(live, n.oldDeployment);
    if (!d) throw new UserError(`${live.sourceLabel}: ${live.workloadKind} ${live.namespace}/${n.oldDeployment} is missing and ${role} Redis is not external; expected the internal Redis of ${live.release}.`);
    const pvc = live.byName('PersistentVolumeClaim', `${n.oldDeployment}-storage`);
    return {
      component: { strategy: 'upgrade-on-cluster', storage: storageOf(pvc) },
      note: `${role} Redis: internal, image ${imageOf(d)}, PVC ${n.oldDeployment}-storage ${pvcSize(pvc) ?? 'unknown size'}`,
    };
  },
};

/** The connection URLs of a role on its new server (seed 3.4.8): backend storage /0 and queues /1, system /1. */
function rewrites(plan: Plan, role: RedisRole): SecretRewrite[] {
  const n = redisNames(role);
  const base = `redis://${serviceHost(n.service, redisNamespace(plan, role))}:6379`;
  if (role === 'backend') {
    return [
      { secret: n.secret, key: BACKEND.storageUrl, template: `${base}/0` },
      { secret: n.secret, key: BACKEND.queuesUrl, template: `${base}/1` },
    ];
  }
  return [{ secret: n.secret, key: SYSTEM.url, template: `${base}/1` }];
}

const REWRITE_WORDS: Readonly<Record<RedisRole, string>> = { backend: 'backend-redis REDIS_STORAGE_URL (/0) and REDIS_QUEUES_URL (/1)', system: 'system-redis URL (/1)' };
