/**
 * End to end, offline: `diff --live-file` against exported `oc get -o yaml` Lists instead of a cluster.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { LIVE_FIXTURES, loadLiveFixture } from '../support/live-fixtures.js';
import { cli, diffJson, leakedInTranscript, statuses, synthesized, tempDir } from './harness.js';

let tmp: ReturnType<typeof tempDir>;
let fixture: KubeObject[];
/** The plan `discover --from-file` writes from the PostgreSQL export. */
let planPath: string;

beforeAll(async () => {
  tmp = tempDir('e2e-offline');
  fixture = await loadLiveFixture('postgresql');
  planPath = join(tmp.dir, 'migration.yaml');
  const run = await cli(['discover', '--from-file', LIVE_FIXTURES.postgresql, '--out', planPath]);
  if (run.code !== 0) throw new Error(`discover failed: ${run.stderr}`);
});

afterEach(() => {
  expect(leakedInTranscript()).toEqual([]);
});

afterAll(() => tmp?.remove());

/** Writes an `oc get -o yaml` List of the objects. */
function writeList(path: string, objects: readonly KubeObject[]): string {
  writeFileSync(path, stringify({ apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } }));
  return path;
}

/** Expects exit 2 and exactly one line on stderr, no stack trace, naming `file`. */
function expectOneSentenceError(run: { code: number; stdout: string; stderr: string }, file: string): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n')).toBe(true);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^error: /);
  expect(run.stderr).toContain(file);
  expect(run.stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
}

