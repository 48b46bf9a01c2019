/**
 * End to end, PostgreSQL 2.15 install moved per component (seed chapters 5, 6 and 3.4): the System database
 * to an existing managed PostgreSQL (RDS), the backend Redis to a managed Redis (ElastiCache) seeded from an
 * RDB export, the system Redis to a new on-cluster server. Discover writes the plan, the user edits the
 * managed targets in (discover does not know them), then diff runs before and after every phase and a
 * rollback from the cut-over, through the real CLI against the loopback API server.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { cli, diffJson, jobsOf, forwardState, rollbackState, statuses, useDiscoveredPlan } from './harness.js';

const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];
const RDS = 'threescale-system.c9akciq32.eu-west-1.rds.amazonaws.com';
const CACHE = 'threescale-backend.x1y2z3.ng.0001.euw1.cache.amazonaws.com';

const e2e = useDiscoveredPlan({
  fixture: 'postgresql',
  tempPrefix: 'e2e-managed',
  editPlan: (path) => {
    // What a user writes into the discovered plan: the managed servers and where their credentials are.
    const plan = parse(readFileSync(path, 'utf8'));
    plan.spec.systemDatabase = { kind: 'postgresql', strategy: 'managed', managed: { host: RDS, credentials: { secretName: 'rds-system-credentials', namespace: 'aws-credentials' } } };
    plan.spec.backendRedis = { strategy: 'managed', managed: { host: CACHE } };
    writeFileSync(path, stringify(plan));
  },
});

describe('managed targets: RDS PostgreSQL, ElastiCache backend Redis, on-cluster system Redis', () => {
  test('the phases carry the managed steps: credential copy and checks in prepare, load and RDB export in copy-data, the seed check in load-redis', () => {
    // GIVEN the synthesized plan
    const jobs = (id: string) => jobsOf(forwardState(e2e.result, id)).map((j) => `${j.metadata.namespace}/${j.metadata.name}`).sort();
    // WHEN / THEN each phase renders its Jobs
    expect(jobs('prepare')).toEqual(['3scale/check-managed-database', '3scale/check-managed-redis', '3scale/copy-system-database-credentials']);
    expect(jobs('copy-data')).toEqual(['3scale-db/copy-system-redis', '3scale/copy-system-database', '3scale/export-backend-redis-rdb']);
    expect(jobs('load-redis')).toEqual(['3scale-db/check-load-system-redis', '3scale/check-seeded-redis']);
    expect(jobs('cutover')).toEqual(['3scale-db/verify-copy-system-redis', '3scale/rewrite-connection-secrets', '3scale/verify-copy-system-database']);
    expect(jobs('verify')).toEqual(['3scale/check-new-versions-redis', '3scale/check-new-versions-system-database', '3scale/verify-redis', '3scale/verify-system-database']);
    // AND no file holds a Secret: the Jobs read the managed servers' credentials from it in the cluster
    expect(e2e.result.files.filter((f) => /^kind: Secret$/m.test(f.content)).map((f) => f.path)).toEqual([]);
  });

  test('diff before and after each phase: pending before, applied after, then a rollback from the cut-over restores the old databases', async () => {
    // GIVEN the untouched install
    const { cluster, kubeconfig } = await e2e.freshCluster();
    const diff = (phase: string) => diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', phase]);

    for (const id of FORWARD) {
      const state = forwardState(e2e.result, id);
      // WHEN nothing of the phase is applied yet
      const before = await diff(id);
      // THEN it is the next phase to apply, and diff exits 1
      expect({ id, code: before.run.code, status: statuses(before.report)[id] }).toEqual({ id, code: 1, status: 'pending' });

      // WHEN the GitOps engine applies it and its Jobs succeed
      await cluster.applyState(state);
      await cluster.runJobs(state);
      const after = await diff(id);
      // THEN it is applied and diff exits 0
      expect({ id, code: after.run.code, status: statuses(after.report)[id], current: after.report.currentPhase }).toEqual({ id, code: 0, status: 'applied', current: id });
    }
    // AND the APIManager marks all three components external, and the old servers of the managed targets are stopped
    expect(cluster.get('apps.3scale.net/v1alpha1', 'APIManager', '3scale', 'apimanager')?.spec).toMatchObject({
      externalComponents: { system: { database: true, redis: true }, backend: { redis: true } },
    });
    for (const name of ['system-postgresql', 'backend-redis', 'system-redis']) {
      expect({ name, replicas: (cluster.get('apps/v1', 'Deployment', '3scale', name)?.spec as { replicas?: number }).replicas }).toEqual({ name, replicas: 0 });
    }

    // WHEN the rollback folders from the scale-up down to the cut-over are applied, their Jobs succeeding
    for (const id of ['scale-up', 'cutover']) {
      const state = rollbackState(e2e.result, id);
      await cluster.applyState(state);
      const jobs = await cluster.runJobs(state);
      // THEN each is in sync
      const run = await cli(['diff', '-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', `rollback/${id}`]);
      expect({ id, code: run.code, stderr: run.stderr }).toEqual({ id, code: 0, stderr: '' });
      if (id === 'cutover') expect(jobs.map((j) => j.metadata.name)).toEqual(['restore-connection-secrets']);
    }
    // AND the components are internal again, with the PostgreSQL database spec the operator needs put back,
    // and the old PostgreSQL and backend Redis run again
    expect(cluster.get('apps.3scale.net/v1alpha1', 'APIManager', '3scale', 'apimanager')?.spec).toMatchObject({
      externalComponents: { system: { database: false, redis: false }, backend: { redis: false } },
      system: { database: { postgresql: {} } },
    });
    for (const name of ['system-postgresql', 'backend-redis']) {
      expect({ name, replicas: (cluster.get('apps/v1', 'Deployment', '3scale', name)?.spec as { replicas?: number }).replicas }).toEqual({ name, replicas: 1 });
    }
    // AND the restore Job puts back the backups of exactly the rewritten Secrets
    const restore = jobsOf(rollbackState(e2e.result, 'cutover')).find((j) => j.metadata.name === 'restore-connection-secrets')!;
    const env = (restore.spec as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }).template.spec.containers[0]!.env;
    expect(env.find((e) => e.name === 'SECRETS')?.value).toBe('backend-redis system-database system-redis');
  });

  test('a failed pre-connection check makes prepare failed, with the outcome the Job recorded', async () => {
    // GIVEN a cluster with preflight applied and the prepare folder applied
    const { cluster, kubeconfig } = await e2e.freshCluster();
    await e2e.applyForward(cluster, ['preflight']);
    const prepare = forwardState(e2e.result, 'prepare');
    await cluster.applyState(prepare);
    // WHEN the check of the managed Redis finds nothing listening, the other Jobs succeed
    for (const job of jobsOf(prepare)) {
      if (job.metadata.name === 'check-managed-redis') await cluster.recordEvidence(job, 'Failed', '1 target(s) failed: backend-redis=refused');
      else await cluster.recordEvidence(job, 'Succeeded', 'ok');
    }
    const { run, report } = await diffJson(['-c', e2e.planPath, '--kubeconfig', kubeconfig, '--phase', 'prepare']);
    // THEN prepare is failed, naming the outcome, and the window has not been opened
    expect(run.code).toBe(1);
    expect(statuses(report).prepare).toBe('failed');
    expect(report.phases.find((p) => p.id === 'prepare')?.reason).toContain('backend-redis=refused');
    expect(report.currentPhase).toBe('preflight');
  });
});
