/**
 * Specification of charts/scripts/kube/restore-secrets.sh (rollback of the cut-over), run with bash and the
 * real kubectl against the fake API server holding the 3scale 2.15 PostgreSQL install, after the cut-over
 * Job of examples/postgresql-and-redis rewrote the connection Secrets.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { checkKubectl, EXAMPLE_PLANS, evidenceOf, renderedKubeJob, requestsOutsideRole, skipKubectlSuite, useKubeScriptSuite, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { leakedSecrets } from '../support/live-fixtures.js';

const kubectl = checkKubectl();

const NS = '3scale';
const SECRETS = ['backend-redis', 'system-database', 'system-redis'] as const;

describe.skipIf(skipKubectlSuite(kubectl))('kube/restore-secrets.sh', () => {
  let restore: RenderedKubeJob;
  let rewrite: RenderedKubeJob;
  const kube = useKubeScriptSuite(kubectl, 'postgresql', {
    clusterPerTest: [NS, '3scale-db'],
    setup: async () => {
      [restore, rewrite] = await Promise.all([
        renderedKubeJob(EXAMPLE_PLANS.postgresql, 'restore-connection-secrets'),
        renderedKubeJob(EXAMPLE_PLANS.postgresql, 'rewrite-connection-secrets'),
      ]);
    },
  });

  const secret = (name: string): KubeObject | undefined => kube.cluster.api.store.get('v1', 'Secret', NS, name);
  const data = (name: string): Record<string, string> | undefined => secret(name)?.data as Record<string, string> | undefined;
  const original = (name: string): Record<string, string> => kube.fixture.find((o) => o.kind === 'Secret' && o.metadata.name === name)!.data as Record<string, string>;

  async function cutOver(): Promise<void> {
    const r = await kube.cluster.run(rewrite);
    expect(r.code, r.stderr).toBe(0);
    for (const name of SECRETS) expect(data(name)).not.toEqual(original(name));
  }

  it('is rendered for the three connection Secrets of the plan, in the 3scale namespace', () => {
    // GIVEN the PostgreSQL + Redis plan
    // WHEN the rollback of the cutover phase renders the Job
    // THEN it restores exactly the Secrets the cut-over rewrites
    expect(restore).toMatchObject({ namespace: NS, script: 'kube/restore-secrets.sh', env: { NAMESPACE: NS, SECRETS: SECRETS.join(' ') } });
  });

  it('puts back exactly the original data of every Secret after a cut-over', async () => {
    // GIVEN a completed cut-over
    await cutOver();
    // WHEN the rollback Job runs
    const r = await kube.cluster.run(restore);
    // THEN every Secret holds its pre-migration data again, byte for byte, and the backups stay
    expect(r.code).toBe(0);
    for (const name of SECRETS) {
      expect(r.stderr).toContain(`restored Secret ${name} from ${name}-pre-migration`);
      expect(data(name)).toEqual(original(name));
      expect(data(`${name}-pre-migration`)).toEqual(original(name));
    }
  });

  it('also drops keys added after the cut-over, and a rerun changes nothing', async () => {
    // GIVEN a cut-over, after which someone added a key to system-database
    await cutOver();
    const s = secret('system-database')!;
    s.data = { ...(s.data as Record<string, string>), EXTRA: Buffer.from('added later').toString('base64') };
    kube.cluster.api.store.put(s);
    // WHEN the rollback runs twice
    const first = await kube.cluster.run(restore);
    const versions = SECRETS.map((n) => secret(n)!.metadata.resourceVersion);
    const second = await kube.cluster.run(restore);
    // THEN the data is exactly the original, and the second run wrote nothing new
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(data('system-database')).toEqual(original('system-database'));
    expect(SECRETS.map((n) => secret(n)!.metadata.resourceVersion)).toEqual(versions);
  });

  it('fails clearly when a backup is missing, before touching that Secret', async () => {
    // GIVEN a cluster where the cut-over never ran (no <name>-pre-migration Secrets)
    // WHEN the rollback Job runs
    const r = await kube.cluster.run(restore);
    // THEN it fails naming the missing backup, and the Secrets are unchanged
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ERROR: backup Secret 3scale/backend-redis-pre-migration is missing; the cut-over never ran or the backup was deleted');
    for (const name of SECRETS) expect(data(name)).toEqual(original(name));
    expect(evidenceOf(kube.cluster.api, NS, 'restore-connection-secrets')).toEqual({});
  });

  it('records evidence: phase Succeeded, a checksum of the Secret names, the time and a summary', async () => {
    // GIVEN a completed cut-over
    await cutOver();
    // WHEN the rollback runs
    expect((await kube.cluster.run(restore)).code).toBe(0);
    // THEN the evidence ConfigMap holds the step's four keys next to the cut-over's
    expect(evidenceOf(kube.cluster.api, NS, 'restore-connection-secrets')).toEqual({
      'restore-connection-secrets.phase': 'Succeeded',
      'restore-connection-secrets.inputsChecksum': expect.stringMatching(/^[0-9a-f]{64}$/),
      'restore-connection-secrets.finishedAt': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      'restore-connection-secrets.result': `restored ${SECRETS.join(' ')}`,
    });
    expect(evidenceOf(kube.cluster.api, NS, 'rewrite-connection-secrets')['rewrite-connection-secrets.phase']).toBe('Succeeded');
  });

  it('prints no secret value, plain or base64, and makes only requests its Role allows', async () => {
    // GIVEN a completed cut-over
    await cutOver();
    kube.cluster.api.clearRequests();
    // WHEN the rollback runs
    const r = await kube.cluster.run(restore);
    // THEN its output carries no secret, and every resource request is within the rendered Role
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(leakedSecrets(r.stdout + r.stderr)).toEqual([]);
    expect(requestsOutsideRole(kube.cluster.api.requests, restore)).toEqual([]);
  });
});
