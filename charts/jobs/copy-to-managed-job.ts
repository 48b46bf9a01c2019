import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { CONNECTION_SECRETS } from '../../src/contract/on-cluster.js';
import { INTERNAL_DATABASE_DEPLOYMENTS } from '../../src/plan/deployments.js';
import { managedSystemDatabase, managedTargets, POSTGRESQL_NAMES, serviceHost } from '../../src/plan/plan-facts.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import type { PhaseChart } from '../phase-chart.js';
import { credentialEnv } from './check-targets-job.js';
import { dataJob, type DataJobProps, fromSecret, MYSQL_COPY_LIBS, PG_COPY_LIBS, targetResetEnv } from './data-job.js';

/**
 * Copies the System database into the managed server inside the cluster (seed 4.2.3 and 5.2.3 without the
 * dump in a pod's /tmp): the existing copy scripts with the managed server as their target.
 *
 * PostgreSQL: `pg_restore --no-owner --no-acl`, because the managed server has no role of the old one's
 * name and its admin user is no superuser: the objects belong to the loading user, as the seed's plain
 * SQL load would make them. MySQL: as root on the old server (its password exists only in the URL of
 * system-database), DEFINER clauses removed, because managed MySQL grants no SUPER (seed 4.2.3).
 */
export function copyToManagedJob(chart: PhaseChart<MigrationPlan>): void {
  const props = copyToManagedProps(chart.plan);
  if (props) dataJob(chart, 'CopyToManaged', props);
}

/** Load streams of the MySQL copy when the plan names none: PostgreSQL's default copyParallelism. */
const MYSQL_COPY_PARALLELISM = 4;

/** The Job {@link copyToManagedJob} renders, when the plan moves the System database to a managed server. */
export function copyToManagedProps(plan: Plan): DataJobProps | undefined {
  const db = managedSystemDatabase(plan);
  const target = managedTargets(plan).find((t) => t.name === 'system-database');
  if (!db || !target) return undefined;
  const ns = plan.spec.threescale.namespace;
  const old = POSTGRESQL_NAMES.credentialsSecret;
  const sys = plan.spec.systemDatabase;
  if (sys.kind === 'postgresql') {
    return {
      name: 'copy-system-database',
      namespace: ns,
      script: 'pg-copy.sh',
      libs: [...PG_COPY_LIBS, 'lib/progress.sh', 'lib/workers.sh'],
      image: sys.image,
      wave: 0,
      env: [
        { name: 'SOURCE_PGHOST', value: serviceHost(POSTGRESQL_NAMES.oldService, ns) },
        { name: 'SOURCE_PGPORT', value: '5432' },
        { name: 'SOURCE_PGDATABASE', value: sys.databaseName },
        fromSecret('SOURCE_PGUSER', old, CONNECTION_SECRETS.systemDatabase.user),
        fromSecret('SOURCE_PGPASSWORD', old, CONNECTION_SECRETS.systemDatabase.password),
        { name: 'TARGET_PGHOST', value: target.host },
        { name: 'TARGET_PGPORT', value: String(target.port) },
        { name: 'TARGET_PGDATABASE', value: target.databaseName! },
        // Seed 5.2.4: the database is created on the managed server when it is absent.
        { name: 'TARGET_CREATE_DATABASE', value: 'true' },
        ...credentialEnv(target, 'TARGET_PGUSER', 'TARGET_PGPASSWORD'),
        { name: 'PG_RESTORE_NO_OWNER', value: 'true' },
        { name: 'PG_RESTORE_NO_ACL', value: 'true' },
        { name: 'PARALLEL_JOBS', value: String(sys.copyParallelism) },
        { name: 'TMPDIR', value: '/scratch' },
        targetResetEnv(plan),
      ],
      volumes: [{ name: 'scratch', emptyDir: {} }],
      volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
    };
  }
  return {
    name: 'copy-system-database',
    namespace: ns,
    script: 'mysql-copy.sh',
    libs: [...MYSQL_COPY_LIBS, 'lib/progress.sh', 'lib/workers.sh'],
    image: plan.spec.jobs.mysqlImage,
    wave: 0,
    env: [
      fromSecret('SOURCE_MYSQL_URL', old, CONNECTION_SECRETS.systemDatabase.url),
      { name: 'SOURCE_MYSQL_HOST', value: serviceHost(INTERNAL_DATABASE_DEPLOYMENTS.mysql, ns) },
      { name: 'SOURCE_MYSQL_PORT', value: '3306' },
      { name: 'TARGET_MYSQL_HOST', value: target.host },
      { name: 'TARGET_MYSQL_PORT', value: String(target.port) },
      { name: 'TARGET_MYSQL_DATABASE', value: target.databaseName! },
      ...credentialEnv(target, 'TARGET_MYSQL_USER', 'TARGET_MYSQL_PASSWORD'),
      { name: 'PARALLEL_JOBS', value: String(sys.copyParallelism ?? MYSQL_COPY_PARALLELISM) },
      targetResetEnv(plan),
    ],
  };
}
