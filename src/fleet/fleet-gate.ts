import type { ClusterState } from './cluster-state.js';

/** Whether a wave may enter the phase that opens the maintenance window, and why. */
export interface WaveGate {
  readonly wave: string;
  /** True when every cluster of every earlier wave has passed the gate phase and none has rolled back. */
  readonly open: boolean;
  /** The first cluster that holds the wave, or null. */
  readonly heldBy: string | null;
  /** One sentence. */
  readonly reason: string;
}

const DONE = new Set(['applied', 'superseded']);

/**
 * The fleet's gate: wave N may not enter the phase that opens the maintenance window while a cluster of an
 * earlier wave has not passed `passedPhase` (applied, or superseded by a later phase), has a failed phase,
 * points at a rollback folder, or cannot be read. The first wave is never held.
 */
export function waveGate(wave: string, waveIndex: number, clusters: readonly ClusterState[], passedPhase: string): WaveGate {
  for (const c of clusters.filter((s) => s.waveIndex < waveIndex).sort((a, b) => a.waveIndex - b.waveIndex)) {
    const held = holdReason(c, passedPhase);
    if (held) return { wave, open: false, heldBy: c.name, reason: `wave ${wave} is held: cluster ${c.name} of wave ${c.wave} ${held}` };
  }
  return { wave, open: true, heldBy: null, reason: waveIndex === 0 ? `wave ${wave} is the first wave` : `wave ${wave} may open its window: every cluster of the waves before it has passed ${passedPhase}` };
}

/** Why one earlier cluster holds later waves, or undefined when it does not. */
function holdReason(c: ClusterState, passedPhase: string): string | undefined {
  if (!c.reachable) return `cannot be read (${c.error})`;
  const r = c.report;
  if (r.target.startsWith('rollback/')) return `has rolled back (its pointer is at ${r.target})`;
  const failed = r.phases.find((p) => p.status === 'failed');
  if (failed) return `has failed ${failed.folder} (${failed.reason})`;
  const gate = r.phases.find((p) => p.id === passedPhase);
  if (!gate) return `has no phase ${passedPhase} (spec.gate.passedPhase); expected a phase of its plan`;
  if (!DONE.has(gate.status)) return `has not passed ${gate.folder} (it is ${gate.status})`;
  return undefined;
}

/** The gate of every wave but the first, in wave order. */
export function fleetGates(waves: readonly string[], clusters: readonly ClusterState[], passedPhase: string): WaveGate[] {
  return waves.map((w, i) => waveGate(w, i, clusters, passedPhase)).slice(1);
}
