import type { ClusterState } from './cluster-state.js';
import type { WaveGate } from './fleet-gate.js';

/** What `status --fleet` prints and its JSON output holds. */
export interface FleetStatus {
  readonly apiVersion: 'threescale-migrate.3scale.net/v1alpha1';
  readonly kind: 'FleetStatus';
  readonly fleet: string;
  readonly clusters: readonly ClusterState[];
  readonly gates: readonly WaveGate[];
}

/** Phase ids by their position in the procedure (the same in every plan of it), first seen first among equals. */
function phaseColumns(clusters: readonly ClusterState[]): string[] {
  const order = new Map<string, number>();
  for (const c of clusters) if (c.reachable) for (const p of c.report.phases) if (!order.has(p.id)) order.set(p.id, p.order);
  // A stable sort keeps first-seen order among phases at the same position.
  return [...order.keys()].sort((a, b) => order.get(a)! - order.get(b)!);
}

/** The table: one row per cluster, one column per phase, then the window; the next steps and the gates below. */
export function renderFleetStatus(status: FleetStatus): string {
  const phases = phaseColumns(status.clusters);
  const header = ['CLUSTER', 'WAVE', 'TARGET', ...phases, 'WINDOW'];
  const rows = status.clusters.map((c) => {
    if (!c.reachable) return [c.name, c.wave, `unreachable: ${c.error}`];
    const byId = new Map(c.report.phases.map((p) => [p.id, p.status]));
    return [c.name, c.wave, c.report.target, ...phases.map((id) => byId.get(id) ?? '-'), c.window];
  });
  // A row that says "unreachable" spans the phase columns, so it does not widen them.
  const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => r.length === header.length || i < 2).map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  const out = [line(header), ...rows.map(line), '', 'next:'];
  const nameWidth = Math.max(...status.clusters.map((c) => c.name.length));
  for (const c of status.clusters) {
    const step = c.reachable ? (c.unreadable ? `cannot judge: ${c.unreadable}` : c.next) : `cannot read the cluster (${c.error}); check its context and that its API server answers`;
    out.push(`  ${c.name.padEnd(nameWidth)}  ${step}`);
  }
  if (status.gates.length) {
    out.push('', 'gates:');
    for (const g of status.gates) out.push(`  ${g.open ? 'open' : 'held'}: ${g.reason}`);
  }
  return out.join('\n') + '\n';
}

/** Exit code as `diff`: 2 when a cluster could not be read, else 0 when every cluster's target is in sync, else 1. */
export function fleetExitCode(status: FleetStatus): 0 | 1 | 2 {
  if (status.clusters.some((c) => !c.reachable || c.unreadable)) return 2;
  return status.clusters.every((c) => c.reachable && c.exitCode === 0) ? 0 : 1;
}

/** The first cluster that could not be read (whole or in part), as one sentence; undefined when all were. */
export function unreadSentence(status: FleetStatus, fleetPath: string): string | undefined {
  const c = status.clusters.find((s) => !s.reachable || s.unreadable);
  if (!c) return undefined;
  const why = c.reachable ? c.unreadable : c.error;
  return `${fleetPath}: cluster ${c.name} could not be read (${why}); the other clusters are shown as read, expected every cluster's API server to answer.`;
}

/** The JSON output: the clusters with their reports' phases (not every object verdict), the gates. */
export function fleetStatusJson(status: FleetStatus): unknown {
  return {
    apiVersion: status.apiVersion,
    kind: status.kind,
    fleet: status.fleet,
    clusters: status.clusters.map((c) =>
      c.reachable
        ? {
            name: c.name,
            wave: c.wave,
            reachable: true,
            target: c.report.target,
            currentPhase: c.report.currentPhase,
            inSync: c.report.inSync,
            window: c.window,
            windowOpener: c.windowOpener,
            next: c.next,
            unreadable: c.unreadable,
            phases: c.report.phases.map((p) => ({ id: p.id, folder: p.folder, status: p.status, reason: p.reason })),
          }
        : { name: c.name, wave: c.wave, reachable: false, error: c.error },
    ),
    gates: status.gates,
  };
}
