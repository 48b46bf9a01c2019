/**
 * Property, end to end through the CLI: whatever the values of the Secrets a run reads, and wherever else
 * those values sit — ConfigMap file content, env values under harmless names, labels, annotations, Job
 * evidence `<step>.result`, Warning Event messages, pod states, pod log lines, object names — no value, nor
 * its base64 or URL-encoded form, appears in what `diff` and `status` print, offline (an export) and live
 * (the loopback API server), as text and as `-o json`, with `--explain`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { longEnough } from '../../src/redact/secret-forms.js';
import { EVIDENCE_CONFIGMAP } from '../../src/status/evidence.js';
import type { FolderState } from '../../src/synth/synthesize.js';
import { startFakeApiServer } from '../support/fake-api-server.js';
import { rosaCluster, route } from '../support/fresh-install-cluster.js';
import { LIVE_FIXTURES, loadLiveFixture } from '../support/live-fixtures.js';
import { freshInstallExamplePath } from '../support/plans.js';
import { cli, type CliRun, forwardState, synthesized, tempDir } from './harness.js';

const MIGRATION_LABEL = 'threescale-migrate.3scale.net/migration';

/** Hostile characters: quotes, escapes, URL and base64 specials, white space, non-ASCII, a control character. */
const HOSTILE = [...'aZ09-_.~ "\'\\/@:%+=#?&`$\t{}[],;é€ß😀\u0007'];
const hostileChar = fc.oneof(fc.constantFrom(...HOSTILE), fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'));
/** One line: what a log line, an Event, a pod state or an evidence record can hold whole. */
const lineSecret = fc
  .array(hostileChar, { minLength: 8, maxLength: 28 })
  .map((cs) => cs.join(''))
  .filter((s) => longEnough(s));
/** Several lines: ConfigMap file content, annotations and env values can hold them. */
const blockSecret = fc.tuple(lineSecret, lineSecret).map(([a, b]) => `${a}\n${b}`);
/** A value Kubernetes accepts as a label value and an object name. */
const nameSecret = fc.stringMatching(/^[a-z0-9]{4}-[a-z0-9-]{3,20}[a-z0-9]$/);

interface Secrets {
  readonly configFile: string;
  readonly block: string;
  readonly env: string;
  readonly annotation: string;
  readonly evidence: string;
  readonly event: string;
  readonly podState: string;
  readonly log: string;
  readonly urlPassword: string;
  readonly name: string;
}

const secretsArb: fc.Arbitrary<Secrets> = fc.record({
  configFile: lineSecret,
  block: blockSecret,
  env: lineSecret,
  annotation: lineSecret,
  evidence: lineSecret,
  event: lineSecret,
  podState: lineSecret,
  log: lineSecret,
  urlPassword: lineSecret,
  name: nameSecret,
});

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/**
 * Every spelling of a secret that must not be printed: each one that keeps the documented minimum length
 * (a log line printed without its control characters can be shorter than the value).
 */
function forbiddenForms(secret: string): string[] {
  const printable = secret.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
  const forms = [secret, secret.trim(), printable.trim(), JSON.stringify(secret).slice(1, -1), b64(secret), encodeURIComponent(secret)];
  return [...new Set(forms.filter((f) => longEnough(f)))];
}

let tmp: ReturnType<typeof tempDir>;
let planPath: string;
let fixture: KubeObject[];
let prepare: FolderState;
let migration: string;

beforeAll(async () => {
  tmp = tempDir('e2e-secret-values');
  planPath = join(tmp.dir, 'migration.yaml');
  const run = await cli(['discover', '--from-file', LIVE_FIXTURES.postgresql, '--out', planPath]);
  if (run.code !== 0) throw new Error(`discover failed: ${run.stderr}`);
  fixture = await loadLiveFixture('postgresql');
  const { loaded, result } = await synthesized(planPath);
  prepare = forwardState(result, 'prepare');
  migration = loaded.plan.metadata.name;
});

afterAll(() => tmp?.remove());

/**
 * The live side: the prepare folder as if applied and then edited by hand, its Jobs failed with a result
 * naming a secret, a failing pod of the migration with its Event and log, and the Secret holding every value.
 */
function hostileObjects(s: Secrets): { objects: KubeObject[]; podName: string; logLine: string } {
  const ns = prepare.objects.find((o) => o.kind === 'Job')?.metadata.namespace ?? '3scale';
  const edited = prepare.objects
    .filter((o) => o.kind === 'ConfigMap' || o.kind === 'Deployment' || o.kind === 'Service')
    .map((o) => editedCopy(o, s));
  const jobs = prepare.objects.filter((o) => o.kind === 'Job');
  const evidence: KubeObject[] = [...new Set(jobs.map((j) => j.metadata.namespace ?? ns))].map((namespace) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: EVIDENCE_CONFIGMAP, namespace },
    data: Object.fromEntries(jobs.filter((j) => (j.metadata.namespace ?? ns) === namespace).flatMap((j) => [[`${j.metadata.name}.phase`, 'Failed'], [`${j.metadata.name}.result`, `login refused with ${s.evidence}`]])),
  }));
  const podName = `${s.name}-x1`;
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    // The migration's label, so --explain reads the pod's state and log.
    metadata: { name: podName, namespace: '3scale', labels: { [MIGRATION_LABEL]: migration, app: s.name } },
    spec: { containers: [{ name: 'copy', image: 'registry.example/copy:1' }, { name: 'worker', image: 'registry.example/worker:1' }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        { name: 'copy', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull', message: `pull with ${s.podState} refused` } } },
        // Running, so its log is read.
        { name: 'worker', ready: false, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } },
      ],
    },
  };
  const event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${s.name}.e1`, namespace: '3scale' },
    type: 'Warning',
    reason: 'Failed',
    message: `Failed to pull image "registry.example/copy:1": token ${s.event}`,
    count: 2,
    involvedObject: { kind: 'Pod', name: podName, namespace: '3scale' },
  } as unknown as KubeObject;
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'hostile-values', namespace: '3scale' },
    type: 'Opaque',
    data: {
      'config-file': b64(s.configFile),
      block: b64(s.block),
      'harmless-name': b64(s.env),
      note: b64(s.annotation),
      result: b64(s.evidence),
      message: b64(s.event),
      state: b64(s.podState),
      line: b64(s.log),
      // Only inside a URL: the password of its user info is what the ConfigMap below holds.
      REDIS_URL: b64(`redis://:${encodeURIComponent(s.urlPassword)}@cache.example:6379/0`),
      name: b64(s.name),
    },
  };
  // The bearer token of the kubeconfig (the fake server's), echoed by a log: a credential the run read too.
  const logLine = `FATAL: password authentication failed for user "system" (password ${s.log}, client fake-token)`;
  return { objects: [...fixture, ...edited, ...evidence, pod, event, secret], podName, logLine };
}

