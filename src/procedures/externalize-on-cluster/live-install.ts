/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access --
   discovery reads live objects field by field; every value read is checked before it lands in the plan,
   which the plan schema validates. */
import type { KubeObject } from '../../kube/kube-object.js';
import type { PlanInput, WorkloadKind } from '../../plan/plan-schema.js';

/**
 * What discovery read of a 3scale install, as each component's movers are asked about it: "is this live
 * state yours?" (src/procedures/externalize-on-cluster/{database,redis}-movers/, `discover`). Values of
 * Secrets are never kept: only what the movers ask of them.
 */
export interface LiveInstall {
  /** Where the objects came from, for messages (`cluster https://…`, a file name). */
  readonly sourceLabel: string;
  /** Namespace of 3scale. */
  readonly namespace: string;
  /** What the 3scale components run as: Deployments (2.15) or DeploymentConfigs (before 2.15). */
  readonly workloadKind: WorkloadKind;
  /** `a 2.15 install` or `an install before 2.15`, for messages. */
  readonly release: string;
  /** The one APIManager. */
  readonly apiManager: KubeObject;
  /** An object of the 3scale namespace by kind and name. */
  byName(kind: string, name: string): KubeObject | undefined;
}

/** What a mover found of its own in the live install: the plan's component, and a line for the plan's comments. */
export interface Discovered<C> {
  readonly component: C;
  readonly note: string;
}

export type DiscoveredDatabase = Discovered<PlanInput['spec']['systemDatabase']>;
export type DiscoveredRedis = Discovered<PlanInput['spec']['backendRedis']>;

/**
 * The one answer of the movers of a component asked about a live install. None or several answering is a
 * defect of the movers (their questions must split every live state between them), not of the install.
 */
export function oneClaim<T>(component: string, claims: readonly { readonly strategy: string; readonly found: T }[]): T {
  if (claims.length !== 1) throw new Error(`discovery: ${claims.length ? `the movers ${claims.map((c) => c.strategy).join(', ')} all` : 'no mover'} recognised ${component}; exactly one must`);
  return claims[0]!.found;
}

/** A 3scale workload (Deployment or DeploymentConfig, as the install runs them) by name. */
export const workload = (live: LiveInstall, name: string) => live.byName(live.workloadKind, name);

/** The APIManager's `spec.externalComponents.<component>.<kind>`: whether 3scale already reaches it outside the operator. */
export function markedExternal(live: LiveInstall, component: 'system' | 'backend', kind: 'database' | 'redis'): boolean {
  return (live.apiManager.spec as any)?.externalComponents?.[component]?.[kind] === true;
}

/** A key of a Secret as exported (`stringData`, or `data` base64), decoded; undefined when absent. */
export function secretValue(secret: KubeObject | undefined, key: string): string | undefined {
  const data = (secret?.data ?? {}) as Record<string, string | undefined>;
  const stringData = (secret?.stringData ?? {}) as Record<string, string | undefined>;
  const encoded = data[key];
  return stringData[key] ?? (encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined);
}

/** The scheme of the System database URL, read without keeping or printing the rest. */
export function systemDatabaseScheme(live: LiveInstall): string | undefined {
  const url = secretValue(live.byName('Secret', 'system-database'), 'URL');
  const match = url ? /^([a-z][a-z0-9+.-]*):\/\//i.exec(url) : null;
  return match ? match[1]!.toLowerCase() : undefined;
}

export function imageOf(d: KubeObject): string {
  const containers = ((d.spec as any)?.template?.spec?.containers ?? []) as { image?: string }[];
  return containers[0]?.image ?? 'unknown';
}

export function pvcSize(pvc: KubeObject | undefined): string | undefined {
  const spec = pvc?.spec as { resources?: { requests?: { storage?: string } } } | undefined;
  const status = pvc?.status as { capacity?: { storage?: string } } | undefined;
  return status?.capacity?.storage ?? spec?.resources?.requests?.storage;
}

/** The new volume: at least as large as the old one (never below the seed's 1Gi), same storage class. */
export function storageOf(pvc: KubeObject | undefined): { size?: string; storageClassName?: string } {
  const size = pvcSize(pvc);
  const storageClassName = (pvc?.spec as { storageClassName?: string } | undefined)?.storageClassName;
  return { ...(size ? { size } : {}), ...(storageClassName ? { storageClassName } : {}) };
}
