import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runDiscover } from '../../src/discover/run-discover.js';
import { UserError } from '../../src/errors.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { loadPlanFile, parsePlan } from '../../src/plan/load-plan.js';
import { type FakeApiServer, startFakeApiServer } from '../support/fake-api-server.js';
import { LIVE_FIXTURES, leakedSecrets, loadLiveFixture } from '../support/live-fixtures.js';
import { loadMigrationPlan, parseMigrationPlan } from '../support/plans.js';
import { runCli } from '../support/cli.js';

let dir: string;
/** The PostgreSQL install as `oc get -o json` writes it (JSON reads fast). */
let postgresqlJson: string;
/** The PostgreSQL install in namespace 3scale and the MySQL one in 3scale-staging, in one List. */
let twoInstalls: string;

const list = (items: readonly KubeObject[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'run-discover-test-'));
  const [postgresql, mysql] = await Promise.all([loadLiveFixture('postgresql'), loadLiveFixture('mysql')]);
  postgresqlJson = join(dir, 'postgresql.json');
  writeFileSync(postgresqlJson, list(postgresql));
  twoInstalls = join(dir, 'two-installs.json');
  writeFileSync(twoInstalls, list([...postgresql, ...mysql.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: '3scale-staging' } }))]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The UserError `promise` rejects with (one line, no secret). */
async function userError(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(UserError.isUserError(err), String(err)).toBe(true);
  const message = (err as UserError).message;
  expect(message.split('\n')).toHaveLength(1);
  expect(leakedSecrets(message)).toEqual([]);
  return message;
}

