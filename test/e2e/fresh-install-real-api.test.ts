/**
 * End to end on the real API server of the tests, a fresh 3scale 2.16 install of examples/fresh-install-rosa
 * through the real CLI, on a server holding a ROSA-shaped cluster (nodes, storage classes, pods, Routes):
 * `preflight` passes there and fails on the field report's cluster; each phase folder is applied as Argo CD
 * applies it (`kubectl apply --server-side --force-conflicts --field-manager=argocd-controller -k`), the Jobs
 * end as their scripts would, and `diff`, `status` and `preflight` run after every step, forward and through
 * the rollback of the APIManager phase. Where the loopback fake server can answer the same question (the
 * preflight reads), both servers are asked and must agree.
 */
import { afterAll, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { PreflightReport } from '../../src/procedures/fresh-install/fresh-install-preflight.js';
import { startFakeApiServer, type FakeApiServer } from '../support/fake-api-server.js';
import { node, rosaCluster, route } from '../support/fresh-install-cluster.js';
import { freshInstallExamplePath } from '../support/plans.js';
import { adminEndpoint, apiRequest, deleteObject } from '../support/real-api/index.js';
import { cli, type CliRun, diffJson, jobsOf, leakedInTranscript, statuses } from './harness.js';
import { applyPhaseWatchingDiff, useRealMigration } from './real-api-flow.js';

const PLAN = freshInstallExamplePath('fresh-install-rosa');
const DOMAIN = 'apps.rosa-prod.x7k2.p1.openshiftapps.com';
const PHASES = ['preflight', 'operator', 'databases', 'apimanager', 'verify'];
const NAMESPACES = ['3scale', '3scale-db'];
/** A whole flow makes some dozens of kubectl and CLI runs: minutes on a loaded 2-core machine, not a timing target. */
const FLOW_TIMEOUT_MS = 300_000;
/** The S3 settings Secret the ROSA plan names; created by the user (its values never reach this tool). */
const AWS_AUTH: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'aws-auth', namespace: '3scale' },
  type: 'Opaque',
  data: { AWS_BUCKET: Buffer.from('rosa-prod-3scale').toString('base64'), AWS_REGION: Buffer.from('us-east-1').toString('base64'), AWS_ROLE_ARN: Buffer.from('arn:aws:iam::000000000000:role/3scale').toString('base64') },
};
/** The field report's cluster: a hand-made admin Route, an arm64 worker, no S3 Secret. */
const FIELD_REPORT_CLUSTER: readonly KubeObject[] = [
  ...rosaCluster().filter((o) => o.kind !== 'Node'),
  node('worker-a', { arch: 'arm64' }),
  node('worker-b'),
  route('3scale-backup', 'system-admin', `3scale-admin.${DOMAIN}`, 'system-provider'),
];

const fakes: FakeApiServer[] = [];
afterAll(async () => {
  await Promise.all(fakes.splice(0).map((s) => s.close()));
});

/** `preflight` of the example plan against a kubeconfig, as text or `-o json`. */
const preflight = (kubeconfig: string, json = false): Promise<CliRun> => cli(['preflight', '-c', PLAN, '--kubeconfig', kubeconfig, ...(json ? ['-o', 'json'] : [])]);

/** The same preflight against the loopback fake server holding `objects`: what the fake answers, to compare. */
async function preflightOnFake(objects: readonly KubeObject[], json = false): Promise<CliRun> {
  const api = await startFakeApiServer({ objects });
  fakes.push(api);
  return preflight(api.kubeconfigPath('3scale'), json);
}

/** The checks of a JSON preflight report, `<id> <ok>` each. */
const checksOf = (run: CliRun): string[] => (JSON.parse(run.stdout) as PreflightReport).checks.map((c) => `${c.id} ${c.ok}`);

describe('preflight on the field report\'s cluster, real API server', () => {
  const m = useRealMigration({ extraObjects: FIELD_REPORT_CLUSTER, plan: PLAN, tempPrefix: 'e2e-real-fresh-failing', engine: 'argocd-controller', namespaces: NAMESPACES });

  test('GIVEN a hand-made admin Route, arm64 workers and no S3 Secret WHEN preflight runs THEN it names each failure and exits 1, as the fake server\'s answer does', async () => {
    // WHEN
    const run = await preflight(m.kubeconfig());

    // THEN
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAILED nodes: worker-a is arm64, but spec.images.architectures lists amd64');
    expect(run.stdout).toContain(`FAILED routes: 3scale-admin.${DOMAIN} (admin portal) is held by Route 3scale-backup/system-admin`);
    expect(run.stdout).toContain('FAILED secrets: Secret 3scale/aws-auth does not exist');
    expect(run.stdout).toContain('ok     storage: postgresql-data-external ReadWriteOnce on gp3 (ebs.csi.aws.com)');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('fix the failed checks before applying anything');
    // AND the fake server holding the same objects gives the same verdicts, line for line
    const fake = await preflightOnFake(FIELD_REPORT_CLUSTER);
    expect({ code: fake.code, stdout: fake.stdout.split('\n').slice(1) }).toEqual({ code: run.code, stdout: run.stdout.split('\n').slice(1) });
  });

  test('GIVEN a MigrationPlan WHEN preflight runs THEN it is refused in one sentence with exit 2', async () => {
    // GIVEN / WHEN
    const run = await cli(['preflight', '-c', 'examples/postgresql-and-redis/migration.yaml', '--kubeconfig', m.kubeconfig()]);

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: examples/postgresql-and-redis/migration.yaml: kind: preflight checks a new install; expected a "FreshInstallPlan", got "MigrationPlan" (diff and status compare a migration with the cluster).\n');
  });
});