/** A desired object as a hand edit left it live: every value it states holds a secret somewhere. */
function editedCopy(o: KubeObject, s: Secrets): KubeObject {
  const copy = structuredClone(o);
  const meta = copy.metadata;
  const firstLabel = Object.keys(meta.labels ?? {})[0];
  if (firstLabel) meta.labels![firstLabel] = s.name;
  meta.annotations = { ...(meta.annotations ?? {}), note: s.annotation, 'encoded-note': encodeURIComponent(s.annotation), ...Object.fromEntries(Object.keys(meta.annotations ?? {}).map((k) => [k, `${s.annotation} ${b64(s.block)}`])) };
  if (copy.kind === 'ConfigMap') {
    copy.data = Object.fromEntries(Object.keys((copy.data as Record<string, string>) ?? { 'redis.conf': '' }).map((k) => [k, `requirepass ${s.urlPassword}\n# ${s.configFile}\n${s.block}\n${b64(s.configFile)}\nurl=${encodeURIComponent(s.env)}\n`]));
  }
  const containers = (copy.spec as { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } | undefined)?.template?.spec?.containers ?? [];
  for (const c of containers) {
    c.env = [...(c.env ?? []).map((e) => ('value' in e ? { ...e, value: s.env } : e)), { name: 'HARMLESS', value: s.block }];
  }
  return copy;
}

