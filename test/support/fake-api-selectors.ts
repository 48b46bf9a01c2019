/**
 * Label and field selectors as the API server parses them for LIST requests:
 * `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x,y)`; field selectors on
 * `metadata.name` and `metadata.namespace` with `=`, `==`, `!=`.
 */

/** One parsed requirement. */
export type LabelRequirement =
  | { readonly op: 'eq' | 'neq'; readonly key: string; readonly value: string }
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'exists' | 'notexists'; readonly key: string };

/** Thrown for selectors the API server would refuse with 400. */
export class SelectorError extends Error {}

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new SelectorError(`unable to parse requirement: invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value) || value.length > 63) throw new SelectorError(`unable to parse requirement: invalid label value: "${value}"`);
  return value;
}

/** Parses a label selector; throws SelectorError on syntax the API server refuses. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  return splitTopLevel(selector).map((part): LabelRequirement => {
    let m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      const values = m[3].split(',').map((v) => checkValue(v.trim()));
      return { op: m[2] as 'in' | 'notin', key: checkKey(m[1]), values };
    }
    m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(part);
    if (m) return { op: m[2] === '!=' ? 'neq' : 'eq', key: checkKey(m[1]), value: checkValue(m[3]) };
    m = /^!\s*(\S+)$/.exec(part);
    if (m) return { op: 'notexists', key: checkKey(m[1]) };
    if (/^\S+$/.test(part)) return { op: 'exists', key: checkKey(part) };
    throw new SelectorError(`unable to parse requirement: found '${part}', expected: ',', '!=', '==', '=', 'in', 'notin'`);
  });
}

/** True when the labels satisfy every requirement. */
export function matchesLabels(requirements: readonly LabelRequirement[], labels: Readonly<Record<string, string>> | undefined): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'eq':
        return has && l[r.key] === r.value;
      case 'neq':
        return !has || l[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
  });
}

/** One parsed field requirement. */
export interface FieldRequirement {
  /** `metadata.name`, `metadata.namespace`, or a field label of the kind (Pods: `status.phase`, ...). */
  readonly field: string;
  /** Equality or inequality. */
  readonly op: 'eq' | 'neq';
  /** The value. */
  readonly value: string;
}

/**
 * The field labels kube-apiserver accepts for Pods besides metadata.name and metadata.namespace
 * (pkg/registry/core/pod: PodToSelectableFields), each a dotted path into the object.
 */
export const POD_FIELD_LABELS: readonly string[] = ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'];

/**
 * Parses a field selector: metadata.name and metadata.namespace (as for most kinds), plus the kind's own
 * field labels when given (`POD_FIELD_LABELS` for Pods).
 */
export function parseFieldSelector(selector: string, kindFields: readonly string[] = []): FieldRequirement[] {
  return splitTopLevel(selector).map((part) => {
    const m = /^([^=!\s]+)\s*(==|!=|=)\s*(.*)$/.exec(part);
    if (!m) throw new SelectorError(`invalid selector: '${part}'; can't understand '${part}'`);
    if (m[1] !== 'metadata.name' && m[1] !== 'metadata.namespace' && !kindFields.includes(m[1]!)) throw new SelectorError(`field label not supported: ${m[1]}`);
    return { field: m[1]!, op: m[2] === '!=' ? 'neq' : 'eq', value: m[3]!.trim() };
  });
}

/** The value of a dotted field path of an object as a field selector sees it (absent: empty string). */
export function fieldValue(obj: object, field: string): string {
  let at: unknown = obj;
  for (const key of field.split('.')) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return at === undefined || at === null ? '' : String(at);
}

/** True when the object satisfies every field requirement. */
export function matchesFields(requirements: readonly FieldRequirement[], obj: { readonly metadata: { readonly name: string; readonly namespace?: string } }): boolean {
  return requirements.every((r) => {
    const actual = fieldValue(obj, r.field);
    return r.op === 'eq' ? actual === r.value : actual !== r.value;
  });
}
