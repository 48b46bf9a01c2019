/**
 * Data phase, Redis: how long moving one Redis (backend-redis or system-redis) keeps 3scale down.
 *
 *   (a) vendor (seed chapter 3.4.3 - 3.4.7): SAVE on the old Redis (the procedure waits for its dump.rdb),
 *       `oc cp` dump.rdb out of the old pod's data dir and into the new pod's data dir (tar streams between
 *       local folders here), (re)start the new Redis in restore mode (`save ""`, `appendonly no`),
 *       BGREWRITEAOF, poll `aof_rewrite_in_progress` until 0 (every 2 s), restart in persistence mode (save
 *       lines + `appendonly yes`) and wait until it answers.
 *   (b) the generated Jobs: charts/scripts/redis-copy-rdb.sh (redis-cli --rdb from the running source
 *       straight into the new data dir, placed as the AOF base with its manifest; its sha256 and size, the key
 *       counts and the source's write state recorded, nothing loaded), start the new Redis straight in
 *       persistence mode, charts/scripts/redis-check-load.sh (key counts of databases 0-15 and the base size
 *       against the copy's evidence, no write since the load; records the new server's write state), and the
 *       cut-over's charts/scripts/redis-verify-copy.sh (no write since the load, from INFO alone).
 *
 * Both wait for PING answering PONG after each start (polled every 50 ms, as a readiness probe would, only
 * faster). After each run (untimed) the key count and DEBUG DIGEST are compared with the source's, and the
 * target must run with appendonly yes.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { progress, sampleStats, timed, type SampleStats } from './benchmark.js';
import { DiskSampler, jobTimeline } from './support/measure.js';
import { runRounds, type LoadInfo, type RoundsPlan, type Variant } from './support/rounds.js';
import {
  createRedis,
  exec,
  findBinary,
  REDIS_APT_HINT,
  REDIS_BINARIES,
  REDIS_PERSISTENCE_CONFIG,
  REDIS_RESTORE_CONFIG,
  requireBinaries,
  runScript,
  sleep,
  type RedisServer,
} from './support/servers.js';

const SCOPE = 'data-phase/redis';
/** The vendor's poll of aof_rewrite_in_progress, and the check Job's poll interval (its default). */
const POLL_SECONDS = 2;

export interface RedisOptions {
  root: string;
  plan: RoundsPlan;
  /** Keys to load (at least 1 million for the figures). */
  keys: number;
}

export interface RedisSample {
  seconds: number;
  /** Peak bytes of copies outside the two servers' data dirs (the workstation copy; the Job's /tmp). */
  peakIntermediateBytes: number;
  /** Seconds per step (hrtime). */
  steps: Record<string, number>;
  /** The Jobs' own log lines, per script, as [seconds since its first line (1 s resolution), message]. */
  jobLog?: Record<string, [number, string][]>;
}

export interface RedisVariantResult {
  id: string;
  label: string;
  description: string;
  samplesSeconds: number[];
  stats: SampleStats;
  peakIntermediateBytes: number;
  samples: (RedisSample & LoadInfo)[];
}

export interface RedisResult {
  dataset: {
    keys: number;
    byType: Record<string, number>;
    withTtl: number;
    rdbBytes: number;
    usedMemoryBytes: number;
    loadSeconds: number;
    /** One SAVE of the old Redis before the measurements; (a) counts a SAVE in each run. */
    sourceSaveSeconds: number;
    version: string;
  };
  rounds: number;
  stoppedEarly?: string;
  pollIntervalSeconds: number;
  variants: RedisVariantResult[];
  ratios: Record<string, number>;
  pairedRatioMedians: Record<string, number>;
  /** Ratio of the fastest runs: the least disturbed estimate on a shared machine. */
  minRatios: Record<string, number>;
  setupSeconds: number;
}

// ---------------------------------------------------------------------------------------------------
// Data set: RESP commands for `redis-cli --pipe`, shaped like 3scale's backend (stats counters, application
// hashes, id sets) plus some sidekiq-style lists in db 1 (system-redis).

