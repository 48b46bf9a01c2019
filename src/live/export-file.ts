/**
 * Reads exported objects (`oc get ... -o yaml` / `-o json`, `kubectl get`, multi-document YAML, or a
 * folder of such files) into the same raw object shape the live reader returns, so the differ works
 * offline exactly as it does against a cluster.
 *
 * - `kind: List` and typed lists (`kind: DeploymentList`, whose items carry no apiVersion/kind) are
 *   flattened; missing apiVersion/kind of typed-list items are filled in from the list.
 * - YAML is parsed with unique keys enforced and a small alias budget (alias bombs fail fast).
 * - Every problem ends in one sentence naming the file (and document/item), never quoting file
 *   content: exports hold Secrets.
 */
import { readdir, stat } from 'node:fs/promises';
import { FileShapeError, readBoundedFile } from '../util/read-bounded-file.js';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../kube/kube-object.js';
import { rememberSecretsOf } from '../redact/secret-values.js';
import { LiveReadError } from './kube-errors.js';
import { isPlainObject } from './object-type.js';

/** Options of the export readers. */
export interface ExportReadOptions {
  /**
   * How many alias dereferences one YAML document may make before it is refused as an alias bomb.
   * `oc`/`kubectl` never write aliases, so a small budget is plenty.
   * @default 50
   */
  readonly maxAliasCount?: number;
  /**
   * Largest file accepted, in bytes.
   * @default 64 MiB
   */
  readonly maxFileBytes?: number;
}

const EXTENSIONS = /\.(ya?ml|json)$/i;

function exportError(file: string, message: string): LiveReadError {
  return new LiveReadError({ kind: 'export-file', object: file, message });
}

function words(code: string): string {
  return code.toLowerCase().replace(/_/g, ' ');
}

/**
 * Parses the text of one exported file.
 * @param file the name used in error messages
 * @throws LiveReadError of kind `export-file`
 */
export function parseExportText(text: string, file: string, options: ExportReadOptions = {}): KubeObject[] {
  return refuseDuplicates(locateExportText(text, file, options));
}

/** An object of an export and where it is, for messages. */
interface Located {
  readonly object: KubeObject;
  readonly where: string;
}

/**
 * Refuses an export that holds one object twice (in one file, or in two files of a folder): which copy
 * counts would depend on their order.
 */
function refuseDuplicates(located: readonly Located[]): KubeObject[] {
  const first = new Map<string, Located>();
  for (const entry of located) {
    const { apiVersion, kind, metadata } = entry.object;
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const key = `${group}|${kind}|${metadata.namespace ?? ''}|${metadata.name}`;
    const earlier = first.get(key);
    if (earlier) {
      const name = metadata.namespace ? `${metadata.namespace}/${metadata.name}` : metadata.name;
      throw exportError(entry.where, `${kind} ${name} is in the export twice (${earlier.where} and ${entry.where}); expected each object once, since which copy counts would depend on their order`);
    }
    first.set(key, entry);
  }
  return located.map((l) => l.object);
}

function locateExportText(text: string, file: string, options: ExportReadOptions): Located[] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const values = parseDocuments(source, file, options.maxAliasCount ?? 50);
  // Before any check: a refusal of a later document must not print a Secret value of an earlier one.
  rememberSecretsOf(values);
  const objects: Located[] = [];
  const multi = values.length > 1;
  values.forEach((value, index) => {
    if (value === null || value === undefined) return;
    const where = multi ? `document ${index + 1} of file ${file}` : `file ${file}`;
    collect(value, where, file, objects, true);
  });
  if (objects.length === 0 && !values.some((v) => isList(v))) {
    throw exportError(file, `file ${file} holds no Kubernetes objects`);
  }
  // A List proves its end (oc writes "kind: List" after the items); other documents end where the file does.
  if (!isJson(source) && !source.endsWith('\n') && !isList(values[values.length - 1])) {
    throw exportError(file, `file ${file} does not end with a line break, it looks truncated (oc and kubectl end every export with one)`);
  }
  return objects;
}

function isJson(source: string): boolean {
  const trimmed = source.trimStart();
  return trimmed.startsWith('{') || trimmed.startsWith('[');
}

function parseDocuments(source: string, file: string, maxAliasCount: number): unknown[] {
  if (isJson(source)) {
    // `oc get -o json`: plain JSON. On failure fall through to the YAML parser for a positioned error.
    try {
      return [JSON.parse(source)];
    } catch {
      /* reported below */
    }
  }
  const lastLine = source.trimEnd().split('\n').length;
  // prettyErrors adds line/column positions; the messages themselves (which quote the source) are never used.
  const docs = parseAllDocuments(source, { uniqueKeys: true, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [];
  const values: unknown[] = [];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line;
      const column = err.linePos?.[0]?.col;
      const at = line !== undefined ? ` at line ${line}${column !== undefined ? `, column ${column}` : ''}` : '';
      if (err.code === 'DUPLICATE_KEY') throw exportError(file, `file ${file} is not valid YAML: duplicate key${at}`);
      if (line !== undefined && line >= lastLine) {
        throw exportError(file, `file ${file} ends in the middle of a YAML value${at}, it looks truncated`);
      }
      throw exportError(file, `file ${file} is not valid YAML: ${words(err.code)}${at}`);
    }
    try {
      values.push(doc.toJS({ maxAliasCount }));
    } catch (e) {
      if (e instanceof ReferenceError || (e instanceof Error && /alias/i.test(e.message))) {
        throw exportError(file, `file ${file} uses more YAML aliases than allowed (${maxAliasCount}), refusing it as a possible alias bomb`);
      }
      throw exportError(file, `file ${file} cannot be read as YAML data`);
    }
  }
  return values;
}

