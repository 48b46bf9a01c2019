import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'postgresql-and-redis', 'migration.yaml');

describe('threescale-migrate (the program)', () => {
  test('GIVEN --version WHEN run THEN it prints the package version and exits 0', async () => {
    // GIVEN / WHEN
    const run = await runCli(['--version']);

    // THEN
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('GIVEN an unknown command WHEN run THEN one line on stderr and exit 2', async () => {
    // GIVEN / WHEN
    const run = await runCli(['migrate-everything']);

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain("unknown command 'migrate-everything'");
  });

  test('GIVEN a flag value outside its choices WHEN run THEN exit 2 naming the allowed values', async () => {
    // GIVEN / WHEN
    const run = await runCli(['plan', '-c', EXAMPLE, '-o', 'yaml']);

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Allowed choices are text, json, mermaid');
  });

  test.each([
    ['an exception thrown in a timer', 'setTimeout(() => { throw new Error("boom in a timer"); }, 300);', 'boom in a timer'],
    ['a promise rejected and never awaited', 'setTimeout(() => { Promise.reject(new Error("boom in a promise")); }, 300);', 'boom in a promise'],
  ])('GIVEN %s outside the command WHEN the installed CLI runs THEN exit 70 as an internal error, never 1 (which means differences)', (_, code, message) => {
    // GIVEN
    const argv = ['--import', `data:text/javascript,${encodeURIComponent(code)}`, 'bin/threescale-migrate.js', '--version'];

    // WHEN
    const run = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8' });

    // THEN
    expect(run.status).toBe(70);
    expect(run.stderr).toContain(`threescale-migrate: internal error, please report it: Error: ${message}`);
  });
});

describe('lazy imports', () => {
  beforeAll(() => {
    // `npm test` builds first; a bare `vitest run` on a fresh clone needs the compiled CLI too.
    if (!existsSync(join(ROOT, 'build', 'src', 'cli', 'index.js'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
  });

  test.each([['--version'], ['--help'], ['status', '--help'], ['plan', '-c', EXAMPLE]])(
    'GIVEN `%s` WHEN run THEN neither cdk8s nor the Kubernetes client nor the diff engine is loaded',
    (...args) => {
      // GIVEN
      const argv = ['--import', './test/support/module-trace.mjs', 'bin/threescale-migrate.js', ...args];

      // WHEN
      const run = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8' });

      // THEN
      expect(run.status).toBe(0);
      expect(run.stderr).not.toContain('LOADED');
    },
  );

  test('GIVEN synth WHEN run THEN the trace does see cdk8s (the check itself works)', () => {
    // GIVEN: no output of an earlier version (without synth's manifest, which synth would refuse to replace)
    rmSync(join(ROOT, 'build', 'trace-dist'), { recursive: true, force: true });
    const argv = ['--import', './test/support/module-trace.mjs', 'bin/threescale-migrate.js', 'synth', '-c', EXAMPLE, '--out', join(ROOT, 'build', 'trace-dist')];

    // WHEN
    const run = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8' });

    // THEN
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('LOADED cdk8s');
  });

  test('GIVEN an offline diff WHEN run THEN the trace sees the diff engine, which the bundle holds (the check sees bundled packages)', () => {
    // GIVEN
    const argv = ['--import', './test/support/module-trace.mjs', 'bin/threescale-migrate.js', 'diff', '-c', EXAMPLE, '--live-file', join(ROOT, 'test', 'fixtures', 'live-2.15-postgresql.yaml'), '-o', 'json'];

    // WHEN
    const run = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8' });

    // THEN: differences found (exit 1), and jsondiffpatch, bundled into build/cli/lazy/, reported as loaded
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('LOADED jsondiffpatch');
  });
});
