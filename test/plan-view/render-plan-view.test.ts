/**
 * Specification of src/plan-view/render-plan-view.ts: `plan` output as text (with the maintenance window
 * marked), as JSON (a stable shape) and as a Mermaid flowchart.
 */
import { describe, expect, test } from 'vitest';
import { plannedPhases } from '../../src/phases/registry.js';
import { planView, renderPlanView } from '../../src/plan-view/render-plan-view.js';
import { EXAMPLES, examplePlanWith, loadExample, loadFreshInstallExample, templateExample } from '../support/plans.js';

const nothingMoves = () =>
  examplePlanWith('redis-only', (raw) => {
    raw.spec.backendRedis = { strategy: 'already-external' };
    raw.spec.systemRedis = { strategy: 'already-external' };
  }).plan;

describe('planView', () => {
  test('has a stable shape: migration, procedure and the planned phases with their rollbacks', () => {
    // GIVEN
    const { plan } = loadExample('redis-only');

    // WHEN
    const view = planView(plan);

    // THEN
    expect(Object.keys(view)).toEqual(['migration', 'procedure', 'phases']);
    expect(Object.keys(view.procedure)).toEqual(['id', 'title', 'source', 'runNoun']);
    for (const p of view.phases) {
      expect(Object.keys(p)).toEqual(['order', 'id', 'folder', 'title', 'window', 'destructive', 'changes', 'expects', 'rollback']);
      if (p.rollback) expect(Object.keys(p.rollback)).toEqual(['folder', 'title', 'changes']);
    }
    expect(view.phases.map((p) => [p.folder, p.window, p.destructive, p.rollback?.folder ?? null])).toMatchInlineSnapshot(`
      [
        [
          "00-preflight",
          "before-window",
          false,
          null,
        ],
        [
          "01-prepare",
          "before-window",
          false,
          "rollback/01-prepare",
        ],
        [
          "02-scale-down",
          "opens-window",
          false,
          "rollback/02-scale-down",
        ],
        [
          "03-copy-data",
          "in-window",
          false,
          null,
        ],
        [
          "04-load-redis",
          "in-window",
          false,
          "rollback/04-load-redis",
        ],
        [
          "05-cutover",
          "in-window",
          false,
          "rollback/05-cutover",
        ],
        [
          "06-scale-up",
          "closes-window",
          false,
          "rollback/06-scale-up",
        ],
        [
          "07-verify",
          "after-window",
          false,
          null,
        ],
        [
          "09-cleanup",
          "after-window",
          true,
          null,
        ],
      ]
    `);
  });

  test('lists exactly the phases the plan runs', () => {
    for (const name of EXAMPLES) {
      // GIVEN
      const { plan } = loadExample(name);

      // WHEN
      const view = planView(plan);

      // THEN
      expect(view.migration).toBe(plan.metadata.name);
      expect(view.phases.map((p) => p.folder)).toEqual(plannedPhases(plan).map((p) => p.folder));
    }
  });
});

