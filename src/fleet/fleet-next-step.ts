import type { ClusterState, ReadCluster } from './cluster-state.js';
import type { WaveGate } from './fleet-gate.js';

/**
 * A cluster's next step in the fleet: the single-plan step, with its promotion said as the fleet's command
 * (`promote --fleet … --cluster …`), and no promotion into the phase that opens the maintenance window while
 * the cluster's wave is held by the gate (then: wait, and why).
 */
export function fleetNextStep(c: ReadCluster, gate: WaveGate | undefined, fleet: { readonly path: string; readonly outDir?: string }): string {
  const { situation, promotion: p } = c.step;
  if (!p) return c.next;
  if (gate && !gate.open && p.folder === c.windowOpener) return `${situation}; do not promote to ${p.phase} yet: ${gate.reason}, and ${p.folder} opens the maintenance window`;
  const out = fleet.outDir ?? '<out>';
  return `${situation}; ${p.verb} ${p.phase}: threescale-migrate promote --fleet ${fleet.path} --cluster ${c.name} --to ${p.phase} --out ${out} and commit ${out}/${c.name}/`;
}

/** Every reachable cluster with its fleet next step. */
export function withFleetNextSteps(clusters: readonly ClusterState[], gates: readonly WaveGate[], fleet: { readonly path: string; readonly outDir?: string }): ClusterState[] {
  return clusters.map((c) => (c.reachable ? { ...c, next: fleetNextStep(c, gates.find((g) => g.wave === c.wave), fleet) } : c));
}
