import { INTERNAL_DATABASE_DEPLOYMENTS } from './deployments.js';
import { CHANNEL_2_16, type ManagedSqlServer, type OperatorSubscriptionSpec, type Plan, type PostgresqlDatabase, type ManagedRedis, type RedisComponent, type SentinelRedis, type WorkloadKind } from './plan-schema.js';

/**
 * Facts derived from a plan that several phases need. Derived here once so the charts, the plan view and
 * diff agree on them.
 */

/** How the API addresses one workload kind: in manifests, in RBAC rules and on the kubectl command line. */
export interface WorkloadType {
  readonly kind: WorkloadKind;
  readonly apiVersion: string;
  /** API group, for Role rules. */
  readonly apiGroup: string;
  /** REST plural, for Role rules. */
  readonly plural: string;
  /** kubectl resource name (`deployment/<name>`, `deploymentconfig/<name>`). */
  readonly resource: string;
  /** Pod label the operator selects the pods of `<name>` by (the DC-era key is camel-cased). */
  readonly podLabel: string;
}

const WORKLOAD_TYPES: Record<WorkloadKind, WorkloadType> = {
  Deployment: { kind: 'Deployment', apiVersion: 'apps/v1', apiGroup: 'apps', plural: 'deployments', resource: 'deployment', podLabel: 'deployment' },
  DeploymentConfig: {
    kind: 'DeploymentConfig',
    apiVersion: 'apps.openshift.io/v1',
    apiGroup: 'apps.openshift.io',
    plural: 'deploymentconfigs',
    resource: 'deploymentconfig',
    podLabel: 'deploymentConfig',
  },
};

/**
 * The kind the 3scale components and their internal databases run as in this install (DeploymentConfigs
 * before 2.15). The operator Deployment and the new database servers are Deployments whatever it says.
 */
export function threescaleWorkload(plan: Plan): WorkloadType {
  return WORKLOAD_TYPES[plan.spec.threescale.workloadKind ?? 'Deployment'];
}

/** The two Redis roles of 3scale. */
export type RedisRole = 'backend' | 'system';
export const REDIS_ROLES: readonly RedisRole[] = ['backend', 'system'];

/** The PostgreSQL component when the plan moves it to a new on-cluster server, else undefined. */
export function postgresqlMove(plan: Plan): PostgresqlDatabase | undefined {
  const db = plan.spec.systemDatabase;
  return db.kind === 'postgresql' && db.strategy === 'upgrade-on-cluster' ? db : undefined;
}

/** Whether the plan keeps `system-mysql` where it is and detaches it from the operator. */
export function mysqlKeptInPlace(plan: Plan): boolean {
  const db = plan.spec.systemDatabase;
  return db.kind === 'mysql' && db.strategy === 'keep-in-place';
}

/** The Redis component of a role. */
export function redisComponent(plan: Plan, role: RedisRole): RedisComponent {
  return role === 'backend' ? plan.spec.backendRedis : plan.spec.systemRedis;
}

/** Roles whose Redis moves to a new on-cluster server. */
export function redisMoves(plan: Plan): RedisRole[] {
  return REDIS_ROLES.filter((role) => redisComponent(plan, role).strategy === 'upgrade-on-cluster');
}

/** The System database when the plan moves it to an existing managed server (seed chapters 4 and 5). */
export interface ManagedSystemDatabase {
  readonly kind: 'postgresql' | 'mysql';
  readonly server: ManagedSqlServer;
}

/** The managed System database target of the plan, else undefined. */
export function managedSystemDatabase(plan: Plan): ManagedSystemDatabase | undefined {
  const db = plan.spec.systemDatabase;
  if ((db.kind === 'postgresql' || db.kind === 'mysql') && db.strategy === 'managed' && db.managed) return { kind: db.kind, server: db.managed };
  return undefined;
}

/** The existing server of a role whose strategy is `managed`, else undefined. */
export function managedRedis(plan: Plan, role: RedisRole): ManagedRedis | undefined {
  const redis = redisComponent(plan, role);
  return redis.strategy === 'managed' ? redis.managed : undefined;
}

