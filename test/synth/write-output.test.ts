/**
 * Specification of src/synth/write-output.ts: the output tree replaces the output folder atomically, and
 * only a folder synth wrote (its manifest lists every file in it) or an empty one. A failed or interrupted
 * write leaves the previous folder as it was and no staging folder behind; a run killed at any step leaves
 * a state a reader sees whole and the next run completes (see write-output-kill.test.ts).
 *
 * Tests run as root, where a read-only mode does not stop writes: failures are made real by a file where a
 * folder is needed (in process), by running the write as user `nobody` (permission errors), and by
 * interrupting a child process with a signal.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import type { OutputFile } from '../../src/synth/synthesize.js';
import { writeOutput } from '../../src/synth/write-output.js';
import { MANIFEST_NAME, renderManifest } from '../../src/synth/output-manifest.js';
import { sideEntries, tree, writeOutputScript } from '../support/output-folders.js';

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

/** A previous output folder with known content, as an earlier synth wrote it (with its manifest). */
function previousOutput(parent: string, name = 'dist'): string {
  const out = join(parent, name);
  mkdirSync(join(out, '00-preflight'), { recursive: true });
  writeFileSync(join(out, '00-preflight', 'kustomization.yaml'), 'previous\n');
  writeFileSync(join(out, 'marker'), 'previous run\n');
  writeFileSync(join(out, MANIFEST_NAME), renderManifest(['00-preflight/kustomization.yaml', 'marker']));
  return out;
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

/** write-output.ts transpiled, with its child script, in a fresh folder; returns the folder. */
function transpiledModule(): string {
  const dir = freshDir('module');
  writeOutputScript(dir);
  return dir;
}

/** The manifest of {@link files}. */
const MANIFEST = `threescale-migrate output manifest, format 1
# The files synth wrote into this folder; the next synth replaces the folder only if it holds no other file.
00-preflight/PHASE.md
00-preflight/kustomization.yaml
rollback/01-prepare/kustomization.yaml
`;

const files: OutputFile[] = [
  { path: '00-preflight/kustomization.yaml', content: 'resources: []\n' },
  { path: '00-preflight/PHASE.md', content: '# 00-preflight\n' },
  { path: 'rollback/01-prepare/kustomization.yaml', content: 'resources: []\n' },
];

describe('writeOutput', () => {
  test('GIVEN no output folder WHEN written THEN every file and the manifest (sorted paths under a format header) are there, the parent folders created', async () => {
    // GIVEN
    const out = join(freshDir('new'), 'deep', 'dist');

    // WHEN
    await writeOutput(out, files);

    // THEN
    expect(tree(out)).toEqual({
      [MANIFEST_NAME]: MANIFEST,
      '00-preflight/PHASE.md': '# 00-preflight\n',
      '00-preflight/kustomization.yaml': 'resources: []\n',
      'rollback/01-prepare/kustomization.yaml': 'resources: []\n',
    });
    expect(sideEntries(join(out, '..'))).toEqual([]);
  });

  test('GIVEN a folder an earlier synth wrote WHEN written again THEN it is replaced whole: files of the previous run are gone', async () => {
    // GIVEN
    const parent = freshDir('replace');
    const out = previousOutput(parent);

    // WHEN
    await writeOutput(out, files);

    // THEN
    expect(Object.keys(tree(out))).toEqual([MANIFEST_NAME, '00-preflight/PHASE.md', '00-preflight/kustomization.yaml', 'rollback/01-prepare/kustomization.yaml']);
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
    expect(sideEntries(parent)).toEqual([]);
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

  describe('owning the folder', () => {
    test('GIVEN a folder with .git and a README but no manifest WHEN written THEN refused in one sentence naming the folder and its entries, nothing touched', async () => {
      // GIVEN
      const parent = freshDir('git-repo');
      const out = join(parent, 'gitops-repo');
      mkdirSync(join(out, '.git'), { recursive: true });
      writeFileSync(join(out, '.git', 'HEAD'), 'ref: refs/heads/main\n');
      writeFileSync(join(out, 'README.md'), '# our GitOps repository\n');
      const before = tree(out);

      // WHEN
      const err = await userError(() => writeOutput(out, files));

      // THEN
      expect(err.message).toBe(
        `${out}: holds ".git", "README.md" and no manifest of synth (.threescale-migrate-manifest), so it is not a folder synth wrote; expected an absent or empty folder, or one an earlier synth wrote (choose another --out, or empty this one yourself).`,
      );
      expect(tree(out)).toEqual(before);
      expect(readdirSync(parent)).toEqual(['gitops-repo']);
    });

    test('GIVEN a folder synth wrote, with files added since (.git, a README, a file in a phase folder) WHEN written THEN refused naming them, nothing touched', async () => {
      // GIVEN
      const parent = freshDir('added');
      const out = previousOutput(parent);
      mkdirSync(join(out, '.git'));
      writeFileSync(join(out, '00-preflight', 'notes.md'), 'mine\n');
      writeFileSync(join(out, 'README.md'), 'mine\n');
      writeFileSync(join(out, 'zz-late.txt'), 'mine\n');
      const before = tree(out);

      // WHEN
      const err = await userError(() => writeOutput(out, files));

      // THEN
      expect(err.message).toBe(
        `${out}: holds ".git/", "00-preflight/notes.md", "README.md" and more, which synth did not write (not in .threescale-migrate-manifest); expected only synth's own files, since synth replaces the folder whole (move them out, or choose another --out).`,
      );
      expect(tree(out)).toEqual(before);
      expect(existsSync(join(out, '.git'))).toBe(true);
    });

    test('GIVEN a listed file replaced by a symbolic link, or a listed file missing WHEN written THEN the link is foreign (refused) and a missing file is no obstacle', async () => {
      // GIVEN
      const linked = previousOutput(freshDir('link'));
      rmSync(join(linked, 'marker'));
      symlinkSync('/etc/hostname', join(linked, 'marker'));
      const missing = previousOutput(freshDir('missing'));
      rmSync(join(missing, 'marker'));

      // WHEN
      const err = await userError(() => writeOutput(linked, files));
      await writeOutput(missing, files);

      // THEN
      expect(err.message).toContain(`${linked}: holds "marker", which synth did not write`);
      expect(tree(missing)[MANIFEST_NAME]).toBe(MANIFEST);
    });

    test('GIVEN a manifest of another format, or one listing a path outside the folder WHEN written THEN refused, nothing touched', async () => {
      // GIVEN
      const newer = previousOutput(freshDir('newer'));
      writeFileSync(join(newer, MANIFEST_NAME), 'threescale-migrate output manifest, format 2\nmarker\n');
      const escaping = previousOutput(freshDir('escaping'));
      writeFileSync(join(escaping, MANIFEST_NAME), 'threescale-migrate output manifest, format 1\n../plan.yaml\nmarker\n00-preflight/kustomization.yaml\n');

      // WHEN
      const newerErr = await userError(() => writeOutput(newer, files));
      const escapingErr = await userError(() => writeOutput(escaping, files));

      // THEN
      expect(newerErr.message).toBe(
        `${join(newer, MANIFEST_NAME)}: manifest format 2, written by another version of threescale-migrate; expected format 1 (run that version, or choose an empty --out).`,
      );
      expect(escapingErr.message).toContain('and no manifest of synth (.threescale-migrate-manifest), so it is not a folder synth wrote');
      expect(tree(newer)['marker']).toBe('previous run\n');
      expect(tree(escaping)['marker']).toBe('previous run\n');
    });

    test('GIVEN an empty folder WHEN written THEN it becomes the output', async () => {
      // GIVEN
      const parent = freshDir('empty');
      const out = join(parent, 'dist');
      mkdirSync(out);

      // WHEN
      await writeOutput(out, files);

      // THEN
      expect(Object.keys(tree(out))).toEqual([MANIFEST_NAME, '00-preflight/PHASE.md', '00-preflight/kustomization.yaml', 'rollback/01-prepare/kustomization.yaml']);
      expect(readdirSync(parent)).toEqual(['dist']);
    });

    test('GIVEN --out naming a symbolic link to a folder WHEN written THEN refused, the link and its folder untouched', async () => {
      // GIVEN
      const parent = freshDir('symlink');
      const real = previousOutput(parent, 'real');
      const out = join(parent, 'dist');
      symlinkSync(real, out);
      const before = tree(real);

      // WHEN
      const err = await userError(() => writeOutput(out, files));

      // THEN
      expect(err.message).toBe(`${out}: is a symbolic link; expected --out to name a folder itself (synth replaces it whole).`);
      expect(tree(real)).toEqual(before);
      expect(lstatSync(out).isSymbolicLink()).toBe(true);
    });
  });

  test('GIVEN staging folders an earlier version of synth left (.dist.tmp-XXXXXX, .dist.tmp-XXXXXX.old) WHEN written THEN they are removed with the output in place', async () => {
    // GIVEN
    const parent = freshDir('legacy');
    const out = previousOutput(parent);
    for (const leftover of ['.dist.tmp-AbC123', '.dist.tmp-AbC123.old']) {
      mkdirSync(join(parent, leftover, '00-preflight'), { recursive: true });
      writeFileSync(join(parent, leftover, '00-preflight', 'kustomization.yaml'), 'half\n');
    }
    writeFileSync(join(parent, '.dist.tmp-notes'), 'not ours: no six-character suffix\n');

    // WHEN
    await writeOutput(out, files);

    // THEN
    expect(readdirSync(parent).sort()).toEqual(['.dist.tmp-notes', 'dist']);
  });

  describe('the lock', () => {
    test('GIVEN the lock held by a live process WHEN written THEN exit-2 error saying so and that nothing was written, no claim about previous content, folder untouched', async () => {
      // GIVEN: this test process holds the lock
      const parent = freshDir('locked');
      const out = previousOutput(parent);
      const before = tree(out);
      const lock = join(parent, '.dist.threescale-migrate.lock');
      writeFileSync(lock, `${process.pid} ${hostname()}\n`);

      // WHEN
      const err = await userError(() => writeOutput(out, files));

      // THEN
      expect(err.exitCode).toBe(2);
      expect(err.message).toBe(
        `${out}: another synth (process ${process.pid} on ${hostname()}) is writing this folder, so this run wrote nothing; expected one synth at a time per folder (if that run is gone, remove ${lock}).`,
      );
      expect(tree(out)).toEqual(before);
      expect(readdirSync(parent).sort()).toEqual(['.dist.threescale-migrate.lock', 'dist']);
    });

    test('GIVEN a lock left by a process that is gone, and its private lock file WHEN written THEN both are removed and the write succeeds', async () => {
      // GIVEN: the pid of a finished child process
      const parent = freshDir('stale');
      const out = previousOutput(parent);
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
      writeFileSync(join(parent, '.dist.threescale-migrate.lock'), `${gone} ${hostname()}\n`);
      writeFileSync(join(parent, `.dist.threescale-migrate.lock.${gone}`), `${gone} ${hostname()}\n`);

      // WHEN
      await writeOutput(out, files);

      // THEN
      expect(tree(out)[MANIFEST_NAME]).toBe(MANIFEST);
      expect(readdirSync(parent)).toEqual(['dist']);
    });

    test('GIVEN two synths of the same folder racing WHEN the second starts while the first writes THEN the second says so and exits 2, the first completes', async () => {
      // GIVEN
      const script = writeOutputScript(freshDir('race-module'));
      const parent = freshDir('race');
      const out = previousOutput(parent);
      const first = spawn(process.execPath, [script, out, '20000', '256', 'first'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let firstOut = '';
      first.stdout.on('data', (d: Buffer) => (firstOut += d.toString()));
      const firstExit = new Promise<number | null>((resolve) => first.on('exit', (c) => resolve(c)));
      const deadline = Date.now() + 20_000;
      while (!existsSync(join(parent, '.dist.threescale-migrate.new')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));

      // WHEN
      const second = spawnSync(process.execPath, [script, out, '3', '10', 'second'], { encoding: 'utf8' });

      // THEN
      expect(second.status).toBe(2);
      const err = JSON.parse(second.stdout) as { message: string };
      expect(err.message).toMatch(new RegExp(`^${out}: another synth \\(process ${first.pid} on .+\\) is writing this folder, so this run wrote nothing;`));
      expect(err.message).not.toContain('unchanged');
      expect(await firstExit).toBe(0);
      expect(firstOut).toBe('written\n');
      const written = tree(out);
      expect(Object.keys(written)).toHaveLength(20001);
      expect(written['00-phase/object-0.yaml']).toMatch(/^first/);
      expect(readdirSync(parent)).toEqual(['dist']);
    });
  });

  describe('as an unprivileged user (runuser -u nobody)', () => {
    const canDropPrivileges = process.getuid?.() === 0 && spawnSync('runuser', ['--help'], { stdio: 'ignore' }).status === 0;

    /** Whether the case can run; outside CI a case that cannot is skipped with a warning, in CI it fails. */
    function mayDropPrivileges(what: string): boolean {
      if (canDropPrivileges) return true;
      if (process.env['CI'] === 'true') throw new Error(`runuser as root is needed in CI (util-linux); ${what} could not be checked`);
      console.warn(`SKIPPED: not root or no runuser; ${what}`);
      return false;
    }
    let module: string;

    beforeAll(() => {
      if (canDropPrivileges) module = transpiledModule();
    });

    /** Runs the transpiled writeOutput as nobody; returns its exit status and output. */
    function writeAsNobody(out: string): { status: number | null; stdout: string; stderr: string } {
      const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, join(module, 'write.mjs'), out, '20', '10'], { encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    }

    test('GIVEN a previous output this user may move but not delete WHEN written THEN the new output is in place, exit 0 with a warning naming where the old one is; the next run (as a user who may) removes it', async () => {
      if (!mayDropPrivileges('the failed removal case of writeOutput was not checked')) return;
      // GIVEN: root's previous output in a folder anybody may write
      const parent = freshDir('undeletable');
      const out = previousOutput(parent);
      chmodSync(parent, 0o777);

      // WHEN
      const r = writeAsNobody(out);

      // THEN
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('written\n');
      const old = join(parent, '.dist.threescale-migrate.old');
      expect(r.stderr).toMatch(new RegExp(`^warning: ${out}: the new output is in place, but its previous content could not be removed from ${old} \\((EACCES|EPERM)\\); the next synth removes it\\.\n$`));
      expect(Object.keys(tree(out))).toHaveLength(21);
      expect(tree(out)['00-phase/object-0.yaml']).toMatch(/^new/);

      // WHEN the next run cannot remove it either, THEN it stops before writing, in one sentence
      const again = writeAsNobody(out);
      expect(again.status).toBe(2);
      expect((JSON.parse(again.stdout) as { message: string }).message).toMatch(new RegExp(`^${out}: cannot read it or clean up beside it \\((EACCES|EPERM)\\), so nothing was written;`));

      // WHEN a run that may remove it comes THEN it does
      await writeOutput(out, files);
      expect(readdirSync(parent)).toEqual(['dist']);
    });

    test('keeps the previous output folder intact when its parent folder is read-only', () => {
      if (!mayDropPrivileges('the read-only parent folder case of writeOutput was not checked')) return;
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
      expect(sideEntries(parent)).toEqual([]);
    });

    test('keeps the previous output folder intact, and removes the staging folder, when the previous folder may not be replaced', () => {
      if (!mayDropPrivileges('the failed rename case of writeOutput was not checked')) return;
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
      expect(sideEntries(parent)).toEqual([]);
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
        started = existsSync(join(parent, '.dist.threescale-migrate.new', '00-phase'));
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
