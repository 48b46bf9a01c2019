/**
 * Specification of charts/scripts/kube/retire-jobs.sh, run with bash and the built kubectl against the real API
 * server of the tests, with the JOBS of the `retire-undone-jobs-cutover` Job synth renders in the cut-over rollback
 * folder of examples/postgresql-and-redis, under a token of the ServiceAccount that folder renders (its Roles
 * decide every request, as on a cluster); and with those of `retire-rollback-jobs-cutover`, which the forward
 * cut-over renders to retire that rollback folder's Jobs.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { loadPlanFile } from '../../src/plan/load-plan.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { EXAMPLE_PLANS, renderedKubeJob, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { useRealKubeScriptSuite } from '../support/real-api/index.js';

const EVIDENCE = 'threescale-migrate-evidence';

/** A Job object as the API server stores it (no controller runs here, so it never gets pods). */
const jobObject = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.invalid/done:1' }] } } },
});

/** A full record of a finished step, with the copy keys a rerun compares. */
const record = (step: string): Record<string, string> => ({
  [`${step}.phase`]: 'Succeeded',
  [`${step}.inputsChecksum`]: 'c0ffee',
  [`${step}.jobSha256`]: 'abc123',
  [`${step}.finishedAt`]: '2026-12-01T10:00:00Z',
  [`${step}.result`]: 'done',
  [`${step}.sourceFingerprint`]: 'fp-1',
});