function resp(args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

const TTL = String(30 * 24 * 3600); // long enough never to expire during the benchmark

interface Mix {
  byType: Record<string, number>;
  withTtl: number;
}

/** Commands creating key number i (exactly one key each). */
function commandsFor(i: number, mix: Mix): string {
  const svc = 1 + (i % 2000);
  const app = 1 + (i % 150_000);
  const k = i % 20;
  let out = '';
  const ttl = (key: string, every: number): void => {
    if (i % every === 0) {
      out += resp(['EXPIRE', key, TTL]);
      mix.withTtl++;
    }
  };
  if (k < 10) {
    // stats counters (string), with a year of days per metric; some JSON-ish cached values
    const key = `stats/{service:${svc}}/cinstance:${app}/metric:${1 + (i % 7)}/day:${20240101 + (i % 28)}/${i}`;
    const value = k === 9 ? JSON.stringify({ id: i, state: 'live', plan: 1 + (i % 5000), keys: [`k${i}`], updated: 1700000000 + i }) : String(i % 100_000);
    out += resp(['SET', key, value]);
    ttl(key, 5);
    mix.byType.string++;
  } else if (k < 15) {
    const key = `application/service_id:${svc}/id:${app}/${i}`;
    out += resp(['HSET', key, 'state', i % 7 === 0 ? 'suspended' : 'live', 'plan_id', String(1 + (i % 5000)), 'plan_name', `Plan ${i % 5000}`, 'user_key', `uk${(i * 2654435761) % 4294967296}`, 'redirect_url', `https://app${app}.example.com/cb`]);
    ttl(key, 10);
    mix.byType.hash++;
  } else if (k < 18) {
    const key = `service/id:${svc}/application/${app}/keys/${i}`;
    out += resp(['SADD', key, `key-a-${i}`, `key-b-${i}`, `key-c-${i}`, String(i % 97), String(i % 89), String(i % 83)]);
    ttl(key, 20);
    mix.byType.set++;
  } else if (k === 18) {
    const key = `alerts/service_id:${svc}/app_id:${app}/${i}`;
    out += resp(['ZADD', key, '50', `a${i}`, '80', `b${i}`, '100', `c${i}`, '120', `d${i}`]);
    mix.byType.zset++;
  } else {
    const key = `transactions/service_id:${svc}/${i}`;
    out += resp(['RPUSH', key, `t1-${i}`, `t2-${i}`, `t3-${i}`, `t4-${i}`, `t5-${i}`]);
    mix.byType.list++;
  }
  return out;
}

/** Load `keys` keys (95 % in db 0, 5 % in db 1) through one `redis-cli --pipe`. */
async function load(server: RedisServer, keys: number): Promise<Mix> {
  const mix: Mix = { byType: { string: 0, hash: 0, set: 0, zset: 0, list: 0 }, withTtl: 0 };
  const cli = findBinary('redis-cli') as string;
  const child = spawn(cli, ['-h', '127.0.0.1', '-p', String(server.port), '--pipe'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const closed = new Promise<number | null>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => res(code));
  });
  const db1From = Math.floor(keys * 0.95);
  let chunk = '';
  for (let i = 0; i < keys; i++) {
    if (i === db1From) chunk += resp(['SELECT', '1']);
    chunk += commandsFor(i, mix);
    if (chunk.length > 1 << 20) {
      if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
      chunk = '';
    }
  }
  child.stdin.end(chunk);
  const code = await closed;
  const errors = /errors: (\d+)/.exec(out)?.[1];
  if (code !== 0 || errors !== '0') throw new Error(`redis-cli --pipe failed (exit ${code}): ${out.slice(-1000)}`);
  return mix;
}

async function waitIdle(server: RedisServer): Promise<void> {
  for (;;) {
    const p = await server.info('persistence');
    if (p.aof_rewrite_in_progress === '0' && p.aof_rewrite_scheduled === '0' && p.rdb_bgsave_in_progress === '0') return;
    await sleep(200);
  }
}

/** tar stream from one folder into another, like `oc cp` does between a pod and the workstation. */
async function tarCopy(fromDir: string, file: string, toDir: string): Promise<void> {
  const r = await exec('bash', ['-c', 'set -o pipefail; tar -C "$1" -cf - "$2" | tar -C "$3" -xf -', 'oc-cp', fromDir, file, toDir], { timeoutMs: 3_600_000 });
  if (r.code !== 0) throw new Error(`tar copy of ${file} failed: ${r.stderr}`);
}

// ---------------------------------------------------------------------------------------------------

