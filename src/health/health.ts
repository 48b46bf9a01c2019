import type { KubeObject } from '../kube/kube-object.js';
import type { ObjectTypeRef } from '../live/object-type.js';

/**
 * Where a live object stands once its fields match: `healthy` (done), `progressing` (its controller is still
 * at work: the phase waits) or `degraded` (it failed: waiting will not help).
 */
export type HealthStatus = 'healthy' | 'progressing' | 'degraded';

/** A verdict and one sentence saying what is waited for (or what is wrong, or what made it healthy). */
export interface Health {
  readonly status: HealthStatus;
  readonly message: string;
}

/** One object another object's health depends on (the CSV a Subscription installed). */
export interface RelatedRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** The related object as listed; `undefined` when it does not exist, `null` when its kind could not be read. */
export type RelatedLookup = (ref: RelatedRef) => KubeObject | undefined | null;

/** What a health function reads. */
export interface HealthInput {
  /** The live object. */
  readonly live: KubeObject;
  /** The desired object it was compared with, when there is one (its replicas are the ones wanted). */
  readonly desired?: KubeObject;
  /** Other live objects, when the kind's entry names their types in `relatedTypes`. */
  readonly related: RelatedLookup;
}

/** The health rule of one kind, as the dispatch table holds it. */
export interface KindHealth {
  /** API group; `''` for the core group. */
  readonly group: string;
  readonly kind: string;
  /** What counts as healthy, in one sentence (the README's table). */
  readonly healthyWhen: string;
  /** The reference rule it follows (the README's table). */
  readonly reference: string;
  readonly check: (input: HealthInput) => Health;
  /** The types (listed in the object's namespace) `check` looks up through `related`. */
  readonly relatedTypes?: (live: KubeObject) => readonly ObjectTypeRef[];
}

export const healthy = (message: string): Health => ({ status: 'healthy', message });
export const progressing = (message: string): Health => ({ status: 'progressing', message });
export const degraded = (message: string): Health => ({ status: 'degraded', message });

/** A condition as controllers write them. */
export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

/** The object's `status`, or an empty record. */
export function statusOf(o: KubeObject): Record<string, unknown> {
  const status = o.status;
  return status !== null && typeof status === 'object' && !Array.isArray(status) ? (status as Record<string, unknown>) : {};
}

/** The object's `spec`, or an empty record. */
export function specOf(o: KubeObject | undefined): Record<string, unknown> {
  const spec = o?.spec;
  return spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? (spec as Record<string, unknown>) : {};
}

/** The well-formed entries of `status.conditions`. */
export function conditionsOf(o: KubeObject): Condition[] {
  const raw = statusOf(o).conditions;
  if (!Array.isArray(raw)) return [];
  return raw.filter((c): c is Condition => c !== null && typeof c === 'object' && typeof (c as Condition).type === 'string' && typeof (c as Condition).status === 'string');
}

/** The condition of `type` whose status is `True`, if any. */
export function trueCondition(o: KubeObject, type: string): Condition | undefined {
  return conditionsOf(o).find((c) => c.type === type && c.status === 'True');
}

/** A number field, or undefined when absent or not a number. */
export function numberAt(record: Record<string, unknown>, key: string): number | undefined {
  const value = record[key];
  return typeof value === 'number' ? value : undefined;
}

/** A string field, or undefined when absent or not a string. */
export function stringAt(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

/** `: <reason>: <message>` of a condition, for the end of a sentence. */
export function conditionText(c: Condition): string {
  return [c.reason, c.message].filter((s) => s !== undefined && s !== '').join(': ');
}
