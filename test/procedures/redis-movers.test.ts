/**
 * Specification of src/procedures/externalize-on-cluster/redis-movers/: each Redis strategy is one mover,
 * and what a mover does in a phase is one object (its `work`): the phase's words in `plan` and PHASE.md and
 * the Jobs and objects its chart renders are both read from it, and a phase with Redis work applies because
 * some mover has work there.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { LoadedPlan } from '../../src/plan/load-plan.js';
import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { plannedPhases } from '../../src/phases/registry.js';
import { renderPlanView } from '../../src/plan-view/render-plan-view.js';
import { alreadyExternalMover } from '../../src/procedures/externalize-on-cluster/redis-movers/already-external-mover.js';
import { managedMover } from '../../src/procedures/externalize-on-cluster/redis-movers/managed-mover.js';
import type { RedisMover, RedisPhase, RedisSlot, RedisWork } from '../../src/procedures/externalize-on-cluster/redis-movers/mover.js';
import { onClusterMover } from '../../src/procedures/externalize-on-cluster/redis-movers/on-cluster-mover.js';
import { redisWork } from '../../src/procedures/externalize-on-cluster/redis-movers/registry.js';
import { sentinelMover } from '../../src/procedures/externalize-on-cluster/redis-movers/sentinel-mover.js';
import { synthesize, type FolderState, type SynthResult } from '../../src/synth/synthesize.js';
import { examplePlanWith, loadExample, loadMigrationPlan, ROOT } from '../support/plans.js';

const PHASES: readonly RedisPhase[] = ['prepare', 'copy-data', 'load-redis', 'load-redis-rollback', 'cutover', 'verify'];
const SLOTS: readonly RedisSlot[] = ['new-servers', 'existing-servers', 'checks'];

/** The folder a Redis phase renders into: a forward phase, or the rollback of load-redis. */
function folderOf(result: SynthResult, phase: RedisPhase): FolderState | undefined {
  return phase === 'load-redis-rollback' ? result.rollbacks.find((s) => s.phase.definition.id === 'load-redis') : result.forward.find((s) => s.phase.definition.id === phase);
}

/** The words a phase (or the rollback of load-redis) says for this plan. */
function phaseWords(loaded: LoadedPlan<MigrationPlan>, phase: RedisPhase): string[] {
  const def = plannedPhases(loaded.plan).find((p) => p.definition.id === (phase === 'load-redis-rollback' ? 'load-redis' : phase))?.definition;
  if (!def) return [];
  return phase === 'load-redis-rollback' ? (def.rollback?.describe(loaded.plan) ?? []) : def.describe(loaded.plan);
}

const jobNames = (work: readonly RedisWork[]) => work.flatMap((w) => w.constructs.flatMap((c) => (c.kind === 'job' ? [c.job.name] : [])));
const ownJobs = (state: FolderState | undefined) => (state?.own ?? []).filter((o) => o.kind === 'Job').map((o) => o.metadata.name);
const words = (work: readonly RedisWork[]) => work.flatMap((w) => SLOTS.flatMap((slot) => w.words[slot] ?? []));

/** The sentinel example (not in the list of the shared example helpers). */
const sentinelExample = () => loadMigrationPlan(join(ROOT, 'examples', 'sentinel-redis', 'migration.yaml'));

/** Both Redis already external, the System database too: nothing of the externalization moves Redis. */
const allExternal = () =>
  examplePlanWith('redis-only', (raw) => {
    raw.spec.backendRedis = { strategy: 'already-external' };
    raw.spec.systemRedis = { strategy: 'already-external' };
  });

afterEach(() => {
  vi.restoreAllMocks();
});

const CASES: readonly (readonly [string, () => LoadedPlan<MigrationPlan>, RedisMover])[] = [
  ['upgrade-on-cluster', () => loadExample('postgresql-and-redis'), onClusterMover as RedisMover],
  ['managed (backend, seeded from an RDB export) beside upgrade-on-cluster (system)', () => loadExample('managed-rds-and-elasticache'), managedMover as RedisMover],
  ['sentinel', sentinelExample, sentinelMover as RedisMover],
];

