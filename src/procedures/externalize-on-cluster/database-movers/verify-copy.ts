import type { DatabaseWork } from './mover.js';

/** The cut-over's read-only proof of a PostgreSQL copy (charts/jobs/verify-copy-job.ts), before anything changes. */
const POSTGRESQL =
  'first, before anything changes: Job verify-copy-system-database recomputes on the new System database, and on the old one while it answers, what copy-system-database recorded (row count and sha256 of every table, sequences, large objects, schema, settings, grants) and fails naming the table that differs (read-only)';

/** The same for a MySQL copy into a managed server. */
const MYSQL =
  'first, before anything changes: Job verify-copy-system-database recomputes on the managed MySQL, and on system-mysql while it answers, what copy-system-database recorded (row count and row checksum of every table, schema) and fails naming the table that differs (read-only)';

/** The cut-over work of a mover whose copy-data copied the System database: prove the copy again. */
export function verifyCopyWork(kind: 'postgresql' | 'mysql'): DatabaseWork {
  return { words: { checks: [kind === 'postgresql' ? POSTGRESQL : MYSQL] }, jobs: [{ build: 'verify-copy', name: 'verify-copy-system-database' }], patches: [] };
}
