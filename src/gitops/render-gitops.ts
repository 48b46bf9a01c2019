import { createHash } from 'node:crypto';
import { KEYS, ownLabels } from '../contract/on-cluster.js';
import { UserError } from '../errors.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { PlanBase } from '../plan/plan-base.js';
import { parseFolderTarget } from '../synth/folder-target.js';
import type { FolderState, OutputFile, SynthResult } from '../synth/synthesize.js';
import { toYaml } from '../synth/yaml-output.js';
import { argocdCmKey, RESOURCE_HEALTH_CHECKS } from './argocd-health.js';
import { openshiftGitopsPermissions } from './openshift-gitops-permissions.js';

/** The file holding each engine's pointer (the one Application or Kustomization whose path is the target). */
export const POINTER_FILES = { argocd: 'gitops/argocd/application.yaml', flux: 'gitops/flux/kustomization-pointer.yaml' } as const;

/** Which engine's wiring to render. */
export type GitopsEngine = 'none' | 'argocd' | 'flux';

/** Annotation on the pointer: the folder it points at (read back by `promote`). */
export const POINTER_PHASE_ANNOTATION = KEYS.phase;

/**
 * The GitOps wiring beside the phase folders.
 *
 * Model: one pointer per migration. A single Argo CD Application, or a single Flux Kustomization (with the
 * GitRepository it reads), whose path is the target folder: a phase folder, or `rollback/NN-<phase>`.
 * Promotion and rollback change that one path; exactly one folder is reconciled by construction, and
 * nothing superseded exists to be synced by hand, to deadlock on a suspended dependency, or to fight the
 * active folder. The order ("not phase N+1 before N is done") is kept by `promote`, which asks the cluster.
 */
export function renderGitops(plan: PlanBase, result: SynthResult, engine: GitopsEngine, targetPhase?: string, outPath = 'dist'): OutputFile[] {
  if (engine === 'none') return [];
  const target = targetFolder(result, targetPhase ?? plan.spec.gitops.targetPhase, targetPhase ? '--target-phase' : 'spec.gitops.targetPhase');
  const base = plan.spec.gitops.path ?? outPath;
  return engine === 'argocd' ? argocd(plan, result, target, base) : flux(plan, target, base);
}

/** The folder state a target names. */
export function targetFolder(result: SynthResult, target: string, field: string): FolderState {
  const { rollback, id } = parseFolderTarget(target);
  const forward = result.forward.find((s) => s.phase.definition.id === id);
  if (!forward) {
    throw new UserError(`${field}: "${target}" is not a phase of this plan; expected one of ${result.forward.map((s) => s.phase.definition.id).join(', ')} (or rollback/<id>).`);
  }
  if (!rollback) return forward;
  const undo = result.rollbacks.find((s) => s.phase.definition.id === id);
  if (!undo) {
    throw new UserError(`${field}: phase "${id}" has no rollback; expected one of ${result.rollbacks.map((s) => `rollback/${s.phase.definition.id}`).join(', ')}.`);
  }
  return undo;
}

/** Name of the migration's pointer (Application, Kustomization, GitRepository). */
export function pointerName(plan: PlanBase): string {
  return shortName(`${plan.metadata.name}-migration`);
}

/**
 * A name of at most 63 characters (Argo CD and Flux copy it into a label value). A longer one is cut and
 * suffixed with a digest of the whole.
 */
