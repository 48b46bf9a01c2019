/**
 * End to end, a fresh 3scale 2.16 install of examples/fresh-install-rosa through the real CLI against the
 * loopback API server holding a ROSA-shaped cluster: `preflight` passes there and fails on the field
 * report's cluster; `diff` follows the install phase by phase as a GitOps engine applies the folders and
 * the Jobs record their evidence; a rollback folder undoes its phase.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { PreflightReport } from '../../src/preflight/run-preflight.js';
import { startFakeApiServer, type FakeApiServer } from '../support/fake-api-server.js';
import { node, rosaCluster, route } from '../support/fresh-install-cluster.js';
import { freshInstallExamplePath } from '../support/plans.js';
import { cli, diffJson, FakeCluster, forwardState, rollbackState, statuses, synthesized } from './harness.js';

const PLAN = freshInstallExamplePath('fresh-install-rosa');
const DOMAIN = 'apps.rosa-prod.x7k2.p1.openshiftapps.com';
/** The S3 settings Secret the ROSA plan names; created by the user (its values never reach this tool). */
const AWS_AUTH: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'aws-auth', namespace: '3scale' },
  type: 'Opaque',
  data: { AWS_BUCKET: Buffer.from('rosa-prod-3scale').toString('base64'), AWS_REGION: Buffer.from('us-east-1').toString('base64'), AWS_ROLE_ARN: Buffer.from('arn:aws:iam::000000000000:role/3scale').toString('base64') },
};

const servers: FakeApiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function cluster(objects: readonly KubeObject[]): Promise<{ cluster: FakeCluster; kubeconfig: string }> {
  const api = await startFakeApiServer({ objects });
  servers.push(api);
  return { cluster: new FakeCluster(api), kubeconfig: api.kubeconfigPath('3scale') };
}

describe('preflight', () => {
  test('GIVEN the ROSA cluster the example was written for WHEN preflight runs THEN every check passes and it exits 0', async () => {
    // GIVEN
    const { kubeconfig } = await cluster([...rosaCluster(), AWS_AUTH]);

    // WHEN
    const run = await cli(['preflight', '-c', PLAN, '--kubeconfig', kubeconfig, '-o', 'json']);

    // THEN
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as PreflightReport;
    expect(report.checks.map((c) => `${c.id} ${c.ok}`)).toEqual(['storage true', 'nodes true', 'resources true', 'routes true', 'secrets true']);
    // AND no value of the Secret reached the output
    expect(run.stdout).not.toContain((AWS_AUTH.data as Record<string, string>).AWS_BUCKET);
  });

  test('GIVEN the field report\'s cluster (a hand-made admin Route, arm64 workers, no S3 Secret) WHEN preflight runs THEN it names each failure and exits 1', async () => {
    // GIVEN
    const objects = [
      ...rosaCluster().filter((o) => o.kind !== 'Node'),
      node('worker-a', { arch: 'arm64' }),
      node('worker-b'),
      route('3scale-backup', 'system-admin', `3scale-admin.${DOMAIN}`, 'system-provider'),
    ];
    const { kubeconfig } = await cluster(objects);

    // WHEN
    const run = await cli(['preflight', '-c', PLAN, '--kubeconfig', kubeconfig]);

    // THEN
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAILED nodes: worker-a is arm64, but spec.images.architectures lists amd64');
    expect(run.stdout).toContain(`FAILED routes: 3scale-admin.${DOMAIN} (admin portal) is held by Route 3scale-backup/system-admin`);
    expect(run.stdout).toContain('FAILED secrets: Secret 3scale/aws-auth does not exist');
    expect(run.stdout).toContain('ok     storage: postgresql-data-external ReadWriteOnce on gp3 (ebs.csi.aws.com)');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('fix the failed checks before applying anything');
  });

  test('GIVEN a MigrationPlan WHEN preflight runs THEN it is refused in one sentence with exit 2', async () => {
    // GIVEN / WHEN
    const run = await cli(['preflight', '-c', 'examples/postgresql-and-redis/migration.yaml']);

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: examples/postgresql-and-redis/migration.yaml: kind: preflight checks a new install; expected a "FreshInstallPlan", got "MigrationPlan" (diff and status compare a migration with the cluster).\n');
  });
});

