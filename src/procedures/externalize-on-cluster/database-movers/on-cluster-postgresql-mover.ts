import type { DatabaseMover } from './mover.js';
import { verifyCopyWork } from './verify-copy.js';

/** `postgresql/upgrade-on-cluster`: PostgreSQL 10 → 15 on a new server in the cluster (seed 3.2). */
export const onClusterPostgresqlMover: DatabaseMover = {
  strategy: 'postgresql/upgrade-on-cluster',
  work: (_plan, phase) =>
    phase === 'copy-data'
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
