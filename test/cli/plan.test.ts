import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'mysql-in-place-and-redis', 'migration.yaml');

describe('threescale-migrate plan', () => {
  test('GIVEN the MySQL example WHEN shown as text THEN the window opens at scale-down and closes at scale-up', async () => {
    // GIVEN / WHEN
    const run = await runCli(['plan', '-c', EXAMPLE]);

    // THEN
    expect(run.code).toBe(0);
    const opens = run.stdout.indexOf('maintenance window opens');
    const closes = run.stdout.indexOf('maintenance window closes');
    expect(opens).toBeGreaterThan(run.stdout.indexOf('01-prepare'));
    expect(opens).toBeLessThan(run.stdout.indexOf('02-scale-down'));
    expect(closes).toBeGreaterThan(run.stdout.indexOf('06-scale-up'));
    expect(run.stdout).toContain('Job detach-system-mysql removes, each removal guarded by a JSON patch test, from Deployment system-mysql (the APIManager ownerReference, 3 labels, 9 pod template labels)');
    expect(run.stdout).toContain('rollback/05-cutover -> rollback/04-load-redis');
  });

  test('GIVEN --format json WHEN shown THEN the phases are data with their rollbacks', async () => {
    // GIVEN / WHEN
    const run = await runCli(['plan', '-c', EXAMPLE, '-o', 'json']);

    // THEN
    expect(run.code).toBe(0);
    const view = JSON.parse(run.stdout);
    expect(view.phases.map((p: { id: string }) => p.id)).toEqual(['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify']);
    expect(view.phases[5].rollback.folder).toBe('rollback/05-cutover');
  });

  test('GIVEN --format mermaid WHEN shown THEN a flowchart with the window edges', async () => {
    // GIVEN / WHEN
    const run = await runCli(['plan', '-c', EXAMPLE, '-o', 'mermaid']);

    // THEN
    expect(run.stdout.startsWith('flowchart TD\n')).toBe(true);
    expect(run.stdout).toContain('-- window opens -->');
  });

  test('GIVEN a missing plan file WHEN shown THEN exit 2 with one sentence', async () => {
    // GIVEN / WHEN
    const run = await runCli(['plan', '-c', 'nope.yaml']);

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: nope.yaml: cannot read the plan file (no such file); expected a readable migration.yaml.\n');
  });
});
