/**
 * Repetitions under a time budget: every round runs each variant once (in an order rotated per round, so
 * that no variant always runs first on a cold or last on a warm machine), and rounds continue until the
 * wanted count is reached or the next round would likely overrun the deadline (never fewer than one).
 */
import { cpus, loadavg } from 'node:os';
import { progress, secondsSince } from '../benchmark.js';
import { cpuSnapshot, otherCpu, type OtherCpu } from './measure.js';
import { benchProcessRoots } from './servers.js';

/**
 * What runRounds adds to every sample: the 1-minute load average before and after the run, and the CPU
 * that processes outside the benchmark used meanwhile (other work on a shared machine skews the figures).
 */
export interface LoadInfo extends OtherCpu {
  loadAvg1: [number, number];
}

export interface Variant<S> {
  id: string;
  label: string;
  /** One timed repetition, including its own untimed setup/reset/verification (round -1: the warm-up). */
  run(round: number): Promise<S & { seconds: number }>;
}

export interface RoundsPlan {
  /** Rounds wanted (default 3). */
  wanted: number;
  /** Run exactly this many rounds, ignoring the deadline (BENCH_REPEAT). */
  forced?: number;
  /** process.hrtime.bigint() value after which no new round starts. */
  deadline?: bigint;
}

export interface RoundsOptions {
  /**
   * Id of a variant to run once, untimed and discarded, before round 1: a fresh server's first heavy run
   * pays for things later runs do not (new WAL segment files, cold caches), which would count against
   * whichever variant happens to go first.
   */
  warmup?: string;
}

export interface RoundsOutcome<S> {
  samples: Map<string, (S & { seconds: number } & LoadInfo)[]>;
  rounds: number;
  /** Why fewer rounds than wanted ran, when they did. */
  stoppedEarly?: string;
}

export async function runRounds<S>(scope: string, variants: Variant<S>[], plan: RoundsPlan, options: RoundsOptions = {}): Promise<RoundsOutcome<S>> {
  const warm = variants.find((v) => v.id === options.warmup);
  if (options.warmup !== undefined && !warm) throw new Error(`warm-up variant ${options.warmup} is not one of ${variants.map((v) => v.id).join(', ')}`);
  if (warm) {
    progress(scope, `warm-up (not counted): ${warm.label} ...`);
    const s = await warm.run(-1);
    progress(scope, `warm-up (not counted): ${warm.label}: ${s.seconds.toFixed(1)} s`);
  }
  const samples = new Map<string, (S & { seconds: number } & LoadInfo)[]>(variants.map((v) => [v.id, []]));
  const target = plan.forced ?? plan.wanted;
  let longestRound = 0;
  let round = 0;
  let stoppedEarly: string | undefined;
  while (round < target) {
    if (plan.forced === undefined && round > 0 && plan.deadline !== undefined) {
      const leftSeconds = Number(plan.deadline - process.hrtime.bigint()) / 1e9;
      if (leftSeconds < longestRound) {
        stoppedEarly = `stopped after ${round} of ${target} rounds: a round takes ~${longestRound.toFixed(0)} s and only ${Math.max(0, leftSeconds).toFixed(0)} s of the time budget were left (set BENCH_REPEAT=${target} to force, or raise BENCH_BUDGET_SECONDS)`;
        progress(scope, stoppedEarly);
        break;
      }
    }
    const started = process.hrtime.bigint();
    const order = variants.map((_, i) => variants[(i + round) % variants.length]);
    for (const v of order) {
      progress(scope, `round ${round + 1}/${target}: ${v.label} ...`);
      const before = loadavg()[0];
      const cpuBefore = await cpuSnapshot(benchProcessRoots());
      const s = await v.run(round);
      const cpuAfter = await cpuSnapshot(benchProcessRoots());
      const after = loadavg()[0];
      const other = otherCpu(cpuBefore, cpuAfter, cpus().length);
      (samples.get(v.id) as (S & { seconds: number } & LoadInfo)[]).push({ ...s, loadAvg1: [round2(before), round2(after)], ...other });
      const top = other.otherTop.length > 0 ? `: ${other.otherTop.join(', ')}` : '';
      progress(scope, `round ${round + 1}/${target}: ${v.label}: ${s.seconds.toFixed(1)} s (other processes used ${(other.otherCpuShare * 100).toFixed(0)} % of the CPUs meanwhile${top})`);
    }
    longestRound = Math.max(longestRound, secondsSince(started));
    round++;
  }
  return { samples, rounds: round, stoppedEarly };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Integer from the environment, or undefined; throws on garbage. */
export function envInt(name: string, min = 1): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min} (got '${raw}')`);
  return n;
}

export function envNumber(name: string, min = 0): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= min) throw new Error(`${name} must be a number > ${min} (got '${raw}')`);
  return n;
}
