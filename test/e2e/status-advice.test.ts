/**
 * End to end: the next step `status` prints is safe on the state it read. The bundled example plan targets
 * `scale-down` (spec.gitops.targetPhase) while the bundled export is a 2.15 install nothing of the migration
 * has touched: the advice starts at the preflight, never at the phase that stops 3scale, and names the folder
 * synth wrote (`--dir`) instead of dist/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { DiffReport } from '../../src/status/diff-report.js';
import { LIVE_FIXTURES } from '../support/live-fixtures.js';
import { cli, leakedInTranscript, tempDir } from './harness.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'postgresql-and-redis', 'migration.yaml');
const EXPORT = LIVE_FIXTURES.postgresql;

let tmp: ReturnType<typeof tempDir>;
/** synth --gitops argocd --target-phase prepare of the example. */
let argoDir: string;
/** synth without wiring (folders applied by hand). */
let plainDir: string;

beforeAll(async () => {
  tmp = tempDir('e2e-status-advice');
  argoDir = join(tmp.dir, 'repo', 'clusters', 'prod', '3scale-migration');
  plainDir = join(tmp.dir, 'by-hand');
  for (const args of [
    ['synth', '-c', EXAMPLE, '--out', argoDir, '--gitops', 'argocd', '--target-phase', 'prepare'],
    ['synth', '-c', EXAMPLE, '--out', plainDir],
  ]) {
    const run = await cli(args);
    if (run.code !== 0) throw new Error(`${args.join(' ')}: ${run.stderr}`);
  }
});
afterEach(() => {
  expect(leakedInTranscript()).toEqual([]);
});
afterAll(() => tmp?.remove());

const nextLine = (stdout: string) => stdout.split('\n').find((l) => l.startsWith('next: '));

describe('status on an unmigrated install whose plan targets scale-down', () => {
  test('GIVEN preflight pending and every later phase blocked WHEN status runs THEN it exits 1 and says not to apply 02-scale-down but to move the target back to the preflight', async () => {
    // WHEN
    const run = await cli(['status', '-c', EXAMPLE, '--live-file', EXPORT]);

    // THEN
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^00-preflight +pending /m);
    expect(run.stdout).toMatch(/^01-prepare +blocked /m);
    expect(nextLine(run.stdout)).toBe(
      `next: 00-preflight is not applied yet, but the target is 02-scale-down: do not apply 02-scale-down (its folder is a full state that would skip 00-preflight and what it waits for); move the target back to preflight: threescale-migrate promote -c ${EXAMPLE} --to preflight --out dist --gitops <argocd|flux> and commit dist/`,
    );
    expect(run.stdout).not.toContain('-k dist/02-scale-down');
  });

  test('GIVEN --dir with Argo CD wiring targeting prepare WHEN status runs THEN the target is read from the wiring, and the advice names that folder and engine', async () => {
    // WHEN
    const text = await cli(['status', '-c', EXAMPLE, '--live-file', EXPORT, '--dir', argoDir]);
    const json = await cli(['status', '-c', EXAMPLE, '--live-file', EXPORT, '--dir', argoDir, '-o', 'json']);

    // THEN
    expect(text.code).toBe(1);
    expect(nextLine(text.stdout)).toBe(
      `next: 00-preflight is not applied yet, but the target is 01-prepare, from ${argoDir}/gitops/argocd: do not apply 01-prepare (its folder is a full state that would skip 00-preflight and what it waits for); move the target back to preflight: threescale-migrate promote -c ${EXAMPLE} --to preflight --out ${argoDir} --gitops argocd and commit ${argoDir}/`,
    );
    expect(text.stdout).not.toContain('dist/');
    const report = JSON.parse(json.stdout) as DiffReport;
    expect(report.target).toBe('01-prepare');
    expect(report.synthesized).toEqual({ dir: argoDir, engine: 'argocd', folder: '01-prepare' });
  });

  test('GIVEN --dir without wiring WHEN status runs THEN the advice is to apply the preflight folder in it by hand', async () => {
    // WHEN
    const run = await cli(['status', '-c', EXAMPLE, '--live-file', EXPORT, '--dir', plainDir]);

    // THEN
    expect(run.code).toBe(1);
    expect(nextLine(run.stdout)).toMatch(new RegExp(`; apply 00-preflight next: kubectl apply --server-side --force-conflicts --field-manager=\\S+ -k ${plainDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/00-preflight$`));
  });

  test('GIVEN --dir naming no folder, or wiring of another migration WHEN status runs THEN exit 2 with one sentence', async () => {
    // GIVEN wiring of a migration with another name
    const other = join(tmp.dir, 'other');
    const renamed = join(tmp.dir, 'renamed.yaml');
    writeFileSync(renamed, readFileSync(EXAMPLE, 'utf8').replace(/^ {2}name: prod-3scale$/m, '  name: staging-3scale'));
    mkdirSync(other);
    const synth = await cli(['synth', '-c', renamed, '--out', join(other, 'out'), '--gitops', 'flux']);
    expect(synth.code).toBe(0);

    // WHEN
    const missing = await cli(['status', '-c', EXAMPLE, '--live-file', EXPORT, '--dir', join(tmp.dir, 'nope')]);
    const foreign = await cli(['status', '-c', EXAMPLE, '--live-file', EXPORT, '--dir', join(other, 'out')]);

    // THEN
    expect(missing).toMatchObject({ code: 2, stdout: '', stderr: `error: --dir: ${join(tmp.dir, 'nope')} does not exist; expected the folder synth wrote (its --out).\n` });
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/^error: .*gitops\/flux\/kustomization-pointer\.yaml: wiring of migration "staging-3scale", not of "prod-3scale"; expected --dir to name the folder synth wrote from this plan\.\n$/);
  });

  test('GIVEN status --help THEN it documents the exit codes and --dir', async () => {
    // WHEN
    const run = await cli(['status', '--help']);

    // THEN
    expect(run.code).toBe(0);
    expect(run.stdout.replace(/\s+/g, ' ')).toContain('exit 0 when the target folder is in sync, 1 while it is pending, running, drifted or failed, 2 error');
    expect(run.stdout).toContain('--dir <folder>');
  });
});
