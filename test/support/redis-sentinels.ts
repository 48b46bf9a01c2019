/**
 * Real Redis Sentinels for the Sentinel script suites: `redis-server <conf> --sentinel` on a free loopback
 * port in its own temp folder (a sentinel rewrites its configuration file, so the folder is its own),
 * monitoring the masters it is given. Stopped and removed by `destroy`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { APT_HINT, findBinary, freePort, makeTempDir, run, sleep, withStartRetries } from './db-servers.js';

/** One master a sentinel monitors. */
export interface MonitoredMaster {
  readonly name: string;
  readonly port: number;
  /** @default 1 */
  readonly quorum?: number;
  /** The master's requirepass, given to the sentinel as auth-pass. */
  readonly password?: string;
}

export interface Sentinel {
  readonly host: string;
  readonly port: number;
  /** `host:port`, the form the plan and the scripts read. */
  readonly address: string;
  /** Ask the sentinel (redis-cli, raw output). */
  cli(args: string[]): Promise<string>;
  /** Wait (up to 20 s) until the sentinel can reach the quorum of `name` (it discovered the other sentinels). */
  quorum(name: string): Promise<void>;
  log(): Promise<string>;
  destroy(): Promise<void>;
}

/** Start one sentinel monitoring `masters`; `password` is the sentinel's own requirepass. */
export function startSentinel(opts: { masters: readonly MonitoredMaster[]; password?: string }): Promise<Sentinel> {
  return withStartRetries('Redis Sentinel', () => startSentinelOnce(opts));
}

async function startSentinelOnce(opts: { masters: readonly MonitoredMaster[]; password?: string }): Promise<Sentinel> {
  const redisServer = findBinary('redis-server');
  const redisCli = findBinary('redis-cli');
  if (!redisServer || !redisCli) throw new Error(`redis not found; ${APT_HINT.redis}`);
  const dir = await makeTempDir('sentinel');
  const port = await freePort();
  const lines = [`bind 127.0.0.1`, `port ${port}`, `protected-mode no`, `daemonize no`, `dir ${dir}`, `logfile ${join(dir, 'sentinel.log')}`];
  // The sentinels of one group find each other through the master and talk to each other with sentinel-pass.
  if (opts.password) lines.push(`requirepass ${opts.password}`, `sentinel sentinel-pass ${opts.password}`);
  for (const m of opts.masters) {
    lines.push(`sentinel monitor ${m.name} 127.0.0.1 ${m.port} ${m.quorum ?? 1}`);
    lines.push(`sentinel down-after-milliseconds ${m.name} 60000`);
    if (m.password) lines.push(`sentinel auth-pass ${m.name} ${m.password}`);
  }
  const conf = join(dir, 'sentinel.conf');
  await writeFile(conf, lines.join('\n') + '\n', { mode: 0o600 });
  const child: ChildProcess = spawn(redisServer, [conf, '--sentinel'], { stdio: 'ignore' });
  const auth: Record<string, string> = opts.password ? { REDISCLI_AUTH: opts.password } : {};
  const cli = async (args: string[]) => (await run(redisCli, ['-h', '127.0.0.1', '-p', String(port), ...args], { env: auth })).replace(/\n$/, '');
  const destroy = async () => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server --sentinel exited ${child.exitCode}: ${await readFile(join(dir, 'sentinel.log'), 'utf8').catch(() => '')}`);
    if ((await cli(['PING']).catch(() => '')) === 'PONG') break;
    if (i > 150) {
      await destroy();
      throw new Error(`sentinel on ${port} did not answer PING in 15 s`);
    }
    await sleep(100);
  }
  const quorum = async (name: string) => {
    for (let i = 0; !/^OK/.test(await cli(['SENTINEL', 'CKQUORUM', name]).catch((e: unknown) => String(e))); i++) {
      if (i > 200) throw new Error(`sentinel on ${port} did not reach the quorum of ${name} in 20 s`);
      await sleep(100);
    }
  };
  return { host: '127.0.0.1', port, address: `127.0.0.1:${port}`, cli, quorum, log: async () => readFile(join(dir, 'sentinel.log'), 'utf8').catch(() => ''), destroy };
}
