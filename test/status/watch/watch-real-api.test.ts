/**
 * `status --watch` on the real API server of the tests: the PostgreSQL migration applied up to copy-data by the
 * engine (test/e2e/real-api-flow.ts), then the watch follows the cluster while the Job's script writes its
 * progress records and ends. The watch must redraw on the API's events (it does not poll): each screen below is
 * drawn after a write to the cluster. The non-TTY output captured here is the README's screen.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runWatch } from '../../../src/status/watch/run-watch.js';
import { adminEndpoint, apiRequestOk, completeJob, resourcePath } from '../../support/real-api/index.js';
import { cli, forwardState, jobsOf } from '../../e2e/harness.js';
import { checkBinaries, findBinary, IN_CI, REDIS_BINARIES, REDIS_SOURCE_CONFIG, runScript, startRedis } from '../../support/db-servers.js';
import { leakedSecrets } from '../../support/live-fixtures.js';
import { useRealMigration } from '../../e2e/real-api-flow.js';

const FLOW = { fixture: 'postgresql', engine: 'argocd-controller', namespaces: ['3scale', '3scale-db'] } as const;
const TIMEOUT_MS = 300_000;
const GIB = 1024 ** 3;
const CHROMIUM = findBinary('chromium') ?? findBinary('chromium-browser');
const FINGERPRINT = 'a3f1c0de'.repeat(8);

/** The page as headless Chromium builds it (its DOM after parsing and layout), or undefined without Chromium. */
function renderedDom(file: string): string {
  const run = spawnSync(CHROMIUM!, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`chromium failed: ${run.stderr}`);
  return run.stdout;
}

/** A watch on the cluster whose output is collected as a pipe would get it (no TTY, no color). */
function startWatch(planPath: string, kubeconfig: string, phase: string) {
  let text = '';
  const stop = new AbortController();
  const done = runWatch({ planPath, kubeconfig, phase }, { write: (s) => (text += s), tty: false, color: false }, stop.signal);
  return { done, stop, text: () => text, screens: () => text.split(/\n(?=\S+: target \S+; window )/) };
}

