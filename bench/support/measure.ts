/**
 * Measuring helpers for the benchmarks: peak disk usage of folders while something runs, and a
 * description of the machine and server versions for the result files.
 */
import { lstat, readdir } from 'node:fs/promises';
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
  let entries: string[] = [];
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
