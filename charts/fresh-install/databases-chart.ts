import { MANAGED_BY_LABEL_TEXT } from '../../src/contract/on-cluster.js';
import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { databasesNamespace, defaultStorageClass, onClusterPostgresql, onClusterRedis, onClusterRedisRoles } from '../../src/procedures/fresh-install/fresh-install-facts.js';
import type { FreshInstallPlan } from '../../src/procedures/fresh-install/fresh-install-plan-schema.js';
import { POSTGRESQL_NAMES, redisNames, serviceHost } from '../../src/plan/plan-facts.js';
import { ExternalPostgresql } from '../constructs/external-postgresql.js';
import { ExternalRedis } from '../constructs/external-redis.js';
import { RedisConfig } from '../constructs/redis-config.js';
import { kubeJob } from '../jobs/kube-job.js';
import { PhaseChart } from '../phase-chart.js';
import { grant } from '../constructs/grant.js';

/** The user name of the System database on the on-cluster PostgreSQL (the operator's default for PostgreSQL). */
export const SYSTEM_DATABASE_USER = 'system';

/**
 * The keys the connection-Secrets Job writes, one `<namespace> <secret> <key> <value template>` per line:
 * the Secrets 3scale reads in its namespace, and the copy of the PostgreSQL credentials the server reads
 * in its own namespace when that differs. `{PASSWORD}` is generated in the cluster.
 */
export function connectionSecretKeys(plan: FreshInstallPlan): string[] {
  const ns = plan.spec.threescale.namespace;
  const dbNs = databasesNamespace(plan);
  const out: string[] = [];
  const pg = onClusterPostgresql(plan);
  if (pg) {
    const host = serviceHost(POSTGRESQL_NAMES.service, dbNs);
    const secret = POSTGRESQL_NAMES.credentialsSecret;
    out.push(`${ns} ${secret} DB_USER ${SYSTEM_DATABASE_USER}`, `${ns} ${secret} DB_PASSWORD {PASSWORD}`, `${ns} ${secret} URL postgresql://${SYSTEM_DATABASE_USER}:{PASSWORD}@${host}/${pg.databaseName}`);
    if (dbNs !== ns) out.push(`${dbNs} ${secret} DB_USER ${SYSTEM_DATABASE_USER}`, `${dbNs} ${secret} DB_PASSWORD {PASSWORD}`);
  }
  for (const role of onClusterRedisRoles(plan)) {
    const n = redisNames(role);
    const url = `redis://${serviceHost(n.service, dbNs)}:6379`;
    if (role === 'backend') out.push(`${ns} ${n.secret} REDIS_STORAGE_URL ${url}/0`, `${ns} ${n.secret} REDIS_QUEUES_URL ${url}/1`);
    else out.push(`${ns} ${n.secret} URL ${url}/1`);
  }
  return out;
}

/**
 * The databases of a fresh install: the on-cluster servers the migration builds (same constructs, started
 * at once in persistence mode since there is no data to load), and a Job that creates their connection
 * Secrets in the cluster. Servers managed elsewhere render nothing: their Secrets are yours.
 */
export function render(scope: Construct, id: string, context: RenderContext<FreshInstallPlan>): PhaseChart<FreshInstallPlan> {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  const migration = plan.metadata.name;
  const namespace = databasesNamespace(plan);
  // The plan's default class is written out: the cluster's own default may be another one.
  const withClass = <T extends { storage: { storageClassName?: string } }>(c: T): T => ({ ...c, storage: { ...c.storage, storageClassName: c.storage.storageClassName ?? defaultStorageClass(plan)?.name } });
  const pg = onClusterPostgresql(plan);
  if (pg) new ExternalPostgresql(chart, 'Postgresql', { database: withClass(pg), namespace, migration });
  const roles = onClusterRedisRoles(plan);
  for (const role of roles) {
    new ExternalRedis(chart, `Redis-${role}`, { role, redis: withClass(onClusterRedis(plan, role)!), namespace, migration, replicas: 1 });
  }
  if (roles.length) new RedisConfig(chart, 'RedisConfig', { namespace, migration });

  const keys = connectionSecretKeys(plan);
  const byNamespace = new Map<string, Set<string>>();
  for (const line of keys) {
    const [ns, secret] = line.split(' ') as [string, string];
    byNamespace.set(ns, (byNamespace.get(ns) ?? new Set()).add(secret));
  }
  kubeJob(chart, 'ConnectionSecrets', {
    name: 'create-connection-secrets',
    namespace: plan.spec.threescale.namespace,
    script: 'create-connection-secrets.sh',
    wave: 0,
    env: [
      { name: 'SECRETS', value: keys.join('\n') },
      { name: 'LABELS', value: `app=${plan.spec.threescale.appLabel},${MANAGED_BY_LABEL_TEXT}` },
    ],
    access: [...byNamespace.entries()].map(([ns, secrets]) => ({
      namespace: ns,
      rules: [
        grant({ types: 'secret' }, ['create']),
        grant({ types: 'secret', names: [...secrets] }, ['get', 'patch']),
      ],
    })),
  });
  return chart;
}
