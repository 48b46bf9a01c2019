/**
 * A fleet of three clusters end to end, on three real API servers (started one after the other): dev holds a
 * PostgreSQL 2.15 install, prod-eu a MySQL one kept in place, prod-us a PostgreSQL one moved to managed targets
 * (RDS, ElastiCache) with its credentials Secret. `discover --fleet` reads the three contexts, `synth --fleet`
 * renders one tree per cluster and the management cluster's wiring, every move is `promote --fleet` and what the
 * engine then applies is the folder the moved pointer names. Wave dev walks to verify; wave prod is held at the
 * maintenance window's opening by the gate until then; prod-eu is rolled back while dev and prod-us are untouched;
 * a stopped server is one row of `status --fleet`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { checkEngine, fluxCrdFiles, kustomizeControllerBinary } from '../support/gitops-engines.js';
import { loadLiveFixture } from '../support/live-fixtures.js';
import { runKubectl } from '../support/real-api/index.js';
import { cli, leakedInTranscript, tempDir } from './harness.js';
import { pointedAt, resourceVersions, syncCluster, useFleetServers } from './fleet-flow.js';

const REPO_URL = 'https://git.example.com/platform/threescale-fleet.git';
const ENGINE = 'argocd-controller';
const FORWARD = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify'];
/** Three servers and some hundred kubectl and CLI runs on a loaded 2-core machine: minutes, not a timing target. */
const FLOW_TIMEOUT_MS = 600_000;

/** Flux's CRDs come with the kustomize-controller build (npm run test:servers); CI fails without them. */
const fluxBuild = checkEngine('kustomize-controller (its Flux CRDs)', kustomizeControllerBinary());

const credentials: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'aws-credentials' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'rds-system-credentials', namespace: 'aws-credentials' }, type: 'Opaque', data: { username: Buffer.from('rdsadmin').toString('base64'), password: Buffer.from('FakeRdsPw-test-only').toString('base64') } },
];

