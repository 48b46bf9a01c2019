import { UserError } from '../errors.js';
import { parseFolderTarget } from '../synth/folder-target.js';
import { plannedPhases } from '../phases/registry.js';
import { loadPlanFile } from '../plan/load-plan.js';
import type { PromoteResult } from '../gitops/run-promote.js';
import { readClusters, type ReadFleetOptions } from './cluster-state.js';
import { waveGate } from './fleet-gate.js';
import type { FleetEngine } from './fleet-wiring.js';
import { targetCluster } from './fleet-wiring.js';
import { fleetClusters, findCluster, loadFleetFile } from './load-fleet.js';
import { clusterField, clusterOut, loadFleetPlans } from './run-fleet-synth.js';

/** Options of {@link runFleetPromote}. */
export interface FleetPromoteOptions extends Pick<ReadFleetOptions, 'kubeconfig' | 'fieldManager' | 'requestTimeoutMs' | 'versionRequirements'> {
  readonly fleetPath: string;
  readonly cluster: string;
  /** Phase id or rollback/<id>. */
  readonly to: string;
  /** The fleet's output folder (synth --fleet --out). */
  readonly outDir: string;
  readonly gitops?: FleetEngine;
  readonly check: boolean;
}

/**
 * `promote --fleet`: the fleet's gate first (a wave may not enter the phase that opens the maintenance
 * window while a cluster of an earlier wave has not passed the gate phase or has rolled back), then the
 * cluster's own promotion (its earlier phases done), its pointer kept aimed at the cluster.
 */
export async function runFleetPromote(options: FleetPromoteOptions): Promise<PromoteResult> {
  const loaded = loadFleetFile(options.fleetPath);
  loadFleetPlans(loaded);
  const c = findCluster(loaded, options.cluster, '--cluster');
  const { rollback, id } = parseFolderTarget(options.to);
  const opens = plannedPhases(loadPlanFile(c.planPath).plan).find((p) => p.definition.id === id || p.folder === id)?.definition.window === 'opens-window';
  if (opens && !rollback && c.waveIndex > 0) {
    const earlier = fleetClusters(loaded).filter((o) => o.waveIndex < c.waveIndex);
    const states = await readClusters(earlier, { ...options, outDir: options.outDir, parallel: 4, clusterTimeoutMs: 60_000 });
    const gate = waveGate(c.wave, c.waveIndex, states, loaded.fleet.spec.gate.passedPhase);
    if (!gate.open) return { target: options.to, verdict: { allowed: false, reason: `${gate.reason}, and ${options.to} opens the maintenance window.` } };
  }
  const engine = options.gitops;
  const field = clusterField(loaded, c);
  if (engine && c.cluster[engine] === undefined) throw new UserError(`${field}.${engine}: required with --gitops ${engine}.`);
  const { pointerEngine, runPromote } = await import('../gitops/run-promote.js');
  const out = clusterOut(options.outDir, c.cluster.name);
  const wiringEngine = engine ?? pointerEngine(out);
  return runPromote({
    planPath: c.planPath,
    context: c.context,
    kubeconfig: options.kubeconfig,
    fieldManager: options.fieldManager,
    requestTimeoutMs: options.requestTimeoutMs,
    versionRequirements: options.versionRequirements,
    dir: out,
    to: options.to,
    outDir: out,
    gitops: wiringEngine,
    check: options.check,
    wiring: wiringEngine ? targetCluster(c.cluster, wiringEngine, field) : undefined,
  });
}
