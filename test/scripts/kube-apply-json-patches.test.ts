/**
 * Specification of charts/scripts/kube/apply-json-patches.sh (MySQL kept in place, detached from the 3scale
 * operator; the template upgrade's patching phases), run with bash and the built kubectl against the real API
 * server of the tests holding the exported install, under a token of the ServiceAccount the chart renders for
 * the Job, so the server's RBAC decides every request as on a cluster. The patch files and the `steps` index are
 * the ones the chart puts into its ConfigMap, written into a temporary PATCH_DIR instead of the ConfigMap mount.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { EVIDENCE_CONFIGMAP } from '../../src/contract/on-cluster.js';
import { detachStepDocument, detachStepsIndex, mysqlDetachSteps, type DetachStep } from '../../src/procedures/externalize-on-cluster/mysql-detach.js';
import { patchStepDocument, patchStepsIndex } from '../../src/patches/json-patch-steps.js';
import { EXAMPLE_PLANS, renderedKubeJob, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { leakedSecrets, loadLiveFixture } from '../support/live-fixtures.js';
import { loadMigrationPlan, templateExample } from '../support/plans.js';
import { apiRequestOk, useRealKubeScriptSuite, type RealKubeScriptCluster } from '../support/real-api/index.js';

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
type Rule = { apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; verbs: string[] };

/** An object without what the server maintains on every write (resourceVersion, generation, managedFields). */
function comparable(o: KubeObject): KubeObject {
  const c = structuredClone(o);
  for (const k of ['resourceVersion', 'generation', 'managedFields']) delete c.metadata[k];
  return c;
}

/** The resourceVersion of every object of the fixture, to show what a run left untouched. */
async function versions(cluster: RealKubeScriptCluster, objects: readonly KubeObject[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const f of objects) out[`${f.kind}/${f.metadata.name}`] = (await cluster.get(f.apiVersion, f.kind, f.metadata.namespace!, f.metadata.name))?.metadata.resourceVersion;
  return out;
}

/** Whether the server's RBAC lets the Job's ServiceAccount patch the Deployment system-mysql (a SubjectAccessReview). */
async function mayPatchDeployment(cluster: RealKubeScriptCluster, job: RenderedKubeJob): Promise<boolean> {
  const review = (await apiRequestOk(cluster.admin, {
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: `system:serviceaccount:${job.namespace}:${job.name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${job.namespace}`, 'system:authenticated'], resourceAttributes: { namespace: NS, verb: 'patch', group: 'apps', resource: 'deployments', name: 'system-mysql' } },
    },
  })) as { status?: { allowed?: boolean } };
  return review.status?.allowed === true;
}

/**
 * The Job's Role without `patch` on anything but the evidence ConfigMap, applied and awaited until the RBAC
 * authorizer (which reads Roles through an informer) refuses a patch of system-mysql: a run that still sends a
 * patch to one of the six objects then fails with the server's 403.
 */
async function withoutPatchVerb(cluster: RealKubeScriptCluster, job: RenderedKubeJob): Promise<void> {
  const role = structuredClone(job.access.find((o) => o.kind === 'Role' && o.metadata.namespace === NS)!) as KubeObject & { rules: Rule[] };
  role.rules = role.rules.flatMap((r): Rule[] => {
    if (!r.resourceNames) return [r];
    const readOnly = { ...r, resourceNames: r.resourceNames.filter((n) => n !== EVIDENCE_CONFIGMAP), verbs: r.verbs.filter((v) => v !== 'patch') };
    return [...(readOnly.resourceNames.length ? [readOnly] : []), ...(r.resourceNames.includes(EVIDENCE_CONFIGMAP) ? [{ ...r, resourceNames: [EVIDENCE_CONFIGMAP] }] : [])];
  });
  await cluster.put(role);
  for (let i = 0; i < 100 && (await mayPatchDeployment(cluster, job)); i++) await new Promise((r) => setTimeout(r, 100));
  expect(await mayPatchDeployment(cluster, job)).toBe(false);
}

