import { type Health, statusOf, stringAt } from './health.js';

/**
 * A kind whose health is one string field of its `status` looked up in a table: the TypeScript rule reads it
 * here, and the Argo CD check of the same kind is rendered from the same table (src/gitops/argocd-health.ts),
 * so the two cannot disagree.
 */
export interface StatusFieldTable {
  /** The field of `status` read (`phase`). */
  readonly field: string;
  /** The health of each value the table names. */
  readonly cases: Readonly<Record<string, Health>>;
  /** The health of any other value, and of a missing or malformed field. */
  readonly otherwise: Health;
}

/** The health the table gives the live object. */
export function healthByStatusField(table: StatusFieldTable, live: Parameters<typeof statusOf>[0]): Health {
  const value = stringAt(statusOf(live), table.field);
  return value !== undefined && Object.hasOwn(table.cases, value) ? table.cases[value]! : table.otherwise;
}
