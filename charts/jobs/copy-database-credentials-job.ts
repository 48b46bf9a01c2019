import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { CONNECTION_SECRETS, contractEnv } from '../../src/contract/on-cluster.js';
import { POSTGRESQL_NAMES } from '../../src/plan/plan-facts.js';
import type { PhaseChart } from '../phase-chart.js';
import { kubeJob, readSecrets } from './kube-job.js';
import { grant } from '../constructs/grant.js';

/**
 * Copies DB_USER and DB_PASSWORD of `system-database` into the namespace of the new PostgreSQL server,
 * which reads them through secretKeyRef (seed 3.2.5, done there by hand with the values in shell variables).
 */
export function copyDatabaseCredentialsJob(chart: PhaseChart<MigrationPlan>, targetNamespace: string): void {
  const source = chart.plan.spec.threescale.namespace;
  const secret = POSTGRESQL_NAMES.credentialsSecret;
  kubeJob(chart, 'CopyDatabaseCredentials', {
    name: 'copy-database-credentials',
    namespace: source,
    script: 'copy-database-credentials.sh',
    wave: 0,
    env: [
      { name: 'SOURCE_NAMESPACE', value: source },
      { name: 'TARGET_NAMESPACE', value: targetNamespace },
      { name: 'SECRET_NAME', value: secret },
      { name: 'KEYS', value: `${CONNECTION_SECRETS.systemDatabase.user} ${CONNECTION_SECRETS.systemDatabase.password}` },
      ...contractEnv('MANAGED_BY_LABEL'),
    ],
    access: [
      readSecrets(source, [secret]),
      {
        namespace: targetNamespace,
        rules: [
          grant({ types: 'secret' }, ['create']),
          grant({ types: 'secret', names: [secret] }, ['get', 'patch']),
        ],
      },
    ],
  });
}
