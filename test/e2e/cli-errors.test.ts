/**
 * End to end, every error a user can cause: exit code 2, one line on stderr, no stack trace, and a message
 * that names the flag, file, object or server (and the HTTP status when there was an answer).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { startFakeApiServer } from '../support/fake-api-server.js';
import type { FakeApiServer, FaultRule } from '../support/fake-api-server.js';
import { loadLiveFixture } from '../support/live-fixtures.js';
import { type CliRun, cli, leakedInTranscript, tempDir } from './harness.js';

let fixture: KubeObject[];
let api: FakeApiServer;
let kubeconfig: string;
let tmp: ReturnType<typeof tempDir>;
let planPath: string;
const extraServers: FakeApiServer[] = [];

beforeAll(async () => {
  fixture = await loadLiveFixture('postgresql');
  api = await startFakeApiServer({ objects: fixture });
  kubeconfig = api.kubeconfigPath('3scale');
  tmp = tempDir('e2e-errors');
  planPath = join(tmp.dir, 'migration.yaml');
  const run = await cli(['discover', '--kubeconfig', kubeconfig, '-n', '3scale', '--out', planPath]);
  if (run.code !== 0) throw new Error(`discover failed: ${run.stderr}`);
});

afterEach(async () => {
  api.clearFaults();
  await Promise.all(extraServers.splice(0).map((s) => s.close()));
  // No fake secret of the fixture ever reaches stdout or stderr, on any error path either.
  expect(leakedInTranscript()).toEqual([]);
});

afterAll(async () => {
  await api?.close();
  tmp?.remove();
});

/** Exit code 2, exactly one line on stderr starting with `error: `, no stack trace. */
function expectUserError(run: CliRun): string {
  expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 2 });
  expect(run.stderr).toMatch(/^error: [^\n]+\n$/);
  expect(run.stderr).not.toMatch(/\bat .+:\d+:\d+|Error:|node:internal|UserError|LiveReadError/);
  return run.stderr.trimEnd();
}

/** A port on 127.0.0.1 nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A plan file with a change made to its text. */
function planWith(name: string, change: (text: string) => string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, change(readFileSync(planPath, 'utf8')));
  return path;
}

describe('flags and plan files', () => {
  const cases: { name: string; args: () => string[]; message: RegExp }[] = [
    { name: 'unknown flag', args: () => ['diff', '-c', planPath, '--bogus'], message: /^error: unknown option '--bogus'$/ },
    { name: 'unknown command, with its suggestion on the same line', args: () => ['difff', '-c', planPath], message: /^error: unknown command 'difff' \(Did you mean diff\?\)$/ },
    { name: 'bad -o value', args: () => ['diff', '-c', planPath, '-o', 'yaml'], message: /'-o, --output <format>' argument 'yaml' is invalid\. Allowed choices are text, json\.$/ },
    { name: 'bad --request-timeout value', args: () => ['diff', '-c', planPath, '--request-timeout', 'soon'], message: /'--request-timeout <seconds>' argument 'soon' is invalid\. expected a positive number of seconds\.$/ },
    { name: 'missing -c on diff', args: () => ['diff', '--kubeconfig', kubeconfig], message: /^error: required option '-c, --config <file>' not specified$/ },
    { name: 'missing -c on status', args: () => ['status'], message: /required option '-c, --config <file>' not specified$/ },
    { name: 'missing -c on synth', args: () => ['synth', '--out', join(tmp.dir, 'never')], message: /required option '-c, --config <file>' not specified$/ },
    { name: 'plan file that does not exist', args: () => ['diff', '-c', join(tmp.dir, 'nope.yaml'), '--kubeconfig', kubeconfig], message: /nope\.yaml: cannot read the plan file \(no such file\)/ },
    {
      name: 'plan file with a negative replica count',
      args: () => ['diff', '-c', planWith('negative.yaml', (t) => t.replace('zync: 1', 'zync: -1')), '--kubeconfig', kubeconfig],
      message: /negative\.yaml: spec\.replicas\.zync: expected a replica count of 0 or more, got -1\.$/,
    },
    {
      name: 'plan file with an unknown key',
      args: () => ['synth', '-c', planWith('unknown-key.yaml', (t) => t.replace('  procedure:', '  colour: blue\n  procedure:')), '--out', join(tmp.dir, 'never')],
      message: /unknown-key\.yaml: .*colour/,
    },
    {
      name: 'plan file that is not YAML',
      args: () => ['status', '-c', planWith('broken.yaml', (t) => t.replace('spec:\n', 'spec: [\n')), '--kubeconfig', kubeconfig],
      message: /broken\.yaml: /,
    },
    {
      name: 'unknown --phase',
      args: () => ['diff', '-c', planPath, '--kubeconfig', kubeconfig, '--phase', 'upgrade'],
      message: /^error: --phase: "upgrade" is not a folder of this plan; expected one of 00-preflight, .*07-verify\.$/,
    },
    {
      name: 'unknown rollback --phase',
      args: () => ['status', '-c', planPath, '--kubeconfig', kubeconfig, '--phase', 'rollback/copy-data'],
      message: /--phase: "rollback\/copy-data" is not a rollback folder of this plan; expected one of rollback\/01-prepare, /,
    },
    { name: 'kubeconfig that does not exist', args: () => ['diff', '-c', planPath, '--kubeconfig', join(tmp.dir, 'no-kubeconfig')], message: /cannot read kubeconfig .*no-kubeconfig: the file does not exist$/ },
    { name: 'unknown --context', args: () => ['diff', '-c', planPath, '--kubeconfig', kubeconfig, '--context', 'prod'], message: /context prod is not defined in kubeconfig / },
    { name: 'unknown discover --procedure', args: () => ['discover', '--kubeconfig', kubeconfig, '--procedure', 'template-2.4-to-2.5'], message: /^error: --procedure: unknown procedure "template-2\.4-to-2\.5"; expected "externalize-on-cluster" \(the default\) or "template-2\.5-to-2\.6"\.$/ },
    {
      name: 'discover --procedure template-2.5-to-2.6 on an operator install',
      args: () => ['discover', '--kubeconfig', kubeconfig, '-n', '3scale', '--procedure', 'template-2.5-to-2.6'],
      message: /: namespace 3scale holds an APIManager, so 3scale there is an operator install; expected a 3scale 2\.5 installed from the amp\.yml template for --procedure template-2\.5-to-2\.6\.$/,
    },
  ];

  test.each(cases)('$name: exit 2, one sentence', async ({ args, message }) => {
    // GIVEN a command line with the mistake
    // WHEN the CLI runs it
    const run = await cli(args());
    // THEN it exits 2 with one sentence naming what is wrong, and prints nothing else
    expect(expectUserError(run)).toMatch(message);
    expect(run.stdout).toBe('');
  });
});