function shortName(name: string): string {
  if (name.length <= 63) return name;
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, 63 - digest.length - 1).replace(/-+$/, '')}-${digest}`;
}

/** A folder's path in the repository: under `base` (spec.gitops.path, else where synth's --out sits in it). */
function repoPath(basePath: string, folder: string): string {
  const base = basePath.replace(/\/+$/, '');
  return base === '.' || base === '' ? folder : `${base}/${folder}`;
}

/**
 * The repository the engine reads: the plan must name it, as no placeholder would ever sync (Flux needs it
 * for the GitRepository the wiring renders, unless spec.gitops.flux.sourceName names an existing source).
 */
export function gitopsRepoURL(plan: PlanBase, engine: 'argocd' | 'flux'): string {
  const url = plan.spec.gitops.repoURL;
  if (url !== undefined) return url;
  throw new UserError(
    engine === 'argocd'
      ? 'spec.gitops.repoURL: required with --gitops argocd; expected the URL of the Git repository the synthesized folder is committed to (Argo CD reads the phase folders from it).'
      : 'spec.gitops.repoURL: required with --gitops flux unless spec.gitops.flux.sourceName names an existing source; expected the URL of the Git repository the synthesized folder is committed to (the rendered GitRepository reads it).',
  );
}

const LABELS = (plan: PlanBase) => ownLabels(plan.metadata.name);

const yamlFile = (path: string, value: unknown): OutputFile => ({ path, content: toYaml(value) });

/** Several objects in one file, as `---`-separated documents. */
const yamlDocuments = (path: string, values: readonly KubeObject[]): OutputFile => ({ path, content: values.map((v) => toYaml(v)).join('---\n') });

function argocd(plan: PlanBase, result: SynthResult, target: FolderState, base: string): OutputFile[] {
  const g = plan.spec.gitops;
  const repoURL = gitopsRepoURL(plan, 'argocd');
  const app = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: pointerName(plan),
      namespace: g.argocd.namespace,
      labels: LABELS(plan),
      annotations: {
        // Argo CD reads the diff strategy from the Application, not from the resources.
        'argocd.argoproj.io/compare-options': 'ServerSideDiff=true',
        [POINTER_PHASE_ANNOTATION]: target.folder,
      },
    },
    spec: {
      project: g.argocd.project,
      source: { repoURL, targetRevision: g.targetRevision, path: repoPath(base, target.folder) },
      destination: { server: 'https://kubernetes.default.svc', namespace: plan.spec.threescale.namespace },
      syncPolicy: {
        automated: { prune: false, selfHeal: true },
        syncOptions: ['ServerSideApply=true', 'ApplyOutOfSyncOnly=true'],
        retry: { limit: 5, backoff: { duration: '30s', factor: 2, maxDuration: '10m' } },
      },
    },
  };
  return [
    yamlFile(POINTER_FILES.argocd, app),
    // A merge patch of argocd-cm: only these keys change, the rest of the ConfigMap stays.
    yamlFile('gitops/argocd/argocd-cm.patch.yaml', { data: Object.fromEntries(RESOURCE_HEALTH_CHECKS.map((c) => [argocdCmKey(c), c.check])) }),
    // OpenShift GitOps rebuilds argocd-cm from its ArgoCD resource: there the checks go into
    // spec.resourceHealthChecks (a merge patch replaces that whole list; merge by hand if it has entries).
    yamlFile('gitops/argocd/openshift-gitops-argocd.patch.yaml', {
      spec: { resourceHealthChecks: RESOURCE_HEALTH_CHECKS.map((c) => (c.group === '' ? { kind: c.kind, check: c.check } : { group: c.group, kind: c.kind, check: c.check })) },
    }),
    yamlDocuments('gitops/argocd/openshift-gitops-permissions.yaml', openshiftGitopsPermissions(plan, result)),
  ];
}

/** Timeout of the Kustomization: a folder with Jobs may take as long as its Jobs may. */
function fluxTimeout(plan: PlanBase, state: FolderState): string {
  const hasJob = state.objects.some((o) => o.kind === 'Job');
  return hasJob ? `${Math.ceil(plan.spec.jobs.activeDeadlineSeconds / 60) + 5}m` : '10m';
}

/** Kinds Flux waits for: what runs pods. A claim is left out (it binds when its first pod starts, maybe in a later phase). */
const FLUX_HEALTH_KINDS = new Set(['Deployment', 'DeploymentConfig', 'StatefulSet', 'Job']);

/** The workloads and Jobs of a folder, in folder order, as Flux health checks. */
export function fluxHealthChecks(state: FolderState): { apiVersion: string; kind: string; name: string; namespace: string }[] {
  return state.objects
    .filter((o) => FLUX_HEALTH_KINDS.has(o.kind) && o.metadata.namespace)
    .map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace! }));
}

function flux(plan: PlanBase, target: FolderState, base: string): OutputFile[] {
  const g = plan.spec.gitops;
  const name = pointerName(plan);
  // With spec.gitops.flux.sourceName the folder lives in a source the cluster already has; otherwise the
  // wiring renders the GitRepository of spec.gitops.repoURL and targetRevision.
  const sourceRef = g.flux.sourceName ? { kind: g.flux.sourceKind, name: g.flux.sourceName } : { kind: 'GitRepository', name };
  const files: OutputFile[] = [];
  if (!g.flux.sourceName) {
    files.push(
      yamlFile('gitops/flux/gitrepository.yaml', {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name, namespace: g.flux.namespace, labels: LABELS(plan) },
        spec: { interval: g.flux.interval, url: gitopsRepoURL(plan, 'flux'), ref: gitRef(g.targetRevision) },
      }),
    );
  }
  const healthChecks = fluxHealthChecks(target);
  files.push(
    yamlFile(POINTER_FILES.flux, {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name, namespace: g.flux.namespace, labels: LABELS(plan), annotations: { [POINTER_PHASE_ANNOTATION]: target.folder } },
      spec: {
        interval: g.flux.interval,
        retryInterval: '1m',
        timeout: fluxTimeout(plan, target),
        path: `./${repoPath(base, target.folder)}`,
        prune: false,
        // Not `wait: true`: that would also wait for claims that bind only when a later phase starts a pod.
        wait: false,
        force: false,
        sourceRef,
        ...(healthChecks.length ? { healthChecks } : {}),
      },
    }),
  );
  files.push(yamlFile('gitops/flux/kustomization.yaml', { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: files.map((f) => f.path.slice('gitops/flux/'.length)) }));
  return files;
}

/** `spec.ref` of a GitRepository for a revision: a full commit id, a `refs/…` name, or a branch. */
export function gitRef(revision: string): Record<string, string> {
  if (/^[0-9a-f]{40}$/.test(revision)) return { commit: revision };
  if (revision.startsWith('refs/')) return { name: revision };
  return { branch: revision };
}
