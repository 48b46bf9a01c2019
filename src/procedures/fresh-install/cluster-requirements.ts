import { parseQuantity, type Quantity } from '../../diff/quantity.js';
import { onClusterPostgresql, onClusterRedis, onClusterRedisRoles, OPERATOR_DEFAULT_REQUESTS } from './fresh-install-facts.js';
import type { FreshInstallPlan } from './fresh-install-plan-schema.js';
import type { ResourcesSpec } from '../../plan/plan-schema.js';

/**
 * What a fresh install asks of the cluster's nodes: one entry per pod it will run, with its requests. The
 * preflight fits them onto the nodes' free room, as the scheduler would have to (the report's "Insufficient
 * cpu" pods stuck Pending).
 */

/** One pod the install runs and what it requests. */
export interface PodRequest {
  /** Deployment (and replica) it belongs to, e.g. `system-app #2`. */
  readonly pod: string;
  readonly cpuMillis: number;
  readonly memoryBytes: number;
}

/** Requests of the database servers this tool renders (seed 3.2.5 and 3.4.5) when the plan gives none. */
const SERVER_DEFAULTS = { postgresql: { cpu: '250m', memory: '512Mi' }, redis: { cpu: '1', memory: '1Gi' } } as const;

/** Millicores of a quantity, rounded up (the scheduler counts milli-units). */
export function cpuMillis(q: Quantity | string): number {
  const v = typeof q === 'string' ? parseQuantity(q) : q;
  return Number((v.nanos + 999_999n) / 1_000_000n);
}

/** Bytes of a quantity, rounded up. */
export function memoryBytes(q: Quantity | string): number {
  const v = typeof q === 'string' ? parseQuantity(q) : q;
  return Number((v.nanos + 999_999_999n) / 1_000_000_000n);
}

function serverRequest(pod: string, planned: ResourcesSpec | undefined, fallback: { cpu: string; memory: string }): PodRequest {
  const r = planned?.requests ?? (planned?.limits ? {} : fallback);
  return { pod, cpuMillis: r.cpu ? cpuMillis(r.cpu) : 0, memoryBytes: r.memory ? memoryBytes(r.memory) : 0 };
}

/**
 * Every pod of the install with its requests, largest first. With `resourceRequirementsEnabled: false` the
 * operator's pods request nothing; the database servers this tool renders keep theirs.
 */
export function installPodRequests(plan: FreshInstallPlan): PodRequest[] {
  const t = plan.spec.threescale;
  const out: PodRequest[] = [];
  if (t.resourceRequirementsEnabled) {
    for (const c of OPERATOR_DEFAULT_REQUESTS) {
      const replicas = c.deployment === 'system-app' ? t.systemAppReplicas : c.deployment === 'system-sidekiq' ? t.systemSidekiqReplicas : 1;
      for (let i = 1; i <= replicas; i++) out.push({ pod: replicas > 1 ? `${c.deployment} #${i}` : c.deployment, cpuMillis: c.cpuMillis, memoryBytes: c.memoryBytes });
    }
  }
  const pg = onClusterPostgresql(plan);
  if (pg) out.push(serverRequest('system-postgresql-external', pg.resources, SERVER_DEFAULTS.postgresql));
  for (const role of onClusterRedisRoles(plan)) out.push(serverRequest(`${role}-redis-external`, onClusterRedis(plan, role)!.resources, SERVER_DEFAULTS.redis));
  return out.sort((a, b) => b.cpuMillis - a.cpuMillis || b.memoryBytes - a.memoryBytes || (a.pod < b.pod ? -1 : 1));
}
