import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { contractEnv } from '../../src/contract/on-cluster.js';
import { credentialCopies } from '../../src/plan/plan-facts.js';
import type { PhaseChart } from '../phase-chart.js';
import { kubeJob, readSecrets } from './kube-job.js';
import { grant } from '../constructs/grant.js';

/**
 * Copies each credentials Secret the plan keeps outside the 3scale namespace into it, under the same name
 * and with only the keys the Jobs read: a pod can only reference Secrets of its own namespace, and the
 * cut-over builds the new URLs there. The values are copied as the base64 the API returns, never decoded.
 */
export function copyManagedCredentialsJobs(chart: PhaseChart<MigrationPlan>, wave: number): void {
  const ns = chart.plan.spec.threescale.namespace;
  for (const copy of credentialCopies(chart.plan)) {
    kubeJob(chart, `CopyCredentials-${copy.target}`, {
      name: `copy-${copy.target}-credentials`,
      namespace: ns,
      script: 'copy-database-credentials.sh',
      wave,
      env: [
        { name: 'SOURCE_NAMESPACE', value: copy.namespace },
        { name: 'TARGET_NAMESPACE', value: ns },
        { name: 'SECRET_NAME', value: copy.secretName },
        { name: 'KEYS', value: copy.keys.join(' ') },
        ...contractEnv('MANAGED_BY_LABEL'),
      ],
      access: [
        readSecrets(copy.namespace, [copy.secretName]),
        {
          namespace: ns,
          rules: [
            grant({ types: 'secret' }, ['create']),
            grant({ types: 'secret', names: [copy.secretName] }, ['get', 'patch']),
          ],
        },
      ],
    });
  }
}
