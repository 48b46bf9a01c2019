/**
 * Normalization of one Kubernetes object before comparison: removes what the API server, controllers and
 * GitOps tools add, and rewrites values that have several spellings into one, so that a desired object and
 * its live counterpart differ only where the configuration really differs.
 *
 * Rules (numbered as in the project's research notes, `gitops-anchors.md` section 4):
 * - N1 server metadata dropped; N2 `status` dropped; N3 tool bookkeeping annotations/labels dropped;
 * - N14 controller-owned fields dropped; N17 Job generated selector and labels dropped;
 * - N7 Secret `stringData` folded into `data`; N18 API defaults filled (offline, desired side);
 * - N10 numeric int-or-string ports as numbers; N11 `protocol: TCP` on ports; N8 quantities canonical;
 * - N6 empty bag maps dropped; N12 keyed lists sorted by merge key; N13 duplicate keys reported;
 * - N28 `null` map values dropped (an applied `null` removes the field, which the API server may default
 *   again: defaults are filled after; in maps of strings of built-in kinds, labels, annotations and
 *   ConfigMap data, `null` is the empty string), and in built-in kinds empty lists dropped too (their Go
 *   types omit an empty list: `[]` = `null` = absent). The removal itself is the caller's (`dropped-paths.ts`).
 *   Lists follow the kind's list types (`list-types.ts`): a custom resource's CRD decides, atomic by default.
 *
 * Pure: the input is never modified, and `normalize(normalize(x))` deep-equals `normalize(x)`.
 */
import { builtInKind, isBagField, isIntOrStringField, isQuantityField, LIST_ITEM } from './field-types.js';
import {
  childArray,
  childObject,
  cloneJson,
  isJsonObject,
  objectAt,
  type JsonObject,
  type JsonValue,
  type KubeObject,
} from './json.js';
import { fieldNamePath, fieldStep, itemStep, itemStepByKey, renderPath, type PathStep } from './keyed-path.js';
import { compareByKey, compareScalars, isSetList, itemKeyId, itemKeyParts, mergeKeyFor } from './list-keys.js';
import { BUILT_IN_LISTS, listRulesFor, type ListRules } from './list-types.js';
import { fillOfflineDefaults } from './offline-defaults.js';
import { canonicalQuantity, tryParseQuantity } from './quantity.js';

/** Where the desired side comes from: a server-side-apply dry-run (`live`) or plain manifests (`offline`). */
export type DiffMode = 'live' | 'offline';

/** Which side of a comparison an object is. */
export type Side = 'desired' | 'live';

/** Options of {@link normalize}. */
export interface NormalizeOptions {
  /** `offline` fills API defaults into the desired side (N18); `live` expects them from the dry-run. */
  readonly mode: DiffMode;
  /** The side the object stands for. */
  readonly side: Side;
}

/** A problem found in an object while normalizing it (not a difference between the sides). */
export interface Finding {
  /** The rule that found it. */
  readonly rule: 'N13';
  /** The side whose object has the problem. */
  readonly side: Side;
  /** Keyed path of the offending item. */
  readonly path: string;
  /** One sentence. */
  readonly message: string;
}

/** The normalized object and what was found on the way. */
export interface NormalizeResult {
  readonly object: KubeObject;
  readonly findings: Finding[];
}

/** Server-owned metadata fields (N1). */
export const SERVER_METADATA_FIELDS: readonly string[] = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'selfLink',
  'managedFields',
  'deletionGracePeriodSeconds',
];

/** Annotations written by apply tools and controllers as bookkeeping (N3). */
export const BOOKKEEPING_ANNOTATIONS: readonly string[] = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'kapp.k14s.io/original',
  'kapp.k14s.io/original-diff-md5',
  'kapp.k14s.io/identity',
  'deployment.kubernetes.io/revision',
  'argocd.argoproj.io/tracking-id',
];

