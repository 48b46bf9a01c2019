/**
 * What the MySQL-in-place walks share (Argo CD and Flux): the plan written by the real `discover` against the
 * seeded 2.15 MySQL install, with the GitOps wiring a user adds, and the scripts of the Jobs that patch objects
 * the tool does not own, played on the live objects: the cut-over's detach (the guarded JSON patches of the
 * plan's detach list) and the start of the Deployments an HPA keeps (from 0 to the captured count, once).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { RESTART_AUTOSCALED_JOB, START_AUTOSCALED_JOB, startAutoscaledSteps } from '../../../src/procedures/externalize-on-cluster/autoscaled-start.js';
import { mysqlDetachSteps } from '../../../src/procedures/externalize-on-cluster/mysql-detach.js';
import { runCli } from '../cli.js';
import { loadMigrationPlan } from '../plans.js';
import { apiRequest, apiRequestOk, resourcePath, type ApiEndpoint } from '../real-api/index.js';

/**
 * `discover` against the seeded install (after `before`, what an administrator set beforehand), and the wiring a
 * user adds: the repository and the folder in it. Returns the plan's path.
 */
export async function discoveredMysqlPlan(ctx: { tmp: string; kubeconfig: string }, before?: () => Promise<void>): Promise<string> {
  await before?.();
  mkdirSync(join(ctx.tmp, 'plan'));
  const path = join(ctx.tmp, 'plan', 'migration.yaml');
  const run = await runCli(['discover', '--kubeconfig', ctx.kubeconfig, '-n', '3scale', '--out', path]);
  if (run.code !== 0) throw new Error(`discover: exit ${run.code}: ${run.stderr}`);
  const plan = parse(readFileSync(path, 'utf8'));
  plan.spec.gitops = { repoURL: 'https://git.example.com/platform/3scale-migration.git', path: 'clusters/staging/3scale-migration' };
  writeFileSync(path, stringify(plan));
  return path;
}

/** The administrator's `hpa: true` on the APIManager's APIcast production (a merge patch, as `oc patch` sends it). */
export async function enableApicastHpa(admin: ApiEndpoint, namespace: string): Promise<void> {
  const [apim] = ((await apiRequestOk(admin, { method: 'GET', path: `/apis/apps.3scale.net/v1alpha1/namespaces/${namespace}/apimanagers` })) as { items: KubeObject[] }).items;
  await apiRequestOk(admin, {
    method: 'PATCH',
    path: `/apis/apps.3scale.net/v1alpha1/namespaces/${namespace}/apimanagers/${apim!.metadata.name}?fieldManager=kubectl-patch`,
    body: JSON.stringify({ spec: { apicast: { productionSpec: { hpa: true } } } }),
    contentType: 'application/merge-patch+json',
  });
}

/**
 * The scripts of the patching Jobs of the plan at `planPath()` (charts/scripts/kube/apply-json-patches.sh), as a
 * Job's `onJob`: each step once (the script skips a step already done), the detach's by its `test` guards, the
 * start of an autoscaled Deployment only while it is at 0 (its probe), as `kubectl patch --type json` sends them.
 */
export function patchingJobs(planPath: () => string): (admin: ApiEndpoint, job: KubeObject) => Promise<void> {
  const done = new Set<string>();
  return async (admin, job) => {
    const plan = loadMigrationPlan(planPath()).plan;
    const name = job.metadata.name;
    const steps = name === 'detach-system-mysql' ? mysqlDetachSteps(plan) : name === START_AUTOSCALED_JOB || name === RESTART_AUTOSCALED_JOB ? startAutoscaledSteps(plan) : [];
    for (const step of steps) {
      const path = await resourcePath(admin, { apiVersion: step.apiVersion, kind: step.kind, namespace: job.metadata.namespace!, name: step.name });
      const key = `${name} ${step.file}`;
      if (name === 'detach-system-mysql' && done.has(key)) continue;
      if (name !== 'detach-system-mysql' && ((await apiRequestOk(admin, { method: 'GET', path })) as { spec: { replicas?: number } }).spec.replicas !== 0) continue;
      const answer = await apiRequest(admin, { method: 'PATCH', path: `${path}?fieldManager=kubectl-patch`, body: step.operations, contentType: 'application/json-patch+json' });
      if (answer.status !== 200) throw new Error(`${name} ${step.file}: HTTP ${answer.status}`);
      done.add(key);
    }
  };
}
