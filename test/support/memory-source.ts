/**
 * An in-memory `LiveSource` for the unit suites of src/status: a cluster (`live`: the server-side apply
 * dry-run merges the object it is given into the live one, as a server without defaults would when other
 * managers own every live field: maps merged, keyed list items merged by merge key, other lists replaced;
 * without a live object it returns the object as given) or an export (`offline`: no dry-run). LIST and
 * dry-run failures can be injected, and every call is recorded.
 */
import { isJsonObject, type JsonValue } from '../../src/diff/json.js';
import { itemKeyId, mergeKeyFor } from '../../src/diff/list-keys.js';
import { apiGroup, type KubeObject, objectKey } from '../../src/kube/kube-object.js';
import { LiveReadError, type LiveReadErrorKind } from '../../src/live/kube-errors.js';
import type { DryRunApplyResult } from '../../src/live/live-reader.js';
import type { ObjectTypeRef } from '../../src/live/object-type.js';
import { EVIDENCE_CONFIGMAP } from '../../src/status/evidence.js';
import type { LiveSource, SourceListing } from '../../src/status/live-source.js';

/** A `LiveReadError` of one kind, with a message in the reader's style. */
export function readError(kind: LiveReadErrorKind, message = `cannot read it: ${kind}`): LiveReadError {
  return new LiveReadError({ kind, message, object: 'test' });
}

export class MemorySource implements LiveSource {
  public readonly description: string;
  /** The refs of every `list` call, in order. */
  public readonly listCalls: ObjectTypeRef[][] = [];
  /** Every dry-run, in order. */
  public readonly dryRunCalls: { readonly object: KubeObject; readonly fieldManager: string }[] = [];
  public readonly dryRun?: (obj: KubeObject, fieldManager: string) => Promise<DryRunApplyResult>;
  private readonly listFailures = new Map<string, LiveReadError>();
  private readonly dryRunFailures = new Map<string, LiveReadError>();

  public constructor(
    public objects: KubeObject[],
    public readonly mode: 'live' | 'offline' = 'live',
  ) {
    this.description = `in-memory ${mode} source`;
    if (mode === 'live') {
      this.dryRun = async (obj, fieldManager) => {
        this.dryRunCalls.push({ object: obj, fieldManager });
        const error = this.dryRunFailures.get(objectKey(obj));
        if (error) return { ok: false, error };
        const live = this.objects.find((o) => objectKey(o) === objectKey(obj));
        const object = live ? (mergeApplied(live as unknown as JsonValue, obj as unknown as JsonValue, undefined) as unknown as KubeObject) : structuredClone(obj);
        return { ok: true, object, created: live === undefined };
      };
    }
  }

  /** LISTs of `kind` in `namespace` (undefined: cluster-wide) fail with `error`. */
  public failList(kind: string, namespace: string | undefined, error: LiveReadError): this {
    this.listFailures.set(`${kind}/${namespace ?? ''}`, error);
    return this;
  }

  /** The dry-run of the object with the identity of `o` fails with `error`. */
  public failDryRun(o: KubeObject, error: LiveReadError): this {
    this.dryRunFailures.set(objectKey(o), error);
    return this;
  }

  public async list(refs: readonly ObjectTypeRef[]): Promise<SourceListing[]> {
    this.listCalls.push([...refs]);
    return refs.map((ref) => {
      const error = this.listFailures.get(`${ref.kind}/${ref.namespace ?? ''}`);
      if (error) return { ref, ok: false as const, error };
      const items = this.objects.filter((o) => apiGroup(o.apiVersion) === apiGroup(ref.apiVersion) && o.kind === ref.kind && (ref.namespace === undefined || o.metadata.namespace === ref.namespace));
      return { ref, ok: true as const, items };
    });
  }
}

/** `applied` laid over `live`: maps merged, keyed list items merged by key (live extras kept), other lists and scalars replaced. */
function mergeApplied(live: JsonValue | undefined, applied: JsonValue, listName: string | undefined): JsonValue {
  if (isJsonObject(live) && isJsonObject(applied)) {
    const out = structuredClone(live);
    for (const [key, value] of Object.entries(applied)) out[key] = mergeApplied(live[key], value, key);
    return out;
  }
  if (Array.isArray(live) && Array.isArray(applied)) {
    const fields = mergeKeyFor(listName, applied);
    if (fields === undefined || mergeKeyFor(listName, live) === undefined) return structuredClone(applied);
    const out = live.map((item) => {
      const match = applied.find((a) => itemKeyId(a, fields) === itemKeyId(item, fields));
      return match === undefined ? structuredClone(item) : mergeApplied(item, match, undefined);
    });
    for (const a of applied) if (!live.some((item) => itemKeyId(item, fields) === itemKeyId(a, fields))) out.push(structuredClone(a));
    return out;
  }
  return structuredClone(applied);
}