/** Labels written by GitOps tools to track ownership (N3). */
export const BOOKKEEPING_LABELS: readonly string[] = ['kapp.k14s.io/app', 'kapp.k14s.io/association'];

/** Prefix of Flux's owner labels (N3); the directive keys below under it are intent and survive. */
export const FLUX_LABEL_PREFIX = 'kustomize.toolkit.fluxcd.io/';

/** Flux directives that may be set as labels by the author (`ssa`, `prune`, `force`, `reconcile`). */
const FLUX_DIRECTIVE_LABELS: ReadonlySet<string> = new Set(
  ['ssa', 'prune', 'force', 'reconcile'].map((directive) => FLUX_LABEL_PREFIX + directive),
);

/** Labels the Job controller writes into the pod template (N17). */
export const JOB_GENERATED_LABELS: readonly string[] = [
  'controller-uid',
  'job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-name',
];

/** Annotation prefixes the PV binder and provisioners write on claims and volumes (N14). */
const VOLUME_ANNOTATION_PREFIXES: readonly string[] = [
  'pv.kubernetes.io/',
  'volume.kubernetes.io/',
  'volume.beta.kubernetes.io/',
];

/** The legacy storage-class annotation is user intent, not binder bookkeeping. */
const VOLUME_ANNOTATIONS_KEPT: ReadonlySet<string> = new Set(['volume.beta.kubernetes.io/storage-class']);

/** Protection finalizers added by the API server (N14). */
const PROTECTION_FINALIZERS: ReadonlySet<string> = new Set(['kubernetes.io/pvc-protection', 'kubernetes.io/pv-protection']);

/** Token and pull secrets OpenShift links to every ServiceAccount, e.g. `default-dockercfg-x7k2p` (N14). */
const GENERATED_SA_SECRET = /-(dockercfg|token)-[a-z0-9]{5}$/;

/** OpenShift 4.16+ records the generated pull secret in this ServiceAccount annotation (N14). */
const SA_PULL_SECRET_ANNOTATION = 'openshift.io/internal-registry-pull-secret-ref';

/** Returns the normalized copy of `obj` (see the module comment for the rules). */
export function normalize(obj: KubeObject, options: NormalizeOptions): KubeObject {
  return normalizeWithFindings(obj, options).object;
}

/** Like {@link normalize}, and also returns the findings (duplicate merge keys, N13). */
export function normalizeWithFindings(obj: KubeObject, options: NormalizeOptions): NormalizeResult {
  const out = cloneJson(withoutManagedFields(obj));
  const kind = typeof out['kind'] === 'string' ? out['kind'] : undefined;
  const builtIn = builtInKind(out);

  dropServerFields(out); // N1, N2
  dropBookkeeping(out); // N3
  if (builtIn !== undefined) {
    dropControllerFields(out, builtIn); // N14, N17
  }
  if (builtIn === 'Secret') {
    foldSecretStringData(out); // N7
  }
  dropNulls(out, builtIn !== undefined); // N28
  if (options.mode === 'offline' && options.side === 'desired') {
    fillOfflineDefaults(out); // N18
  }
  rewriteValues(out, [], kind, builtIn !== undefined); // N10, N11, N8
  dropEmptyBags(out, [], kind); // N6
  const findings: Finding[] = [];
  sortKeyedLists(out, [], undefined, options.side, findings, listRulesFor(out)); // N12, N13
  return { object: out, findings };
}

/**
 * `obj` without `metadata.managedFields` (a shallow copy when it has them): N1 drops them, and in a server's
 * answer they are often the largest part of the object, not worth cloning first.
 */
function withoutManagedFields(obj: KubeObject): KubeObject {
  const metadata = obj['metadata'];
  if (!isJsonObject(metadata) || !('managedFields' in metadata)) return obj;
  const { managedFields: _dropped, ...rest } = metadata;
  return { ...obj, metadata: rest };
}