/** Runs diff and status in both formats with --explain; returns every run. */
async function runAll(source: readonly string[]): Promise<CliRun[]> {
  const runs: CliRun[] = [];
  for (const command of ['diff', 'status']) {
    for (const format of ['text', 'json']) {
      runs.push(await cli([command, '-c', planPath, '--phase', prepare.folder, ...source, '--explain', '-o', format, '-v'].filter((a) => !(command === 'status' && a === '-v'))));
    }
  }
  return runs;
}

function leaks(runs: readonly CliRun[], s: Secrets): string[] {
  const printed = runs.map((r) => `${r.stdout}\n${r.stderr}`).join('\n');
  return Object.entries(s).flatMap(([where, secret]) => forbiddenForms(secret).filter((f) => printed.includes(f)).map((f) => `${where}: ${JSON.stringify(f)}`));
}

/** The report of `diff -o json` (the second run). */
function diffReport(runs: readonly CliRun[]): { objects: { changes: unknown[] }[]; explanations?: { line: string }[] } {
  return JSON.parse(runs[1]!.stdout) as never;
}

describe('secret values in error messages', () => {
  test('GIVEN an export whose refused object is named by a Secret value WHEN diff reads it THEN the one-sentence error masks the value, exit 2', async () => {
    const value = 'Kind-Is-A-Secret-93f1';
    const file = join(tmp.dir, 'refused.yaml');
    writeFileSync(
      file,
      stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leaky', namespace: '3scale' }, data: { anything: b64(value) } },
          { kind: value, metadata: { name: 'x' } },
        ],
      }),
    );
    const run = await cli(['diff', '-c', planPath, '--live-file', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: .*item 2 of file .*\(<secret-1>\) has no apiVersion/);
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain(value);
  });
});

describe('secret values in evidence cut by a script', () => {
  test('GIVEN a Job result the script cut at 512 characters inside a Secret value WHEN status prints the failed phase THEN the start of the value is masked', async () => {
    const value = 'Cut-Inside-This-Secret-4a7e';
    const s: Secrets = { configFile: 'cfg-value-0001', block: 'block-value-0001', env: 'env-value-0001', annotation: 'note-value-0001', evidence: 'evid-value-0001', event: 'event-value-0001', podState: 'state-value-0001', log: 'log-value-0001', urlPassword: 'url-value-0001', name: 'name-value-0001' };
    const { objects } = hostileObjects(s);
    const cut = `${'x'.repeat(512 - 'login refused with '.length - 12)}login refused with ${value}`.slice(0, 512);
    const withSecret = objects.map((o) =>
      o.kind === 'Secret' && o.metadata.name === 'hostile-values' ? { ...o, data: { ...(o.data as object), cut: b64(value) } } : o.metadata.name === EVIDENCE_CONFIGMAP ? { ...o, data: Object.fromEntries(Object.entries(o.data as Record<string, string>).map(([k, v]) => [k, k.endsWith('.result') ? cut : v])) } : o,
    );
    const file = join(tmp.dir, 'cut-evidence.yaml');
    writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'List', items: withSecret }));
    const run = await cli(['status', '-c', planPath, '--phase', prepare.folder, '--live-file', file]);
    expect(cut.endsWith(value)).toBe(false);
    expect(run.stdout).toMatch(/login refused with <secret-\d+>/);
    expect(run.stdout).not.toContain(value.slice(0, 8));
  });
});