describe('diff and status through the install', () => {
  test('GIVEN an empty ROSA cluster WHEN each phase folder is applied and its Jobs succeed THEN diff shows that phase applied and the next pending', async () => {
    // GIVEN
    const { result } = await synthesized(PLAN);
    const { cluster: c, kubeconfig } = await cluster([...rosaCluster(), AWS_AUTH]);
    const ids = result.forward.map((s) => s.phase.definition.id);
    expect(ids).toEqual(['preflight', 'operator', 'databases', 'apimanager', 'verify']);

    // WHEN nothing is applied
    const before = await diffJson(['-c', PLAN, '--kubeconfig', kubeconfig, '--phase', 'preflight']);

    // THEN everything is pending (a later phase cannot start before an earlier one)
    expect(before.run.code).toBe(1);
    expect(statuses(before.report)).toEqual({ preflight: 'pending', operator: 'blocked', databases: 'blocked', apimanager: 'blocked', verify: 'blocked' });

    for (const [i, id] of ids.entries()) {
      // WHEN the GitOps engine applies the phase folder and its Jobs record success
      const state = forwardState(result, id);
      await c.applyState(state);
      await c.runJobs(state);
      const { run, report } = await diffJson(['-c', PLAN, '--kubeconfig', kubeconfig, '--phase', id]);

      // THEN the folder is in sync, this phase is the current one, the next one pending
      expect({ id, code: run.code, inSync: report.inSync }).toEqual({ id, code: 0, inSync: true });
      expect(report.currentPhase).toBe(id);
      if (i + 1 < ids.length) expect(statuses(report)[ids[i + 1]!]).toBe('pending');
    }

    // AND the APIManager live has every database external
    expect(c.get('apps.3scale.net/v1alpha1', 'APIManager', '3scale', 'apimanager')?.spec).toMatchObject({ externalComponents: { system: { database: true, redis: true }, backend: { redis: true } } });
    // AND status says the install is done
    const status = await cli(['status', '-c', PLAN, '--kubeconfig', kubeconfig, '--phase', 'verify']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('04-verify');
  });

  test('GIVEN the install through the APIManager phase WHEN rollback/apimanager is applied and its Job deletes the APIManager THEN diff of that folder is in sync', async () => {
    // GIVEN
    const { result } = await synthesized(PLAN);
    const { cluster: c, kubeconfig } = await cluster([...rosaCluster(), AWS_AUTH]);
    for (const id of ['preflight', 'operator', 'databases', 'apimanager']) {
      await c.applyState(forwardState(result, id));
      await c.runJobs(forwardState(result, id));
    }

    // WHEN the rollback folder is applied and its Job runs (it deletes the APIManager, as kube/delete-objects.sh does)
    const undo = rollbackState(result, 'apimanager');
    await c.applyState(undo);
    const before = await diffJson(['-c', PLAN, '--kubeconfig', kubeconfig, '--phase', 'rollback/apimanager']);
    await c.delete('apps.3scale.net/v1alpha1', 'APIManager', '3scale', 'apimanager');
    await c.runJobs(undo);
    const after = await diffJson(['-c', PLAN, '--kubeconfig', kubeconfig, '--phase', 'rollback/apimanager']);

    // THEN before the Job ran the folder was not in sync (its Job had not run); after, it is
    expect(before.run.code).toBe(1);
    expect(before.report.objects.find((o) => o.ref.kind === 'Job')?.verdict).toBe('job-not-run');
    expect({ code: after.run.code, inSync: after.report.inSync, target: after.report.target }).toEqual({ code: 0, inSync: true, target: 'rollback/03-apimanager' });
    expect(after.report.objects.some((o) => o.ref.kind === 'APIManager')).toBe(false);
  });
});
