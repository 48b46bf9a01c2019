/**
 * One schema violation in one synthesized object.
 */
export interface ValidationIssue {
  /** The object, as `Kind/namespace/name` (`Kind/name` when it has no namespace). */
  readonly object: string;
  /** Where in the object, e.g. `spec.template.spec.containers[0].image`; empty for the object itself. */
  readonly path: string;
  /** One readable sentence that names the object and the path. */
  readonly message: string;
}

/**
 * Names an object as `Kind/namespace/name`, or `Kind/name` when it carries no namespace (cluster-scoped
 * objects, or objects the tool leaves to the default namespace).
 */
export function objectLabel(obj: unknown): string {
  const record = isRecord(obj) ? obj : {};
  const kind = typeof record.kind === 'string' && record.kind !== '' ? record.kind : '<no kind>';
  const metadata = isRecord(record.metadata) ? record.metadata : {};
  const name =
    typeof metadata.name === 'string' && metadata.name !== ''
      ? metadata.name
      : typeof metadata.generateName === 'string' && metadata.generateName !== ''
        ? `${metadata.generateName}*`
        : '<no name>';
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined;
  return namespace === undefined ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
}

/** Tells whether a value is a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
