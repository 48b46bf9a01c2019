import { describe, expect, test } from 'vitest';
import type { DiffReport, PhaseReport, PhaseStatus } from '../../src/status/diff-report.js';
import { nextStep, nextStepOf, stepText } from '../../src/status/next-step.js';
import { renderStatus, statusExitCode } from '../../src/status/render-status.js';
import type { PreflightCheck } from '../../src/status/preflight-report.js';
import { procedureById } from '../../src/phases/registry.js';

const ANSI = /\u001b\[[0-9;]*m/;
const IDS = ['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify', 'upgrade'];

/** The phases of the migration, whose report hooks diff reads. */
const MIGRATION_PHASES = procedureById('externalize-on-cluster').phases;

/** A failed preflight check: an OpenShift too old for 3scale 2.16. */
const OLD_OPENSHIFT: PreflightCheck = {
  id: 'openshift-version',
  title: 'OpenShift version',
  status: 'failed',
  found: '4.11.45',
  needed: '4.12 or later',
  source: 'ClusterVersion version: status.desired.version',
  fixedBy: null,
  detail: 'upgrade OpenShift to 4.12 or later before upgrading 3scale',
};

/** A report whose phases have the given statuses (in procedure order), target the given folder. */
function reportWith(
  statuses: readonly PhaseStatus[],
  options: { target: string; inSync: boolean; outOfOrder?: string[]; approximate?: boolean; reasons?: Record<string, string>; failedChecks?: PreflightCheck[] },
): DiffReport {
  const phases: PhaseReport[] = statuses.map((status, order) => {
    const folder = `${String(order).padStart(2, '0')}-${IDS[order]}`;
    const reason = options.reasons?.[IDS[order]!] ?? `${status} reason`;
    // As diff reads the migration's phase hooks: a failed phase carries its own advice, when it has one.
    const advice = status === 'failed' ? MIGRATION_PHASES.find((p) => p.id === IDS[order])?.report?.advice?.(folder, reason) : undefined;
    return {
      order,
      id: IDS[order]!,
      folder,
      status,
      reason,
      checks: { total: 1, satisfied: 0, superseded: 0 },
      rollback: ['preflight', 'copy-data', 'verify'].includes(IDS[order]!) ? null : `rollback/${folder}`,
      // As the migration's upgrade phase declares it (upgradesThreescale): it waits for the preflight checks.
      ...(IDS[order] === 'upgrade' ? { upgradesThreescale: true as const } : {}),
      ...(advice !== undefined ? { advice } : {}),
    };
  });
  let currentPhase: string | null = null;
  for (const p of phases) {
    if (p.status !== 'applied' && p.status !== 'superseded') break;
    currentPhase = p.id;
  }
  return {
    apiVersion: 'threescale-migrate.3scale.net/v1alpha1',
    kind: 'DiffReport',
    migration: 'prod-3scale',
    source: options.approximate ? 'exported objects in export.yaml (offline, approximate)' : 'cluster https://api.ocp.example.com:6443',
    mode: options.approximate ? 'offline' : 'live',
    approximate: options.approximate ?? false,
    fieldManager: options.approximate ? null : 'threescale-migrate',
    phases,
    currentPhase,
    outOfOrder: options.outOfOrder ?? [],
    target: options.target,
    objects: [],
    inSync: options.inSync,
    preflight: { requirements: 'vendor', checks: options.failedChecks ?? [], failed: (options.failedChecks ?? []).map((c) => c.id) },
  };
}

const done = (n: number): PhaseStatus[] => Array.from({ length: n }, (_, i) => (i === 2 && n > 7 ? 'superseded' : 'applied'));

describe('renderStatus', () => {
  test('one line per phase, a blank line, then the next step', () => {
    // GIVEN preflight applied, prepare in progress
    const report = reportWith(['applied', 'in-progress', 'blocked'], { target: '01-prepare', inSync: false, reasons: { preflight: '1 of 1 in sync', prepare: 'Deployment system-postgresql-external not-ready', 'scale-down': 'waits for an earlier phase' } });

    // WHEN
    const text = renderStatus(report, { color: false });

    // THEN
    expect(text).toBe(
      [
        '00-preflight     applied     1 of 1 in sync',
        '01-prepare       in-progress Deployment system-postgresql-external not-ready',
        '02-scale-down    blocked     waits for an earlier phase',
        '',
        'next: wait: 01-prepare is being applied (Deployment system-postgresql-external not-ready)',
        '',
      ].join('\n'),
    );
  });

  test('GIVEN a folder name longer than 16 characters (the template upgrade) WHEN rendered THEN every status starts in the same column', () => {
    // GIVEN
    const report = reportWith(['applied', 'pending'], { target: '00-preflight', inSync: true });
    const long = { ...report, phases: [report.phases[0]!, { ...report.phases[1]!, folder: '08-remove-wildcard-router' }] };

    // WHEN
    const lines = renderStatus(long, { color: false }).split('\n');

    // THEN
    expect(lines.slice(0, 2)).toEqual(['00-preflight              applied     applied reason', '08-remove-wildcard-router pending     pending reason']);
  });

  test('offline: one more line at the end saying the comparison is approximate; no ANSI without color', () => {
    // GIVEN
    const report = reportWith(['pending', 'blocked'], { target: '00-preflight', inSync: false, approximate: true });

    // WHEN
    const uncolored = renderStatus(report, { color: false });
    const colored = renderStatus(report, { color: true });

    // THEN
    expect(uncolored.trimEnd().split('\n').at(-1)).toBe('(offline comparison: approximate)');
    expect(uncolored).not.toMatch(ANSI);
    expect(colored).toMatch(ANSI);
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '')).toBe(uncolored);
  });

  test('live: nothing after the next step, and no ANSI even with color', () => {
    const text = renderStatus(reportWith(['applied'], { target: '00-preflight', inSync: true }), { color: true });
    expect(text.endsWith('\nnext: 00-preflight is in sync; every phase is applied, nothing left to apply\n')).toBe(true);
    expect(text).not.toMatch(ANSI);
  });
});

