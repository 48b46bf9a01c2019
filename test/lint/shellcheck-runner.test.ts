/**
 * Specification of build-tools/shellcheck.mjs, the shellcheck step of `npm run lint`: it checks every script
 * the Jobs run, and a machine without shellcheck skips it only outside CI.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../support/db-servers.js';

const RUNNER = join(REPO_ROOT, 'build-tools', 'shellcheck.mjs');
/** A PATH holding node and nothing else: no shellcheck on it. */
const bare = mkdtempSync(join(tmpdir(), 'tsm-no-shellcheck-'));
symlinkSync(process.execPath, join(bare, 'node'));
afterAll(() => rmSync(bare, { recursive: true, force: true }));

const HAS_SHELLCHECK = spawnSync('shellcheck', ['--version']).error === undefined;

function run(env: Record<string, string>) {
  return spawnSync(process.execPath, [RUNNER], { cwd: REPO_ROOT, env, encoding: 'utf8' });
}

describe('build-tools/shellcheck.mjs', () => {
  test('GIVEN no shellcheck on PATH and CI=true WHEN the lint step runs THEN it fails with exit 2 naming the Debian package', () => {
    const r = run({ PATH: bare, CI: 'true' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('lint: shellcheck is not installed; expected the Debian package `shellcheck` (apt-get install shellcheck).\n');
  });

  test('GIVEN no shellcheck on PATH outside CI WHEN the lint step runs THEN it says the scripts were skipped, and that CI fails', () => {
    const r = run({ PATH: bare });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('lint: SKIPPED the shell scripts');
    expect(r.stderr).toContain('With CI=true this fails.');
  });

  // Skipped only outside CI on a machine without shellcheck (the two cases above cover that machine).
  test.skipIf(!HAS_SHELLCHECK && process.env.CI !== 'true')('GIVEN shellcheck installed WHEN the lint step runs THEN every script under charts/scripts is checked and clean', () => {
    const r = run({ PATH: process.env.PATH ?? '' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^shellcheck: \d+ scripts under charts\/scripts\/ clean\n$/);
    expect(r.status).toBe(0);
  });
});
