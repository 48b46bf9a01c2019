/**
 * Specification of charts/scripts/kube/restore-secrets.sh (rollback of the cut-over), run with bash and the
 * built kubectl against the real API server of the tests holding the 3scale 2.15 PostgreSQL install, after the
 * cut-over Job of examples/postgresql-and-redis rewrote the connection Secrets; each Job runs under a token of
 * the ServiceAccount its chart renders, so the server's RBAC decides every request as on a cluster.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { EXAMPLE_PLANS, renderedKubeJob, type RenderedKubeJob } from '../support/fake-api-kubectl.js';
import { leakedSecrets, loadLiveFixture } from '../support/live-fixtures.js';
import { useRealKubeScriptSuite } from '../support/real-api/kube-script-cluster.js';

const NS = '3scale';
const SECRETS = ['backend-redis', 'system-database', 'system-redis'] as const;

describe('kube/restore-secrets.sh on the real API server, under the Job\'s ServiceAccount', () => {
  let restore: RenderedKubeJob;
  let rewrite: RenderedKubeJob;
  let fixture: KubeObject[];
  const cluster = useRealKubeScriptSuite('postgresql', [NS, '3scale-db'], () => [restore, rewrite], {
    setup: async () => {
      [restore, rewrite] = await Promise.all([
        renderedKubeJob(EXAMPLE_PLANS.postgresql, 'restore-connection-secrets'),
        renderedKubeJob(EXAMPLE_PLANS.postgresql, 'rewrite-connection-secrets'),
      ]);
      fixture = await loadLiveFixture('postgresql');
    },
  });

  const secret = (name: string): Promise<KubeObject | undefined> => cluster().get('v1', 'Secret', NS, name);
  const data = async (name: string): Promise<Record<string, string> | undefined> => (await secret(name))?.data as Record<string, string> | undefined;
  const original = (name: string): Record<string, string> => fixture.find((o) => o.kind === 'Secret' && o.metadata.name === name)!.data as Record<string, string>;
  const evidence = async (step: string): Promise<Record<string, string>> => {
    const cm = await cluster().get('v1', 'ConfigMap', NS, 'threescale-migrate-evidence');
    return Object.fromEntries(Object.entries((cm?.data ?? {}) as Record<string, string>).filter(([k]) => k.startsWith(`${step}.`)));
  };
  const versions = async (): Promise<unknown[]> => Promise.all(SECRETS.map(async (n) => (await secret(n))!.metadata.resourceVersion));

  async function cutOver(): Promise<void> {
    const r = await cluster().run({}, rewrite);
    expect(r.code, r.stderr).toBe(0);
    for (const name of SECRETS) expect(await data(name)).not.toEqual(original(name));
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
    const r = await cluster().run({}, restore);
    // THEN every Secret holds its pre-migration data again, byte for byte, and the backups stay
    expect(r.code).toBe(0);
    for (const name of SECRETS) {
      expect(r.stderr).toContain(`restored Secret ${name} from ${name}-pre-migration`);
      expect(await data(name)).toEqual(original(name));
      expect(await data(`${name}-pre-migration`)).toEqual(original(name));
    }
  });

  it('also drops keys added after the cut-over, and a rerun changes nothing', async () => {
    // GIVEN a cut-over, after which someone added a key to system-database
    await cutOver();
    const s = (await secret('system-database'))!;
    await cluster().put({ ...s, data: { ...(s.data as Record<string, string>), EXTRA: Buffer.from('added later').toString('base64') } });
    // WHEN the rollback runs twice
    const first = await cluster().run({}, restore);
    const before = await versions();
    const second = await cluster().run({}, restore);
    // THEN the data is exactly the original, and the second run wrote nothing new
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(await data('system-database')).toEqual(original('system-database'));
    expect(await versions()).toEqual(before);
  });

  it('fails clearly when a backup is missing, before touching that Secret', async () => {
    // GIVEN a cluster where the cut-over never ran (no <name>-pre-migration Secrets)
    // WHEN the rollback Job runs
    const r = await cluster().run({}, restore);
    // THEN it fails naming the missing backup, and the Secrets are unchanged
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ERROR: backup Secret 3scale/backend-redis-pre-migration is missing; the cut-over never ran or the backup was deleted');
    for (const name of SECRETS) expect(await data(name)).toEqual(original(name));
    expect(await evidence('restore-connection-secrets')).toEqual({});
  });

  it('records evidence: phase Succeeded, a checksum of the Secret names, the time and a summary', async () => {
    // GIVEN a completed cut-over
    await cutOver();
    // WHEN the rollback runs
    expect((await cluster().run({}, restore)).code).toBe(0);
    // THEN the evidence ConfigMap holds the step's four keys next to the cut-over's
    expect(await evidence('restore-connection-secrets')).toEqual({
      'restore-connection-secrets.phase': 'Succeeded',
      'restore-connection-secrets.inputsChecksum': expect.stringMatching(/^[0-9a-f]{64}$/),
      'restore-connection-secrets.finishedAt': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      'restore-connection-secrets.result': `restored ${SECRETS.join(' ')}`,
    });
    expect((await evidence('rewrite-connection-secrets'))['rewrite-connection-secrets.phase']).toBe('Succeeded');
  });

  it('prints no secret value, plain or base64, and succeeds under the token of the ServiceAccount the chart renders', async () => {
    // GIVEN a completed cut-over
    await cutOver();
    // WHEN the rollback runs with the Job's token (the server's RBAC decides every request)
    const r = await cluster().run({}, restore);
    // THEN it succeeds and its output carries no secret
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(leakedSecrets(r.stdout + r.stderr)).toEqual([]);
  });
});