describe('nextStep', () => {
  test('a failed phase: fix and rerun, or roll back from it', () => {
    // GIVEN load-redis failed
    const report = reportWith([...done(4), 'failed', 'blocked'], { target: '04-load-redis', inSync: false, reasons: { 'load-redis': 'Job check-load-backend-redis job-failed: timed out' } });

    // WHEN / THEN
    expect(nextStep(report)).toBe('04-load-redis failed (Job check-load-backend-redis job-failed: timed out); fix the cause and let the Job rerun; to undo it, apply rollback/04-load-redis');
  });

  test('GIVEN a phase failed by a degraded object (a Route every router rejected) WHEN the next step is asked THEN it names the object and reason, says waiting will not help, and offers the rollback', () => {
    // GIVEN
    const reason = 'Route zync-3scale-api-abc12 degraded: router default rejected it: HostAlreadyClaimed: route api of namespace legacy already claims the host';
    const report = reportWith([...done(4), 'failed', 'blocked'], { target: '04-load-redis', inSync: false, reasons: { 'load-redis': reason } });

    // WHEN / THEN
    expect(nextStep(report)).toBe(`04-load-redis failed (${reason}); fix the cause: waiting will not help, the object is degraded; to undo it, apply rollback/04-load-redis`);
  });

  test('GIVEN scale-down whose queue check found jobs still waiting WHEN the next step is asked THEN it holds: no rollback, let the workers drain, rerun the check', () => {
    // GIVEN
    const reason = 'Job check-queues job-failed: queued sidekiq=4 backend=2; later scheduled=0 retry=0 failed=0; not drained after 300s while the workers run [sidekiq default=4] [backend priority=2]';
    const report = reportWith([...done(2), 'failed', 'blocked'], { target: '02-scale-down', inSync: false, reasons: { 'scale-down': reason } });
    // WHEN
    const step = nextStep(report);
    // THEN
    expect(step).toBe(
      `02-scale-down is held by its queue check (${reason}): do not roll back, 3scale is still running; let system-sidekiq and backend-worker process the waiting jobs (at a quieter hour, seed 6.1), then let Job check-queues run again (Argo CD: sync the Application again; by hand: delete the Job and apply the folder again)`,
    );
    expect(step).not.toContain('rollback/');
  });

  test('GIVEN scale-down whose queue check could not read a Redis WHEN the next step is asked THEN it is a failure to fix, not a wait', () => {
    const reason = 'Job check-queues job-failed: unreachable: Sidekiq Redis (Secret system-redis URL) system-redis:6379: Connection refused';
    const report = reportWith([...done(2), 'failed', 'blocked'], { target: '02-scale-down', inSync: false, reasons: { 'scale-down': reason } });
    expect(nextStep(report)).toMatch(/^02-scale-down failed \(Job check-queues job-failed: unreachable: .*\); fix the cause and let the Job rerun; /);
  });

  test('a failed phase comes before an unreadable one and before anything out of order', () => {
    const report = reportWith(['applied', 'unknown', 'pending', 'failed'], { target: '01-prepare', inSync: false, outOfOrder: ['copy-data'] });
    expect(nextStep(report)).toMatch(/^03-copy-data failed \(failed reason\); /);
  });

  test('an unreadable phase: says it cannot judge, and why', () => {
    // GIVEN prepare's objects could not be read
    const message = 'cannot list deployments.apps in namespace 3scale-db: forbidden (HTTP 403)';
    const report = reportWith(['applied', 'unknown', 'blocked'], { target: '01-prepare', inSync: false, reasons: { prepare: message } });

    // WHEN / THEN
    expect(nextStep(report)).toBe(`cannot judge 01-prepare: ${message}`);
  });

  test('out of order: names the phases, the phase not done before them and the GitOps target to check', () => {
    // GIVEN scale-up live while prepare is pending
    const report = reportWith(['applied', 'pending', 'superseded', 'blocked', 'blocked', 'blocked', 'applied'], { target: '01-prepare', inSync: false, outOfOrder: ['scale-down', 'scale-up'] });

    // WHEN / THEN
    expect(nextStep(report)).toBe('phases scale-down, scale-up are live before 01-prepare (pending); do not promote further: check the GitOps target (01-prepare)');
  });

  test('the target in progress: wait, with what it waits for', () => {
    const report = reportWith(['applied', 'applied', 'in-progress'], { target: '02-scale-down', inSync: false, reasons: { 'scale-down': 'Deployment system-app not-ready' } });
    expect(nextStep(report)).toBe('wait: 02-scale-down is being applied (Deployment system-app not-ready)');
  });

  test('the target is the first phase not applied: let the GitOps engine sync it, or apply the folder by hand', () => {
    // GIVEN preflight applied, prepare the target and pending
    const pending = reportWith(['applied', 'pending', 'blocked'], { target: '01-prepare', inSync: false });

    // WHEN / THEN
    expect(nextStep(pending)).toBe('01-prepare is not applied yet: let the GitOps engine sync it (or kubectl apply --server-side --force-conflicts --field-manager=threescale-migrate -k dist/01-prepare)');
  });

  test('GIVEN the target ahead of a pending phase (scale-down targeted, prepare pending) WHEN the next step is asked THEN it never says to apply the target: it names the pending phase and moves the target back', () => {
    // GIVEN
    const report = reportWith(['applied', 'pending', 'blocked'], { target: '02-scale-down', inSync: false });

    // WHEN
    const next = nextStep(report);

    // THEN
    expect(next).toBe(
      '01-prepare is not applied yet, but the target is 02-scale-down: do not apply 02-scale-down (its folder is a full state that would skip 01-prepare and what it waits for); move the target back to prepare: threescale-migrate promote -c <plan> --to prepare --out dist --gitops <argocd|flux> and commit dist/',
    );
    expect(next).not.toMatch(/apply --server-side -k dist\/02-scale-down/);
  });

  test('GIVEN an unmigrated install (preflight pending, everything after it blocked) and the target at scale-down WHEN the next step is asked THEN it starts at the preflight', () => {
    // GIVEN
    const report = reportWith(['pending', 'blocked', 'blocked'], { target: '02-scale-down', inSync: false });

    // WHEN / THEN
    expect(nextStep(report)).toMatch(/^00-preflight is not applied yet, but the target is 02-scale-down: do not apply 02-scale-down .*; move the target back to preflight: /);
  });

  test('the first phase not done drifted: diff that phase and sync it', () => {
    const drifted = reportWith(['applied', 'drifted'], { target: '01-prepare', inSync: false });
    expect(nextStep(drifted)).toBe('01-prepare differs from the cluster: run `threescale-migrate diff --phase prepare` and let the GitOps engine sync it');
  });

  test('every phase applied but the target folder not in sync: diff before syncing', () => {
    const applied = reportWith(['applied', 'applied'], { target: '01-prepare', inSync: false });
    expect(nextStep(applied)).toBe('every phase is applied, but the target 01-prepare differs from the cluster: run `threescale-migrate diff` before letting the GitOps engine sync it');
  });

  test('the target in sync with a next phase: promote to it', () => {
    // GIVEN scale-down in sync, copy-data next
    const report = reportWith([...done(3), 'pending', 'blocked'], { target: '02-scale-down', inSync: true });

    // WHEN / THEN
    expect(nextStep(report)).toBe('02-scale-down is in sync; promote to copy-data: threescale-migrate promote -c <plan> --to copy-data --out dist --gitops <argocd|flux> and commit dist/');
  });

  test('GIVEN the plan file status read WHEN the promotion is advised THEN it names that file, quoted for a shell when it must be', () => {
    // GIVEN
    const report = reportWith([...done(3), 'pending', 'blocked'], { target: '02-scale-down', inSync: true });

    // WHEN / THEN
    expect(nextStep(report, 'clusters/prod/migration.yaml')).toContain('threescale-migrate promote -c clusters/prod/migration.yaml --to copy-data ');
    expect(nextStep(report, "my plans/it's.yaml")).toContain(`threescale-migrate promote -c 'my plans/it'\\''s.yaml' --to copy-data `);
    expect(renderStatus(report, { color: false, planFile: 'm.yaml' })).toContain('promote -c m.yaml --to copy-data');
  });

  test('GIVEN the synthesized folder read from --dir with Argo CD wiring WHEN the next step is a promotion THEN it names that folder and the engine, not dist/', () => {
    // GIVEN
    const report = { ...reportWith([...done(3), 'pending'], { target: '02-scale-down', inSync: true }), synthesized: { dir: 'clusters/prod/3scale', engine: 'argocd' as const, folder: '02-scale-down' } };

    // WHEN / THEN
    expect(nextStep(report)).toBe('02-scale-down is in sync; promote to copy-data: threescale-migrate promote -c <plan> --to copy-data --out clusters/prod/3scale --gitops argocd and commit clusters/prod/3scale/');
  });

  test('GIVEN a promotion advised WHEN the next step is read as a value THEN it carries the phase, its folder and the command the words print; a step that is no promotion carries none', () => {
    // GIVEN
    const synthesized = { dir: 'clusters/prod/3scale', engine: 'flux' as const, folder: '02-scale-down' };
    const inSync = { ...reportWith([...done(3), 'pending'], { target: '02-scale-down', inSync: true }), synthesized };
    const ahead = reportWith(['applied', 'pending', 'blocked'], { target: '02-scale-down', inSync: false });
    const byHand = { ...reportWith(['applied', 'pending'], { target: '00-preflight', inSync: true }), synthesized: { dir: 'out', engine: null, folder: null } };

    // WHEN
    const step = nextStepOf(inSync, 'm.yaml');

    // THEN
    expect(step).toEqual({
      situation: '02-scale-down is in sync',
      promotion: { verb: 'promote to', phase: 'copy-data', folder: '03-copy-data', command: 'threescale-migrate promote -c m.yaml --to copy-data --out clusters/prod/3scale --gitops flux', commit: 'clusters/prod/3scale' },
    });
    expect(stepText(step)).toBe(nextStep(inSync, 'm.yaml'));
    expect(nextStepOf(ahead).promotion).toMatchObject({ verb: 'move the target back to', phase: 'prepare', folder: '01-prepare' });
    expect(nextStepOf(byHand)).toEqual({ situation: nextStep(byHand) });
  });

  test('GIVEN a synthesized folder without wiring (applied by hand) WHEN a phase is next THEN the advice is the kubectl apply of that phase folder in it', () => {
    // GIVEN
    const pending = { ...reportWith(['applied', 'pending'], { target: '01-prepare', inSync: false }), synthesized: { dir: 'out', engine: null, folder: null } };
    const promote = { ...reportWith(['applied', 'pending'], { target: '00-preflight', inSync: true }), synthesized: { dir: 'out', engine: null, folder: null } };

    // WHEN / THEN
    expect(nextStep(pending)).toBe('01-prepare is not applied yet: apply it: kubectl apply --server-side --force-conflicts --field-manager=threescale-migrate -k out/01-prepare');
    expect(nextStep(promote)).toBe('00-preflight is in sync; apply 01-prepare next: kubectl apply --server-side --force-conflicts --field-manager=threescale-migrate -k out/01-prepare');
  });

  test('the last phase in sync: nothing left to apply', () => {
    // GIVEN every phase through verify done
    const report = reportWith(done(8), { target: '07-verify', inSync: true });

    // WHEN / THEN
    expect(nextStep(report)).toBe('07-verify is in sync; every phase is applied, nothing left to apply');
  });
});