async function until(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('status --watch on the real API server (PostgreSQL migration)', () => {
  const m = useRealMigration({
    ...FLOW,
    tempPrefix: 'watch-real-api',
    editPlan: (path) => writeFileSync(path, readFileSync(path, 'utf8').replace(/^spec:\n/m, 'spec:\n  maintenanceWindow: 2h\n')),
  });

  /** What charts/scripts/lib/progress.sh applies: the three keys, under the step's progress field manager. */
  async function writeProgress(job: { metadata: { name: string; namespace?: string } }, done: number, total: number, startedAt: string, at: string) {
    const admin = adminEndpoint(m.server());
    const step = job.metadata.name;
    const ns = job.metadata.namespace!;
    const object = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'threescale-migrate-evidence', namespace: ns },
      data: { [`${step}.progress`]: `${done}/${total} bytes`, [`${step}.progressStartedAt`]: startedAt, [`${step}.progressAt`]: at },
    };
    const path = `${await resourcePath(admin, { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: object.metadata.name })}?fieldManager=threescale-migrate-job.${step}.progress&force=true`;
    await apiRequestOk(admin, { method: 'PATCH', path, body: JSON.stringify(object), contentType: 'application/apply-patch+yaml' });
  }

  /**
   * redis-copy-rdb.sh as the Job `job` runs it, from a real Redis 7 of 30 000 keys whose fork sleeps 200 µs a
   * key (some seconds of SYNC), its records applied to the job's evidence ConfigMap on the API server with the
   * admin's token; returns once the watch has drawn a record part-way and the script has ended. Without Redis
   * binaries: fails under CI, else warns and returns false.
   */
  async function copySlowRedis(job: { metadata: { name: string; namespace?: string } }, w: ReturnType<typeof startWatch>): Promise<boolean> {
    const redisBins = checkBinaries('redis', REDIS_BINARIES);
    if (!redisBins.ok) {
      if (IN_CI) throw new Error(`Redis binaries are missing (${redisBins.missing.join(', ')}): the watch's Redis record must be drawn under CI`);
      return false;
    }
    const work = await mkdtemp(join(tmpdir(), 'watch-redis-'));
    const source = await startRedis({ config: { ...REDIS_SOURCE_CONFIG, 'rdb-key-save-delay': '200' } });
    try {
      await source.cli(['DEBUG', 'POPULATE', '30000', 'key', '100']);
      const server = m.server();
      await writeFile(join(work, 'token'), server.adminToken);
      await writeFile(join(work, 'ca.crt'), server.caPem);
      await mkdir(join(work, 'data'));
      const run = runScript('redis-copy-rdb.sh', {
        SOURCE_REDIS_HOST: source.host,
        SOURCE_REDIS_PORT: String(source.port),
        DATA_DIR: join(work, 'data'),
        EVIDENCE_STEP: job.metadata.name,
        EVIDENCE_CONFIGMAP: 'threescale-migrate-evidence',
        NAMESPACE: job.metadata.namespace!,
        KUBE_API: server.url,
        KUBE_TOKEN_FILE: join(work, 'token'),
        KUBE_CA: join(work, 'ca.crt'),
        PROGRESS_INTERVAL: '1',
      }, { timeoutMs: 120_000 });
      const partWay = new RegExp(`${job.metadata.name} +job-running +[1-9]\\d* keys of 30000 keys`);
      await until('a Redis record part-way', () => partWay.test(w.text()), 120_000);
      const r = await run;
      expect(r.code, r.stderr).toBe(0);
      return true;
    } finally {
      await source.destroy();
      await rm(work, { recursive: true, force: true });
    }
  }

  test('GIVEN copy-data applied and its Job running WHEN the script writes progress records and ends THEN the watch redraws on each, shows the progress with the time left and the window against the 2h budget, and exits 0', async () => {
    await m.applyForward(['preflight', 'prepare', 'scale-down']);
    const state = forwardState(m.result(), 'copy-data');
    await m.applyState(state);
    const [copy, ...others] = jobsOf(state);
    const w = startWatch(m.planPath(), m.kubeconfig(), 'copy-data');
    // THEN a first screen: the phase in progress, its Jobs not run yet, the window open since the first Job of scale-down or later was created
    await until('the first screen', () => w.text().includes('jobs of 03-copy-data:'));
    expect(w.text()).toMatch(/^3scale: target 03-copy-data; window open \d\d:\d\d:\d\d of 02:00:00 \(\d+ %\)$/m);
    expect(w.text()).toMatch(/^03-copy-data +in-progress /m);
    // WHEN the script records its start and 40 % of the bytes, a minute after it started
    await m.recordEvidence(copy!, 'Running', 'restore of 3 tables started');
    await writeProgress(copy!, Math.round(0.4 * GIB), GIB, '2026-01-01T10:00:00Z', '2026-01-01T10:01:00Z');
    // THEN the watch draws it, with the time left at that rate (60 s for 40 %: 90 s for the other 60 %)
    await until('the 40 % screen', () => w.text().includes('(40 %)'));
    expect(w.text()).toMatch(/3scale-db\/copy-system-database +job-running +409\.6 MiB of 1\.0 GiB \(40 %\), about 00:01:30 left$/m);
    // WHEN it records 90 %
    await writeProgress(copy!, Math.round(0.9 * GIB), GIB, '2026-01-01T10:00:00Z', '2026-01-01T10:02:15Z');
    await until('the 90 % screen', () => w.text().includes('(90 %)'));
    expect(w.text()).toMatch(/921\.6 MiB of 1\.0 GiB \(90 %\), about 00:00:15 left$/m);
    // WHEN the system Redis's copy Job runs its script on a real Redis 7 (the evidence ConfigMap on this API server)
    const redisCopy = others.find((j) => j.metadata.name === 'copy-system-redis')!;
    const redisRun = await copySlowRedis(redisCopy, w);
    // THEN the watch showed its records in keys while the RDB streamed, with the time left
    if (redisRun) expect(w.text()).toMatch(/^ {2}3scale-db\/copy-system-redis +job-running +\d+ keys of 30000 keys \(\d\d? %\), about \d\d:\d\d:\d\d left$/m);
    // WHEN the copy ends (last record: total) and every Job of the phase completes
    await writeProgress(copy!, GIB, GIB, '2026-01-01T10:00:00Z', '2026-01-01T10:02:30Z');
    await m.runJobs([copy!, ...others]);
    // THEN the watch exits 0 on its own, its last screen showing the phase applied and the copy at 100 %
    expect(await w.done).toBe(0);
    const last = w.screens().at(-1)!;
    expect(last).toMatch(/^03-copy-data +applied/m);
    expect(last).toMatch(/3scale-db\/copy-system-database +job-succeeded +1\.0 GiB of 1\.0 GiB \(100 %\)$/m);
    // AND the screens were appended (not redrawn: no terminal), each drawn once, no escape sequence in a pipe
    expect(w.text()).not.toContain('\x1b');
    expect(w.screens().length).toBeGreaterThanOrEqual(3);
    if (process.env.WATCH_CAPTURE) writeFileSync(process.env.WATCH_CAPTURE, w.text());
  }, TIMEOUT_MS);

  test('GIVEN the window up to copy-data done WHEN status --report writes the change record THEN Chromium renders the page, its timeline, counts and checksum match the evidence, and no secret is in it (nor in the Markdown)', async () => {
    if (!CHROMIUM) {
      if (IN_CI) throw new Error('chromium is missing (apt-get install chromium): the change record must be rendered under CI');
      console.warn('chromium not installed: the change record page is not rendered here');
    }
    // GIVEN the copy's record as pg-copy.sh writes it at its end (counts in the result, the source fingerprint)
    const admin = adminEndpoint(m.server());
    const copy = jobsOf(forwardState(m.result(), 'copy-data')).find((j) => j.metadata.name === 'copy-system-database')!;
    const step = copy.metadata.name;
    const data = { [`${step}.phase`]: 'Succeeded', [`${step}.result`]: 'copied 3 tables, 1550 rows; equal: rows, sequences, large objects, schema, settings, grants', [`${step}.sourceFingerprint`]: FINGERPRINT, [`${step}.finishedAt`]: '2026-01-01T10:02:30Z' };
    const path = `${await resourcePath(admin, { apiVersion: 'v1', kind: 'ConfigMap', namespace: '3scale-db', name: 'threescale-migrate-evidence' })}?fieldManager=threescale-migrate-job.${step}&force=true`;
    await apiRequestOk(admin, { method: 'PATCH', path, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'threescale-migrate-evidence', namespace: '3scale-db' }, data }), contentType: 'application/apply-patch+yaml' });
    // WHEN status --report writes the HTML page and the Markdown
    const html = join(m.dist(), '..', 'change-record.html');
    const md = join(m.dist(), '..', 'change-record.md');
    for (const file of [html, md]) {
      const run = await cli(['status', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'copy-data', '--report', file]);
      expect({ file, code: run.code, stderr: run.stderr }).toEqual({ file, code: 0, stderr: '' });
    }
    const page = readFileSync(html, 'utf8');
    const markdown = readFileSync(md, 'utf8');
    if (process.env.REPORT_CAPTURE) writeFileSync(process.env.REPORT_CAPTURE, page);
    // THEN the page is self-contained: nothing is loaded from elsewhere
    expect(page).not.toMatch(/<(script|link|img)\b|src=|href=/);
    // AND the figures are the evidence's, in the page and in the Markdown
    for (const text of [page, markdown]) {
      expect(text).toContain('copied 3 tables, 1550 rows');
      expect(text).toContain(FINGERPRINT);
      expect(text).toMatch(/03-copy-data/);
      expect(text).toContain('2.15');
      expect(leakedSecrets(text)).toEqual([]);
    }
    // AND the timeline has a bar per phase with Jobs and per Job, from their recorded start and end
    const jobs = [...['preflight', 'prepare', 'scale-down', 'copy-data'].flatMap((id) => jobsOf(forwardState(m.result(), id)))];
    const bars = [...page.matchAll(/<g class="bar (phase|job)" data-label="([^"]+)" data-start="([^"]+)" data-end="([^"]+)"/g)];
    expect(bars.filter((b) => b[1] === 'job').map((b) => b[2]!.split('/')[1]).sort()).toEqual(jobs.map((j) => j.metadata.name).sort());
    for (const b of bars) expect(Date.parse(b[4]!)).toBeGreaterThanOrEqual(Date.parse(b[3]!));
    // AND the rollback sentence is status's advice for the latest phase applied (copy-data has no rollback folder)
    expect(page).toContain('<p id="rollback">03-copy-data has nothing to undo; to go back further, apply rollback/02-scale-down</p>');
    if (!CHROMIUM) return;
    // AND Chromium renders it: the DOM it built holds the drawing with its bars and the tables with the figures
    const dom = renderedDom(html);
    expect(dom).toContain('<svg');
    expect((dom.match(/<rect /g) ?? []).length).toBe(bars.length);
    expect(dom).toMatch(/<td>3scale-db\/copy-system-database<\/td><td>Succeeded<\/td><td>copied 3 tables, 1550 rows/);
    expect(leakedSecrets(dom)).toEqual([]);
  }, TIMEOUT_MS);

  test('GIVEN a watch on a phase still pending WHEN the user presses Ctrl-C THEN it ends with 130, its watches closed', async () => {
    const w = startWatch(m.planPath(), m.kubeconfig(), 'cutover');
    await until('the first screen', () => w.text().includes('05-cutover'));
    w.stop.abort();
    expect(await w.done).toBe(130);
  }, TIMEOUT_MS);
  test('GIVEN load-redis applied WHEN its Job fails THEN the watch exits 1', async () => {
    const state = forwardState(m.result(), 'load-redis');
    await m.applyState(state);
    const w = startWatch(m.planPath(), m.kubeconfig(), 'load-redis');
    await until('the first screen', () => w.text().includes('jobs of 04-load-redis:'));
    const [job] = jobsOf(state);
    await m.recordEvidence(job!, 'Failed', 'failed (exit 1): cannot connect to the target Redis');
    await completeJob(adminEndpoint(m.server()), job!.metadata.namespace!, job!.metadata.name, 'Failed');
    expect(await w.done).toBe(1);
    expect(w.screens().at(-1)).toMatch(/^04-load-redis +failed /m);
  }, TIMEOUT_MS);

});
