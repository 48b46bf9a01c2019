import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import { loadPlanFile } from '../../src/plan/load-plan.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { IN_CI } from '../support/db-servers.js';
import { loadExample } from '../support/plans.js';
import { checkEnvtestBinaries, envtestBinaries, failIfEnvtestMissing } from '../support/real-api/envtest-binaries.js';

const ROOT = join(import.meta.dirname, '..', '..');
const envtest = checkEnvtestBinaries();
/** The plan file of an example: `migration.yaml` for a migration, `install.yaml` for a fresh install. */
const planFileOf = (example: string): string => ['migration.yaml', 'install.yaml'].map((f) => join(ROOT, 'examples', example, f)).find((f) => existsSync(f)) ?? '';
const EXAMPLES = readdirSync(join(ROOT, 'examples')).filter((e) => planFileOf(e) !== '').sort();

/** Every fake secret value of the fixtures and its base64 form. */
function secretValues(): string[] {
  const text = readFileSync(join(ROOT, 'test', 'fixtures', 'FAKE-SECRETS.md'), 'utf8');
  const values = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('<!--'))
    .map((l) => l.replace(/^[-*]\s*/, '').replace(/^`|`$/g, ''))
    .filter((v) => v.length >= 4);
  return values.flatMap((v) => [v, Buffer.from(v).toString('base64')]);
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

describe.each(EXAMPLES)('synthesize examples/%s', (example) => {
  const planPath = planFileOf(example);

  test('GIVEN the same plan WHEN synthesized twice THEN the output is byte-identical', async () => {
    // GIVEN
    const loaded = loadPlanFile(planPath);

    // WHEN
    const first = await synthesize(loaded);
    const second = await synthesize(loadPlanFile(planPath));

    // THEN
    expect(second.files).toEqual(first.files);
  });

  test('GIVEN the plan WHEN synthesized THEN every file matches the reviewed snapshot under snapshots/', async () => {
    // GIVEN
    const loaded = loadPlanFile(planPath);

    // WHEN
    const result = await synthesize(loaded);

    // THEN
    for (const f of result.files) {
      await expect(f.content).toMatchFileSnapshot(join(ROOT, 'snapshots', example, f.path));
    }
    const snapshotDir = join(ROOT, 'snapshots', example);
    const stale = existsSync(snapshotDir)
      ? listFiles(snapshotDir).map((p) => relative(snapshotDir, p)).filter((p) => !result.files.some((f) => f.path === p))
      : [];
    expect(stale, 'snapshot files no longer produced (delete them)').toEqual([]);
  });

  test('GIVEN the output WHEN searched for every fake secret of the fixtures THEN none appears', async () => {
    // GIVEN
    const result = await synthesize(loadPlanFile(planPath));
    const secrets = secretValues();
    expect(secrets.length).toBeGreaterThan(0);

    // WHEN
    const leaks = result.files.flatMap((f) => secrets.filter((s) => f.content.includes(s)).map((s) => `${f.path}: ${s.slice(0, 2)}…`));

    // THEN
    expect(leaks).toEqual([]);
    for (const f of result.files) expect(f.content).not.toMatch(/kind: Secret\n/);
  });

  test.skipIf(!envtest.ok && !IN_CI)('GIVEN every phase folder WHEN rendered by kubectl kustomize THEN it builds', async () => {
    // GIVEN the kubectl built with the tests' API server (missing: skipped with a warning, failing in CI)
    failIfEnvtestMissing(envtest);
    const kubectl = envtestBinaries().kubectl;
    const result = await synthesize(loadPlanFile(planPath));
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const out = mkdtempSync(join(tmpdir(), 'synth-'));
    for (const f of result.files) {
      mkdirSync(join(out, f.path, '..'), { recursive: true });
      writeFileSync(join(out, f.path), f.content);
    }

    // WHEN / THEN
    for (const state of [...result.forward, ...result.rollbacks]) {
      const rendered = execFileSync(kubectl, ['kustomize', join(out, state.folder)], { encoding: 'utf8' });
      expect(rendered.split('\n---\n')).toHaveLength(state.objects.length);
    }
  });
});

