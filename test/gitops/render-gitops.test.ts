/**
 * Specification of src/gitops/render-gitops.ts: the Argo CD and Flux wiring beside the phase folders. One
 * phase folder is reconciled at a time (the target); the earlier ones exist, chained in order, but are
 * superseded (Argo CD: no automated sync; Flux: suspended).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { APPLICATION_HEALTH_LUA } from '../../src/gitops/argocd-health.js';
import { type GitopsEngine, renderGitops } from '../../src/gitops/render-gitops.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { LoadedPlan } from '../../src/plan/load-plan.js';
import { type OutputFile, type SynthResult, synthesize } from '../../src/synth/synthesize.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { EXAMPLES, type ExampleName, examplePlanWith, loadExample, userError } from '../support/plans.js';

const synthesized = new Map<ExampleName, { loaded: LoadedPlan; result: SynthResult }>();

/** The repository of the examples that name none (Argo CD refuses to render without one). */
const REPO_URL = 'https://git.example.com/platform/3scale-migration.git';

beforeAll(async () => {
  for (const name of EXAMPLES) {
    const loaded = examplePlanWith(name, (raw) => (raw.spec.gitops = { repoURL: REPO_URL, ...raw.spec.gitops }));
    synthesized.set(name, { loaded, result: await synthesize(loaded) });
  }
});

const example = (name: ExampleName) => synthesized.get(name)!;

/** The phase objects (Applications or Kustomizations) of the wiring, in chain order. */
function phaseObjects(files: readonly OutputFile[], engine: 'argocd' | 'flux'): any[] {
  const dir = engine === 'argocd' ? 'gitops/argocd/apps/' : 'gitops/flux/';
  const index = parse(files.find((f) => f.path === `${dir}kustomization.yaml`)!.content) as { resources: string[] };
  return index.resources.map((r) => parse(files.find((f) => f.path === `${dir}${r}`)!.content));
}

const state = (o: any) => o.metadata.annotations['threescale-migrate.3scale.net/state'] as string;
const phaseOf = (o: any) => o.metadata.annotations['threescale-migrate.3scale.net/phase'] as string;

