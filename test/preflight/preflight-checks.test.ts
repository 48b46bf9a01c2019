/**
 * Specification of src/procedures/externalize-on-cluster/preflight-checks.ts: the checks of seed chapters 1 and 2 before the move to
 * 3scale 2.16, read through the real live reader from the loopback API server (ClusterVersion, PackageManifest,
 * Subscription, InstallPlans, APIManager, the system-database Secret and the evidence ConfigMap), and from an
 * export.
 */
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { LiveReader } from '../../src/live/live-reader.js';
import type { ObjectTypeRef } from '../../src/live/object-type.js';
import { evaluatePreflight, parseVersionCheckResult, preflightListRefs } from '../../src/procedures/externalize-on-cluster/preflight-checks.js';
import type { PreflightCheck, PreflightReport } from '../../src/status/preflight-report.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { ClusterSource, ExportSource, type LiveSource, type SourceListing } from '../../src/status/live-source.js';
import { clusterVersion, installPlan, packageManifest, subscription } from '../support/fake-api-olm.js';
import { type FaultRule, startFakeApiServer } from '../support/fake-api-server.js';
import { examplePlanWith, loadExample } from '../support/plans.js';

const PHASES = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify', 'upgrade'];
const CSV_LATEST = '3scale-operator.v0.12.5';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const DB_PASSWORD = 'pf-Db-pw-51c2';

/** The APIManager with the external flags it has (after the cut-over: all three). */
function apiManager(external: { database: boolean; systemRedis: boolean; backendRedis: boolean }): KubeObject {
  return {
    apiVersion: 'apps.3scale.net/v1alpha1',
    kind: 'APIManager',
    metadata: { name: 'apimanager', namespace: '3scale', annotations: { 'apps.3scale.net/apimanager-threescale-version': '2.15.5' } },
    spec: {
      wildcardDomain: 'apps.example.com',
      externalComponents: { system: { database: external.database, redis: external.systemRedis }, backend: { redis: external.backendRedis } },
    },
  };
}

const systemDatabase = (scheme: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'system-database', namespace: '3scale' },
  type: 'Opaque',
  data: { URL: b64(`${scheme}://system:${DB_PASSWORD}@system-postgresql-service.3scale-db.svc.cluster.local/system`), DB_USER: b64('system'), DB_PASSWORD: b64(DB_PASSWORD) },
});

/** The evidence ConfigMap with version-check records (result lines as version-check.sh writes them). */
function evidence(records: Readonly<Record<string, string>>): KubeObject {
  const data: Record<string, string> = {};
  for (const [step, result] of Object.entries(records)) {
    Object.assign(data, { [`${step}.phase`]: 'Succeeded', [`${step}.inputsChecksum`]: 'c0ffee', [`${step}.finishedAt`]: '2025-07-01T10:00:00Z', [`${step}.result`]: result });
  }
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'threescale-migrate-evidence', namespace: '3scale' }, data };
}

const VENDOR = 'requirements vendor (postgresql>=15.0 mysql>=8.0.0 redis>=7.2)';

/** A cluster after the migration, ready for the upgrade: every check passes. */
function readyCluster(): KubeObject[] {
  return [
    clusterVersion('4.16.21', [
      { version: '4.16.21', state: 'Completed' },
      { version: '4.14.38', state: 'Completed' },
    ]),
    packageManifest('3scale-operator', { 'threescale-2.15': CSV_LATEST, 'threescale-2.16': '3scale-operator.v0.13.1' }),
    subscription({ installed: CSV_LATEST, current: CSV_LATEST }),
    installPlan('install-4bq7d', '3scale-operator.v0.12.4', { approved: true }),
    installPlan('install-9mzt2', CSV_LATEST, { approved: true }),
    apiManager({ database: true, systemRedis: true, backendRedis: true }),
    systemDatabase('postgresql'),
    evidence({
      'check-versions-system-database': `${VENDOR}: system-database=postgresql:10.23:below`,
      'check-versions-redis': `${VENDOR}: backend-redis-storage=redis:6.2.7:below backend-redis-queues=redis:6.2.7:below system-redis=redis:6.2.7:below`,
      'check-new-versions-system-database': `${VENDOR}: system-database=postgresql:15.8:ok`,
      'check-new-versions-redis': `${VENDOR}: backend-redis-storage=redis:7.2.4:ok backend-redis-queues=redis:7.2.4:ok system-redis=redis:7.2.4:ok`,
    }),
  ];
}

