/**
 * The package installs and runs the way OpenShift administrators install tools: `npm pack` ships the built
 * CLI and its data files, the installed layout runs from any folder, the bin of an unbuilt checkout says
 * what to do in one sentence, and the single-file release runs `plan` and `synth` with Node.js alone.
 * Built by `npm run build` first (as every test of this repository); the release file is built here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'postgresql-and-redis', 'migration.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'distribution-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs node with the given arguments in `cwd`; no stack trace is ever expected on stderr. */
function node(args: readonly string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const filesUnder = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));

describe('npm pack', () => {
  let packed: string[];
  let tarball: string;

  beforeAll(() => {
    // --ignore-scripts: the build is the suite's precondition; prepack runs it for a real `npm pack`.
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8' });
    const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    packed = info!.files.map((f) => f.path).sort();
    tarball = join(tmp, info!.filename);
  }, 120_000);

  test('GIVEN the package WHEN packed THEN it ships the bin, the built CLI with its lazy chunks, the CRDs, the Job scripts, the examples and the LICENSE; no sources, tests or snapshots', () => {
    for (const f of ['bin/threescale-migrate.js', 'build/cli/index.js', 'crds/apimanager.apps.3scale.net.yaml', 'charts/scripts/pg-copy.sh', 'charts/scripts/lib/common.sh', 'examples/postgresql-and-redis/migration.yaml', 'LICENSE', 'README.md', 'package.json']) {
      expect(packed, f).toContain(f);
    }
    expect(packed.some((f) => f.startsWith('build/cli/lazy/'))).toBe(true);
    expect(packed.filter((f) => /^(src|test|snapshots|build\/src|build\/test|bench)\//.test(f))).toEqual([]);
  });

  test('GIVEN the tarball unpacked as npm installs it (its dependencies beside it) WHEN its bin runs from another folder THEN --version, plan and synth of the bundled example work', () => {
    // GIVEN <prefix>/lib/node_modules/threescale-migrate from the tarball, dependencies from this checkout
    const prefix = join(tmp, 'prefix');
    const installed = join(prefix, 'lib', 'node_modules', 'threescale-migrate');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    symlinkSync(join(ROOT, 'node_modules'), join(installed, 'node_modules'), 'dir');
    const work = mkdtempSync(join(tmp, 'work-'));
    const bin = join(installed, 'bin', 'threescale-migrate.js');

    // WHEN
    const version = node([bin, '--version'], work);
    const plan = node([bin, 'plan', '-c', join(installed, 'examples', 'redis-only', 'migration.yaml')], work);
    const synth = node([bin, 'synth', '-c', join(installed, 'examples', 'redis-only', 'migration.yaml'), '--out', 'out'], work);

    // THEN
    expect(version).toEqual({ code: 0, stdout: `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`, stderr: '' });
    expect(plan).toMatchObject({ code: 0, stderr: '' });
    expect(plan.stdout).toMatch(/^Migration dev-3scale: /);
    expect(synth).toMatchObject({ code: 0, stderr: '' });
    expect(readdirSync(join(work, 'out'))).toContain('00-preflight');
  });
});

describe('the bin of a checkout that was not built', () => {
  test('GIVEN bin/ without build/ WHEN run THEN one sentence saying to build, exit 2, no stack trace', () => {
    // GIVEN
    const checkout = join(tmp, 'unbuilt');
    mkdirSync(join(checkout, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'bin', 'threescale-migrate.js'), join(checkout, 'bin', 'threescale-migrate.js'));
    cpSync(join(ROOT, 'package.json'), join(checkout, 'package.json'));

    // WHEN
    const run = node([join(checkout, 'bin', 'threescale-migrate.js'), '--version'], checkout);

    // THEN
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'threescale-migrate: build/cli/index.js is missing; expected a built package: run `npm run build` in a checkout (an installed package ships it).\n',
    });
  });
});

describe('the single-file release (npm run release)', () => {
  let release: string;

  beforeAll(() => {
    execFileSync(process.execPath, [join(ROOT, 'build-tools', 'release.mjs')], { cwd: ROOT, encoding: 'utf8' });
    release = join(ROOT, 'release', 'threescale-migrate.mjs');
  }, 120_000);

  test('GIVEN the release file WHEN read THEN its checksum file matches, and it imports nothing but Node built-ins', () => {
    // GIVEN
    const bytes = readFileSync(release);
    const text = bytes.toString('utf8');

    // THEN
    expect(readFileSync(`${release}.sha256`, 'utf8')).toBe(`${createHash('sha256').update(bytes).digest('hex')}  threescale-migrate.mjs\n`);
    const imported = [...text.matchAll(/(?:^import .* from |import\()"([^"\n]+)"/gm)].map((m) => m[1]!);
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.filter((s) => !isBuiltin(s))).toEqual([]);
  });

  test('GIVEN only Node.js, the release file and the example plan in an empty folder WHEN plan and synth run THEN both work and synth writes what the snapshots hold', () => {
    // GIVEN a folder with no package.json and no node_modules
    const bastion = mkdtempSync(join(tmpdir(), 'bastion-'));
    try {
      cpSync(release, join(bastion, 'threescale-migrate.mjs'));
      cpSync(EXAMPLE, join(bastion, 'migration.yaml'));
      expect(readdirSync(bastion).sort()).toEqual(['migration.yaml', 'threescale-migrate.mjs']);

      // WHEN
      const plan = node(['threescale-migrate.mjs', 'plan', '-c', 'migration.yaml'], bastion);
      const synth = node(['threescale-migrate.mjs', 'synth', '-c', 'migration.yaml', '--out', 'out'], bastion);

      // THEN
      expect(plan).toMatchObject({ code: 0, stderr: '' });
      expect(plan.stdout).toMatch(/^Migration prod-3scale: /);
      expect(synth).toMatchObject({ code: 0, stderr: '' });
      const out = join(bastion, 'out');
      const snapshots = join(ROOT, 'snapshots', 'postgresql-and-redis');
      // synth's own record of what it wrote is not part of the snapshots
      const written = filesUnder(out).map((f) => relative(out, f)).filter((f) => f !== '.threescale-migrate-manifest').sort();
      expect(written).toEqual(filesUnder(snapshots).map((f) => relative(snapshots, f)).sort());
      for (const f of written) expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(snapshots, f), 'utf8'));
    } finally {
      rmSync(bastion, { recursive: true, force: true });
    }
  });
});
