/**
 * Specification of charts/scripts/kube/rewrite-secrets.sh (the cut-over), run with bash and the built kubectl
 * against the real API server of the tests holding the 3scale 2.15 PostgreSQL install, under a token of the
 * ServiceAccount the chart renders (its Role decides, as on a cluster), with the REWRITES the cutover chart
 * renders for examples/postgresql-and-redis (PostgreSQL and both Redis moved to 3scale-db), and for
 * examples/managed-rds-and-elasticache (managed targets, on a second server).
 */
import { describe, expect, it } from 'vitest';
import { secretRewrites } from '../../src/procedures/externalize-on-cluster/cutover-switches.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { EXAMPLE_PLANS, renderedKubeJob, type PolicyRule, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { leakedSecrets, loadLiveFixture } from '../support/live-fixtures.js';
import { useRealKubeScriptSuite } from '../support/real-api/kube-script-cluster.js';
import { loadMigrationPlan } from '../support/plans.js';


const NS = '3scale';
const SECRETS = ['system-database', 'backend-redis', 'system-redis'] as const;
const PG_HOST = 'system-postgresql-service.3scale-db.svc.cluster.local';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

describe('kube/rewrite-secrets.sh on the real API server, under the Job\'s ServiceAccount', () => {
  let job: RenderedKubeJob;
  let rewrites: string;
  let fixture: KubeObject[];
  const cluster = useRealKubeScriptSuite('postgresql', [NS, '3scale-db'], () => [job], {
    setup: async () => {
      const { plan } = loadMigrationPlan(EXAMPLE_PLANS.postgresql);
      rewrites = secretRewrites(plan)
        .map((r) => `${r.secret} ${r.key} ${r.template}`)
        .join('\n');
      job = await renderedKubeJob(EXAMPLE_PLANS.postgresql, 'rewrite-connection-secrets');
      fixture = await loadLiveFixture('postgresql');
    },
  });

  const secret = (name: string): Promise<KubeObject | undefined> => cluster().get('v1', 'Secret', NS, name);
  const data = async (name: string): Promise<Record<string, string>> => ((await secret(name))?.data ?? {}) as Record<string, string>;
  const decoded = async (name: string): Promise<Record<string, string>> => Object.fromEntries(Object.entries(await data(name)).map(([k, v]) => [k, unb64(v)]));
  const original = (name: string): Record<string, string> => (fixture.find((o) => o.kind === 'Secret' && o.metadata.name === name)!.data ?? {}) as Record<string, string>;
  const run = () => cluster().run({ REWRITES: rewrites });

  it('is rendered with the rewrites of secretRewrites() for the PostgreSQL + Redis plan', () => {
    // GIVEN the plan moving PostgreSQL and both Redis to 3scale-db
    // WHEN the cutover phase renders the Job
    // THEN it runs in 3scale with exactly those REWRITES
    expect(job.namespace).toBe(NS);
    expect(job.script).toBe('kube/rewrite-secrets.sh');
    expect(job.env.REWRITES).toBe(rewrites);
    expect(rewrites.split('\n')).toEqual([
      `system-database URL postgresql://{DB_USER}:{DB_PASSWORD}@${PG_HOST}/system`,
      'backend-redis REDIS_STORAGE_URL redis://backend-redis-service.3scale-db.svc.cluster.local:6379/0',
      'backend-redis REDIS_QUEUES_URL redis://backend-redis-service.3scale-db.svc.cluster.local:6379/1',
      'system-redis URL redis://system-redis-service.3scale-db.svc.cluster.local:6379/1',
    ]);
  });

  it('backs every rewritten Secret up as <name>-pre-migration with the original data', async () => {
    // GIVEN the live connection Secrets and no backups
    for (const name of SECRETS) expect(await secret(`${name}-pre-migration`)).toBeUndefined();
    // WHEN the cut-over runs
    const r = await run();
    // THEN each Secret has a backup holding exactly its original data, type and backup labels
    expect(r.stderr).toContain('evidence recorded: rewrite-connection-secrets Succeeded');
    expect(r.code).toBe(0);
    for (const name of SECRETS) {
      const copy = (await secret(`${name}-pre-migration`))!;
      expect(copy.data).toEqual(original(name));
      expect(copy.type).toBe('Opaque');
      expect(copy.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'threescale-migrate', 'threescale-migrate.3scale.net/backup-of': name });
    }
  });

  it('records in its evidence the uid of every Secret it rewrote, so a Secret recreated since makes it stale', async () => {
    // GIVEN the Job as rendered: its EVIDENCE_TARGETS name the three connection Secrets
    const names = [...SECRETS].sort();
    expect(job.env.EVIDENCE_TARGETS).toBe(names.map((n) => `Secret/${NS}/${n}`).join(' '));
    // WHEN the cut-over runs under its ServiceAccount
    const r = await run();
    // THEN `<step>.targets` holds each Secret with its live uid, and no value of them reached the log
    expect(r.code, r.stderr).toBe(0);
    const uids = await Promise.all(names.map(async (n) => `Secret/${NS}/${n}=${(await secret(n))!.metadata.uid as string}`));
    expect((await cluster().evidence(NS, 'rewrite-connection-secrets'))['rewrite-connection-secrets.targets']).toBe(uids.join(','));
    expect(leakedSecrets(r.stdout + r.stderr)).toEqual([]);
  });

  it('points the URL keys at the new servers, with the credentials of the Secret itself', async () => {
    // GIVEN system-database with DB_USER system and the fixture's password
    const before = await decoded('system-database');
    expect(before.URL).toBe(`postgresql://system:FakePgAppPw-7Qx2@system-postgresql/system`);
    // WHEN the cut-over runs
    expect((await run()).code).toBe(0);
    // THEN the URLs name the new services in 3scale-db
    expect(await decoded('system-database')).toEqual({ ...before, URL: `postgresql://system:FakePgAppPw-7Qx2@${PG_HOST}/system` });
    expect(await decoded('backend-redis')).toEqual({
      ...Object.fromEntries(Object.entries(original('backend-redis')).map(([k, v]) => [k, unb64(v)])),
      REDIS_STORAGE_URL: 'redis://backend-redis-service.3scale-db.svc.cluster.local:6379/0',
      REDIS_QUEUES_URL: 'redis://backend-redis-service.3scale-db.svc.cluster.local:6379/1',
    });
    expect(await decoded('system-redis')).toEqual({ SENTINEL_HOSTS: '', SENTINEL_ROLE: '', URL: 'redis://system-redis-service.3scale-db.svc.cluster.local:6379/1' });
    // AND Secrets the plan does not rewrite are untouched
    expect(await data('zync')).toEqual(original('zync'));
  });

  it('percent-encodes credentials with URL delimiters (@ : / %) into the userinfo', async () => {
    // GIVEN a database user and password that contain URL delimiters
    const user = 'sys:tem';
    const password = 'Fake@Pg:Pw/50%Off';
    const s = (await secret('system-database'))!;
    await cluster().put({ ...s, data: { ...(s.data as Record<string, string>), DB_USER: b64(user), DB_PASSWORD: b64(password) } });
    // WHEN the cut-over runs
    const r = await run();
    // THEN the URL carries them percent-encoded, and a URL parser gives the originals back
    expect(r.code).toBe(0);
    const url = (await decoded('system-database')).URL!;
    expect(url).toBe(`postgresql://sys%3Atem:Fake%40Pg%3APw%2F50%25Off@${PG_HOST}/system`);
    const parsed = new URL(url);
    expect([decodeURIComponent(parsed.username), decodeURIComponent(parsed.password), parsed.hostname, parsed.pathname]).toEqual([user, password, PG_HOST, '/system']);
    // AND neither the password nor any form of it is printed
    const out = r.stdout + r.stderr;
    for (const form of [password, b64(password), encodeURIComponent(password), 'Fake%40Pg%3APw%2F50%25Off']) expect(out).not.toContain(form);
  });

  it('keeps the first backup on a rerun, so it still holds the original and not the rewritten values', async () => {
    // GIVEN a completed cut-over
    expect((await run()).code).toBe(0);
    const versionsOf = async () => Promise.all(SECRETS.map(async (n) => (await secret(`${n}-pre-migration`))!.metadata.resourceVersion));
    const backupVersions = await versionsOf();
    const rewritten = await Promise.all(SECRETS.map((n) => data(n)));
    // WHEN the Job runs again (a retried Job, or the phase applied twice)
    const again = await run();
    // THEN it succeeds, says it kept the backups, and the backups are unchanged
    expect(again.code).toBe(0);
    for (const name of SECRETS) expect(again.stderr).toContain(`backup ${name}-pre-migration exists; keeping it`);
    expect(await versionsOf()).toEqual(backupVersions);
    for (const name of SECRETS) expect(await data(`${name}-pre-migration`)).toEqual(original(name));
    // AND the rewritten Secrets are the same as after the first run
    expect(await Promise.all(SECRETS.map((n) => data(n)))).toEqual(rewritten);
  });

  it('records evidence: phase Succeeded, a checksum of the rewrites, the time and a summary', async () => {
    // GIVEN a fresh cluster
    // WHEN the cut-over runs
    expect((await run()).code).toBe(0);
    // THEN the evidence ConfigMap of the Job namespace carries the step's keys
    const evidence = (await cluster().get('v1', 'ConfigMap', NS, 'threescale-migrate-evidence'))?.data as Record<string, string>;
    expect(Object.fromEntries(Object.entries(evidence).filter(([k]) => k.startsWith('rewrite-connection-secrets.')))).toEqual({
      'rewrite-connection-secrets.phase': 'Succeeded',
      'rewrite-connection-secrets.inputsChecksum': expect.stringMatching(/^[0-9a-f]{64}$/),
      'rewrite-connection-secrets.finishedAt': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      'rewrite-connection-secrets.result': 'rewrote the connection Secrets',
      'rewrite-connection-secrets.targets': expect.stringMatching(/^Secret\/3scale\/backend-redis=[0-9a-f-]+,Secret\/3scale\/system-database=[0-9a-f-]+,Secret\/3scale\/system-redis=[0-9a-f-]+$/),
    });
  });

  it('fails naming the Secret and key when a placeholder key is missing', async () => {
    // GIVEN system-database without DB_PASSWORD
    const s = (await secret('system-database'))!;
    const { DB_PASSWORD: _dropped, ...rest } = s.data as Record<string, string>;
    await cluster().put({ ...s, data: rest });
    expect(Object.keys(await data('system-database'))).not.toContain('DB_PASSWORD');
    // WHEN the cut-over runs
    const r = await run();
    // THEN it stops with a clear message and the URL is not rewritten
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ERROR: Secret 3scale/system-database has no key DB_PASSWORD, needed by the URL template');
    expect((await data('system-database')).URL).toBe(original('system-database').URL);
  });

  it('prints no secret value of the fixture, plain or base64, on stdout or stderr', async () => {
    // GIVEN the fixture's fake credentials
    // WHEN the cut-over runs twice
    const outputs = [await run(), await run()];
    // THEN nothing secret is printed
    expect(outputs.map((o) => o.code)).toEqual([0, 0]);
    expect(leakedSecrets(outputs.map((o) => o.stdout + o.stderr).join('\n'))).toEqual([]);
    expect(outputs.map((o) => o.stdout)).toEqual(['', '']);
  });

  it('needs every verb of the Role rendered for the Job: without `create` on Secrets the server forbids the backup', async () => {
    // GIVEN the Job's Role with `create` taken out of every rule
    const roles = job.access.filter((o) => o.kind === 'Role');
    expect(roles.length).toBeGreaterThan(0);
    const withoutCreate = (rules: PolicyRule[]) => rules.map((rule) => ({ ...rule, verbs: rule.verbs.filter((v) => v !== 'create') })).filter((rule) => rule.verbs.length > 0);
    const trimmed = roles.map((r) => ({ ...r, rules: withoutCreate(r.rules as PolicyRule[]) }));
    await cluster().put(...trimmed);
    // WHEN the cut-over runs under the Job's token
    const r = await run();
    // THEN the API server refuses, as on a cluster, and nothing is rewritten
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/forbidden: User "system:serviceaccount:3scale:rewrite-connection-secrets" cannot (create|patch) resource "secrets"/);
    expect((await data('system-database')).URL).toBe(original('system-database').URL);
  });
});

