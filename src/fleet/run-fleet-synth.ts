import { join } from 'node:path';
import { UserError } from '../errors.js';
import { asTarget, pointedFolder, pointerEngine } from '../gitops/run-promote.js';
import { loadPlanFile } from '../plan/load-plan.js';
import { checkOutPath } from '../synth/out-path.js';
import { type FleetEngine, fleetRootFiles, targetCluster } from './fleet-wiring.js';
import { FLEET_WIRING_FOLDER } from './fleet-schema.js';
import { fleetClusters, type LoadedFleet, loadFleetFile, type ResolvedCluster } from './load-fleet.js';

/** Options of {@link runFleetSynth}. */
export interface FleetSynthOptions {
  readonly fleetPath: string;
  /** The fleet's output folder: `<out>/<cluster>/` per cluster, `<out>/fleet/` for the management cluster. */
  readonly outDir: string;
  readonly gitops: FleetEngine;
}

/** A cluster's output folder in the fleet's. */
export const clusterOut = (outDir: string, cluster: string): string => join(outDir, cluster);

/** Field path of a cluster in the fleet file, for messages. */
export const clusterField = (loaded: LoadedFleet, c: ResolvedCluster): string => `${loaded.path}: spec.clusters[${c.index}]`;

/**
 * The plans of a fleet, loaded and checked to have distinct names: a plan's name names its pointer (and
 * Flux's GitRepository) in the management cluster, where two equal names would be one object.
 */
export function loadFleetPlans(loaded: LoadedFleet): void {
  const byName = new Map<string, string>();
  for (const c of fleetClusters(loaded)) {
    const name = loadPlanFile(c.planPath).plan.metadata.name;
    const other = byName.get(name);
    if (other !== undefined) {
      throw new UserError(`${c.planPath}: metadata.name: "${name}" is also the name of cluster ${other}'s plan; expected a migration name unique in the fleet (it names the cluster's pointer in the management cluster).`);
    }
    byName.set(name, c.cluster.name);
  }
}

/**
 * Renders one folder tree per cluster (synth of its plan, each folder replaced atomically as synth does) with
 * its pointer aimed at the cluster, then the management cluster's root listing every pointer. A cluster whose
 * folder already holds a pointer keeps the folder it points at: re-rendering never moves a promoted cluster.
 */
export async function runFleetSynth(options: FleetSynthOptions): Promise<string> {
  const loaded = loadFleetFile(options.fleetPath);
  checkOutPath(options.outDir, options.fleetPath);
  loadFleetPlans(loaded);
  const clusters = fleetClusters(loaded);
  for (const c of clusters) {
    if (c.cluster[options.gitops] === undefined) {
      throw new UserError(`${clusterField(loaded, c)}.${options.gitops}: required with --gitops ${options.gitops}; expected ${options.gitops === 'argocd' ? 'name (the cluster name registered in Argo CD) or server' : 'kubeConfig.secretRef.name (the Secret holding the cluster\'s kubeconfig)'}.`);
    }
  }
  const { runSynth } = await import('../synth/run-synth.js');
  const { writeOutput } = await import('../synth/write-output.js');
  const lines: string[] = [];
  for (const c of clusters) {
    const out = clusterOut(options.outDir, c.cluster.name);
    const kept = pointerEngine(out) ? asTarget(pointedFolder(out)) : undefined;
    const summary = await runSynth({ planPath: c.planPath, outDir: out, gitops: options.gitops, targetPhase: kept, wiring: targetCluster(c.cluster, options.gitops, clusterField(loaded, c)) });
    lines.push(`cluster ${c.cluster.name} (wave ${c.wave})${kept ? `, pointer kept at ${kept}` : ''}: ${summary.split('\n')[0]}`);
  }
  const root = join(options.outDir, FLEET_WIRING_FOLDER);
  for (const warning of await writeOutput(root, fleetRootFiles(clusters.map((c) => c.cluster.name), options.gitops))) process.stderr.write(`warning: ${warning}\n`);
  lines.push(`${root}/: the management cluster's wiring, one ${options.gitops === 'argocd' ? 'Application' : 'Kustomization'} per cluster (kubectl apply -k ${root}, or point one ${options.gitops === 'argocd' ? 'Application' : 'Kustomization'} at it)`);
  return lines.join('\n') + '\n';
}
