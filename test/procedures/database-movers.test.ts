/**
 * Specification of src/procedures/externalize-on-cluster/database-movers/: the System database is one
 * mover per strategy; what it does in copy-data and at the cut-over is one object whose words the plan view
 * and PHASE.md read, whose Jobs the charts render, and whose guarded patches `diff` checks.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { findPlannedPhase, plannedPhases } from '../../src/phases/registry.js';
import { renderPlanView } from '../../src/plan-view/render-plan-view.js';
import { keepInPlaceMover } from '../../src/procedures/externalize-on-cluster/database-movers/keep-in-place-mover.js';
import { managedPostgresqlMover } from '../../src/procedures/externalize-on-cluster/database-movers/managed-mover.js';
import type { DatabasePhase, DatabaseWork } from '../../src/procedures/externalize-on-cluster/database-movers/mover.js';
import { onClusterPostgresqlMover } from '../../src/procedures/externalize-on-cluster/database-movers/on-cluster-postgresql-mover.js';
import { databaseMover, databasePatches } from '../../src/procedures/externalize-on-cluster/database-movers/registry.js';
import { mysqlDetachSteps } from '../../src/procedures/externalize-on-cluster/mysql-detach.js';
import { synthesize, type FolderState } from '../../src/synth/synthesize.js';
import { removedByPrepareRollback, renderCutover } from '../support/cutover-folders.js';
import { examplePlanWith, type ExampleName, loadExample } from '../support/plans.js';

const PHASES: readonly DatabasePhase[] = ['prepare', 'copy-data', 'cutover', 'verify'];
const ownJobs = (state: FolderState | undefined) => (state?.own ?? []).filter((o) => o.kind === 'Job').map((o) => o.metadata.name);
const lines = (w: DatabaseWork) => Object.values(w.words).flat();

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each([
  ['postgresql-and-redis', 'postgresql/upgrade-on-cluster'],
  ['managed-rds-and-elasticache', 'postgresql/managed'],
  ['mysql-in-place-and-redis', 'mysql/keep-in-place'],
  ['redis-only', 'postgresql/already-external'],
] as const)('the System database mover of examples/%s', (example: ExampleName, strategy) => {
  test(`GIVEN the plan WHEN its mover is asked THEN it is ${strategy}, and each phase says every line of its work and renders every server and Job it names`, async () => {
    // GIVEN
    const loaded = loadExample(example);

    // WHEN
    const mover = databaseMover(loaded.plan);
    const result = await synthesize(loaded);

    // THEN
    expect(mover.strategy).toBe(strategy);
    for (const phase of PHASES) {
      const work = mover.work(loaded.plan, phase);
      const state = result.forward.find((s) => s.phase.definition.id === phase);
      for (const job of work.jobs) expect(ownJobs(state), `${phase}: Job ${job.name}`).toContain(job.name);
      for (const server of work.servers ?? []) {
        expect(state?.own.some((o) => o.kind === 'Deployment' && o.metadata.name === 'system-postgresql-external' && o.metadata.namespace === server.namespace), `${phase}: server in ${server.namespace}`).toBe(true);
      }
      const said = state ? findPlannedPhase(loaded.plan, phase).definition.describe(loaded.plan) : [];
      for (const line of lines(work)) expect(said, phase).toContain(line);
    }
  });
});

describe('what diff expects of a mover', () => {
  test('GIVEN MySQL kept in place WHEN the cut-over is asked for its patches THEN they are the keep-in-place mover\'s, which are the detach steps; other strategies have none', () => {
    // GIVEN
    const mysql = loadExample('mysql-in-place-and-redis');
    const postgresql = loadExample('postgresql-and-redis');

    // WHEN
    const patches = findPlannedPhase(mysql.plan, 'cutover').definition.patches?.(mysql.plan);

    // THEN
    expect(patches).toEqual(mysqlDetachSteps(mysql.plan));
    expect(patches?.length).toBeGreaterThan(0);
    expect(databasePatches(mysql.plan, 'cutover')).toEqual(keepInPlaceMover.work(mysql.plan, 'cutover').patches);
    expect(findPlannedPhase(postgresql.plan, 'cutover').definition.patches?.(postgresql.plan)).toEqual([]);
  });

  test('GIVEN a keep-in-place plan whose detach list is empty WHEN the cut-over is rendered THEN the mover names no Job, none is rendered, diff expects no patch, and the words say why', async () => {
    // GIVEN
    const loaded = examplePlanWith('mysql-in-place-and-redis', (raw) => {
      raw.spec.systemDatabase.detach = [];
    });

    // WHEN
    const work = keepInPlaceMover.work(loaded.plan, 'cutover');
    const result = await synthesize(loaded);

    // THEN
    expect(work.jobs).toEqual([]);
    expect(work.patches).toEqual([]);
    expect(ownJobs(result.forward.find((s) => s.phase.definition.id === 'cutover'))).not.toContain('detach-system-mysql');
    expect(lines(work)[0]).toMatch(/^no detach Job: /);
  });
});

describe('one object for the words and the Jobs', () => {
  test('GIVEN the on-cluster PostgreSQL mover changed in copy-data (other words, no Job) WHEN the plan view, PHASE.md and the folder are rendered THEN all three follow', async () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');
    const before = onClusterPostgresqlMover.work(loaded.plan, 'copy-data');
    vi.spyOn(onClusterPostgresqlMover, 'work').mockImplementation((_plan, phase) => (phase === 'copy-data' ? { words: { 'new-servers': ['COPIED BY THE CHANGED MOVER'] }, jobs: [], patches: [] } : { words: {}, jobs: [], patches: [] }));

    // WHEN
    const view = renderPlanView(loaded.plan, 'text');
    const result = await synthesize(loaded);
    const readme = result.files.find((f) => f.path.endsWith('-copy-data/PHASE.md'))?.content ?? '';

    // THEN
    expect(view).toContain('COPIED BY THE CHANGED MOVER');
    expect(readme).toContain('COPIED BY THE CHANGED MOVER');
    for (const line of lines(before)) {
      expect(view).not.toContain(line);
      expect(readme).not.toContain(line);
    }
    expect(ownJobs(result.forward.find((s) => s.phase.definition.id === 'copy-data'))).not.toContain('copy-system-database');
  });

  test('GIVEN the System database and both Redis already external WHEN planned THEN copy-data does not run: no mover has work there', () => {
    // GIVEN
    const loaded = examplePlanWith('redis-only', (raw) => {
      raw.spec.backendRedis = { strategy: 'already-external' };
      raw.spec.systemRedis = { strategy: 'already-external' };
    });

    // WHEN / THEN
    expect(databaseMover(loaded.plan).work(loaded.plan, 'copy-data')).toEqual({ words: {}, jobs: [], patches: [] });
    expect(plannedPhases(loaded.plan).map((p) => p.definition.id)).not.toContain('copy-data');
  });
});

describe('one object for what the cut-over switches', () => {
  test('GIVEN the managed PostgreSQL mover switching otherwise (one other key, other words, system-mysql stopped, no flag) WHEN the cut-over and its rollback are rendered THEN the Job, the APIManager, the overlays, the plan view and both PHASE.md follow', async () => {
    // GIVEN
    const loaded = loadExample('managed-rds-and-elasticache');
    const before = managedPostgresqlMover.switchOver(loaded.plan);
    vi.spyOn(managedPostgresqlMover, 'switchOver').mockReturnValue({
      slot: 'existing-servers',
      rewrites: [{ secret: 'system-database', key: 'CHANGED_KEY', template: 'changed://{rds-system-credentials/password}@elsewhere' }],
      rewriteWords: 'SWITCHED BY THE CHANGED MOVER',
      stops: ['system-mysql'],
      rollbackWords: ['UNDONE BY THE CHANGED MOVER'],
    });

    // WHEN
    const folders = await renderCutover(loaded);

    // THEN
    expect(before.rewriteWords).toBeDefined();
    expect(folders.cutover.env?.split('\n').filter((line) => line.startsWith('system-database '))).toEqual(['system-database CHANGED_KEY changed://{rds-system-credentials/password}@elsewhere']);
    expect(folders.cutover.flags['system.database']).toBeUndefined();
    expect(folders.cutover.flags['backend.redis']).toBe(true);
    expect(folders.cutover.replicas).toEqual({ 'system-mysql': 0, 'backend-redis': 0 });
    expect(folders.rollback.replicas).toEqual({ 'system-mysql': 1, 'backend-redis': 1 });
    expect(folders.rollback.flags['system.database']).toBeUndefined();
    for (const text of [folders.view, folders.readme]) {
      expect(text).toContain('SWITCHED BY THE CHANGED MOVER');
      expect(text).not.toContain(before.rewriteWords!);
      expect(text).toContain('the old system-mysql, backend-redis to 0 replicas');
      expect(text).toContain('spec.externalComponents backend.redis, system.redis true');
    }
    expect(folders.rollbackReadme).toContain('UNDONE BY THE CHANGED MOVER');
    expect(folders.rollbackReadme).toContain('the old system-mysql, backend-redis back to 1 replica');
    // The PostgreSQL spec the operator removed is put back only by a switch that says so.
    expect(folders.rollbackReadme).not.toContain('spec.system.database.postgresql: {} put back');
  });

  test('GIVEN MySQL kept in place WHEN its switch is asked THEN it rewrites nothing and stops nothing, only marks the database external, and its rollback leaves the re-attachment to the operator', async () => {
    // GIVEN
    const loaded = loadExample('mysql-in-place-and-redis');

    // WHEN
    const s = keepInPlaceMover.switchOver(loaded.plan);
    const folders = await renderCutover(loaded);

    // THEN
    expect(s).toMatchObject({ rewrites: [], stops: [], external: 'system.database' });
    expect(folders.cutover.env?.split('\n').some((line) => line.startsWith('system-database '))).toBe(false);
    expect(folders.cutover.flags['system.database']).toBe(true);
    expect(folders.rollbackReadme).toContain(s.rollbackWords![0]!);
  });
});

describe('one object for what prepare creates and its rollback deletes', () => {
  test('GIVEN the on-cluster PostgreSQL mover with no work in prepare WHEN synthesized THEN prepare neither says nor renders the new server and its rollback deletes no PostgreSQL object, while the Redis servers stay', async () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');
    const original = onClusterPostgresqlMover.work.bind(onClusterPostgresqlMover);
    const before = original(loaded.plan, 'prepare');
    vi.spyOn(onClusterPostgresqlMover, 'work').mockImplementation((plan, phase) => (phase === 'prepare' ? { words: {}, jobs: [], patches: [] } : original(plan, phase)));

    // WHEN
    const view = renderPlanView(loaded.plan, 'text');
    const result = await synthesize(loaded);

    // THEN
    const prepare = result.forward.find((s) => s.phase.definition.id === 'prepare');
    const removed = removedByPrepareRollback(result) ?? [];
    expect(before.creates).toContain('3scale-db deployment/system-postgresql-external');
    for (const line of lines(before)) expect(view).not.toContain(line);
    expect(prepare?.own.some((o) => o.kind === 'Deployment' && o.metadata.name === 'system-postgresql-external')).toBe(false);
    expect(removed.some((line) => line.includes('postgresql'))).toBe(false);
    expect(removed).toContain('3scale-db deployment/backend-redis-external');
  });
});

describe('one object for verify', () => {
  test('GIVEN the managed mover reading the database elsewhere in verify WHEN synthesized THEN the verify Job reads there and the plan view says the mover\'s words', async () => {
    // GIVEN
    const loaded = loadExample('managed-rds-and-elasticache');
    const original = managedPostgresqlMover.work.bind(managedPostgresqlMover);
    const before = original(loaded.plan, 'verify');
    vi.spyOn(managedPostgresqlMover, 'work').mockImplementation((plan, phase) =>
      phase === 'verify'
        ? { words: { checks: ['VERIFIED BY THE CHANGED MOVER'] }, jobs: [{ build: 'verify-database', name: 'verify-system-database', target: { ...before.jobs[0]!.target!, host: 'elsewhere.example', database: 'other' } }], patches: [] }
        : original(plan, phase),
    );

    // WHEN
    const view = renderPlanView(loaded.plan, 'text');
    const result = await synthesize(loaded);

    // THEN
    const job = result.forward.find((s) => s.phase.definition.id === 'verify')?.own.find((o) => o.kind === 'Job' && o.metadata.name === 'verify-system-database') as
      | { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } }
      | undefined;
    const env = Object.fromEntries((job?.spec.template.spec.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
    expect(before.jobs[0]?.target?.host).toBe('threescale-system.c9akciq32.eu-west-1.rds.amazonaws.com');
    expect(env).toMatchObject({ DB_KIND: 'postgresql', DB_HOST: 'elsewhere.example', DB_PORT: '5432', DB_NAME: 'other' });
    expect(view).toContain('VERIFIED BY THE CHANGED MOVER');
    for (const line of lines(before)) expect(view).not.toContain(line);
  });
});
