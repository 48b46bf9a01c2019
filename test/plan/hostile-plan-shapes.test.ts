/**
 * Specification: every plan `plan` accepts synthesizes without an internal error, into manifests the API
 * server accepts; the shapes that once got through (issue 15: quantities such as `1.2.3Gi` or `1Ki5`, PVC
 * sizes `-10Gi` and `0`, a CPU limit of `-1`, an `ampRelease` with a space, a `repoURL` holding the GitOps
 * state annotation's text, an `appLabel` that is no label value, a `tenantUrl` over http or with user@) are
 * refused by the plan loader in one sentence naming the field, and generated ones either refused or
 * synthesized cleanly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { UserError } from '../../src/errors.js';
import { POINTER_PHASE_ANNOTATION, renderGitops } from '../../src/gitops/render-gitops.js';
import { parsePlan } from '../../src/plan/load-plan.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { validateSynthResult } from '../../src/synth/validate-output.js';
import { ROOT } from '../support/plans.js';

const MIGRATION = join(ROOT, 'examples', 'postgresql-and-redis', 'migration.yaml');
const TEMPLATE = join(ROOT, 'examples', 'template-2.5-to-2.6', 'migration.yaml');

/** An example plan's YAML after a change to its parsed form. */
function changed(path: string, change: (raw: any) => void): string {
  const raw = parse(readFileSync(path, 'utf8'));
  change(raw);
  return stringify(raw);
}

