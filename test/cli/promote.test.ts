/**
 * Specification of `threescale-migrate promote`: the pointer moves only when status shows every earlier phase
 * done; --check only judges (a pull request's check) and reads the target from the committed wiring.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { ROOT } from '../support/plans.js';

const EXAMPLE = join(ROOT, 'examples', 'postgresql-and-redis', 'migration.yaml');
// A 2.15 install that has not started the migration: nothing of preflight is live.
const UNTOUCHED = join(ROOT, 'test', 'fixtures', 'live-2.15-postgresql.yaml');
const outDir = () => join(mkdtempSync(join(tmpdir(), 'promote-')), 'dist');

describe('promote', () => {
  test('GIVEN an untouched install WHEN promoted to preflight THEN the wiring points at 00-preflight', async () => {
    // GIVEN
    const out = outDir();

    // WHEN
    const run = await runCli(['promote', '-c', EXAMPLE, '--live-file', UNTOUCHED, '--to', 'preflight', '--gitops', 'argocd', '--out', out]);

    // THEN
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('promoted: preflight: 00-preflight is the first phase.\n');
    expect(readFileSync(join(out, 'gitops', 'argocd', 'application.yaml'), 'utf8')).toContain('path: clusters/prod/3scale-migration/00-preflight\n');
  });

  test('GIVEN preflight not applied WHEN promoted to prepare THEN exit 1, why, and nothing written', async () => {
    // GIVEN
    const out = outDir();

    // WHEN
    const run = await runCli(['promote', '-c', EXAMPLE, '--live-file', UNTOUCHED, '--to', 'prepare', '--gitops', 'flux', '--out', out]);

    // THEN
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^refused: not moving to prepare: 00-preflight is pending \(nothing of it is live yet .*\); 01-prepare may follow only when every phase before it is applied\.\n$/);
    expect(existsSync(out)).toBe(false);
  });

  test('GIVEN committed wiring pointing at prepare WHEN checked (a pull request) THEN exit 1 with the reason; the wiring is unchanged', async () => {
    // GIVEN
    const out = outDir();
    expect((await runCli(['synth', '-c', EXAMPLE, '--out', out, '--gitops', 'flux', '--target-phase', 'prepare'])).code).toBe(0);
    const before = readFileSync(join(out, 'gitops', 'flux', 'kustomization-pointer.yaml'), 'utf8');

    // WHEN
    const run = await runCli(['promote', '--check', '-c', EXAMPLE, '--live-file', UNTOUCHED, '--out', out]);

    // THEN
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('refused: not moving to prepare: 00-preflight is pending');
    expect(readFileSync(join(out, 'gitops', 'flux', 'kustomization-pointer.yaml'), 'utf8')).toBe(before);
  });

  test('GIVEN committed wiring pointing at a rollback folder WHEN checked THEN allowed', async () => {
    // GIVEN
    const out = outDir();
    expect((await runCli(['synth', '-c', EXAMPLE, '--out', out, '--gitops', 'argocd', '--target-phase', 'rollback/cutover'])).code).toBe(0);

    // WHEN
    const run = await runCli(['promote', '--check', '-c', EXAMPLE, '--live-file', UNTOUCHED, '--out', out]);

    // THEN
    expect(run).toMatchObject({ code: 0, stdout: 'allowed: rollback/cutover: rollback/05-cutover undoes 05-cutover; rollbacks are never held back.\n' });
  });

  test('GIVEN no wiring and no --to WHEN checked THEN exit 2 naming the folder and what was expected', async () => {
    // WHEN
    const out = outDir();
    const run = await runCli(['promote', '--check', '-c', EXAMPLE, '--live-file', UNTOUCHED, '--out', out]);

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: ${out}: no GitOps wiring found (expected gitops/argocd/application.yaml or gitops/flux/kustomization-pointer.yaml); give --to <phase>.\n`);
  });

  test('GIVEN a pointer without its phase annotation WHEN checked THEN exit 2 naming the file and the field', async () => {
    // GIVEN
    const out = outDir();
    expect((await runCli(['synth', '-c', EXAMPLE, '--out', out, '--gitops', 'argocd'])).code).toBe(0);
    const file = join(out, 'gitops', 'argocd', 'application.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/ {4}threescale-migrate\.3scale\.net\/phase: .*\n/, ''));

    // WHEN
    const run = await runCli(['promote', '--check', '-c', EXAMPLE, '--live-file', UNTOUCHED, '--out', out]);

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: ${file}: metadata.annotations.threescale-migrate.3scale.net/phase: expected the folder the pointer points at.\n`);
  });

  test('GIVEN an allowed move without --gitops, without --check and no wiring in --out WHEN promoted THEN exit 2 naming --gitops', async () => {
    // GIVEN
    const out = outDir();

    // WHEN
    const run = await runCli(['promote', '-c', EXAMPLE, '--live-file', UNTOUCHED, '--to', 'preflight', '--out', out]);

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: --gitops: expected argocd or flux to move the pointer (${out} holds no GitOps wiring), or --check to only judge.\n`);
  });

  test('GIVEN --out holding Flux wiring WHEN an allowed move is promoted without --gitops THEN the Flux pointer moves (the engine is the one --out holds)', async () => {
    // GIVEN
    const out = outDir();
    expect((await runCli(['synth', '-c', EXAMPLE, '--out', out, '--gitops', 'flux', '--target-phase', 'prepare'])).code).toBe(0);

    // WHEN
    const run = await runCli(['promote', '-c', EXAMPLE, '--live-file', UNTOUCHED, '--to', 'preflight', '--out', out]);

    // THEN
    expect(run.code).toBe(0);
    expect(readFileSync(join(out, 'gitops', 'flux', 'kustomization-pointer.yaml'), 'utf8')).toContain('path: ./clusters/prod/3scale-migration/00-preflight\n');
    expect(existsSync(join(out, 'gitops', 'argocd'))).toBe(false);
  });
});