describe('renderStatus and nextStep with failed preflight checks', () => {
  test('GIVEN a failed check WHEN status renders THEN it lists it with found, needed and the fix, before the next step', () => {
    // GIVEN
    const report = reportWith([...done(8), 'blocked'], { target: '07-verify', inSync: true, failedChecks: [OLD_OPENSHIFT] });

    // WHEN
    const lines = renderStatus(report, { color: false }).split('\n');

    // THEN
    expect(lines.slice(9, 13)).toEqual([
      '',
      'preflight checks for 3scale 2.16 (vendor requirements): 1 failed, 0 unknown, 0 passed',
      '  ✗ OpenShift version: found 4.11.45; needed 4.12 or later; fix outside this tool: upgrade OpenShift to 4.12 or later before upgrading 3scale',
      '',
    ]);
    expect(lines[13]).toBe('next: 07-verify is in sync; do not promote to upgrade yet: the preflight checks openshift-version fail (see above)');
  });

  test('GIVEN the upgrade is the target and blocked by a check WHEN the next step is asked THEN it says to fix the checks, not to sync', () => {
    // GIVEN
    const report = reportWith([...done(8), 'blocked'], { target: '08-upgrade', inSync: false, failedChecks: [OLD_OPENSHIFT] });

    // WHEN / THEN
    expect(nextStep(report)).toBe('08-upgrade is blocked by the preflight checks openshift-version: fix them first (each says what fixes it)');
  });

  test('GIVEN no failed check WHEN status renders THEN no preflight section is printed', () => {
    // GIVEN
    const report = reportWith(done(8), { target: '07-verify', inSync: true });

    // WHEN / THEN
    expect(renderStatus(report, { color: false })).not.toContain('preflight checks');
  });
});

