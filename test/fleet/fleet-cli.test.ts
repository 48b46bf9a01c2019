/**
 * `discover --fleet` over a folder of exports (one per cluster: PostgreSQL, MySQL in place, and a folder holding
 * a PostgreSQL export beside the managed database's credentials), `synth --fleet`, and the refusals of the
 * fleet flags, through the CLI as a user runs it (no cluster: what reads a cluster is in
 * test/e2e/fleet-real-api.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { targetCluster } from '../../src/fleet/fleet-wiring.js';
import { parseFleet } from '../../src/fleet/load-fleet.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { runSynth } from '../../src/synth/run-synth.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { cli, tempDir } from '../e2e/harness.js';
import { LIVE_FIXTURES } from '../support/live-fixtures.js';
import { examplePath } from '../support/plans.js';

const REPO_URL = 'https://git.example.com/platform/threescale-fleet.git';

describe('discover --fleet from a folder of exports, then synth --fleet', () => {
  const tmp = tempDir('fleet-cli');
  afterAll(() => tmp.remove());
  const exports = join(tmp.dir, 'exports');
  const repo = join(tmp.dir, 'repo');
  const fleetFile = join(repo, 'fleet.yaml');
  const plan = (c: string) => join(repo, 'clusters', c, 'migration.yaml');

  beforeAll(() => {
    mkdirSync(join(exports, 'prod-us'), { recursive: true });
    copyFileSync(LIVE_FIXTURES.postgresql, join(exports, 'dev.yaml'));
    copyFileSync(LIVE_FIXTURES.mysql, join(exports, 'prod-eu.yaml'));
    copyFileSync(LIVE_FIXTURES.postgresql, join(exports, 'prod-us', '3scale.yaml'));
    writeFileSync(join(exports, 'prod-us', 'aws-credentials.yaml'), stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'rds-system-credentials', namespace: 'aws-credentials' }, type: 'Opaque' }));
    writeFileSync(join(exports, 'README.txt'), 'not an export\n');
    execFileSync('git', ['init', '-q', repo]);
  });

  test('GIVEN three exports WHEN discover --fleet reads the folder THEN one plan per export, named after it, and a fleet file with one wave per cluster', async () => {
    const run = await cli(['discover', '--fleet', '--live-file', exports, '--out', repo]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout.split('\n').at(-2)).toBe(`wrote ${fleetFile}: 3 clusters; review the waves and how the engines reach each cluster (argocd, flux)`);
    const fleet = parseFleet(readFileSync(fleetFile, 'utf8'), fleetFile).fleet;
    expect(fleet.spec.clusters).toEqual(
      ['dev', 'prod-eu', 'prod-us'].map((name) => ({ name, plan: `clusters/${name}/migration.yaml`, argocd: { name }, flux: { kubeConfig: { secretRef: { name: `${name}-kubeconfig` } } } })),
    );
    expect(fleet.spec.waves).toEqual(['dev', 'prod-eu', 'prod-us'].map((name) => ({ name, clusters: [name] })));
    expect(['dev', 'prod-eu', 'prod-us'].map((c) => [parse(readFileSync(plan(c), 'utf8')).metadata.name, parse(readFileSync(plan(c), 'utf8')).spec.systemDatabase.kind])).toEqual([
      ['dev', 'postgresql'],
      ['prod-eu', 'mysql'],
      ['prod-us', 'postgresql'],
    ]);
  });

  test('GIVEN the fleet written WHEN discover --fleet runs again THEN refused naming the first file, nothing changed; with --force and waves THEN rewritten', async () => {
    const before = readFileSync(fleetFile, 'utf8');
    const again = await cli(['discover', '--fleet', '--live-file', exports, '--out', repo, '--wave', 'dev=dev', '--wave', 'prod=prod-eu,prod-us']);
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 2, stderr: `error: ${fleetFile}: exists and may hold edits; expected a path that does not exist yet, or --force to overwrite it.\n` });
    expect(readFileSync(fleetFile, 'utf8')).toBe(before);
    const forced = await cli(['discover', '--fleet', '--live-file', exports, '--out', repo, '--wave', 'dev=dev', '--wave', 'prod=prod-eu,prod-us', '--name', 'threescale', '--force']);
    expect(forced.code).toBe(0);
    expect(parse(readFileSync(fleetFile, 'utf8')).spec.waves).toEqual([
      { name: 'dev', clusters: ['dev'] },
      { name: 'prod', clusters: ['prod-eu', 'prod-us'] },
    ]);
  });

  test('GIVEN the plans name the repository WHEN synth --fleet --gitops argocd THEN one tree per cluster, its Application aimed at it and valid, and the root lists the three', async () => {
    for (const c of ['dev', 'prod-eu', 'prod-us']) {
      const p = parse(readFileSync(plan(c), 'utf8'));
      p.spec.gitops = { ...p.spec.gitops, repoURL: REPO_URL };
      writeFileSync(plan(c), stringify(p));
    }
    const out = join(repo, 'out');
    const run = await cli(['synth', '--fleet', fleetFile, '--out', out, '--gitops', 'argocd']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    for (const c of ['dev', 'prod-eu', 'prod-us']) {
      const app = parse(readFileSync(join(out, c, 'gitops/argocd/application.yaml'), 'utf8')) as KubeObject & { spec: { destination: unknown; source: { path: string } } };
      expect({ c, destination: app.spec.destination, path: app.spec.source.path, issues: validateManifest(app) }).toEqual({ c, destination: { name: c, namespace: '3scale' }, path: `out/${c}/00-preflight`, issues: [] });
      expect(existsSync(join(out, c, '07-verify', 'kustomization.yaml'))).toBe(true);
    }
    expect(parse(readFileSync(join(out, 'fleet', 'kustomization.yaml'), 'utf8')).resources).toEqual(['../dev/gitops/argocd', '../prod-eu/gitops/argocd', '../prod-us/gitops/argocd']);
  });

  test('GIVEN a cluster promoted WHEN synth --fleet runs again (Flux now) THEN its pointer stays where it was, aimed at the cluster through its kubeconfig Secret', async () => {
    const out = join(repo, 'out');
    const fleet = parseFleet(readFileSync(fleetFile, 'utf8'), fleetFile).fleet;
    // What promote --fleet writes for prod-eu: synth of its plan, the pointer at prepare, aimed at prod-eu.
    await runSynth({ planPath: plan('prod-eu'), outDir: join(out, 'prod-eu'), gitops: 'argocd', targetPhase: 'prepare', wiring: targetCluster(fleet.spec.clusters[1]!, 'argocd', 'fleet.yaml: spec.clusters[1]') });
    const run = await cli(['synth', '--fleet', fleetFile, '--out', out, '--gitops', 'flux']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('cluster prod-eu (wave prod), pointer kept at prepare: ');
    const pointer = parseAllDocuments(readFileSync(join(out, 'prod-eu', 'gitops/flux/kustomization-pointer.yaml'), 'utf8'))[0]!.toJS() as KubeObject & { spec: Record<string, unknown> };
    expect({ path: pointer.spec.path, kubeConfig: pointer.spec.kubeConfig, issues: validateManifest(pointer) }).toEqual({ path: './out/prod-eu/01-prepare', kubeConfig: { secretRef: { name: 'prod-eu-kubeconfig' } }, issues: [] });
    expect(existsSync(join(out, 'prod-eu', 'gitops/argocd'))).toBe(false);
  });

  test.each([
    ['two plans with one name', (f: any) => f, (dir: string) => writeFileSync(join(dir, 'clusters/prod-us/migration.yaml'), readFileSync(join(dir, 'clusters/prod-eu/migration.yaml'), 'utf8').replace('name: prod-eu', 'name: dev')), /clusters\/prod-us\/migration\.yaml: metadata\.name: "dev" is also the name of cluster dev's plan; expected a migration name unique in the fleet \(it names the cluster's pointer in the management cluster\)\.$/],
    ['a cluster without Argo CD access', (f: any) => (delete f.spec.clusters[2].argocd, f), () => {}, /fleet\.yaml: spec\.clusters\[2\]\.argocd: required with --gitops argocd; expected name \(the cluster name registered in Argo CD\) or server\.$/],
  ])('GIVEN %s WHEN synth --fleet THEN refused in one sentence, exit 2, nothing written', async (_name, editFleet, editPlans, message) => {
    const copy = join(tmp.dir, `copy-${_name.replace(/\W+/g, '-')}`);
    execFileSync('cp', ['-r', repo, copy]);
    writeFileSync(join(copy, 'fleet.yaml'), stringify(editFleet(parse(readFileSync(join(copy, 'fleet.yaml'), 'utf8')))));
    editPlans(copy);
    const run = await cli(['synth', '--fleet', join(copy, 'fleet.yaml'), '--out', join(copy, 'fresh'), '--gitops', 'argocd']);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr.trimEnd()).toMatch(message);
    expect(existsSync(join(copy, 'fresh'))).toBe(false);
  });
});

describe('the fleet flags, refused', () => {
  const tmp = tempDir('fleet-flags');
  afterAll(() => tmp.remove());

  test.each([
    ['synth with -c and --fleet', ['synth', '-c', 'p.yaml', '--fleet', 'f.yaml'], "error: --fleet: the plans are the fleet file's; expected either -c <plan> or --fleet <file>, not both."],
    ['synth without -c nor --fleet', ['synth'], "error: required option '-c, --config <file>' not specified"],
    ['status without -c nor --fleet', ['status'], "error: required option '-c, --config <file>' not specified"],
    ['promote without -c nor --fleet', ['promote', '--to', 'prepare'], "error: required option '-c, --config <file>' not specified"],
    ['synth --fleet without an engine', ['synth', '--fleet', 'f.yaml'], 'error: --gitops: with --fleet, expected argocd or flux (the wiring that targets each cluster).'],
    ['synth --fleet with --target-phase', ['synth', '--fleet', 'f.yaml', '--gitops', 'flux', '--target-phase', 'prepare'], "error: --target-phase: not with --fleet; each cluster starts at its plan's spec.gitops.targetPhase and moves with promote --fleet --cluster <name> --to <phase>."],
    ['promote --fleet without --cluster', ['promote', '--fleet', 'f.yaml', '--to', 'prepare'], 'error: --cluster: required with --fleet; expected the name of the cluster whose pointer moves.'],
    ['status --fleet of a missing file', ['status', '--fleet', 'missing-fleet.yaml'], 'error: missing-fleet.yaml: cannot read the fleet file (no such file); expected a readable fleet.yaml.'],
    ['status --fleet --parallel 0', ['status', '--fleet', 'f.yaml', '--parallel', '0'], "error: option '--parallel <n>' argument '0' is invalid. expected a positive whole number."],
    ['discover --fleet to stdout', ['discover', '--fleet', '--live-file', '.'], 'error: --out: with --fleet, expected a folder to write fleet.yaml and one plan per cluster into (not -).'],
  ])('GIVEN %s WHEN run THEN one line, exit 2', async (_name, args, line) => {
    const run = await cli(args);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: `${line}\n` });
  });

  test.each([
    ['a file name that is no cluster name', 'Prod_EU.yaml', (dir: string) => `error: --live-file ${join(dir, 'Prod_EU.yaml')}: "Prod_EU" cannot name a cluster; expected a DNS-1123 label other than "fleet" (lower-case letters, digits and "-"): rename the file or context.`],
    ['a cluster named fleet', 'fleet.yaml', (dir: string) => `error: --live-file ${join(dir, 'fleet.yaml')}: "fleet" cannot name a cluster; expected a DNS-1123 label other than "fleet" (lower-case letters, digits and "-"): rename the file or context.`],
  ])('GIVEN an exports folder with %s WHEN discover --fleet THEN refused before anything is written', async (_name, file, message) => {
    const dir = join(tmp.dir, file.replace('.', '-'));
    mkdirSync(dir);
    copyFileSync(LIVE_FIXTURES.postgresql, join(dir, file));
    const out = join(tmp.dir, `out-${file}`);
    const run = await cli(['discover', '--fleet', '--live-file', dir, '--out', out]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: `${message(dir)}\n` });
    expect(existsSync(out)).toBe(false);
  });

  test('GIVEN --contexts naming a context the kubeconfig lacks WHEN discover --fleet THEN refused naming it and the contexts there are, before any read', async () => {
    const kubeconfig = join(tmp.dir, 'kubeconfig.yaml');
    const cluster = (name: string) => ({ name, cluster: { server: `https://127.0.0.1:1/${name}` } });
    writeFileSync(kubeconfig, stringify({ apiVersion: 'v1', kind: 'Config', clusters: [cluster('a'), cluster('b')], users: [{ name: 'u', user: { token: 't' } }], contexts: ['a', 'b'].map((n) => ({ name: n, context: { cluster: n, user: 'u' } })), 'current-context': 'a' }), { mode: 0o600 });
    const run = await cli(['discover', '--fleet', '--kubeconfig', kubeconfig, '--contexts', 'a,zzz', '--out', join(tmp.dir, 'out-contexts')]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: 'error: --contexts: context zzz is not defined in the kubeconfig; expected one of a, b.\n' });
  });

  test('GIVEN a wave naming no cluster WHEN discover --fleet THEN refused naming the field, nothing written', async () => {
    const dir = join(tmp.dir, 'one');
    mkdirSync(dir);
    copyFileSync(LIVE_FIXTURES.mysql, join(dir, 'dev.yaml'));
    const out = join(tmp.dir, 'out-one');
    const run = await cli(['discover', '--fleet', '--live-file', dir, '--out', out, '--wave', 'dev=dev,qa']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: `error: ${join(out, 'fleet.yaml')}: spec.waves[0].clusters[1]: "qa" is not a cluster of spec.clusters; expected one of dev.\n` });
    expect(existsSync(out)).toBe(false);
  });
});

describe('status --fleet with a cluster that never answers', () => {
  const tmp = tempDir('fleet-hang');
  let server: Server;
  let port = 0;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // Accepts connections and never says a word: the TLS handshake never completes.
    server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    tmp.remove();
  });

  test('GIVEN a context whose server accepts and never answers WHEN status --fleet --cluster-timeout 1 THEN its row says so within the deadline, exit 2', async () => {
    const kubeconfig = join(tmp.dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'mute', cluster: { server: `https://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }], users: [{ name: 'u', user: { token: 't' } }], contexts: [{ name: 'mute', context: { cluster: 'mute', user: 'u' } }], 'current-context': 'mute' }), { mode: 0o600 });
    const fleetFile = join(tmp.dir, 'fleet.yaml');
    writeFileSync(fleetFile, stringify({ apiVersion: 'threescale-migrate.3scale.net/v1alpha1', kind: 'Fleet', metadata: { name: 'f' }, spec: { clusters: [{ name: 'mute', plan: examplePath('postgresql-and-redis') }], waves: [{ name: 'only', clusters: ['mute'] }] } }));
    const run = await cli(['status', '--fleet', fleetFile, '--kubeconfig', kubeconfig, '--cluster-timeout', '1', '--request-timeout', '5']);
    expect(run.code).toBe(2);
    expect(run.stdout.split('\n')[1]).toBe('mute     only  unreachable: no answer within 1 s');
    expect(run.stderr).toBe(`error: ${fleetFile}: cluster mute could not be read (no answer within 1 s); the other clusters are shown as read, expected every cluster's API server to answer.\n`);
  });
});
