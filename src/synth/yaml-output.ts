import { stringify } from 'yaml';

/**
 * Deterministic YAML: YAML 1.1 (so `on`, `yes`, `0123` stay quoted for YAML 1.1 readers such as
 * kustomize and Argo CD), no line folding, keys in the order the object has them (cdk8s sorts them).
 */
export function toYaml(value: unknown): string {
  return stringify(value, { version: '1.1', lineWidth: 0, minContentWidth: 0, indentSeq: true, aliasDuplicateObjects: false });
}