/** The sentinels and masters of a role whose strategy is `sentinel`, else undefined. */
export function sentinelRedis(plan: Plan, role: RedisRole): SentinelRedis | undefined {
  const redis = redisComponent(plan, role);
  return redis.strategy === 'sentinel' ? redis.sentinel : undefined;
}

/** Roles whose Redis moves to an existing server the plan does not create (strategy managed or sentinel): their old server stops at the cut-over. */
export function existingServerRedisRoles(plan: Plan): RedisRole[] {
  return REDIS_ROLES.filter((role) => managedRedis(plan, role) !== undefined || sentinelRedis(plan, role) !== undefined);
}

/** The Secret a managed target's credentials come from, every default resolved. */
export interface ManagedCredentials {
  /** Name of the Secret, the same in the 3scale namespace once copied there. */
  readonly secretName: string;
  /** Where the user keeps it. */
  readonly namespace: string;
  /** Key of the user name (SQL only). */
  readonly userKey?: string;
  /** Key of the password. */
  readonly passwordKey: string;
}

/** One existing server the plan moves a component to. */
export interface ManagedTarget {
  /** The 3scale connection Secret it replaces: system-database, backend-redis or system-redis. */
  readonly name: 'system-database' | 'backend-redis' | 'system-redis';
  /** The plan field that names it. */
  readonly field: 'spec.systemDatabase' | 'spec.backendRedis' | 'spec.systemRedis';
  readonly kind: 'postgresql' | 'mysql' | 'redis';
  readonly host: string;
  readonly port: number;
  /** SQL: the database name; Redis: the logical databases 3scale uses, by connection Secret key. */
  readonly databaseName?: string;
  /** Redis only: what the data route is. */
  readonly seed?: 'rdb-export' | 'none';
  /** Absent: a Redis without AUTH. */
  readonly credentials?: ManagedCredentials;
}

/** Every managed target of the plan: the System database, then the backend Redis, then the system Redis. */
export function managedTargets(plan: Plan): ManagedTarget[] {
  const out: ManagedTarget[] = [];
  const ns = plan.spec.threescale.namespace;
  const db = managedSystemDatabase(plan);
  if (db) {
    const c = db.server.credentials;
    out.push({
      name: 'system-database',
      field: 'spec.systemDatabase',
      kind: db.kind,
      host: db.server.host,
      port: db.server.port,
      databaseName: db.server.databaseName,
      credentials: { secretName: c.secretName, namespace: c.namespace ?? ns, userKey: c.userKey, passwordKey: c.passwordKey },
    });
  }
  for (const role of REDIS_ROLES) {
    const m = managedRedis(plan, role);
    if (!m) continue;
    const c = m.credentials;
    out.push({
      name: role === 'backend' ? 'backend-redis' : 'system-redis',
      field: role === 'backend' ? 'spec.backendRedis' : 'spec.systemRedis',
      kind: 'redis',
      host: m.host,
      port: m.port,
      seed: m.seed,
      credentials: c ? { secretName: c.secretName, namespace: c.namespace ?? ns, passwordKey: c.passwordKey } : undefined,
    });
  }
  return out;
}

/**
 * The credential Secrets kept outside the 3scale namespace, one entry per Secret with the union of the keys
 * its targets read: prepare copies each into the 3scale namespace, where the Jobs and the cut-over read it.
 * Named after the first target that uses it.
 */
export function credentialCopies(plan: Plan): { readonly target: ManagedTarget['name']; readonly secretName: string; readonly namespace: string; readonly keys: string[] }[] {
  const ns = plan.spec.threescale.namespace;
  const bySecret = new Map<string, { target: ManagedTarget['name']; secretName: string; namespace: string; keys: string[] }>();
  for (const { target, credentials: c, keys } of credentialSources(plan)) {
    if (c.namespace === ns) continue;
    const id = `${c.namespace}/${c.secretName}`;
    const entry = bySecret.get(id) ?? { target, secretName: c.secretName, namespace: c.namespace, keys: [] };
    for (const k of keys) if (!entry.keys.includes(k)) entry.keys.push(k);
    bySecret.set(id, entry);
  }
  return [...bySecret.values()];
}

