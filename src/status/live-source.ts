import { apiGroup, type KubeObject } from '../kube/kube-object.js';
import type { LiveReadError } from '../live/kube-errors.js';
import type { DryRunApplyResult, LiveReader } from '../live/live-reader.js';
import type { ObjectTypeRef } from '../live/object-type.js';
import { type PodLogRequest, type PodLogResult, readPodLog } from '../live/pod-log.js';

/** Objects of one (apiVersion, kind, namespace), or why they could not be read. */
export type SourceListing = { readonly ref: ObjectTypeRef; readonly ok: true; readonly items: readonly KubeObject[] } | { readonly ref: ObjectTypeRef; readonly ok: false; readonly error: LiveReadError };

/**
 * Where the live state comes from: a cluster (exact: the desired side comes from a server-side apply
 * dry-run) or an exported `oc get -o yaml` List (approximate: defaults are filled in from a table).
 */
export interface LiveSource {
  /** `live` for a cluster, `offline` for an export. */
  readonly mode: 'live' | 'offline';
  /** One line naming the source, for reports. */
  readonly description: string;
  /** One LIST per (apiVersion, kind, namespace). */
  list(refs: readonly ObjectTypeRef[]): Promise<SourceListing[]>;
  /** What the server would store if `obj` were applied (live mode only). */
  dryRun?(obj: KubeObject, fieldManager: string): Promise<DryRunApplyResult>;
  /** The bounded tail of one container log (live mode only: an export holds no logs). */
  readLog?(request: PodLogRequest): Promise<PodLogResult>;
}

/** A cluster read through the live reader. */
export class ClusterSource implements LiveSource {
  public readonly mode = 'live' as const;
  public readonly description: string;

  public constructor(private readonly reader: LiveReader) {
    this.description = `cluster ${reader.client.server}`;
  }

  public async list(refs: readonly ObjectTypeRef[]): Promise<SourceListing[]> {
    const outcomes = await this.reader.listEach(refs);
    return outcomes.map((o, i) => (o.ok ? { ref: refs[i]!, ok: true, items: o.items } : { ref: refs[i]!, ok: false, error: o.error }));
  }

  public dryRun(obj: KubeObject, fieldManager: string): Promise<DryRunApplyResult> {
    return this.reader.dryRunApply(obj, fieldManager, { force: true });
  }

  public readLog(request: PodLogRequest): Promise<PodLogResult> {
    return readPodLog(this.reader.client, request);
  }
}

/** An exported List (or a folder of them), already read. */
export class ExportSource implements LiveSource {
  public readonly mode = 'offline' as const;
  public readonly description: string;

  public constructor(
    private readonly objects: readonly KubeObject[],
    file: string,
  ) {
    this.description = `exported objects in ${file} (offline, approximate)`;
  }

  public async list(refs: readonly ObjectTypeRef[]): Promise<SourceListing[]> {
    return refs.map((ref) => ({
      ref,
      ok: true as const,
      items: this.objects.filter(
        (o) => apiGroup(o.apiVersion) === apiGroup(ref.apiVersion) && o.kind === ref.kind && (ref.namespace === undefined || o.metadata.namespace === ref.namespace),
      ),
    }));
  }
}