describe('kube/apply-json-patches.sh on the real API server, under the Job\'s ServiceAccount', () => {
  let job: RenderedKubeJob;
  let steps: DetachStep[];
  let patchDir: string;
  let fixture: KubeObject[];
  const cluster = useRealKubeScriptSuite('mysql', [NS], () => [job], {
    setup: async () => {
      const { plan } = loadMigrationPlan(EXAMPLE_PLANS.mysql);
      steps = mysqlDetachSteps(plan);
      patchDir = await mkdtemp(join(tmpdir(), 'tsm-patches-'));
      await writeFile(join(patchDir, 'steps'), detachStepsIndex(steps));
      for (const s of steps) await writeFile(join(patchDir, s.file), detachStepDocument(s));
      job = await renderedKubeJob(EXAMPLE_PLANS.mysql, 'detach-system-mysql');
      fixture = (await loadLiveFixture('mysql')).filter((o) => o.metadata.namespace === NS);
    },
  });

  afterAll(async () => {
    if (patchDir) await rm(patchDir, { recursive: true, force: true });
  });

  const run = () => cluster().run({ PATCH_DIR: patchDir });
  const detached = async (): Promise<KubeObject[]> => Promise.all(DETACHED.map(async (d) => (await cluster().get(d.apiVersion, d.kind, NS, d.name))!));

  it('is rendered with one guarded step per operator label and APIManager ownerReference of the six MySQL objects', () => {
    // GIVEN the MySQL kept-in-place plan, whose discovered detach list omits rht.subcomp_t
    // WHEN the cutover phase renders the Job and its patches
    // THEN the Job reads them from PATCH_DIR in the 3scale namespace, and there are 30 steps
    expect(job).toMatchObject({ namespace: NS, script: 'kube/apply-json-patches.sh', env: { PATCH_DIR: '/patches', TARGET_NAMESPACE: NS, NAMESPACE: NS } });
    expect(steps).toHaveLength(30);
    expect(new Set(steps.map((s) => `${s.kind}/${s.name}`))).toEqual(new Set(DETACHED.map((d) => `${d.kind}/${d.name}`)));
  });

  it('GIVEN the 2.15 install WHEN the Job runs THEN the six objects lose exactly the operator labels and the APIManager ownerReference, the Deployment still selects its pods, and nothing else changes', async () => {
    // GIVEN the 2.15 MySQL objects, owned by the APIManager 3scale and labelled by the operator
    const before = await detached();
    for (const o of before) {
      expect((o.metadata as Meta).ownerReferences?.map((r) => `${r.kind}/${r.name}`)).toEqual(['APIManager/3scale']);
      if (o.kind !== 'ServiceAccount') expect(Object.keys(o.metadata.labels ?? {})).toEqual(expect.arrayContaining(OPERATOR_LABELS));
    }
    const others = fixture.filter((o) => !DETACHED.some((d) => d.kind === o.kind && d.name === o.metadata.name));
    const othersBefore = await versions(cluster(), others);

    // WHEN the Job runs
    const r = await run();

    // THEN every step applied
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('applied 30 patch steps, 0 already done');
    // AND each object is as it was minus exactly the labels and the ownerReference (the server dropped the emptied maps and lists)
    const after = await detached();
    before.forEach((b, i) => {
      const expected = comparable(b);
      const meta = expected.metadata as Meta;
      for (const k of OPERATOR_LABELS) delete meta.labels?.[k];
      if (meta.labels && Object.keys(meta.labels).length === 0) delete meta.labels;
      delete meta.ownerReferences;
      if (b.kind === 'Deployment') (expected.spec as { template: { metadata: Meta } }).template.metadata.labels = { deployment: 'system-mysql' };
      expect(comparable(after[i]!), `${b.kind}/${b.metadata.name}`).toEqual(expected);
    });
    // AND system-mysql keeps selecting its pods by the `deployment` label, the only one left on its template
    const deployment = after[0] as KubeObject & { spec: { selector: unknown; template: { metadata: Meta } } };
    expect(deployment.spec.selector).toEqual({ matchLabels: { deployment: 'system-mysql' } });
    expect(deployment.spec.template.metadata.labels).toEqual({ deployment: 'system-mysql' });
    // AND every other object of the install is untouched
    expect(await versions(cluster(), others)).toEqual(othersBefore);
  });

  it('GIVEN a completed detach WHEN the Job runs again under a Role that may not patch the six objects THEN it finds all 30 steps done, patches nothing, records evidence and prints no secret', async () => {
    // GIVEN a completed detach, and the Job's Role without `patch` but on the evidence ConfigMap
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    const afterFirst = await detached();
    await withoutPatchVerb(cluster(), job);

    // WHEN the Job runs again
    const second = await run();

    // THEN every step is reported done (a patch sent would have been refused by RBAC), the objects are the same
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('applied 0 patch steps, 30 already done');
    expect((await detached()).map((o) => o.metadata.resourceVersion)).toEqual(afterFirst.map((o) => o.metadata.resourceVersion));
    // AND the evidence is recorded, and the output is clean
    expect(await cluster().evidence(NS, 'detach-system-mysql')).toEqual({
      'detach-system-mysql.phase': 'Succeeded',
      'detach-system-mysql.inputsChecksum': expect.stringMatching(/^[0-9a-f]{64}$/),
      'detach-system-mysql.finishedAt': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      'detach-system-mysql.result': 'applied 0 patch steps, 30 already done',
    });
    expect([first.stdout, second.stdout]).toEqual(['', '']);
    expect(leakedSecrets(first.stderr + second.stderr)).toEqual([]);
  });

  /** system-mysql relabelled after discovery: threescale_component is `value` now. */
  async function relabel(value: string): Promise<void> {
    const d = (await cluster().get('apps/v1', 'Deployment', NS, 'system-mysql'))!;
    await cluster().put({ ...d, metadata: { ...d.metadata, labels: { ...d.metadata.labels, threescale_component: value } } });
  }

  it('GIVEN a label that no longer has the discovered value WHEN the Job runs THEN the test guard refuses, naming the object, and no evidence is recorded', async () => {
    // GIVEN system-mysql whose threescale_component label is `other`, not the discovered `system`
    await relabel('other');
    // WHEN the Job runs
    const r = await run();
    // THEN it stops at that step, naming the patch file and deployment/system-mysql
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'ERROR: patch 03-deployment-system-mysql-label-threescale_component.json on deployment/system-mysql was refused (its test guard failed: the live value is not the one discovered)',
    );
    // AND the changed label is still there, the steps after it did not run, and no evidence was recorded
    expect((await cluster().get('apps/v1', 'Deployment', NS, 'system-mysql'))!.metadata.labels).toEqual({ threescale_component: 'other', threescale_component_element: 'mysql' });
    expect(((await cluster().get('v1', 'Service', NS, 'system-mysql'))!.metadata as Meta).ownerReferences).toHaveLength(1);
    expect(await cluster().evidence(NS, 'detach-system-mysql')).toEqual({});
  });

  it('GIVEN a run refused at step 03 WHEN the label gets its discovered value back and the Job runs again THEN it skips what was done and applies the rest', async () => {
    // GIVEN a run refused at step 03 of system-mysql
    await relabel('other');
    expect((await run()).code).not.toBe(0);
    // WHEN the label gets its discovered value back and the Job runs again
    await relabel('system');
    const r = await run();
    // THEN the two steps done before are skipped and the 28 others applied
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('applied 28 patch steps, 2 already done');
  });
});

