/**
 * Specification of src/synth/write-output.ts: the output tree replaces the output folder atomically. A
 * failed or interrupted write leaves the previous folder as it was and no staging folder behind.
 *
 * Tests run as root, where a read-only mode does not stop writes: failures are made real by a file where a
 * folder is needed (in process), by running the write as user `nobody` (permission errors), and by
 * interrupting a child process with a signal.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import type { OutputFile } from '../../src/synth/synthesize.js';
import { writeOutput } from '../../src/synth/write-output.js';
import { ROOT } from '../support/plans.js';

let base: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'write-output-'));
  chmodSync(base, 0o755);
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

/** A fresh folder under the suite's temp folder. */
function freshDir(name: string): string {
  const dir = mkdtempSync(join(base, `${name}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/** A previous output folder with known content. */
function previousOutput(parent: string, name = 'dist'): string {
  const out = join(parent, name);
  mkdirSync(join(out, '00-preflight'), { recursive: true });
  writeFileSync(join(out, '00-preflight', 'kustomization.yaml'), 'previous\n');
  writeFileSync(join(out, 'marker'), 'previous run\n');
  return out;
}

/** Every file under a folder with its content, relative paths sorted. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else out[path] = readFileSync(join(dir, path), 'utf8');
    }
  };
  walk('');
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Staging folders (`.<name>.tmp-*`) left in a parent folder. */
function staging(parent: string, name = 'dist'): string[] {
  return readdirSync(parent).filter((e) => e.startsWith(`.${name}.tmp-`));
}

/** The UserError an async call rejects with. */
async function userError(fn: () => Promise<unknown>): Promise<UserError> {
  try {
    await fn();
  } catch (err) {
    expect(UserError.isUserError(err)).toBe(true);
    return err as UserError;
  }
  throw new Error('no error was thrown');
}

/**
 * write-output.ts and what it imports, transpiled to plain JS for child processes (a child `node` cannot
 * load TypeScript; the compiled build/ may be stale).
 */
function transpiledModule(): string {
  const dir = freshDir('module');
  mkdirSync(join(dir, 'synth'));
  for (const rel of ['synth/write-output.ts', 'errors.ts']) {
    const source = readFileSync(join(ROOT, 'src', rel), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    writeFileSync(join(dir, rel.replace(/\.ts$/, '.js')), outputText);
  }
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, 'write.mjs'),
    [
      "import { writeOutput } from './synth/write-output.js';",
      'const [outDir, count, size] = process.argv.slice(2);',
      'const files = [];',
      "for (let i = 0; i < Number(count); i++) files.push({ path: `${String(i % 50).padStart(2, '0')}-phase/object-${i}.yaml`, content: 'x'.repeat(Number(size)) });",
      'try {',
      '  await writeOutput(outDir, files);',
      "  process.stdout.write('written\\n');",
      '} catch (err) {',
      '  process.stdout.write(JSON.stringify({ name: err.name, message: err.message }));',
      '  process.exit(2);',
      '}',
      '',
    ].join('\n'),
  );
  chmodSync(dir, 0o755);
  return dir;
}

const files: OutputFile[] = [
  { path: '00-preflight/kustomization.yaml', content: 'resources: []\n' },
  { path: '00-preflight/PHASE.md', content: '# 00-preflight\n' },
  { path: 'rollback/01-prepare/kustomization.yaml', content: 'resources: []\n' },
];

describe('writeOutput', () => {
  test('writes every file into a new output folder, creating the parent folders', async () => {
    // GIVEN
    const out = join(freshDir('new'), 'deep', 'dist');

    // WHEN
    await writeOutput(out, files);

    // THEN
    expect(tree(out)).toEqual({
      '00-preflight/PHASE.md': '# 00-preflight\n',
      '00-preflight/kustomization.yaml': 'resources: []\n',
      'rollback/01-prepare/kustomization.yaml': 'resources: []\n',
    });
    expect(staging(join(out, '..'))).toEqual([]);
  });

  test('replaces the previous output folder whole: files of the previous run are gone', async () => {
    // GIVEN
    const parent = freshDir('replace');
    const out = previousOutput(parent);

    // WHEN
    await writeOutput(out, files);

    // THEN
    expect(Object.keys(tree(out))).toEqual(['00-preflight/PHASE.md', '00-preflight/kustomization.yaml', 'rollback/01-prepare/kustomization.yaml']);
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  test('leaves no signal listener behind', async () => {
    // GIVEN
    const out = join(freshDir('listeners'), 'dist');
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];

    // WHEN
    await writeOutput(out, files);

    // THEN
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
  });

  test('refuses an output path that is a file, in one sentence naming it', async () => {
    // GIVEN
    const parent = freshDir('file');
    const out = join(parent, 'dist');
    writeFileSync(out, 'not a folder');

    // WHEN
    const err = await userError(() => writeOutput(out, files));

    // THEN
    expect(err.message).toBe(`${out}: exists and is not a folder; expected --out to name a folder.`);
    expect(readFileSync(out, 'utf8')).toBe('not a folder');
    expect(staging(parent)).toEqual([]);
  });

  test('refuses an output path whose parent cannot be created, naming it', async () => {
    // GIVEN
    const parent = freshDir('parent-file');
    writeFileSync(join(parent, 'blocker'), '');
    const out = join(parent, 'blocker', 'dist');

    // WHEN
    const err = await userError(() => writeOutput(out, files));

    // THEN
    expect(err.message).toMatch(new RegExp(`^${out}: cannot create the parent folder \\((ENOTDIR|EEXIST)\\); expected a writable --out location\\.$`));
  });

  test('keeps the previous output folder intact, and removes the staging folder, when a write fails half-way', async () => {
    // GIVEN
    const parent = freshDir('half-way');
    const out = previousOutput(parent);
    const before = tree(out);
    const failing: OutputFile[] = [...files, { path: 'README', content: 'a file' }, { path: 'README/nested.yaml', content: 'needs README to be a folder' }];

    // WHEN
    const err = await userError(() => writeOutput(out, failing));

    // THEN
    expect(err.message).toMatch(new RegExp(`^${out}: writing the synthesized folders failed \\((ENOTDIR|EEXIST)\\); the previous content of ${out} is unchanged\\.$`));
    expect(tree(out)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  describe('as an unprivileged user (runuser -u nobody)', () => {
    const canDropPrivileges = process.getuid?.() === 0 && spawnSync('runuser', ['--help'], { stdio: 'ignore' }).status === 0;
    let module: string;

    beforeAll(() => {
      if (canDropPrivileges) module = transpiledModule();
    });

    /** Runs the transpiled writeOutput as nobody; returns its exit status and output. */
    function writeAsNobody(out: string): { status: number | null; stdout: string } {
      const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, join(module, 'write.mjs'), out, '20', '10'], { encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout };
    }

    test('keeps the previous output folder intact when its parent folder is read-only', () => {
      if (!canDropPrivileges) {
        console.warn('SKIPPED: not root or no runuser; the read-only parent folder case of writeOutput was not checked');
        return;
      }
      // GIVEN
      const parent = freshDir('read-only');
      const out = previousOutput(parent);
      const before = tree(out);
      chmodSync(parent, 0o555);

      // WHEN
      const r = writeAsNobody(out);

      // THEN
      expect(r.status).toBe(2);
      expect(JSON.parse(r.stdout)).toEqual({ name: 'UserError', message: `${out}: cannot write next to it (EACCES); expected a writable --out location.` });
      expect(tree(out)).toEqual(before);
      expect(staging(parent)).toEqual([]);
    });

    test('keeps the previous output folder intact, and removes the staging folder, when the previous folder may not be replaced', () => {
      if (!canDropPrivileges) {
        console.warn('SKIPPED: not root or no runuser; the failed rename case of writeOutput was not checked');
        return;
      }
      // GIVEN: a sticky shared parent, so nobody may create the staging folder but not move root's output away
      const parent = freshDir('sticky');
      const out = previousOutput(parent);
      const before = tree(out);
      chmodSync(parent, 0o1777);

      // WHEN
      const r = writeAsNobody(out);

      // THEN
      expect(r.status).toBe(2);
      const err = JSON.parse(r.stdout) as { name: string; message: string };
      expect(err.name).toBe('UserError');
      expect(err.message).toMatch(new RegExp(`^${out}: writing the synthesized folders failed \\((EPERM|EACCES)\\); the previous content of ${out} is unchanged\\.$`));
      expect(tree(out)).toEqual(before);
      expect(staging(parent)).toEqual([]);
    });
  });

  describe('interrupted by a signal', () => {
    let module: string;

    beforeAll(() => {
      module = transpiledModule();
      execFileSync(process.execPath, ['--version']);
    });

    test.each([
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const)('on %s half-way, keeps the previous output folder, removes the staging folder and exits with %i', async (signal, code) => {
      // GIVEN
      const parent = freshDir(signal.toLowerCase());
      const out = previousOutput(parent);
      const before = tree(out);
      const child = spawn(process.execPath, [join(module, 'write.mjs'), out, '30000', '512'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));

      // WHEN: the signal arrives once the staging folder holds files
      const deadline = Date.now() + 10_000;
      let started = false;
      while (!started && Date.now() < deadline) {
        const stage = staging(parent)[0];
        started = stage !== undefined && existsSync(join(parent, stage, '00-phase'));
        if (!started) await new Promise((r) => setTimeout(r, 5));
      }
      expect(started, 'the child never started writing').toBe(true);
      child.kill(signal);
      const status = await exited;

      // THEN
      expect(stdout).toBe('');
      expect(status).toBe(code);
      expect(tree(out)).toEqual(before);
      expect(readdirSync(parent)).toEqual(['dist']);
    });
  });
});