describe('kube/retire-jobs.sh on the real API server, under the Job\'s ServiceAccount', () => {
  let retire: RenderedKubeJob;
  let folder = '';
  /** "<namespace> <name>" of the Jobs the rollback undoes, and one Job of an earlier phase it must leave alone. */
  let listed: { namespace: string; name: string }[] = [];
  let earlier: { namespace: string; name: string };
  /** The forward cut-over's retire Job, the Jobs of rollback/NN-cutover it lists, and its folder. */
  let forwardRetire: RenderedKubeJob;
  let rollbackJobs: { namespace: string; name: string }[] = [];
  let forwardFolder = '';
  const cluster = useRealKubeScriptSuite('postgresql', ['3scale', '3scale-db'], () => [retire, forwardRetire], {
    setup: async () => {
      const result = await synthesize(loadPlanFile(EXAMPLE_PLANS.postgresql));
      const cutover = result.rollbacks.find((s) => s.phase.definition.id === 'cutover')!;
      folder = cutover.folder;
      retire = await renderedKubeJob(EXAMPLE_PLANS.postgresql, 'retire-undone-jobs-cutover', {}, folder);
      forwardFolder = result.forward.find((s) => s.phase === cutover.phase)!.folder;
      forwardRetire = await renderedKubeJob(EXAMPLE_PLANS.postgresql, 'retire-rollback-jobs-cutover', {}, forwardFolder);
      rollbackJobs = cutover.own.filter((o) => o.kind === 'Job').map((o) => ({ namespace: o.metadata.namespace!, name: o.metadata.name }));
      listed = retire.env.JOBS!.split('\n').map((l) => ({ namespace: l.split(' ')[0]!, name: l.split(' ')[1]! }));
      const before = result.forward.filter((s) => s.phase.order < cutover.phase.order).flatMap((s) => s.own.filter((o) => o.kind === 'Job'));
      earlier = { namespace: before.at(-1)!.metadata.namespace!, name: before.at(-1)!.metadata.name };
    },
  });

  /** The listed Jobs and the earlier one exist, each with a full evidence record in its namespace. */
  async function seedDoneJobs(): Promise<void> {
    const all = [...listed, earlier];
    for (const j of all) await cluster().put(jobObject(j.namespace, j.name));
    for (const ns of new Set(all.map((j) => j.namespace))) {
      const data = Object.assign({}, ...all.filter((j) => j.namespace === ns).map((j) => record(j.name))) as Record<string, string>;
      await cluster().put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: EVIDENCE, namespace: ns }, data });
    }
  }

  it('is rendered in the cut-over rollback for the rewrite of the connection Secrets and the later Jobs, in 3scale', () => {
    expect(retire).toMatchObject({ namespace: '3scale', script: 'kube/retire-jobs.sh' });
    expect(retire.env.UNDONE_BY).toBe(folder);
    expect(listed).toContainEqual({ namespace: '3scale', name: 'rewrite-connection-secrets' });
    expect(listed).not.toContainEqual(earlier);
  });

  it('GIVEN the undone phases\' Jobs complete with records WHEN it runs THEN they are gone, their records read Undone with every other key kept, and an earlier Job is untouched', async () => {
    // GIVEN
    await seedDoneJobs();
    // WHEN
    const r = await cluster().run({}, retire);
    // THEN
    expect(r.code, r.stderr).toBe(0);
    for (const j of listed) {
      expect(await cluster().get('batch/v1', 'Job', j.namespace, j.name), j.name).toBeUndefined();
      expect(await cluster().evidence(j.namespace, j.name)).toEqual({ ...record(j.name), [`${j.name}.phase`]: 'Undone', [`${j.name}.result`]: `undone by ${folder}` });
      expect(r.stderr).toContain(`retired ${j.namespace} job/${j.name}: its evidence record (Succeeded) now reads Undone`);
    }
    expect(await cluster().get('batch/v1', 'Job', earlier.namespace, earlier.name)).toBeDefined();
    expect(await cluster().evidence(earlier.namespace, earlier.name)).toEqual(record(earlier.name));
    // AND its own run is recorded like any Job's
    expect((await cluster().evidence('3scale', 'retire-undone-jobs-cutover'))['retire-undone-jobs-cutover.phase']).toBe('Succeeded');
  });

  it('GIVEN a retired set, and Jobs that never ran WHEN it runs again THEN it succeeds, writes no record for a step that has none, and changes nothing else', async () => {
    // GIVEN no Job and no record at all
    const none = await cluster().run({}, retire);
    expect(none.code, none.stderr).toBe(0);
    for (const j of listed) expect(await cluster().evidence(j.namespace, j.name)).toEqual({});
    expect(none.stderr).toContain('(no evidence record to mark)');
    // AND after a first retirement, a second run keeps the records as they are
    await seedDoneJobs();
    expect((await cluster().run({}, retire)).code).toBe(0);
    const first = await cluster().evidence('3scale', 'rewrite-connection-secrets');
    const again = await cluster().run({}, retire);
    expect(again.code, again.stderr).toBe(0);
    expect(await cluster().evidence('3scale', 'rewrite-connection-secrets')).toEqual(first);
  });

  it('GIVEN JOBS edited to name a Job it was not rendered for WHEN it runs THEN the API refuses the deletion and that Job stays', async () => {
    // GIVEN
    await seedDoneJobs();
    // WHEN
    const r = await cluster().run({ JOBS: `${earlier.namespace} ${earlier.name}` }, retire);
    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/forbidden/i);
    expect(await cluster().get('batch/v1', 'Job', earlier.namespace, earlier.name)).toBeDefined();
    expect(await cluster().evidence(earlier.namespace, earlier.name)).toEqual(record(earlier.name));
  });

  describe('the forward phase\'s retire-rollback-jobs-cutover (going forward again after a rollback)', () => {
    /** The rollback folder's Jobs exist, complete, each with a full record. */
    async function seedRollbackJobs(): Promise<void> {
      for (const j of rollbackJobs) await cluster().put(jobObject(j.namespace, j.name));
      const data = Object.assign({}, ...rollbackJobs.map((j) => record(j.name))) as Record<string, string>;
      await cluster().put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: EVIDENCE, namespace: '3scale' }, data });
    }

    it('lists exactly the Jobs of the cut-over rollback folder, its retire Job included', () => {
      expect(forwardRetire.env.JOBS!.split('\n')).toEqual(rollbackJobs.map((j) => `${j.namespace} ${j.name}`));
      expect(rollbackJobs).toContainEqual({ namespace: '3scale', name: 'retire-undone-jobs-cutover' });
      expect(forwardRetire.env.UNDONE_BY).toBe(forwardFolder);
    });

    it('GIVEN the rollback folder\'s Jobs complete with records WHEN it runs THEN they are gone and their records read Undone, undone by the forward folder, every other key kept', async () => {
      // GIVEN
      await seedRollbackJobs();
      // WHEN
      const r = await cluster().run({}, forwardRetire);
      // THEN
      expect(r.code, r.stderr).toBe(0);
      for (const j of rollbackJobs) {
        expect(await cluster().get('batch/v1', 'Job', j.namespace, j.name), j.name).toBeUndefined();
        expect(await cluster().evidence(j.namespace, j.name)).toEqual({ ...record(j.name), [`${j.name}.phase`]: 'Undone', [`${j.name}.result`]: `undone by ${forwardFolder}` });
      }
    });

    it('GIVEN JOBS edited to name a forward Job WHEN it runs THEN the API refuses the deletion and that Job stays', async () => {
      // GIVEN the cut-over rewrite Job, complete with its record
      await seedDoneJobs();
      // WHEN
      const r = await cluster().run({ JOBS: '3scale rewrite-connection-secrets' }, forwardRetire);
      // THEN
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/forbidden/i);
      expect(await cluster().get('batch/v1', 'Job', '3scale', 'rewrite-connection-secrets')).toBeDefined();
    });
  });
});
