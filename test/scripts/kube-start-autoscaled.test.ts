/**
 * Specification of scale-up's Job start-autoscaled (charts/scripts/kube/apply-json-patches.sh with the steps of
 * src/procedures/externalize-on-cluster/autoscaled-start.ts), run with bash and the built kubectl against the
 * real API server holding the MySQL install, under a token of the Job's ServiceAccount: a Deployment the HPA
 * keeps is started from 0 once, and never touched again whatever count the HPA chose.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { patchStepDocument, patchStepsIndex, type JsonPatchStep } from '../../src/patches/json-patch-steps.js';
import { START_AUTOSCALED_JOB, startAutoscaledSteps } from '../../src/procedures/externalize-on-cluster/autoscaled-start.js';
import { EXAMPLE_PLANS, renderedKubeJob, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { loadMigrationPlan } from '../support/plans.js';
import { apiRequestOk, hpaScales, replicasOwners, useRealKubeScriptSuite } from '../support/real-api/index.js';

const NS = '3scale';
const NAME = 'apicast-production';

describe('start-autoscaled (kube/apply-json-patches.sh) on the real API server, under the Job\'s ServiceAccount', () => {
  let job: RenderedKubeJob;
  let steps: JsonPatchStep[];
  let patchDir: string;
  const cluster = useRealKubeScriptSuite('mysql', [NS], () => [job], {
    setup: async () => {
      steps = startAutoscaledSteps(loadMigrationPlan(EXAMPLE_PLANS.mysql).plan);
      patchDir = await mkdtemp(join(tmpdir(), 'tsm-autoscaled-'));
      await writeFile(join(patchDir, 'steps'), patchStepsIndex(steps));
      for (const s of steps) await writeFile(join(patchDir, s.file), patchStepDocument(s));
      job = await renderedKubeJob(EXAMPLE_PLANS.mysql, START_AUTOSCALED_JOB);
    },
  });

  afterAll(async () => {
    if (patchDir) await rm(patchDir, { recursive: true, force: true });
  });

  const run = () => cluster().run({ PATCH_DIR: patchDir });
  const replicas = async () => ((await cluster().get('apps/v1', 'Deployment', NS, NAME)) as KubeObject & { spec: { replicas: number } }).spec.replicas;
  /** apicast-production as scale-down leaves it (its folder's replicas applied as an engine's manager). */
  const stopped = () =>
    apiRequestOk(cluster().admin, {
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${NS}/deployments/${NAME}?fieldManager=kustomize-controller&force=true`,
      body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: NAME, namespace: NS }, spec: { replicas: 0 } }),
      contentType: 'application/apply-patch+yaml',
    });

  it('GIVEN the example (APIcast production autoscaled, captured at 2) WHEN scale-up renders the Job THEN it patches only apicast-production, from exactly 0 to 2, and may patch nothing else', () => {
    expect(steps.map((s) => ({ name: s.name, operations: s.operations }))).toEqual([
      { name: NAME, operations: [{ op: 'test', path: '/spec/replicas', value: 0 }, { op: 'replace', path: '/spec/replicas', value: 2 }] },
    ]);
    const role = job.access.find((o) => o.kind === 'Role') as KubeObject & { rules: { resources?: string[]; resourceNames?: string[]; verbs: string[] }[] };
    expect(role.rules.filter((r) => r.resources?.includes('deployments'))).toEqual([{ apiGroups: ['apps'], resources: ['deployments'], resourceNames: [NAME], verbs: ['get', 'patch'] }]);
  });

  it('GIVEN apicast-production at 0 WHEN the Job runs THEN it is at its captured 2 and the Job records its evidence', async () => {
    await stopped();
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('applied 1 patch steps, 0 already done');
    expect(await replicas()).toBe(2);
    // (the count now belongs to the Job's kubectl, no longer to the engine that applied 0)
    expect(replicasOwners((await cluster().get('apps/v1', 'Deployment', NS, NAME))!)).toEqual(['kubectl-patch Update']);
    expect((await cluster().evidence(NS, START_AUTOSCALED_JOB))[`${START_AUTOSCALED_JOB}.result`]).toBe('applied 1 patch steps, 0 already done');
  });

  it('GIVEN the Job done and the HPA at 5 since WHEN the Job runs again (an engine re-running the folder) THEN it skips the Deployment and the HPA\'s 5 stays', async () => {
    await stopped();
    expect((await run()).code).toBe(0);
    await hpaScales(cluster().admin, NS, NAME, 5);
    const before = (await cluster().get('apps/v1', 'Deployment', NS, NAME))!.metadata.resourceVersion;

    const r = await run();

    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('applied 0 patch steps, 1 already done');
    expect(await replicas()).toBe(5);
    expect((await cluster().get('apps/v1', 'Deployment', NS, NAME))!.metadata.resourceVersion).toBe(before);
    expect(replicasOwners((await cluster().get('apps/v1', 'Deployment', NS, NAME))!)).toEqual(['kube-controller-manager Update scale']);
  });
});
