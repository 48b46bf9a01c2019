/**
 * Specification of src/plan-view/phase-table.ts: the README's phase table, generated from the registry so
 * the documentation never lists the phases by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROCEDURES } from '../../src/phases/registry.js';
import { phaseTableMarkdown } from '../../src/plan-view/phase-table.js';
import { ROOT } from '../support/plans.js';

describe('phaseTableMarkdown', () => {
  test('has one row per phase of every procedure, with folder, title, window and rollback', () => {
    // GIVEN
    const phases = PROCEDURES.flatMap((p) => p.phases);

    // WHEN
    const rows = phaseTableMarkdown()
      .split('\n')
      .filter((l) => l.startsWith('| `'));

    // THEN
    expect(rows).toHaveLength(phases.length);
    expect(rows[0]).toBe('| `00-preflight` | Record the plan and the replica counts, ask the databases for their versions | before (3scale keeps running) | nothing to undo |');
    expect(rows[2]).toBe('| `02-scale-down` | Stop the operator and 3scale, keep the old databases running | opens it (3scale stops) | start 3scale and the operator again |');
    for (const row of rows) expect(row.split(' | ')).toHaveLength(4);
  });

  test('marks destructive phases in bold', () => {
    // GIVEN
    const table = phaseTableMarkdown();

    // WHEN
    const destructive = table.split('\n').filter((l) => l.includes('**(destructive)**'));

    // THEN
    expect(destructive).toHaveLength(1);
    expect(destructive[0]!.startsWith('| `09-cleanup` |')).toBe(true);
  });

  test('introduces each procedure with its id, title and source', () => {
    // GIVEN
    const table = phaseTableMarkdown();

    // WHEN
    const first = table.split('\n')[0];

    // THEN
    expect(first).toBe(
      'Procedure `externalize-on-cluster`: 3scale 2.15: move the System database and both Redis out of the operator, onto new servers on the cluster or existing managed ones, then optionally upgrade to 2.16 (Migrating Red Hat 3scale API Management 2.16, chapters 3 to 6, and chapters 1 and 2 for the upgrade).',
    );
  });

  test('is the table between the phase-table markers of the README', () => {
    // GIVEN
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('<!-- phase-table:start -->\n');
    const end = readme.indexOf('<!-- phase-table:end -->');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);

    // WHEN
    const inReadme = readme.slice(start + '<!-- phase-table:start -->\n'.length, end);

    // THEN
    expect(inReadme).toBe(phaseTableMarkdown());
  });
});
