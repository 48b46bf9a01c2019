/**
 * Specification of src/procedures/template-2.5-to-2.6/template-upgrade-patches.ts: the guarded patch steps of the 2.5 to 2.6
 * upgrade, built from what the plan records, applied with fast-json-patch to objects shaped as recorded.
 */
import jsonpatch from 'fast-json-patch';
import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { loadPlanFile } from '../../src/plan/load-plan.js';
import type { TemplateUpgradePlan } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-plan-schema.js';
import { databaseTriggerSteps, imageSteps, redisEnvSteps, serviceAccountSteps, systemRedisSecretSteps } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-patches.js';
import type { JsonPatchStep } from '../../src/patches/json-patch-steps.js';

const plan = loadPlanFile(join(import.meta.dirname, '..', '..', 'examples', 'template-2.5-to-2.6', 'migration.yaml')).plan as TemplateUpgradePlan;

/** A DeploymentConfig holding exactly what the plan records for it. */
function recordedDc(name: string): any {
  const dc = plan.spec.deploymentConfigs.find((d) => d.name === name)!;
  const c = (l: typeof dc.containers) => l.map((x) => ({ name: x.name, env: x.env.map((n) => ({ name: n, value: n === 'AMP_RELEASE' ? dc.ampRelease : 'x' })) }));
  return {
    metadata: { name },
    spec: {
      strategy: dc.preHookEnv ? { rollingParams: { pre: { execNewPod: { env: dc.preHookEnv.map((n) => ({ name: n, value: 'x' })) } } } } : {},
      template: { spec: { containers: c(dc.containers), initContainers: c(dc.initContainers) } },
      triggers: dc.triggers.map((t) => (t.type === 'ImageChange' ? { type: t.type, imageChangeParams: { automatic: true, containerNames: [dc.containers[0]!.name], from: { kind: 'ImageStreamTag', name: t.from } } } : { type: t.type })),
    },
  };
}

function apply(doc: any, steps: readonly JsonPatchStep[]): any {
  let out = structuredClone(doc);
  for (const s of steps) out = jsonpatch.applyPatch(out, structuredClone(s.operations) as jsonpatch.Operation[], true, false).newDocument;
  return out;
}

describe('redisEnvSteps', () => {
  test('GIVEN the recorded system-app WHEN its steps are applied THEN every container and the pre-hook keep their variables in order and gain the nine new ones once', () => {
    // GIVEN
    const before = recordedDc('system-app');
    // WHEN
    const after = apply(before, redisEnvSteps(plan).filter((s) => s.name === 'system-app'));
    // THEN
    for (const [i, c] of after.spec.template.spec.containers.entries()) {
      const names = c.env.map((e: any) => e.name);
      expect(names.slice(0, before.spec.template.spec.containers[i].env.length)).toEqual(before.spec.template.spec.containers[i].env.map((e: any) => e.name));
      expect(names).toHaveLength(new Set(names).size);
      expect(names).toContain('BACKEND_REDIS_SENTINEL_ROLE');
    }
    expect(after.spec.strategy.rollingParams.pre.execNewPod.env.map((e: any) => e.name)).toContain('MESSAGE_BUS_REDIS_URL');
  });

  test('GIVEN a variable added live after discovery WHEN the step is applied THEN its test guard refuses it', () => {
    // GIVEN system-sphinx whose first variable was removed since discovery
    const live = recordedDc('system-sphinx');
    live.spec.template.spec.containers[0].env.shift();
    // WHEN / THEN
    expect(() => apply(live, redisEnvSteps(plan).filter((s) => s.name === 'system-sphinx'))).toThrow();
  });

  test('GIVEN a plan recording every new variable already present WHEN steps are built THEN none is generated for that container', () => {
    // GIVEN
    const dcs = structuredClone(plan.spec.deploymentConfigs);
    const sphinx = dcs.find((d) => d.name === 'system-sphinx')!;
    const first = redisEnvSteps(plan).find((s) => s.name === 'system-sphinx')!;
    sphinx.containers[0]!.env = first.done.split(',').filter(Boolean);
    // WHEN
    const steps = redisEnvSteps({ ...plan, spec: { ...plan.spec, deploymentConfigs: dcs } });
    // THEN
    expect(steps.filter((s) => s.name === 'system-sphinx')).toEqual([]);
  });
});