function isList(value: unknown): value is Record<string, unknown> & { items: unknown[] } {
  return isPlainObject(value) && typeof value.kind === 'string' && /List$/.test(value.kind) && Array.isArray(value.items);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'YAML sequence';
  if (typeof value === 'object') return 'mapping';
  return `YAML ${typeof value}`;
}

function collect(value: unknown, where: string, file: string, out: Located[], topLevel: boolean): void {
  if (!isPlainObject(value)) {
    throw exportError(file, `${where} is a ${typeName(value)}, not a Kubernetes object or List`);
  }
  if (isList(value)) {
    const listKind = value.kind as string;
    const itemKind = listKind === 'List' ? undefined : listKind.slice(0, -'List'.length);
    const listApiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : undefined;
    value.items.forEach((item, i) => {
      const itemWhere = `item ${i + 1} of ${where}`;
      let filled = item;
      if (itemKind && isPlainObject(item)) {
        filled = { ...item };
        const f = filled as Record<string, unknown>;
        if (f.apiVersion === undefined && listApiVersion) f.apiVersion = listApiVersion;
        if (f.kind === undefined) f.kind = itemKind;
      }
      collect(filled, itemWhere, file, out, false);
    });
    return;
  }
  if (value.kind === undefined && Array.isArray(value.items)) {
    throw exportError(
      file,
      topLevel
        ? `${where} has items but no kind: it looks truncated (oc writes "kind: List" after the items)`
        : `${where} has items but no kind, so it is neither an object nor a List`,
    );
  }
  if (typeof value.kind === 'string' && value.kind.endsWith('List') && value.items !== undefined) {
    throw exportError(file, `${where} is a ${value.kind} whose items is not a list`);
  }
  const missing: string[] = [];
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') missing.push('apiVersion');
  if (typeof value.kind !== 'string' || value.kind === '') missing.push('kind');
  const metadata = value.metadata;
  if (!isPlainObject(metadata) || typeof metadata.name !== 'string' || metadata.name === '') missing.push('metadata.name');
  if (missing.length > 0) {
    const label = typeof value.kind === 'string' && value.kind ? ` (${value.kind})` : '';
    const detail = missing.length === 3 ? 'is not a Kubernetes object (no apiVersion, kind or metadata.name)' : `has no ${missing.join(' and no ')}`;
    throw exportError(file, `${where}${label} ${detail}`);
  }
  out.push({ object: value as KubeObject, where });
}

/**
 * Reads one exported file, or every `.yaml`, `.yml` and `.json` file below a folder (recursively,
 * hidden entries skipped, in path order).
 * @throws LiveReadError of kind `export-file` naming the file
 */
export async function readExport(path: string, options: ExportReadOptions = {}): Promise<KubeObject[]> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw exportError(path, `cannot read ${path}: ${describeFsError(err)}`);
  }
  if (!info.isDirectory()) return refuseDuplicates(readLocated(path, options));
  const files = await listFiles(path);
  if (files.length === 0) throw exportError(path, `folder ${path} holds no .yaml, .yml or .json files`);
  const objects: Located[] = [];
  for (const file of files) objects.push(...readLocated(file, options));
  return refuseDuplicates(objects);
}

/**
 * Reads one exported file.
 * @throws LiveReadError of kind `export-file` naming the file
 */
export async function readExportFile(file: string, options: ExportReadOptions = {}): Promise<KubeObject[]> {
  return refuseDuplicates(readLocated(file, options));
}

function readLocated(file: string, options: ExportReadOptions): Located[] {
  const maxBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
  let buffer: Buffer;
  try {
    buffer = readBoundedFile(file, maxBytes);
  } catch (err) {
    if (err instanceof FileShapeError) {
      throw exportError(file, err.reason === 'too-large' ? `file ${file} is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB` : `file ${file} ${err.message}`);
    }
    throw exportError(file, `cannot read file ${file}: ${describeFsError(err)}`);
  }
  if (buffer.includes(0)) throw exportError(file, `file ${file} is binary, not YAML or JSON`);
  return locateExportText(buffer.toString('utf8'), file, options);
}

async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      throw exportError(dir, `cannot read folder ${dir}: ${describeFsError(err)}`);
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && EXTENSIONS.test(entry.name)) found.push(full);
    }
  };
  await walk(root);
  return found.sort((a, b) => {
    const ra = relative(root, a);
    const rb = relative(root, b);
    return ra < rb ? -1 : ra > rb ? 1 : 0;
  });
}

function describeFsError(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return typeof code === 'string' ? code : 'unknown error';
  }
}
