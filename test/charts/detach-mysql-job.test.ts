/**
 * Specification of charts/jobs/detach-mysql-job.ts: for MySQL kept in place, the Job that applies the
 * guarded JSON patches, the ConfigMap holding them (and the same documents as files for review), and
 * get/patch rights on exactly the detached objects.
 */
import { describe, expect, test } from 'vitest';
import * as cutover from '../../charts/cutover-chart.js';
import { detachStepDocument, detachStepsIndex, mysqlDetachSteps } from '../../src/procedures/externalize-on-cluster/mysql-detach.js';
import { examplePlanWith, find, loadExample } from '../support/plans.js';
import { renderChart } from '../support/charts.js';

describe('detachMysqlJob', () => {
  test('holds the steps index and every patch document in the patches ConfigMap, and the same documents as files', () => {
    // GIVEN
    const loaded = loadExample('mysql-in-place-and-redis');
    const steps = mysqlDetachSteps(loaded.plan);

    // WHEN
    const { objects, files } = renderChart(cutover, loaded, 'cutover');

    // THEN
    const cm = find(objects, 'ConfigMap', 'detach-system-mysql-patches') as any;
    expect(cm.data).toEqual({ steps: detachStepsIndex(steps), ...Object.fromEntries(steps.map((s) => [s.file, detachStepDocument(s)])) });
    expect(cm.metadata.annotations).toEqual({ 'threescale-migrate.3scale.net/scope': 'phase', 'threescale-migrate.3scale.net/phase': 'cutover' });
    expect(files).toEqual(steps.map((s) => ({ path: `patches/${s.file}`, content: detachStepDocument(s) })));
  });

  test('lets the Job get and patch exactly the detached objects, by name', () => {
    // GIVEN
    const loaded = loadExample('mysql-in-place-and-redis');

    // WHEN
    const { objects } = renderChart(cutover, loaded, 'cutover');

    // THEN
    const role = find(objects, 'Role', 'detach-system-mysql', '3scale') as any;
    expect(role.rules.slice(2)).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['system-mysql'], verbs: ['get', 'patch'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: ['mysql-storage'], verbs: ['get', 'patch'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['mysql-extra-conf', 'mysql-main-conf'], verbs: ['get', 'patch'] },
      { apiGroups: [''], resources: ['services'], resourceNames: ['system-mysql'], verbs: ['get', 'patch'] },
      { apiGroups: [''], resources: ['serviceaccounts'], resourceNames: ['amp'], verbs: ['get', 'patch'] },
    ]);
  });

  test('mounts the patches read-only and runs the JSON patch script in the 3scale namespace', () => {
    // GIVEN
    const loaded = loadExample('mysql-in-place-and-redis');

    // WHEN
    const job = find(renderChart(cutover, loaded, 'cutover').objects, 'Job', 'detach-system-mysql') as any;

    // THEN
    const pod = job.spec.template.spec;
    expect(job.metadata.namespace).toBe('3scale');
    expect(pod.containers[0].command).toEqual(['bash', '/opt/threescale-migrate/kube/apply-json-patches.sh']);
    expect(pod.containers[0].image).toBe('registry.redhat.io/openshift4/ose-cli:latest');
    expect(pod.volumes).toContainEqual({ name: 'patches', configMap: { name: 'detach-system-mysql-patches' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'patches', mountPath: '/patches', readOnly: true });
    expect(pod.containers[0].env).toEqual(expect.arrayContaining([{ name: 'PATCH_DIR', value: '/patches' }, { name: 'TARGET_NAMESPACE', value: '3scale' }]));
  });

  test('renders nothing when MySQL is not kept in place', () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');

    // WHEN
    const { objects, files } = renderChart(cutover, loaded, 'cutover');

    // THEN
    expect(objects.filter((o) => o.metadata.name.startsWith('detach-system-mysql'))).toEqual([]);
    expect(files).toEqual([]);
  });

  test('before 2.15 patches the DeploymentConfig system-mysql, with rights in apps.openshift.io', () => {
    // GIVEN the MySQL example on an install whose system-mysql is a DeploymentConfig
    const loaded = examplePlanWith('mysql-in-place-and-redis', (raw) => {
      raw.spec.threescale.workloadKind = 'DeploymentConfig';
      raw.spec.systemDatabase.detach[0].kind = 'DeploymentConfig';
    });

    // WHEN
    const { objects, files } = renderChart(cutover, loaded, 'cutover');

    // THEN the Role names the DeploymentConfig, and the steps index addresses it as kubectl does
    const role = find(objects, 'Role', 'detach-system-mysql', '3scale') as any;
    expect(role.rules.slice(2)[0]).toEqual({ apiGroups: ['apps.openshift.io'], resources: ['deploymentconfigs'], resourceNames: ['system-mysql'], verbs: ['get', 'patch'] });
    const index = (find(objects, 'ConfigMap', 'detach-system-mysql-patches', '3scale') as any).data.steps as string;
    expect(index.split('\n').filter((l) => l.startsWith('deploymentconfig system-mysql ')).length).toBeGreaterThan(0);
    expect(index).not.toMatch(/^deployment /m);
    // AND the pod template labels are removed, never the deploymentConfig selector label
    const podLabelFiles = files.filter((f) => f.path.includes('deploymentconfig-system-mysql-pod-label-'));
    expect(podLabelFiles.length).toBeGreaterThan(0);
    expect(files.some((f) => f.content.includes('/spec/template/metadata/labels/deploymentConfig'))).toBe(false);
  });
});
