import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { CONNECTION_SECRETS } from '../../src/contract/on-cluster.js';
import { POSTGRESQL_NAMES, postgresqlMove, postgresqlNamespace, serviceHost } from '../../src/plan/plan-facts.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import type { PhaseChart } from '../phase-chart.js';
import { dataJob, type DataJobProps, fromSecret, PG_COPY_LIBS, targetResetEnv } from './data-job.js';

/**
 * Copies the System database from the old PostgreSQL to the new one inside the cluster (seed 3.2.3 to
 * 3.2.6 without the dump on a laptop): with `copyParallelism` above 1 (default 4) table by table from one
 * snapshot, that many at a time, with the indexes built in parallel; with 1, `pg_dump -Fc` streamed into
 * `pg_restore` (the script's working files, a few kB to MB, go to the scratch volume). Both servers
 * use the credentials of `system-database` (the new server was created with the same user and password).
 */
export function copyPostgresqlJob(chart: PhaseChart<MigrationPlan>): void {
  const props = copyPostgresqlProps(chart.plan);
  if (props) dataJob(chart, 'CopyPostgresql', props);
}

/** The Job {@link copyPostgresqlJob} renders, when the plan moves PostgreSQL (its verify Job reuses the connections). */
export function copyPostgresqlProps(plan: Plan): DataJobProps | undefined {
  const pg = postgresqlMove(plan);
  if (!pg) return undefined;
  const namespace = postgresqlNamespace(plan, pg);
  const secret = POSTGRESQL_NAMES.credentialsSecret;
  return {
    name: 'copy-system-database',
    namespace,
    script: 'pg-copy.sh',
    libs: [...PG_COPY_LIBS, 'lib/progress.sh', 'lib/workers.sh'],
    // Its data lives in this claim, served by this Deployment: recreated, the copy is gone (diff: job-stale).
    fills: [
      { kind: 'PersistentVolumeClaim', namespace, name: POSTGRESQL_NAMES.pvc },
      { kind: 'Deployment', namespace, name: POSTGRESQL_NAMES.deployment },
    ],
    image: pg.image,
    wave: 0,
    env: [
      { name: 'SOURCE_PGHOST', value: serviceHost(POSTGRESQL_NAMES.oldService, plan.spec.threescale.namespace) },
      { name: 'SOURCE_PGPORT', value: '5432' },
      { name: 'SOURCE_PGDATABASE', value: pg.databaseName },
      fromSecret('SOURCE_PGUSER', secret, CONNECTION_SECRETS.systemDatabase.user),
      fromSecret('SOURCE_PGPASSWORD', secret, CONNECTION_SECRETS.systemDatabase.password),
      { name: 'TARGET_PGHOST', value: serviceHost(POSTGRESQL_NAMES.service, namespace) },
      { name: 'TARGET_PGPORT', value: '5432' },
      { name: 'TARGET_PGDATABASE', value: pg.databaseName },
      fromSecret('TARGET_PGUSER', secret, CONNECTION_SECRETS.systemDatabase.user),
      fromSecret('TARGET_PGPASSWORD', secret, CONNECTION_SECRETS.systemDatabase.password),
      { name: 'PARALLEL_JOBS', value: String(pg.copyParallelism) },
      { name: 'TMPDIR', value: '/scratch' },
      targetResetEnv(plan),
    ],
    volumes: [{ name: 'scratch', emptyDir: {} }],
    volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
  };
}