/**
 * The objects as the controllers leave them: every Deployment with all the pods it asks for ready (none at
 * 0 replicas), every PersistentVolumeClaim Bound, every ImageStream tag imported, every Route admitted, and
 * every OLM Subscription AtLatestKnown on a CSV that Succeeded (the CSV added beside it, as OLM creates it).
 */
export function settled(objects: readonly KubeObject[]): KubeObject[] {
  return objects.flatMap((o) => {
    if (o.kind === 'Deployment') {
      const replicas = (o.spec as { replicas?: number } | undefined)?.replicas ?? 1;
      return [{ ...o, status: replicas > 0 ? { replicas, readyReplicas: replicas, availableReplicas: replicas } : {} }];
    }
    if (o.kind === 'PersistentVolumeClaim') return [{ ...o, status: { phase: 'Bound' } }];
    if (o.kind === 'ImageStream') return [{ ...o, status: { tags: importedTags(o) } }];
    if (o.kind === 'Route') return [{ ...o, status: { ingress: [{ routerName: 'default', host: (o.spec as { host?: string } | undefined)?.host, conditions: [{ type: 'Admitted', status: 'True' }] }] } }];
    if (o.kind === 'Subscription') return olmInstalled(o, settledCsvName(o));
    return [o];
  });
}

/** The CSV name the settled Subscription installed: `<package>.<channel>` (no catalog to ask here). */
function settledCsvName(subscription: KubeObject): string {
  const spec = (subscription.spec ?? {}) as { name?: string; channel?: string };
  return `${spec.name ?? subscription.metadata.name}.${spec.channel ?? 'stable'}`;
}

/** The Subscription as OLM leaves it once `csv` is installed, and that CSV in phase `phase`. */
export function olmInstalled(subscription: KubeObject, csv: string, phase = 'Succeeded'): KubeObject[] {
  const namespace = subscription.metadata.namespace;
  return [
    { ...subscription, status: { state: 'AtLatestKnown', currentCSV: csv, installedCSV: csv } },
    { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'ClusterServiceVersion', metadata: { name: csv, ...(namespace ? { namespace } : {}) }, status: { phase } },
  ];
}

/** One imported image per tag of the ImageStream's spec. */
function importedTags(stream: KubeObject): { tag: string; items: { image: string }[] }[] {
  const tags = ((stream.spec as { tags?: { name?: string }[] } | undefined)?.tags ?? []).map((t) => t.name).filter((n): n is string => typeof n === 'string');
  return tags.map((tag) => ({ tag, items: [{ image: `sha256:${'0'.repeat(64)}` }] }));
}

/** One step's record, as charts/scripts/lib/evidence.sh writes it. */
export interface EvidenceRecord {
  readonly phase: 'Running' | 'Succeeded' | 'Failed' | 'Undone';
  readonly result?: string;
  readonly finishedAt?: string;
  /** The plan digest the Job ran with (absent: a record written before digests were recorded). */
  readonly jobSha256?: string;
}

/** The evidence ConfigMap of a namespace holding the given records, by step (Job name). */
export function evidenceConfigMap(namespace: string, records: Readonly<Record<string, EvidenceRecord>>): KubeObject {
  const data: Record<string, string> = {};
  for (const [step, r] of Object.entries(records)) {
    data[`${step}.phase`] = r.phase;
    data[`${step}.inputsChecksum`] = 'test';
    data[`${step}.finishedAt`] = r.finishedAt ?? (r.phase === 'Running' ? '' : '2025-01-01T00:00:00Z');
    data[`${step}.result`] = r.result ?? `${step} ${r.phase.toLowerCase()}`;
    if (r.jobSha256 !== undefined) data[`${step}.jobSha256`] = r.jobSha256;
  }
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: EVIDENCE_CONFIGMAP, namespace }, data };
}

/** The evidence ConfigMaps recording every given Job with the same end, one per namespace. */
export function evidenceOf(jobs: readonly KubeObject[], phase: EvidenceRecord['phase'] = 'Succeeded'): KubeObject[] {
  const byNamespace = new Map<string, Record<string, EvidenceRecord>>();
  for (const job of jobs) {
    const ns = job.metadata.namespace ?? '';
    byNamespace.set(ns, { ...(byNamespace.get(ns) ?? {}), [job.metadata.name]: { phase } });
  }
  return [...byNamespace.entries()].map(([ns, records]) => evidenceConfigMap(ns, records));
}
