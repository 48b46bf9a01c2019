/**
 * Specification of the output write of synth under SIGKILL: a run killed after any step of the write
 * (`THREESCALE_MIGRATE_KILL_AT=N` makes it kill itself at its N-th kill point, so every step is hit in
 * turn, not by chance) leaves the previous output or the new one whole where a reader looks, loses neither,
 * and the next run completes without leftovers: no lock, no staging folder, no previous output aside. The
 * same holds when the recovering run is itself killed at each of its steps.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MANIFEST_NAME, renderManifest } from '../../src/synth/output-manifest.js';
import { tree, writeOutputScript } from '../support/output-folders.js';

/** Files the child writes per run (two, so a kill lands between two files too). */
const COUNT = '2';

let base: string;
let script: string;
/** The tree a complete run writes. */
let NEW: Record<string, string>;

/** The previous output an earlier synth wrote, with its manifest. */
const OLD: Record<string, string> = {
  '00-preflight/kustomization.yaml': 'previous\n',
  marker: 'previous run\n',
  [MANIFEST_NAME]: renderManifest(['00-preflight/kustomization.yaml', 'marker']),
};

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'write-output-kill-'));
  script = writeOutputScript(join(base, 'module'));
  const reference = join(base, 'reference');
  expect(run(reference).status).toBe(0);
  NEW = tree(reference);
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

/** Runs the write in a child, killed at its `killAt`-th kill point when given. */
function run(out: string, killAt?: number) {
  const env = { ...process.env, THREESCALE_MIGRATE_KILL_AT: killAt === undefined ? '' : String(killAt) };
  return spawnSync(process.execPath, [script, out, COUNT, '8'], { encoding: 'utf8', env });
}

/** A fresh parent folder, holding the previous output when asked. */
function freshParent(withPrevious: boolean): { parent: string; out: string } {
  const parent = mkdtempSync(join(base, 'case-'));
  const out = join(parent, 'dist');
  if (withPrevious) {
    for (const [path, content] of Object.entries(OLD)) {
      mkdirSync(join(out, path, '..'), { recursive: true });
      writeFileSync(join(out, path), content);
    }
  }
  return { parent, out };
}

/**
 * What a reader may find after a kill: the output folder holding the previous tree or the new one whole; or,
 * only when killed between the two renames, no folder but both trees whole beside it for the next run.
 */
function expectWholeForReaders(parent: string, out: string, withPrevious: boolean, step: string): void {
  if (existsSync(out)) {
    const found = tree(out);
    expect([OLD, NEW], `after "${step}" the folder holds a mix`).toContainEqual(found);
    if (!withPrevious) expect(found, `after "${step}"`).toEqual(NEW);
    return;
  }
  if (!withPrevious) return;
  // The folder moved aside is the one that was in place: the previous tree, or a new one a recovery moved in.
  expect([OLD, NEW], `after "${step}" the previous output is lost`).toContainEqual(tree(join(parent, '.dist.threescale-migrate.old')));
  expect(tree(join(parent, '.dist.threescale-migrate.new')), `after "${step}" the new output is not whole`).toEqual(NEW);
}

/**
 * Runs killed at N = 1, 2, ... until a run completes; calls `check` after each kill; checks that the
 * completing run left the new tree and nothing beside it; returns the steps passed.
 */
function killAtEveryStep(prepare: () => { parent: string; out: string }, check: (parent: string, out: string, step: string) => void): string[] {
  const steps: string[] = [];
  for (let n = 1; n < 100; n++) {
    const { parent, out } = prepare();
    const r = run(out, n);
    if (r.status === 0) {
      expect(tree(out)).toEqual(NEW);
      expect(readdirSync(parent), `leftovers of a run that was not killed`).toEqual(['dist']);
      return steps;
    }
    expect(r.signal, `run killed at ${n}: ${r.stderr}${r.stdout}`).toBe('SIGKILL');
    const step = /^kill point \d+: (.*)$/m.exec(r.stderr)?.[1] ?? '?';
    steps.push(step);
    check(parent, out, step);
  }
  throw new Error('the write never completed');
}

/** The next run completes: the new tree in place, nothing else beside it. */
function expectRecovered(parent: string, out: string, step: string): void {
  const r = run(out);
  expect(r.status, `the run after "${step}": ${r.stdout}`).toBe(0);
  expect(tree(out)).toEqual(NEW);
  expect(readdirSync(parent), `leftovers after "${step}"`).toEqual(['dist']);
}

describe('writeOutput killed with SIGKILL at every step', () => {
  test.each([
    ['a previous output', true, ['locked', 'staging folder created', '00-phase/object-0.yaml written', '01-phase/object-1.yaml written', 'manifest written', 'previous output moved aside', 'new output moved in', 'previous output removed', 'unlocked']],
    ['no previous output', false, ['locked', 'staging folder created', '00-phase/object-0.yaml written', '01-phase/object-1.yaml written', 'manifest written', 'new output moved in', 'unlocked']],
  ] as const)('GIVEN %s WHEN a run is killed after each step THEN a reader finds one tree whole and the next run completes without leftovers', (_, withPrevious, expectedSteps) => {
    const steps = killAtEveryStep(
      () => freshParent(withPrevious),
      (parent, out, step) => {
        expectWholeForReaders(parent, out, withPrevious, step);
        expectRecovered(parent, out, step);
      },
    );
    expect(steps).toEqual(expectedSteps);
  });

  test('GIVEN a previous output and a run killed after each step WHEN the recovering run is killed after each of its steps THEN still one tree whole for readers and the run after completes', () => {
    const firstSteps = killAtEveryStep(
      () => freshParent(true),
      () => undefined,
    );
    // Each chain ends with a run that completes (checked by killAtEveryStep); the recovering run's own
    // kills are checked for readers.
    const recoverySteps = new Set<string>();
    firstSteps.forEach((first, index) => {
      // The state the first kill left, made once and copied for every kill of the recovering run.
      const killed = freshParent(true);
      expect(run(killed.out, index + 1).signal).toBe('SIGKILL');
      const steps = killAtEveryStep(
        () => {
          const parent = mkdtempSync(join(base, 'case-'));
          cpSync(killed.parent, parent, { recursive: true, verbatimSymlinks: true });
          return { parent, out: join(parent, 'dist') };
        },
        (parent, out, step) => expectWholeForReaders(parent, out, true, `${first}, then ${step}`),
      );
      for (const s of steps) if (s.startsWith('recovery:')) recoverySteps.add(s);
    });
    // The recovering runs were killed after every kind of recovery step a single kill can call for.
    expect([...recoverySteps].sort()).toEqual(['recovery: .dist.threescale-migrate.new removed', 'recovery: .dist.threescale-migrate.old removed', 'recovery: complete new output moved in']);
  }, 300_000);
});
