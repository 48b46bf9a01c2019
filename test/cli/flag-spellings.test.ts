/**
 * One meaning per flag in every command, as kubectl has it: `-o`/`--output` is an output format, `--out` a
 * path. The old spellings (`synth -o <dir>`, `discover -o <file>`, `plan -f <format>`) still work, hidden
 * from help, with one deprecation sentence on stderr; both spellings at once are refused.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { LIVE_FIXTURES } from '../support/live-fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'redis-only', 'migration.yaml');
const deprecation = (old: string, now: string) => `threescale-migrate: ${old} is deprecated here and will be removed; use ${now} (-o names an output format in every command, paths are --out, as in kubectl).\n`;

describe('-o is an output format, --out a path', () => {
  test('GIVEN plan -o json WHEN run THEN JSON on stdout, nothing on stderr', async () => {
    const run = await runCli(['plan', '-c', EXAMPLE, '-o', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty('phases');
    expect(run.stderr).toBe('');
  });

  test('GIVEN the old plan -f json WHEN run THEN the same JSON, and one deprecation sentence', async () => {
    const now = await runCli(['plan', '-c', EXAMPLE, '-o', 'json']);
    const old = await runCli(['plan', '-c', EXAMPLE, '-f', 'json']);
    expect(old).toEqual({ ...now, stderr: deprecation('-f/--format', '-o/--output') });
  });

  test('GIVEN plan with both -f and -o WHEN run THEN exit 2, one sentence naming both', async () => {
    const run = await runCli(['plan', '-c', EXAMPLE, '-f', 'json', '-o', 'text']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: -f/--format and -o/--output name the same thing; expected only -o/--output.\n');
  });

  test('GIVEN the old synth -o <dir> WHEN run THEN it writes there, with one deprecation sentence', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'flags-')), 'out');
    const run = await runCli(['synth', '-c', EXAMPLE, '-o', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(deprecation('-o', '--out'));
    expect(readdirSync(out)).toContain('00-preflight');
  });

  test('GIVEN synth with both -o and --out WHEN run THEN exit 2, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flags-'));
    const run = await runCli(['synth', '-c', EXAMPLE, '-o', join(dir, 'a'), '--out', join(dir, 'b')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: -o and --out name the same thing; expected only --out.\n');
    expect(readdirSync(dir)).toEqual([]);
  });

  test('GIVEN the old discover -o <file> WHEN run THEN the plan is written there, with one deprecation sentence', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'flags-')), 'migration.yaml');
    const run = await runCli(['discover', '--from-file', LIVE_FIXTURES.postgresql, '-o', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(deprecation('-o', '--out'));
    expect(readFileSync(out, 'utf8')).toContain('kind: MigrationPlan');
  });

  test('GIVEN --help of synth, discover and plan WHEN read THEN -o is no path anywhere, and the deprecated spellings are not shown', async () => {
    for (const command of ['synth', 'discover', 'plan']) {
      const help = (await runCli([command, '--help'])).stdout;
      expect(help, command).not.toMatch(/-o, --out <|-o <(dir|file)>|-f, --format/);
    }
    expect((await runCli(['plan', '--help'])).stdout).toContain('-o, --output <format>');
  });
});

describe('--live-file is the export in every command, --from-file its alias', () => {
  const PLAN = join(ROOT, 'examples', 'postgresql-and-redis', 'migration.yaml');

  test('GIVEN discover and diff WHEN given the export as --from-file or as --live-file THEN the same output, nothing on stderr', async () => {
    for (const args of [['discover'], ['diff', '-c', PLAN, '-o', 'json']]) {
      const now = await runCli([...args, '--live-file', LIVE_FIXTURES.postgresql]);
      const alias = await runCli([...args, '--from-file', LIVE_FIXTURES.postgresql]);
      expect(alias, args[0]).toEqual(now);
      expect(now.stderr, args[0]).toBe('');
      expect(now.stdout.length, args[0]).toBeGreaterThan(0);
    }
  });

  test('GIVEN both spellings in either order WHEN run THEN exit 2, one sentence naming both, nothing on stdout', async () => {
    for (const args of [
      ['discover', '--live-file', LIVE_FIXTURES.postgresql, '--from-file', LIVE_FIXTURES.mysql],
      ['status', '-c', PLAN, '--from-file', LIVE_FIXTURES.postgresql, '--live-file', LIVE_FIXTURES.postgresql],
    ]) {
      const run = await runCli(args);
      expect(run, args.join(' ')).toEqual({ code: 2, stdout: '', stderr: 'error: --live-file and --from-file name the same thing; expected only one of them.\n' });
    }
  });

  test('GIVEN --help of discover, diff and status WHEN read THEN --live-file is shown with its alias, and --from-file has no line of its own', async () => {
    for (const command of ['discover', 'diff', 'status']) {
      const help = (await runCli([command, '--help'])).stdout.replace(/\s+/g, ' ');
      expect(help, command).toContain('--live-file <path> an exported `oc get ... -o yaml` List, or a folder of them, read instead of the cluster');
      expect(help, command).toContain('(alias: --from-file)');
      expect(help, command).not.toContain('--from-file <path>');
    }
  });
});