describe('runDiscover --from-file', () => {
  test('writes a plan file with the comment header, which the plan loader accepts', async () => {
    // GIVEN the exported PostgreSQL install (the YAML `oc get -o yaml` writes)
    const out = join(dir, 'migration.yaml');

    // WHEN
    const summary = await runDiscover({ fromFile: LIVE_FIXTURES.postgresql, out });

    // THEN the summary names the file and what was found
    expect(summary).toMatch(new RegExp(`^wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 3scale 2\\.15\\.5, operator 0\\.12\\.5; System database: internal PostgreSQL, .*; system Redis: internal, .*\\n$`));
    // AND the file starts with the header, then the plan
    const text = readFileSync(out, 'utf8');
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      `# Written by threescale-migrate discover from ${LIVE_FIXTURES.postgresql}.`,
      '# Review before use: target namespace, storage sizes and classes, resources. No secret is recorded.',
      '# found: 3scale 2.15.5, operator 0.12.5',
    ]);
    expect(lines[3]).toMatch(/^# found: System database: internal PostgreSQL, image \S+, PVC postgresql-data 10Gi$/);
    expect(lines[4]).toMatch(/^# found: backend Redis: internal, image \S+, PVC backend-redis-storage 1Gi$/);
    expect(lines[5]).toBe('# found: system Redis: internal, image registry.redhat.io/rhel8/redis-6@sha256:799e5e091b1d3c2e4ee6d469809d184bfdd7d13383fb2651496ef8bd25fa2266, PVC system-redis-storage 1Gi');
    expect(lines[6]).toBe('# found: no Subscription of package 3scale-operator in namespace 3scale, so no spec.upgrade is written (the 2.16 upgrade phase cannot be enabled); if the operator is installed by OLM, read its namespace with --operator-namespace, or export the Subscription too (oc get subscription -o yaml)');
    expect(lines.slice(7, 9)).toEqual(['', 'apiVersion: threescale-migrate.3scale.net/v1alpha1']);
    // AND it loads as a plan, with the install's values
    const { plan } = loadMigrationPlan(out);
    expect(plan.metadata.name).toBe('3scale');
    expect(plan.spec.replicas['apicast-production']).toBe(3);
    expect(plan.spec.systemDatabase).toMatchObject({ kind: 'postgresql', strategy: 'upgrade-on-cluster' });
    expect(leakedSecrets(text)).toEqual([]);
  });

  test('-o - returns the plan text instead of writing it', async () => {
    // GIVEN / WHEN
    const text = await runDiscover({ fromFile: postgresqlJson, out: '-', name: 'prod-3scale', targetNamespace: 'databases' });

    // THEN
    expect(text.startsWith(`# Written by threescale-migrate discover from ${postgresqlJson}.\n`)).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    const { plan } = parseMigrationPlan(text, 'stdout');
    expect(plan.metadata.name).toBe('prod-3scale');
    expect(plan.spec.targets).toMatchObject({ namespace: 'databases', createNamespace: true });
    expect(existsSync(join(process.cwd(), '-'))).toBe(false);
  });

  test('an output path that cannot be written is a UserError naming it and the flag', async () => {
    // GIVEN a path in a folder that does not exist, and a path that is a folder
    const inMissingFolder = join(dir, 'no-such-folder', 'migration.yaml');
    const aFolder = join(dir, 'a-folder');
    mkdirSync(aFolder);

    // WHEN / THEN
    expect(await userError(runDiscover({ fromFile: postgresqlJson, out: inMissingFolder }))).toBe(`${inMissingFolder}: cannot write the plan (ENOENT); expected a writable --out path.`);
    expect(await userError(runDiscover({ fromFile: postgresqlJson, out: aFolder }))).toBe(`${aFolder}: cannot write the plan (EISDIR); expected a writable --out path.`);
    expect(existsSync(inMissingFolder)).toBe(false);
  });

  test('GIVEN a plan file that exists (hand-edited) WHEN discovered into it without --force THEN a UserError naming it and --force, the file untouched; with --force it is replaced', async () => {
    // GIVEN
    const edited = join(dir, 'edited-migration.yaml');
    writeFileSync(edited, '# my edits\n');

    // WHEN
    const refused = await userError(runDiscover({ fromFile: postgresqlJson, out: edited }));
    const kept = readFileSync(edited, 'utf8');
    const forced = await runDiscover({ fromFile: postgresqlJson, out: edited, force: true });

    // THEN
    expect(refused).toBe(`${edited}: exists and may hold edits; expected a path that does not exist yet, or --force to overwrite it.`);
    expect(kept).toBe('# my edits\n');
    expect(forced).toMatch(new RegExp(`^wrote ${edited}: `));
    expect(readFileSync(edited, 'utf8')).toContain('kind: MigrationPlan');
    expect(readdirSync(dir).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  test('GIVEN the CLI WHEN discover writes a plan file that exists THEN exit 2 in one sentence without --force, exit 0 with it', async () => {
    // GIVEN
    const plan = join(dir, 'cli-migration.yaml');
    const first = await runCli(['discover', '--from-file', postgresqlJson, '--out', plan]);
    writeFileSync(plan, readFileSync(plan, 'utf8').replace('# Written by', '# Edited by me; written by'));

    // WHEN
    const again = await runCli(['discover', '--from-file', postgresqlJson, '--out', plan]);
    const edited = readFileSync(plan, 'utf8');
    const forced = await runCli(['discover', '--from-file', postgresqlJson, '--out', plan, '--force']);

    // THEN
    expect(first.code).toBe(0);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`error: ${plan}: exists and may hold edits; expected a path that does not exist yet, or --force to overwrite it.\n`);
    expect(edited).toContain('# Edited by me');
    expect(forced.code).toBe(0);
    expect(readFileSync(plan, 'utf8')).not.toContain('# Edited by me');
  });

  test('APIManagers in two namespaces and no -n: a UserError naming both and the flag', async () => {
    // GIVEN / WHEN
    const message = await userError(runDiscover({ fromFile: twoInstalls, out: '-' }));

    // THEN
    expect(message).toBe(`${twoInstalls}: APIManagers in several namespaces (3scale, 3scale-staging); expected -n/--namespace to pick one.`);
  });

  test('APIManagers in two namespaces and -n: the install of that namespace', async () => {
    // GIVEN / WHEN
    const staging = parseMigrationPlan(await runDiscover({ fromFile: twoInstalls, out: '-', namespace: '3scale-staging' }), 'stdout').plan;
    const prod = parseMigrationPlan(await runDiscover({ fromFile: twoInstalls, out: '-', namespace: '3scale' }), 'stdout').plan;

    // THEN
    expect(staging.spec.threescale).toMatchObject({ namespace: '3scale-staging', apiManagerName: '3scale' });
    expect(staging.spec.systemDatabase).toMatchObject({ kind: 'mysql', strategy: 'keep-in-place' });
    expect(staging.spec.targets.namespace).toBe('3scale-staging-db');
    expect(prod.spec.threescale).toMatchObject({ namespace: '3scale', apiManagerName: 'apimanager' });
  });

  test('an export without any APIManager is a UserError saying what to export', async () => {
    // GIVEN
    const file = join(dir, 'no-apimanager.json');
    writeFileSync(file, list([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: '3scale' }, data: {} }]));

    // WHEN / THEN
    expect(await userError(runDiscover({ fromFile: file, out: '-' }))).toBe(
      `${file}: no APIManager found; expected an export of the 3scale namespace (oc get deployment,pvc,svc,configmap,serviceaccount,secret,apimanager,subscription -o yaml).`,
    );
  });

  test('a refusal of discovery names the export file and writes nothing', async () => {
    // GIVEN an export without the operator, and an output path
    const file = join(dir, 'no-operator.json');
    const install = JSON.parse(readFileSync(postgresqlJson, 'utf8')) as { items: KubeObject[] };
    writeFileSync(file, list(install.items.filter((o) => o.metadata.name !== 'threescale-operator-controller-manager-v2')));
    const out = join(dir, 'refused.yaml');

    // WHEN
    const message = await userError(runDiscover({ fromFile: file, out }));

    // THEN
    expect(message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: Deployment 3scale/threescale-operator-controller-manager-v2 is missing; .*--operator-namespace`));
    expect(existsSync(out)).toBe(false);
  });

  test('an export file that cannot be read is a UserError naming it', async () => {
    const missing = join(dir, 'missing.yaml');
    expect(await userError(runDiscover({ fromFile: missing, out: '-' }))).toContain(missing);
  });
});

describe('runDiscover from a cluster: the operator Subscriptions', () => {
  let fixture: KubeObject[];
  const servers: FakeApiServer[] = [];
  beforeAll(async () => {
    fixture = await loadLiveFixture('postgresql');
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  const threescaleSubscription: KubeObject = {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'Subscription',
    metadata: { name: '3scale-operator', namespace: '3scale' },
    spec: { channel: 'threescale-2.15', name: '3scale-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', installPlanApproval: 'Manual' },
    status: { currentCSV: '3scale-operator.v0.12.5', state: 'AtLatestKnown' },
  };

  test('GIVEN a Subscription of the 3scale operator WHEN discovered THEN one LIST of Subscriptions fills spec.upgrade, disabled', async () => {
    // GIVEN
    const api = await startFakeApiServer({ objects: [...fixture, threescaleSubscription] });
    servers.push(api);

    // WHEN
    const text = await runDiscover({ kubeconfig: api.kubeconfigPath('3scale'), out: '-' });

    // THEN
    const { plan } = parseMigrationPlan(text, 'discovered');
    expect(plan.spec.upgrade).toMatchObject({ enabled: false, subscription: { name: '3scale-operator', installPlanApproval: 'Manual' } });
    expect(text).toContain('# found: Subscription 3scale/3scale-operator: channel threescale-2.15, current CSV 3scale-operator.v0.12.5 (AtLatestKnown), installPlanApproval Manual');
    const lists = api.requests.filter((r) => r.method === 'GET' && r.path === '/apis/operators.coreos.com/v1alpha1/namespaces/3scale/subscriptions');
    expect(lists).toHaveLength(1);
  });

  test('GIVEN a cluster without the OLM API WHEN discovered THEN the plan is written without spec.upgrade, no error', async () => {
    // GIVEN
    const api = await startFakeApiServer({ objects: fixture, apis: { omit: ['operators.coreos.com/v1alpha1'] } });
    servers.push(api);

    // WHEN
    const text = await runDiscover({ kubeconfig: api.kubeconfigPath('3scale'), out: '-' });

    // THEN
    const { plan } = parseMigrationPlan(text, 'discovered');
    expect(plan.spec.upgrade).toBeUndefined();
    expect(plan.spec.threescale.namespace).toBe('3scale');
  });

  test('GIVEN a 403 on the LIST of Subscriptions WHEN discovered THEN a UserError naming it', async () => {
    // GIVEN
    const api = await startFakeApiServer({ objects: fixture, faults: [{ method: 'GET', path: '/apis/operators.coreos.com/v1alpha1/namespaces/3scale/subscriptions', status: 403 }] });
    servers.push(api);

    // WHEN
    const message = await userError(runDiscover({ kubeconfig: api.kubeconfigPath('3scale'), out: '-' }));

    // THEN
    expect(message).toContain('subscriptions.operators.coreos.com');
    expect(message).toMatch(/403|forbidden/i);
  });
});

describe('runDiscover --procedure template-2.5-to-2.6', () => {
  const procedure = 'template-2.5-to-2.6';

  test('GIVEN the exported 2.5 template install WHEN discovered from the file THEN a TemplateUpgradePlan with the header is written, which the plan loader accepts', async () => {
    // GIVEN
    const out = join(dir, 'template-upgrade.yaml');

    // WHEN
    const summary = await runDiscover({ fromFile: LIVE_FIXTURES.template, out, procedure, name: 'amp-2-6' });

    // THEN
    expect(summary).toBe(`wrote ${out}: 3scale 2.5 from the amp.yml template, 15 DeploymentConfigs; ServiceAccount 3scale/default has the cluster role view (service discovery), so amp gets it too; wildcard domain apps.example.com, 6 ImageStreams, 6 Routes, the wildcard router\n`);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n').slice(0, 2)).toEqual([
      `# Written by threescale-migrate discover from ${LIVE_FIXTURES.template}.`,
      '# Review before use: routes.serviceDeploymentOptions and routes.accessTokenSecret (the services whose deployment option changes), images. No secret is recorded.',
    ]);
    const { plan } = loadPlanFile(out);
    expect(plan.kind).toBe('TemplateUpgradePlan');
    expect(plan.spec.procedure).toBe(procedure);
    expect(leakedSecrets(text)).toEqual([]);
  });

  test('GIVEN the same install on a cluster WHEN discovered THEN the plan equals the one discovered from the export, and only Secret system-redis is read', async () => {
    // GIVEN
    const fixture = await loadLiveFixture('template');
    const api = await startFakeApiServer({ objects: fixture, apis: { deploymentConfigs: true, imageStreams: true } });
    try {
      // WHEN
      const fromCluster = await runDiscover({ kubeconfig: api.kubeconfigPath('3scale'), out: '-', procedure });

      // THEN
      const fromFile = await runDiscover({ fromFile: LIVE_FIXTURES.template, out: '-', procedure });
      const body = (t: string) => t.split('\n').filter((l) => !l.startsWith('# Written by'));
      expect(body(fromCluster)).toEqual(body(fromFile));
      const secretReads = api.requests.filter((r) => r.path.includes('/secrets'));
      expect(secretReads.map((r) => `${r.method} ${r.path} ${r.query.fieldSelector}`)).toEqual(['GET /api/v1/namespaces/3scale/secrets metadata.name=system-redis']);
      expect(leakedSecrets(fromCluster)).toEqual([]);
    } finally {
      await api.close();
    }
  });

  test('GIVEN a user who may not list ClusterRoleBindings WHEN discovered from the cluster THEN the plan is written without the view grant', async () => {
    // GIVEN
    const fixture = await loadLiveFixture('template');
    const api = await startFakeApiServer({
      objects: fixture,
      apis: { deploymentConfigs: true, imageStreams: true },
      faults: [{ method: 'GET', path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', status: 403 }],
    });
    try {
      // WHEN
      const text = await runDiscover({ kubeconfig: api.kubeconfigPath('3scale'), out: '-', procedure });

      // THEN
      const { plan } = parsePlan(text, 'stdout');
      expect(plan.spec).toMatchObject({ registry: { grantView: false } });
    } finally {
      await api.close();
    }
  });

  test('GIVEN an operator-based 2.15 export WHEN discovered for the template procedure THEN a UserError naming the file and what to export', async () => {
    const message = await userError(runDiscover({ fromFile: LIVE_FIXTURES.postgresql, out: '-', procedure }));
    expect(message).toBe(`${LIVE_FIXTURES.postgresql}: no DeploymentConfig system-app found; expected an export of the 3scale 2.5 namespace (oc get dc,is,route,svc,configmap,secret -o yaml).`);
  });

  test('GIVEN a cluster without the OpenShift APIs WHEN discovered for the template procedure THEN a UserError saying which install was expected', async () => {
    // GIVEN Kubernetes without apps.openshift.io and image.openshift.io, and nothing of 3scale
    const api = await startFakeApiServer({ objects: [] });
    try {
      // WHEN
      const message = await userError(runDiscover({ kubeconfig: api.kubeconfigPath('3scale'), out: '-', procedure }));

      // THEN
      expect(message).toBe(`cluster ${api.url}: no DeploymentConfig in namespace 3scale; expected a 3scale 2.5 installed from the amp.yml template there (is -n/--namespace right, and does the export include dc?).`);
    } finally {
      await api.close();
    }
  });

  test('GIVEN the exported 2.5 template install and no --procedure WHEN discovered THEN a UserError naming the file, what it holds and the --procedure to pass', async () => {
    const message = await userError(runDiscover({ fromFile: LIVE_FIXTURES.template, out: '-' }));
    expect(message).toBe(
      `${LIVE_FIXTURES.template}: holds the DeploymentConfig system-app of a 3scale 2.5 install from templates, not an install the default procedure plans; expected --procedure template-2.5-to-2.6 to plan it.`,
    );
  });

  test('GIVEN an export holding neither install and no --procedure WHEN discovered THEN the default procedure\'s own sentence, no hint', async () => {
    // GIVEN a DeploymentConfig of another name: nothing the template discovery reads first
    const file = join(dir, 'other-dc.json');
    writeFileSync(file, list([{ apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', metadata: { name: 'system-app-old', namespace: '3scale' }, spec: {} }]));

    // WHEN / THEN
    expect(await userError(runDiscover({ fromFile: file, out: '-' }))).toBe(
      `${file}: no APIManager found; expected an export of the 3scale namespace (oc get deployment,pvc,svc,configmap,serviceaccount,secret,apimanager,subscription -o yaml).`,
    );
  });

  test('GIVEN an unknown --procedure WHEN discovered THEN a UserError listing the procedures', async () => {
    const message = await userError(runDiscover({ fromFile: LIVE_FIXTURES.template, out: '-', procedure: 'template-2.4-to-2.5' }));
    expect(message).toBe('--procedure: unknown procedure "template-2.4-to-2.5"; expected "externalize-on-cluster" (the default) or "template-2.5-to-2.6".');
  });
});
