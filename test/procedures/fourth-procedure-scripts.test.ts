/**
 * The fourth procedure's Jobs (test/fixtures/procedures/rotate-database-password/) run for real: each rendered
 * Job's inline script runs with bash, psql against a real PostgreSQL 15 (scram-sha-256 over TCP, so a wrong
 * password fails), and the built kubectl against the real API server under a token of the ServiceAccount the
 * chart renders (its Role decides). Hostile passwords on both sides of the rotation; a watcher reads every
 * process's /proc/<pid>/cmdline while the scripts run, and the output is searched for every form of them.
 * Without PostgreSQL or the API server binaries the suite is skipped loudly; with CI set it fails.
 */
import { isRetireJobName } from '../../charts/jobs/retire-jobs-job.js';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { registerProcedure } from '../../src/phases/registry.js';
import { loadPlanFile } from '../../src/plan/load-plan.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { rotateDatabasePassword } from '../fixtures/procedures/rotate-database-password/procedure.js';
import { CmdlineWatcher } from '../support/cmdline-watcher.js';
import * as servers from '../support/db-servers.js';
import type { PgServer, ScriptResult } from '../support/db-servers.js';
import { apiRequest } from '../support/real-api/api-request.js';
import { adminEndpoint } from '../support/real-api/real-api-server.js';
import { resourcePath } from '../support/real-api/resource-paths.js';
import { seedObjects } from '../support/real-api/seed-objects.js';
import { useRealApiServer } from '../support/real-api/use-real-api-server.js';

const PLAN = join(import.meta.dirname, '..', 'fixtures', 'procedures', 'rotate-database-password', 'plan.yaml');
const NS = '3scale';
const USER = 'system';
const PG = servers.checkBinaries('postgresql', servers.PG_SERVER_BINARIES, [servers.pgBinDir()]);

/** A rendered Job: its inline script, plain environment, and the ServiceAccount, Role and RoleBinding it runs with. */
interface RotationJob {
  readonly name: string;
  readonly script: string;
  readonly env: Record<string, string>;
  readonly access: KubeObject[];
}

interface JobShape {
  spec: { template: { spec: { serviceAccountName: string; containers: { command: string[]; env?: { name: string; value?: string }[] }[] } } };
}

