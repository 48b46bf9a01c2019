/**
 * Specification of src/procedures/externalize-on-cluster/cutover-switches.ts: what the cut-over changes for
 * 3scale is one object per component, its mover's switch. The rewrite Job's keys, the APIManager flags, the
 * old servers stopped, the words of the plan view and PHASE.md, and the rollback that undoes them are all read
 * from those switches.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { LoadedPlan } from '../../src/plan/load-plan.js';
import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import { cutoverSwitches, externalFlagsOf, secretRewrites, stoppedServers } from '../../src/procedures/externalize-on-cluster/cutover-switches.js';
import { renderCutover } from '../support/cutover-folders.js';
import { EXAMPLES, loadExample, loadMigrationPlan, ROOT } from '../support/plans.js';

const CASES: readonly (readonly [string, () => LoadedPlan<MigrationPlan>])[] = [
  ...EXAMPLES.map((name) => [name, () => loadExample(name)] as const),
  ['sentinel-redis', () => loadMigrationPlan(join(ROOT, 'examples', 'sentinel-redis', 'migration.yaml'))],
];

describe.each(CASES)('the cut-over of examples/%s', (_name, load) => {
  test('GIVEN the plan WHEN synthesized THEN the rewrite Job, the APIManager flags and the stopped servers are the switches of its movers, and the rollback undoes exactly them', async () => {
    // GIVEN
    const loaded = load();
    const rewrites = secretRewrites(loaded.plan);
    const flags = externalFlagsOf(loaded.plan);
    const stopped = stoppedServers(loaded.plan);

    // WHEN
    const folders = await renderCutover(loaded);

    // THEN
    expect(folders.cutover.env).toBe(rewrites.length ? rewrites.map((r) => `${r.secret} ${r.key} ${r.template}`.trimEnd()).join('\n') : undefined);
    expect(folders.cutover.flags).toEqual(Object.fromEntries(flags.map((f) => [f, true])));
    expect(folders.cutover.replicas).toEqual(Object.fromEntries(stopped.map((name) => [name, 0])));
    expect(folders.rollback.env).toBe(rewrites.length ? [...new Set(rewrites.map((r) => r.secret))].sort().join(' ') : undefined);
    expect(folders.rollback.flags).toEqual(Object.fromEntries(flags.map((f) => [f, false])));
    expect(folders.rollback.replicas).toEqual(Object.fromEntries(stopped.map((name) => [name, 1])));
  });

  test('GIVEN the plan WHEN the plan view and PHASE.md are rendered THEN both say every rewrite and every stopped server of the switches, and the rollback says it starts them again', async () => {
    // GIVEN
    const loaded = load();

    // WHEN
    const folders = await renderCutover(loaded);

    // THEN
    for (const s of cutoverSwitches(loaded.plan)) {
      for (const text of [folders.view, folders.readme]) {
        if (s.rewriteWords) expect(text).toContain(s.rewriteWords);
        for (const name of s.stops) expect(text).toMatch(new RegExp(`the old [^\\n]*\\b${name}\\b[^\\n]* to 0 replicas`));
      }
      for (const name of s.stops) expect(folders.rollbackReadme).toMatch(new RegExp(`the old [^\\n]*\\b${name}\\b[^\\n]* back to 1 replica`));
      for (const line of s.rollbackWords ?? []) expect(folders.rollbackReadme).toContain(line);
    }
    expect(folders.readme).toContain(`spec.externalComponents ${externalFlagsOf(loaded.plan).join(', ')} true`);
  });
});
