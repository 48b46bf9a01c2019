/**
 * Warning Events, read the same way whether they come as core/v1 `Event` (what `oc get events -o yaml`
 * exports and what the live reader lists) or as events.k8s.io/v1 `Event` (`note`, `regarding`, `series`).
 * Normal Events say nothing went wrong and are left out.
 */
import type { KubeObject } from '../../kube/kube-object.js';

/** One Warning Event, normalized. */
export interface WarningEvent {
  readonly namespace: string;
  /** The object it is about. */
  readonly object: { readonly kind: string; readonly name: string };
  /** The container, when the Event names one (`spec.containers{name}`). */
  readonly container?: string;
  readonly reason: string;
  readonly message: string;
  /** How many times it happened. */
  readonly count: number;
  /** When it last happened (RFC 3339), or '' when the Event has no time. */
  readonly lastSeen: string;
  /** `<reason>: <message>`, what the signatures are matched against. */
  readonly line: string;
}

interface EventFields {
  type?: string;
  reason?: string;
  message?: string;
  note?: string;
  count?: number;
  deprecatedCount?: number;
  lastTimestamp?: string;
  deprecatedLastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  series?: { count?: number; lastObservedTime?: string };
  involvedObject?: { kind?: string; name?: string; namespace?: string; fieldPath?: string };
  regarding?: { kind?: string; name?: string; namespace?: string; fieldPath?: string };
}

/** The Warning Events among `objects` (both Event APIs), oldest first (ties by object and reason). */
export function warningEvents(objects: readonly KubeObject[]): WarningEvent[] {
  const out: WarningEvent[] = [];
  for (const o of objects) {
    if (o.kind !== 'Event') continue;
    const e = o as unknown as EventFields & KubeObject;
    if (e.type !== 'Warning') continue;
    const about = e.involvedObject ?? e.regarding ?? {};
    if (!about.kind || !about.name) continue;
    const reason = e.reason ?? 'Unknown';
    const message = (e.message ?? e.note ?? '').replace(/\s+/g, ' ').trim();
    const container = /^spec\.(?:initContainers|containers)\{([^}]+)\}$/.exec(about.fieldPath ?? '')?.[1];
    out.push({
      namespace: about.namespace ?? o.metadata.namespace ?? '',
      object: { kind: about.kind, name: about.name },
      ...(container ? { container } : {}),
      reason,
      message,
      count: e.series?.count ?? e.count ?? e.deprecatedCount ?? 1,
      lastSeen: e.series?.lastObservedTime ?? e.lastTimestamp ?? e.deprecatedLastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '',
      line: `${reason}: ${message}`,
    });
  }
  const key = (w: WarningEvent) => `${w.lastSeen}\u0000${w.namespace}/${w.object.kind}/${w.object.name}\u0000${w.reason}\u0000${w.message}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
