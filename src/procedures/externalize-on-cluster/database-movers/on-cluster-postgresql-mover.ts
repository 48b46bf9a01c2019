import { CONNECTION_SECRETS } from '../../../contract/on-cluster.js';
import { POSTGRESQL_NAMES, postgresqlNamespace, serviceHost } from '../../../plan/plan-facts.js';
import type { Plan } from '../../../plan/plan-schema.js';
import { UserError } from '../../../errors.js';
import { serverObjects } from '../created-objects.js';
import { type DiscoveredDatabase, imageOf, type LiveInstall, markedExternal, pvcSize, storageOf, workload } from '../live-install.js';
import { oldPostgresql } from '../retired-servers.js';
import { NO_SWITCH, type SwitchOver } from '../switch-over.js';
import { type DatabaseMover, type DatabaseWork, NO_DATABASE_WORK } from './mover.js';
import { verifyDatabaseWork } from './verify-database.js';
import { verifyCopyWork } from './verify-copy.js';

/** Prepare: the new server, empty, and (in another namespace) the credentials it is created with; its rollback deletes the server. */
function prepare(plan: Plan): DatabaseWork {
  const db = plan.spec.systemDatabase;
  if (db.kind !== 'postgresql') return { words: {}, jobs: [], patches: [] };
  const ns = postgresqlNamespace(plan, db);
  const n = POSTGRESQL_NAMES;
  const copiesCredentials = ns !== plan.spec.threescale.namespace;
  return {
    words: {
      'new-servers': [
        `PostgreSQL 15 in ${ns}: Deployment ${n.deployment} (1 replica, empty), PVC ${n.pvc}, Service ${n.service}, ServiceAccount ${n.serviceAccount}`,
        ...(copiesCredentials ? [`Job copy-database-credentials copies DB_USER and DB_PASSWORD of system-database into ${ns}`] : []),
      ],
    },
    jobs: copiesCredentials ? [{ build: 'copy-database-credentials', name: 'copy-database-credentials', namespace: ns }] : [],
    patches: [],
    servers: [{ build: 'postgresql-server', namespace: ns }],
    creates: [...serverObjects(ns, n), ...(copiesCredentials ? [`${ns} secret/${n.credentialsSecret}` as const] : [])],
  };
}

/**
 * The cut-over: the System database URL points at the new server (seed 3.2.7), its credentials left as the
 * `{DB_USER}` / `{DB_PASSWORD}` placeholders the Job fills in from the same Secret, inside the cluster; the old
 * server stops so nothing writes to the copy no longer used (the seed leaves it running).
 */
function switchOver(plan: Plan): SwitchOver {
  const db = plan.spec.systemDatabase;
  if (db.kind !== 'postgresql') return NO_SWITCH;
  const { systemDatabase: secret } = CONNECTION_SECRETS;
  const host = serviceHost(POSTGRESQL_NAMES.service, postgresqlNamespace(plan, db));
  return {
    slot: 'new-servers',
    rewrites: [{ secret: secret.name, key: secret.url, template: `postgresql://{${secret.user}}:{${secret.password}}@${host}/${db.databaseName}` }],
    rewriteWords: `${secret.name} ${secret.url}`,
    external: 'system.database',
    stops: [POSTGRESQL_NAMES.oldDeployment],
    restoresInternalPostgresql: true,
    retires: oldPostgresql(plan),
  };
}

/** Whether the install runs (or its APIManager asks for) the operator's internal PostgreSQL, and it is not marked external. */
export function runsInternalPostgresql(live: LiveInstall): boolean {
  const asked = (live.apiManager.spec as { system?: { database?: { postgresql?: unknown } } } | undefined)?.system?.database?.postgresql !== undefined;
  return !markedExternal(live, 'system', 'database') && (asked || workload(live, POSTGRESQL_NAMES.oldDeployment) !== undefined);
}

/** Discovery: the internal PostgreSQL is this mover's; its new volume at least as large as the old one. */
function discover(live: LiveInstall): DiscoveredDatabase | undefined {
  if (!runsInternalPostgresql(live)) return undefined;
  const d = workload(live, POSTGRESQL_NAMES.oldDeployment);
  if (!d) throw new UserError(`${live.sourceLabel}: the APIManager asks for an internal PostgreSQL but ${live.workloadKind} ${live.namespace}/system-postgresql is missing; expected it running.`);
  const pvc = live.byName('PersistentVolumeClaim', 'postgresql-data');
  return {
    component: { kind: 'postgresql', strategy: 'upgrade-on-cluster', storage: storageOf(pvc) },
    note: `System database: internal PostgreSQL, image ${imageOf(d)}, PVC postgresql-data ${pvcSize(pvc) ?? 'unknown size'}`,
  };
}

/** Verify: the new server, with the credentials of the connection Secret. */
function verify(plan: Plan): DatabaseWork {
  const db = plan.spec.systemDatabase;
  if (db.kind !== 'postgresql') return NO_DATABASE_WORK;
  return verifyDatabaseWork({ kind: 'postgresql', host: serviceHost(POSTGRESQL_NAMES.service, postgresqlNamespace(plan, db)), database: db.databaseName, image: db.image });
}

/** `postgresql/upgrade-on-cluster`: PostgreSQL 10 → 15 on a new server in the cluster (seed 3.2). */
export const onClusterPostgresqlMover: DatabaseMover = {
  strategy: 'postgresql/upgrade-on-cluster',
  work: (plan, phase) =>
    phase === 'verify'
      ? verify(plan)
      : phase === 'prepare'
      ? prepare(plan)
      : phase === 'copy-data'
      ? {
          words: {
            'new-servers': [
              'Job copy-system-database streams pg_dump of system-postgresql into pg_restore on the new server and proves the copy equal: sha256 of the ordered rows of every table, sequences, large objects, schema, database and role settings, grants',
            ],
          },
          jobs: [{ build: 'copy-postgresql', name: 'copy-system-database' }],
          patches: [],
        }
      : verifyCopyWork('postgresql'),
  switchOver,
  discover,
};
