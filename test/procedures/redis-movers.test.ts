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
import { removedByPrepareRollback, renderCutover } from '../support/cutover-folders.js';
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

/** The on-cluster mover doing its work in one phase for the backend Redis alone (as usual elsewhere). */
function onClusterForBackendOnlyIn(only: RedisPhase): void {
  const original = onClusterMover.work.bind(onClusterMover);
  vi.spyOn(onClusterMover, 'work').mockImplementation((plan, roles, phase) => original(plan, phase === only ? roles.filter((r) => r.role === 'backend') : roles, phase));
}

/** The plan view, the synth, and the PHASE.md of one phase. */
async function renderWithReadme(loaded: LoadedPlan<MigrationPlan>, phase: RedisPhase) {
  const view = renderPlanView(loaded.plan, 'text');
  const result = await synthesize(loaded);
  return { view, result, readme: result.files.find((f) => f.path.endsWith(`-${phase}/PHASE.md`))?.content ?? '' };
}

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
    expect(alreadyExternalMover.switchOver(loaded.plan, 'backend', { strategy: 'already-external' } as never)).toEqual({ slot: 'new-servers', rewrites: [], stops: [] });
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

describe('one object for what the cut-over switches', () => {
  test('GIVEN the sentinel mover switching the backend Redis otherwise (one key, other words, nothing stopped) WHEN the cut-over and its rollback are rendered THEN the Job, the APIManager, the overlays, the plan view and both PHASE.md follow, and the system Redis keeps its switch', async () => {
    // GIVEN
    const loaded = sentinelExample();
    const original = sentinelMover.switchOver.bind(sentinelMover);
    const before = original(loaded.plan, 'backend', loaded.plan.spec.backendRedis as never);
    vi.spyOn(sentinelMover, 'switchOver').mockImplementation((plan, role, redis) =>
      role === 'backend'
        ? { slot: 'existing-servers', rewrites: [{ secret: 'backend-redis', key: 'REDIS_STORAGE_URL', template: 'redis://changed/0' }], rewriteWords: 'SWITCHED BY THE CHANGED MOVER', external: 'backend.redis', stops: [] }
        : original(plan, role, redis),
    );

    // WHEN
    const folders = await renderCutover(loaded);

    // THEN
    const backendLines = folders.cutover.env?.split('\n').filter((line) => line.startsWith('backend-redis '));
    expect(backendLines).toEqual(['backend-redis REDIS_STORAGE_URL redis://changed/0']);
    expect(folders.cutover.env).toContain('system-redis SENTINEL_ROLE master');
    expect(folders.cutover.flags).toMatchObject({ 'backend.redis': true, 'system.redis': true });
    expect(folders.cutover.replicas).toEqual({ 'system-postgresql': 0, 'system-redis': 0 });
    expect(folders.rollback.replicas).toEqual({ 'system-postgresql': 1, 'system-redis': 1 });
    for (const text of [folders.view, folders.readme]) {
      expect(text).toContain('SWITCHED BY THE CHANGED MOVER');
      expect(text).not.toContain(before.rewriteWords!);
      expect(text).toContain('the old system-redis to 0 replicas');
    }
    expect(folders.rollbackReadme).toContain('the old system-redis back to 1 replica');
  });
});

describe('one object for what prepare creates and its rollback deletes', () => {
  test('GIVEN the on-cluster mover preparing the backend Redis only WHEN synthesized THEN the plan view, PHASE.md and the objects of prepare lack the system Redis server, and the rollback of prepare deletes only the backend one', async () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');
    onClusterForBackendOnlyIn('prepare');

    // WHEN
    const { view, result, readme } = await renderWithReadme(loaded, 'prepare');

    // THEN
    const prepare = folderOf(result, 'prepare');
    const removed = removedByPrepareRollback(result) ?? [];
    expect(view).toContain('Redis 7 for backend');
    expect(view).not.toContain('Redis 7 for system');
    expect(readme).not.toContain('Redis 7 for system');
    expect(prepare?.own.some((o) => o.kind === 'Deployment' && o.metadata.name === 'system-redis-external')).toBe(false);
    expect(prepare?.own.some((o) => o.kind === 'Deployment' && o.metadata.name === 'backend-redis-external')).toBe(true);
    expect(removed.filter((line) => line.includes('redis'))).toEqual([
      '3scale-db deployment/backend-redis-external',
      '3scale-db service/backend-redis-service',
      '3scale-db serviceaccount/backend-redis-external',
      '3scale-db persistentvolumeclaim/backend-redis-storage-external',
      '3scale-db configmap/redis-config-external',
    ]);
  });
});

describe('one object for verify', () => {
  test('GIVEN the on-cluster mover checking the backend Redis only in verify WHEN synthesized THEN the verify-redis Job reads the backend Redis alone and the plan view and PHASE.md say so', async () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');
    onClusterForBackendOnlyIn('verify');

    // WHEN
    const { view, result, readme } = await renderWithReadme(loaded, 'verify');

    // THEN
    const job = folderOf(result, 'verify')?.own.find((o) => o.kind === 'Job' && o.metadata.name === 'verify-redis') as
      | { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } }
      | undefined;
    const endpoints = job?.spec.template.spec.containers[0]!.env.find((e) => e.name === 'REDIS_ENDPOINTS')?.value;
    expect(endpoints).toBe('backend-redis=backend-redis-service.3scale-db.svc.cluster.local:6379');
    for (const text of [view, readme]) {
      expect(text).toContain('Job verify-redis: the liveness-probe key is present in backend-redis-external\n');
      expect(text).not.toContain('present in backend-redis-external and system-redis-external');
    }
  });
});