describe('serviceAccountSteps, systemRedisSecretSteps and imageSteps', () => {
  test('GIVEN DeploymentConfigs without serviceAccountName WHEN steps are built THEN each adds amp, guarded by its name, and is done when the probe prints amp', () => {
    const steps = serviceAccountSteps(plan);
    expect(steps).toHaveLength(plan.spec.deploymentConfigs.length);
    expect(steps[0]).toMatchObject({ before: '', done: 'amp', probe: 'jsonpath={.spec.template.spec.serviceAccountName}' });
    expect(apply(recordedDc('zync'), steps.filter((s) => s.name === 'zync')).spec.template.spec.serviceAccountName).toBe('amp');
  });

  test('GIVEN system-redis with only URL WHEN steps are built THEN one step per absent key, never for URL', () => {
    const steps = systemRedisSecretSteps(plan);
    expect(steps).toHaveLength(7);
    expect(steps.flatMap((s) => s.operations.map((o) => o.path))).not.toContain('/data/URL');
  });

  test('GIVEN amp-system with latest -> 2.5 WHEN its step is applied THEN latest follows 2.6, a 2.6 tag is appended and no tag name repeats', () => {
    const stream = plan.spec.imageStreams.find((s) => s.name === 'amp-system')!;
    const live = { spec: { tags: stream.tags.map((t) => ({ name: t.name, from: { kind: t.fromKind, name: t.fromName } })) } };
    const after = apply(live, imageSteps(plan).filter((s) => s.name === 'amp-system'));
    const names = after.spec.tags.map((t: any) => t.name);
    expect(names).toEqual(['latest', '2.5', '2.6']);
    expect(after.spec.tags[0].from).toEqual({ kind: 'ImageStreamTag', name: '2.6' });
    expect(after.spec.tags[2].from.name).toBe('registry.redhat.io/3scale-amp26/system');
  });
});

describe('databaseTriggerSteps', () => {
  test('GIVEN zync-database following postgresql:9.5 WHEN its step is applied THEN that trigger follows zync-database-postgresql:latest instead, no second ImageChange trigger', () => {
    // GIVEN
    const before = recordedDc('zync-database');
    // WHEN
    const step = databaseTriggerSteps(plan).find((s) => s.name === 'zync-database')!;
    const after = apply(before, [step]);
    // THEN
    const imageTriggers = after.spec.triggers.filter((t: any) => t.type === 'ImageChange');
    expect(imageTriggers).toHaveLength(1);
    expect(imageTriggers[0].imageChangeParams).toEqual({ automatic: true, containerNames: ['postgresql'], from: { kind: 'ImageStreamTag', name: 'zync-database-postgresql:latest' } });
    expect(step).toMatchObject({ before: 'ConfigChange:,ImageChange:postgresql:9.5,', done: 'ConfigChange:,ImageChange:zync-database-postgresql:latest,' });
  });

  test('GIVEN zync-database moved to another stream since discovery WHEN its step is applied THEN the test of the old from refuses it', () => {
    const live = recordedDc('zync-database');
    live.spec.triggers[1].imageChangeParams.from.name = 'postgresql:10';
    expect(() => apply(live, databaseTriggerSteps(plan).filter((s) => s.name === 'zync-database'))).toThrow();
  });

  test('GIVEN system-mysql with only a ConfigChange trigger WHEN its step is applied THEN an ImageChange trigger on system-mysql:latest is appended', () => {
    const after = apply(recordedDc('system-mysql'), databaseTriggerSteps(plan).filter((s) => s.name === 'system-mysql'));
    expect(after.spec.triggers).toEqual([
      { type: 'ConfigChange' },
      { type: 'ImageChange', imageChangeParams: { automatic: true, containerNames: ['system-mysql'], from: { kind: 'ImageStreamTag', name: 'system-mysql:latest' } } },
    ]);
  });
});
