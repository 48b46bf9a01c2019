import type { ClusterState, ReadCluster } from './cluster-state.js';
import type { WaveGate } from './fleet-gate.js';

const DONE = new Set(['applied', 'superseded']);
/** The promotion advice of `status` for one plan (see nextStep in render-status.ts). */
const PROMOTE_ADVICE = /; (promote to|move the target back to) ([a-z0-9-]+): threescale-migrate promote -c <plan> .*$/;

/**
 * A cluster's next step in the fleet: the single-plan advice, with its promotion said as the fleet's command
 * (`promote --fleet … --cluster …`), and no promotion into the phase that opens the maintenance window while
 * the cluster's wave is held by the gate (then: wait, and why).
 */
export function fleetNextStep(c: ReadCluster, gate: WaveGate | undefined, fleet: { readonly path: string; readonly outDir?: string }): string {
  const match = PROMOTE_ADVICE.exec(c.next);
  if (!match) return c.next;
  const [, verb, phase] = match;
  const frontier = c.report.phases.find((p) => !DONE.has(p.status));
  if (gate && !gate.open && frontier?.id === phase && frontier.folder === c.windowOpener) {
    return `${c.next.slice(0, match.index)}; do not promote to ${phase} yet: ${gate.reason}, and ${frontier.folder} opens the maintenance window`;
  }
  const out = fleet.outDir ?? '<out>';
  return `${c.next.slice(0, match.index)}; ${verb} ${phase}: threescale-migrate promote --fleet ${fleet.path} --cluster ${c.name} --to ${phase} --out ${out} and commit ${out}/${c.name}/`;
}

/** Every reachable cluster with its fleet next step. */
export function withFleetNextSteps(clusters: readonly ClusterState[], gates: readonly WaveGate[], fleet: { readonly path: string; readonly outDir?: string }): ClusterState[] {
  return clusters.map((c) => (c.reachable ? { ...c, next: fleetNextStep(c, gates.find((g) => g.wave === c.wave), fleet) } : c));
}