describe('kube/rewrite-secrets.sh with managed targets (examples/managed-rds-and-elasticache), real API server', () => {
  const MANAGED_PLAN = EXAMPLE_PLANS.postgresql.replace('postgresql-and-redis', 'managed-rds-and-elasticache');
  const RDS = 'threescale-system.c9akciq32.eu-west-1.rds.amazonaws.com';
  const CACHE = 'threescale-backend.x1y2z3.ng.0001.euw1.cache.amazonaws.com';
  // A managed admin user and password with URL delimiters in them (fake values of this test only).
  const USER = 'rds@admin';
  const PASSWORD = 'Fake:Rds/Pw@1%';
  let managedJob: RenderedKubeJob;
  const managed = useRealKubeScriptSuite('postgresql', [NS, '3scale-db'], () => [managedJob], {
    setup: async () => {
      managedJob = await renderedKubeJob(MANAGED_PLAN, 'rewrite-connection-secrets');
    },
  });
  const decoded = async (name: string): Promise<Record<string, string>> =>
    Object.fromEntries(Object.entries(((await managed().get('v1', 'Secret', NS, name))?.data ?? {}) as Record<string, string>).map(([k, v]) => [k, unb64(v)]));
  /** The credentials Secret as prepare's copy Job leaves it in the 3scale namespace. */
  const putCredentials = () =>
    managed().put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'rds-system-credentials', namespace: NS },
      type: 'Opaque',
      data: { username: b64(USER), password: b64(PASSWORD) },
    });

  it('builds the managed URLs from the credentials Secret: URL percent-encoded, DB_USER and DB_PASSWORD as they are, sentinel keys emptied', async () => {
    // GIVEN the credentials Secret in the 3scale namespace
    await putCredentials();
    const before = await decoded('backend-redis');
    // WHEN the cut-over runs under its ServiceAccount
    const r = await managed().run();
    // THEN system-database points at the managed PostgreSQL with its credentials; URL is the key 3scale reads
    expect(r.code, r.stderr).toBe(0);
    expect(await decoded('system-database')).toEqual({
      URL: `postgresql://rds%40admin:Fake%3ARds%2FPw%401%25@${RDS}:5432/system`,
      DB_USER: USER,
      DB_PASSWORD: PASSWORD,
    });
    const url = new URL((await decoded('system-database')).URL!);
    expect([decodeURIComponent(url.username), decodeURIComponent(url.password)]).toEqual([USER, PASSWORD]);
    // AND backend-redis points at ElastiCache without AUTH, databases 0 and 1, with no sentinel left
    expect(await decoded('backend-redis')).toEqual({
      ...before,
      REDIS_STORAGE_URL: `redis://${CACHE}:6379/0`,
      REDIS_QUEUES_URL: `redis://${CACHE}:6379/1`,
      REDIS_STORAGE_SENTINEL_HOSTS: '',
      REDIS_STORAGE_SENTINEL_ROLE: '',
      REDIS_QUEUES_SENTINEL_HOSTS: '',
      REDIS_QUEUES_SENTINEL_ROLE: '',
    });
    // AND the on-cluster system Redis of the same plan is rewritten as before
    expect((await decoded('system-redis')).URL).toBe('redis://system-redis-service.3scale-db.svc.cluster.local:6379/1');
    // AND the originals are backed up, and no credential is printed (the server's RBAC allowed every request)
    expect(await managed().get('v1', 'Secret', NS, 'system-database-pre-migration')).toBeDefined();
    for (const form of [PASSWORD, b64(PASSWORD), 'Fake%3ARds%2FPw%401%25']) expect(r.stdout + r.stderr).not.toContain(form);
  });

  it('stops naming the credentials Secret when it is missing, and leaves system-database as it was', async () => {
    // GIVEN no credentials Secret in the 3scale namespace (prepare's copy Job did not run)
    const before = await decoded('system-database');
    // WHEN the cut-over runs
    const r = await managed().run();
    // THEN it fails naming the Secret, and the URL is untouched
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ERROR: cannot read key username of Secret 3scale/rds-system-credentials');
    expect((await decoded('system-database')).URL).toBe(before.URL);
  });
});