/** Reads what the checks need from a source (one LIST per ref, as diff does) and evaluates them. */
async function evaluateFrom(source: LiveSource, plan: Plan): Promise<PreflightReport> {
  const listings = await source.list(preflightListRefs(plan));
  const lookup = (ref: ObjectTypeRef): SourceListing | undefined =>
    listings.find((l) => l.ref.apiVersion === ref.apiVersion && l.ref.kind === ref.kind && (l.ref.namespace ?? '') === (ref.namespace ?? ''));
  return evaluatePreflight(plan, lookup, { mode: source.mode, phases: PHASES });
}

/** Starts the loopback API server with `objects` (and faults), evaluates the checks through the live reader. */
async function evaluateLive(objects: readonly KubeObject[], plan: Plan = loadExample('postgresql-and-redis').plan, faults: FaultRule[] = []) {
  const api = await startFakeApiServer({ objects, faults });
  const reader = LiveReader.fromKubeconfig({ kubeconfig: api.kubeconfigPath('3scale') });
  try {
    const report = await evaluateFrom(new ClusterSource(reader), plan);
    return { report, requests: api.requests };
  } finally {
    reader.client.close();
    await api.close();
  }
}

const byId = (report: PreflightReport, id: string): PreflightCheck => {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return found;
};
const replace = (objects: KubeObject[], kind: string, replacement: KubeObject) => [...objects.filter((o) => o.kind !== kind), replacement];