describe('cluster access', () => {
  interface ClusterCase {
    readonly name: string;
    /** Faults on the shared server, or a server of its own. */
    readonly faults?: FaultRule[];
    readonly own?: () => Promise<{ kubeconfig: string }>;
    readonly args?: (kubeconfig: string) => string[];
    readonly message: RegExp;
  }
  const cases: ClusterCase[] = [
    {
      name: '401, wrong token',
      own: async () => ({ kubeconfig: api.kubeconfigPath({ namespace: '3scale', token: 'not-the-token' }) }),
      message: /^error: cannot list .* in namespace 3scale: unauthorized, the cluster rejected the kubeconfig credentials .*\(HTTP 401\)$/,
    },
    {
      name: '403 on the LIST of Deployments',
      faults: [{ method: 'GET', path: '/apis/apps/v1/namespaces/3scale/deployments', status: 403 }],
      message: /^error: cannot list deployments\.apps in namespace 3scale: forbidden \(HTTP 403\)$/,
    },
    {
      name: '403 on the LIST of Deployments, for status',
      faults: [{ method: 'GET', path: '/apis/apps/v1/namespaces/3scale/deployments', status: 403 }],
      args: (kc) => ['status', '-c', planPath, '--kubeconfig', kc],
      message: /^error: cannot list deployments\.apps in namespace 3scale: forbidden \(HTTP 403\)$/,
    },
    {
      name: '403 on the server-side apply dry-run',
      own: async () => {
        // the ConfigMap must exist for a dry-run to be sent
        const state = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'threescale-migrate-state', namespace: '3scale' }, data: {} } as KubeObject;
        const server = await startFakeApiServer({ objects: [...fixture, state], faults: [{ method: 'PATCH', path: '/api/v1/namespaces/3scale/configmaps/threescale-migrate-state', query: { dryRun: 'All' }, status: 403 }] });
        extraServers.push(server);
        return { kubeconfig: server.kubeconfigPath('3scale') };
      },
      message: /^error: cannot apply ConfigMap threescale-migrate-state in namespace 3scale: forbidden \(HTTP 403\)$/,
    },
    {
      name: '404, the APIManager CRD is not served',
      own: async () => {
        const server = await startFakeApiServer({ objects: fixture.filter((o) => o.kind !== 'APIManager'), apis: { omit: ['apps.3scale.net/v1alpha1'] } });
        extraServers.push(server);
        return { kubeconfig: server.kubeconfigPath('3scale') };
      },
      message: /^error: cannot list APIManager objects in namespace 3scale: the cluster does not serve apps\.3scale\.net\/v1alpha1, is the 3scale operator installed\? \(HTTP 404\)$/,
    },
    {
      name: '404, the APIManager CRD is not served, for discover',
      own: async () => {
        const server = await startFakeApiServer({ objects: fixture.filter((o) => o.kind !== 'APIManager'), apis: { omit: ['apps.3scale.net/v1alpha1'] } });
        extraServers.push(server);
        return { kubeconfig: server.kubeconfigPath('3scale') };
      },
      args: (kc) => ['discover', '--kubeconfig', kc, '-n', '3scale', '--out', join(tmp.dir, 'never.yaml')],
      message: /^error: cannot list APIManager objects in namespace 3scale: the cluster does not serve apps\.3scale\.net\/v1alpha1, .*\(HTTP 404\)$/,
    },
    {
      name: '500 on the LIST of ConfigMaps',
      faults: [{ method: 'GET', path: '/api/v1/namespaces/3scale/configmaps', status: 500 }],
      message: /^error: cannot list configmaps in namespace 3scale: the API server failed, Internal error occurred: injected fault \(HTTP 500\)$/,
    },
    {
      name: '403 on the LIST of Deployments, for discover',
      faults: [{ method: 'GET', path: '/apis/apps/v1/namespaces/3scale/deployments', status: 403 }],
      args: (kc) => ['discover', '--kubeconfig', kc, '-n', '3scale'],
      message: /^error: cannot list deployments\.apps in namespace 3scale: forbidden \(HTTP 403\)$/,
    },
    {
      name: 'a LIST that never gets an answer, with --request-timeout 1',
      faults: [{ method: 'GET', path: '/api/v1/namespaces/3scale/configmaps', action: 'hang' }],
      args: (kc) => ['diff', '-c', planPath, '--kubeconfig', kc, '--request-timeout', '1'],
      message: /^error: cannot list configmaps in namespace 3scale: no answer from http:\/\/127\.0\.0\.1:\d+ within 1 s \(timeout\)$/,
    },
    {
      name: 'connection refused',
      own: async () => ({ kubeconfig: api.kubeconfigPath({ namespace: '3scale', server: `http://127.0.0.1:${await closedPort()}` }) }),
      message: /^error: cannot .*: connection refused by http:\/\/127\.0\.0\.1:\d+, is the cluster reachable\?$/,
    },
    {
      name: 'connection refused, for discover',
      own: async () => ({ kubeconfig: api.kubeconfigPath({ namespace: '3scale', server: `http://127.0.0.1:${await closedPort()}` }) }),
      args: (kc) => ['discover', '--kubeconfig', kc],
      message: /^error: cannot .*: connection refused by http:\/\/127\.0\.0\.1:\d+, is the cluster reachable\?$/,
    },
    {
      name: 'discover in a namespace without 3scale',
      own: async () => ({ kubeconfig: api.kubeconfigPath('default') }),
      args: (kc) => ['discover', '--kubeconfig', kc],
      message: /^error: cluster http:\/\/127\.0\.0\.1:\d+: no APIManager in namespace default; expected the 3scale 2\.15 install there/,
    },
  ];

  test.each(cases)('$name: exit 2, one sentence naming the object or server', async ({ faults, own, args, message }) => {
    // GIVEN the cluster (or its absence) answering as the case says
    const kc = own ? (await own()).kubeconfig : kubeconfig;
    for (const f of faults ?? []) if (!own) api.setFault(f);

    // WHEN the CLI reads it
    const run = await cli(args ? args(kc) : ['diff', '-c', planPath, '--kubeconfig', kc]);

    // THEN it exits 2 with one sentence naming the object (and the HTTP status when there was an answer)
    expect(expectUserError(run)).toMatch(message);
  });

  test('a 403 on one LIST still prints the report, with the phases it affects unknown', async () => {
    // GIVEN a service account that may not list Deployments
    api.setFault({ method: 'GET', path: '/apis/apps/v1/namespaces/3scale/deployments', status: 403 });

    // WHEN diff runs with JSON output
    const run = await cli(['diff', '-c', planPath, '--kubeconfig', kubeconfig, '-o', 'json']);

    // THEN the report is on stdout, every phase that sets a Deployment in namespace 3scale is unknown, the exit code 2
    expectUserError(run);
    const report = JSON.parse(run.stdout) as { phases: { id: string; status: string }[] };
    expect(Object.fromEntries(report.phases.map((p) => [p.id, p.status]))).toMatchObject({ preflight: 'pending', prepare: 'blocked', 'scale-down': 'unknown', 'scale-up': 'unknown' });
  });
});
