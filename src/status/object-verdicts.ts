import type { Change } from '../diff/compare-objects.js';
import { compareObjects } from '../diff/compare-objects.js';
import type { JsonObject } from '../diff/json.js';
import { apiGroup, type KubeObject, objectKey } from '../kube/kube-object.js';
import type { ObjectTypeRef } from '../live/object-type.js';
import { EVIDENCE_CONFIGMAP, jobEvidence, shortDigest } from './evidence.js';
import type { LiveSource, SourceListing } from './live-source.js';

/** What is known about one desired object in the live cluster. */
export type Verdict =
  | 'in-sync'
  | 'not-ready'
  | 'changed'
  | 'missing'
  | 'job-succeeded'
  | 'job-running'
  | 'job-failed'
  | 'job-not-run'
  | 'forbidden'
  | 'missing-crd'
  | 'immutable'
  | 'error';

/** Verdicts that mean "this part of the phase is done". */
export const SATISFIED: ReadonlySet<Verdict> = new Set(['in-sync', 'job-succeeded']);
/** Verdicts that mean "not readable", so nothing can be said. */
export const UNKNOWN: ReadonlySet<Verdict> = new Set(['forbidden', 'missing-crd', 'error']);

/** One thing to check: a desired object, or the removals a JSON patch Job makes on a live object. */
export interface DesiredCheck {
  /** The desired object (for removal checks, a stub naming the object). */
  readonly object: KubeObject;
  /** JSON pointers that must be absent live (MySQL detach). */
  readonly removedPaths?: readonly string[];
  /**
   * The check is the outcome of a JSON patch Job: `object` is a fragment compared with the live object as it
   * is (no server-side apply dry run: the Job patches, nothing applies the fragment).
   */
  readonly patched?: boolean;
  /** Partial object (server-side apply of our fields only). */
  readonly partial: boolean;
  /** The object must be gone: a phase's Job deletes it (`object` is a stub naming it). */
  readonly absent?: boolean;
}

/** The verdict on one check. Values in `changes` are masked. */
export interface ObjectVerdict {
  readonly ref: { readonly apiVersion: string; readonly kind: string; readonly namespace?: string; readonly name: string };
  readonly verdict: Verdict;
  readonly partial: boolean;
  /** One line when the verdict needs explaining (a Job's summary, an API error, a readiness gap). */
  readonly reason?: string;
  /**
   * Jobs only: the digest (first 12 hex digits) of the plan the Job ran for, when its evidence records another
   * version of the plan than the one compared now. The Job's work is done, for inputs that may have changed.
   */
  readonly otherPlan?: string;
  readonly changes: readonly Change[];
}

/** Options of {@link ObjectJudge}. */
export interface ObjectJudgeOptions {
  /** Field manager of the server-side apply dry-run (the engine's). */
  readonly fieldManager: string;
}

/**
 * Reads the live objects once (one LIST per kind and namespace) and judges desired objects against
 * them, caching verdicts so an object carried unchanged through many phases is compared once.
 */
export class ObjectJudge {
  /**
   * The LIST calls a set of checks needs: every (apiVersion, kind, namespace), plus Jobs and evidence, plus
   * `extra` listings read for the report itself (the APIManager, for the upgrade).
   */
  public static listRefs(checks: readonly DesiredCheck[], extra: readonly ObjectTypeRef[] = []): ObjectTypeRef[] {
    const refs = new Map<string, ObjectTypeRef>();
    const add = (apiVersion: string, kind: string, namespace?: string) => refs.set(`${apiGroup(apiVersion)}/${kind}/${namespace ?? ''}`, { apiVersion, kind, namespace });
    for (const r of extra) add(r.apiVersion, r.kind, r.namespace);
    for (const c of checks) {
      const o = c.object;
      add(o.apiVersion, o.kind, o.metadata.namespace);
      if (o.kind === 'Job') add('v1', 'ConfigMap', o.metadata.namespace);
    }
    return [...refs.values()].sort((a, b) => (`${a.kind}/${a.namespace}` < `${b.kind}/${b.namespace}` ? -1 : 1));
  }

  private readonly listings = new Map<string, SourceListing>();
  private readonly cache = new Map<string, Promise<ObjectVerdict>>();

  public constructor(
    private readonly source: LiveSource,
    private readonly options: ObjectJudgeOptions,
  ) {}

  /** Reads every listing the checks (and `extra`) need, in one call; call once before {@link judge}. */
  public async load(checks: readonly DesiredCheck[], extra: readonly ObjectTypeRef[] = []): Promise<void> {
    for (const listing of await this.source.list(ObjectJudge.listRefs(checks, extra))) {
      this.listings.set(listingKey(listing.ref.apiVersion, listing.ref.kind, listing.ref.namespace), listing);
    }
  }

  /** The verdict on one check (cached by object identity and content). */
  public judge(check: DesiredCheck): Promise<ObjectVerdict> {
    const key = `${objectKey(check.object)}\u0000${JSON.stringify(check.object)}\u0000${(check.removedPaths ?? []).join(',')}\u0000${check.absent === true}`;
    let verdict = this.cache.get(key);
    if (!verdict) {
      verdict = this.evaluate(check).then(inDocumentedOrder);
      this.cache.set(key, verdict);
    }
    return verdict;
  }

