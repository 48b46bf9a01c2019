import type { Change } from '../diff/compare-objects.js';
import { asEngineApplies } from './engine-tracking.js';
import { compareObjects } from '../diff/compare-objects.js';
import { droppedPaths } from '../diff/dropped-paths.js';
import type { RelatedRef } from '../health/health.js';
import { healthOf, relatedListings } from '../health/registry.js';
import type { JsonObject } from '../diff/json.js';
import { apiGroup, type KubeObject, objectKey } from '../kube/kube-object.js';
import type { ObjectTypeRef } from '../live/object-type.js';
import { EVIDENCE_CONFIGMAP, evidenceField } from '../contract/on-cluster.js';
import { evidenceTargets, jobEvidence, shortDigest, TARGET_API_VERSIONS, type EvidenceTarget } from './evidence.js';
import type { LiveSource, SourceListing } from './live-source.js';

/** What is known about one desired object in the live cluster. */
export type Verdict =
  | 'in-sync'
  | 'not-ready'
  | 'degraded'
  | 'changed'
  | 'missing'
  | 'job-succeeded'
  | 'job-running'
  | 'job-failed'
  | 'job-not-run'
  | 'job-stale'
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
  /**
   * The versions of the object that earlier phases of the plan applied. Offline, every field they set that
   * `object` no longer has must be absent live (server-side apply removes what its manager stops setting);
   * live, the dry-run answer already says so.
   */
  readonly earlier?: readonly KubeObject[];
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
      for (const r of relatedListings(o)) add(r.apiVersion, r.kind, r.namespace);
    }
    return [...refs.values()].sort((a, b) => (`${a.kind}/${a.namespace}` < `${b.kind}/${b.namespace}` ? -1 : 1));
  }

  private readonly listings = new Map<string, SourceListing>();
  private readonly cache = new Map<string, Promise<ObjectVerdict>>();

  public constructor(
    private readonly source: LiveSource,
    private readonly options: ObjectJudgeOptions,
  ) {}

  /**
   * Reads every listing the checks (and `extra`) need; call once before {@link judge}. A second call lists
   * the kinds the Jobs' records name as their targets (the PVC or Deployment a copy filled), when any.
   */
  public async load(checks: readonly DesiredCheck[], extra: readonly ObjectTypeRef[] = []): Promise<void> {
    await this.read(ObjectJudge.listRefs(checks, extra));
    const targets = checks.filter((c) => c.object.kind === 'Job').flatMap((c) => evidenceTargets(this.evidenceOf(c.object.metadata.namespace), c.object.metadata.name));
    const refs = new Map<string, ObjectTypeRef>();
    for (const t of targets) {
      const apiVersion = TARGET_API_VERSIONS[t.kind];
      const key = apiVersion === undefined ? undefined : listingKey(apiVersion, t.kind, t.namespace);
      if (key !== undefined && !this.listings.has(key)) refs.set(key, { apiVersion: apiVersion!, kind: t.kind, namespace: t.namespace });
    }
    if (refs.size > 0) await this.read([...refs.values()]);
  }

  private async read(refs: readonly ObjectTypeRef[]): Promise<void> {
    for (const listing of await this.source.list(refs)) {
      this.listings.set(listingKey(listing.ref.apiVersion, listing.ref.kind, listing.ref.namespace), listing);
    }
  }

  private evidenceOf(namespace: string | undefined): KubeObject | undefined {
    return this.live({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: EVIDENCE_CONFIGMAP, namespace: namespace ?? '' } });
  }

  /** A Job's target as listed: the object, undefined when absent, null when its kind was not readable. */
  private target(t: EvidenceTarget): KubeObject | undefined | null {
    const apiVersion = TARGET_API_VERSIONS[t.kind];
    const listing = apiVersion === undefined ? undefined : this.listings.get(listingKey(apiVersion, t.kind, t.namespace));
    return listing?.ok ? listing.items.find((i) => i.metadata.name === t.name) : null;
  }

  /** The verdict on one check (cached by object identity and content). */
  public judge(check: DesiredCheck): Promise<ObjectVerdict> {
    const key = `${objectKey(check.object)}\u0000${JSON.stringify(check.object)}\u0000${(check.removedPaths ?? []).join(',')}\u0000${check.absent === true}\u0000${JSON.stringify(check.earlier ?? [])}`;
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

  /** Whether a Job is live or its step has an evidence record (of any phase, `Undone` included). */
  public jobKnown(job: KubeObject): boolean {
    const data = this.evidenceOf(job.metadata.namespace)?.data as Record<string, string> | undefined;
    return this.live(job) !== undefined || evidenceField(data, job.metadata.name, 'phase') !== undefined;
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
      const e = jobEvidence(o, this.evidenceOf(o.metadata.namespace), live, (t) => this.target(t));
      const verdict: Verdict = e.state === 'succeeded' ? 'job-succeeded' : e.state === 'failed' ? 'job-failed' : e.state === 'running' ? 'job-running' : e.state === 'stale' ? 'job-stale' : 'job-not-run';
      return { ...base, verdict, reason: e.finishedAt ? `${e.detail} (finished ${e.finishedAt})` : e.detail, ...(e.otherPlan ? { otherPlan: shortDigest(e.otherPlan.recorded) } : {}) };
    }
    if (!live) return { ...base, verdict: 'missing' };

    let desired = o;
    let mode: 'live' | 'offline' = 'offline';
    if (this.source.dryRun && !check.removedPaths && !check.patched) {
      const dry = await this.source.dryRun(asEngineApplies(o, live, this.options.fieldManager), this.options.fieldManager);
      if (!dry.ok) {
        const kind = dry.error.kind;
        const verdict: Verdict = kind === 'immutable' ? 'immutable' : kind === 'forbidden' ? 'forbidden' : kind === 'missing-crd' ? 'missing-crd' : 'error';
        return { ...base, verdict, reason: dry.error.message };
      }
      desired = dry.object;
      mode = 'live';
    }
    // Live: the dry-run answer is the whole object the server would store (what the field manager stopped
    // setting removed, what other managers own kept), so the whole of it is compared with the whole live
    // object. Offline: the desired object's fields, and the fields earlier phases set and it dropped.
    const removedPaths = mode === 'live' ? undefined : (check.removedPaths ?? (check.patched ? undefined : droppedPaths((check.earlier ?? []) as unknown as JsonObject[], o as unknown as JsonObject)));
    const result = compareObjects(desired as unknown as JsonObject, live as unknown as JsonObject, { mode, wholeObject: mode === 'live', removedPaths });
    if (result.result === 'changed') {
      const stranger = mode === 'live' ? notApplied(live, this.options.fieldManager) : undefined;
      return { ...base, verdict: 'changed', ...(stranger ? { reason: stranger } : {}), changes: result.changes };
    }
    const health = healthOf({ live, desired: o, related: (r) => this.related(r) });
    // Progressing waits; degraded (a rejected Route, a Failed CSV, a rollout past its deadline) will not get better by waiting.
    if (health.status === 'healthy') return { ...base, verdict: 'in-sync' };
    return { ...base, verdict: health.status === 'degraded' ? 'degraded' : 'not-ready', reason: health.message };
  }

  /** An object a health rule reads besides the one judged: as listed, undefined when absent, null when its listing is missing or failed. */
  private related(r: RelatedRef): KubeObject | undefined | null {
    const listing = this.listings.get(listingKey(r.apiVersion, r.kind, r.namespace));
    return listing?.ok ? listing.items.find((i) => i.metadata.name === r.name) : null;
  }
}

/**
 * Why a live object carries nothing of the field manager, when its managedFields show other managers only:
 * it was recreated (by an operator, say) or never applied, so whatever the manager set before is not there.
 * Undefined when the manager has fields on it, or the object has no managedFields to tell.
 */
function notApplied(live: KubeObject, fieldManager: string): string | undefined {
  const entries = Array.isArray(live.metadata.managedFields) ? (live.metadata.managedFields as { manager?: unknown }[]) : [];
  if (entries.length === 0 || entries.some((e) => e.manager === fieldManager)) return undefined;
  const managers = [...new Set(entries.map((e) => String(e.manager)))].sort().join(', ');
  const uid = typeof live.metadata.uid === 'string' ? `uid ${live.metadata.uid}` : 'no uid';
  const created = typeof live.metadata.creationTimestamp === 'string' ? `, created ${live.metadata.creationTimestamp}` : '';
  return `${fieldManager} has applied nothing to the live object (${uid}${created}; its fields belong to ${managers}): it was recreated since, or never applied`;
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
