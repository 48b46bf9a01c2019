import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { discoverTemplatePlan, type TemplateDiscoveryInput } from '../../src/procedures/template-2.5-to-2.6/discover-template-plan.js';
import { UserError } from '../../src/errors.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { readExport } from '../../src/live/export-file.js';
import { loadPlanFile, parsePlan } from '../../src/plan/load-plan.js';
import type { TemplateUpgradePlan } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-plan-schema.js';
import { LIVE_FIXTURES, leakedSecrets, pick } from '../support/live-fixtures.js';
import { ROOT } from '../support/plans.js';

let fixture: KubeObject[];
beforeAll(async () => {
  fixture = await readExport(LIVE_FIXTURES.template);
});

const input = (objects: readonly KubeObject[], extra: Partial<TemplateDiscoveryInput> = {}): TemplateDiscoveryInput => ({ namespace: '3scale', objects, sourceLabel: 'export.yaml', ...extra });

/** The objects with one object replaced by what `change` makes of a copy of it. */
function changed(objects: readonly KubeObject[], kind: string, name: string, change: (o: any) => void): KubeObject[] {
  pick(objects, kind, name);
  return objects.map((o) => {
    if (o.kind !== kind || o.metadata.name !== name) return o;
    const copy = structuredClone(o);
    change(copy);
    return copy;
  });
}
const without = (objects: readonly KubeObject[], kind: string, name: string): KubeObject[] => objects.filter((o) => !(o.kind === kind && o.metadata.name === name));

/** The plan discovery writes, validated by the loader as synth would read it. */
function discovered(objects: readonly KubeObject[], extra: Partial<TemplateDiscoveryInput> = {}): TemplateUpgradePlan {
  const { plan } = discoverTemplatePlan(input(objects, extra));
  return parsePlan(stringify(plan), 'discovered.yaml').plan as TemplateUpgradePlan;
}