/** N1 server metadata (top level, and `creationTimestamp` in every nested template) and N2 `status`. */
function dropServerFields(obj: KubeObject): void {
  const metadata = childObject(obj, 'metadata');
  if (metadata !== undefined) {
    for (const field of SERVER_METADATA_FIELDS) {
      delete metadata[field];
    }
  }
  delete obj['status'];
  const visit = (value: JsonValue, key: string | undefined): void => {
    if (Array.isArray(value)) {
      value.forEach((item) => visit(item, undefined));
    } else if (isJsonObject(value)) {
      if (key === 'metadata') {
        delete value['creationTimestamp'];
      }
      for (const [childKey, child] of Object.entries(value)) {
        visit(child, childKey);
      }
    }
  };
  visit(obj, undefined);
  // Claim templates of a StatefulSet come back with `status: {phase: Pending}`.
  for (const template of childArray(childObject(obj, 'spec'), 'volumeClaimTemplates') ?? []) {
    if (isJsonObject(template)) {
      delete template['status'];
    }
  }
}

/** N3: bookkeeping annotations and labels of apply tools; our own annotations are not touched. */
function dropBookkeeping(obj: KubeObject): void {
  const annotations = objectAt(obj, 'metadata', 'annotations');
  if (annotations !== undefined) {
    for (const key of BOOKKEEPING_ANNOTATIONS) {
      delete annotations[key];
    }
  }
  const labels = objectAt(obj, 'metadata', 'labels');
  if (labels !== undefined) {
    for (const key of Object.keys(labels)) {
      if (BOOKKEEPING_LABELS.includes(key) || (key.startsWith(FLUX_LABEL_PREFIX) && !FLUX_DIRECTIVE_LABELS.has(key))) {
        delete labels[key];
      }
    }
  }
}

/** N14 fields set by controllers and the API server, N17 the Job controller's selector and labels. */
function dropControllerFields(obj: KubeObject, kind: string): void {
  const spec = childObject(obj, 'spec');
  const metadata = childObject(obj, 'metadata');
  switch (kind) {
    case 'Service':
      if (spec !== undefined) {
        // Allocated by the API server; `None` (headless) is the author's choice and stays.
        if (spec['clusterIP'] !== 'None') {
          delete spec['clusterIP'];
        }
        const clusterIPs = spec['clusterIPs'];
        if (!(Array.isArray(clusterIPs) && clusterIPs.length === 1 && clusterIPs[0] === 'None')) {
          delete spec['clusterIPs'];
        }
        delete spec['ipFamilies'];
        delete spec['ipFamilyPolicy'];
      }
      break;
    case 'PersistentVolumeClaim':
    case 'PersistentVolume':
      if (kind === 'PersistentVolumeClaim' && spec !== undefined) {
        delete spec['volumeName'];
      }
      dropVolumeAnnotations(metadata);
      break;
    case 'ServiceAccount':
      for (const listName of ['secrets', 'imagePullSecrets']) {
        const list = childArray(obj, listName);
        if (list !== undefined) {
          const kept = list.filter((ref) => !isGeneratedSecretRef(ref));
          if (kept.length === 0) {
            delete obj[listName];
          } else {
            obj[listName] = kept;
          }
        }
      }
      delete childObject(metadata, 'annotations')?.[SA_PULL_SECRET_ANNOTATION];
      break;
    case 'Job':
      if (spec !== undefined) {
        if (spec['manualSelector'] !== true) {
          delete spec['selector'];
        }
        const templateLabels = objectAt(spec, 'template', 'metadata', 'labels');
        for (const label of JOB_GENERATED_LABELS) {
          delete templateLabels?.[label];
        }
      }
      break;
    default:
      break;
  }
  const finalizers = childArray(metadata, 'finalizers');
  if (metadata !== undefined && finalizers !== undefined) {
    const kept = finalizers.filter((f) => !(typeof f === 'string' && PROTECTION_FINALIZERS.has(f)));
    if (kept.length === 0) {
      delete metadata['finalizers'];
    } else {
      metadata['finalizers'] = kept;
    }
  }
}