describe('nextStep after a failure in a phase with nothing to undo', () => {
  test('does not name a rollback folder that does not exist', () => {
    // GIVEN copy-data (no rollback folder) failed
    const report = reportWith(['applied', 'applied', 'applied', 'failed'], { target: '03-copy-data', inSync: false, reasons: { 'copy-data': 'Job copy-system-database job-failed' } });

    // WHEN
    const next = nextStep(report);

    // THEN
    expect(next).toBe('03-copy-data failed (Job copy-system-database job-failed); fix the cause and let the Job rerun; 03-copy-data has nothing to undo; to go back further, apply rollback/02-scale-down');
    expect(next).not.toContain('rollback/03-copy-data');
  });
});

describe('nextStep after a failure, judged on the phases around it', () => {
  test('GIVEN a failed phase after a pending one (out of order) WHEN the next step is asked THEN no rollback folder is offered, and it says why', () => {
    // GIVEN cut-over Jobs failed while prepare never finished
    const report = reportWith(['applied', 'in-progress', 'blocked', 'blocked', 'blocked', 'failed'], { target: '05-cutover', inSync: false, reasons: { cutover: 'Job rewrite-connection-secrets job-failed' } });

    // WHEN
    const next = nextStep(report);

    // THEN
    expect(next).toBe(
      '05-cutover failed (Job rewrite-connection-secrets job-failed); fix the cause and let the Job rerun; no rollback folder is safe: 01-prepare before it is in-progress, and every rollback folder is a full state that would apply it too; bring 01-prepare to applied first',
    );
    expect(next).not.toContain('rollback/');
  });

  test('GIVEN a failed phase with a later phase already live WHEN the next step is asked THEN the rollbacks start at the later phase', () => {
    // GIVEN load-redis failed, the cut-over partly applied after it
    const report = reportWith([...done(4), 'failed', 'in-progress'], { target: '05-cutover', inSync: false, reasons: { 'load-redis': 'Job load-backend-redis job-failed' } });

    // WHEN / THEN
    expect(nextStep(report)).toBe('04-load-redis failed (Job load-backend-redis job-failed); fix the cause and let the Job rerun; to undo it, apply rollback/05-cutover, then rollback/04-load-redis');
  });
});

