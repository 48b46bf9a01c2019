import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'postgresql-and-redis', 'migration.yaml');

describe('threescale-migrate synth', () => {
  test('GIVEN the example WHEN synthesized THEN every phase folder and rollback folder is written, with a summary', async () => {
    // GIVEN
    const out = join(mkdtempSync(join(tmpdir(), 'synth-')), 'dist');

    // WHEN
    const run = await runCli(['synth', '-c', EXAMPLE, '--out', out]);

    // THEN
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('synthesized 10 phases and 7 rollbacks of prod-3scale');
    expect(readdirSync(out)).toEqual(['00-preflight', '01-prepare', '02-scale-down', '03-copy-data', '04-load-redis', '05-persist', '06-cutover', '07-scale-up', '08-verify', '09-upgrade', 'rollback']);
    expect(readFileSync(join(out, '02-scale-down', 'kustomization.yaml'), 'utf8')).toContain('3scale_deployment_system-app.yaml');
  });

  test('GIVEN a bad plan WHEN synthesized over an existing output THEN exit 2, one sentence, the old output untouched', async () => {
    // GIVEN
    const dir = mkdtempSync(join(tmpdir(), 'synth-'));
    const out = join(dir, 'dist');
    await runCli(['synth', '-c', EXAMPLE, '--out', out]);
    const before = readdirSync(out);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(EXAMPLE, 'utf8').replace('system-app: 2', 'system-app: -2'));

    // WHEN
    const run = await runCli(['synth', '-c', bad, '--out', out]);

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: ${bad}: spec.replicas.system-app: expected a replica count of 0 or more, got -2.\n`);
    expect(readdirSync(out)).toEqual(before);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  test('GIVEN --version-requirements operator WHEN synthesized THEN the version-check Jobs state the operator table; an unknown table is exit 2', async () => {
    // GIVEN
    const out = join(mkdtempSync(join(tmpdir(), 'synth-')), 'dist');

    // WHEN
    const run = await runCli(['synth', '-c', EXAMPLE, '--out', out, '--version-requirements', 'operator']);
    const bad = await runCli(['synth', '-c', EXAMPLE, '--out', out, '--version-requirements', 'newest']);

    // THEN
    expect(run.code).toBe(0);
    const job = readFileSync(join(out, '00-preflight', '3scale_job_check-versions-redis.yaml'), 'utf8');
    expect(job).toMatch(/- name: REQUIREMENTS\n\s+value: operator\n/);
    expect(job).toMatch(/- name: REQUIRED_REDIS\n\s+value: 7\.0\.0\n/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--version-requirements <table>' argument 'newest' is invalid. Allowed choices are vendor, operator.");
  });

  test('GIVEN --out naming a file WHEN synthesized THEN exit 2 naming it', async () => {
    // GIVEN
    const file = join(mkdtempSync(join(tmpdir(), 'synth-')), 'dist');
    writeFileSync(file, 'not a folder');

    // WHEN
    const run = await runCli(['synth', '-c', EXAMPLE, '--out', file]);

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}: exists and is not a folder`);
  });

  test('GIVEN --gitops flux WHEN synthesized THEN the GitRepository and the one Kustomization pointing at the target are written beside the phases', async () => {
    // GIVEN
    const out = join(mkdtempSync(join(tmpdir(), 'synth-')), 'dist');

    // WHEN
    const run = await runCli(['synth', '-c', EXAMPLE, '--out', out, '--gitops', 'flux', '--target-phase', 'copy-data']);

    // THEN
    expect(run.code).toBe(0);
    expect(readdirSync(join(out, 'gitops', 'flux'))).toEqual(['gitrepository.yaml', 'kustomization-pointer.yaml', 'kustomization.yaml']);
    expect(readFileSync(join(out, 'gitops', 'flux', 'kustomization-pointer.yaml'), 'utf8')).toContain('path: ./clusters/prod/3scale-migration/03-copy-data\n');
  });

  test('GIVEN an unknown --target-phase WHEN synthesized THEN exit 2 naming the flag and the choices, nothing written', async () => {
    // GIVEN
    const out = join(mkdtempSync(join(tmpdir(), 'synth-')), 'dist');

    // WHEN
    const run = await runCli(['synth', '-c', EXAMPLE, '--out', out, '--gitops', 'argocd', '--target-phase', 'warp-speed']);

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--target-phase: "warp-speed" is not a phase of this plan; expected one of preflight, prepare');
    expect(existsSync(out)).toBe(false);
  });
});
