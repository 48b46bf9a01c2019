/**
 * Specification of charts/scripts/check-queues.sh, the read-only check that 3scale's background jobs are
 * processed before the scale-down (seed 6.1), against real Redis servers on loopback holding Sidekiq-like
 * (`queues`, `queue:<name>`, `schedule`, `retry`) and Resque-like (`resque:queues`, `resque:queue:<name>`,
 * `resque:failed`) keys, a port nothing listens on, and a stand-in API server answering for the worker
 * Deployments (as kube-apiserver answers curl: indented JSON).
 */
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkBinaries, failInCiIfMissing, freePort, REDIS_BINARIES, REDIS_PERSISTENCE_CONFIG, runScript, skipSuite, startRedis, type RedisServer } from '../support/db-servers.js';

const redisBins = checkBinaries('redis', REDIS_BINARIES);
const PW = 'queues-Redis-pw-4d2b';

describe.skipIf(skipSuite(redisBins))('check-queues.sh', () => {
  let system: RedisServer;
  let backend: RedisServer;
  let work: string;
  let api: Server;
  let apiUrl: string;
  let tokenFile: string;
  let replicas: Record<string, number>;
  let seq = 0;

  beforeAll(async () => {
    failInCiIfMissing(redisBins, 'redis');
    work = await mkdtemp(join(tmpdir(), 'tsm-queues-'));
    [system, backend] = await Promise.all([startRedis({ config: REDIS_PERSISTENCE_CONFIG }), startRedis({ config: REDIS_PERSISTENCE_CONFIG, password: PW })]);
    await mkdir(join(work, 'sa'));
    tokenFile = join(work, 'sa', 'token');
    await writeFile(tokenFile, 'test-token\n');
    api = createServer((req, res) => {
      const m = /^\/apis\/apps\/v1\/namespaces\/3scale\/deployments\/([a-z-]+)$/.exec(req.url ?? '');
      const name = m?.[1];
      if (req.method !== 'GET' || !name || !(name in replicas)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', code: 404 }));
        return;
      }
      const n = replicas[name]!;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Deployment', metadata: { name }, spec: { replicas: n, selector: { matchLabels: { deployment: name } } }, status: n ? { replicas: n, readyReplicas: n } : {} }, null, 2));
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()));
    const address = api.address();
    apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await Promise.all([system?.destroy(), backend?.destroy()]);
    await new Promise<void>((r) => (api ? api.close(() => r()) : r()));
    if (work) await rm(work, { recursive: true, force: true });
  });

  beforeEach(async () => {
    replicas = { 'system-sidekiq': 1, 'backend-worker': 2 };
    await system.cli(['FLUSHALL']);
    await backend.cli(['FLUSHALL']);
  });

  const urls = () => ({ SIDEKIQ_REDIS_URL: `redis://${system.host}:${system.port}/1`, RESQUE_REDIS_URL: `redis://:${PW}@${backend.host}:${backend.port}/1` });
  async function check(extra: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; record: Record<string, string> }> {
    const file = join(work, `evidence-${++seq}`);
    const r = await runScript('check-queues.sh', { ...urls(), EVIDENCE_FILE: file, WAIT_SECONDS: '2', POLL_SECONDS: '1', CONNECT_TIMEOUT_SECONDS: '3', ...extra }, { timeoutMs: 30_000 });
    const text = await readFile(file, 'utf8').catch(() => '');
    const record = Object.fromEntries(text.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    for (const s of [PW]) expect(r.stdout + r.stderr + text).not.toContain(s);
    return { ...r, record };
  }
  /** Sidekiq-like jobs in database 1 of the system Redis. */
  async function sidekiq(queue: string, n: number): Promise<void> {
    await system.cli(['SADD', 'queues', queue], 1);
    for (let i = 0; i < n; i++) await system.cli(['LPUSH', `queue:${queue}`, JSON.stringify({ class: 'ZyncWorker', jid: `j${i}` })], 1);
  }
  /** Resque-like jobs in database 1 of the backend Redis. */
  async function resque(queue: string, n: number): Promise<void> {
    await backend.cli(['SADD', 'resque:queues', queue], 1);
    for (let i = 0; i < n; i++) await backend.cli(['RPUSH', `resque:queue:${queue}`, JSON.stringify({ class: 'ThreeScale::Backend::Transactor::ReportJob', args: [i] })], 1);
  }

  it('GIVEN no waiting job in either Redis WHEN checked THEN it succeeds at once and records zero', async () => {
    // GIVEN queues that exist but are empty, and jobs due later
    await system.cli(['SADD', 'queues', 'default', 'mailers'], 1);
    await system.cli(['ZADD', 'schedule', '1999999999', 'later-job'], 1);
    await system.cli(['ZADD', 'retry', '1999999999', 'retry-job'], 1);
    await backend.cli(['SADD', 'resque:queues', 'priority', 'main', 'stats'], 1);
    await backend.cli(['RPUSH', 'resque:failed', 'failed-job'], 1);
    // WHEN
    const r = await check();
    // THEN
    expect(r.code).toBe(0);
    expect(r.record['check-queues.phase']).toBe('Succeeded');
    expect(r.record['check-queues.result']).toBe('queued sidekiq=0 backend=0; later scheduled=1 retry=1 failed=1; drained after 0s');
  });

  it('GIVEN waiting jobs and running workers WHEN they stay THEN it fails after the wait with the figure per queue, reading only', async () => {
    // GIVEN
    await sidekiq('default', 3);
    await sidekiq('mailers', 1);
    await resque('priority', 2);
    const before = [await system.cli(['DBSIZE'], 1), await backend.cli(['DBSIZE'], 1), await system.cli(['LRANGE', 'queue:default', '0', '-1'], 1)];
    // WHEN (workers as the API reports them: running)
    const r = await check({ WORKERS: 'apps/v1 deployments system-sidekiq backend-worker', KUBE_API: apiUrl, KUBE_TOKEN_FILE: tokenFile, NAMESPACE: '3scale' });
    // THEN
    expect(r.code).toBe(1);
    expect(r.record['check-queues.phase']).toBe('Failed');
    expect(r.record['check-queues.result']).toMatch(/^queued sidekiq=4 backend=2; later scheduled=0 retry=0 failed=0; not drained after [23]s while the workers run \[sidekiq default=3 mailers=1\] \[backend priority=2\]$/);
    expect(r.stderr).toContain('workers running');
    // AND nothing was written to either Redis
    expect([await system.cli(['DBSIZE'], 1), await backend.cli(['DBSIZE'], 1), await system.cli(['LRANGE', 'queue:default', '0', '-1'], 1)]).toEqual(before);
  });

  it('GIVEN waiting jobs that the workers process meanwhile WHEN checked THEN it waits and succeeds once they are gone', async () => {
    // GIVEN
    await sidekiq('default', 2);
    await resque('main', 5);
    // WHEN the "workers" empty the queues a second after the check starts
    const drain = new Promise<void>((r) => setTimeout(() => void Promise.all([system.cli(['DEL', 'queue:default'], 1), backend.cli(['DEL', 'resque:queue:main'], 1)]).then(() => r()), 1200));
    const r = await check({ WAIT_SECONDS: '20' });
    await drain;
    // THEN
    expect(r.code).toBe(0);
    expect(r.record['check-queues.result']).toMatch(/^queued sidekiq=0 backend=0; later scheduled=0 retry=0 failed=0; drained after [1-9]\d*s$/);
    expect(r.stderr).toContain('waiting (0s of 20s, workers unknown)');
  });

  it('GIVEN waiting jobs and the worker Deployments already at 0 (an engine that applied the folder at once) WHEN checked THEN it records the figure without waiting', async () => {
    // GIVEN
    await sidekiq('default', 1);
    await resque('stats', 7);
    replicas = { 'system-sidekiq': 0, 'backend-worker': 0 };
    // WHEN
    const r = await check({ WAIT_SECONDS: '60', WORKERS: 'apps/v1 deployments system-sidekiq backend-worker', KUBE_API: apiUrl, KUBE_TOKEN_FILE: tokenFile, NAMESPACE: '3scale' });
    // THEN
    expect(r.code).toBe(0);
    expect(r.record['check-queues.result']).toBe('queued sidekiq=1 backend=7; later scheduled=0 retry=0 failed=0; workers stopped, not waited for: the jobs stay in the Redis data [sidekiq default=1] [backend stats=7]');
  });

  it('GIVEN a worker the API does not know WHEN checked THEN it counts as running (the check holds rather than guesses)', async () => {
    await sidekiq('default', 1);
    replicas = { 'system-sidekiq': 0 };
    const r = await check({ WORKERS: 'apps/v1 deployments system-sidekiq backend-worker', KUBE_API: apiUrl, KUBE_TOKEN_FILE: tokenFile, NAMESPACE: '3scale' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('workers unknown');
  });

  it('GIVEN hostile queue names (newlines, shell syntax, quotes, 200 characters) and keys of the wrong type WHEN checked THEN each is counted inside Redis and named safely', async () => {
    // GIVEN
    const hostile = ['a\nb', '$(touch /tmp/pwned-queues)', "q'\"; FLUSHALL", 'x'.repeat(200), 'ü-ñ'];
    for (const q of hostile) await sidekiq(q, 1);
    await system.cli(['SADD', 'queues', 'not-a-list'], 1);
    await system.cli(['SET', 'queue:not-a-list', 'a string'], 1);
    // WHEN
    const r = await check();
    // THEN five waiting jobs, the string key not counted, names with unsafe characters as '?', cut at 40
    expect(r.code).toBe(1);
    const result = r.record['check-queues.result']!;
    expect(result).toMatch(/^queued sidekiq=5 backend=0;/);
    expect(result).toContain(' ??touch??tmp?pwned-queues?=1');
    expect(result).toContain(' q????FLUSHALL=1');
    expect(result).toContain(' ??-??=1');
    expect(result).toContain(`${'x'.repeat(40)}=1`);
    expect(result).toContain('a?b=1');
    expect(result).not.toContain('\n');
    expect(await system.cli(['DBSIZE'], 1)).toBe('7');
    await expect(readFile('/tmp/pwned-queues')).rejects.toThrow();
  });

  it('GIVEN the Sidekiq `queues` key holding a string WHEN checked THEN it fails, naming the key and its type', async () => {
    await system.cli(['SET', 'queues', 'oops'], 1);
    const r = await check();
    expect(r.code).toBe(1);
    expect(r.record['check-queues.result']).toMatch(/^unreachable: Sidekiq Redis \(Secret system-redis URL\) 127\.0\.0\.1:\d+: .*queues is a string, not a set/);
  });

  it('GIVEN a Redis nothing listens on, or a wrong password WHEN checked THEN it fails naming the Secret and the server, no password shown', async () => {
    // GIVEN / WHEN
    const port = await freePort();
    const refused = await check({ SIDEKIQ_REDIS_URL: `redis://127.0.0.1:${port}/1` });
    const denied = await check({ RESQUE_REDIS_URL: `redis://:wrong-${PW.slice(0, 4)}@${backend.host}:${backend.port}/1` });
    // THEN
    expect(refused.code).toBe(1);
    expect(refused.record['check-queues.result']).toMatch(new RegExp(`^unreachable: Sidekiq Redis \\(Secret system-redis URL\\) 127\\.0\\.0\\.1:${port}: .*refused`, 'i'));
    expect(denied.code).toBe(1);
    expect(denied.record['check-queues.result']).toMatch(/^unreachable: backend queues Redis \(Secret backend-redis REDIS_QUEUES_URL\) 127\.0\.0\.1:\d+: .*(WRONGPASS|invalid)/);
  });

  it('GIVEN a URL that is not redis:// WHEN checked THEN one sentence names it, without the URL', async () => {
    const r = await runScript('check-queues.sh', { SIDEKIQ_REDIS_URL: `postgresql://u:${PW}@h/1`, EVIDENCE_FILE: join(work, 'bad') });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('sidekiq: the URL is not a redis:// URL');
    expect(r.stderr).not.toContain(PW);
  });
});