describe('diff --live-file', () => {
  test('the exported install: exit 1, approximate, preflight pending', async () => {
    // GIVEN the plan discover wrote from the export
    // WHEN diff compares the export with it, as text and as JSON
    const text = await cli(['diff', '-c', planPath, '--live-file', LIVE_FIXTURES.postgresql]);
    const { run, report } = await diffJson(['-c', planPath, '--live-file', LIVE_FIXTURES.postgresql]);

    // THEN it exits 1 with approximate verdicts: nothing of the migration is live
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('Offline comparison: Kubernetes defaults come from a table, verdicts are approximate.');
    expect(text.stdout).toMatch(/^ {2}00-preflight +pending /m);
    expect(run.code).toBe(1);
    expect(report).toMatchObject({
      mode: 'offline',
      approximate: true,
      fieldManager: 'threescale-migrate',
      source: `exported objects in ${LIVE_FIXTURES.postgresql} (offline, approximate)`,
      currentPhase: null,
      outOfOrder: [],
      target: '00-preflight',
      inSync: false,
    });
    expect(statuses(report).preflight).toBe('pending');
    expect(Object.values(statuses(report)).slice(1).every((s) => s === 'blocked')).toBe(true);
    // AND status says so too, once, at the end
    const status = await cli(['status', '-c', planPath, '--live-file', LIVE_FIXTURES.postgresql]);
    expect(status.code).toBe(1);
    expect(status.stdout.trimEnd().split('\n').at(-1)).toBe('(offline comparison: approximate)');
  });

  test('a folder of exports gives the same verdicts as one List', async () => {
    // GIVEN the export split into one file per kind (as `oc get <kind> -o yaml > <kind>.yaml` writes them), in sub-folders
    const folder = join(tmp.dir, 'export-folder');
    mkdirSync(join(folder, 'workloads'), { recursive: true });
    const kinds = [...new Set(fixture.map((o) => o.kind))];
    for (const kind of kinds) {
      const sub = kind === 'Deployment' ? 'workloads' : '.';
      writeList(join(folder, sub, `${kind.toLowerCase()}.yaml`), fixture.filter((o) => o.kind === kind));
    }
    writeFileSync(join(folder, 'README.txt'), 'not an export\n');

    // WHEN diff reads the folder
    const single = await diffJson(['-c', planPath, '--live-file', LIVE_FIXTURES.postgresql, '--phase', 'scale-down']);
    const split = await diffJson(['-c', planPath, '--live-file', folder, '--phase', 'scale-down']);

    // THEN the verdicts are those of the single List
    expect(split.run.code).toBe(1);
    expect({ ...split.report, source: '' }).toEqual({ ...single.report, source: '' });
    expect(split.report.source).toContain(folder);
  });

  test('the preflight checks: found versions from the evidence, judged by the plan table or --version-requirements, printed failed first', async () => {
    // GIVEN the export with the evidence of the verify-stage version checks: new Redis 7.0.15, PostgreSQL 15.8
    const table = 'requirements vendor (postgresql>=15.0 mysql>=8.0.0 redis>=7.2)';
    const evidence: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'threescale-migrate-evidence', namespace: '3scale' },
      data: {
        'check-new-versions-system-database.phase': 'Succeeded',
        'check-new-versions-system-database.result': `${table}: system-database=postgresql:15.8:ok`,
        'check-new-versions-redis.phase': 'Succeeded',
        'check-new-versions-redis.result': `${table}: backend-redis-storage=redis:7.0.15:below backend-redis-queues=redis:7.0.15:below system-redis=redis:7.0.15:below`,
      },
    };
    const file = writeList(join(tmp.dir, 'with-evidence.yaml'), [...fixture, evidence]);

    // WHEN diff judges it with the plan's (vendor) table and with the operator's
    const vendor = await diffJson(['-c', planPath, '--live-file', file]);
    const operator = await diffJson(['-c', planPath, '--live-file', file, '--version-requirements', 'operator']);
    const text = await cli(['diff', '-c', planPath, '--live-file', file]);

    // THEN Redis 7.0.15 fails the vendor's 7.2 and passes the operator's 7.0.0; PostgreSQL 15.8 passes both
    const check = (report: typeof vendor.report, id: string) => {
      expect(report.preflight).toBeDefined();
      return report.preflight!.checks.find((c) => c.id === id);
    };
    expect(vendor.report.preflight).toBeDefined();
    expect(vendor.report.preflight!.requirements).toBe('vendor');
    expect(check(vendor.report, 'server-version:system-redis')).toMatchObject({ status: 'failed', found: 'Redis 7.0.15', needed: 'Redis 7.2 or later (vendor requirements)' });
    expect(check(vendor.report, 'server-version:system-database')).toMatchObject({ status: 'passed', found: 'PostgreSQL 15.8' });
    expect(operator.report.preflight).toBeDefined();
    expect(operator.report.preflight!.requirements).toBe('operator');
    expect(check(operator.report, 'server-version:system-redis')).toMatchObject({ status: 'passed', needed: 'Redis 7.0.0 or later (operator requirements)' });
    // AND offline, what the export lacks is unknown, not failed
    expect(check(vendor.report, 'openshift-version')).toMatchObject({ status: 'unknown', detail: 'the export holds no ClusterVersion' });
    // AND the text lists the failed checks right after the count line
    const lines = text.stdout.split('\n');
    const head = lines.findIndex((l) => l.startsWith('preflight checks for 3scale 2.16 (vendor requirements): '));
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1]).toMatch(/^ {2}✗ /);
    expect(lines.slice(head + 1).filter((l) => l.startsWith('  ✗ ')).join('\n')).toContain('✗ system-redis server version: found Redis 7.0.15; needed Redis 7.2 or later (vendor requirements)');
  });

  test('a single exported ConfigMap (not a List) is a valid, if small, export', async () => {
    // GIVEN `oc get configmap threescale-migrate-state -o yaml` of an applied preflight
    const file = join(tmp.dir, 'state-configmap.yaml');
    const { result } = await synthesized(planPath);
    const desired = result.forward[0]!.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'threescale-migrate-state')!;
    writeFileSync(file, stringify({ ...desired, metadata: { ...desired.metadata, uid: 'u-1', resourceVersion: '42', creationTimestamp: '2025-01-01T00:00:00Z' } }));

    // WHEN diff compares the preflight folder with it
    const { run, report } = await diffJson(['-c', planPath, '--live-file', file, '--phase', 'preflight']);

    // THEN the ConfigMap is read and in sync; the preflight is under way, its version-check Jobs not run yet
    expect(run.code).toBe(1);
    expect(report.objects.find((o) => o.ref.name === 'threescale-migrate-state')?.verdict).toBe('in-sync');
    expect(statuses(report).preflight).toBe('in-progress');
    expect(report.objects.filter((o) => o.ref.kind === 'Job').map((o) => o.verdict)).toEqual(['job-not-run', 'job-not-run']);
  });

  test('a truncated export, a YAML scalar, a missing file: exit 2 with one sentence naming the file', async () => {
    // GIVEN an export cut off in the middle, a file holding a YAML scalar, and a path that does not exist
    const text = readFileSync(LIVE_FIXTURES.postgresql, 'utf8');
    const truncated = join(tmp.dir, 'truncated.yaml');
    writeFileSync(truncated, text.slice(0, Math.floor(text.length / 2)));
    const scalar = join(tmp.dir, 'scalar.yaml');
    writeFileSync(scalar, 'just a string\n');
    const missing = join(tmp.dir, 'no-such-export.yaml');

    // WHEN diff reads each
    const runs = {
      truncated: await cli(['diff', '-c', planPath, '--live-file', truncated]),
      scalar: await cli(['diff', '-c', planPath, '--live-file', scalar]),
      missing: await cli(['diff', '-c', planPath, '--live-file', missing, '-o', 'json']),
    };

    // THEN each exits 2 with one sentence naming the file
    expectOneSentenceError(runs.truncated, truncated);
    expect(runs.truncated.stderr).toMatch(/truncated/);
    expectOneSentenceError(runs.scalar, scalar);
    expect(runs.scalar.stderr).toMatch(/is a YAML string, not a Kubernetes object or List/);
    expectOneSentenceError(runs.missing, missing);
    expect(runs.missing.stderr).toMatch(/no such file or folder/);
  });

  test('an export of 10 000 objects gets a verdict', async () => {
    // GIVEN the install plus 9 900 unrelated ConfigMaps and Secrets in the same namespace and in others
    const extra: KubeObject[] = Array.from({ length: 10_000 - fixture.length }, (_, i) =>
      i % 2 === 0
        ? { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `app-config-${i}`, namespace: i % 3 === 0 ? 'other' : '3scale', uid: `u-${i}`, resourceVersion: String(5000 + i) }, data: { 'settings.json': JSON.stringify({ i, feature: `f${i % 17}` }) } }
        : { apiVersion: 'v1', kind: 'Secret', metadata: { name: `app-secret-${i}`, namespace: '3scale', uid: `u-${i}`, resourceVersion: String(5000 + i) }, type: 'Opaque', data: { token: Buffer.from(`t-${i}`).toString('base64') } },
    );
    const big = writeList(join(tmp.dir, 'big.yaml'), [...fixture, ...extra]);
    const heapBefore = process.memoryUsage().heapUsed;

    // WHEN diff compares a late folder with it
    const { run, report } = await diffJson(['-c', planPath, '--live-file', big, '--phase', 'cutover']);

    // THEN it completes with the same verdicts as the plain export, in bounded memory
    expect(run.code).toBe(1);
    const plain = await diffJson(['-c', planPath, '--live-file', LIVE_FIXTURES.postgresql, '--phase', 'cutover']);
    expect({ ...report, source: '' }).toEqual({ ...plain.report, source: '' });
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(512 * 1024 * 1024);
  });
});
