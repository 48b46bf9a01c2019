/**
 * Issue 17's proof: a fourth procedure, registered from one fixture folder through the engine's public
 * registration API (`registerProcedure`), runs through synth (plain, Argo CD and Flux wiring), plan, diff and
 * status like the built-in ones, with no engine file knowing it. The README's "Adding a procedure" explains it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { registerProcedure } from '../../src/phases/registry.js';
import { loadPlanFile } from '../../src/plan/load-plan.js';
import { renderPlanView } from '../../src/plan-view/render-plan-view.js';
import { renderReportText } from '../../src/status/render-report.js';
import { renderStatus } from '../../src/status/render-status.js';
import { compareWithLive } from '../../src/status/run-diff.js';
import { runSynth } from '../../src/synth/run-synth.js';
import { rotateDatabasePassword } from '../fixtures/procedures/rotate-database-password/procedure.js';
import { userError } from '../support/plans.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'procedures', 'rotate-database-password');
const PLAN = join(FIXTURE, 'plan.yaml');
const EXPORT = join(FIXTURE, 'export.yaml');
const work = mkdtempSync(join(tmpdir(), 'tsm-fourth-'));

beforeAll(() => registerProcedure(rotateDatabasePassword));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');

describe('a fourth procedure registered from its fixture folder', () => {
  test('GIVEN the rotation plan WHEN synthesized THEN each phase is a folder of its own objects, the Job only in its phase, the rollback beside it', async () => {
    // WHEN
    const out = join(work, 'plain');
    await runSynth({ planPath: PLAN, outDir: out });

    // THEN
    const job = parse(read(out, '00-new-password/3scale_job_rotate-database-password.yaml'));
    expect(job.spec.template.spec.containers[0].env).toEqual([
      { name: 'DATABASE_SECRET', value: 'system-database' },
      { name: 'BACKUP_SECRET', value: 'system-database-before-rotation' },
      { name: 'NEW_PASSWORD', valueFrom: { secretKeyRef: { name: 'system-database-new-password', key: 'password' } } },
    ]);
    expect(job.spec.template.spec.containers[0].command[2]).toContain("ALTER ROLE CURRENT_USER WITH PASSWORD :'pw';");
    expect(job.metadata.annotations['argocd.argoproj.io/hook']).toBe('Sync');
    expect(read(out, '01-rollout/kustomization.yaml')).not.toContain('rotate-database-password');
    expect(parse(read(out, '01-rollout/3scale_deployment_system-app.yaml')).spec.template.metadata.annotations).toEqual({ 'threescale-migrate.3scale.net/password-rotation': 'rotate-prod' });
    expect(read(out, 'rollback/00-new-password/kustomization.yaml')).toContain('3scale_job_restore-database-password.yaml');
    expect(read(out, '02-verify/PHASE.md')).toContain('# 02-verify: Connect with the rotated Secret');
  });

  test.each(['argocd', 'flux'] as const)('GIVEN --gitops %s WHEN synthesized THEN the wiring points the engine at the plan\'s first phase', async (engine) => {
    // WHEN
    const out = join(work, engine);
    await runSynth({ planPath: PLAN, outDir: out, gitops: engine });

    // THEN
    const wiring = readdirSync(join(out, 'gitops', engine)).map((f) => read(out, `gitops/${engine}/${f}`)).join('\n');
    expect(wiring).toContain('clusters/prod/rotate-database-password/00-new-password');
    expect(wiring).toContain('https://git.example.com/platform/gitops.git');
  });

  test('GIVEN the rotation plan WHEN viewed THEN every phase, its rollback and what it changes are listed', () => {
    // WHEN
    const text = renderPlanView(loadPlanFile(PLAN).plan, 'text');

    // THEN
    expect(text).toContain('00-new-password');
    expect(text).toContain('02-verify');
    expect(text).toContain('rollback: rollback/00-new-password: the old password back, in the database and in the Secret');
    expect(text).toContain('window: none (3scale keeps running; its pods restart one by one)');
  });

  test('GIVEN an export where the rotation Job completed and the Deployments carry the annotation WHEN diffed and statused offline THEN 00 and 01 are applied, 02 pending, and the next step applies 02', async () => {
    // WHEN
    const report = await compareWithLive({ planPath: PLAN, liveFile: EXPORT, phase: 'rollout' });

    // THEN
    expect(report.phases.map((p) => `${p.folder} ${p.status}`)).toEqual(['00-new-password applied', '01-rollout applied', '02-verify pending']);
    expect(report.inSync).toBe(true);
    expect(report.preflight).toBeUndefined();
    expect(renderReportText(report, { color: false })).toContain('01-rollout: in sync');
    const status = renderStatus(report, { color: false, planFile: PLAN });
    expect(status).toContain('next: 01-rollout is in sync; ');
    expect(status).toContain('02-verify');
  });

  test('GIVEN a rotation plan with a hostile field WHEN loaded THEN the procedure\'s own validation refuses it in one sentence naming the field', () => {
    const bad = join(work, 'bad.yaml');
    const text = read(FIXTURE, 'plan.yaml').replace('newPasswordSecret: system-database-new-password', 'newPasswordSecret: "../../etc"');
    writeFileSync(bad, text);
    expect(userError(() => loadPlanFile(bad)).message).toMatch(/^.*bad\.yaml: spec\.newPasswordSecret: .+\.$/);
  });
});