export async function runRedisDataPhase(opts: RedisOptions): Promise<RedisResult> {
  requireBinaries([...REDIS_BINARIES, 'tar'], REDIS_APT_HINT);
  const setup = process.hrtime.bigint();
  const base = join(opts.root, 'redis');
  await mkdir(base, { recursive: true });

  progress(SCOPE, 'starting the source Redis (persistence mode)');
  const source = await createRedis(base, 'source-redis');
  await source.start(REDIS_PERSISTENCE_CONFIG);
  progress(SCOPE, `loading ${opts.keys} keys with redis-cli --pipe ...`);
  const loaded = await timed(() => load(source, opts.keys));
  await waitIdle(source);
  // The vendor note (3.4.3): give Redis the time to SAVE before copying dump.rdb. Timed once here for the
  // data set description; (a) SAVEs again inside each of its runs.
  const save = await timed(() => source.cli(['SAVE']));
  const keys = await source.keyCount();
  if (keys !== opts.keys) throw new Error(`source holds ${keys} keys, expected ${opts.keys}`);
  const rdbBytes = (await stat(join(source.dataDir, 'dump.rdb'))).size;
  const usedMemoryBytes = Number((await source.info('memory')).used_memory);
  const version = (await source.info('server')).redis_version;
  progress(SCOPE, `source ready in ${loaded.seconds.toFixed(0)} s: ${keys} keys, dump.rdb ${(rdbBytes / 2 ** 20).toFixed(0)} MiB, used_memory ${(usedMemoryBytes / 2 ** 20).toFixed(0)} MiB`);
  const setupSeconds = Number(process.hrtime.bigint() - setup) / 1e9;

  let runN = 0;
  const fresh = async (id: string): Promise<{ dir: string; target: RedisServer }> => {
    const dir = join(base, `run-${id}-${++runN}`);
    await mkdir(dir, { recursive: true });
    return { dir, target: await createRedis(dir, 'target-redis') };
  };
  const sourceDigest = await source.cli(['DEBUG', 'DIGEST']);
  const finish = async (label: string, dir: string, target: RedisServer): Promise<void> => {
    const got = await target.keyCount();
    const digest = await target.cli(['DEBUG', 'DIGEST']);
    const aof = await target.info('persistence');
    await target.destroy();
    await rm(dir, { recursive: true, force: true });
    if (got !== keys) throw new Error(`${label}: the target holds ${got} keys, the source ${keys}`);
    if (digest !== sourceDigest) throw new Error(`${label}: the target's DEBUG DIGEST ${digest} differs from the source's ${sourceDigest}`);
    if (aof.aof_enabled !== '1') throw new Error(`${label}: the target does not run with appendonly yes`);
  };

  const vendor: Variant<RedisSample> = {
    id: 'a',
    label: '(a) vendor: SAVE, oc cp dump.rdb out + in, BGREWRITEAOF, poll, restart',
    async run() {
      const { dir, target } = await fresh('vendor');
      const workstation = join(dir, 'workstation');
      await mkdir(workstation);
      const sampler = new DiskSampler([workstation]).start();
      const steps: Record<string, number> = {};
      const step = async (name: string, fn: () => Promise<void>): Promise<void> => {
        steps[name] = (await timed(fn)).seconds;
      };
      const total = await timed(async () => {
        await step('SAVE (old Redis)', async () => {
          await source.cli(['SAVE']);
        });
        await step('oc cp out', () => tarCopy(source.dataDir, 'dump.rdb', workstation));
        await step('oc cp in', () => tarCopy(workstation, 'dump.rdb', target.dataDir));
        await step('start (restore mode)', () => target.start(REDIS_RESTORE_CONFIG));
        await step('BGREWRITEAOF + poll', async () => {
          await target.cli(['BGREWRITEAOF']);
          while ((await target.info('persistence')).aof_rewrite_in_progress !== '0') await sleep(POLL_SECONDS * 1000);
        });
        await step('restart (persistence mode)', () => target.restart(REDIS_PERSISTENCE_CONFIG));
      });
      const peak = await sampler.stop();
      await finish('vendor', dir, target);
      return { seconds: total.seconds, peakIntermediateBytes: peak, steps };
    },
  };

  const jobs: Variant<RedisSample> = {
    id: 'b',
    label: '(b) Jobs: redis-copy-rdb.sh (AOF base), start in persistence mode, redis-check-load.sh, redis-verify-copy.sh',
    async run() {
      const { dir, target } = await fresh('job');
      const tmp = join(dir, 'tmp');
      await mkdir(tmp);
      const sampler = new DiskSampler([tmp]).start();
      const steps: Record<string, number> = {};
      const jobLog: Record<string, [number, string][]> = {};
      const script = async (name: string, env: Record<string, string>): Promise<void> => {
        const r = await timed(() => runScript(name, { TMPDIR: tmp, EVIDENCE_FILE: join(dir, 'evidence.properties'), ...env }, 3_600_000));
        steps[name] = r.seconds;
        jobLog[name] = jobTimeline(r.value.stderr);
        if (r.value.code !== 0) throw new Error(`${name} exited ${r.value.code}: ${r.value.stderr.slice(-3000)}`);
      };
      const total = await timed(async () => {
        await script('redis-copy-rdb.sh', { SOURCE_REDIS_HOST: source.host, SOURCE_REDIS_PORT: String(source.port), DATA_DIR: target.dataDir });
        steps['start (persistence mode)'] = (await timed(() => target.start({ ...REDIS_PERSISTENCE_CONFIG, 'repl-diskless-sync': 'no' }))).seconds;
        await script('redis-check-load.sh', { REDIS_HOST: target.host, REDIS_PORT: String(target.port), COPY_STEP: 'redis-copy-rdb', POLL_INTERVAL_SECONDS: String(POLL_SECONDS) });
        // The cut-over's first Job: the copy proven again on the new server (the old one is stopped by then).
        await script('redis-verify-copy.sh', { TARGET_REDIS_HOST: target.host, TARGET_REDIS_PORT: String(target.port), COPY_STEP: 'redis-copy-rdb' });
      });
      const peak = await sampler.stop();
      await finish('jobs', dir, target);
      return { seconds: total.seconds, peakIntermediateBytes: peak, steps, jobLog };
    },
  };

  const variants = [vendor, jobs];
  const outcome = await runRounds(SCOPE, variants, opts.plan);
  const descriptions: Record<string, string> = {
    a: 'SAVE on the source; tar|tar dump.rdb source data dir -> workstation -> target data dir; start restore mode; BGREWRITEAOF; poll aof_rewrite_in_progress every 2 s; restart persistence mode',
    b: 'redis-copy-rdb.sh (redis-cli --rdb into DATA_DIR; sha256 of the bytes; placed as appendonlydir base + manifest, marker; the manifest: base sha256 and size, key counts, the source\'s write state from INFO); start persistence mode; redis-check-load.sh (AOF on, key counts of databases 0-15 and aof_base_size against the copy, no write since the load; records the write state); redis-verify-copy.sh (run_id, AOF sizes, @write command counts and key counts unchanged since the load but the readiness probe\'s SETs and expiries, from INFO alone)',
  };
  const results: RedisVariantResult[] = variants.map((v) => {
    const samples = outcome.samples.get(v.id) ?? [];
    const secs = samples.map((s) => s.seconds);
    return {
      id: v.id,
      label: v.label,
      description: descriptions[v.id],
      samplesSeconds: secs,
      stats: sampleStats(secs),
      peakIntermediateBytes: Math.max(0, ...samples.map((s) => s.peakIntermediateBytes)),
      samples,
    };
  });
  const [a, b] = results;
  await source.destroy();
  await rm(base, { recursive: true, force: true });
  return {
    dataset: {
      keys,
      byType: loaded.value.byType,
      withTtl: loaded.value.withTtl,
      rdbBytes,
      usedMemoryBytes,
      loadSeconds: loaded.seconds,
      sourceSaveSeconds: save.seconds,
      version,
    },
    rounds: outcome.rounds,
    stoppedEarly: outcome.stoppedEarly,
    pollIntervalSeconds: POLL_SECONDS,
    variants: results,
    ratios: { 'b/a': b.stats.median / a.stats.median },
    pairedRatioMedians: { 'b/a': sampleStats(b.samplesSeconds.map((s, i) => s / a.samplesSeconds[i]).filter(Number.isFinite)).median },
    minRatios: { 'b/a': b.stats.min / a.stats.min },
    setupSeconds,
  };
}
