import { type ClusterState, readClusters, type ReadFleetOptions } from './cluster-state.js';
import { fleetGates } from './fleet-gate.js';
import { withFleetNextSteps } from './fleet-next-step.js';
import { fleetClusters, loadFleetFile } from './load-fleet.js';
import type { FleetStatus } from './render-fleet-status.js';
import { loadFleetPlans } from './run-fleet-synth.js';

/** Options of {@link runFleetStatus}. */
export interface FleetStatusOptions extends Omit<ReadFleetOptions, 'parallel' | 'clusterTimeoutMs'> {
  readonly fleetPath: string;
  /** @default 4 */
  readonly parallel?: number;
  /** @default 60 s */
  readonly clusterTimeoutMs?: number;
}

/** Reads every cluster of the fleet and judges every wave's gate. */
export async function runFleetStatus(options: FleetStatusOptions): Promise<FleetStatus> {
  const loaded = loadFleetFile(options.fleetPath);
  loadFleetPlans(loaded);
  const clusters: ClusterState[] = await readClusters(fleetClusters(loaded), { ...options, parallel: options.parallel ?? 4, clusterTimeoutMs: options.clusterTimeoutMs ?? 60_000 });
  const { waves, gate } = loaded.fleet.spec;
  const gates = fleetGates(waves.map((w) => w.name), clusters, gate.passedPhase);
  return {
    apiVersion: 'threescale-migrate.3scale.net/v1alpha1',
    kind: 'FleetStatus',
    fleet: loaded.fleet.metadata.name,
    clusters: withFleetNextSteps(clusters, gates, { path: options.fleetPath, outDir: options.outDir }),
    gates,
  };
}
