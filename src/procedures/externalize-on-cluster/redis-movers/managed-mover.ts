import { CONNECTION_SECRETS, EVIDENCE_CONFIGMAP } from '../../../contract/on-cluster.js';
import { rdbExportNames, type RedisRole, redisComponent, redisNames } from '../../../plan/plan-facts.js';
import type { ManagedRedis, Plan } from '../../../plan/plan-schema.js';
import { versionRequirements } from '../version-requirements.js';
import { oldRedis } from '../retired-servers.js';
import { secretRef, type SecretRewrite } from '../switch-over.js';
import { NO_WORK, type RedisMover, type RedisPhase, type RedisWork, type RoleOf } from './mover.js';

const { backendRedis: BACKEND, systemRedis: SYSTEM } = CONNECTION_SECRETS;

/**
 * The step outside the cluster between copy-data and load-redis for a managed Redis seeded from the RDB
 * export (seed 6.2.3: ElastiCache is seeded from an RDB file in S3, which no Job in the cluster can do
 * without AWS credentials): exact commands, with what the plan knows filled in.
 */
function rdbSeedSteps(plan: Plan, role: RedisRole, m: ManagedRedis): string[] {
  const ns = plan.spec.threescale.namespace;
  const n = rdbExportNames(role);
  const image = redisComponent(plan, role).image;
  const pod = `${role}-redis-rdb-reader`;
  const overrides = JSON.stringify({
    spec: {
      volumes: [{ name: 'export', persistentVolumeClaim: { claimName: n.pvc } }],
      containers: [{ name: 'reader', image, command: ['sleep', '3600'], volumeMounts: [{ name: 'export', mountPath: n.mountPath }] }],
    },
  });
  return [
    `NEXT STEP for ${role}-redis, outside the cluster, before load-redis: seed the managed Redis ${m.host}:${m.port} from ${n.mountPath}/${n.file} on PVC ${ns}/${n.pvc}:`,
    `1. \`oc -n ${ns} run ${pod} --restart=Never --image=${image} --overrides='${overrides}'\``,
    `2. \`oc -n ${ns} cp ${pod}:${n.mountPath}/${n.file} ./${n.file}\`, check \`sha256sum ${n.file}\` against the sha256 in \`oc -n ${ns} get configmap ${EVIDENCE_CONFIGMAP} -o jsonpath='{.data.${n.job}\\.result}'\`, then \`oc -n ${ns} delete pod ${pod}\``,
    `3. \`aws s3 cp ./${n.file} s3://<bucket>/<folder>/${n.file}\` and grant ElastiCache read access to the object (AWS: "Seeding a new node-based cluster with an externally created backup", steps 2 and 3)`,
    `4. create the ElastiCache cluster from it, \`--snapshot-arns arn:aws:s3:::<bucket>/<folder>/${n.file}\`, ${redisEngineAdvice(plan)}, cluster mode disabled (3scale uses several databases), no in-transit encryption and no AUTH token (3scale 2.15 speaks neither TLS nor AUTH to ElastiCache, which allows AUTH only with TLS), reachable from the cluster at ${m.host}:${m.port}`,
    `5. promote load-redis: Job check-seeded-redis checks that the liveness-probe key of the old server arrived`,
  ];
}

/**
 * The engine version of a managed Redis: the vendor has the Redis 7 upgrade done before the move to AWS
 * (seed 6.1) and the versions matching; a 2.15 install runs Redis 6, whose RDB loads into a newer server,
 * and a 6.x target would fail the 2.16 minimum after a migration that looks successful.
 */
function redisEngineAdvice(plan: Plan): string {
  const r = versionRequirements(plan.spec.preflight.versionRequirements);
  return `with an engine version of at least Redis ${r.minimum.redis} (the 2.16 minimum, ${r.policy} requirements; never the 2.15 server's Redis 6.x, which the 2.16 upgrade refuses; an RDB loads into the same or a newer Redis, never an older one; seed 6.1 has the Redis 7 upgrade done first)`;
}

/** The roles whose managed Redis is seeded from an RDB export of the old server (seed 6.2). */
const seeded = (roles: readonly RoleOf<'managed'>[]) => roles.filter((r) => r.redis.managed.seed === 'rdb-export');

