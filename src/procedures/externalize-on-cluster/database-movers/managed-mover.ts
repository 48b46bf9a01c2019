import type { Plan } from '../../../plan/plan-schema.js';
import { NO_DATABASE_WORK, type DatabaseMover, type DatabasePhase, type DatabaseWork } from './mover.js';
import { verifyCopyWork } from './verify-copy.js';

/** The load into the managed server, in the words of its kind (seed chapters 4 and 5). */
function copyWords(plan: Plan): string | undefined {
  const db = plan.spec.systemDatabase;
  if ((db.kind !== 'postgresql' && db.kind !== 'mysql') || db.strategy !== 'managed' || !db.managed) return undefined;
  const s = db.managed;
  return db.kind === 'postgresql'
    ? `Job copy-system-database streams pg_dump of system-postgresql into pg_restore --no-owner --no-acl on the managed server ${s.host}:${s.port}/${s.databaseName} (created when absent, in the old database's encoding)`
    : `Job copy-system-database streams mysqldump of system-mysql (as root), DEFINER clauses removed, into the managed server ${s.host}:${s.port}/${s.databaseName} (created when absent)`;
}

/** Prepare: the pre-connection check of the managed server from inside the cluster (seed 6.2.4), while 3scale still runs. */
const PRE_CONNECTION_CHECK: DatabaseWork = {
  words: {
    checks: [
      'Job check-managed-database: pre-connection check of the managed System database from inside the cluster (ok, refused, timeout, unresolved, auth-failed, unknown-database: absent and the user may not create it), recorded as evidence',
    ],
  },
  jobs: [{ build: 'check-managed-database', name: 'check-managed-database' }],
  patches: [],
};

/** What a move to an existing managed server does in a phase. */
function work(plan: Plan, phase: DatabasePhase): DatabaseWork {
  const words = copyWords(plan);
  if (!words) return NO_DATABASE_WORK;
  if (phase === 'prepare') return PRE_CONNECTION_CHECK;
  if (phase === 'cutover') return verifyCopyWork(plan.spec.systemDatabase.kind === 'mysql' ? 'mysql' : 'postgresql');
  return { words: { 'existing-servers': [words] }, jobs: [{ build: 'copy-to-managed', name: 'copy-system-database' }], patches: [] };
}

/** `postgresql/managed`: an existing PostgreSQL (RDS, seed chapter 5). */
export const managedPostgresqlMover: DatabaseMover = { strategy: 'postgresql/managed', work };

/** `mysql/managed`: an existing MySQL (RDS, seed chapter 4). */
export const managedMysqlMover: DatabaseMover = { strategy: 'mysql/managed', work };
