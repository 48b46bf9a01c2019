/**
 * Specification of src/gitops/render-gitops.ts: the Argo CD and Flux wiring beside the phase folders. One
 * pointer per migration: a single Application (Argo CD) or a single Kustomization with its GitRepository
 * (Flux) whose path is the target folder; promotion and rollback change that one path.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { APIMANAGER_HEALTH_LUA, PVC_HEALTH_LUA } from '../../src/gitops/argocd-health.js';
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

/** Every object of the wiring (a file may hold several documents). */
function wiringObjects(files: readonly OutputFile[]): any[] {
  return files.filter((f) => !f.path.endsWith('.patch.yaml')).flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS()));
}

/** The objects that point an engine at a folder: Applications and Flux Kustomizations. */
const pointers = (files: readonly OutputFile[]) => wiringObjects(files).filter((o) => o.kind === 'Application' || (o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit')));

const phaseOf = (o: any) => o.metadata.annotations['threescale-migrate.3scale.net/phase'] as string;
const pathOf = (o: any) => (o.kind === 'Application' ? o.spec.source.path : o.spec.path) as string;
const file = (files: readonly OutputFile[], path: string) => parse(files.find((f) => f.path === path)!.content);

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
      test('GIVEN any forward or rollback target WHEN rendered THEN exactly one pointer exists, at that folder', () => {
        // GIVEN
        const { loaded, result } = example(name);
        const targets = [...result.forward.map((s) => ({ target: s.phase.definition.id, folder: s.folder })), ...result.rollbacks.map((s) => ({ target: `rollback/${s.phase.definition.id}`, folder: s.folder }))];

        for (const { target, folder } of targets) {
          // WHEN
          const found = pointers(renderGitops(loaded.plan, result, engine, target));

          // THEN
          expect(found, target).toHaveLength(1);
          expect(phaseOf(found[0])).toBe(folder);
          expect(pathOf(found[0])).toMatch(new RegExp(`${folder.replace('/', '\\/')}$`));
        }
      });

      test('GIVEN two targets WHEN rendered THEN the wiring differs only in the pointer\'s folder (promotion is a one-line change)', () => {
        // GIVEN
        const { loaded, result } = example(name);
        const [a, b] = [result.forward[0]!, result.forward[1]!];
        const withoutPhase = (files: OutputFile[]) =>
          files.map((f) => ({ path: f.path, content: f.content.replaceAll(a.folder, 'FOLDER').replaceAll(b.folder, 'FOLDER').replace(/timeout: \d+m/, 'timeout: T').replace(/ {2}healthChecks:[\s\S]*$/, '') }));

        // WHEN
        const first = renderGitops(loaded.plan, result, engine, a.phase.definition.id);
        const second = renderGitops(loaded.plan, result, engine, b.phase.definition.id);

        // THEN
        expect(withoutPhase(second)).toEqual(withoutPhase(first));
      });

      test('renders objects that validate against their schemas (Application, Kustomization, GitRepository, RBAC)', () => {
        // GIVEN
        const { loaded, result } = example(name);
        const targets = [result.forward.at(-1)!.phase.definition.id, `rollback/${result.rollbacks.at(-1)!.phase.definition.id}`];

        for (const target of targets) {
          // WHEN
          const objects = wiringObjects(renderGitops(loaded.plan, result, engine, target)).filter((o) => o.kind !== 'Kustomization' || o.apiVersion !== 'kustomize.config.k8s.io/v1beta1');

          // THEN
          expect(objects.length).toBeGreaterThan(0);
          for (const o of objects) expect(validateManifest(o as KubeObject), `${target}: ${o.kind}/${o.metadata.name}`).toEqual([]);
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
    test('GIVEN the PostgreSQL example WHEN rendered for scale-down THEN one automated Application points at 02-scale-down under spec.gitops.path, diffed server-side', () => {
      // GIVEN
      const { loaded, result } = example('postgresql-and-redis');

      // WHEN
      const files = renderGitops(loaded.plan, result, 'argocd');

      // THEN
      expect(files.map((f) => f.path)).toEqual([
        'gitops/argocd/application.yaml',
        'gitops/argocd/argocd-cm.patch.yaml',
        'gitops/argocd/openshift-gitops-argocd.patch.yaml',
        'gitops/argocd/openshift-gitops-permissions.yaml',
      ]);
      const app = file(files, 'gitops/argocd/application.yaml');
      expect(app.metadata).toMatchObject({ name: 'prod-3scale-migration', namespace: 'openshift-gitops' });
      expect(app.metadata.annotations['argocd.argoproj.io/compare-options']).toBe('ServerSideDiff=true');
      expect(app.spec.source).toEqual({ repoURL: 'https://git.example.com/platform/3scale-migration.git', targetRevision: 'main', path: 'clusters/prod/3scale-migration/02-scale-down' });
      expect(app.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: '3scale' });
      expect(app.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
      expect(app.spec.syncPolicy.syncOptions).toEqual(['ServerSideApply=true', 'ApplyOutOfSyncOnly=true']);
      expect(app.metadata.finalizers).toBeUndefined();
    });

    test('GIVEN a rollback target WHEN rendered THEN the same Application points at the rollback folder', () => {
      // GIVEN
      const { loaded, result } = example('postgresql-and-redis');

      // WHEN
      const app = file(renderGitops(loaded.plan, result, 'argocd', 'rollback/cutover'), 'gitops/argocd/application.yaml');

      // THEN
      expect(app.metadata.name).toBe('prod-3scale-migration');
      expect(app.spec.source.path).toBe('clusters/prod/3scale-migration/rollback/05-cutover');
    });

    test('ships the PersistentVolumeClaim and APIManager health checks as an argocd-cm merge patch and as OpenShift GitOps resourceHealthChecks', () => {
      // GIVEN
      const { loaded, result } = example('redis-only');

      // WHEN
      const files = renderGitops(loaded.plan, result, 'argocd');

      // THEN
      expect(file(files, 'gitops/argocd/argocd-cm.patch.yaml')).toEqual({
        data: { 'resource.customizations.health.PersistentVolumeClaim': PVC_HEALTH_LUA, 'resource.customizations.health.apps.3scale.net_APIManager': APIMANAGER_HEALTH_LUA },
      });
      expect(file(files, 'gitops/argocd/openshift-gitops-argocd.patch.yaml')).toEqual({
        spec: {
          resourceHealthChecks: [
            { kind: 'PersistentVolumeClaim', check: PVC_HEALTH_LUA },
            { group: 'apps.3scale.net', kind: 'APIManager', check: APIMANAGER_HEALTH_LUA },
          ],
        },
      });
    });

    test('GIVEN the PostgreSQL example WHEN rendered THEN the OpenShift GitOps controller is granted exactly what the folders write, in every namespace they write to, each labelled managed-by', () => {
      // GIVEN
      const { loaded, result } = example('postgresql-and-redis');

      // WHEN
      const objects = wiringObjects(renderGitops(loaded.plan, result, 'argocd')).filter((o) => o.kind !== 'Application');

      // THEN
      const role = objects.find((o) => o.kind === 'ClusterRole');
      const granted = new Set(role.rules.flatMap((r: any) => r.resources.map((x: string) => `${r.apiGroups[0]}/${x}`)));
      const written = new Set(
        [...result.forward, ...result.rollbacks].flatMap((s) => s.objects.filter((o) => o.metadata.namespace).map((o) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind.toLowerCase()}s`)),
      );
      for (const w of written) expect(granted.has(w), w).toBe(true);
      expect(granted.has('apps.3scale.net/apimanagers')).toBe(true);
      const namespaces = objects.filter((o) => o.kind === 'Namespace');
      expect(namespaces.map((n) => n.metadata.name)).toEqual(['3scale', '3scale-db']);
      for (const n of namespaces) expect(n.metadata.labels).toEqual({ 'argocd.argoproj.io/managed-by': 'openshift-gitops' });
      const bindings = objects.filter((o) => o.kind === 'RoleBinding');
      expect(bindings.map((b) => b.metadata.namespace)).toEqual(['3scale', '3scale-db']);
      for (const b of bindings) {
        expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
        expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'openshift-gitops-argocd-application-controller', namespace: 'openshift-gitops' }]);
      }
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
      expect(file(argo, 'gitops/argocd/application.yaml').spec.source.path).toBe('clusters/dev/3scale/00-preflight');
      expect(file(flux, 'gitops/flux/kustomization-pointer.yaml').spec.path).toBe('./clusters/dev/3scale/00-preflight');
      expect([...argo, ...flux].map((f) => f.content).join('\n')).not.toMatch(/\bdist\//);
    });

    test('uses the folder itself as the path when spec.gitops.path is "."', () => {
      // GIVEN
      const loaded = examplePlanWith('redis-only', (raw) => (raw.spec.gitops = { repoURL: REPO_URL, path: '.' }));
      const { result } = example('redis-only');

      // WHEN
      const files = renderGitops(loaded.plan, result, 'argocd');

      // THEN
      expect(file(files, 'gitops/argocd/application.yaml').spec.source.path).toBe('00-preflight');
    });
  });

  describe('with flux', () => {
    test('GIVEN the PostgreSQL example WHEN rendered THEN a GitRepository of spec.gitops.repoURL and targetRevision feeds one Kustomization that never prunes', () => {
      // GIVEN
      const { loaded, result } = example('postgresql-and-redis');

      // WHEN
      const files = renderGitops(loaded.plan, result, 'flux', 'copy-data');

      // THEN
      expect(files.map((f) => f.path)).toEqual(['gitops/flux/gitrepository.yaml', 'gitops/flux/kustomization-pointer.yaml', 'gitops/flux/kustomization.yaml']);
      const repo = file(files, 'gitops/flux/gitrepository.yaml');
      expect(repo.metadata).toMatchObject({ name: 'prod-3scale-migration', namespace: 'flux-system' });
      expect(repo.spec).toEqual({ interval: '5m', url: 'https://git.example.com/platform/3scale-migration.git', ref: { branch: 'main' } });
      const ks = file(files, 'gitops/flux/kustomization-pointer.yaml');
      expect(ks.spec).toMatchObject({ interval: '5m', path: './clusters/prod/3scale-migration/03-copy-data', prune: false, wait: false, force: false, sourceRef: { kind: 'GitRepository', name: 'prod-3scale-migration' } });
      expect(ks.spec.dependsOn).toBeUndefined();
      expect(ks.spec.suspend).toBeUndefined();
      expect(file(files, 'gitops/flux/kustomization.yaml').resources).toEqual(['gitrepository.yaml', 'kustomization-pointer.yaml']);
    });

    test.each([
      ['0123456789abcdef0123456789abcdef01234567', { commit: '0123456789abcdef0123456789abcdef01234567' }],
      ['refs/tags/v1.2.0', { name: 'refs/tags/v1.2.0' }],
      ['release-2.16', { branch: 'release-2.16' }],
    ])('GIVEN targetRevision %s WHEN rendered THEN the GitRepository ref is %o', (revision, ref) => {
      // GIVEN
      const loaded = examplePlanWith('redis-only', (raw) => (raw.spec.gitops = { repoURL: REPO_URL, targetRevision: revision }));
      const { result } = example('redis-only');

      // WHEN
      const repo = file(renderGitops(loaded.plan, result, 'flux'), 'gitops/flux/gitrepository.yaml');

      // THEN
      expect(repo.spec.ref).toEqual(ref);
    });

    test('GIVEN a plan without spec.gitops.repoURL nor flux.sourceName WHEN Flux wiring is rendered THEN it is refused in one sentence naming the field, never a GitRepository without a URL', () => {
      // GIVEN
      const loaded = loadExample('redis-only');
      const { result } = example('redis-only');
      expect(loaded.plan.spec.gitops.repoURL).toBeUndefined();

      // WHEN / THEN
      expect(userError(() => renderGitops(loaded.plan, result, 'flux')).message).toBe(
        'spec.gitops.repoURL: required with --gitops flux unless spec.gitops.flux.sourceName names an existing source; expected the URL of the Git repository the synthesized folder is committed to (the rendered GitRepository reads it).',
      );
    });

    test('GIVEN spec.gitops.flux.sourceName WHEN rendered THEN the Kustomization reads that existing source and no GitRepository is rendered', () => {
      // GIVEN
      const loaded = examplePlanWith('redis-only', (raw) => (raw.spec.gitops = { flux: { sourceKind: 'OCIRepository', sourceName: 'fleet' } }));
      const { result } = example('redis-only');

      // WHEN
      const files = renderGitops(loaded.plan, result, 'flux');

      // THEN
      expect(files.map((f) => f.path)).toEqual(['gitops/flux/kustomization-pointer.yaml', 'gitops/flux/kustomization.yaml']);
      expect(file(files, 'gitops/flux/kustomization-pointer.yaml').spec.sourceRef).toEqual({ kind: 'OCIRepository', name: 'fleet' });
    });

    test('GIVEN prepare, whose new Redis claims get their first pod two phases later, WHEN rendered THEN Flux checks the workloads and Jobs and not the claims', () => {
      // GIVEN
      const { loaded, result } = example('postgresql-and-redis');

      // WHEN
      const ks = file(renderGitops(loaded.plan, result, 'flux', 'prepare'), 'gitops/flux/kustomization-pointer.yaml');

      // THEN
      expect(ks.spec.wait).toBe(false);
      const kinds = new Set(ks.spec.healthChecks.map((h: any) => h.kind));
      expect([...kinds].sort()).toEqual(['Deployment', 'Job']);
      expect(ks.spec.healthChecks).toContainEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'backend-redis-external', namespace: '3scale-db' });
      const claims = result.forward[1]!.objects.filter((o) => o.kind === 'PersistentVolumeClaim');
      expect(claims.length).toBeGreaterThan(0);
    });

    test('gives folders with Jobs the Job deadline plus five minutes as timeout, and others ten minutes', () => {
      // GIVEN
      const { loaded, result } = example('postgresql-and-redis');
      const timeout = (target: string) => file(renderGitops(loaded.plan, result, 'flux', target), 'gitops/flux/kustomization-pointer.yaml').spec.timeout;

      // WHEN / THEN
      expect(timeout('prepare')).toBe('65m');
      // scale-down starts with its queue check Job
      expect(timeout('scale-down')).toBe('65m');
      expect(timeout('copy-data')).toBe('65m');
      // scale-up's only Job retires its rollback folder's Jobs (Flux applies it; its deadline is the plan's too)
      expect(timeout('scale-up')).toBe('65m');
      expect(timeout('upgrade')).toBe('10m');
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

  test.each(['argocd', 'flux'] as const)('gives the %s pointer a DNS-1123 name of at most 63 characters, even for the longest plan name', async (engine) => {
    // GIVEN
    const longName = `migration-${'x'.repeat(53)}`;
    const loaded = examplePlanWith('redis-only', (raw) => {
      raw.metadata.name = longName;
      raw.spec.gitops = { repoURL: REPO_URL };
    });
    expect(longName).toHaveLength(63);
    const result = await synthesize(loaded);

    // WHEN
    const names = pointers(renderGitops(loaded.plan, result, engine, 'rollback/scale-up')).map((o) => o.metadata.name as string);

    // THEN
    expect(names).toHaveLength(1);
    expect(names[0]!.length).toBeLessThanOrEqual(63);
    expect(names[0]).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});
