/**
 * Measuring helpers for the benchmarks: peak disk usage of folders while something runs, and a
 * description of the machine and server versions for the result files.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { arch, cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { exec, findBinary, pgBinDir } from './servers.js';

/** Bytes allocated on disk (st_blocks * 512) by everything under `path`; 0 when it does not exist. */
export async function diskUsage(path: string): Promise<number> {
  let st;
  try {
    st = await lstat(path);
  } catch {
    return 0; // gone (or not there yet)
  }
  if (!st.isDirectory()) return st.blocks * 512;
  let total = st.blocks * 512;
  let entries: string[];
  try {
    entries = await readdir(path);
  } catch {
    return total;
  }
  for (const e of entries) total += await diskUsage(join(path, e));
  return total;
}

/**
 * Polls the total disk usage of some folders every `intervalMs` until stop(); stop() returns the peak
 * (including one last sample taken at stop time). Cheap: the folders hold a handful of files.
 */
export class DiskSampler {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly dirs: string[],
    private readonly intervalMs = 200,
  ) {}

  private async sample(): Promise<void> {
    let sum = 0;
    for (const d of this.dirs) sum += await diskUsage(d);
    if (sum > this.peak) this.peak = sum;
  }

  start(): this {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      this.sample()
        .catch(() => undefined)
        .finally(() => (this.busy = false));
    }, this.intervalMs);
    return this;
  }

  async stop(): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sample();
    return this.peak;
  }
}

// ---------------------------------------------------------------------------------------------------
// CPU used by other work on the machine while a run was going on (Linux /proc; zeros elsewhere).
//
// Machine busy time comes from /proc/stat; the benchmark's own time is the sum of utime+stime+cutime+cstime
// over the live processes of its process trees (node and its children, plus each PostgreSQL postmaster,
// which pg_ctl detaches): a child that exited and was reaped is in its parent's cutime/cstime, so nothing
// is lost or counted twice. The difference is what other processes used.

/** Clock ticks per second of /proc times (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime + cutime + cstime: the process and the children it has reaped. */
  ticks: number;
  /** utime + stime: the process alone. */
  ownTicks: number;
}

async function readProcStats(): Promise<ProcStat[]> {
  const out: ProcStat[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const text = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const close = text.lastIndexOf(')');
    if (close < 0) continue;
    // Fields after "(comm)": state ppid ... utime(14) stime(15) cutime(16) cstime(17), numbered from 1 = pid.
    const f = text.slice(close + 2).split(' ');
    const num = (i: number): number => Number(f[i - 3]) || 0;
    const comm = text.slice(text.indexOf('(') + 1, close);
    out.push({ pid: Number(name), ppid: num(4), comm, ticks: num(14) + num(15) + num(16) + num(17), ownTicks: num(14) + num(15) });
  }
  return out;
}

async function machineBusyTicks(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8').catch(() => '')).split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  return (v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0) + (v[7] ?? 0);
}

export interface CpuSnapshot {
  at: bigint;
  machineTicks: number;
  benchTicks: number;
  /** Own ticks (utime + stime) of every process outside the benchmark's trees, by pid, with its command name. */
  others: Map<number, { comm: string; ticks: number }>;
}

/** Machine busy ticks and the ticks of the process trees rooted at `roots` (e.g. process.pid, postmasters). */
export async function cpuSnapshot(roots: number[]): Promise<CpuSnapshot> {
  const at = process.hrtime.bigint();
  const [procs, machineTicks] = await Promise.all([readProcStats().catch(() => []), machineBusyTicks()]);
  const children = new Map<number, ProcStat[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const seen = new Set<number>();
  const stack = roots.filter((r) => byPid.has(r));
  let benchTicks = 0;
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    benchTicks += byPid.get(pid)?.ticks ?? 0;
    for (const c of children.get(pid) ?? []) stack.push(c.pid);
  }
  const others = new Map(procs.filter((p) => !seen.has(p.pid)).map((p) => [p.pid, { comm: p.comm, ticks: p.ownTicks }]));
  return { at, machineTicks, benchTicks, others };
}