describe('a fresh install on the real API server, forward and back', () => {
  const m = useRealMigration({ extraObjects: [...rosaCluster(), AWS_AUTH], plan: PLAN, tempPrefix: 'e2e-real-fresh', engine: 'argocd-controller', namespaces: NAMESPACES });
  const diff = (phase: string) => diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', phase]);

  /** preflight after a step: every check still passes (what the install adds never fails them). */
  async function expectPreflightPasses(step: string): Promise<void> {
    const run = await preflight(m.kubeconfig(), true);
    expect({ step, code: run.code, stderr: run.stderr, checks: checksOf(run) }).toEqual({ step, code: 0, stderr: '', checks: ['storage true', 'nodes true', 'resources true', 'routes true', 'secrets true'] });
  }

  test('GIVEN the ROSA cluster the example was written for WHEN preflight runs THEN every check passes and it exits 0, as on the fake server', async () => {
    // WHEN
    const run = await preflight(m.kubeconfig(), true);

    // THEN
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(checksOf(run)).toEqual(['storage true', 'nodes true', 'resources true', 'routes true', 'secrets true']);
    // AND no value of the Secret reached the output
    expect(run.stdout).not.toContain((AWS_AUTH.data as Record<string, string>).AWS_BUCKET);
    // AND the fake server holding the same objects agrees on every check and its message
    const fake = await preflightOnFake([...rosaCluster(), AWS_AUTH], true);
    const messages = (r: CliRun) => (JSON.parse(r.stdout) as PreflightReport).checks;
    expect({ code: fake.code, checks: messages(fake) }).toEqual({ code: run.code, checks: messages(run) });
  });

  test('GIVEN the empty cluster WHEN each phase folder is applied and its Jobs succeed THEN diff shows it applied and the next pending, status agrees, preflight still passes', async () => {
    // GIVEN nothing applied: everything is pending (a later phase cannot start before an earlier one)
    const before = await diff('preflight');
    expect(before.run.code).toBe(1);
    expect(statuses(before.report)).toEqual({ preflight: 'pending', operator: 'blocked', databases: 'blocked', apimanager: 'blocked', verify: 'blocked' });
    expect(m.result().forward.map((s) => s.phase.definition.id)).toEqual(PHASES);

    for (const [i, id] of PHASES.entries()) {
      // WHEN the engine applies the folder (its Jobs in progress meanwhile) and its Jobs succeed
      const { state, run, report, notInSync } = await applyPhaseWatchingDiff(m, id);

      // THEN the folder is in sync, this phase is the current one, the next one pending
      expect({ id, code: run.code, stderr: run.stderr, inSync: report.inSync, notInSync, current: report.currentPhase }).toEqual({ id, code: 0, stderr: '', inSync: true, notInSync: [], current: id });
      if (i + 1 < PHASES.length) expect({ id, next: statuses(report)[PHASES[i + 1]!] }).toEqual({ id, next: 'pending' });
      // AND status says the same, exit 0
      const status = await cli(['status', '-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', id]);
      expect({ id, code: status.code, stderr: status.stderr }).toEqual({ id, code: 0, stderr: '' });
      expect(status.stdout).toContain(state.folder);
      // AND preflight still passes on the cluster the install is changing
      await expectPreflightPasses(id);
    }

    // AND the APIManager the server stores has every database external
    const apim = await apiRequest(adminEndpoint(m.server()), { method: 'GET', path: '/apis/apps.3scale.net/v1alpha1/namespaces/3scale/apimanagers/apimanager' });
    expect((apim.body as { spec: unknown }).spec).toMatchObject({ externalComponents: { system: { database: true, redis: true }, backend: { redis: true } } });
    expect(leakedInTranscript()).toEqual([]);
  }, FLOW_TIMEOUT_MS);

  test('GIVEN the install applied WHEN rollback/apimanager is applied and its Job deletes the APIManager THEN diff of that folder goes from job-running to in sync', async () => {
    // WHEN the engine applies the rollback folder (it creates the Job, which has not ended yet)
    const undo = await m.applyRollbackFolder('apimanager');
    const before = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'rollback/apimanager']);
    // AND its Job deletes the APIManager, as kube/delete-objects.sh does, and succeeds
    const admin = adminEndpoint(m.server());
    await deleteObject(admin, '/apis/apps.3scale.net/v1alpha1/namespaces/3scale/apimanagers/apimanager');
    await m.runJobs(jobsOf(undo));
    const after = await diffJson(['-c', m.planPath(), '--kubeconfig', m.kubeconfig(), '--phase', 'rollback/apimanager']);

    // THEN while the Job ran the folder was not in sync; after, it is, and no APIManager is left
    expect(before.run.code).toBe(1);
    expect(before.report.objects.find((o) => o.ref.kind === 'Job')?.verdict).toBe('job-running');
    expect({ code: after.run.code, inSync: after.report.inSync, target: after.report.target }).toEqual({ code: 0, inSync: true, target: 'rollback/03-apimanager' });
    expect(after.report.objects.some((o) => o.ref.kind === 'APIManager')).toBe(false);
    expect((await apiRequest(admin, { method: 'GET', path: '/apis/apps.3scale.net/v1alpha1/namespaces/3scale/apimanagers/apimanager' })).status).toBe(404);
    // AND preflight passes again on the cluster without the APIManager
    await expectPreflightPasses('rollback/apimanager');
    expect(leakedInTranscript()).toEqual([]);
  }, FLOW_TIMEOUT_MS);
});
