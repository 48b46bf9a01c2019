import { UserError } from '../errors.js';
import type { PromoteResult } from '../gitops/run-promote.js';
import { printErrorLine, printJson, printText } from '../redact/print.js';
import { compareOptions, type CompareFlags } from '../cli/commands/cluster-options.js';
import type { FleetStatusFlags } from './cli-status-options.js';

/** What the CLI prints for a promotion (one plan's or one fleet cluster's); returns the exit code. */
export function printPromoteResult(r: PromoteResult, check: boolean, out: string): 0 | 1 {
  if (!r.verdict.allowed) {
    process.stdout.write(`refused: not moving to ${r.target}: ${r.verdict.reason}\n`);
    return 1;
  }
  process.stdout.write(`${check ? 'allowed' : 'promoted'}: ${r.target}: ${r.verdict.reason}\n`);
  if (r.synthSummary) process.stdout.write(`${r.synthSummary}commit ${out}/ to let the GitOps engine apply it\n`);
  return 0;
}

/** `synth --fleet`. */
export async function runFleetSynthFlags(flags: { fleet: string; out: string; gitops?: string; targetPhase?: string }): Promise<string> {
  if (flags.gitops !== 'argocd' && flags.gitops !== 'flux') throw new UserError('--gitops: with --fleet, expected argocd or flux (the wiring that targets each cluster).');
  if (flags.targetPhase !== undefined) throw new UserError('--target-phase: not with --fleet; each cluster starts at its plan\'s spec.gitops.targetPhase and moves with promote --fleet --cluster <name> --to <phase>.');
  const { runFleetSynth } = await import('./run-fleet-synth.js');
  return runFleetSynth({ fleetPath: flags.fleet, outDir: flags.out, gitops: flags.gitops });
}

/** `promote --fleet`; returns the exit code. */
export async function runFleetPromoteFlags(flags: Omit<CompareFlags, 'config'> & { fleet: string; cluster?: string; to?: string; out: string; gitops?: 'argocd' | 'flux'; check?: boolean }): Promise<0 | 1> {
  if (flags.cluster === undefined) throw new UserError('--cluster: required with --fleet; expected the name of the cluster whose pointer moves.');
  if (flags.to === undefined) throw new UserError('--to: required with --fleet; expected the phase (or rollback/<id>) the cluster\'s pointer moves to.');
  const { runFleetPromote } = await import('./run-fleet-promote.js');
  const c = compareOptions({ ...flags, config: flags.fleet });
  const r = await runFleetPromote({ fleetPath: flags.fleet, cluster: flags.cluster, to: flags.to, outDir: flags.out, gitops: flags.gitops, check: flags.check === true, kubeconfig: c.kubeconfig, fieldManager: c.fieldManager, requestTimeoutMs: c.requestTimeoutMs, versionRequirements: c.versionRequirements });
  return printPromoteResult(r, flags.check === true, `${flags.out}/${flags.cluster}`);
}

/** `status --fleet`: prints the table (or JSON) and returns the exit code (as diff). */
export async function runFleetStatusFlags(flags: Omit<CompareFlags, 'config'> & FleetStatusFlags & { fleet: string; output: 'text' | 'json' }): Promise<0 | 1 | 2> {
  const { runFleetStatus } = await import('./run-fleet-status.js');
  const { fleetExitCode, fleetStatusJson, renderFleetStatus, unreadSentence } = await import('./render-fleet-status.js');
  const c = compareOptions({ ...flags, config: flags.fleet });
  const status = await runFleetStatus({
    fleetPath: flags.fleet,
    outDir: flags.dir,
    kubeconfig: c.kubeconfig,
    fieldManager: c.fieldManager,
    requestTimeoutMs: c.requestTimeoutMs,
    versionRequirements: c.versionRequirements,
    parallel: flags.parallel,
    clusterTimeoutMs: flags.clusterTimeout === undefined ? undefined : flags.clusterTimeout * 1000,
  });
  if (flags.output === 'json') printJson(fleetStatusJson(status), (v) => `${JSON.stringify(v, null, 2)}\n`);
  else printText(renderFleetStatus(status));
  // As diff: the report is printed, then the reason it cannot be trusted whole, one sentence, exit 2.
  const unread = unreadSentence(status, flags.fleet);
  if (unread) printErrorLine(`error: ${unread}`);
  return fleetExitCode(status);
}
