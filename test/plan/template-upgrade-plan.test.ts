/**
 * Specification of src/procedures/template-2.5-to-2.6/template-upgrade-plan.ts (and its schema): a TemplateUpgradePlan is accepted as
 * discover writes it, defaults are filled in, and the checks spanning several fields refuse in one sentence.
 */
import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import { templateExample } from '../support/plans.js';

/** The UserError message the example with `change` is refused with. */
function refusal(change: (raw: any) => void): string {
  try {
    templateExample(change);
  } catch (err) {
    expect(UserError.isUserError(err)).toBe(true);
    expect((err as Error).message.split('\n')).toHaveLength(1);
    return (err as Error).message;
  }
  throw new Error('the plan was accepted');
}
const dc = (raw: any, name: string) => raw.spec.deploymentConfigs.find((d: any) => d.name === name);

describe('validateTemplateUpgradePlan', () => {
  test('GIVEN the example WHEN loaded THEN the defaults of the procedure are filled in', () => {
    const { plan } = templateExample();
    expect(plan.spec.procedure).toBe('template-2.5-to-2.6');
    expect(plan.spec.targetRelease).toBe('2.6');
    expect(plan.spec.images.system).toBe('registry.redhat.io/3scale-amp26/system');
    expect(plan.spec.gitops.targetPhase).toBe('backup');
    expect(plan.spec.deploymentConfigs.find((d) => d.name === 'backend-listener')!.initContainers).toEqual([]);
  });

  test('GIVEN a targetPhase in the plan WHEN loaded THEN it is kept, other gitops defaults still filled in', () => {
    const { plan } = templateExample((raw) => (raw.spec.gitops = { targetPhase: 'images' }));
    expect(plan.spec.gitops).toMatchObject({ targetPhase: 'images', targetRevision: 'main' });
    // AND no placeholder repository or path: synth --gitops argocd asks for the URL, the path follows --out
    expect(plan.spec.gitops.repoURL).toBeUndefined();
    expect(plan.spec.gitops.path).toBeUndefined();
  });

  test('GIVEN a DeploymentConfig listed twice THEN it is refused naming the second entry', () => {
    expect(refusal((raw) => raw.spec.deploymentConfigs.push(dc(raw, 'zync')))).toBe(
      'template-2.5-to-2.6/migration.yaml: spec.deploymentConfigs[15]: DeploymentConfig zync is listed twice; expected each once.',
    );
  });

  test('GIVEN a container and an init container of the same name THEN it is refused', () => {
    expect(refusal((raw) => (dc(raw, 'zync').initContainers = [{ name: 'zync' }]))).toMatch(/spec\.deploymentConfigs\[13\]\.containers\[1\]: container zync is listed twice; expected each once\.$/);
  });

  test('GIVEN an ImageChange trigger without from, or a ConfigChange trigger with one THEN it is refused', () => {
    expect(refusal((raw) => (dc(raw, 'zync').triggers[1] = { type: 'ImageChange' }))).toMatch(/spec\.deploymentConfigs\[13\]\.triggers\[1\]\.from: expected an ImageStreamTag on an ImageChange trigger and none on a ConfigChange trigger\.$/);
    expect(refusal((raw) => (dc(raw, 'zync').triggers[0] = { type: 'ConfigChange', from: 'amp-zync:latest' }))).toMatch(/triggers\[0\]\.from: expected an ImageStreamTag/);
  });

  test('GIVEN a DeploymentConfig the upgrade patches is missing THEN it is refused naming it', () => {
    expect(refusal((raw) => (raw.spec.deploymentConfigs = raw.spec.deploymentConfigs.filter((d: any) => d.name !== 'backend-cron')))).toBe(
      'template-2.5-to-2.6/migration.yaml: spec.deploymentConfigs: DeploymentConfig backend-cron is not recorded; expected every DeploymentConfig of the 2.5 template (discover records them).',
    );
  });

  test('GIVEN system-app without its pre-hook variables THEN it is refused', () => {
    expect(refusal((raw) => delete dc(raw, 'system-app').preHookEnv)).toMatch(/spec\.deploymentConfigs\[7\]\.preHookEnv: is required for system-app/);
  });

  test('GIVEN a route to delete that was not found THEN it is refused', () => {
    expect(refusal((raw) => (raw.spec.routes.delete = ['system-master', 'zync-3scale-master']))).toBe(
      'template-2.5-to-2.6/migration.yaml: spec.routes.delete[1]: Route zync-3scale-master is not among spec.routes.found; expected only routes that exist.',
    );
  });

  test('GIVEN services whose deployment option changes but no token Secret THEN it is refused', () => {
    expect(refusal((raw) => delete raw.spec.routes.accessTokenSecret)).toMatch(/spec\.routes\.accessTokenSecret: is required when spec\.routes\.serviceDeploymentOptions lists services/);
  });

  test('GIVEN a tenant URL with a path THEN the schema refuses it naming the field', () => {
    expect(refusal((raw) => (raw.spec.routes.serviceDeploymentOptions[0].tenantUrl = 'https://3scale-admin.apps.example.com/admin'))).toMatch(/spec\.routes\.serviceDeploymentOptions\[0\]\.tenantUrl/);
  });
});