  /** The listing of one (apiVersion, kind, namespace) read by {@link load}, or undefined when it was not asked for. */
  public listing(ref: ObjectTypeRef): SourceListing | undefined {
    return this.listings.get(listingKey(ref.apiVersion, ref.kind, ref.namespace));
  }

  /** The live object with the identity of `o`, if it was listed. */
  public live(o: KubeObject): KubeObject | undefined {
    const listing = this.listings.get(listingKey(o.apiVersion, o.kind, o.metadata.namespace));
    return listing?.ok ? listing.items.find((i) => i.metadata.name === o.metadata.name) : undefined;
  }

  private async evaluate(check: DesiredCheck): Promise<ObjectVerdict> {
    const o = check.object;
    const ref = { apiVersion: o.apiVersion, kind: o.kind, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name };
    const base = { ref, partial: check.partial, changes: [] as Change[] };
    const listing = this.listings.get(listingKey(o.apiVersion, o.kind, o.metadata.namespace));
    if (!listing) return { ...base, verdict: 'error', reason: 'not listed' };
    if (!listing.ok) return { ...base, verdict: unreadableVerdict(listing.error.kind), reason: listing.error.message };
    const live = listing.items.find((i) => i.metadata.name === o.metadata.name);

    if (check.absent) return live ? { ...base, verdict: 'changed', reason: 'still present; a Job of the phase deletes it' } : { ...base, verdict: 'in-sync' };
    if (o.kind === 'Job') {
      // A finished Job may be gone (TTL, hook policy): then only its record can tell, and an unreadable record
      // means nothing can be said, not that the Job never ran.
      const records = this.listings.get(listingKey('v1', 'ConfigMap', o.metadata.namespace));
      if (!live && records && !records.ok) return { ...base, verdict: unreadableVerdict(records.error.kind), reason: records.error.message };
      const evidence = this.live({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: EVIDENCE_CONFIGMAP, namespace: o.metadata.namespace! } });
      const e = jobEvidence(o, evidence, live);
      const verdict: Verdict = e.state === 'succeeded' ? 'job-succeeded' : e.state === 'failed' ? 'job-failed' : e.state === 'running' ? 'job-running' : 'job-not-run';
      return { ...base, verdict, reason: e.finishedAt ? `${e.detail} (finished ${e.finishedAt})` : e.detail, ...(e.otherPlan ? { otherPlan: shortDigest(e.otherPlan.recorded) } : {}) };
    }
    if (!live) return { ...base, verdict: 'missing' };

    let desired = o;
    let mode: 'live' | 'offline' = 'offline';
    if (this.source.dryRun && !check.removedPaths && !check.patched) {
      const dry = await this.source.dryRun(o, this.options.fieldManager);
      if (!dry.ok) {
        const kind = dry.error.kind;
        const verdict: Verdict = kind === 'immutable' ? 'immutable' : kind === 'forbidden' ? 'forbidden' : kind === 'missing-crd' ? 'missing-crd' : 'error';
        return { ...base, verdict, reason: dry.error.message };
      }
      desired = dry.object;
      mode = 'live';
    }
    const result = compareObjects(desired as unknown as JsonObject, live as unknown as JsonObject, { mode, removedPaths: check.removedPaths });
    if (result.result === 'changed') return { ...base, verdict: 'changed', changes: result.changes };
    const notReady = readinessGap(o, live);
    return notReady ? { ...base, verdict: 'not-ready', reason: notReady } : { ...base, verdict: 'in-sync' };
  }
}

/** The verdict with its keys in the order the README documents for `diff -o json`. */
function inDocumentedOrder(v: ObjectVerdict): ObjectVerdict {
  return { ref: v.ref, verdict: v.verdict, partial: v.partial, ...(v.reason !== undefined ? { reason: v.reason } : {}), ...(v.otherPlan !== undefined ? { otherPlan: v.otherPlan } : {}), changes: v.changes };
}

/** The verdict on an object whose LIST failed. */
function unreadableVerdict(kind: string): Verdict {
  return kind === 'forbidden' ? 'forbidden' : kind === 'missing-crd' ? 'missing-crd' : 'error';
}

function listingKey(apiVersion: string, kind: string, namespace: string | undefined): string {
  return `${apiGroup(apiVersion)}/${kind}/${namespace ?? ''}`;
}

/**
 * Why an object that matches is not done yet (pods not ready, volume lost), or undefined. A Pending claim is
 * done: a claim of a WaitForFirstConsumer class binds only when its first pod starts (the new Redis claims
 * of prepare get theirs two phases later), and the Deployment or Job that uses it reports whether it starts.
 */
function readinessGap(desired: KubeObject, live: KubeObject): string | undefined {
  const status = (live.status ?? {}) as Record<string, unknown>;
  // A DeploymentConfig reports its pods with the same status fields as a Deployment.
  if (live.kind === 'Deployment' || live.kind === 'DeploymentConfig') {
    const wanted = ((desired.spec as { replicas?: number } | undefined)?.replicas ?? (live.spec as { replicas?: number } | undefined)?.replicas) ?? 1;
    const ready = (status.readyReplicas as number | undefined) ?? 0;
    const replicas = (status.replicas as number | undefined) ?? 0;
    if (wanted > 0 && ready < wanted) return `${ready}/${wanted} pods ready`;
    if (wanted === 0 && replicas > 0) return `${replicas} pods still running`;
  }
  if (live.kind === 'PersistentVolumeClaim' && status.phase === 'Lost') return 'volume Lost';
  return undefined;
}
