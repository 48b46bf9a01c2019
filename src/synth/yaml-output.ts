import { stringify } from 'yaml';

/**
 * Deterministic YAML: YAML 1.1 (so `on`, `yes`, `0123` stay quoted for YAML 1.1 readers such as
 * kustomize and Argo CD), no line folding, keys in the order the object has them (cdk8s sorts them).
 */
export function toYaml(value: unknown): string {
  return stringify(value, { version: '1.1', lineWidth: 0, minContentWidth: 0, indentSeq: true, aliasDuplicateObjects: false });
}

/** JSON with sorted keys and two-space indentation, for files reviewers read. */
export function toStableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) + '\n';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}
