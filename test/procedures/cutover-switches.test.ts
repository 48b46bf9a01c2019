/**
 * Specification of src/procedures/externalize-on-cluster/cutover-switches.ts: what the cut-over changes for
 * 3scale is one object per component, its mover's switch. The rewrite Job's keys, the APIManager flags, the
 * old servers stopped, the words of the plan view and PHASE.md, and the rollback that undoes them are all read
 * from those switches.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { LoadedPlan } from '../../src/plan/load-plan.js';
import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { plannedPhases } from '../../src/phases/registry.js';
import { cutoverSwitches, externalFlagsOf, needsWindow, retiredByCleanup, secretRewrites, stoppedServers } from '../../src/procedures/externalize-on-cluster/cutover-switches.js';
import { keepInPlaceMover } from '../../src/procedures/externalize-on-cluster/database-movers/keep-in-place-mover.js';
import { managedMover } from '../../src/procedures/externalize-on-cluster/redis-movers/managed-mover.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { MIGRATION_EXAMPLES, renderCutover } from '../support/cutover-folders.js';
import { EXAMPLES, examplePlanWith } from '../support/plans.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The objects the cleanup phase's Job deletes, or undefined without it. */
async function deletedByCleanup(loaded: LoadedPlan<MigrationPlan>): Promise<string[] | undefined> {
  const result = await synthesize(loaded);
  const cleanup = result.forward.find((s) => s.phase.definition.id === 'cleanup');
  const job = cleanup?.own.find((o) => o.kind === 'Job' && o.metadata.name === 'delete-old-databases') as { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } } | undefined;
  return job?.spec.template.spec.containers[0]!.env.find((e) => e.name === 'OBJECTS')?.value?.split('\n');
}


describe.each(MIGRATION_EXAMPLES)('the cut-over of examples/%s', (_name, load) => {
  test('GIVEN the plan WHEN synthesized THEN the rewrite Job, the APIManager flags and the stopped servers are the switches of its movers, and the rollback undoes exactly them', async () => {
    // GIVEN
    const loaded = load();
    const rewrites = secretRewrites(loaded.plan);
    const flags = externalFlagsOf(loaded.plan);
    const stopped = stoppedServers(loaded.plan);

    // WHEN
    const folders = await renderCutover(loaded);

    // THEN
    expect(folders.cutover.env).toBe(rewrites.length ? rewrites.map((r) => `${r.secret} ${r.key} ${r.template}`.trimEnd()).join('\n') : undefined);
    expect(folders.cutover.flags).toEqual(Object.fromEntries(flags.map((f) => [f, true])));
    expect(folders.cutover.replicas).toEqual(Object.fromEntries(stopped.map((name) => [name, 0])));
    expect(folders.rollback.env).toBe(rewrites.length ? [...new Set(rewrites.map((r) => r.secret))].sort().join(' ') : undefined);
    expect(folders.rollback.flags).toEqual(Object.fromEntries(flags.map((f) => [f, false])));
    expect(folders.rollback.replicas).toEqual(Object.fromEntries(stopped.map((name) => [name, 1])));
  });

  test('GIVEN the plan WHEN the plan view and PHASE.md are rendered THEN both say every rewrite and every stopped server of the switches, and the rollback says it starts them again', async () => {
    // GIVEN
    const loaded = load();

    // WHEN
    const folders = await renderCutover(loaded);

    // THEN
    for (const s of cutoverSwitches(loaded.plan)) {
      for (const text of [folders.view, folders.readme]) {
        if (s.rewriteWords) expect(text).toContain(s.rewriteWords);
        for (const name of s.stops) expect(text).toMatch(new RegExp(`the old [^\\n]*\\b${name}\\b[^\\n]* to 0 replicas`));
      }
      for (const name of s.stops) expect(folders.rollbackReadme).toMatch(new RegExp(`the old [^\\n]*\\b${name}\\b[^\\n]* back to 1 replica`));
      for (const line of s.rollbackWords ?? []) expect(folders.rollbackReadme).toContain(line);
    }
    expect(folders.readme).toContain(`spec.externalComponents ${externalFlagsOf(loaded.plan).join(', ')} true`);
  });
});

describe('cleanup deletes what the switches retire', () => {
  test.each(EXAMPLES)('GIVEN examples/%s with cleanup enabled WHEN synthesized THEN the cleanup Job deletes exactly what the movers retire, and its words name each', async (name) => {
    // GIVEN
    const loaded = examplePlanWith(name, (raw) => {
      raw.spec.cleanup = { enabled: true };
    });
    const retired = retiredByCleanup(loaded.plan);

    // WHEN
    const deleted = await deletedByCleanup(loaded);

    // THEN
    expect(retired.length).toBeGreaterThan(0);
    expect(deleted).toEqual(retired.flatMap((r) => r.objects));
    const said = plannedPhases(loaded.plan).find((p) => p.definition.id === 'cleanup')!.definition.describe(loaded.plan).join('\n');
    for (const words of retired.flatMap((r) => r.words)) expect(said).toContain(words);
  });

  test('GIVEN the managed Redis mover retiring nothing WHEN the managed example is cleaned up THEN its old backend-redis and RDB export are neither said nor deleted, and redis-config stays (an old Redis is left)', async () => {
    // GIVEN
    const loaded = examplePlanWith('managed-rds-and-elasticache', (raw) => {
      raw.spec.cleanup = { enabled: true };
    });
    const original = managedMover.switchOver.bind(managedMover);
    const before = original(loaded.plan, 'backend', loaded.plan.spec.backendRedis as never);
    vi.spyOn(managedMover, 'switchOver').mockImplementation((plan, role, redis) => ({ ...original(plan, role, redis), retires: undefined }));

    // WHEN
    const deleted = (await deletedByCleanup(loaded)) ?? [];

    // THEN
    expect(before.retires?.objects).toEqual(['3scale deployment/backend-redis', '3scale persistentvolumeclaim/backend-redis-storage', '3scale persistentvolumeclaim/backend-redis-rdb-export']);
    for (const o of before.retires!.objects) expect(deleted).not.toContain(o);
    expect(deleted).not.toContain('3scale configmap/redis-config');
    expect(deleted).toContain('3scale deployment/system-redis');
    const said = plannedPhases(loaded.plan).find((p) => p.definition.id === 'cleanup')!.definition.describe(loaded.plan).join('\n');
    expect(said).not.toContain('backend-redis');
  });
});

describe('the window opens when some mover switches something', () => {
  test('GIVEN MySQL kept in place and both Redis already external WHEN the keep-in-place mover switches nothing THEN no phase of the window is planned; with its switch, they all are', () => {
    // GIVEN
    const loaded = examplePlanWith('mysql-in-place-and-redis', (raw) => {
      raw.spec.backendRedis = { strategy: 'already-external' };
      raw.spec.systemRedis = { strategy: 'already-external' };
    });
    const window = ['scale-down', 'cutover', 'scale-up', 'verify'];
    const planned = () => plannedPhases(loaded.plan).map((p) => p.definition.id);
    expect(needsWindow(loaded.plan)).toBe(true);
    for (const id of window) expect(planned()).toContain(id);

    // WHEN
    vi.spyOn(keepInPlaceMover, 'switchOver').mockReturnValue({ slot: 'new-servers', rewrites: [], stops: [] });

    // THEN
    expect(needsWindow(loaded.plan)).toBe(false);
    for (const id of window) expect(planned()).not.toContain(id);
  });
});
