import { describe, expect, test } from 'vitest';
import type { DiffReport, PhaseReport } from '../../src/status/diff-report.js';
import type { ObjectVerdict, Verdict } from '../../src/status/object-verdicts.js';
import { renderReportJson, renderReportText } from '../../src/status/render-report.js';
import type { PreflightCheck } from '../../src/status/preflight-report.js';

const ANSI = /\u001b\[[0-9;]*m/;
const plain = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

const phase = (order: number, id: string, status: PhaseReport['status'], reason: string): PhaseReport => ({
  order,
  id,
  folder: `${String(order).padStart(2, '0')}-${id}`,
  status,
  reason,
  checks: { total: 1, satisfied: status === 'applied' ? 1 : 0, superseded: 0 },
  rollback: null,
});

const object = (kind: string, name: string, verdict: Verdict, extra: Partial<ObjectVerdict> = {}): ObjectVerdict => ({
  ref: { apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', kind, namespace: '3scale', name },
  verdict,
  partial: false,
  changes: [],
  ...extra,
});

/** A live report: preflight and prepare done, scale-down under way. */
function liveReport(overrides: Partial<DiffReport> = {}): DiffReport {
  return {
    apiVersion: 'threescale-migrate.3scale.net/v1alpha1',
    kind: 'DiffReport',
    migration: 'prod-3scale',
    source: 'cluster https://api.ocp.example.com:6443',
    mode: 'live',
    approximate: false,
    fieldManager: 'argocd-controller',
    phases: [
      phase(0, 'preflight', 'applied', '1 of 1 in sync'),
      phase(1, 'prepare', 'applied', '15 of 15 in sync'),
      phase(2, 'scale-down', 'in-progress', 'Deployment system-app changed'),
      phase(3, 'copy-data', 'blocked', 'waits for an earlier phase; nothing of it is live yet (Job copy-system-database job-not-run)'),
    ],
    currentPhase: 'prepare',
    outOfOrder: [],
    target: '02-scale-down',
    objects: [
      object('ConfigMap', 'threescale-migrate-state', 'in-sync'),
      object('Deployment', 'system-app', 'changed', { partial: true, changes: [{ path: 'spec.replicas', op: 'replace', live: 2, desired: 0 }] }),
      object('Deployment', 'backend-worker', 'not-ready', { partial: true, reason: '1 pods still running' }),
      object('Deployment', 'zync', 'missing', { partial: true }),
    ],
    inSync: false,
    preflight: { requirements: 'vendor', checks: [], failed: [] },
    ...overrides,
  };
}

/** A failed version check of a server the plan replaces, measured before the migration. */
const REDIS_BELOW: PreflightCheck = {
  id: 'server-version:system-redis',
  title: 'system-redis server version',
  status: 'failed',
  found: 'Redis 6.2.7',
  needed: 'Redis 7.0.0 or later (operator requirements)',
  source: 'ConfigMap 3scale/threescale-migrate-evidence: check-versions-redis.result',
  fixedBy: 'prepare',
  detail: 'measured before the migration: prepare creates its replacement and verify measures that one (check-new-versions-redis)',
};
const CV_FORBIDDEN: PreflightCheck = {
  id: 'openshift-version',
  title: 'OpenShift version',
  status: 'unknown',
  found: null,
  needed: '4.12 or later',
  source: 'ClusterVersion version: status.desired.version',
  fixedBy: null,
  detail: 'forbidden: list clusterversions.config.openshift.io (HTTP 403)',
};
const ORACLE_OK: PreflightCheck = { id: 'oracle', title: 'the System database is not Oracle', status: 'passed', found: 'postgresql://', needed: 'PostgreSQL or MySQL', source: 'Secret 3scale/system-database: scheme of URL', fixedBy: null, detail: 'not Oracle' };

describe('renderReportText: preflight checks', () => {
  test('GIVEN failed, unknown and passed checks WHEN the report renders THEN failed come first with found, needed and fixing phase, then unknown with the reason, then the passed ids', () => {
    // GIVEN
    const report = liveReport({ preflight: { requirements: 'operator', checks: [CV_FORBIDDEN, ORACLE_OK, REDIS_BELOW], failed: [REDIS_BELOW.id] } });

    // WHEN
    const text = renderReportText(report, { color: false });

    // THEN
    expect(text).toContain(
      [
        'current phase: prepare',
        '',
        'preflight checks for 3scale 2.16 (operator requirements): 1 failed, 1 unknown, 1 passed',
        '  ✗ system-redis server version: found Redis 6.2.7; needed Redis 7.0.0 or later (operator requirements); fixed by phase prepare: measured before the migration: prepare creates its replacement and verify measures that one (check-new-versions-redis)',
        '  ? OpenShift version: unknown: forbidden: list clusterversions.config.openshift.io (HTTP 403) (needed 4.12 or later)',
        '  ✓ passed: oracle',
        '',
        '02-scale-down: 3 of 4 objects differ or are not done',
      ].join('\n'),
    );
  });

  test('GIVEN verbose WHEN the report renders THEN every passed check shows what was found', () => {
    // GIVEN
    const report = liveReport({ preflight: { requirements: 'vendor', checks: [ORACLE_OK], failed: [] } });

    // WHEN / THEN
    expect(renderReportText(report, { color: false, verbose: true })).toContain('  ✓ the System database is not Oracle: found postgresql://\n');
  });
});

describe('renderReportText', () => {
  test('the header, the phase table, the current phase and the target object by object, open ones only', () => {
    // GIVEN / WHEN
    const text = renderReportText(liveReport(), { color: false });

    // THEN
    expect(text).toBe(
      [
        'Migration prod-3scale, cluster https://api.ocp.example.com:6443, dry-run as argocd-controller',
        '',
        '  00-preflight   applied      1 of 1 in sync',
        '  01-prepare     applied      15 of 15 in sync',
        '  02-scale-down  in-progress  Deployment system-app changed',
        '  03-copy-data   blocked      waits for an earlier phase; nothing of it is live yet (Job copy-system-database job-not-run)',
        '',
        'current phase: prepare',
        '',
        '02-scale-down: 3 of 4 objects differ or are not done',
        '~ Deployment 3scale/system-app (partial): changed',
        '    ~ spec.replicas: 2 → 0',
        '… Deployment 3scale/backend-worker (partial): not-ready: 1 pods still running',
        '+ Deployment 3scale/zync (partial): missing',
        '',
      ].join('\n'),
    );
  });

  test('with the upgrade in the plan: the APIManager’s version annotations and Preflights condition under the current phase', () => {
    // GIVEN
    const report = liveReport({ threescale: { version: '2.15.5', operatorVersion: '0.12.5', preflights: { status: 'False', message: 'Preflights failed - requirements are not met' } } });

    // WHEN
    const lines = renderReportText(report, { color: false }).split('\n');

    // THEN
    const at = lines.indexOf('current phase: prepare');
    expect(lines.slice(at + 1, at + 4)).toEqual([
      'APIManager: apps.3scale.net/apimanager-threescale-version 2.15.5, apps.3scale.net/threescale-operator-version 0.12.5',
      'APIManager condition Preflights: False: Preflights failed - requirements are not met',
      '',
    ]);
  });

  test('with the upgrade in the plan: absent annotations and condition, or an unreadable APIManager, are said so', () => {
    // GIVEN
    const bare = liveReport({ threescale: { version: null, operatorVersion: null, preflights: null } });
    const unreadable = liveReport({ threescale: null });

    // WHEN
    const a = renderReportText(bare, { color: false });
    const b = renderReportText(unreadable, { color: false });

    // THEN
    expect(a).toContain('APIManager: apps.3scale.net/apimanager-threescale-version (absent), apps.3scale.net/threescale-operator-version (absent)\nAPIManager condition Preflights: absent\n');
    expect(b).toContain('APIManager: not readable, so its version annotations and Preflights condition are unknown\n');
    expect(renderReportText(liveReport(), { color: false })).not.toContain('APIManager');
  });

  test('without color, no ANSI escape anywhere; with color, the same text once the escapes are removed', () => {
    // GIVEN a report with every colored part: offline warning, out of order, statuses, changes
    const report = liveReport({ approximate: true, mode: 'offline', fieldManager: null, outOfOrder: ['copy-data'] });

    // WHEN
    const uncolored = renderReportText(report, { color: false, verbose: true });
    const colored = renderReportText(report, { color: true, verbose: true });

    // THEN
    expect(uncolored).not.toMatch(ANSI);
    expect(colored).toMatch(ANSI);
    expect(plain(colored)).toBe(uncolored);
  });

  test('offline: no dry-run named, and a warning that verdicts are approximate', () => {
    // GIVEN / WHEN
    const lines = renderReportText(liveReport({ mode: 'offline', approximate: true, fieldManager: null, source: 'exported objects in export.yaml (offline, approximate)' }), { color: false }).split('\n');

    // THEN
    expect(lines.slice(0, 2)).toEqual(['Migration prod-3scale, exported objects in export.yaml (offline, approximate)', 'Offline comparison: Kubernetes defaults come from a table, verdicts are approximate.']);
  });

  test('no current phase, and out-of-order phases', () => {
    // GIVEN
    const text = renderReportText(liveReport({ currentPhase: null, outOfOrder: ['scale-up', 'verify'] }), { color: false });

    // THEN
    expect(text).toContain('\ncurrent phase: none (preflight not applied)\nout of order: scale-up, verify show progress while an earlier phase is pending\n');
  });

  test('in sync: the target says so and lists nothing, unless verbose', () => {
    // GIVEN a report whose target is in sync
    const report = liveReport({
      target: '01-prepare',
      objects: [object('ConfigMap', 'threescale-migrate-state', 'in-sync'), object('Job', 'copy-database-credentials', 'job-succeeded', { reason: 'done (finished 2025-01-01T00:00:00Z)' })],
      inSync: true,
    });

    // WHEN
    const short = renderReportText(report, { color: false });
    const verbose = renderReportText(report, { color: false, verbose: true });

    // THEN
    expect(short.endsWith('\n01-prepare: in sync\n')).toBe(true);
    expect(verbose.endsWith('\n01-prepare: in sync\n= ConfigMap 3scale/threescale-migrate-state: in-sync\n= Job 3scale/copy-database-credentials: job-succeeded: done (finished 2025-01-01T00:00:00Z)\n')).toBe(true);
  });

  test('GIVEN a Job done for another version of the plan WHEN rendered THEN it is listed even without --verbose', () => {
    // GIVEN an in-sync target where one Job ran for plan a…
    const reason = 'done; ran for another version of the plan that changed this Job (sha256 aaaaaaaaaaaa, now bbbbbbbbbbbb)';
    const report = liveReport({
      target: '01-prepare',
      objects: [object('Job', 'copy-database-credentials', 'job-succeeded', { reason, otherPlan: 'aaaaaaaaaaaa' }), object('Job', 'backup-secrets', 'job-succeeded', { reason: 'done' })],
      inSync: true,
    });

    // WHEN
    const text = renderReportText(report, { color: false });

    // THEN only that Job is listed
    expect(text.endsWith(`\n01-prepare: in sync\n= Job 3scale/copy-database-credentials: job-succeeded: ${reason}\n`)).toBe(true);
  });

  test('one mark per verdict; cluster-scoped objects have no namespace', () => {
    // GIVEN one object of each open verdict
    const verdicts: Verdict[] = ['not-ready', 'changed', 'missing', 'job-running', 'job-failed', 'job-not-run', 'forbidden', 'missing-crd', 'immutable', 'error'];
    const report = liveReport({ objects: [...verdicts.map((v) => object('ConfigMap', v, v)), { ref: { apiVersion: 'v1', kind: 'Namespace', name: '3scale-db' }, verdict: 'missing', partial: false, changes: [] }] });

    // WHEN
    const lines = renderReportText(report, { color: false }).trimEnd().split('\n');

    // THEN
    expect(lines.slice(-11)).toEqual([
      '… ConfigMap 3scale/not-ready: not-ready',
      '~ ConfigMap 3scale/changed: changed',
      '+ ConfigMap 3scale/missing: missing',
      '… ConfigMap 3scale/job-running: job-running',
      '! ConfigMap 3scale/job-failed: job-failed',
      '+ ConfigMap 3scale/job-not-run: job-not-run',
      '? ConfigMap 3scale/forbidden: forbidden',
      '? ConfigMap 3scale/missing-crd: missing-crd',
      '! ConfigMap 3scale/immutable: immutable',
      '? ConfigMap 3scale/error: error',
      '+ Namespace 3scale-db: missing',
    ]);
  });

  test('the phase column is as wide as the longest folder', () => {
    // GIVEN a rollback folder among the phases
    const report = liveReport({ phases: [phase(0, 'preflight', 'applied', 'ok'), { ...phase(6, 'cutover', 'pending', 'x'), folder: 'rollback/05-cutover' }] });

    // WHEN
    const lines = renderReportText(report, { color: false }).split('\n');

    // THEN
    expect(lines).toContain('  00-preflight         applied      ok');
    expect(lines).toContain('  rollback/05-cutover  pending      x');
  });

  test('masked values are printed as masks, never as values', () => {
    // GIVEN a change whose values were masked by the comparison
    const report = liveReport({ objects: [object('Secret', 'system-database', 'changed', { changes: [{ path: 'data.DB_PASSWORD', op: 'replace', live: '++++++++', desired: '++++++++++++' }] })] });

    // WHEN / THEN
    expect(renderReportText(report, { color: false })).toContain('~ Secret 3scale/system-database: changed\n    ~ data.DB_PASSWORD: "++++++++" → "++++++++++++"\n');
  });
});

describe('renderReportJson', () => {
  test('is the report itself, indented by two, one trailing newline, no color', () => {
    // GIVEN
    const report = liveReport();

    // WHEN
    const json = renderReportJson(report);

    // THEN
    expect(json).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(JSON.parse(json)).toEqual(report);
    expect(json).not.toMatch(ANSI);
  });

  test('is stable: the same report renders byte for byte the same, keys in the documented order', () => {
    // GIVEN two equal reports built separately
    const a = renderReportJson(liveReport());
    const b = renderReportJson(structuredClone(liveReport()));

    // THEN
    expect(a).toBe(b);
    const parsed = JSON.parse(a) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['apiVersion', 'kind', 'migration', 'source', 'mode', 'approximate', 'fieldManager', 'phases', 'currentPhase', 'outOfOrder', 'target', 'objects', 'inSync', 'preflight']);
    expect(Object.keys(parsed.preflight as object)).toEqual(['requirements', 'checks', 'failed']);
    expect(Object.keys((parsed.phases as object[])[0]!)).toEqual(['order', 'id', 'folder', 'status', 'reason', 'checks', 'rollback']);
    expect(Object.keys((parsed.objects as object[])[1]!)).toEqual(['ref', 'verdict', 'partial', 'changes']);
  });

  test('the preflight checks carry id, title, status, found, needed, source, fixing phase and detail, in that order', () => {
    // GIVEN a report with one failed check
    const json = renderReportJson(liveReport({ preflight: { requirements: 'operator', checks: [REDIS_BELOW], failed: [REDIS_BELOW.id] } }));

    // WHEN
    const parsed = JSON.parse(json) as { preflight: { checks: object[] } };

    // THEN
    expect(Object.keys(parsed.preflight.checks[0]!)).toEqual(['id', 'title', 'status', 'found', 'needed', 'source', 'fixedBy', 'detail']);
  });

  test('the threescale block comes last, only when the report has one', () => {
    // GIVEN
    const json = renderReportJson(liveReport({ threescale: { version: '2.16.1', operatorVersion: '0.13.1', preflights: null } }));

    // WHEN
    const parsed = JSON.parse(json) as Record<string, unknown>;

    // THEN
    expect(Object.keys(parsed).slice(-3)).toEqual(['inSync', 'preflight', 'threescale']);
    expect(parsed.threescale).toEqual({ version: '2.16.1', operatorVersion: '0.13.1', preflights: null });
  });

  test('null stays null: offline field manager, no current phase', () => {
    const json = renderReportJson(liveReport({ fieldManager: null, currentPhase: null }));
    expect(json).toContain('"fieldManager": null,');
    expect(json).toContain('"currentPhase": null,');
  });
});