async function renderedJobs(): Promise<Record<string, RotationJob>> {
  const result = await synthesize(loadPlanFile(PLAN));
  const jobs: Record<string, RotationJob> = {};
  for (const state of [...result.forward, ...result.rollbacks]) {
    // The engine's own retire Jobs (of every rollback folder, and of the forward phases that have one) run a bundled
    // kube/ script (specified in test/scripts/kube-retire-jobs.test.ts); the procedure's Jobs are its inline scripts.
    for (const o of state.own.filter((x) => x.kind === 'Job' && !isRetireJobName(x.metadata.name))) {
      const spec = (o as unknown as JobShape).spec.template.spec;
      const container = spec.containers[0]!;
      expect(container.command.slice(0, 2)).toEqual(['bash', '-c']);
      const env = Object.fromEntries((container.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
      const access = state.own.filter((x) => ['ServiceAccount', 'Role', 'RoleBinding'].includes(x.kind) && x.metadata.name === spec.serviceAccountName);
      jobs[o.metadata.name] = { name: o.metadata.name, script: container.command[2]!, env, access };
    }
  }
  return jobs;
}

/** A SQL string literal (standard_conforming_strings: only the quote doubles). */
const sqlLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');

/** Every form a password may leak in: as is, percent-encoded both ways, and base64. */
function forms(password: string): string[] {
  const ours = [...Buffer.from(password, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  return [password, encodeURIComponent(password), ours, b64(password)];
}

const CASES: readonly (readonly [string, string, string])[] = [
  ['quotes, dollars and backslashes', `o'ld"pw$HOME\\x41\\`, `n'ew"$(id)\`id\`\\\\'; DROP ROLE system; --`],
  ['unicode and spaces', 'ältes Paßwort ✓', ' 新しい パスワード 🔑 '],
  ['URL syntax, percent signs and a line break', 'p@ss:w/rd?#%41&x=1', 'line1\nline2%zz+@:/'],
];

describe.skipIf(servers.skipSuite(PG))('the password rotation Jobs on real PostgreSQL 15 and the real API server', () => {
  const api = useRealApiServer();
  const watcher = new CmdlineWatcher();
  const outputs: string[] = [];
  const passwords: string[] = [];
  let pg: PgServer;
  let jobs: Record<string, RotationJob>;
  let home: string;
  const kubeconfigs = new Map<string, string>();

  beforeAll(async () => {
    servers.failInCiIfMissing(PG, 'postgresql');
    registerProcedure(rotateDatabasePassword);
    jobs = await renderedJobs();
    home = await mkdtemp(join(tmpdir(), 'tsm-rotation-'));
    pg = await servers.startPostgres();
    await pg.sql(`CREATE ROLE ${USER} LOGIN PASSWORD 'initial'; CREATE DATABASE system OWNER ${USER};`);
    watcher.start();
  });

  afterAll(async () => {
    await watcher.stop();
    await pg?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  beforeEach(async () => {
    const s = api();
    await seedObjects(adminEndpoint(s), Object.values(jobs).flatMap((j) => j.access));
    for (const j of Object.values(jobs)) {
      if (!kubeconfigs.has(j.name)) kubeconfigs.set(j.name, await s.kubeconfig({ token: await s.serviceAccountToken(NS, j.name), namespace: NS }));
    }
  });

  const url = (password: string) => `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${pg.port}/system?sslmode=disable`;
  const secretObject = (name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NS }, type: 'Opaque', data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) });

  /** The database and the Secrets as they are before a rotation: `old` logs in, the Secret says it, no backup. */
  async function given(old: string, next: string): Promise<void> {
    passwords.push(old, next);
    await pg.sql(`ALTER ROLE ${USER} PASSWORD ${sqlLiteral(old)};`);
    const admin = adminEndpoint(api());
    await apiRequest(admin, { method: 'DELETE', path: await resourcePath(admin, { apiVersion: 'v1', kind: 'Secret', namespace: NS, name: 'system-database-before-rotation' }) });
    await seedObjects(admin, [secretObject('system-database', { URL: url(old), DB_USER: USER, DB_PASSWORD: old }), secretObject('system-database-new-password', { password: next })]);
  }

  async function secretData(name: string): Promise<Record<string, string> | undefined> {
    const admin = adminEndpoint(api());
    const answer = await apiRequest(admin, { method: 'GET', path: await resourcePath(admin, { apiVersion: 'v1', kind: 'Secret', namespace: NS, name }) });
    return answer.status === 200 ? ((answer.body as KubeObject).data as Record<string, string>) : undefined;
  }

  /** Runs a Job's script as the Job would: its environment, the Secret values the kubelet would inject, its ServiceAccount. */
  async function runJob(name: string, secretEnv: Record<string, string> = {}): Promise<ScriptResult> {
    const job = jobs[name]!;
    const r = await servers.runInlineScript(job.script, { ...job.env, ...secretEnv, KUBECONFIG: kubeconfigs.get(name)!, HOME: home }, { timeoutMs: 90_000, pathPrefix: [dirname(api().kubectl)] });
    outputs.push(`${name}: ${r.stdout}${r.stderr}`);
    return r;
  }

  /** Whether `password` logs in as the database user over TCP (scram-sha-256). */
  function logsIn(password: string): boolean {
    const psql = join(servers.pgBinDir()!, 'psql');
    return spawnSync(psql, ['-X', '-At', '-h', '127.0.0.1', '-p', String(pg.port), '-U', USER, '-d', 'system', '-c', 'select 1'], { env: { PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' }, encoding: 'utf8' }).stdout.trim() === '1';
  }

  test.each(CASES)('GIVEN the database and its Secret on an old password (%s) WHEN the rotate Job runs THEN the new password logs in and the old does not, the Secret says the new one, the verify Job connects; WHEN the rollback Job runs THEN the old one is back, in the database and the Secret', async (_label, old, next) => {
    // GIVEN
    await given(old, next);
    const before = await secretData('system-database');
    expect(logsIn(old)).toBe(true);

    // WHEN
    const rotate = await runJob('rotate-database-password', { NEW_PASSWORD: next });

    // THEN
    expect({ code: rotate.code, stderr: rotate.stderr }).toEqual({ code: 0, stderr: '' });
    expect(rotate.stdout).toBe('rotated: system logs in with the new password; Secret system-database rewritten (the old one kept as system-database-before-rotation)\n');
    expect({ next: logsIn(next), old: logsIn(old) }).toEqual({ next: true, old: false });
    const rotated = (await secretData('system-database'))!;
    const written = new URL(unb64(rotated.URL));
    expect({ password: decodeURIComponent(written.password), user: written.username, host: written.host, path: written.pathname, search: written.search }).toEqual({ password: next, user: USER, host: `127.0.0.1:${pg.port}`, path: '/system', search: '?sslmode=disable' });
    expect({ DB_PASSWORD: unb64(rotated.DB_PASSWORD), DB_USER: unb64(rotated.DB_USER) }).toEqual({ DB_PASSWORD: next, DB_USER: USER });
    expect(await secretData('system-database-before-rotation')).toEqual({ URL: before!.URL, DB_PASSWORD: before!.DB_PASSWORD });
    // AND the verify Job connects with the URL the Secret now holds
    const verify = await runJob('verify-database-password', { DATABASE_URL: unb64(rotated.URL) });
    expect({ code: verify.code, stdout: verify.stdout, stderr: verify.stderr }).toEqual({ code: 0, stdout: 'connected as system with the URL of Secret system-database\n', stderr: '' });

    // WHEN the rollback runs
    const restore = await runJob('restore-database-password');

    // THEN
    expect({ code: restore.code, stderr: restore.stderr }).toEqual({ code: 0, stderr: '' });
    expect(restore.stdout).toBe('restored: system logs in with the old password; Secret system-database as it was before the rotation\n');
    expect({ next: logsIn(next), old: logsIn(old) }).toEqual({ next: false, old: true });
    expect(await secretData('system-database')).toEqual(before);
    expect((await runJob('verify-database-password', { DATABASE_URL: url(old) })).code).toBe(0);
  });

  test('GIVEN the database already took the new password but the Secret was not rewritten (the Job died between the two) WHEN the rotate Job runs again THEN it says so and rewrites only the Secret', async () => {
    // GIVEN
    const [old, next] = ['before-rerun', `after"rerun'$`];
    await given(old, next);
    await pg.sql(`ALTER ROLE ${USER} PASSWORD ${sqlLiteral(next)};`);

    // WHEN
    const rotate = await runJob('rotate-database-password', { NEW_PASSWORD: next });

    // THEN
    expect(rotate.code).toBe(0);
    expect(rotate.stderr).toBe('the database already takes the new password (a rerun): only the Secret is written\n');
    expect(unb64((await secretData('system-database'))!.DB_PASSWORD)).toBe(next);
    expect(logsIn(next)).toBe(true);
  });

  test('GIVEN a Secret whose password does not log in WHEN the rotate Job runs THEN it exits 1 naming the Secret and the user, and changes nothing', async () => {
    // GIVEN
    const [old, next] = ['the-real-one', 'never-set'];
    await given(old, next);
    const admin = adminEndpoint(api());
    await seedObjects(admin, [secretObject('system-database', { URL: url('wrong\'pw'), DB_USER: USER, DB_PASSWORD: 'wrong\'pw' })]);
    passwords.push('wrong\'pw');
    const before = await secretData('system-database');

    // WHEN
    const rotate = await runJob('rotate-database-password', { NEW_PASSWORD: next });

    // THEN
    expect({ code: rotate.code, stdout: rotate.stdout, stderr: rotate.stderr }).toEqual({ code: 1, stdout: '', stderr: 'neither the password of Secret system-database (key URL) nor the new one logs in as system\n' });
    expect(await secretData('system-database')).toEqual(before);
    expect({ old: logsIn(old), next: logsIn(next) }).toEqual({ old: true, next: false });
  });

  test('GIVEN an empty new password, or no backup to restore WHEN the Jobs run THEN each exits 2 with one sentence naming what is missing', async () => {
    // GIVEN
    await given('kept-as-is', 'unused');

    // WHEN
    const empty = await runJob('rotate-database-password', { NEW_PASSWORD: '' });
    const restore = await runJob('restore-database-password');

    // THEN
    expect({ code: empty.code, stderr: empty.stderr }).toEqual({ code: 2, stderr: 'NEW_PASSWORD is empty: the new password Secret needs a non-empty key password\n' });
    expect({ code: restore.code, stderr: restore.stderr }).toEqual({ code: 2, stderr: 'Secret system-database-before-rotation is missing: the rotation never ran, nothing to restore\n' });
    expect(logsIn('kept-as-is')).toBe(true);
  });

  test.each(['rotate-database-password', 'restore-database-password', 'verify-database-password'])('GIVEN the rendered Job %s WHEN its inline script is read by shellcheck THEN it has no finding', (name) => {
    // GIVEN
    const shellcheck = servers.findBinary('shellcheck');
    if (!shellcheck && servers.IN_CI) throw new Error('shellcheck is not installed (CI is set, so this fails); expected the Debian package shellcheck');
    if (!shellcheck) {
      console.warn('!!! shellcheck is not installed: the rendered scripts are not checked (apt-get install shellcheck)');
      return;
    }

    // WHEN
    const r = spawnSync(shellcheck, ['-s', 'bash', '-'], { input: jobs[name]!.script, encoding: 'utf8' });

    // THEN
    expect({ status: r.status, findings: r.stdout }).toEqual({ status: 0, findings: '' });
  });

  test('GIVEN every run above WHEN the argument lists seen while they ran and their output are searched THEN no password is in either, in any encoding', async () => {
    // WHEN
    const seen = [...watcher.seen];
    const leaks = passwords.flatMap(forms).filter((f) => f.length >= 4 && (seen.some((c) => c.includes(f)) || outputs.some((o) => o.includes(f))));

    // THEN the watcher did look, at psql and kubectl among others
    expect(watcher.sweeps).toBeGreaterThan(10);
    expect(seen.some((c) => c.includes('psql'))).toBe(true);
    expect(seen.some((c) => c.includes('kubectl'))).toBe(true);
    expect(leaks).toEqual([]);
  });
});
