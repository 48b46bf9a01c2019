import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    expect(run.stdout).toContain('synthesized 9 phases and 6 rollbacks of prod-3scale');
    expect(readdirSync(out)).toEqual(['.threescale-migrate-manifest', '00-preflight', '01-prepare', '02-scale-down', '03-copy-data', '04-load-redis', '05-cutover', '06-scale-up', '07-verify', '08-upgrade', 'rollback']);
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

  describe('--out rules', () => {
    test.each([
      ['an empty path (an unset variable)', () => '', '--out: the path is empty (an unset variable?); expected a folder of its own, such as dist.'],
      ['the root folder', () => '/', '--out /: is the root folder; expected a folder of its own, such as dist.'],
      ['the current folder', () => '.', '--out .: is the current folder or holds it; expected a folder of its own below it, such as dist.'],
      ['a folder above the current one', () => '..', '--out ..: is the current folder or holds it; expected a folder of its own below it, such as dist.'],
    ])('GIVEN --out naming %s WHEN synthesized THEN exit 2 in one sentence, nothing written', async (_, out, message) => {
      // GIVEN
      const before = readdirSync(process.cwd());

      // WHEN
      const run = await runCli(['synth', '-c', EXAMPLE, '--out', out()]);

      // THEN
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`error: ${message}\n`);
      expect(readdirSync(process.cwd())).toEqual(before);
    });

    test('GIVEN --out naming the folder of the plan file or a folder above it WHEN synthesized THEN exit 2 naming the plan, the plan untouched', async () => {
      // GIVEN
      const repo = mkdtempSync(join(tmpdir(), 'synth-'));
      mkdirSync(join(repo, 'plans'));
      const plan = join(repo, 'plans', 'migration.yaml');
      writeFileSync(plan, readFileSync(EXAMPLE, 'utf8'));

      // WHEN
      const same = await runCli(['synth', '-c', plan, '--out', join(repo, 'plans')]);
      const above = await runCli(['synth', '-c', plan, '--out', repo]);

      // THEN
      expect(same.code).toBe(2);
      expect(same.stderr).toBe(`error: --out ${join(repo, 'plans')}: holds the plan file ${plan}; expected a folder of its own that does not contain the plan, such as dist.\n`);
      expect(above.code).toBe(2);
      expect(above.stderr).toContain(`error: --out ${repo}: holds the plan file ${plan};`);
      expect(readFileSync(plan, 'utf8')).toBe(readFileSync(EXAMPLE, 'utf8'));
    });

    test('GIVEN a GitOps repository (.git, README, a sibling application) WHEN synthesized into it, and into a new folder beside the sibling THEN the first is refused untouched, the second leaves the sibling alone', async () => {
      // GIVEN
      const repo = mkdtempSync(join(tmpdir(), 'synth-'));
      mkdirSync(join(repo, '.git'));
      writeFileSync(join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
      writeFileSync(join(repo, 'README.md'), '# clusters\n');
      mkdirSync(join(repo, 'clusters', 'prod', 'other-app'), { recursive: true });
      writeFileSync(join(repo, 'clusters', 'prod', 'other-app', 'kustomization.yaml'), 'resources: []\n');

      // WHEN
      const intoRepo = await runCli(['synth', '-c', EXAMPLE, '--out', repo]);
      const beside = await runCli(['synth', '-c', EXAMPLE, '--out', join(repo, 'clusters', 'prod', '3scale-migration')]);
      const again = await runCli(['synth', '-c', EXAMPLE, '--out', join(repo, 'clusters', 'prod', '3scale-migration')]);

      // THEN
      expect(intoRepo.code).toBe(2);
      expect(intoRepo.stderr).toBe(
        `error: ${repo}: holds ".git", "README.md", "clusters" and no manifest of synth (.threescale-migrate-manifest), so it is not a folder synth wrote; expected an absent or empty folder, or one an earlier synth wrote (choose another --out, or empty this one yourself).\n`,
      );
      expect(readFileSync(join(repo, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
      expect(beside.code).toBe(0);
      expect(again.code).toBe(0);
      expect(readdirSync(join(repo, 'clusters', 'prod'))).toEqual(['3scale-migration', 'other-app']);
      expect(readdirSync(repo).sort()).toEqual(['.git', 'README.md', 'clusters']);
      expect(readFileSync(join(repo, 'clusters', 'prod', '3scale-migration', '.threescale-migrate-manifest'), 'utf8')).toMatch(/^threescale-migrate output manifest, format 1\n#[^\n]*\n00-preflight\/\S+\.yaml\n/);
    });
  });

  test('GIVEN the installed CLI killed between its two renames (THREESCALE_MIGRATE_KILL_AT) WHEN synth runs again THEN the output is whole again and nothing is left beside it', () => {
    // GIVEN: a first synth, and the number of its files (the kill points are: locked, staging folder
    // created, each file, manifest written, previous output moved aside, ...)
    const parent = mkdtempSync(join(tmpdir(), 'synth-kill-'));
    const out = join(parent, 'dist');
    const synth = (env: Record<string, string> = {}) =>
      spawnSync(process.execPath, [join(ROOT, 'bin', 'threescale-migrate.js'), 'synth', '-c', EXAMPLE, '--out', out], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(synth().status).toBe(0);
    const manifest = readFileSync(join(out, '.threescale-migrate-manifest'), 'utf8');
    const fileCount = manifest.trimEnd().split('\n').length - 2;

    // WHEN killed right after the previous output was moved aside
    const killed = synth({ THREESCALE_MIGRATE_KILL_AT: String(fileCount + 4) });

    // THEN no output folder for a reader, both trees whole beside it
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stderr).toBe(`kill point ${fileCount + 4}: previous output moved aside\n`);
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(join(parent, '.dist.threescale-migrate.new', '.threescale-migrate-manifest'), 'utf8')).toBe(manifest);

    // WHEN run again THEN whole, nothing beside it
    const again = synth();
    expect(again.status).toBe(0);
    expect(readFileSync(join(out, '.threescale-migrate-manifest'), 'utf8')).toBe(manifest);
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  describe('GitOps wiring: nothing filled in silently', () => {
    const REDIS_ONLY = join(ROOT, 'examples', 'redis-only', 'migration.yaml');
    /** A copy of the redis-only example (no spec.gitops) with `gitops` lines added under spec. */
    const planWith = (dir: string, gitops: string) => {
      const path = join(dir, 'migration.yaml');
      writeFileSync(path, readFileSync(REDIS_ONLY, 'utf8').replace(/^spec:\n/m, `spec:\n  gitops:\n${gitops}`));
      return path;
    };

    test('GIVEN --target-phase without --gitops WHEN synthesized THEN exit 2: the flag would be ignored', async () => {
      // GIVEN
      const out = join(mkdtempSync(join(tmpdir(), 'synth-')), 'dist');

      // WHEN
      const run = await runCli(['synth', '-c', EXAMPLE, '--out', out, '--target-phase', 'copy-data']);

      // THEN
      expect(run.code).toBe(2);
      expect(run.stderr).toBe('error: --target-phase: only with --gitops argocd or flux (it sets the phase folder the engine reconciles); without --gitops every folder is written and none is targeted.\n');
      expect(existsSync(out)).toBe(false);
    });

    test('GIVEN a plan without spec.gitops WHEN synthesized with --gitops argocd THEN exit 2 naming spec.gitops.repoURL, nothing written', async () => {
      // GIVEN
      const out = join(mkdtempSync(join(tmpdir(), 'synth-')), 'dist');

      // WHEN
      const run = await runCli(['synth', '-c', REDIS_ONLY, '--out', out, '--gitops', 'argocd']);

      // THEN
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: spec\.gitops\.repoURL: required with --gitops argocd; /);
      expect(existsSync(out)).toBe(false);
    });

    test('GIVEN an invalid spec.gitops.targetPhase WHEN synth runs without --gitops, or plan shows it THEN both exit 2 naming the field', async () => {
      // GIVEN
      const dir = mkdtempSync(join(tmpdir(), 'synth-'));
      const unknown = planWith(dir, '    targetPhase: warp-speed\n');
      const noRollback = planWith(mkdtempSync(join(tmpdir(), 'synth-')), '    targetPhase: rollback/copy-data\n');

      // WHEN
      const synth = await runCli(['synth', '-c', unknown, '--out', join(dir, 'dist')]);
      const plan = await runCli(['plan', '-c', unknown]);
      const rollback = await runCli(['plan', '-c', noRollback]);

      // THEN
      expect(synth.code).toBe(2);
      expect(synth.stderr).toBe(`error: ${unknown}: spec.gitops.targetPhase: "warp-speed" is not a phase of this plan; expected one of preflight, prepare, scale-down, copy-data, load-redis, cutover, scale-up, verify, cleanup (or rollback/<id>).\n`);
      expect(plan.code).toBe(2);
      expect(plan.stderr).toBe(synth.stderr);
      expect(rollback.code).toBe(2);
      expect(rollback.stderr).toMatch(/spec\.gitops\.targetPhase: phase "copy-data" has no rollback; expected one of rollback\/prepare, /);
    });

    test('GIVEN a plan without spec.gitops.repoURL nor spec.gitops.flux.sourceName WHEN synthesized with --gitops flux THEN exit 2 naming spec.gitops.repoURL, nothing written', async () => {
      // GIVEN
      const out = join(mkdtempSync(join(tmpdir(), 'synth-')), 'dist');

      // WHEN
      const run = await runCli(['synth', '-c', REDIS_ONLY, '--out', out, '--gitops', 'flux']);

      // THEN
      expect(run.code).toBe(2);
      expect(run.stderr).toBe('error: spec.gitops.repoURL: required with --gitops flux unless spec.gitops.flux.sourceName names an existing source; expected the URL of the Git repository the synthesized folder is committed to (the rendered GitRepository reads it).\n');
      expect(existsSync(out)).toBe(false);
    });

    test('GIVEN no spec.gitops.path and --out inside a Git repository WHEN wiring is rendered THEN its paths are --out relative to the repository root, and the summary says so', async () => {
      // GIVEN a Git repository (its .git folder) with the plan at its root
      const repo = mkdtempSync(join(tmpdir(), 'synth-repo-'));
      mkdirSync(join(repo, '.git'));
      const plan = planWith(repo, '    repoURL: https://git.example.org/ops/dev.git\n');
      const out = join(repo, 'clusters', 'dev', '3scale');

      // WHEN
      const run = await runCli(['synth', '-c', plan, '--out', out, '--gitops', 'argocd']);

      // THEN
      expect(run.code).toBe(0);
      const app = readFileSync(join(out, 'gitops', 'argocd', 'application.yaml'), 'utf8');
      expect(app).toContain('path: clusters/dev/3scale/00-preflight');
      expect(app).toContain('repoURL: https://git.example.org/ops/dev.git');
      expect(run.stdout).toContain('the engine reads https://git.example.org/ops/dev.git at main, path clusters/dev/3scale (--out in its Git repository)');
    });

    test('GIVEN no spec.gitops.path and --out outside any Git repository and outside the current folder WHEN wiring is rendered THEN exit 2 asking for spec.gitops.path', async () => {
      // GIVEN a plan whose Flux wiring reads an existing source (no repoURL needed)
      const out = join(mkdtempSync(join(tmpdir(), 'synth-')), 'dist');
      const plan = planWith(mkdtempSync(join(tmpdir(), 'synth-plan-')), '    flux:\n      sourceName: fleet\n');

      // WHEN
      const run = await runCli(['synth', '-c', plan, '--out', out, '--gitops', 'flux']);

      // THEN
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`error: spec.gitops.path: required with --gitops when --out (${out}) is not inside a Git repository nor below the current folder; expected the folder's path in the repository the engine reads, such as clusters/prod/3scale-migration.\n`);
      expect(existsSync(out)).toBe(false);
    });
  });
});
