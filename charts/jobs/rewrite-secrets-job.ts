import { POSTGRESQL_NAMES, postgresqlMove, postgresqlNamespace, redisMoves, redisNames, redisNamespace, serviceHost } from '../../src/plan/plan-facts.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import type { PhaseChart } from '../phase-chart.js';
import { kubeJob } from './kube-job.js';

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
    out.push({ secret: 'system-database', key: 'URL', template: `postgresql://{DB_USER}:{DB_PASSWORD}@${host}/${pg.databaseName}` });
  }
  for (const role of redisMoves(plan)) {
    const n = redisNames(role);
    const base = `redis://${serviceHost(n.service, redisNamespace(plan, role))}:6379`;
    if (role === 'backend') {
      out.push({ secret: n.secret, key: 'REDIS_STORAGE_URL', template: `${base}/0` });
      out.push({ secret: n.secret, key: 'REDIS_QUEUES_URL', template: `${base}/1` });
    } else {
      out.push({ secret: n.secret, key: 'URL', template: `${base}/1` });
    }
  }
  return out;
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
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: [...secrets, ...secrets.map((s) => `${s}-pre-migration`)], verbs: ['get', 'patch'] },
    ],
  };
}

/** Cut-over Job: backs the connection Secrets up in the cluster, then points them at the new servers. */
export function rewriteSecretsJob(chart: PhaseChart, wave: number): void {
  const rewrites = secretRewrites(chart.plan);
  if (!rewrites.length) return;
  const namespace = chart.plan.spec.threescale.namespace;
  kubeJob(chart, 'RewriteSecrets', {
    name: 'rewrite-connection-secrets',
    namespace,
    script: 'rewrite-secrets.sh',
    wave,
    env: [{ name: 'REWRITES', value: rewrites.map((r) => `${r.secret} ${r.key} ${r.template}`).join('\n') }],
    access: [secretAccess(namespace, rewrittenSecrets(chart.plan))],
  });
}

/** Rollback Job: puts the connection Secrets back from their in-cluster backups. */
export function restoreSecretsJob(chart: PhaseChart, wave: number): void {
  const secrets = rewrittenSecrets(chart.plan);
  if (!secrets.length) return;
  const namespace = chart.plan.spec.threescale.namespace;
  kubeJob(chart, 'RestoreSecrets', {
    name: 'restore-connection-secrets',
    namespace,
    script: 'restore-secrets.sh',
    wave,
    env: [{ name: 'SECRETS', value: secrets.join(' ') }],
    access: [secretAccess(namespace, secrets)],
  });
}
