import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { backupSecretName, CONNECTION_SECRETS, contractEnv } from '../../src/contract/on-cluster.js';
import { type ManagedTarget, managedTargets, POSTGRESQL_NAMES, postgresqlMove, postgresqlNamespace, redisMoves, redisNames, redisNamespace, serviceHost } from '../../src/plan/plan-facts.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import type { PhaseChart } from '../phase-chart.js';
import { kubeJob, readSecrets } from './kube-job.js';
import { grant } from '../constructs/grant.js';

const { systemDatabase: DB, backendRedis: BACKEND, systemRedis: SYSTEM_REDIS } = CONNECTION_SECRETS;

/** One rewrite of a connection Secret key: `{KEY}` in the template is a key of the same Secret. */
export interface SecretRewrite {
  readonly secret: string;
  readonly key: string;
  readonly template: string;
}

/**
 * The new connection URLs (seed 3.2.7 and 3.4.8), with credentials left as `{DB_USER}` / `{DB_PASSWORD}`
 * placeholders the Job fills in from the existing Secret, inside the cluster.
 */
export function secretRewrites(plan: Plan): SecretRewrite[] {
  const out: SecretRewrite[] = [];
  const pg = postgresqlMove(plan);
  if (pg) {
    const host = serviceHost(POSTGRESQL_NAMES.service, postgresqlNamespace(plan, pg));
    out.push({ secret: DB.name, key: DB.url, template: `postgresql://{DB_USER}:{DB_PASSWORD}@${host}/${pg.databaseName}` });
  }
  for (const role of redisMoves(plan)) {
    const n = redisNames(role);
    const base = `redis://${serviceHost(n.service, redisNamespace(plan, role))}:6379`;
    if (role === 'backend') {
      out.push({ secret: n.secret, key: BACKEND.storageUrl, template: `${base}/0` });
      out.push({ secret: n.secret, key: BACKEND.queuesUrl, template: `${base}/1` });
    } else {
      out.push({ secret: n.secret, key: SYSTEM_REDIS.url, template: `${base}/1` });
    }
  }
  for (const t of managedTargets(plan)) out.push(...managedRewrites(plan, t));
  return out;
}

/** `{secret/key}`: a placeholder for a key of the credentials Secret (in the 3scale namespace). */
const ref = (secret: string, key: string) => `{${secret}/${key}}`;

/**
 * The keys of one connection Secret for a managed target (seed 4.2.5, 5.2.5, 6.2.5), built in the cluster
 * from its credentials Secret. `URL` is the key 3scale reads; the vendor's chapters 4 and 5 put the URL into
 * DB_USER by mistake. DB_USER and DB_PASSWORD get the managed server's user and password as the vendor
 * intends. The Redis sentinel keys are emptied: 3scale would otherwise keep asking the old sentinels.
 */
function managedRewrites(plan: Plan, t: ManagedTarget): SecretRewrite[] {
  const c = t.credentials;
  if (t.name === DB.name) {
    const scheme = t.kind === 'postgresql' ? 'postgresql' : 'mysql2';
    return [
      { secret: t.name, key: DB.url, template: `${scheme}://${ref(c!.secretName, c!.userKey!)}:${ref(c!.secretName, c!.passwordKey)}@${t.host}:${t.port}/${t.databaseName}` },
      { secret: t.name, key: DB.user, template: ref(c!.secretName, c!.userKey!) },
      { secret: t.name, key: DB.password, template: ref(c!.secretName, c!.passwordKey) },
    ];
  }
  // No user: 3scale 2.15 has no Redis ACL; the password alone goes in the userinfo (redis://:password@host).
  const base = `redis://${c ? `:${ref(c.secretName, c.passwordKey)}@` : ''}${t.host}:${t.port}`;
  if (t.name === BACKEND.name) {
    const m = plan.spec.backendRedis.managed!;
    return [
      { secret: t.name, key: BACKEND.storageUrl, template: `${base}/${m.storageDatabase}` },
      { secret: t.name, key: BACKEND.queuesUrl, template: `${base}/${m.queuesDatabase}` },
      ...BACKEND.sentinelKeys.map((key) => ({ secret: t.name, key, template: '' })),
    ];
  }
  const m = plan.spec.systemRedis.managed!;
  return [
    { secret: t.name, key: SYSTEM_REDIS.url, template: `${base}/${m.database}` },
    ...SYSTEM_REDIS.sentinelKeys.map((key) => ({ secret: t.name, key, template: '' })),
  ];
}

/** The credentials Secrets the cut-over reads (in the 3scale namespace), sorted. */
export function credentialSecrets(plan: Plan): string[] {
  return [...new Set(managedTargets(plan).flatMap((t) => (t.credentials ? [t.credentials.secretName] : [])))].sort();
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
