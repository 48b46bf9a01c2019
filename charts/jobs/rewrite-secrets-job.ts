import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { backupSecretName, contractEnv } from '../../src/contract/on-cluster.js';
import { credentialSources } from '../../src/plan/plan-facts.js';
import { secretRewrites } from '../../src/procedures/externalize-on-cluster/cutover-switches.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import type { PhaseChart } from '../phase-chart.js';
import { kubeJob, readSecrets } from './kube-job.js';
import { grant } from '../constructs/grant.js';

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

/**
 * Cut-over Job: backs the connection Secrets up in the cluster, then points them at the new servers: the keys
 * each component's mover switches (src/procedures/externalize-on-cluster/cutover-switches.ts), with credentials
 * left as placeholders the Job fills in inside the cluster.
 */
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