/** The one sentence the loader refuses a plan text with. */
function refusal(text: string): string {
  try {
    parsePlan(text, 'plan.yaml');
  } catch (err) {
    expect(UserError.isUserError(err), String((err as Error).stack)).toBe(true);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('the plan was accepted');
}

/** Accepted plans are synthesized (with Argo CD wiring, Flux's from an existing source without a repoURL) and validated: no error but a UserError. */
async function acceptedAndSynthesized(text: string): Promise<'refused' | 'synthesized'> {
  let loaded;
  try {
    loaded = parsePlan(text, 'plan.yaml');
  } catch (err) {
    expect(UserError.isUserError(err), String((err as Error).stack)).toBe(true);
    return 'refused';
  }
  const result = await synthesize(loaded);
  // The wiring needs spec.gitops.repoURL (synth refuses without it) unless Flux reads an existing source.
  if (loaded.plan.spec.gitops.repoURL === undefined) (loaded.plan.spec.gitops.flux as { sourceName?: string }).sourceName = 'platform';
  await validateSynthResult(result, renderGitops(loaded.plan, result, loaded.plan.spec.gitops.repoURL === undefined ? 'flux' : 'argocd'));
  return 'synthesized';
}

describe('plan shapes that crashed synth or gave manifests a server rejects are refused by the loader', () => {
  test.each([
    ['1.2.3Gi', 'spec.systemDatabase.storage.size: expected a storage size above 0 such as 10Gi or 512Mi, got "1.2.3Gi".'],
    ['1Ki5', 'spec.systemDatabase.storage.size: expected a storage size above 0 such as 10Gi or 512Mi, got "1Ki5".'],
    ['-10Gi', 'spec.systemDatabase.storage.size: expected a storage size above 0 such as 10Gi or 512Mi, got "-10Gi".'],
    ['0', 'spec.systemDatabase.storage.size: expected a storage size above 0 such as 10Gi or 512Mi, got "0".'],
    ['0Gi', 'spec.systemDatabase.storage.size: expected a storage size above 0 such as 10Gi or 512Mi, got "0Gi".'],
  ])('GIVEN a PVC size %s WHEN loaded THEN refused naming the field', (size, message) => {
    expect(refusal(changed(MIGRATION, (raw) => (raw.spec.systemDatabase.storage.size = size)))).toBe(`plan.yaml: ${message}`);
  });

  test('GIVEN a CPU limit of -1 WHEN loaded THEN refused naming the field; 0 and 1.5 are accepted', () => {
    const withCpu = (cpu: string) => changed(MIGRATION, (raw) => (raw.spec.systemDatabase.resources = { limits: { cpu } }));
    expect(refusal(withCpu('-1'))).toBe('plan.yaml: spec.systemDatabase.resources.limits.cpu: expected a Kubernetes quantity of 0 or more such as 512Mi or 250m, got "-1".');
    expect(() => parsePlan(withCpu('0'), 'plan.yaml')).not.toThrow();
    expect(() => parsePlan(withCpu('1.5'), 'plan.yaml')).not.toThrow();
  });

  test('GIVEN an appLabel that is no label value WHEN loaded THEN refused naming the field', () => {
    const message = refusal(changed(MIGRATION, (raw) => (raw.spec.threescale.appLabel = 'my app!')));
    expect(message).toBe('plan.yaml: spec.threescale.appLabel: expected a label value (letters, digits, "-", "_" and ".", starting and ending with a letter or digit), got "my app!".');
  });

  test('GIVEN an ampRelease with a space WHEN loaded THEN refused naming the field', () => {
    const message = refusal(changed(TEMPLATE, (raw) => (raw.spec.deploymentConfigs.find((d: { name: string }) => d.name === 'system-app').ampRelease = '2.5 beta')));
    expect(message).toMatch(/^plan\.yaml: spec\.deploymentConfigs\[\d+\]\.ampRelease: expected a release such as "2\.5" \(letters, digits, "\.", "_", "\+" and "-"\), got "2\.5 beta"\.$/);
  });

  test.each([
    ['http://3scale-admin.apps.example.com'],
    ['https://user:token@3scale-admin.apps.example.com'],
    ['https://3scale-admin.apps.example.com@evil.example.net'],
  ])('GIVEN a tenantUrl %s WHEN loaded THEN refused: the access token would go out in clear or to another host', (url) => {
    const message = refusal(changed(TEMPLATE, (raw) => (raw.spec.routes.serviceDeploymentOptions[0].tenantUrl = url)));
    expect(message).toBe(
      `plan.yaml: spec.routes.serviceDeploymentOptions[0].tenantUrl: expected an https tenant admin URL such as https://acme-admin.apps.example.com (scheme, host and port only; no http:// and no user@, the access token goes with the request), got "${url}".`,
    );
  });

  test('GIVEN a repoURL with spaces (the state annotation text) WHEN loaded THEN refused naming the field', () => {
    const message = refusal(changed(MIGRATION, (raw) => (raw.spec.gitops = { repoURL: 'https://git.example.com/x threescale-migrate.3scale.net/state: active' })));
    expect(message).toBe('plan.yaml: spec.gitops.repoURL: expected a Git repository URL without spaces such as https://git.example.com/platform/gitops.git, got "https://git.example.com/x threescale-migrate.3scale.net/s...".');
  });

  test('GIVEN GitOps values holding the pointer annotation text (as a plan of an older schema could) WHEN the Argo CD and Flux wiring is rendered THEN exactly one pointer names the target folder, no internal error', async () => {
    // GIVEN
    const loaded = parsePlan(changed(MIGRATION, (raw) => (raw.spec.gitops = { targetPhase: 'copy-data' })), 'plan.yaml');
    const gitops = loaded.plan.spec.gitops as { repoURL: string; path: string };
    gitops.repoURL = `https://git.example.com/x ${POINTER_PHASE_ANNOTATION}: 05-cutover`;
    const result = await synthesize(loaded);
    const copyData = result.forward.find((s) => s.phase.definition.id === 'copy-data')!.folder;

    // WHEN
    const argocd = renderGitops(loaded.plan, result, 'argocd');
    const flux = renderGitops(loaded.plan, result, 'flux');

    // THEN
    const pointed = (files: readonly { content: string }[]) =>
      files.flatMap((f) => parseAllDocuments(f.content).map((d) => (d.toJS() as { metadata?: { annotations?: Record<string, string> } } | null)?.metadata?.annotations?.[POINTER_PHASE_ANNOTATION])).filter((v) => v !== undefined);
    expect(pointed(argocd)).toEqual([copyData]);
    expect(pointed(flux)).toEqual([copyData]);
  });
});

describe('generated plan values (property-based): refused in one sentence, or synthesized into valid manifests', () => {
  /** Quantities (signed, with fractions, suffixes and exponents) and near-quantities built from their pieces. */
  async function quantityLike() {
    const fc = await import('fast-check');
    const pieces = fc.constantFrom('0', '1', '5', '10', '.', '-', '+', 'e', 'E', 'Ki', 'Mi', 'Gi', 'm', 'k', 'M', 'G', 'i', ' ', '3');
    const nearQuantity = fc.array(pieces, { minLength: 1, maxLength: 8 }).map((p) => p.join(''));
    const quantity = fc
      .tuple(fc.constantFrom('', '-', '+'), fc.nat(5000), fc.option(fc.nat(999), { nil: undefined }), fc.constantFrom('', 'Ki', 'Mi', 'Gi', 'Ti', 'm', 'k', 'M', 'G', 'e3', 'E-2', 'n'))
      .map(([sign, whole, fraction, suffix]) => `${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}${suffix}`);
    // Plain valid quantities weigh in too: with three generated fields a run is synthesized only when all
    // three are valid, which the two arms above alone make rare enough to leave a run of 40 with none.
    const valid = fc.constantFrom('1Gi', '2Gi', '1');
    return fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: quantity, weight: 1 }, { arbitrary: nearQuantity, weight: 1 });
  }

  /** Counts what a property's runs came to, so a property that only ever refuses is seen as vacuous. */
  function tally() {
    const counts = { refused: 0, synthesized: 0 };
    return { counts, add: (outcome: 'refused' | 'synthesized') => void (counts[outcome] += 1) };
  }

  test('GIVEN generated storage sizes and CPU/memory quantities WHEN loaded and synthesized THEN no internal error and every manifest validates', async () => {
    const fc = await import('fast-check');
    const q = await quantityLike();
    const { counts, add } = tally();
    await fc.assert(
      fc.asyncProperty(q, q, q, async (size, cpu, memory) => {
        const text = changed(MIGRATION, (raw) => {
          raw.spec.systemDatabase.resources = { limits: { cpu, memory } };
          raw.spec.backendRedis.storage.size = size;
        });
        add(await acceptedAndSynthesized(text));
      }),
      { numRuns: 40 },
    );
    expect(counts.refused).toBeGreaterThan(0);
    expect(counts.synthesized).toBeGreaterThan(0);
  }, 300_000);

  test('GIVEN generated appLabel, repoURL and path texts WHEN loaded and synthesized THEN no internal error and every manifest validates', async () => {
    const fc = await import('fast-check');
    const text = fc.oneof(
      fc.string({ maxLength: 70 }),
      fc.stringMatching(/^[a-z0-9][-a-z0-9_./:]{0,40}[a-z0-9]$/),
      fc.constantFrom('threescale-migrate.3scale.net/state: active', 'threescale-migrate.3scale.net/state:active', 'state: active', 'a_b.c', '-x', 'x-', ''),
      // valid for all three fields, weighted so that some runs are synthesized whatever the seed
      { arbitrary: fc.constantFrom('threescale', 'a_b.c'), weight: 3 },
    );
    const { counts, add } = tally();
    await fc.assert(
      fc.asyncProperty(text, text, text, async (appLabel, repoURL, path) => {
        add(
          await acceptedAndSynthesized(
            changed(MIGRATION, (raw) => {
              raw.spec.threescale.appLabel = appLabel;
              raw.spec.gitops = { repoURL, path };
            }),
          ),
        );
      }),
      { numRuns: 40 },
    );
    expect(counts.refused).toBeGreaterThan(0);
    expect(counts.synthesized).toBeGreaterThan(0);
  }, 300_000);

  test('GIVEN generated ampRelease and tenantUrl texts WHEN loaded and synthesized THEN no internal error and every manifest validates', async () => {
    const fc = await import('fast-check');
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.webUrl(),
      fc.constantFrom('2.5 beta', '2.5', '2.5.0-GA', 'http://a.example.com', 'https://u@a.example.com', 'https://a.example.com:8443', 'https://3scale-admin.apps.example.com'),
    );
    // each field also weighted towards values valid for it, so that some runs are synthesized whatever the seed
    // (a URL is no valid release: with one shared weighted set, a seed could synthesize nothing)
    const release = fc.oneof(text, { arbitrary: fc.constantFrom('2.5', '2.5.0-GA'), weight: 3 });
    const tenantUrl = fc.oneof(text, { arbitrary: fc.constantFrom('https://3scale-admin.apps.example.com', 'https://a.example.com:8443'), weight: 3 });
    const { counts, add } = tally();
    await fc.assert(
      fc.asyncProperty(release, tenantUrl, async (release, url) => {
        add(
          await acceptedAndSynthesized(
            changed(TEMPLATE, (raw) => {
              raw.spec.deploymentConfigs.find((d: { name: string }) => d.name === 'system-app').ampRelease = release;
              raw.spec.routes.serviceDeploymentOptions[0].tenantUrl = url;
            }),
          ),
        );
      }),
      { numRuns: 60 },
    );
    expect(counts.refused).toBeGreaterThan(0);
    expect(counts.synthesized).toBeGreaterThan(0);
  }, 300_000);
});