describe('a fleet of three clusters on three real API servers', () => {
  const tmp = tempDir('e2e-fleet');
  afterAll(() => tmp.remove());
  const repo = join(tmp.dir, 'repo');
  const out = join(repo, 'out');
  const fleetFile = join(repo, 'fleet.yaml');
  const fleet = useFleetServers(
    [
      // dev is also the management cluster here: it serves the Flux kinds the rendered wiring is checked against.
      { name: 'dev', objects: () => loadLiveFixture('postgresql'), crdFiles: fluxCrdFiles() },
      { name: 'prod-eu', objects: () => loadLiveFixture('mysql') },
      { name: 'prod-us', objects: async () => [...(await loadLiveFixture('postgresql')), ...credentials] },
    ],
    () => tmp.dir,
  );
  const plan = (cluster: string) => join(repo, 'clusters', cluster, 'migration.yaml');
  const kube = () => ['--kubeconfig', fleet.kubeconfig()];
  const promote = (cluster: string, to: string) => cli(['promote', '--fleet', fleetFile, '--cluster', cluster, '--to', to, '--out', out, ...kube()]);
  const sync = (cluster: string) => syncCluster(fleet.server(cluster), plan(cluster), join(out, cluster), ENGINE);
  const fleetStatus = async () => {
    const run = await cli(['status', '--fleet', fleetFile, '--dir', out, '-o', 'json', ...kube()]);
    return { run, status: JSON.parse(run.stdout) as { clusters: { name: string; reachable: boolean; target?: string; next?: string; window?: string; error?: string; phases?: { id: string; status: string }[] }[]; gates: { wave: string; open: boolean; heldBy: string | null; reason: string }[] } };
  };
  const phaseStatus = (s: Awaited<ReturnType<typeof fleetStatus>>['status'], cluster: string) =>
    Object.fromEntries((s.clusters.find((c) => c.name === cluster)?.phases ?? []).map((p) => [p.id, p.status]));

  test('GIVEN three contexts WHEN discover --fleet reads them THEN one plan per cluster and a fleet file with the waves are written, and a second run is refused', async () => {
    execFileSync('git', ['init', '-q', repo]);
    const run = await cli(['discover', '--fleet', ...kube(), '--wave', 'dev=dev', '--wave', 'prod=prod-eu,prod-us', '--name', 'threescale', '--out', repo]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const written = parse(readFileSync(fleetFile, 'utf8'));
    expect(written.spec.waves).toEqual([
      { name: 'dev', clusters: ['dev'] },
      { name: 'prod', clusters: ['prod-eu', 'prod-us'] },
    ]);
    expect(written.spec.clusters.map((c: { name: string; argocd: { server: string } }) => [c.name, c.argocd.server])).toEqual(['dev', 'prod-eu', 'prod-us'].map((n) => [n, fleet.server(n).url]));
    expect(parse(readFileSync(plan('prod-eu'), 'utf8')).spec.systemDatabase).toMatchObject({ kind: 'mysql', strategy: 'keep-in-place' });
    expect(parse(readFileSync(plan('dev'), 'utf8')).spec.systemDatabase).toMatchObject({ kind: 'postgresql' });
    // AND a second run would overwrite edits: refused, exit 2, nothing changed
    const again = await cli(['discover', '--fleet', ...kube(), '--out', repo]);
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 2, stderr: `error: ${fleetFile}: exists and may hold edits; expected a path that does not exist yet, or --force to overwrite it.\n` });
    // WHEN the user names the repository in each plan and moves prod-us to managed targets
    for (const c of ['dev', 'prod-eu', 'prod-us']) {
      const p = parse(readFileSync(plan(c), 'utf8'));
      p.spec.gitops = { ...p.spec.gitops, repoURL: REPO_URL };
      if (c === 'prod-us') {
        p.spec.systemDatabase = { kind: 'postgresql', strategy: 'managed', managed: { host: 'threescale-system.c9akciq32.eu-west-1.rds.amazonaws.com', credentials: { secretName: 'rds-system-credentials', namespace: 'aws-credentials' } } };
        p.spec.backendRedis = { strategy: 'managed', managed: { host: 'threescale-backend.x1y2z3.ng.0001.euw1.cache.amazonaws.com' } };
      }
      writeFileSync(plan(c), stringify(p));
    }
  });

  test('GIVEN the fleet WHEN synth --fleet renders Argo CD and Flux wiring THEN one pointer per cluster, aimed at it, valid against the engines\' schemas and the real Flux CRDs', async () => {
    const flux = join(repo, 'out-flux');
    for (const [engine, dir] of [['flux', flux], ['argocd', out]] as const) {
      const run = await cli(['synth', '--fleet', fleetFile, '--out', dir, '--gitops', engine]);
      expect({ engine, code: run.code, stderr: run.stderr }).toEqual({ engine, code: 0, stderr: '' });
      // THEN the management cluster's root builds with the real kustomize of kubectl: one pointer per cluster
      const built = await runKubectl(fleet.server('dev').kubectl, fleet.kubeconfig(), ['kustomize', join(dir, 'fleet')]);
      expect(built.code).toBe(0);
      const objects = parseAllDocuments(built.stdout).map((d) => d.toJS() as KubeObject & { spec: Record<string, unknown> });
      const pointers = objects.filter((o) => o.kind === (engine === 'argocd' ? 'Application' : 'Kustomization'));
      expect(pointers.map((p) => p.metadata.name)).toEqual(['dev-migration', 'prod-eu-migration', 'prod-us-migration']);
      for (const o of objects) expect({ object: `${o.kind}/${o.metadata.name}`, issues: validateManifest(o) }).toEqual({ object: `${o.kind}/${o.metadata.name}`, issues: [] });
      if (engine === 'argocd') {
        expect(pointers.map((p) => p.spec.destination)).toEqual(['dev', 'prod-eu', 'prod-us'].map((n) => ({ server: fleet.server(n).url, namespace: '3scale' })));
        expect(pointers.map((p) => (p.spec.source as { path: string }).path)).toEqual(['out/dev/00-preflight', 'out/prod-eu/00-preflight', 'out/prod-us/00-preflight']);
      } else {
        expect(pointers.map((p) => p.spec.kubeConfig)).toEqual(['dev', 'prod-eu', 'prod-us'].map((n) => ({ secretRef: { name: `${n}-kubeconfig` } })));
        // AND the real API server, serving Flux's own CRDs, accepts every object (server-side dry run)
        if (fluxBuild.skip) continue;
        fluxBuild.require();
        await runKubectl(fleet.server('dev').kubectl, fleet.kubeconfig(), ['--context', 'dev', 'create', 'namespace', 'flux-system']);
        const dryRun = await runKubectl(fleet.server('dev').kubectl, fleet.kubeconfig(), ['--context', 'dev', 'apply', '--server-side', '--dry-run=server', '-k', join(dir, 'fleet')]);
        expect({ code: dryRun.code, stderr: dryRun.stderr }).toEqual({ code: 0, stderr: '' });
      }
    }
  });

  test('GIVEN wave prod before the window WHEN prod-eu is promoted to prepare THEN it moves; WHEN to scale-down THEN the gate refuses, naming the wave and dev', async () => {
    await sync('prod-eu');
    const prepare = await promote('prod-eu', 'prepare');
    expect({ code: prepare.code, first: prepare.stdout.split('\n')[0] }).toEqual({ code: 0, first: 'promoted: prepare: 00-preflight and every phase before it are applied.' });
    expect(pointedAt(join(out, 'prod-eu'), 'argocd')).toBe('01-prepare');
    await sync('prod-eu');
    // WHEN the window's opening is asked for while dev has not passed verify
    const held = await promote('prod-eu', 'scale-down');
    // THEN refused, exit 1, one sentence naming the held wave and the cluster that holds it; the pointer stays
    expect({ code: held.code, stdout: held.stdout }).toEqual({
      code: 1,
      stdout: 'refused: not moving to scale-down: wave prod is held: cluster dev of wave dev has not passed 07-verify (it is blocked), and scale-down opens the maintenance window.\n',
    });
    expect(pointedAt(join(out, 'prod-eu'), 'argocd')).toBe('01-prepare');
    // AND a pull request's check (--check) is refused the same way
    const check = await cli(['promote', '--fleet', fleetFile, '--cluster', 'prod-eu', '--to', 'scale-down', '--out', out, '--check', ...kube()]);
    expect({ code: check.code, stdout: check.stdout }).toEqual({ code: 1, stdout: held.stdout });
    // AND status --fleet says the same in its gates, and that no window is open
    const table = await cli(['status', '--fleet', fleetFile, '--dir', out, ...kube()]);
    expect(table.stdout).toContain('\n  prod-eu  01-prepare is in sync; do not promote to scale-down yet: wave prod is held: cluster dev of wave dev has not passed 07-verify (it is blocked), and 02-scale-down opens the maintenance window\n');
    expect(table.stdout.split('\n').slice(-3)).toEqual(['gates:', '  held: wave prod is held: cluster dev of wave dev has not passed 07-verify (it is blocked)', '']);
    expect(table.stdout.split('\n').slice(1, 4).map((l) => l.split(/ +/).at(-1))).toEqual(['closed', 'closed', 'closed']);
  });

  test('GIVEN wave dev WHEN each phase is promoted and synced to verify THEN status --fleet shows dev applied and the gate of wave prod opens', async () => {
    for (const [i, id] of FORWARD.entries()) {
      if (i > 0) {
        const run = await promote('dev', id);
        expect({ id, code: run.code, stderr: run.stderr }).toEqual({ id, code: 0, stderr: '' });
      }
      await sync('dev');
      if (id === 'scale-up') {
        // The gate still holds while dev is between the window's close and verify.
        expect((await promote('prod-eu', 'scale-down')).code).toBe(1);
      }
    }
    const { run, status } = await fleetStatus();
    // THEN exit 1: prod-us's target (00-preflight) was never synced
    expect(run.code).toBe(1);
    // (scale-down is superseded by scale-up: its queue check Job being done does not make its state live)
    expect(phaseStatus(status, 'dev')).toEqual(Object.fromEntries(FORWARD.map((id) => [id, id === 'scale-down' ? 'superseded' : 'applied'])));
    expect(phaseStatus(status, 'prod-us')).toMatchObject({ preflight: 'pending', prepare: 'blocked' });
    expect(status.gates).toEqual([{ wave: 'prod', open: true, heldBy: null, reason: 'wave prod may open its window: every cluster of the waves before it has passed verify' }]);
    // AND the next safe step of prod-eu is now the window's opening, said as the fleet's command
    expect(status.clusters.find((c) => c.name === 'prod-eu')).toMatchObject({
      next: `01-prepare is in sync; promote to scale-down: threescale-migrate promote --fleet ${fleetFile} --cluster prod-eu --to scale-down --out ${out} and commit ${out}/prod-eu/`,
    });
  }, FLOW_TIMEOUT_MS);

  test('GIVEN dev past verify WHEN prod-eu is promoted to scale-down THEN it moves and its window opens', async () => {
    const run = await promote('prod-eu', 'scale-down');
    expect({ code: run.code, first: run.stdout.split('\n')[0] }).toEqual({ code: 0, first: 'promoted: scale-down: 01-prepare and every phase before it are applied.' });
    await sync('prod-eu');
    const { status } = await fleetStatus();
    expect(status.clusters.find((c) => c.name === 'prod-eu')).toMatchObject({ target: '02-scale-down', window: 'open' });
    expect(status.clusters.find((c) => c.name === 'dev')).toMatchObject({ target: '07-verify', window: 'closed' });
  }, FLOW_TIMEOUT_MS);

  test('GIVEN prod-eu in its window WHEN it is rolled back THEN its window closes, and dev and prod-us are not touched', async () => {
    const before = { dev: await resourceVersions(fleet.server('dev'), ['3scale', '3scale-db']), 'prod-us': await resourceVersions(fleet.server('prod-us'), ['3scale', '3scale-db']) };
    const wiring = (c: string) => readFileSync(join(out, c, 'gitops/argocd/application.yaml'), 'utf8');
    const pointers = { dev: wiring('dev'), 'prod-us': wiring('prod-us') };
    const run = await promote('prod-eu', 'rollback/scale-down');
    expect({ code: run.code, first: run.stdout.split('\n')[0] }).toEqual({ code: 0, first: 'promoted: rollback/scale-down: rollback/02-scale-down undoes 02-scale-down; rollbacks are never held back.' });
    expect(pointedAt(join(out, 'prod-eu'), 'argocd')).toBe('rollback/02-scale-down');
    await sync('prod-eu');
    const { status } = await fleetStatus();
    expect(status.clusters.find((c) => c.name === 'prod-eu')).toMatchObject({ target: 'rollback/02-scale-down', window: 'closed' });
    // THEN the others: not one object written, their pointers unchanged
    expect({ dev: await resourceVersions(fleet.server('dev'), ['3scale', '3scale-db']), 'prod-us': await resourceVersions(fleet.server('prod-us'), ['3scale', '3scale-db']) }).toEqual(before);
    expect({ dev: wiring('dev'), 'prod-us': wiring('prod-us') }).toEqual(pointers);
    // AND the table, as a person reads it
    const table = await cli(['status', '--fleet', fleetFile, '--dir', out, ...kube()]);
    expect(table.stdout.split('\n')[0]).toMatch(/^CLUSTER +WAVE +TARGET +preflight +prepare +scale-down +copy-data +load-redis +cutover +scale-up +verify +WINDOW$/);
    expect(leakedInTranscript()).toEqual([]);
  }, FLOW_TIMEOUT_MS);

  test('GIVEN prod-us\'s server stopped WHEN status --fleet reads the fleet THEN prod-us is one row saying so, the others are read, exit 2', async () => {
    await fleet.stop('prod-us');
    const { run, status } = await fleetStatus();
    expect(run.code).toBe(2);
    // AND, as diff, one sentence on stderr says which cluster could not be read and why
    const [sentence, rest] = run.stderr.split(' (');
    expect({ sentence, connection: /connection refused/.test(rest ?? ''), end: run.stderr.endsWith("); the other clusters are shown as read, expected every cluster's API server to answer.\n") }).toEqual({ sentence: `error: ${fleetFile}: cluster prod-us could not be read`, connection: true, end: true });
    expect(status.clusters.map((c) => [c.name, c.reachable])).toEqual([
      ['dev', true],
      ['prod-eu', true],
      ['prod-us', false],
    ]);
    const text = await cli(['status', '--fleet', fleetFile, '--dir', out, '--cluster-timeout', '20', ...kube()]);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/\nprod-us +prod +unreachable: /);
  }, FLOW_TIMEOUT_MS);
});