function isGeneratedSecretRef(ref: JsonValue): boolean {
  return isJsonObject(ref) && typeof ref['name'] === 'string' && GENERATED_SA_SECRET.test(ref['name']);
}

function dropVolumeAnnotations(metadata: JsonObject | undefined): void {
  const annotations = childObject(metadata, 'annotations');
  if (annotations === undefined) {
    return;
  }
  for (const key of Object.keys(annotations)) {
    if (!VOLUME_ANNOTATIONS_KEPT.has(key) && VOLUME_ANNOTATION_PREFIXES.some((prefix) => key.startsWith(prefix))) {
      delete annotations[key];
    }
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** N7: `stringData` is write-only; the API stores it base64-encoded in `data` (stringData wins). */
function foldSecretStringData(obj: KubeObject): void {
  if (obj['data'] === null) {
    delete obj['data'];
  }
  const stringData = childObject(obj, 'stringData');
  const data: JsonObject = childObject(obj, 'data') ?? {};
  if (stringData !== undefined) {
    for (const [key, value] of Object.entries(stringData)) {
      const text = value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
      data[key] = Buffer.from(text, 'utf8').toString('base64');
    }
    delete obj['stringData'];
  }
  for (const [key, value] of Object.entries(data)) {
    if (value === null) {
      data[key] = '';
    } else if (typeof value === 'string' && /\s/.test(value) && BASE64.test(value.replace(/\s+/g, ''))) {
      // Line-wrapped base64 (as `base64` prints it) is stored unwrapped by the API server.
      data[key] = value.replace(/\s+/g, '');
    }
  }
  if (stringData !== undefined || isJsonObject(obj['data'])) {
    obj['data'] = data;
  }
}

/**
 * N10 numeric strings in int-or-string port fields become numbers; N11 ports without a protocol get TCP
 * (built-in kinds only, custom resources are not defaulted by the API); N8 quantities are rendered
 * canonically (`1000m` → `1`, `1024Mi` → `1Gi`).
 */
function rewriteValues(value: JsonValue, path: string[], kind: string | undefined, builtIn: boolean): JsonValue {
  // `path` is one array for the whole walk (pushed and popped): a copy per node was most of this pass's time.
  if (Array.isArray(value)) {
    const listName = path[path.length - 1];
    path.push(LIST_ITEM);
    for (let i = 0; i < value.length; i += 1) {
      value[i] = rewriteValues(value[i] as JsonValue, path, kind, builtIn);
    }
    path.pop();
    if (builtIn && listName === 'ports') {
      for (const port of value) {
        const isPort = isJsonObject(port) && (port['containerPort'] !== undefined || port['port'] !== undefined);
        if (isPort && port['protocol'] === undefined) {
          port['protocol'] = 'TCP';
        }
      }
    }
    return value;
  }
  if (isJsonObject(value)) {
    for (const key of Object.keys(value)) {
      path.push(key);
      value[key] = rewriteValues(value[key] as JsonValue, path, kind, builtIn);
      path.pop();
    }
    return value;
  }
  if (typeof value === 'string' && /^\d+$/.test(value) && isIntOrStringField(path) && Number.isSafeInteger(Number(value))) {
    return Number(value);
  }
  if ((typeof value === 'string' || typeof value === 'number') && isQuantityField(kind, path)) {
    return tryParseQuantity(value) === undefined ? value : canonicalQuantity(value);
  }
  return value;
}

/** N6: drops empty bag maps, bottom-up, so `resources: {limits: {}}` disappears entirely. */
function dropEmptyBags(value: JsonValue, path: string[], kind: string | undefined): void {
  if (Array.isArray(value)) {
    path.push(LIST_ITEM);
    for (const item of value) dropEmptyBags(item, path, kind);
    path.pop();
    return;
  }
  if (!isJsonObject(value)) {
    return;
  }
  for (const key of Object.keys(value)) {
    const child = value[key] as JsonValue;
    path.push(key);
    dropEmptyBags(child, path, kind);
    if (isJsonObject(child) && Object.keys(child).length === 0 && isBagField(kind, path)) {
      delete value[key];
    }
    path.pop();
  }
}

/**
 * N28: `null` map values go (a `null` in an applied configuration removes the field, even one another manager
 * set, as kube-apiserver answers; a default then comes back, so defaults are filled after this); in built-in
 * kinds, empty lists go too (omitted by their Go types, so `[]`, `null` and absent are one value). Custom
 * resources keep `[]`: the API server stores it as sent.
 */
function dropNulls(value: JsonValue, builtIn: boolean, path: string[] = []): void {
  if (Array.isArray(value)) {
    path.push(LIST_ITEM);
    for (const item of value) dropNulls(item, builtIn, path);
    path.pop();
    return;
  }
  if (!isJsonObject(value)) {
    return;
  }
  for (const key of Object.keys(value)) {
    const child = value[key] as JsonValue;
    path.push(key);
    dropNulls(child, builtIn, path);
    path.pop();
    if (child === null && builtIn && isStringMap(path)) {
      // A map of strings decodes null as the empty string (kube-apiserver stores "").
      value[key] = '';
    } else if (child === null || (builtIn && Array.isArray(child) && child.length === 0)) {
      delete value[key];
    }
  }
}

/** Maps of strings in built-in kinds: labels, annotations, ConfigMap `data`. */
function isStringMap(path: readonly string[]): boolean {
  const last = path[path.length - 1];
  return ((last === 'labels' || last === 'annotations') && path[path.length - 2] === 'metadata') || (path.length === 1 && last === 'data');
}

/** N12 sorts keyed lists by merge key (and set lists by value); N13 reports duplicate keys. */
function sortKeyedLists(
  value: JsonValue,
  steps: PathStep[],
  listName: string | undefined,
  side: Side,
  findings: Finding[],
  rules: ListRules,
): void {
  if (Array.isArray(value)) {
    const rule = rules === BUILT_IN_LISTS ? undefined : rules(fieldNamePath(steps));
    const fields = mergeKeyFor(listName, value, rule);
    if (fields !== undefined) {
      value.sort((a, b) => compareByKey(a, b, fields));
      reportDuplicates(value, steps, listName, fields, side, findings);
    } else if (isSetList(listName, value, rule)) {
      value.sort(compareScalars);
    }
    value.forEach((item, index) => {
      steps.push(itemStepByKey(item, index, fields));
      sortKeyedLists(item, steps, undefined, side, findings, rules);
      steps.pop();
    });
    return;
  }
  if (isJsonObject(value)) {
    // `steps` is one array for the whole walk (pushed and popped); a finding copies what it names.
    for (const key of Object.keys(value)) {
      steps.push(fieldStep(key));
      sortKeyedLists(value[key] as JsonValue, steps, key, side, findings, rules);
      steps.pop();
    }
  }
}

function reportDuplicates(
  list: JsonValue[],
  steps: PathStep[],
  listName: string | undefined,
  fields: readonly [string, ...string[]],
  side: Side,
  findings: Finding[],
): void {
  const counts = new Map<string, number>();
  for (const item of list) {
    const id = itemKeyId(item, fields);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const reported = new Set<string>();
  list.forEach((item, index) => {
    const id = itemKeyId(item, fields);
    const count = counts.get(id) ?? 0;
    if (count > 1 && !reported.has(id)) {
      reported.add(id);
      const key = itemKeyParts(item, fields)
        .map(([field, v]) => `${field}=${v}`)
        .join(',');
      findings.push({
        rule: 'N13',
        side,
        path: renderPath([...steps, itemStep(listName, list, index, { type: 'map', keys: fields })]),
        message:
          `${side} object lists ${count} ${listName ?? 'list'} items with ${key}; ` +
          'the API server merges them into one, so only one of them takes effect.',
      });
    }
  });
}
