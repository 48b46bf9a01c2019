import { POSTGRESQL_NAMES, postgresqlNamespace } from '../../../plan/plan-facts.js';
import type { Plan } from '../../../plan/plan-schema.js';
import type { DatabaseMover, DatabaseWork } from './mover.js';
import { verifyCopyWork } from './verify-copy.js';

/** Prepare: the new server, empty, and (in another namespace) the credentials it is created with. */
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
  };
}

/** `postgresql/upgrade-on-cluster`: PostgreSQL 10 → 15 on a new server in the cluster (seed 3.2). */
export const onClusterPostgresqlMover: DatabaseMover = {
  strategy: 'postgresql/upgrade-on-cluster',
  work: (plan, phase) =>
    phase === 'prepare'
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
};
