import type { DatabaseWork, VerifyTarget } from './mover.js';

/**
 * Verify's read-only check of the System database 3scale now reads (seed 3.2.6): the accounts table is
 * readable there. Only for a database the migration touched: an already external one is not where the
 * operator's server was.
 */
export function verifyDatabaseWork(target: VerifyTarget): DatabaseWork {
  return {
    words: { checks: ['Job verify-system-database: the accounts table is readable in the System database 3scale now uses'] },
    jobs: [{ build: 'verify-database', name: 'verify-system-database', target }],
    patches: [],
  };
}
