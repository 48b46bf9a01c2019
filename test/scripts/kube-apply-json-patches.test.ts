/**
 * Specification of charts/scripts/kube/apply-json-patches.sh (MySQL kept in place, detached from the 3scale
 * operator), run with bash and the real kubectl against the fake API server holding the 3scale 2.15 MySQL
 * install. The patch files and the `steps` index are the ones the chart puts into its ConfigMap for
 * examples/mysql-in-place-and-redis (mysqlDetachSteps + detachStepsIndex + detachStepDocument), written into
 * a temporary PATCH_DIR instead of the ConfigMap mount.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { detachStepDocument, detachStepsIndex, mysqlDetachSteps, type DetachStep } from '../../src/procedures/externalize-on-cluster/mysql-detach.js';
import { patchStepDocument, patchStepsIndex } from '../../src/patches/json-patch-steps.js';
import { checkKubectl, EXAMPLE_PLANS, evidenceOf, OPENSHIFT_APIS, renderedKubeJob, requestsOutsideRole, skipKubectlSuite, startKubeScriptCluster, useKubeScriptSuite, type KubeScriptCluster, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import type { ScriptResult } from '../support/db-servers.js';
import type { RecordedRequest } from '../support/fake-api-server.js';
import { leakedSecrets } from '../support/live-fixtures.js';
import { loadMigrationPlan, templateExample } from '../support/plans.js';

const kubectl = checkKubectl();

const NS = '3scale';
const OPERATOR_LABELS = ['app', 'threescale_component', 'threescale_component_element'];
const DETACHED: readonly { apiVersion: string; kind: string; name: string }[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', name: 'system-mysql' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'mysql-storage' },
  { apiVersion: 'v1', kind: 'ConfigMap', name: 'mysql-extra-conf' },
  { apiVersion: 'v1', kind: 'ConfigMap', name: 'mysql-main-conf' },
  { apiVersion: 'v1', kind: 'Service', name: 'system-mysql' },
  // the ServiceAccount system-mysql runs as: owned by the APIManager, without labels
  { apiVersion: 'v1', kind: 'ServiceAccount', name: 'amp' },
];

type Meta = { labels?: Record<string, string>; ownerReferences?: { kind: string; name: string }[]; [k: string]: unknown };

/**
 * An object without what the server maintains (resourceVersion, generation, managedFields), and with empty
 * label maps and owner lists dropped as kube-apiserver's `omitempty` does.
 */
function comparable(o: KubeObject): KubeObject {
  const c = structuredClone(o);
  const strip = (m: Meta | undefined): void => {
    if (!m) return;
    if (m.labels && Object.keys(m.labels).length === 0) delete m.labels;
    if (m.ownerReferences && m.ownerReferences.length === 0) delete m.ownerReferences;
  };
  for (const k of ['resourceVersion', 'generation', 'managedFields']) delete c.metadata[k];
  strip(c.metadata as Meta);
  strip((c.spec as { template?: { metadata?: Meta } } | undefined)?.template?.metadata);
  return c;
}

