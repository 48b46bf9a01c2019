import { join } from 'node:path';
import { pointerEngine } from '../gitops/run-promote.js';
import { plannedPhases } from '../phases/registry.js';
import { loadPlanFile } from '../plan/load-plan.js';
import { type DiffReport, unreadableReason } from '../status/diff-report.js';
import { type NextStep, nextStepOf, stepText } from '../status/next-step.js';
import { statusExitCode } from '../status/render-status.js';
import type { CompareOptions } from '../status/run-diff.js';
import { mapBounded } from './bounded.js';
import type { ResolvedCluster } from './load-fleet.js';

/** Where the maintenance window of a cluster stands: 3scale is stopped between its opening and closing phases. */
export type WindowState = 'open' | 'closed' | 'none';

/** One cluster as `status --fleet` read it. */
export type ClusterState = ReadCluster | UnreadCluster;

interface ClusterBase {
  readonly name: string;
  readonly wave: string;
  readonly waveIndex: number;
}

/** A cluster whose report was built (it may still hold unreadable objects: `unreadable`). */
export interface ReadCluster extends ClusterBase {
  readonly reachable: true;
  readonly report: DiffReport;
  readonly window: WindowState;
  /** The phase that opens the window, as a folder name (`02-scale-down`), or null when the procedure has none. */
  readonly windowOpener: string | null;
  /** The single-plan next step, as a value (the fleet holds or rewords its promotion). */
  readonly step: NextStep;
  /** The next step in words. */
  readonly next: string;
  /** 0 in sync, 1 otherwise (as `status`). */
  readonly exitCode: 0 | 1;
  /** Why part of it could not be read (403, missing CRD), or null. */
  readonly unreadable: string | null;
}

/** A cluster that did not answer in time, or refused the reads. */
export interface UnreadCluster extends ClusterBase {
  readonly reachable: false;
  readonly error: string;
}

/** How the fleet's clusters are read. */
export interface ReadFleetOptions extends Pick<CompareOptions, 'kubeconfig' | 'fieldManager' | 'requestTimeoutMs' | 'versionRequirements'> {
  /** The fleet's output folder (`synth --fleet --out`): each cluster's target is the folder its pointer names. */
  readonly outDir?: string;
  /** Clusters read at once. */
  readonly parallel: number;
  /** Deadline of each cluster's whole read. */
  readonly clusterTimeoutMs: number;
}

/**
 * Reads every cluster at once (at most `parallel`), each within its own deadline; one failure is one row.
 * The plans are checked before (loadFleetPlans), so what fails here is the cluster: its context, its answer.
 */
export async function readClusters(clusters: readonly ResolvedCluster[], options: ReadFleetOptions): Promise<ClusterState[]> {
  const results = await mapBounded(clusters, options.parallel, options.clusterTimeoutMs, (c) => readCluster(c, options));
  return results.map((r, i) => {
    const c = clusters[i]!;
    if (r.ok) return r.value;
    const why = r.timedOut ? `no answer within ${options.clusterTimeoutMs / 1000} s` : errorText(r.error);
    return { name: c.cluster.name, wave: c.wave, waveIndex: c.waveIndex, reachable: false, error: why };
  });
}

async function readCluster(c: ResolvedCluster, options: ReadFleetOptions): Promise<ReadCluster> {
  const { compareWithLive } = await import('../status/run-diff.js');
  const out = options.outDir === undefined ? undefined : join(options.outDir, c.cluster.name);
  const hasWiring = out !== undefined && pointerEngine(out) !== undefined;
  const report = await compareWithLive({
    planPath: c.planPath,
    kubeconfig: options.kubeconfig,
    context: c.context,
    fieldManager: options.fieldManager,
    requestTimeoutMs: options.requestTimeoutMs,
    versionRequirements: options.versionRequirements,
    dir: hasWiring ? out : undefined,
  });
  const phases = plannedPhases(loadPlanFile(c.planPath).plan);
  const opener = phases.find((p) => p.definition.window === 'opens-window');
  const closer = phases.find((p) => p.definition.window === 'closes-window');
  const step = nextStepOf(report);
  return {
    name: c.cluster.name,
    wave: c.wave,
    waveIndex: c.waveIndex,
    reachable: true,
    report,
    window: windowState(report, opener?.definition.id, closer?.definition.id),
    windowOpener: opener?.folder ?? null,
    step,
    next: stepText(step),
    exitCode: statusExitCode(report),
    unreadable: unreadableReason(report) ?? null,
  };
}

const NOT_STARTED = new Set(['pending', 'blocked']);
const DONE = new Set(['applied', 'superseded']);

/**
 * Open from the moment the opening phase shows any effect until the closing phase is done. A phase whose Jobs
 * ran but none of whose objects is live (rolled back) reads pending, so a rollback closes the window again.
 */
export function windowState(report: DiffReport, opener: string | undefined, closer: string | undefined): WindowState {
  if (opener === undefined) return 'none';
  const status = (id: string | undefined) => report.phases.find((p) => p.id === id)?.status;
  const opened = status(opener);
  if (opened === undefined || NOT_STARTED.has(opened)) return 'closed';
  const closed = status(closer);
  return closed !== undefined && DONE.has(closed) ? 'closed' : 'open';
}

function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.replace(/\.$/, '');
}
