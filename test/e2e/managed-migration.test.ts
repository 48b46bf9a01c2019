/**
 * End to end, PostgreSQL 2.15 install moved per component (seed chapters 5, 6 and 3.4): the System database
 * to an existing managed PostgreSQL (RDS), the backend Redis to a managed Redis (ElastiCache) seeded from an
 * RDB export, the system Redis to a new on-cluster server. Discover writes the plan, the user edits the
 * managed targets in (discover does not know them). Here: the managed steps the phases carry, and a failed
 * pre-connection check, through the real CLI against the loopback API server; every phase applied and the
 * rollback from the cut-over run on the real API server (managed-and-upgrade-real-api.test.ts).
 */
import { isRetireJobName } from '../../charts/jobs/retire-jobs-job.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { diffJson, jobsOf, forwardState, statuses, useDiscoveredPlan } from './harness.js';

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
    // (the engine's retire Jobs, there in every phase that has a rollback folder, are specified in test/synth/retire-undone-jobs.test.ts)
    const jobs = (id: string) => jobsOf(forwardState(e2e.result, id)).filter((j) => !isRetireJobName(j.metadata.name)).map((j) => `${j.metadata.namespace}/${j.metadata.name}`).sort();
    // WHEN / THEN each phase renders its Jobs
    expect(jobs('prepare')).toEqual(['3scale/check-managed-database', '3scale/check-managed-redis', '3scale/copy-system-database-credentials']);
    expect(jobs('copy-data')).toEqual(['3scale-db/copy-system-redis', '3scale/copy-system-database', '3scale/export-backend-redis-rdb']);
    expect(jobs('load-redis')).toEqual(['3scale-db/check-load-system-redis', '3scale/check-seeded-redis']);
    expect(jobs('cutover')).toEqual(['3scale-db/verify-copy-system-redis', '3scale/rewrite-connection-secrets', '3scale/verify-copy-system-database']);
    expect(jobs('verify')).toEqual(['3scale/check-new-versions-redis', '3scale/check-new-versions-system-database', '3scale/verify-redis', '3scale/verify-system-database']);
    // AND no file holds a Secret: the Jobs read the managed servers' credentials from it in the cluster
    expect(e2e.result.files.filter((f) => /^kind: Secret$/m.test(f.content)).map((f) => f.path)).toEqual([]);
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