/** What the managed strategy does in each phase for its roles. */
const WORK: { readonly [P in RedisPhase]: (plan: Plan, roles: readonly RoleOf<'managed'>[]) => RedisWork } = {
  prepare: (plan, roles) => ({
    words: {
      'existing-servers': seeded(roles).map(({ role }) => `PVC ${plan.spec.threescale.namespace}/${rdbExportNames(role).pvc} for the RDB export of ${redisNames(role).oldDeployment}`),
      checks: [`Job check-managed-redis: pre-connection check of ${roles.map(({ role }) => `the managed ${role} Redis`).join(' and ')} (ok, refused, timeout, unresolved, auth-failed; no data expected yet)`],
    },
    constructs: [
      ...seeded(roles).map(({ role }) => ({ kind: 'rdb-export-volume', role }) as const),
      { kind: 'job', job: { build: 'check-targets', name: 'check-managed-redis', prefix: 'check-managed', roles: roles.map((r) => r.role), requireLivenessKey: false, wave: 1 } },
    ],
    creates: seeded(roles).map(({ role }) => `${plan.spec.threescale.namespace} persistentvolumeclaim/${rdbExportNames(role).pvc}` as const),
  }),
  'copy-data': (plan, roles) => ({
    words: {
      'existing-servers': seeded(roles).flatMap(({ role, redis }) => {
        const n = rdbExportNames(role);
        return [`Job ${n.job} exports the RDB of ${redisNames(role).oldDeployment} to ${n.mountPath}/${n.file} on PVC ${n.pvc}`, ...rdbSeedSteps(plan, role, redis.managed)];
      }),
    },
    constructs: seeded(roles).map(({ role }) => ({ kind: 'job', job: { build: 'export-rdb', name: rdbExportNames(role).job, role } }) as const),
  }),
  'load-redis': (_plan, roles) => {
    const names = seeded(roles).map((r) => r.role);
    if (!names.length) return NO_WORK;
    return {
      words: {
        'existing-servers': [
          `Job check-seeded-redis: the managed ${names.map((r) => `${r}-redis`).join(' and ')} must answer and hold the liveness-probe key of the old server (empty means the seed from the RDB export did not happen or the dump was empty or corrupt)`,
        ],
      },
      constructs: [{ kind: 'job', job: { build: 'check-targets', name: 'check-seeded-redis', prefix: 'check-seeded', roles: names, requireLivenessKey: true, wave: 0 } }],
    };
  },
  'load-redis-rollback': () => NO_WORK,
  cutover: () => NO_WORK,
  // Only a Redis seeded from the old data holds the key (`seed: none` starts empty).
  verify: (_plan, roles) => {
    const checks = seeded(roles).map(({ role, redis: { managed: m } }) => ({
      role,
      words: `the managed ${role}-redis`,
      endpoint: `${m.host}:${m.port}`,
      ...(m.credentials ? { password: { secret: m.credentials.secretName, key: m.credentials.passwordKey } } : {}),
    }));
    return checks.length ? { words: {}, constructs: [], livenessChecks: checks } : NO_WORK;
  },
};

/**
 * `managed`: an existing Redis (ElastiCache, seed chapter 6). The URL carries the password alone in its
 * userinfo (3scale 2.15 has no Redis ACL). The sentinel keys are emptied: 3scale would otherwise keep asking
 * the old sentinels.
 */
export const managedMover: RedisMover<'managed'> = {
  strategy: 'managed',
  work: (plan, roles, phase) => WORK[phase](plan, roles),
  // The old server stops: nothing may write to a copy no longer used (the seed leaves it running until it is deleted).
  // Discovery never proposes a managed server: which one the data moves to is the user's choice, nothing live names it.
  discover: () => undefined,
  switchOver: (plan, role, { managed: m }) => ({
    slot: 'existing-servers',
    rewrites: rewrites(m),
    rewriteWords: rewriteWords(m),
    external: `${role}.redis`,
    stops: [redisNames(role).oldDeployment],
    retires: oldRedis(plan, role, m.seed === 'rdb-export'),
  }),
};

/** The connection Secret keys of a managed Redis: its URLs, the sentinel keys emptied. */
function rewrites(m: ManagedRedis): SecretRewrite[] {
  const c = m.credentials;
  const base = `redis://${c ? `:${secretRef(c.secretName, c.passwordKey)}@` : ''}${m.host}:${m.port}`;
  if ('storageDatabase' in m) {
    return [
      { secret: BACKEND.name, key: BACKEND.storageUrl, template: `${base}/${m.storageDatabase}` },
      { secret: BACKEND.name, key: BACKEND.queuesUrl, template: `${base}/${m.queuesDatabase}` },
      ...BACKEND.sentinelKeys.map((key) => ({ secret: BACKEND.name, key, template: '' })),
    ];
  }
  return [{ secret: SYSTEM.name, key: SYSTEM.url, template: `${base}/${m.database}` }, ...SYSTEM.sentinelKeys.map((key) => ({ secret: SYSTEM.name, key, template: '' }))];
}

/** {@link rewrites} in words. */
function rewriteWords(m: ManagedRedis): string {
  const from = m.credentials ? ` with the credentials of Secret ${m.credentials.secretName}` : ' (no AUTH)';
  if ('storageDatabase' in m) return `backend-redis REDIS_STORAGE_URL (/${m.storageDatabase}) and REDIS_QUEUES_URL (/${m.queuesDatabase}) to ${m.host}:${m.port}${from}, its sentinel keys emptied`;
  return `system-redis URL (/${m.database}) to ${m.host}:${m.port}${from}, its sentinel keys emptied`;
}