describe('evaluatePreflight through the loopback API server', () => {
  test('GIVEN a migrated cluster on OpenShift 4.16, the latest 2.15 CSV and new servers at the vendor versions WHEN evaluated THEN every check passes, in a fixed order', async () => {
    // GIVEN / WHEN
    const { report } = await evaluateLive(readyCluster());

    // THEN
    expect(report.checks.map((c) => `${c.id} ${c.status} ${c.found}`)).toEqual([
      'openshift-version passed 4.16.21',
      `operator-csv:3scale/3scale-operator passed ${CSV_LATEST}`,
      'install-plans:3scale/3scale-operator passed none pending',
      'oracle passed postgresql://',
      'components-external passed all three external',
      'server-version:system-database passed PostgreSQL 15.8',
      'server-version:backend-redis-storage passed Redis 7.2.4',
      'server-version:backend-redis-queues passed Redis 7.2.4',
      'server-version:system-redis passed Redis 7.2.4',
      'capabilities-certificates passed 0 capability resources, none failing certificate verification',
    ]);
    expect(report).toMatchObject({ requirements: 'vendor', failed: [] });
    expect(byId(report, `operator-csv:3scale/3scale-operator`).source).toBe('Subscription status.installedCSV; PackageManifest openshift-marketplace/3scale-operator channel threescale-2.15 currentCSV');
    expect(JSON.stringify(report)).not.toContain(DB_PASSWORD);
  });

  test('GIVEN OpenShift 4.11 WHEN evaluated THEN the version check fails, naming found and needed and that OpenShift is upgraded outside this tool', async () => {
    // GIVEN
    const objects = replace(readyCluster(), 'ClusterVersion', clusterVersion('4.11.59'));

    // WHEN
    const { report } = await evaluateLive(objects);

    // THEN
    expect(byId(report, 'openshift-version')).toEqual({
      id: 'openshift-version',
      title: 'OpenShift version',
      status: 'failed',
      found: '4.11.59',
      needed: '4.12, 4.14, 4.16, 4.17, 4.18, 4.19 or 4.20 (the versions chapter 1 lists)',
      source: 'ClusterVersion version: status.desired.version',
      fixedBy: null,
      detail: 'upgrade OpenShift to 4.12, 4.14, 4.16, 4.17, 4.18, 4.19 or 4.20 before upgrading 3scale',
    });
    expect(report.failed).toEqual(['openshift-version']);
  });

  test('GIVEN a ClusterVersion without desired version WHEN evaluated THEN the last completed update of the history counts', async () => {
    // GIVEN
    const cv = clusterVersion('4.14.4', [{ version: '4.14.4', state: 'Completed' }]);
    delete (cv.status as { desired?: unknown }).desired;

    // WHEN
    const { report } = await evaluateLive(replace(readyCluster(), 'ClusterVersion', cv));

    // THEN
    expect(byId(report, 'openshift-version')).toMatchObject({ status: 'passed', found: '4.14.4' });
  });

  test('GIVEN an OpenShift at or above 4.12 that chapter 1 does not list (4.13, 4.15, 4.21) WHEN evaluated THEN the check fails, naming the listed version to move to', async () => {
    const cases: [string, string][] = [
      ['4.13.40', 'OpenShift 4.13 is not among the versions the vendor lists for 3scale 2.16; upgrade OpenShift to 4.14 before upgrading 3scale'],
      ['4.15.2', 'OpenShift 4.15 is not among the versions the vendor lists for 3scale 2.16; upgrade OpenShift to 4.16 before upgrading 3scale'],
      ['4.21.0', "OpenShift 4.21 is newer than the versions the vendor lists for 3scale 2.16 (up to 4.20); check the vendor's current support matrix before upgrading 3scale"],
    ];
    for (const [version, detail] of cases) {
      // WHEN
      const { report } = await evaluateLive(replace(readyCluster(), 'ClusterVersion', clusterVersion(version)));

      // THEN
      expect(byId(report, 'openshift-version')).toMatchObject({ status: 'failed', found: version, detail });
    }
    // AND each listed version passes
    for (const version of ['4.12.70', '4.16.0', '4.20.3']) {
      const { report } = await evaluateLive(replace(readyCluster(), 'ClusterVersion', clusterVersion(version)));
      expect(byId(report, 'openshift-version')).toMatchObject({ status: 'passed', found: version });
    }
  });

  test('GIVEN a 403 on ClusterVersion WHEN evaluated THEN the check is unknown with the API server reason, and the others are still judged', async () => {
    // GIVEN
    const forbidden: FaultRule = { method: 'GET', path: '/apis/config.openshift.io/v1/clusterversions', status: 403 };

    // WHEN
    const { report } = await evaluateLive(readyCluster(), undefined, [forbidden]);

    // THEN
    const cv = byId(report, 'openshift-version');
    expect(cv).toMatchObject({ status: 'unknown', found: null, needed: '4.12, 4.14, 4.16, 4.17, 4.18, 4.19 or 4.20 (the versions chapter 1 lists)' });
    expect(cv.detail).toMatch(/forbidden/i);
    expect(cv.detail).toContain('clusterversions');
    expect(report.failed).toEqual([]);
    expect(byId(report, 'oracle').status).toBe('passed');
  });

  test('GIVEN a cluster without the OpenShift config API WHEN evaluated THEN the check is unknown and says the API is not served', async () => {
    // GIVEN / WHEN
    const api = await startFakeApiServer({ objects: readyCluster().filter((o) => o.kind !== 'ClusterVersion'), apis: { omit: ['config.openshift.io/v1'] } });
    const reader = LiveReader.fromKubeconfig({ kubeconfig: api.kubeconfigPath('3scale') });
    const report = await evaluateFrom(new ClusterSource(reader), loadExample('postgresql-and-redis').plan).finally(async () => {
      reader.client.close();
      await api.close();
    });

    // THEN
    expect(byId(report, 'openshift-version')).toMatchObject({ status: 'unknown' });
    expect(byId(report, 'openshift-version').detail).toContain('config.openshift.io/v1 ClusterVersion is not served by this cluster');
  });

  test('GIVEN a Manual Subscription behind the head of threescale-2.15 with its InstallPlan waiting WHEN evaluated THEN both the CSV and the InstallPlan checks fail, saying to approve it', async () => {
    // GIVEN 0.12.4 installed, 0.12.5 offered and waiting for approval
    const objects = [
      ...readyCluster().filter((o) => o.kind !== 'Subscription' && o.kind !== 'InstallPlan'),
      subscription({ installed: '3scale-operator.v0.12.4', current: CSV_LATEST }),
      installPlan('install-4bq7d', '3scale-operator.v0.12.4', { approved: true }),
      installPlan('install-7xk2p', CSV_LATEST, { approved: false }),
    ];

    // WHEN
    const { report } = await evaluateLive(objects);

    // THEN
    expect(byId(report, 'operator-csv:3scale/3scale-operator')).toMatchObject({
      status: 'failed',
      found: '3scale-operator.v0.12.4',
      needed: CSV_LATEST,
      detail: `approve the pending InstallPlans of 3scale until ${CSV_LATEST} is installed (more may follow one another)`,
    });
    expect(byId(report, 'install-plans:3scale/3scale-operator')).toMatchObject({ status: 'failed', found: `install-7xk2p (${CSV_LATEST})`, needed: 'none pending' });
    expect(report.failed).toEqual(['operator-csv:3scale/3scale-operator', 'install-plans:3scale/3scale-operator']);
  });

  test('GIVEN the 2.16 InstallPlan waiting after the upgrade phase moved the channel WHEN evaluated THEN it is the upgrade itself, not a pending 2.15 plan', async () => {
    // GIVEN the channel on 2.16 and its InstallPlan waiting for Manual approval
    const objects = [
      ...readyCluster().filter((o) => o.kind !== 'Subscription'),
      subscription({ installed: CSV_LATEST, current: '3scale-operator.v0.13.1', channel: 'threescale-2.16' }),
      installPlan('install-2p8wq', '3scale-operator.v0.13.1', { approved: false }),
    ];

    // WHEN
    const { report } = await evaluateLive(objects);

    // THEN
    expect(byId(report, 'operator-csv:3scale/3scale-operator').status).toBe('passed');
    expect(byId(report, 'install-plans:3scale/3scale-operator')).toMatchObject({ status: 'passed', found: 'none pending' });
  });

  test('GIVEN the catalog cannot be read WHEN evaluated THEN the Subscription’s own currentCSV on threescale-2.15 is the head', async () => {
    // GIVEN
    const forbidden: FaultRule = { method: 'GET', path: /packagemanifests$/, status: 403 };
    const objects = replace(readyCluster(), 'Subscription', subscription({ installed: '3scale-operator.v0.12.3', current: CSV_LATEST, approval: 'Automatic' }));

    // WHEN
    const { report } = await evaluateLive(objects, undefined, [forbidden]);

    // THEN
    expect(byId(report, 'operator-csv:3scale/3scale-operator')).toMatchObject({
      status: 'failed',
      needed: CSV_LATEST,
      source: 'Subscription status.installedCSV and status.currentCSV',
      detail: `OLM has not installed ${CSV_LATEST} yet: wait for it, or check why the Subscription is stuck`,
    });
  });

  test('GIVEN an Oracle System database WHEN evaluated THEN the check fails from the URL scheme alone, and no part of the URL but the scheme is reported', async () => {
    // GIVEN
    const objects = replace(readyCluster(), 'Secret', systemDatabase('oracle-enhanced'));

    // WHEN
    const { report } = await evaluateLive(objects);

    // THEN
    expect(byId(report, 'oracle')).toMatchObject({ status: 'failed', found: 'oracle-enhanced://', fixedBy: null });
    expect(byId(report, 'oracle').detail).toContain('stay on 2.15');
    expect(JSON.stringify(report)).not.toContain(DB_PASSWORD);
    expect(JSON.stringify(report)).not.toContain('system-postgresql-service');
  });

  test('GIVEN the Redis still internal WHEN evaluated THEN the external-components check fails, naming the flags and the cutover phase that sets them', async () => {
    // GIVEN
    const objects = replace(readyCluster(), 'APIManager', apiManager({ database: true, systemRedis: false, backendRedis: false }));

    // WHEN
    const { report } = await evaluateLive(objects);

    // THEN
    expect(byId(report, 'components-external')).toMatchObject({
      status: 'failed',
      found: 'not external: system.redis, backend.redis',
      needed: 'spec.externalComponents system.database, system.redis and backend.redis true',
      fixedBy: 'cutover',
    });
  });

  test('GIVEN only the preflight measurement of servers the plan replaces WHEN evaluated THEN they fail with the prepare phase as the fix; verify measures the new ones', async () => {
    // GIVEN the verify stage has not run yet
    const objects = replace(
      readyCluster(),
      'ConfigMap',
      evidence({
        'check-versions-system-database': `${VENDOR}: system-database=postgresql:10.23:below`,
        'check-versions-redis': `${VENDOR}: backend-redis-storage=redis:6.2.7:below backend-redis-queues=redis:6.2.7:below system-redis=redis:6.2.7:below`,
      }),
    );

    // WHEN
    const { report } = await evaluateLive(objects);

    // THEN
    expect(byId(report, 'server-version:system-database')).toEqual({
      id: 'server-version:system-database',
      title: 'system-database server version',
      status: 'failed',
      found: 'PostgreSQL 10.23',
      needed: 'PostgreSQL 15.0 or later (vendor requirements)',
      source: 'ConfigMap 3scale/threescale-migrate-evidence: check-versions-system-database.result',
      fixedBy: 'prepare',
      detail: 'measured before the migration: prepare creates its replacement and verify measures that one (check-new-versions-system-database)',
    });
    expect(byId(report, 'server-version:system-redis')).toMatchObject({ status: 'failed', found: 'Redis 6.2.7', fixedBy: 'prepare' });
  });

  test('GIVEN new Redis 7.0 servers WHEN evaluated with the vendor table THEN they fail; with the operator table the same measurement passes', async () => {
    // GIVEN the verify stage measured Redis 7.0.15 (under the operator table, as the Job ran)
    const op = 'requirements operator (postgresql>=13.0.0 mysql>=8.0.0 redis>=7.0.0)';
    const objects = replace(
      readyCluster(),
      'ConfigMap',
      evidence({
        'check-new-versions-system-database': `${op}: system-database=postgresql:15.8:ok`,
        'check-new-versions-redis': `${op}: backend-redis-storage=redis:7.0.15:ok backend-redis-queues=redis:7.0.15:ok system-redis=redis:7.0.15:ok`,
      }),
    );
    const operatorPlan = examplePlanWith('postgresql-and-redis', (raw) => (raw.spec.preflight = { versionRequirements: 'operator' })).plan;

    // WHEN
    const vendor = (await evaluateLive(objects)).report;
    const operator = (await evaluateLive(objects, operatorPlan)).report;

    // THEN the verdict follows the table in force, not the one the Job ran with
    expect(byId(vendor, 'server-version:backend-redis-storage')).toMatchObject({
      status: 'failed',
      found: 'Redis 7.0.15',
      needed: 'Redis 7.2 or later (vendor requirements)',
      fixedBy: null,
    });
    expect(byId(vendor, 'server-version:backend-redis-storage').detail).toContain('spec.backendRedis.image');
    expect(operator.failed).toEqual([]);
    expect(byId(operator, 'server-version:backend-redis-storage')).toMatchObject({ status: 'passed', needed: 'Redis 7.0.0 or later (operator requirements)' });
  });

  test('GIVEN no version measurement yet WHEN evaluated THEN the version checks are unknown, naming the Job that records them', async () => {
    // GIVEN
    const objects = readyCluster().filter((o) => o.kind !== 'ConfigMap');

    // WHEN
    const { report } = await evaluateLive(objects);

    // THEN
    expect(byId(report, 'server-version:system-redis')).toMatchObject({ status: 'unknown', detail: 'no measurement yet: the Job check-versions-redis of 00-preflight records it' });
  });

  /** A capability resource whose reconcile reports `message` in its conditions. */
  const capability = (kind: 'Product' | 'Tenant', name: string, message: string, annotations?: Record<string, string>): KubeObject => ({
    apiVersion: kind === 'Product' ? 'capabilities.3scale.net/v1beta1' : 'capabilities.3scale.net/v1alpha1',
    kind,
    metadata: { name, namespace: '3scale', ...(annotations ? { annotations } : {}) },
    spec: {},
    status: { conditions: [{ type: 'Failed', status: 'True', message }] },
  });
  const X509 = 'Get "https://3scale-admin.apps.example.com/admin/api/services.json": tls: failed to verify certificate: x509: certificate signed by unknown authority';

  test('GIVEN a Product and a Tenant failing certificate verification (chapter 1) WHEN evaluated THEN the check fails, naming each and the annotation that fixes it, and holds the upgrade', async () => {
    // GIVEN
    const objects = [...readyCluster(), capability('Product', 'api-a', X509), capability('Tenant', 'acme', X509), capability('Product', 'api-b', 'product synced')];
    // WHEN
    const { report } = await evaluateLive(objects);
    // THEN
    const c = byId(report, 'capabilities-certificates');
    expect(c.status).toBe('failed');
    expect(c.found).toBe(`Product 3scale/api-a, Tenant 3scale/acme report a certificate verification failure (Product api-a: ${X509.slice(0, 160)})`);
    expect(c.detail).toBe('add the annotation to each (seed chapter 1), e.g. `oc -n 3scale annotate product api-a insecure_skip_verify=true`, or make the operator trust the certificate of the 3scale admin portal; the operator reconciles them then');
    expect(c.needed).toContain('insecure_skip_verify: "true"');
    expect(report.failed).toEqual(['capabilities-certificates']);
  });

  test('GIVEN the failing resources carry insecure_skip_verify: "true" WHEN evaluated THEN the check passes and counts them; "false" or another spelling does not count', async () => {
    const skip = { insecure_skip_verify: 'true' };
    const passed = await evaluateLive([...readyCluster(), capability('Product', 'api-a', X509, skip), capability('Tenant', 'acme', X509, skip)]);
    expect(byId(passed.report, 'capabilities-certificates')).toMatchObject({ status: 'passed', found: '2 capability resources, none failing certificate verification (2 with insecure_skip_verify: "true")' });
    const wrong = await evaluateLive([...readyCluster(), capability('Product', 'api-a', X509, { insecure_skip_verify: 'false' }), capability('Tenant', 'acme', X509, { 'insecure-skip-verify': 'true' })]);
    expect(byId(wrong.report, 'capabilities-certificates').status).toBe('failed');
  });

  test('GIVEN a plan without the upgrade WHEN evaluated THEN capability resources are neither read nor judged', async () => {
    const plan = examplePlanWith('postgresql-and-redis', (p) => {
      p.spec.upgrade = { ...p.spec.upgrade!, enabled: false };
    }).plan;
    const { report, requests } = await evaluateLive([...readyCluster(), capability('Product', 'api-a', X509)], plan);
    expect(report.checks.map((c) => c.id)).not.toContain('capabilities-certificates');
    expect(requests.filter((r) => r.path.includes('capabilities.3scale.net/'))).toEqual([]);
  });

  test('GIVEN a 403 on Products WHEN evaluated THEN the check is unknown with the reason, not passed', async () => {
    const { report } = await evaluateLive(readyCluster(), loadExample('postgresql-and-redis').plan, [{ method: 'GET', path: /\/products$/, status: 403 }]);
    expect(byId(report, 'capabilities-certificates').status).toBe('unknown');
  });

  test('GIVEN the checks WHEN they read the cluster THEN they list each kind once per namespace and never GET single objects', async () => {
    // GIVEN / WHEN
    const { requests } = await evaluateLive(readyCluster());

    // THEN
    const lists = requests.filter((r) => r.method === 'GET' && /\/(clusterversions|packagemanifests|subscriptions|installplans|apimanagers|secrets|configmaps)$/.test(r.path)).map((r) => r.path);
    expect(lists.sort()).toEqual([
      '/api/v1/namespaces/3scale/configmaps',
      '/api/v1/namespaces/3scale/secrets',
      '/apis/apps.3scale.net/v1alpha1/namespaces/3scale/apimanagers',
      '/apis/config.openshift.io/v1/clusterversions',
      '/apis/operators.coreos.com/v1alpha1/namespaces/3scale/installplans',
      '/apis/operators.coreos.com/v1alpha1/namespaces/3scale/subscriptions',
      '/apis/packages.operators.coreos.com/v1/namespaces/openshift-marketplace/packagemanifests',
    ]);
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});

describe('evaluatePreflight from an export', () => {
  test('GIVEN an export holding the objects WHEN evaluated THEN the checks are judged as live; GIVEN one without them THEN they are unknown, saying the export lacks them', async () => {
    // GIVEN
    const plan = loadExample('postgresql-and-redis').plan;

    // WHEN
    const full = await evaluateFrom(new ExportSource(readyCluster(), 'export.yaml'), plan);
    const bare = await evaluateFrom(new ExportSource([apiManager({ database: false, systemRedis: false, backendRedis: false })], 'export.yaml'), plan);

    // THEN
    expect(full.failed).toEqual([]);
    expect(full.checks.every((c) => c.status === 'passed')).toBe(true);
    expect(byId(bare, 'openshift-version')).toMatchObject({ status: 'unknown', detail: 'the export holds no ClusterVersion' });
    expect(byId(bare, 'install-plans:3scale/3scale-operator')).toMatchObject({ status: 'unknown', detail: 'the export holds no InstallPlan in 3scale' });
    expect(byId(bare, 'components-external')).toMatchObject({ status: 'failed', found: 'not external: system.database, system.redis, backend.redis' });
  });
});

describe('parseVersionCheckResult', () => {
  test('GIVEN the result line of version-check.sh WHEN parsed THEN each server gives kind, version and verdict; unreachable ones have no version', () => {
    // GIVEN
    const line = `${VENDOR}: system-database=mariadb:10.11.19:refused system-redis=redis::unreachable backend-redis-storage=redis:7.2.4:ok`;

    // WHEN
    const parsed = parseVersionCheckResult(line);

    // THEN
    expect(Object.fromEntries(parsed)).toEqual({
      'system-database': { kind: 'mariadb', version: '10.11.19', verdict: 'refused' },
      'system-redis': { kind: 'redis', version: '', verdict: 'unreachable' },
      'backend-redis-storage': { kind: 'redis', version: '7.2.4', verdict: 'ok' },
    });
  });
});
