/**
 * Issue 17: a procedure is one folder, and the engine (synth, plan view, diff, status, explain, the GitOps
 * wiring, discover and preflight dispatch) names neither a procedure nor a phase nor a plan kind. It calls
 * the hooks a procedure declares in its registry entry instead. This spec reads every source file outside
 * the procedures' own files and fails on a line that spells one of the registry's procedure ids or plan
 * kinds, or compares with (or keys by) one of its phase ids.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROCEDURES } from '../../src/phases/registry.js';
import { REPO_ROOT } from '../support/db-servers.js';

/**
 * The procedures' own files: `src/procedures/<id>/` (registry entry and hooks, plan schema and facts,
 * discovery, preflight checks, patches) and their charts. Everything else under src/ (and
 * charts/phase-chart.ts) is the engine.
 */
const OWN = [
  /^src\/procedures\//,
  // The list of the procedures the tool ships: where each built-in one enters the registry.
  /^src\/phases\/built-in-procedures\.ts$/,
  // Still shared by the externalization and the fresh install (and the charts): the migration's plan schema
  // (with the plan fields every kind reuses), its facts, and the 3scale Deployments.
  /^src\/plan\/(plan-schema|plan-facts|deployments)\.ts$/,
  // The troubleshooting table of the externalization's seed (its signatures name the phase that fixes each).
  /^src\/status\/explain\/failure-signatures\.ts$/,
  /^charts\/(?!phase-chart\.ts$)/,
];

/** Every TypeScript file below `dir`, relative to the repository root. */
function sources(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(REPO_ROOT, join(e.parentPath, e.name)));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const quoted = (s: string) => `['"\`]${escape(s)}['"\`]`;

/** A line that spells a procedure id or plan kind anywhere, as a word of its own (in a string or not). */
function namesRegex(names: readonly string[]): RegExp {
  return new RegExp(`(?<![\\w-])(${names.map(escape).join('|')})(?![\\w-])`);
}

/** A line that compares with, switches on, searches for or keys by a phase id. */
function phaseIdRegex(ids: readonly string[]): RegExp {
  const id = `(${ids.map(quoted).join('|')})`;
  return new RegExp(`((===|!==|==|!=|case)\\s*${id})|(${id}\\s*(===|!==|==|!=))|(includes\\(\\s*${id}\\s*\\))|(^\\s*${id}\\s*:)|(phases:\\s*\\[[^\\]]*${id})`);
}

/** `path:line: text` of each code line (comments left out) of the engine's files matching `re`. */
function engineLinesMatching(re: RegExp): string[] {
  const engine = [...sources('src'), 'charts/phase-chart.ts'].filter((f) => !OWN.some((own) => own.test(f)));
  return engine.flatMap((f) =>
    readFileSync(join(REPO_ROOT, f), 'utf8')
      .split('\n')
      .flatMap((line, i) => (!/^\s*(\/\/|\*|\/\*\*)/.test(line) && re.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe('the engine names no procedure', () => {
  test('GIVEN the ids and plan kinds of every registered procedure WHEN the engine\'s sources are read THEN no line spells one', () => {
    // GIVEN
    const names = PROCEDURES.flatMap((p) => [p.id, p.planKind]);

    // WHEN
    const found = engineLinesMatching(namesRegex(names));

    // THEN
    expect(found).toEqual([]);
  });

  test('GIVEN the phase ids of every registered procedure WHEN the engine\'s sources are read THEN no line compares with or keys by one', () => {
    // GIVEN
    const ids = [...new Set(PROCEDURES.flatMap((p) => p.phases.map((ph) => ph.id)))];

    // WHEN
    const found = engineLinesMatching(phaseIdRegex(ids));

    // THEN
    expect(found).toEqual([]);
  });

  test("GIVEN the procedures' folder WHEN the engine's sources are read THEN no line imports from it (the engine calls the hooks of the registry instead)", () => {
    // GIVEN / WHEN
    const found = engineLinesMatching(/\bfrom\s+['"][^'"]*\/procedures\//);

    // THEN
    expect(found).toEqual([]);
  });

  test('GIVEN a line that branches on a phase id, or spells a plan kind WHEN matched THEN the detectors find it (and leave prose and other words alone)', () => {
    const phase = phaseIdRegex(['upgrade', 'scale-down']);
    for (const line of ["if (p.id === 'upgrade') {", "  'scale-down': 'check-queues',", "case 'upgrade':", "ids.includes('scale-down')", "phases: ['cutover', 'upgrade'],", "if ('upgrade' !== id)"]) expect(phase.test(line), line).toBe(true);
    for (const line of ["const upgrade = 1;", "out.push('upgrade the operator');", "p.upgradesThreescale === true"]) expect(phase.test(line), line).toBe(false);
    const names = namesRegex(['MigrationPlan']);
    expect(names.test("return plan.kind === 'MigrationPlan';")).toBe(true);
    expect(names.test("help: 'MigrationPlan: the default'")).toBe(true);
    expect(names.test('const isMigrationPlanKind = 1;')).toBe(false);
  });
});