describe('nextStep with a rollback folder as the target', () => {
  const rolledBack = (inSync: boolean, objects: DiffReport['objects'] = []) => ({ ...reportWith([...done(5), 'drifted'], { target: 'rollback/05-cutover', inSync }), objects });

  test('GIVEN the cut-over rollback in sync WHEN the next step is asked THEN it says where the cluster is and names the next rollback down, never "nothing left to apply"', () => {
    expect(nextStep(rolledBack(true))).toBe('rollback/05-cutover is in sync: the cluster is back at the state before 05-cutover; to roll back further, target rollback/04-load-redis; once the cause is fixed, target cutover again');
  });

  test('GIVEN the cut-over rollback with a Job failed or still running WHEN the next step is asked THEN it says so', () => {
    const job = (verdict: 'job-failed' | 'job-running') => [{ ref: { apiVersion: 'batch/v1', kind: 'Job', namespace: '3scale', name: 'restore-connection-secrets' }, verdict, reason: verdict === 'job-failed' ? 'BackoffLimitExceeded' : undefined }] as unknown as DiffReport['objects'];
    expect(nextStep(rolledBack(false, job('job-failed')))).toBe('rollback/05-cutover failed (Job restore-connection-secrets: BackoffLimitExceeded); fix the cause and let the Job rerun');
    expect(nextStep(rolledBack(false, job('job-running')))).toBe('wait: rollback/05-cutover is being applied (Job restore-connection-secrets job-running)');
    expect(nextStep(rolledBack(false))).toBe('rollback/05-cutover is not applied yet: let the GitOps engine sync it (or kubectl apply --server-side --force-conflicts --field-manager=threescale-migrate -k dist/rollback/05-cutover)');
  });
});

describe('statusExitCode', () => {
  test('GIVEN the target in sync THEN 0; pending, drifted or a failed phase THEN 1', () => {
    expect(statusExitCode(reportWith(done(3), { target: '02-scale-down', inSync: true }))).toBe(0);
    expect(statusExitCode(reportWith(['applied', 'pending'], { target: '01-prepare', inSync: false }))).toBe(1);
    expect(statusExitCode(reportWith(['applied', 'failed'], { target: '00-preflight', inSync: true }))).toBe(1);
  });
});