export interface OtherCpu {
  /** CPU seconds used by processes outside the benchmark between the two snapshots. */
  otherCpuSeconds: number;
  /** The same as a share of the machine's capacity over that span (0..1). */
  otherCpuShare: number;
  /**
   * The biggest consumers outside the benchmark that were alive at both ends, by their own CPU time (not
   * that of children they reaped, which may have run long before): "command: seconds".
   */
  otherTop: string[];
}

export function otherCpu(a: CpuSnapshot, b: CpuSnapshot, cpus: number): OtherCpu {
  const wall = Number(b.at - a.at) / 1e9;
  const other = Math.max(0, b.machineTicks - a.machineTicks - (b.benchTicks - a.benchTicks)) / TICKS_PER_SECOND;
  const byComm = new Map<string, number>();
  for (const [pid, after] of b.others) {
    const before = a.others.get(pid);
    // Kernel workers append their current work queue to the name ("kworker/u8:1-writeback"): drop it.
    const comm = after.comm.startsWith('kworker/') ? after.comm.replace(/-.*$/, '') : after.comm;
    const delta = before ? after.ticks - before.ticks : 0;
    if (delta > 0) byComm.set(comm, (byComm.get(comm) ?? 0) + delta);
  }
  const otherTop = [...byComm.entries()]
    .sort((x, y) => y[1] - x[1])
    .slice(0, 3)
    .filter(([, t]) => t >= 10)
    .map(([comm, t]) => `${comm}: ${(t / TICKS_PER_SECOND).toFixed(1)} s`);
  return {
    otherCpuSeconds: Math.round(other * 10) / 10,
    otherCpuShare: wall > 0 ? Math.round((other / (wall * cpus)) * 1000) / 1000 : 0,
    otherTop,
  };
}

/** Parse a Job script's log ("<ISO time> [step] message" lines) into [seconds since first line, message]. */
export function jobTimeline(stderr: string): [number, string][] {
  const lines = [...stderr.matchAll(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) \[[^\]]*\] (.*)$/gm)];
  if (lines.length === 0) return [];
  const t0 = Date.parse(lines[0][1]);
  return lines.map((m) => [(Date.parse(m[1]) - t0) / 1000, m[2].slice(0, 200)]);
}

async function firstLine(cmd: string | undefined, args: string[]): Promise<string | undefined> {
  if (!cmd) return undefined;
  const r = await exec(cmd, args, { timeoutMs: 10_000 }).catch(() => undefined);
  return r && r.code === 0 ? (r.stdout || r.stderr).split('\n')[0].trim() : undefined;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  freeMemoryBytesAtStart: number;
  /** 1, 5 and 15 minute load averages when the benchmark started (other work on the machine skews figures). */
  loadAvgAtStart: number[];
  platform: string;
  arch: string;
  kernel: string;
  node: string;
  tools: Record<string, string | undefined>;
}

/** CPU, memory, OS, node and the versions of the servers and tools the benchmarks run. */
export async function machineInfo(): Promise<MachineInfo> {
  const pgBin = pgBinDir();
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    freeMemoryBytesAtStart: freemem(),
    loadAvgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    platform: platform(),
    arch: arch(),
    kernel: release(),
    node: process.version,
    tools: {
      postgres: await firstLine(pgBin && join(pgBin, 'postgres'), ['--version']),
      pg_dump: await firstLine(pgBin && join(pgBin, 'pg_dump'), ['--version']),
      pg_restore: await firstLine(pgBin && join(pgBin, 'pg_restore'), ['--version']),
      'redis-server': await firstLine(findBinary('redis-server'), ['--version']),
      'redis-cli': await firstLine(findBinary('redis-cli'), ['--version']),
      tar: await firstLine(findBinary('tar'), ['--version']),
      bash: await firstLine(findBinary('bash'), ['--version']),
    },
  };
}
