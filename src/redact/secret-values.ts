/**
 * The values a command reads from Secrets: what masking by value masks wherever it shows up.
 *
 * Every key of every object of kind `Secret` (any API group: masking errs on the safe side): each `data`
 * value decoded from base64 (a value that is not base64 is taken as written), each `stringData` value, and
 * the same of the Secret copies kept in annotations that embed the object (`last-applied-configuration`,
 * `kapp.k14s.io/original`), which may hold an older value.
 */
import { EMBEDDING_ANNOTATIONS } from '../diff/mask-secrets.js';
import { rememberSecretValues } from './session.js';

type Tree = Record<string, unknown>;

/** The secret values of `objects`, as bytes, in the order found (duplicates included). */
export function secretValuesOf(objects: readonly unknown[]): Buffer[] {
  const out: Buffer[] = [];
  for (const o of objects) collect(o, out, 0);
  return out;
}

/** Hands the secret values of `objects` to this run's redaction (call it wherever objects are read). */
export function rememberSecretsOf(objects: readonly unknown[]): void {
  rememberSecretValues(secretValuesOf(objects));
}

function collect(o: unknown, out: Buffer[], depth: number): void {
  if (!isTree(o)) return;
  // A List (an export): its items.
  if (Array.isArray(o['items'])) for (const item of o['items']) collect(item, out, depth);
  if (o['kind'] !== 'Secret') return;
  for (const value of mapValues(o['data'])) out.push(...(typeof value === 'string' ? fromData(value) : [Buffer.from(JSON.stringify(value), 'utf8')]));
  for (const value of mapValues(o['stringData'])) out.push(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8'));
  const annotations = isTree(o['metadata']) ? o['metadata']['annotations'] : undefined;
  if (!isTree(annotations) || depth > 0) return;
  for (const key of EMBEDDING_ANNOTATIONS) {
    const embedded = annotations[key];
    if (typeof embedded !== 'string') continue;
    try {
      collect(JSON.parse(embedded), out, depth + 1);
    } catch {
      // Not JSON: the annotation is masked as a whole by field, nothing to learn from it.
    }
  }
}

/** A `data` value: its decoded bytes, and the text as written when it is not canonical base64. */
function fromData(value: string): Buffer[] {
  const decoded = Buffer.from(value, 'base64');
  return decoded.toString('base64') === value.replace(/\s+/g, '') ? [decoded] : [decoded, Buffer.from(value, 'utf8')];
}

/** The values of a map but null; a value that is no string (invalid in a Secret) counts as its JSON text. */
function mapValues(map: unknown): unknown[] {
  return isTree(map) ? Object.values(map).filter((v) => v !== null && v !== undefined) : [];
}

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