describe('synthesize refuses an upgrade that the 2.16 operator would refuse', () => {
  test('GIVEN an enabled upgrade and a component whose strategy leaves it with the operator WHEN synthesized THEN one sentence naming spec.upgrade.enabled', async () => {
    // GIVEN a strategy no released version has: the System database stays internal (plan facts count an
    // unclassified strategy as staying with the operator)
    const loaded = loadExample('postgresql-and-redis');
    const plan = { ...loaded.plan, spec: { ...loaded.plan.spec, systemDatabase: { ...loaded.plan.spec.systemDatabase, strategy: 'keep-with-operator' } } } as unknown as Plan;

    // WHEN
    const error = await synthesize({ ...loaded, plan }).then(
      () => undefined,
      (e: unknown) => e,
    );

    // THEN
    expect(UserError.isUserError(error)).toBe(true);
    const message = (error as UserError).message;
    expect(message).toBe(
      `${loaded.path}: spec.upgrade.enabled: the upgrade to 2.16 is enabled while spec.systemDatabase would stay internal, managed by the 3scale operator, which the 2.16 operator refuses; expected every component external (a strategy that moves or detaches it), or spec.upgrade.enabled: false.`,
    );
    expect(message.split('\n')).toHaveLength(1);
  });

  test('GIVEN the same plan with the upgrade disabled WHEN synthesized THEN it renders, without the upgrade folder', async () => {
    // GIVEN
    const loaded = loadExample('postgresql-and-redis');
    const plan = { ...loaded.plan, spec: { ...loaded.plan.spec, upgrade: { ...loaded.plan.spec.upgrade!, enabled: false } } } as Plan;

    // WHEN
    const result = await synthesize({ ...loaded, plan });

    // THEN
    expect(result.forward.map((s) => s.folder)).not.toContain('08-upgrade');
    expect(result.forward.at(-1)?.folder).toBe('07-verify');
  });
});

describe('synthesize on generated valid plans (property-based)', () => {
  test('GIVEN generated valid plans WHEN synthesized twice THEN every object validates and the output is identical', async () => {
    const fc = await import('fast-check');
    const { parse, stringify } = await import('yaml');
    const { parsePlan } = await import('../../src/plan/load-plan.js');
    const base = parse(readFileSync(join(ROOT, 'examples', 'postgresql-and-redis', 'migration.yaml'), 'utf8'));
    const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,40}[a-z0-9])?$/);
    const quantity = fc.tuple(fc.integer({ min: 1, max: 4096 }), fc.constantFrom('Mi', 'Gi', 'Ti', '')).map(([n, u]) => `${n}${u}`);
    const plan = fc.record({
      name: dnsLabel,
      ns: dnsLabel,
      target: dnsLabel,
      replicas: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 12, maxLength: 12 }),
      size: quantity,
      kind: fc.constantFrom('postgresql', 'mysql'),
      redis: fc.constantFrom('upgrade-on-cluster', 'already-external'),
      cleanup: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        const doc = structuredClone(base);
        doc.metadata.name = p.name;
        doc.spec.threescale.namespace = p.ns;
        doc.spec.targets.namespace = p.target;
        Object.keys(doc.spec.replicas).forEach((k, i) => (doc.spec.replicas[k] = p.replicas[i]));
        doc.spec.systemDatabase = p.kind === 'postgresql' ? { kind: 'postgresql', storage: { size: p.size } } : { kind: 'mysql' };
        doc.spec.backendRedis = { strategy: p.redis };
        doc.spec.cleanup = { enabled: p.cleanup };
        const loaded = parsePlan(stringify(doc), 'generated.yaml');
        const first = await synthesize(loaded);
        const { validateSynthResult } = await import('../../src/synth/validate-output.js');
        await validateSynthResult(first, []);
        const second = await synthesize(parsePlan(stringify(doc), 'generated.yaml'));
        expect(second.files).toEqual(first.files);
      }),
      { numRuns: 15 },
    );
  });
});