describe('secret values in preflight output', () => {
  test('GIVEN a Route holding the admin host whose name is a value of the S3 Secret WHEN preflight prints text and JSON THEN the name is masked and the failure still named', async () => {
    const value = 'backup-route-7f3k9q';
    const domain = 'apps.rosa-prod.x7k2.p1.openshiftapps.com';
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'aws-auth', namespace: '3scale' }, type: 'Opaque', data: { AWS_BUCKET: b64(value), AWS_REGION: b64('us-east-1') } };
    const api = await startFakeApiServer({ objects: [...rosaCluster(), secret, route('3scale-backup', value, `3scale-admin.${domain}`, 'system-provider')] });
    try {
      const plan = freshInstallExamplePath('fresh-install-rosa');
      const text = await cli(['preflight', '-c', plan, '--kubeconfig', api.kubeconfigPath('3scale')]);
      const json = await cli(['preflight', '-c', plan, '--kubeconfig', api.kubeconfigPath('3scale'), '-o', 'json']);
      expect([text.code, json.code]).toEqual([1, 1]);
      expect(text.stdout).toContain(`FAILED routes: 3scale-admin.${domain} (admin portal) is held by Route 3scale-backup/<secret-1>`);
      expect(JSON.stringify(JSON.parse(json.stdout))).toContain('Route 3scale-backup/<secret-1>');
      for (const run of [text, json]) expect(`${run.stdout}${run.stderr}`).not.toContain(value);
    } finally {
      await api.close();
    }
  });
});

describe('secret values in output (property)', () => {
  test('GIVEN any Secret values placed in every field an export can carry WHEN diff and status print it (text, JSON, --explain) THEN no value and no base64 or URL-encoded form of one is printed', async () => {
    await fc.assert(
      fc.asyncProperty(secretsArb, async (s) => {
        const { objects } = hostileObjects(s);
        const file = join(tmp.dir, 'export.yaml');
        writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
        const runs = await runAll(['--live-file', file]);
        expect(runs.map((r) => r.code)).toEqual([1, 1, 1, 1]);
        expect(leaks(runs, s)).toEqual([]);
        // The masks are numbered by appearance: the same input prints the same bytes.
        expect((await runAll(['--live-file', file])).map((r) => r.stdout)).toEqual(runs.map((r) => r.stdout));
        // Not vacuous: the edits are reported, masked, and the Event and pod state are explained, masked.
        const report = diffReport(runs);
        expect(JSON.stringify(report.objects)).toContain('<secret-');
        expect(report.explanations?.some((e) => e.line.includes('<secret-'))).toBe(true);
      }),
      // One counterexample is enough to read; shrinking through CLI runs would take minutes.
      { numRuns: 6, endOnFailure: true },
    );
  }, 300_000);

  test('GIVEN the same against a cluster, with the pod log holding a value and the kubeconfig token WHEN diff and status print it THEN nothing of any value nor the token is printed', async () => {
    await fc.assert(
      fc.asyncProperty(secretsArb, async (s) => {
        const { objects, podName, logLine } = hostileObjects(s);
        const api = await startFakeApiServer({ objects });
        try {
          api.setPodLog('3scale', podName, 'worker', `${logLine}\n`);
          const runs = await runAll(['--kubeconfig', api.kubeconfigPath('3scale')]);
          expect(runs.map((r) => r.code)).toEqual([1, 1, 1, 1]);
          expect(leaks(runs, s)).toEqual([]);
          expect(runs.map((r) => r.stdout).join('')).not.toContain('fake-token');
          const report = diffReport(runs);
          expect(JSON.stringify(report.objects)).toContain('<secret-');
          expect(report.explanations?.some((e) => e.line.includes('<secret-'))).toBe(true);
          expect(report.explanations?.find((e) => (e as { evidence?: string }).evidence === 'log')?.line).toContain('<secret-');
        } finally {
          await api.close();
        }
      }),
      { numRuns: 4, endOnFailure: true },
    );
  }, 300_000);
});