describe('renderGitops', () => {
  test('renders nothing for engine none', () => {
    // GIVEN
    const { loaded, result } = example('postgresql-and-redis');

    // WHEN
    const files = renderGitops(loaded.plan, result, 'none');

    // THEN
    expect(files).toEqual([]);
  });

  describe.each(EXAMPLES)('on examples/%s', (name) => {
    describe.each(['argocd', 'flux'] as const)('with %s', (engine) => {
      test('reconciles exactly one phase folder, the target, for every target phase of the plan', () => {
        // GIVEN
        const { loaded, result } = example(name);

        for (const target of result.forward.map((s) => s.phase.definition.id)) {
          // WHEN
          const objects = phaseObjects(renderGitops(loaded.plan, result, engine, target), engine);

          // THEN
          const active = objects.filter((o) => state(o) === 'active');
          expect(active, target).toHaveLength(1);
          expect(active[0]).toBe(objects.at(-1));
          expect(phaseOf(active[0])).toMatch(new RegExp(`^\\d\\d-${target}$`));
          expect(objects.map(phaseOf)).toEqual(result.forward.slice(0, objects.length).map((s) => s.folder));
        }
      });

      test('chains the earlier phases in order and supersedes them', () => {
        // GIVEN
        const { loaded, result } = example(name);
        const target = result.forward.at(-1)!.phase.definition.id;

        // WHEN
        const objects = phaseObjects(renderGitops(loaded.plan, result, engine, target), engine);

        // THEN
        expect(objects).toHaveLength(result.forward.length);
        objects.forEach((o, i) => {
          const active = i === objects.length - 1;
          expect(state(o)).toBe(active ? 'active' : 'superseded');
          if (engine === 'argocd') {
            expect(Number(o.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBe(i);
            expect(o.spec.syncPolicy.automated === undefined).toBe(!active);
            if (active) expect(o.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
          } else {
            expect(o.spec.suspend).toBe(!active);
            expect(o.spec.dependsOn).toEqual(i === 0 ? undefined : [{ name: objects[i - 1].metadata.name }]);
            expect(o.spec.prune).toBe(false);
          }
        });
      });

      test('targets rollback/<id> as the one active folder, after the forward phases up to that phase', () => {
        // GIVEN
        const { loaded, result } = example(name);

        for (const undo of result.rollbacks) {
          const id = undo.phase.definition.id;

          // WHEN
          const objects = phaseObjects(renderGitops(loaded.plan, result, engine, `rollback/${id}`), engine);

          // THEN
          const forward = result.forward.slice(0, result.forward.findIndex((s) => s.phase.definition.id === id) + 1).map((s) => s.folder);
          expect(objects.map(phaseOf)).toEqual([...forward, `rollback/${undo.phase.folder}`]);
          expect(objects.filter((o) => state(o) === 'active').map(phaseOf)).toEqual([`rollback/${undo.phase.folder}`]);
        }
      });

      test('renders objects that validate against the Argo CD Application and Flux Kustomization schemas', () => {
        // GIVEN
        const { loaded, result } = example(name);
        // the longest forward chain and the longest rollback chain hold every shape an object can take
        const targets = [result.forward.at(-1)!.phase.definition.id, `rollback/${result.rollbacks.at(-1)!.phase.definition.id}`];

        for (const target of targets) {
          // WHEN
          const files = renderGitops(loaded.plan, result, engine, target);

          // THEN
          for (const f of files.filter((x) => !x.path.endsWith('.patch.yaml'))) {
            const o = parse(f.content) as KubeObject;
            expect(validateManifest(o), `${target}: ${f.path}`).toEqual([]);
          }
        }
      });

      test('is deterministic', () => {
        // GIVEN
        const { loaded, result } = example(name);

        // WHEN
        const first = renderGitops(loaded.plan, result, engine);
        const second = renderGitops(loaded.plan, result, engine);

        // THEN
        expect(second).toEqual(first);
      });
    });
  });

  describe('with argocd', () => {
    test('points each Application at its folder under spec.gitops.path, and a root Application at the apps folder', () => {
      // GIVEN
      const { loaded, result } = example('postgresql-and-redis');

      // WHEN
      const files = renderGitops(loaded.plan, result, 'argocd');

      // THEN
      expect(files.map((f) => f.path)).toEqual([
        'gitops/argocd/apps/00-preflight.yaml',
        'gitops/argocd/apps/01-prepare.yaml',
        'gitops/argocd/apps/02-scale-down.yaml',
        'gitops/argocd/apps/kustomization.yaml',
        'gitops/argocd/root-application.yaml',
        'gitops/argocd/argocd-cm-application-health.yaml',
        'gitops/argocd/openshift-gitops-argocd.patch.yaml',
      ]);
      const active = parse(files[2]!.content);
      expect(active.metadata).toMatchObject({ name: 'prod-3scale-02-scale-down', namespace: 'openshift-gitops' });
      expect(active.spec.source).toEqual({
        repoURL: 'https://git.example.com/platform/3scale-migration.git',
        targetRevision: 'main',
        path: 'clusters/prod/3scale-migration/02-scale-down',
      });
      expect(active.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: '3scale' });
      expect(active.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
      const root = parse(files[4]!.content);
      expect(root.metadata.name).toBe('prod-3scale-phases');
      expect(root.spec.source.path).toBe('clusters/prod/3scale-migration/gitops/argocd/apps');
      expect(root.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
    });

    test('names rollback Applications after the rollback folder', () => {
      // GIVEN
      const { loaded, result } = example('postgresql-and-redis');

      // WHEN
      const files = renderGitops(loaded.plan, result, 'argocd', 'rollback/cutover');

      // THEN
      const last = parse(files.find((f) => f.path === 'gitops/argocd/apps/rollback-05-cutover.yaml')!.content);
      expect(last.metadata.name).toBe('prod-3scale-rollback-05-cutover');
      expect(last.spec.source.path).toBe('clusters/prod/3scale-migration/rollback/05-cutover');
    });

    test('ships the Application health check for argocd-cm', () => {
      // GIVEN
      const { loaded, result } = example('redis-only');

      // WHEN
      const files = renderGitops(loaded.plan, result, 'argocd');

      // THEN
      const cm = parse(files.find((f) => f.path === 'gitops/argocd/argocd-cm-application-health.yaml')!.content);
      expect(cm).toEqual({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'argocd-cm', namespace: 'openshift-gitops', labels: { 'app.kubernetes.io/part-of': 'argocd' } },
        data: { 'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA },
      });
    });

    test('GIVEN a plan without spec.gitops.repoURL WHEN Argo CD wiring is rendered THEN it is refused in one sentence naming the field, never a placeholder URL', () => {
      // GIVEN
      const loaded = loadExample('redis-only');
      const { result } = example('redis-only');
      expect(loaded.plan.spec.gitops.repoURL).toBeUndefined();

      // WHEN / THEN
      expect(userError(() => renderGitops(loaded.plan, result, 'argocd')).message).toBe(
        'spec.gitops.repoURL: required with --gitops argocd; expected the URL of the Git repository the synthesized folder is committed to (Argo CD reads the phase folders from it).',
      );
    });

    test('GIVEN a plan without spec.gitops.path WHEN wiring is rendered for an output folder THEN every path is under that folder, not dist/', () => {
      // GIVEN
      const loaded = examplePlanWith('redis-only', (raw) => (raw.spec.gitops = { repoURL: REPO_URL }));
      const { result } = example('redis-only');

      // WHEN
      const argo = renderGitops(loaded.plan, result, 'argocd', undefined, 'clusters/dev/3scale');
      const flux = renderGitops(loaded.plan, result, 'flux', undefined, 'clusters/dev/3scale');

      // THEN
      expect(parse(argo[0]!.content).spec.source.path).toBe('clusters/dev/3scale/00-preflight');
      expect(parse(argo.find((f) => f.path === 'gitops/argocd/root-application.yaml')!.content).spec.source.path).toBe('clusters/dev/3scale/gitops/argocd/apps');
      expect(parse(flux[0]!.content).spec.path).toBe('./clusters/dev/3scale/00-preflight');
      expect([...argo, ...flux].map((f) => f.content).join('\n')).not.toMatch(/\bdist\//);
    });

    test('uses the folder itself as the path when spec.gitops.path is "."', () => {
      // GIVEN
      const loaded = examplePlanWith('redis-only', (raw) => (raw.spec.gitops = { repoURL: REPO_URL, path: '.' }));
      const { result } = example('redis-only');

      // WHEN
      const files = renderGitops(loaded.plan, result, 'argocd');

      // THEN
      expect(parse(files[0]!.content).spec.source.path).toBe('00-preflight');
    });
  });

  describe('with flux', () => {
    test('renders Kustomizations that never prune, wait for their objects and read the configured source', () => {
      // GIVEN
      const { loaded, result } = example('postgresql-and-redis');

      // WHEN
      const objects = phaseObjects(renderGitops(loaded.plan, result, 'flux', 'copy-data'), 'flux');

      // THEN
      expect(objects.map((o) => o.metadata.name)).toEqual(['prod-3scale-00-preflight', 'prod-3scale-01-prepare', 'prod-3scale-02-scale-down', 'prod-3scale-03-copy-data']);
      for (const o of objects) {
        expect(o.metadata.namespace).toBe('flux-system');
        expect(o.spec).toMatchObject({ interval: '5m', prune: false, wait: true, force: false, sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
        expect(o.spec.path).toBe(`./clusters/prod/3scale-migration/${phaseOf(o)}`);
      }
    });

    test('gives phases with Jobs the Job deadline plus five minutes as timeout, and others ten minutes', () => {
      // GIVEN
      const { loaded, result } = example('postgresql-and-redis');

      // WHEN
      const objects = phaseObjects(renderGitops(loaded.plan, result, 'flux', 'verify'), 'flux');

      // THEN
      const timeouts = Object.fromEntries(objects.map((o) => [phaseOf(o), o.spec.timeout]));
      expect(timeouts['01-prepare']).toBe('65m');
      expect(timeouts['02-scale-down']).toBe('10m');
      expect(timeouts['03-copy-data']).toBe('65m');
      expect(timeouts['06-scale-up']).toBe('10m');
    });
  });

  describe('target phase', () => {
    test.each(['argocd', 'flux'] as GitopsEngine[])('refuses an unknown spec.gitops.targetPhase with %s, naming the field and the valid choices', (engine) => {
      // GIVEN
      const loaded = examplePlanWith('postgresql-and-redis', (raw) => (raw.spec.gitops.targetPhase = 'migrate'));
      const { result } = example('postgresql-and-redis');

      // WHEN
      const err = userError(() => renderGitops(loaded.plan, result, engine));

      // THEN
      expect(err.message).toBe(
        'spec.gitops.targetPhase: "migrate" is not a phase of this plan; expected one of preflight, prepare, scale-down, copy-data, load-redis, cutover, scale-up, verify, upgrade (or rollback/<id>).',
      );
    });

    test('names --target-phase when the target came from the command line', () => {
      // GIVEN
      const { loaded, result } = example('postgresql-and-redis');

      // WHEN
      const err = userError(() => renderGitops(loaded.plan, result, 'flux', 'cleanup'));

      // THEN
      expect(err.message.startsWith('--target-phase: "cleanup" is not a phase of this plan; expected one of preflight,')).toBe(true);
    });

    test('refuses the rollback of a phase that has none, naming the rollbacks there are', () => {
      // GIVEN
      const { loaded, result } = example('redis-only');

      // WHEN
      const err = userError(() => renderGitops(loaded.plan, result, 'argocd', 'rollback/copy-data'));

      // THEN
      expect(err.message).toBe(
        '--target-phase: phase "copy-data" has no rollback; expected one of rollback/prepare, rollback/scale-down, rollback/load-redis, rollback/cutover, rollback/scale-up.',
      );
    });

    test('refuses the rollback of an unknown phase', () => {
      // GIVEN
      const { loaded, result } = example('redis-only');

      // WHEN
      const err = userError(() => renderGitops(loaded.plan, result, 'flux', 'rollback/nope'));

      // THEN
      expect(err.message).toContain('--target-phase: "rollback/nope" is not a phase of this plan; expected one of preflight,');
    });
  });

  test.each(['argocd', 'flux'] as const)('gives every %s object a distinct name of at most 63 characters, even for the longest plan name', async (engine) => {
    // GIVEN
    const longName = `migration-${'x'.repeat(53)}`;
    const loaded = examplePlanWith('redis-only', (raw) => {
      raw.metadata.name = longName;
      raw.spec.gitops = { repoURL: REPO_URL };
    });
    expect(longName).toHaveLength(63);
    const result = await synthesize(loaded);
    const target = result.forward.at(-1)!.phase.definition.id;

    for (const t of [target, 'rollback/scale-up']) {
      // WHEN
      const files = renderGitops(loaded.plan, result, engine, t);
      const names = phaseObjects(files, engine).map((o) => o.metadata.name as string);
      const root = files.find((f) => f.path === 'gitops/argocd/root-application.yaml');
      if (root) names.push(parse(root.content).metadata.name);

      // THEN
      expect(new Set(names).size, names.join(', ')).toBe(names.length);
      for (const n of names) {
        expect(n.length).toBeLessThanOrEqual(63);
        expect(n).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      }
    }
  });
});