/** Every credentials Secret the plan reads, with the keys read from it: the managed targets', then the sentinel Redis'. */
export function credentialSources(plan: Plan): { readonly target: ManagedTarget['name']; readonly credentials: ManagedCredentials; readonly keys: string[] }[] {
  const ns = plan.spec.threescale.namespace;
  const out = managedTargets(plan).flatMap((t) => (t.credentials ? [{ target: t.name, credentials: t.credentials, keys: [t.credentials.userKey, t.credentials.passwordKey].filter((k) => k !== undefined) }] : []));
  for (const role of REDIS_ROLES) {
    const c = sentinelRedis(plan, role)?.credentials;
    if (!c) continue;
    const credentials = { secretName: c.secretName, namespace: c.namespace ?? ns, passwordKey: c.passwordKey };
    out.push({ target: role === 'backend' ? 'backend-redis' : 'system-redis', credentials, keys: [c.passwordKey, ...(c.sentinelPasswordKey ? [c.sentinelPasswordKey] : [])] });
  }
  return out;
}

/** Names of what the RDB export of a managed Redis uses (copy-data writes it, the user seeds the managed Redis from it). */
export function rdbExportNames(role: RedisRole) {
  return {
    job: `export-${role}-redis-rdb`,
    pvc: `${role}-redis-rdb-export`,
    file: `${role}-redis.rdb`,
    mountPath: '/export',
  } as const;
}

/** Roles whose managed Redis is seeded from an RDB export of the old server. */
export function rdbExports(plan: Plan): RedisRole[] {
  return REDIS_ROLES.filter((role) => managedRedis(plan, role)?.seed === 'rdb-export');
}

/** What a component's strategy leaves it as once the migration is done. */
export type ComponentOutcome = 'moved-out' | 'detached' | 'already-external' | 'left-with-operator';

/**
 * Where each strategy leaves its component. Every strategy must be classified here (the types enforce
 * it), so a strategy added later that keeps a component with the operator is seen by the upgrade check.
 */
const STRATEGY_OUTCOME: {
  readonly postgresql: Record<PostgresqlDatabase['strategy'], ComponentOutcome>;
  readonly mysql: Record<Extract<Plan['spec']['systemDatabase'], { kind: 'mysql' }>['strategy'], ComponentOutcome>;
  readonly redis: Record<RedisComponent['strategy'], ComponentOutcome>;
} = {
  postgresql: { 'upgrade-on-cluster': 'moved-out', managed: 'moved-out', 'already-external': 'already-external' },
  mysql: { 'keep-in-place': 'detached', managed: 'moved-out', 'already-external': 'already-external' },
  redis: { 'upgrade-on-cluster': 'moved-out', managed: 'moved-out', sentinel: 'moved-out', 'already-external': 'already-external' },
};

/** The outcome of one strategy; a strategy this table does not know counts as staying with the operator. */
function outcomeOf(table: Readonly<Record<string, ComponentOutcome>>, strategy: string): ComponentOutcome {
  return Object.hasOwn(table, strategy) ? table[strategy]! : 'left-with-operator';
}

/**
 * The plan fields of the components that stay internal (managed by the 3scale operator) after this plan:
 * the 2.16 operator refuses to upgrade while any of the System database, system Redis or backend Redis is
 * internal (its preflights check `spec.externalComponents`). Empty with every strategy of today.
 */
export function componentsLeftWithOperator(plan: Plan): string[] {
  const out: string[] = [];
  const db = plan.spec.systemDatabase as { kind: string; strategy?: string };
  const dbTable = db.kind === 'postgresql' ? STRATEGY_OUTCOME.postgresql : db.kind === 'mysql' ? STRATEGY_OUTCOME.mysql : {};
  if (outcomeOf(dbTable, db.strategy ?? '') === 'left-with-operator') out.push('spec.systemDatabase');
  for (const role of REDIS_ROLES) {
    if (outcomeOf(STRATEGY_OUTCOME.redis, redisComponent(plan, role).strategy) === 'left-with-operator') out.push(role === 'backend' ? 'spec.backendRedis' : 'spec.systemRedis');
  }
  return out;
}

