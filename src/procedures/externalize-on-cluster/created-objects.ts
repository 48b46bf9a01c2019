/**
 * The objects a phase creates for a mover, as the rollback of that phase deletes them: `<namespace>
 * <resource>/<name>` (charts/jobs/delete-objects-job.ts). Only what the mover created is listed, never an
 * original database or a managed server.
 */
export type CreatedObject = `${string} ${string}/${string}`;

/** The names of the objects of one new database server. */
interface ServerNames {
  readonly deployment: string;
  readonly service: string;
  readonly serviceAccount: string;
  readonly pvc: string;
}

/** The Deployment, Service, ServiceAccount and PVC of a new server in its namespace. */
export function serverObjects(namespace: string, n: ServerNames): CreatedObject[] {
  return [`${namespace} deployment/${n.deployment}`, `${namespace} service/${n.service}`, `${namespace} serviceaccount/${n.serviceAccount}`, `${namespace} persistentvolumeclaim/${n.pvc}`];
}
