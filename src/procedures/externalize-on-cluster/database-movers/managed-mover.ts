import { CONNECTION_SECRETS } from '../../../contract/on-cluster.js';
import { INTERNAL_DATABASE_DEPLOYMENTS } from '../../../plan/deployments.js';
import type { ManagedSqlServer, Plan } from '../../../plan/plan-schema.js';
import { oldMysql, oldPostgresql } from '../retired-servers.js';
import { NO_SWITCH, secretRef, type SwitchOver } from '../switch-over.js';
import { NO_DATABASE_WORK, type DatabaseMover, type DatabasePhase, type DatabaseWork } from './mover.js';
import { verifyCopyWork } from './verify-copy.js';
import { verifyDatabaseWork } from './verify-database.js';

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

/** Verify: the managed server where it is, with its own credentials. */
function verify(plan: Plan): DatabaseWork {
  const managed = managedServer(plan);
  if (!managed) return NO_DATABASE_WORK;
  const { kind, server: s } = managed;
  const db = plan.spec.systemDatabase;
  const image = db.kind === 'postgresql' ? db.image : plan.spec.jobs.mysqlImage;
  const { secretName, userKey, passwordKey } = s.credentials;
  return verifyDatabaseWork({ kind, host: s.host, port: s.port, database: s.databaseName, image, credentials: { secretName, userKey, passwordKey } });
}

/** What a move to an existing managed server does in a phase. */
function work(plan: Plan, phase: DatabasePhase): DatabaseWork {
  const words = copyWords(plan);
  if (!words) return NO_DATABASE_WORK;
  if (phase === 'prepare') return PRE_CONNECTION_CHECK;
  if (phase === 'verify') return verify(plan);
  if (phase === 'cutover') return verifyCopyWork(plan.spec.systemDatabase.kind === 'mysql' ? 'mysql' : 'postgresql');
  return { words: { 'existing-servers': [words] }, jobs: [{ build: 'copy-to-managed', name: 'copy-system-database' }], patches: [] };
}

/** The managed server of the plan's System database and its kind, or undefined. */
function managedServer(plan: Plan): { readonly kind: 'postgresql' | 'mysql'; readonly server: ManagedSqlServer } | undefined {
  const db = plan.spec.systemDatabase;
  return (db.kind === 'postgresql' || db.kind === 'mysql') && db.strategy === 'managed' && db.managed ? { kind: db.kind, server: db.managed } : undefined;
}

/**
 * The cut-over: the keys of the System database connection Secret (seed 4.2.5, 5.2.5), built in the cluster
 * from the credentials Secret. `URL` is the key 3scale reads; the vendor's chapters 4 and 5 put the URL into
 * DB_USER by mistake. DB_USER and DB_PASSWORD get the managed server's user and password as the vendor
 * intends. The old server stops (the seed leaves it running until it is deleted); its rollback starts it.
 */
function switchOver(plan: Plan): SwitchOver {
  const managed = managedServer(plan);
  if (!managed) return NO_SWITCH;
  const { kind, server: s } = managed;
  const { systemDatabase: secret } = CONNECTION_SECRETS;
  const user = secretRef(s.credentials.secretName, s.credentials.userKey);
  const password = secretRef(s.credentials.secretName, s.credentials.passwordKey);
  const scheme = kind === 'postgresql' ? 'postgresql' : 'mysql2';
  return {
    slot: 'existing-servers',
    rewrites: [
      { secret: secret.name, key: secret.url, template: `${scheme}://${user}:${password}@${s.host}:${s.port}/${s.databaseName}` },
      { secret: secret.name, key: secret.user, template: user },
      { secret: secret.name, key: secret.password, template: password },
    ],
    rewriteWords: `${secret.name} ${secret.url} (${scheme}://…@${s.host}:${s.port}/${s.databaseName}), ${secret.user} and ${secret.password} with the credentials of Secret ${s.credentials.secretName}`,
    external: 'system.database',
    stops: [kind === 'postgresql' ? INTERNAL_DATABASE_DEPLOYMENTS.postgresql : INTERNAL_DATABASE_DEPLOYMENTS.mysql],
    restoresInternalPostgresql: kind === 'postgresql',
    retires: kind === 'postgresql' ? oldPostgresql(plan) : oldMysql(plan),
  };
}

/** Discovery never proposes a managed server: which one the data moves to is the user's choice, nothing live names it. */
const notDiscovered = () => undefined;

/** `postgresql/managed`: an existing PostgreSQL (RDS, seed chapter 5). */
export const managedPostgresqlMover: DatabaseMover = { strategy: 'postgresql/managed', work, switchOver, discover: notDiscovered };

/** `mysql/managed`: an existing MySQL (RDS, seed chapter 4). */
export const managedMysqlMover: DatabaseMover = { strategy: 'mysql/managed', work, switchOver, discover: notDiscovered };