describe('renderPlanView', () => {
  describe('as json', () => {
    test('is the plan view, pretty-printed, ending with a newline', () => {
      // GIVEN
      const { plan } = loadExample('postgresql-and-redis');

      // WHEN
      const text = renderPlanView(plan, 'json');

      // THEN
      expect(JSON.parse(text)).toEqual(planView(plan));
      expect(text).toBe(JSON.stringify(planView(plan), null, 2) + '\n');
    });
  });

  describe('as text', () => {
    test('GIVEN the template upgrade, which never stops 3scale WHEN rendered THEN its banners and labels say 3scale is disrupted, not stopped', () => {
      // GIVEN
      const { plan } = templateExample();

      // WHEN
      const lines = renderPlanView(plan, 'text').split('\n');

      // THEN
      expect(lines.filter((l) => l.startsWith('=== '))).toEqual([
        '=== maintenance window opens: 3scale is disrupted from here (rollouts, not stopped) ===',
        '=== maintenance window closes: 3scale runs undisrupted again ===',
      ]);
      expect(lines).toContain('    window: inside (3scale runs, disrupted by rollouts)');
      expect(lines.filter((l) => l.startsWith('    window: ') && /stop/.test(l))).toEqual([]);
    });

    test('marks where the maintenance window opens (before scale-down) and closes (after scale-up)', () => {
      // GIVEN
      const { plan } = loadExample('postgresql-and-redis');

      // WHEN
      const lines = renderPlanView(plan, 'text').split('\n');

      // THEN
      const opens = lines.indexOf('=== maintenance window opens: 3scale is stopped from here ===');
      const closes = lines.indexOf('=== maintenance window closes: 3scale runs again ===');
      const scaleDown = lines.findIndex((l) => l.startsWith('02-scale-down  '));
      const scaleUp = lines.findIndex((l) => l.startsWith('06-scale-up  '));
      const verify = lines.findIndex((l) => l.startsWith('07-verify  '));
      expect(opens).toBeGreaterThan(0);
      expect(lines.filter((l) => l.startsWith('=== '))).toHaveLength(2);
      expect(lines.slice(opens + 1, scaleDown)).toEqual(['']);
      expect(scaleUp).toBeLessThan(closes);
      expect(closes).toBeLessThan(verify);
      for (const folder of ['03-copy-data', '04-load-redis', '05-cutover']) {
        const at = lines.findIndex((l) => l.startsWith(`${folder}  `));
        expect(at > opens && at < closes, folder).toBe(true);
      }
    });

    test('has no window marks when no phase needs 3scale stopped', () => {
      // GIVEN
      const plan = nothingMoves();

      // WHEN
      const text = renderPlanView(plan, 'text');

      // THEN
      expect(text).not.toContain('maintenance window');
      expect(text).toContain('00-preflight  Record the plan');
      expect(text).not.toContain('To roll back');
    });

    test('gives every phase its window, changes, expectations and rollback, and flags the destructive one', () => {
      // GIVEN
      const { plan } = loadExample('redis-only');

      // WHEN
      const text = renderPlanView(plan, 'text');

      // THEN
      expect(
        text.startsWith(
          'Migration dev-3scale: 3scale 2.15: move the System database and both Redis out of the operator, onto new servers on the cluster or existing managed ones, then optionally upgrade to 2.16\nSource: Migrating Red Hat 3scale API Management 2.16, chapters 3 to 6, and chapters 1 and 2 for the upgrade\n\n',
        ),
      ).toBe(true);
      expect(text).toContain('09-cleanup  Delete the old databases (only with spec.cleanup.enabled)  [DESTRUCTIVE]\n    window: after (3scale runs)\n');
      expect(text).toContain('03-copy-data  Copy the data inside the cluster\n    window: inside (3scale is stopped)\n');
      expect(text).toContain('    rollback: rollback/05-cutover: point 3scale back at the old databases\n');
      expect(text).toContain('    expects: namespaces redis-dev exist\n');
      expect(text.match(/\[DESTRUCTIVE\]/g)).toHaveLength(1);
    });

    test('ends with the rollback folders from the last phase down', () => {
      // GIVEN
      const { plan } = loadExample('redis-only');

      // WHEN
      const lines = renderPlanView(plan, 'text').trimEnd().split('\n');

      // THEN
      expect(lines.at(-2)).toBe('To roll back from any phase, apply the rollback folders from that phase down, in this order:');
      expect(lines.at(-1)).toBe(
        '    rollback/06-scale-up -> rollback/05-cutover -> rollback/04-load-redis -> rollback/02-scale-down -> rollback/01-prepare',
      );
    });
  });

  describe('as mermaid', () => {
    test('starts with flowchart TD and has one node per phase plus one per rollback', () => {
      for (const name of EXAMPLES) {
        // GIVEN
        const { plan } = loadExample(name);
        const view = planView(plan);

        // WHEN
        const lines = renderPlanView(plan, 'mermaid').trimEnd().split('\n');

        // THEN
        expect(lines[0]).toBe('flowchart TD');
        const nodes = lines.filter((l) => /^ {2}r?p\d\d\["/.test(l));
        const rollbacks = view.phases.filter((p) => p.rollback);
        expect(nodes, name).toHaveLength(view.phases.length + rollbacks.length);
        for (const p of view.phases) expect(nodes, name).toContain(`  p${p.folder.slice(0, 2)}["${p.folder}<br/>${p.title}"]`);
        for (const p of rollbacks) {
          expect(nodes.some((n) => n.startsWith(`  rp${p.folder.slice(0, 2)}["rollback/${p.folder}<br/>`)), name).toBe(true);
          expect(lines).toContain(`  p${p.folder.slice(0, 2)} -. rollback .-> rp${p.folder.slice(0, 2)}`);
        }
      }
    });

    test('links the phases in order and labels the edges where the window opens and closes', () => {
      // GIVEN
      const { plan } = loadExample('postgresql-and-redis');

      // WHEN
      const edges = renderPlanView(plan, 'mermaid')
        .split('\n')
        .filter((l) => /^ {2}p\d\d (-->|--)/.test(l));

      // THEN
      expect(edges).toEqual([
        '  p00 --> p01',
        '  p01 -- window opens --> p02',
        '  p02 --> p03',
        '  p03 --> p04',
        '  p04 --> p05',
        '  p05 --> p06',
        '  p06 -- window closed --> p07',
        '  p07 --> p08',
      ]);
    });

    test('has a single node and no edge when only the preflight runs', () => {
      // GIVEN
      const plan = nothingMoves();

      // WHEN
      const text = renderPlanView(plan, 'mermaid');

      // THEN
      expect(text).toBe('flowchart TD\n  p00["00-preflight<br/>Record the plan and the replica counts, ask the databases for their versions"]\n');
    });

    test('never puts a double quote inside a node label', () => {
      for (const name of EXAMPLES) {
        // GIVEN
        const { plan } = loadExample(name);

        // WHEN
        const nodes = renderPlanView(plan, 'mermaid')
          .split('\n')
          .filter((l) => l.includes('["'));

        // THEN
        for (const n of nodes) expect(n.slice(n.indexOf('["') + 2, n.lastIndexOf('"]')), name).not.toContain('"');
      }
    });
  });
});

describe('the heading names what a run of the procedure is', () => {
  test('GIVEN a fresh-install plan WHEN rendered as text THEN the heading says Install, not Migration', () => {
    // GIVEN
    const { plan } = loadFreshInstallExample('fresh-install-rosa');

    // WHEN
    const text = renderPlanView(plan, 'text');

    // THEN
    expect(text.split('\n')[0]).toMatch(/^Install [a-z0-9-]+: /);
  });
});