describe.skipIf(skipKubectlSuite(kubectl))('kube/apply-json-patches.sh', () => {
  let job: RenderedKubeJob;
  let steps: DetachStep[];
  let patchDir: string;
  const kube = useKubeScriptSuite(kubectl, 'mysql', {
    setup: async () => {
      const { plan } = loadMigrationPlan(EXAMPLE_PLANS.mysql);
      steps = mysqlDetachSteps(plan);
      patchDir = await mkdtemp(join(tmpdir(), 'tsm-patches-'));
      await writeFile(join(patchDir, 'steps'), detachStepsIndex(steps));
      for (const s of steps) await writeFile(join(patchDir, s.file), detachStepDocument(s));
      job = await renderedKubeJob(EXAMPLE_PLANS.mysql, 'detach-system-mysql');
    },
  });

  afterAll(async () => {
    if (patchDir) await rm(patchDir, { recursive: true, force: true });
  });

  const fixtureObject = (kind: string, name: string): KubeObject => kube.fixture.find((o) => o.kind === kind && o.metadata.name === name)!;
  const liveIn = (cluster: KubeScriptCluster, apiVersion: string, kind: string, name: string): KubeObject => cluster.api.store.get(apiVersion, kind, NS, name)!;
  const runIn = (cluster: KubeScriptCluster) => cluster.run(job, { PATCH_DIR: patchDir });

  it('is rendered with one guarded step per operator label and APIManager ownerReference of the six MySQL objects', () => {
    // GIVEN the MySQL kept-in-place plan, whose discovered detach list omits rht.subcomp_t
    // WHEN the cutover phase renders the Job and its patches
    // THEN the Job reads them from PATCH_DIR in the 3scale namespace, and there are 30 steps
    expect(job).toMatchObject({ namespace: NS, script: 'kube/apply-json-patches.sh', env: { PATCH_DIR: '/patches', TARGET_NAMESPACE: NS, NAMESPACE: NS } });
    expect(steps).toHaveLength(30);
    expect(new Set(steps.map((s) => `${s.kind}/${s.name}`))).toEqual(new Set(DETACHED.map((d) => `${d.kind}/${d.name}`)));
  });

  describe('run twice on the 2.15 install', () => {
    let cluster: KubeScriptCluster;
    let before: KubeObject[];
    let first: ScriptResult;
    let afterFirst: KubeObject[];
    let second: ScriptResult;
    let secondRequests: RecordedRequest[];
    let afterSecond: KubeObject[];
    const detached = (): KubeObject[] => DETACHED.map((d) => liveIn(cluster, d.apiVersion, d.kind, d.name));

    beforeAll(async () => {
      cluster = await startKubeScriptCluster(kube.fixture, { namespaces: [NS], home: kube.home });
      before = detached();
      first = await runIn(cluster);
      afterFirst = detached();
      const firstCount = cluster.api.requests.length;
      second = await runIn(cluster);
      secondRequests = cluster.api.requests.slice(firstCount);
      afterSecond = detached();
    });

    afterAll(async () => {
      await cluster?.close();
    });

    it('removes the operator labels and the APIManager ownerReference from the six objects, and nothing else', () => {
      // GIVEN the 2.15 MySQL objects, owned by the APIManager 3scale and labelled by the operator
      for (const o of before) {
        expect((o.metadata as Meta).ownerReferences?.map((r) => `${r.kind}/${r.name}`)).toEqual(['APIManager/3scale']);
        if (o.kind !== 'ServiceAccount') expect(Object.keys(o.metadata.labels ?? {})).toEqual(expect.arrayContaining(OPERATOR_LABELS));
      }
      // WHEN the Job runs
      // THEN every step applied
      expect(first.stderr).toContain('applied 30 patch steps, 0 already done');
      expect(first.code).toBe(0);
      // AND each object equals the fixture minus exactly the labels and the ownerReference
      DETACHED.forEach((d, i) => {
        const expected = structuredClone(fixtureObject(d.kind, d.name));
        for (const k of OPERATOR_LABELS) delete expected.metadata.labels?.[k];
        (expected.metadata as Meta).ownerReferences!.splice(0, 1);
        if (d.kind === 'Deployment') (expected.spec as { template: { metadata: Meta } }).template.metadata.labels = { deployment: 'system-mysql' };
        expect(comparable(afterFirst[i]!)).toEqual(comparable(expected));
      });
    });

    it('keeps the `deployment` selector label on the pod template, so the Deployment still selects its pods', () => {
      // GIVEN system-mysql selecting its pods by `deployment: system-mysql`
      type Deploy = KubeObject & { spec: { selector: unknown; template: { metadata: Meta } } };
      const [pre, post] = [before[0] as Deploy, afterFirst[0] as Deploy];
      // WHEN the Job runs
      // THEN the selector is unchanged and the pod template keeps only that label
      expect(post.spec.selector).toEqual(pre.spec.selector);
      expect(post.spec.selector).toEqual({ matchLabels: { deployment: 'system-mysql' } });
      expect(post.spec.template.metadata.labels).toEqual({ deployment: 'system-mysql' });
    });

    it('leaves every other object of the install untouched', () => {
      // GIVEN the whole 2.15 install
      const others = kube.fixture.filter((o) => !DETACHED.some((d) => d.kind === o.kind && d.name === o.metadata.name));
      // WHEN the Job ran (twice)
      // THEN all other objects are exactly as before
      for (const o of others) expect(cluster.api.store.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name)).toEqual(o);
    });

    it('skips every step on a rerun, sending no patch to the MySQL objects', () => {
      // GIVEN a completed detach
      // WHEN the Job runs again
      // THEN all 30 steps are reported done, nothing but the evidence was written, and the objects are the same
      expect(second.code).toBe(0);
      expect(second.stderr).toContain('applied 0 patch steps, 30 already done');
      expect(secondRequests.filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.path}`)).toEqual([
        `POST /api/v1/namespaces/${NS}/configmaps`,
        `PATCH /api/v1/namespaces/${NS}/configmaps/threescale-migrate-evidence`,
      ]);
      expect(afterSecond).toEqual(afterFirst);
    });

    it('records evidence, prints no secret and makes only requests its Role allows', () => {
      // GIVEN the Role the chart renders (get and patch on the six objects by name)
      // WHEN the Job ran twice
      // THEN the evidence is recorded, the output is clean, and every request was allowed
      expect(evidenceOf(cluster.api, NS, 'detach-system-mysql')).toEqual({
        'detach-system-mysql.phase': 'Succeeded',
        'detach-system-mysql.inputsChecksum': expect.stringMatching(/^[0-9a-f]{64}$/),
        'detach-system-mysql.finishedAt': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        'detach-system-mysql.result': 'applied 0 patch steps, 30 already done',
      });
      expect([first.stdout, second.stdout]).toEqual(['', '']);
      expect(leakedSecrets(first.stderr + second.stderr)).toEqual([]);
      expect(requestsOutsideRole(cluster.api.requests, job)).toEqual([]);
    });
  });

  describe('when a value changed after discovery', () => {
    let cluster: KubeScriptCluster;

    beforeEach(async () => {
      cluster = await startKubeScriptCluster(kube.fixture, { namespaces: [NS], home: kube.home });
      // system-mysql relabelled after discovery: threescale_component is now `other`
      const d = liveIn(cluster, 'apps/v1', 'Deployment', 'system-mysql');
      d.metadata.labels = { ...d.metadata.labels, threescale_component: 'other' };
      cluster.api.store.put(d);
    });

    afterEach(async () => {
      await cluster?.close();
    });

    it('fails naming the object when a label no longer has the discovered value (the test guard refuses)', async () => {
      // GIVEN system-mysql whose threescale_component label is `other`, not the discovered `system`
      // WHEN the Job runs
      const r = await runIn(cluster);
      // THEN it stops at that step, naming the patch file and deployment/system-mysql
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(
        'ERROR: patch 03-deployment-system-mysql-label-threescale_component.json on deployment/system-mysql was refused (its test guard failed: the live value is not the one discovered)',
      );
      // AND the changed label is still there, the steps after it did not run, and no evidence was recorded
      expect(liveIn(cluster, 'apps/v1', 'Deployment', 'system-mysql').metadata.labels).toEqual({ threescale_component: 'other', threescale_component_element: 'mysql' });
      expect((liveIn(cluster, 'v1', 'Service', 'system-mysql').metadata as Meta).ownerReferences).toHaveLength(1);
      expect(evidenceOf(cluster.api, NS, 'detach-system-mysql')).toEqual({});
    });

    it('resumes after the refusal: once the label is put back, a rerun skips what was done and applies the rest', async () => {
      // GIVEN a run refused at step 03 of system-mysql
      expect((await runIn(cluster)).code).not.toBe(0);
      // WHEN the label gets its discovered value back and the Job runs again
      const fixed = liveIn(cluster, 'apps/v1', 'Deployment', 'system-mysql');
      fixed.metadata.labels = { ...fixed.metadata.labels, threescale_component: 'system' };
      cluster.api.store.put(fixed);
      const r = await runIn(cluster);
      // THEN the two steps done before are skipped and the 28 others applied
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('applied 28 patch steps, 2 already done');
    });
  });
});

/**
 * The same script on the 2.5 template install (DeploymentConfigs, ImageStreams, Secret system-redis), with
 * the patch steps of the five patching phases of examples/template-2.5-to-2.6: the generated pointers and
 * `test` values must fit the exported objects, and each probe's output as kubectl prints it must equal the
 * `before` and `done` the steps record (otherwise the Job would refuse or redo them).
 */
describe.skipIf(skipKubectlSuite(kubectl))('kube/apply-json-patches.sh on the 2.5 template install', () => {
  const PHASES = [
    { id: 'registry-auth', job: 'move-to-amp-service-account', steps: 15 },
    { id: 'redis-secret', job: 'add-system-redis-keys', steps: 7 },
    { id: 'redis-env', job: 'add-redis-variables', steps: 9 },
    { id: 'database-imagestreams', job: 'trigger-database-imagestreams', steps: 5 },
    { id: 'images', job: 'upgrade-images', steps: 7 },
  ] as const;
  const jobs = new Map<string, RenderedKubeJob>();
  const dirs = new Map<string, string>();
  const runs = new Map<string, { first: ScriptResult; second: ScriptResult; secondPatches: number; requests: RecordedRequest[] }>();
  let cluster: KubeScriptCluster;
  const kube = useKubeScriptSuite(kubectl, 'template', {
    apis: OPENSHIFT_APIS,
    setup: async () => {
      const { plan } = templateExample();
      const { templateUpgrade } = await import('../../src/procedures/template-2.5-to-2.6/template-upgrade.js');
      for (const p of PHASES) {
        const steps = templateUpgrade.phases.find((d) => d.id === p.id)!.patches!(plan);
        const dir = await mkdtemp(join(tmpdir(), `tsm-patches-${p.id}-`));
        await writeFile(join(dir, 'steps'), patchStepsIndex(steps));
        for (const s of steps) await writeFile(join(dir, s.file), patchStepDocument(s));
        dirs.set(p.id, dir);
        jobs.set(p.id, await renderedKubeJob(EXAMPLE_PLANS.template, p.job));
      }
    },
  });

  beforeAll(async () => {
    cluster = await startKubeScriptCluster(kube.fixture, { namespaces: [NS], home: kube.home, apis: OPENSHIFT_APIS });
    // In the order of the procedure, each Job twice (the rerun must skip every step).
    for (const p of PHASES) {
      const start = cluster.api.requests.length;
      const first = await cluster.run(jobs.get(p.id)!, { PATCH_DIR: dirs.get(p.id)! });
      const count = cluster.api.requests.length;
      const second = await cluster.run(jobs.get(p.id)!, { PATCH_DIR: dirs.get(p.id)! });
      const secondPatches = cluster.api.requests.slice(count).filter((q) => q.method === 'PATCH' && !q.path.endsWith('/threescale-migrate-evidence')).length;
      runs.set(p.id, { first, second, secondPatches, requests: cluster.api.requests.slice(start) });
    }
  });

  afterAll(async () => {
    await cluster?.close();
    for (const dir of dirs.values()) await rm(dir, { recursive: true, force: true });
  });

  const dc = (name: string) => cluster.api.store.get('apps.openshift.io/v1', 'DeploymentConfig', NS, name) as any;
  const fixtureDc = (name: string) => kube.fixture.find((o) => o.kind === 'DeploymentConfig' && o.metadata.name === name) as any;
  const envNames = (env: { name: string }[] | undefined) => (env ?? []).map((e) => e.name);

  it.each(PHASES)('GIVEN the export WHEN the $job Job runs twice THEN it applies its $steps steps, then finds every one done, within its Role', (p) => {
    const { first, second, secondPatches, requests } = runs.get(p.id)!;
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`applied ${p.steps} patch steps, 0 already done`);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`applied 0 patch steps, ${p.steps} already done`);
    expect(secondPatches).toBe(0);
    expect(evidenceOf(cluster.api, NS, p.job)[`${p.job}.phase`]).toBe('Succeeded');
    expect(requestsOutsideRole(requests, jobs.get(p.id)!)).toEqual([]);
    expect(leakedSecrets(first.stdout + first.stderr + second.stdout + second.stderr)).toEqual([]);
  });

  it('GIVEN the patched install THEN every DeploymentConfig runs as amp and system-app kept its variables in order, gained the new ones once, pre-hook too', () => {
    for (const d of kube.fixture.filter((o) => o.kind === 'DeploymentConfig')) expect(dc(d.metadata.name).spec.template.spec.serviceAccountName, d.metadata.name).toBe('amp');
    const before = fixtureDc('system-app');
    const after = dc('system-app');
    after.spec.template.spec.containers.forEach((c: any, i: number) => {
      const was = envNames(before.spec.template.spec.containers[i].env);
      expect(envNames(c.env).slice(0, was.length)).toEqual(was);
      expect(envNames(c.env)).toHaveLength(was.length + 9);
    });
    expect(envNames(after.spec.strategy.rollingParams.pre.execNewPod.env)).toHaveLength(envNames(before.spec.strategy.rollingParams.pre.execNewPod.env).length + 9);
    expect(envNames(dc('backend-worker').spec.template.spec.initContainers[0].env)).toEqual(['CONFIG_REDIS_PROXY', 'CONFIG_REDIS_SENTINEL_HOSTS', 'CONFIG_REDIS_SENTINEL_ROLE', 'CONFIG_QUEUES_SENTINEL_HOSTS', 'CONFIG_QUEUES_SENTINEL_ROLE', 'RACK_ENV']);
  });

  it('GIVEN the patched install THEN Secret system-redis kept URL and gained the seven keys, the databases follow their streams, latest follows 2.6', () => {
    const secret = cluster.api.store.get('v1', 'Secret', NS, 'system-redis') as any;
    const original = kube.fixture.find((o) => o.kind === 'Secret' && o.metadata.name === 'system-redis') as any;
    expect(secret.data.URL).toBe(original.data.URL);
    expect(Object.keys(secret.data)).toHaveLength(8);
    expect(dc('zync-database').spec.triggers.filter((t: any) => t.type === 'ImageChange').map((t: any) => t.imageChangeParams.from.name)).toEqual(['zync-database-postgresql:latest']);
    expect(dc('system-mysql').spec.triggers.map((t: any) => t.imageChangeParams?.from.name ?? t.type)).toEqual(['ConfigChange', 'system-mysql:latest']);
    const stream = cluster.api.store.get('image.openshift.io/v1', 'ImageStream', NS, 'amp-system') as any;
    expect(stream.spec.tags.map((t: any) => `${t.name}=${t.from.name}`)).toEqual(['latest=2.6', '2.5=registry.access.redhat.com/3scale-amp25/system', '2.6=registry.redhat.io/3scale-amp26/system']);
    expect(dc('system-app').spec.template.spec.containers.map((c: any) => c.env.find((e: any) => e.name === 'AMP_RELEASE').value)).toEqual(['2.6', '2.6', '2.6']);
  });
});
