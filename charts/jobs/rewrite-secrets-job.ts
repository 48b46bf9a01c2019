import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { backupSecretName, CONNECTION_SECRETS, contractEnv } from '../../src/contract/on-cluster.js';
import { credentialSources, type ManagedTarget, managedTargets, POSTGRESQL_NAMES, postgresqlMove, postgresqlNamespace, REDIS_ROLES, redisMoves, serviceHost } from '../../src/plan/plan-facts.js';
import { secretRef } from '../../src/procedures/externalize-on-cluster/redis-movers/managed-mover.js';
import type { SecretRewrite } from '../../src/procedures/externalize-on-cluster/redis-movers/mover.js';
import { redisSecretRewrites } from '../../src/procedures/externalize-on-cluster/redis-movers/registry.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import type { PhaseChart } from '../phase-chart.js';
import { kubeJob, readSecrets } from './kube-job.js';
import { grant } from '../constructs/grant.js';

const { systemDatabase: DB } = CONNECTION_SECRETS;

export type { SecretRewrite };

/**
 * The new connection URLs (seed 3.2.7 and 3.4.8), with credentials left as `{DB_USER}` / `{DB_PASSWORD}`
 * placeholders the Job fills in from the existing Secret, inside the cluster; each Redis role's keys come from
 * the mover of its strategy.
 */
export function secretRewrites(plan: Plan): SecretRewrite[] {
  const out: SecretRewrite[] = [];
  const pg = postgresqlMove(plan);
  if (pg) {
    const host = serviceHost(POSTGRESQL_NAMES.service, postgresqlNamespace(plan, pg));
    out.push({ secret: DB.name, key: DB.url, template: `postgresql://{DB_USER}:{DB_PASSWORD}@${host}/${pg.databaseName}` });
  }
  for (const role of redisMoves(plan)) out.push(...redisSecretRewrites(plan, role));
  const db = managedTargets(plan).find((t) => t.name === DB.name);
  if (db) out.push(...managedDatabaseRewrites(db));
  for (const role of REDIS_ROLES) if (!redisMoves(plan).includes(role)) out.push(...redisSecretRewrites(plan, role));
  return out;
}

/**
 * The keys of the System database connection Secret for a managed server (seed 4.2.5, 5.2.5), built in the
 * cluster from its credentials Secret. `URL` is the key 3scale reads; the vendor's chapters 4 and 5 put the URL
 * into DB_USER by mistake. DB_USER and DB_PASSWORD get the managed server's user and password as the vendor
 * intends.
 */
function managedDatabaseRewrites(t: ManagedTarget): SecretRewrite[] {
  const c = t.credentials!;
  const scheme = t.kind === 'postgresql' ? 'postgresql' : 'mysql2';
  return [
    { secret: t.name, key: DB.url, template: `${scheme}://${secretRef(c.secretName, c.userKey!)}:${secretRef(c.secretName, c.passwordKey)}@${t.host}:${t.port}/${t.databaseName}` },
    { secret: t.name, key: DB.user, template: secretRef(c.secretName, c.userKey!) },
    { secret: t.name, key: DB.password, template: secretRef(c.secretName, c.passwordKey) },
  ];
}

/** The credentials Secrets the cut-over reads (in the 3scale namespace), sorted. */
export function credentialSecrets(plan: Plan): string[] {
  return [...new Set(credentialSources(plan).map((s) => s.credentials.secretName))].sort();
}

/** Names of the Secrets a plan rewrites, sorted. */
export function rewrittenSecrets(plan: Plan): string[] {
  return [...new Set(secretRewrites(plan).map((r) => r.secret))].sort();
}

/** Access to read, back up and patch the connection Secrets. */
function secretAccess(namespace: string, secrets: string[]) {
  return {
    namespace,
    rules: [
      grant({ types: 'secret' }, ['create']),
      grant({ types: 'secret', names: [...secrets, ...secrets.map(backupSecretName)] }, ['get', 'patch']),
    ],
  };
}

/** Cut-over Job: backs the connection Secrets up in the cluster, then points them at the new servers. */
export function rewriteSecretsJob(chart: PhaseChart<MigrationPlan>, wave: number): void {
  const rewrites = secretRewrites(chart.plan);
  if (!rewrites.length) return;
  const namespace = chart.plan.spec.threescale.namespace;
  kubeJob(chart, 'RewriteSecrets', {
    name: 'rewrite-connection-secrets',
    namespace,
    script: 'rewrite-secrets.sh',
    wave,
    env: [{ name: 'REWRITES', value: rewrites.map((r) => `${r.secret} ${r.key} ${r.template}`.trimEnd()).join('\n') }, ...contractEnv('MANAGED_BY_LABEL', 'BACKUP_OF_LABEL', 'BACKUP_SUFFIX')],
    // 3scale reads its connections from these Secrets: one recreated since (by hand, by a restore) no longer
    // holds the rewrite (diff: job-stale).
    fills: rewrittenSecrets(chart.plan).map((name) => ({ kind: 'Secret' as const, namespace, name })),
    access: [
      secretAccess(namespace, rewrittenSecrets(chart.plan)),
      ...(credentialSecrets(chart.plan).length ? [readSecrets(namespace, credentialSecrets(chart.plan))] : []),
    ],
  });
}

/** Rollback Job: puts the connection Secrets back from their in-cluster backups. */
export function restoreSecretsJob(chart: PhaseChart<MigrationPlan>, wave: number): void {
  const secrets = rewrittenSecrets(chart.plan);
  if (!secrets.length) return;
  const namespace = chart.plan.spec.threescale.namespace;
  kubeJob(chart, 'RestoreSecrets', {
    name: 'restore-connection-secrets',
    namespace,
    script: 'restore-secrets.sh',
    wave,
    env: [{ name: 'SECRETS', value: secrets.join(' ') }, ...contractEnv('BACKUP_SUFFIX')],
    access: [secretAccess(namespace, secrets)],
  });
}