/**
 * The same script on the 2.5 template install (DeploymentConfigs, ImageStreams, Secret system-redis), with
 * the patch steps of the five patching phases of examples/template-2.5-to-2.6: the generated pointers and
 * `test` values must fit the exported objects as the server stores them, and each probe's output as kubectl
 * prints it must equal the `before` and `done` the steps record (otherwise the Job would refuse or redo them).
 */
describe('kube/apply-json-patches.sh on the 2.5 template install, on the real API server', () => {
  const PHASES = [
    { id: 'registry-auth', job: 'move-to-amp-service-account', steps: 15 },
    { id: 'redis-secret', job: 'add-system-redis-keys', steps: 7 },
    { id: 'redis-env', job: 'add-redis-variables', steps: 9 },
    { id: 'database-imagestreams', job: 'trigger-database-imagestreams', steps: 5 },
    { id: 'images', job: 'upgrade-images', steps: 7 },
  ] as const;
  const jobs = new Map<string, RenderedKubeJob>();
  const dirs = new Map<string, string>();
  let fixture: KubeObject[];
  const cluster = useRealKubeScriptSuite('template', [NS], () => [...jobs.values()], {
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
      fixture = (await loadLiveFixture('template')).filter((o) => o.metadata.namespace === NS);
    },
  });

  afterAll(async () => {
    for (const dir of dirs.values()) await rm(dir, { recursive: true, force: true });
  });

  const envNames = (env: { name: string }[] | undefined) => (env ?? []).map((e) => e.name);

  it('GIVEN the export WHEN each patching Job runs twice, in the order of the procedure THEN it applies its steps, then finds every one done, within its Role, and the install ends patched as 2.6 needs', async () => {
    // WHEN: each Job twice (the rerun must skip every step); RBAC refuses whatever its Role does not grant
    for (const p of PHASES) {
      const job = jobs.get(p.id)!;
      const first = await cluster().run({ PATCH_DIR: dirs.get(p.id)! }, job);
      const second = await cluster().run({ PATCH_DIR: dirs.get(p.id)! }, job);
      // THEN
      expect(first.code, `${p.job}: ${first.stderr}`).toBe(0);
      expect(first.stderr).toContain(`applied ${p.steps} patch steps, 0 already done`);
      expect(second.code, `${p.job}: ${second.stderr}`).toBe(0);
      expect(second.stderr).toContain(`applied 0 patch steps, ${p.steps} already done`);
      expect((await cluster().evidence(NS, p.job))[`${p.job}.phase`]).toBe('Succeeded');
      expect(leakedSecrets(first.stdout + first.stderr + second.stdout + second.stderr)).toEqual([]);
    }

    // THEN every DeploymentConfig runs as amp, and system-app kept its variables in order and gained the new ones once, pre-hook too
    const dc = async (name: string) => (await cluster().get('apps.openshift.io/v1', 'DeploymentConfig', NS, name)) as any;
    for (const d of fixture.filter((o) => o.kind === 'DeploymentConfig')) expect((await dc(d.metadata.name)).spec.template.spec.serviceAccountName, d.metadata.name).toBe('amp');
    const before = fixture.find((o) => o.kind === 'DeploymentConfig' && o.metadata.name === 'system-app') as any;
    const after = await dc('system-app');
    after.spec.template.spec.containers.forEach((c: any, i: number) => {
      const was = envNames(before.spec.template.spec.containers[i].env);
      expect(envNames(c.env).slice(0, was.length)).toEqual(was);
      expect(envNames(c.env)).toHaveLength(was.length + 9);
    });
    expect(envNames(after.spec.strategy.rollingParams.pre.execNewPod.env)).toHaveLength(envNames(before.spec.strategy.rollingParams.pre.execNewPod.env).length + 9);
    expect(envNames((await dc('backend-worker')).spec.template.spec.initContainers[0].env)).toEqual(['CONFIG_REDIS_PROXY', 'CONFIG_REDIS_SENTINEL_HOSTS', 'CONFIG_REDIS_SENTINEL_ROLE', 'CONFIG_QUEUES_SENTINEL_HOSTS', 'CONFIG_QUEUES_SENTINEL_ROLE', 'RACK_ENV']);

    // AND Secret system-redis kept URL and gained the seven keys, the databases follow their streams, latest follows 2.6
    const secret = (await cluster().get('v1', 'Secret', NS, 'system-redis')) as any;
    const original = fixture.find((o) => o.kind === 'Secret' && o.metadata.name === 'system-redis') as any;
    expect(secret.data.URL).toBe(original.data.URL);
    expect(Object.keys(secret.data)).toHaveLength(8);
    expect((await dc('zync-database')).spec.triggers.filter((t: any) => t.type === 'ImageChange').map((t: any) => t.imageChangeParams.from.name)).toEqual(['zync-database-postgresql:latest']);
    expect((await dc('system-mysql')).spec.triggers.map((t: any) => t.imageChangeParams?.from.name ?? t.type)).toEqual(['ConfigChange', 'system-mysql:latest']);
    const stream = (await cluster().get('image.openshift.io/v1', 'ImageStream', NS, 'amp-system')) as any;
    expect(stream.spec.tags.map((t: any) => `${t.name}=${t.from.name}`)).toEqual(['latest=2.6', '2.5=registry.access.redhat.com/3scale-amp25/system', '2.6=registry.redhat.io/3scale-amp26/system']);
    expect((await dc('system-app')).spec.template.spec.containers.map((c: any) => c.env.find((e: any) => e.name === 'AMP_RELEASE').value)).toEqual(['2.6', '2.6', '2.6']);
  });
});