describe.each(CASES)('the %s mover', (_name, load, mover) => {
  test('GIVEN its plan WHEN synthesized THEN every phase renders every Job its movers name and says every line of their work', async () => {
    // GIVEN
    const loaded = load();

    // WHEN
    const result = await synthesize(loaded);

    // THEN
    for (const phase of PHASES) {
      const work = redisWork(loaded.plan, phase);
      const rendered = ownJobs(folderOf(result, phase));
      for (const job of jobNames(work)) expect(rendered, `${phase}: Job ${job}`).toContain(job);
      const said = phaseWords(loaded, phase);
      for (const line of words(work)) expect(said, phase).toContain(line);
    }
  });

  test("GIVEN its work in copy-data changed (other words, one Job less) WHEN the plan view, PHASE.md and the folder are rendered THEN all three show the change", async () => {
    // GIVEN
    const loaded = load();
    const original = mover.work.bind(mover);
    const before = redisWork(loaded.plan, 'copy-data');
    vi.spyOn(mover, 'work').mockImplementation((plan, roles, phase) => {
      const w = original(plan, roles, phase);
      return phase === 'copy-data' ? { words: { 'existing-servers': ['MOVED BY THE CHANGED MOVER'] }, constructs: w.constructs.slice(1) } : w;
    });
    const after = redisWork(loaded.plan, 'copy-data');
    const dropped = jobNames(before).filter((j) => !jobNames(after).includes(j));
    const unsaid = words(before).filter((line) => !words(after).includes(line));

    // WHEN
    const view = renderPlanView(loaded.plan, 'text');
    const result = await synthesize(loaded);
    const readme = result.files.find((f) => f.path.endsWith('-copy-data/PHASE.md'))?.content ?? '';

    // THEN
    expect(dropped).toHaveLength(1);
    expect(unsaid.length).toBeGreaterThan(0);
    expect(view).toContain('MOVED BY THE CHANGED MOVER');
    expect(readme).toContain('MOVED BY THE CHANGED MOVER');
    for (const line of unsaid) {
      expect(view).not.toContain(line);
      expect(readme).not.toContain(line);
    }
    expect(ownJobs(folderOf(result, 'copy-data'))).not.toContain(dropped[0]);
  });
});

describe('phase applicability: some mover has work here', () => {
  test('GIVEN both Redis already external (and the System database) WHEN the phases are planned THEN no Redis phase runs, and the already-external mover has no work and no rewrite', () => {
    // GIVEN
    const loaded = allExternal();

    // WHEN
    const ids = plannedPhases(loaded.plan).map((p) => p.definition.id);

    // THEN
    expect(ids).not.toContain('load-redis');
    expect(ids).not.toContain('copy-data');
    expect(ids).not.toContain('prepare');
    for (const phase of PHASES) expect(redisWork(loaded.plan, phase), phase).toEqual([{ words: {}, constructs: [] }]);
    expect(alreadyExternalMover.secretRewrites(loaded.plan, 'backend', { strategy: 'already-external' } as never)).toEqual([]);
  });

  test('GIVEN the already-external mover made to check something in load-redis WHEN the phases are planned THEN load-redis runs, says it and renders the Job', async () => {
    // GIVEN
    const loaded = allExternal();
    vi.spyOn(alreadyExternalMover, 'work').mockImplementation((_plan, roles, phase) =>
      phase === 'load-redis'
        ? { words: { 'existing-servers': ['Job check-external-redis: a check only this test asks for'] }, constructs: [{ kind: 'job', job: { build: 'check-load', name: 'check-load-backend-redis', role: roles[0]!.role } }] }
        : { words: {}, constructs: [] },
    );

    // WHEN
    const phases = plannedPhases(loaded.plan);
    const result = await synthesize(loaded);

    // THEN
    const loadRedis = phases.find((p) => p.definition.id === 'load-redis');
    expect(loadRedis?.definition.describe(loaded.plan)).toEqual(['Job check-external-redis: a check only this test asks for']);
    // (beside the Job retiring its rollback folder's Jobs, test/synth/retire-undone-jobs.test.ts)
    expect(ownJobs(folderOf(result, 'load-redis'))).toEqual(['check-load-backend-redis', 'retire-rollback-jobs-load-redis']);
  });

  test('GIVEN a managed Redis not seeded from an RDB export WHEN its load-redis work is asked THEN it has none (the seed check is for seeded Redis only), and load-redis does not run for it', () => {
    // GIVEN
    const loaded = examplePlanWith('managed-rds-and-elasticache', (raw) => {
      raw.spec.backendRedis.managed.seed = 'none';
      raw.spec.systemRedis = { strategy: 'already-external' };
    });

    // WHEN
    const work = redisWork(loaded.plan, 'load-redis');

    // THEN
    expect(jobNames(work)).toEqual([]);
    expect(plannedPhases(loaded.plan).map((p) => p.definition.id)).not.toContain('load-redis');
    expect(jobNames(redisWork(loaded.plan, 'prepare'))).toEqual(['check-managed-redis']);
  });
});