function refusal(objects: readonly KubeObject[]): string {
  try {
    discoverTemplatePlan(input(objects));
  } catch (err) {
    expect(UserError.isUserError(err)).toBe(true);
    const message = (err as UserError).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('discovery accepted the objects');
}

/** system-app's first container with AMP_RELEASE set to `value` (or read from the ConfigMap). */
const withRelease = (objects: readonly KubeObject[], entry: object) =>
  changed(objects, 'DeploymentConfig', 'system-app', (o) => {
    const env = o.spec.template.spec.containers[0].env as { name: string }[];
    env[env.findIndex((e) => e.name === 'AMP_RELEASE')] = { name: 'AMP_RELEASE', ...entry };
  });

describe('discoverTemplatePlan', () => {
  test('GIVEN the exported 2.5 template install WHEN discovered THEN the plan is the example plan, apart from the Account Management API inputs only people know', () => {
    // GIVEN / WHEN
    const plan = discovered(fixture, { name: 'amp-2-6' });

    // THEN
    const example = loadPlanFile(join(ROOT, 'examples', 'template-2.5-to-2.6', 'migration.yaml')).plan as TemplateUpgradePlan;
    const expected = structuredClone(example);
    expected.spec.routes.serviceDeploymentOptions = [];
    delete expected.spec.routes.accessTokenSecret;
    expect(plan).toEqual(expected);
  });

  test('GIVEN the export WHEN discovered THEN the plan holds key names and never a secret value', () => {
    // GIVEN / WHEN
    const { plan, notes } = discoverTemplatePlan(input(fixture));

    // THEN
    const text = stringify(plan) + notes.join('\n');
    expect(leakedSecrets(text)).toEqual([]);
    expect(plan.spec.systemRedisSecretKeys).toEqual(['URL']);
    expect(plan.metadata.name).toBe('3scale');
    expect(notes).toEqual([
      '3scale 2.5 from the amp.yml template, 15 DeploymentConfigs',
      'ServiceAccount 3scale/default has the cluster role view (service discovery), so amp gets it too',
      'wildcard domain apps.example.com, 6 ImageStreams, 6 Routes, the wildcard router',
    ]);
  });

  test('GIVEN no binding of the view role to default WHEN discovered THEN amp is not granted view', () => {
    // GIVEN
    const objects = without(fixture, 'ClusterRoleBinding', 'view');

    // WHEN / THEN
    expect(discovered(objects).spec.registry.grantView).toBe(false);
  });

  test('GIVEN a RoleBinding of the view cluster role to system:serviceaccount:3scale:default WHEN discovered THEN amp is granted view', () => {
    // GIVEN
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'view-sd', namespace: '3scale' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'system:serviceaccount:3scale:default' }] };
    const objects = [...without(fixture, 'ClusterRoleBinding', 'view'), binding as KubeObject];

    // WHEN / THEN
    expect(discovered(objects).spec.registry.grantView).toBe(true);
  });

  test('GIVEN a DeploymentConfig on its own ServiceAccount and a Route with its certificate WHEN discovered THEN both are recorded and the certificate is noted', () => {
    // GIVEN
    let objects = changed(fixture, 'DeploymentConfig', 'zync', (o) => (o.spec.template.spec.serviceAccountName = 'zync'));
    objects = changed(objects, 'Route', 'system-developer', (o) => (o.spec.tls.certificate = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'));

    // WHEN
    const { plan, notes } = discoverTemplatePlan(input(objects));

    // THEN
    expect(plan.spec.deploymentConfigs.find((d) => d.name === 'zync')?.serviceAccountName).toBe('zync');
    expect(plan.spec.routes?.found?.find((r) => r.name === 'system-developer')).toEqual({ name: 'system-developer', host: '3scale.apps.example.com', customCertificate: true });
    expect(notes).toContain('Routes with their own certificates: system-developer (copy them onto the routes Zync creates)');
    expect(stringify(plan)).not.toContain('BEGIN CERTIFICATE');
  });

  test('GIVEN AMP_RELEASE read from ConfigMap system-environment WHEN discovered THEN the release is found there and the images phase leaves the variable alone', () => {
    // GIVEN
    const objects = withRelease(fixture, { valueFrom: { configMapKeyRef: { name: 'system-environment', key: 'AMP_RELEASE' } } });

    // WHEN
    const { plan, notes } = discoverTemplatePlan(input(objects));

    // THEN
    expect(plan.spec.threescale.release).toBe('2.5');
    expect(plan.spec.deploymentConfigs.find((d) => d.name === 'system-app')?.ampRelease).toBeUndefined();
    expect(notes).toContain('AMP_RELEASE of system-app is not a plain value, so the images phase leaves it to you');
  });

  test('GIVEN ImageStreams imported insecurely WHEN discovered THEN importInsecure is recorded', () => {
    // GIVEN
    const objects = changed(fixture, 'ImageStream', 'amp-system', (o) => (o.spec.tags[0].importPolicy.insecure = true));

    // WHEN / THEN
    expect(discovered(objects).spec.threescale.importInsecure).toBe(true);
  });

  describe('refuses, in one sentence naming the object', () => {
    test('GIVEN an APIManager in the namespace THEN it says this is an operator install', () => {
      const apim = { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', metadata: { name: '3scale', namespace: '3scale' }, spec: {} } as KubeObject;
      expect(refusal([...fixture, apim])).toBe(
        'export.yaml: namespace 3scale holds an APIManager, so 3scale there is an operator install; expected a 3scale 2.5 installed from the amp.yml template for --procedure template-2.5-to-2.6.',
      );
    });

    test('GIVEN no DeploymentConfig THEN it asks for a template install', () => {
      expect(refusal(fixture.filter((o) => o.kind !== 'DeploymentConfig'))).toMatch(/^export\.yaml: no DeploymentConfig in namespace 3scale; expected a 3scale 2\.5 installed from the amp\.yml template there/);
    });

    test('GIVEN no system-app THEN it names the missing DeploymentConfig and what was found', () => {
      expect(refusal(without(fixture, 'DeploymentConfig', 'system-app'))).toBe(
        'export.yaml: DeploymentConfig 3scale/system-app is missing; expected the DeploymentConfigs of the 3scale 2.5 template (found apicast-production, apicast-staging, apicast-wildcard-router, backend-cron, …).',
      );
    });

    test('GIVEN a backup ConfigMap of the upgrade (its backup phase ran, later phases may have changed the install) THEN it refuses to read a half-upgraded install as the 2.5 one', () => {
      const backup: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'threescale-migrate-backup-deploymentconfig-system-app', namespace: '3scale' }, data: { 'object.json': '{}' } };
      expect(refusal([...fixture, backup])).toBe(
        'export.yaml: ConfigMap 3scale/threescale-migrate-backup-deploymentconfig-system-app exists, so the upgrade of this install has started (its backup phase ran) and what is read now may be half upgraded; expected an install the upgrade has not touched: keep the plan discovered before the backup (or, after a complete rollback, delete the threescale-migrate-backup-* ConfigMaps and Secrets to discover again).',
      );
    });

    test('GIVEN a zync-que DeploymentConfig THEN the install is already on 2.6', () => {
      const zyncQue = changed(fixture, 'DeploymentConfig', 'zync', (o) => (o.metadata.name = 'zync-que')).find((o) => o.metadata.name === 'zync-que')!;
      expect(refusal([...fixture, zyncQue])).toBe('export.yaml: DeploymentConfig 3scale/zync-que exists, so 3scale there is already on 2.6; expected a 3scale 2.5 install.');
    });

    test('GIVEN AMP_RELEASE 2.6 THEN the install is already on 2.6', () => {
      expect(refusal(withRelease(fixture, { value: '2.6' }))).toBe('export.yaml: AMP_RELEASE of DeploymentConfig 3scale/system-app is "2.6"; expected "2.5" (this install is already on 2.6).');
    });

    test('GIVEN AMP_RELEASE 2.4 THEN it asks for 2.5 first', () => {
      expect(refusal(withRelease(fixture, { value: '2.4' }))).toBe('export.yaml: AMP_RELEASE of DeploymentConfig 3scale/system-app is "2.4"; expected "2.5" (upgrade to 2.5 first).');
    });

    test('GIVEN no wildcard domain in system-environment THEN it names the ConfigMap key', () => {
      const objects = changed(fixture, 'ConfigMap', 'system-environment', (o) => delete o.data.THREESCALE_SUPERDOMAIN);
      expect(refusal(objects)).toMatch(/^export\.yaml: ConfigMap 3scale\/system-environment has no THREESCALE_SUPERDOMAIN; expected the wildcard domain/);
    });

    test('GIVEN an export without Secrets THEN it names Secret system-redis', () => {
      expect(refusal(fixture.filter((o) => o.kind !== 'Secret'))).toMatch(/^export\.yaml: Secret 3scale\/system-redis is missing; expected it in the 3scale 2\.5 install \(does the export include secret\?\)/);
    });
  });
});