/** Whether the plan moves the operator Subscription(s) to the 2.16 channel. */
export function upgradeEnabled(plan: Plan): boolean {
  return plan.spec.upgrade?.enabled === true;
}

/** One operator Subscription of the upgrade, every default resolved. */
export interface OperatorSubscription {
  /** `3scale` for the 3scale operator, `apicast` for the APIcast operator. */
  readonly operator: '3scale' | 'apicast';
  readonly name: string;
  readonly namespace: string;
  readonly package: string;
  readonly source: string;
  readonly sourceNamespace: string;
  /** As found live; undefined only in a plan that does not enable the upgrade. */
  readonly installPlanApproval: 'Automatic' | 'Manual' | undefined;
}

/** The Subscriptions the upgrade moves (the 3scale operator's, then the APIcast operator's when present); empty without `spec.upgrade`. */
export function upgradeSubscriptions(plan: Plan): OperatorSubscription[] {
  const u = plan.spec.upgrade;
  if (!u) return [];
  const resolve = (operator: '3scale' | 'apicast', s: OperatorSubscriptionSpec): OperatorSubscription => ({
    operator,
    name: s.name,
    namespace: s.namespace ?? plan.spec.operator.namespace,
    package: s.package,
    source: s.source,
    sourceNamespace: s.sourceNamespace,
    installPlanApproval: s.installPlanApproval,
  });
  return [resolve('3scale', u.subscription), ...(u.apicast ? [resolve('apicast', u.apicast)] : [])];
}

/** The channel the upgrade moves to. */
export function upgradeChannel(plan: Plan): string {
  return plan.spec.upgrade?.channel ?? CHANNEL_2_16;
}

/** Namespace of the new PostgreSQL server. */
export function postgresqlNamespace(plan: Plan, db: PostgresqlDatabase): string {
  return db.namespace ?? plan.spec.targets.namespace;
}

/** Namespace of a new Redis server. */
export function redisNamespace(plan: Plan, role: RedisRole): string {
  return redisComponent(plan, role).namespace ?? plan.spec.targets.namespace;
}

/** Every namespace the new databases live in, sorted, without duplicates. */
export function targetNamespaces(plan: Plan): string[] {
  const out = new Set<string>();
  const pg = postgresqlMove(plan);
  if (pg) out.add(postgresqlNamespace(plan, pg));
  for (const role of redisMoves(plan)) out.add(redisNamespace(plan, role));
  return [...out].sort();
}

/** Names of the objects of one new Redis server (seed 3.4.5). */
export function redisNames(role: RedisRole) {
  return {
    deployment: `${role}-redis-external`,
    serviceAccount: `${role}-redis-external`,
    pvc: `${role}-redis-storage-external`,
    service: `${role}-redis-service`,
    volume: `${role}-redis-storage-external`,
    app: `${role}-redis-external`,
    oldDeployment: role === 'backend' ? INTERNAL_DATABASE_DEPLOYMENTS.backendRedis : INTERNAL_DATABASE_DEPLOYMENTS.systemRedis,
    oldService: role === 'backend' ? 'backend-redis' : 'system-redis',
    secret: role === 'backend' ? 'backend-redis' : 'system-redis',
  } as const;
}

/** Names of the objects of the new PostgreSQL server (seed 3.2.5). */
export const POSTGRESQL_NAMES = {
  deployment: 'system-postgresql-external',
  serviceAccount: 'postgresql-db-external',
  pvc: 'postgresql-data-external',
  service: 'system-postgresql-service',
  volume: 'postgresql-data-external',
  app: 'system-postgresql-external',
  oldDeployment: INTERNAL_DATABASE_DEPLOYMENTS.postgresql,
  oldService: 'system-postgresql',
  credentialsSecret: 'system-database',
} as const;

/** Name of the shared Redis configuration ConfigMap in a target namespace (seed 3.4.5). */
export const REDIS_CONFIG_NAME = 'redis-config-external';

/** In-cluster DNS name of a Service. */
export function serviceHost(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.cluster.local`;
}
