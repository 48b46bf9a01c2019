import { type Condition, conditionText, degraded, type Health, type HealthInput, healthy, type KindHealth, progressing, statusOf } from './health.js';

interface RouteIngress {
  readonly routerName?: unknown;
  readonly host?: unknown;
  readonly conditions?: unknown;
}

/** The ingress entry's condition `Admitted` with the given status. */
function admitted(i: RouteIngress, status: string): Condition | undefined {
  const conditions: unknown[] = Array.isArray(i.conditions) ? (i.conditions as unknown[]) : [];
  return conditions.find((c): c is Condition => c !== null && typeof c === 'object' && (c as Condition).type === 'Admitted' && (c as Condition).status === status);
}

/** Route: a router admitted it (an `Admitted` True condition on a `status.ingress` entry); rejected by every router is degraded. */
function routeHealth(input: HealthInput): Health {
  const raw = statusOf(input.live).ingress;
  const ingress = Array.isArray(raw) ? (raw as RouteIngress[]) : [];
  const by = ingress.find((i) => admitted(i, 'True'));
  if (by) return healthy(`admitted by router ${String(by.routerName ?? '(unnamed)')}${typeof by.host === 'string' ? ` as ${by.host}` : ''}`);
  for (const i of ingress) {
    const rejected = admitted(i, 'False');
    if (rejected) return degraded(`router ${String(i.routerName ?? '(unnamed)')} rejected it${conditionText(rejected) ? `: ${conditionText(rejected)}` : ''}`);
  }
  return progressing('waits for a router to admit it (no Admitted condition yet)');
}

export const ROUTE_HEALTH: KindHealth = {
  group: 'route.openshift.io',
  kind: 'Route',
  healthyWhen: 'a status.ingress entry has condition Admitted True; no router admitting it and one rejecting it (Admitted False) is degraded',
  reference: 'OpenShift Route status (status.ingress[].conditions Admitted)',
  check: routeHealth,
};
