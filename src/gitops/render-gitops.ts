import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { UserError } from '../errors.js';
import type { PlanBase } from '../plan/plan-base.js';
import { parseFolderTarget } from '../synth/folder-target.js';
import type { FolderState, OutputFile, SynthResult } from '../synth/synthesize.js';
import { toYaml } from '../synth/yaml-output.js';
import { APPLICATION_HEALTH_LUA } from './argocd-health.js';

/** Annotation telling whether a phase's Application or Kustomization is the one reconciled. */
const STATE = 'threescale-migrate.3scale.net/state';

/** Which engine's wiring to render. */
export type GitopsEngine = 'none' | 'argocd' | 'flux';

/**
 * The GitOps wiring beside the phase folders.
 *
 * Model: promotion of one folder at a time. Every phase up to the target gets its own Application
 * (Argo CD, app-of-apps with sync waves) or Kustomization (Flux, chained by `dependsOn`), but only the
 * target is reconciled: earlier Applications lose automated sync, earlier Kustomizations are suspended.
 * Phase folders are full desired states, so two reconciled at once would fight over the same fields
 * (scale-down wants 0 replicas, scale-up the captured count); with one active at a time they cannot.
 * Advancing the migration is one changed value (`spec.gitops.targetPhase`) and a re-synth.
 */
export function renderGitops(plan: PlanBase, result: SynthResult, engine: GitopsEngine, targetPhase?: string, outPath = 'dist'): OutputFile[] {
  if (engine === 'none') return [];
  const chain = phaseChain(result, targetPhase ?? plan.spec.gitops.targetPhase, targetPhase ? '--target-phase' : 'spec.gitops.targetPhase');
  const base = plan.spec.gitops.path ?? outPath;
  const files = engine === 'argocd' ? argocd(plan, chain, base) : flux(plan, chain, base);
  checkOneActive(files, engine);
  return files;
}

/** The folders up to and including the target, in order; the target is last. */
function phaseChain(result: SynthResult, target: string, field: string): FolderState[] {
  const { rollback, id } = parseFolderTarget(target);
  const index = result.forward.findIndex((s) => s.phase.definition.id === id);
  if (index < 0) {
    throw new UserError(`${field}: "${target}" is not a phase of this plan; expected one of ${result.forward.map((s) => s.phase.definition.id).join(', ')} (or rollback/<id>).`);
  }
  if (!rollback) return result.forward.slice(0, index + 1);
  const undo = result.rollbacks.find((s) => s.phase.definition.id === id);
  if (!undo) {
    throw new UserError(`${field}: phase "${id}" has no rollback; expected one of ${result.rollbacks.map((s) => `rollback/${s.phase.definition.id}`).join(', ')}.`);
  }
  return [...result.forward.slice(0, index + 1), undo];
}

function resourceName(plan: PlanBase, state: FolderState): string {
  return shortName(`${plan.metadata.name}-${state.folder.replace('/', '-')}`);
}

/**
 * A name of at most 63 characters (Argo CD and Flux copy it into a label value). A longer one is cut and
 * suffixed with a digest of the whole, so two phases of a long plan name never share a name.
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

/** The repository Argo CD reads: the plan must name it, as no placeholder would ever sync. */
export function argocdRepoURL(plan: PlanBase): string {
  const url = plan.spec.gitops.repoURL;
  if (url === undefined) {
    throw new UserError('spec.gitops.repoURL: required with --gitops argocd; expected the URL of the Git repository the synthesized folder is committed to (Argo CD reads the phase folders from it).');
  }
  return url;
}

const LABELS = (plan: PlanBase) => ({ 'app.kubernetes.io/managed-by': 'threescale-migrate', 'threescale-migrate.3scale.net/migration': plan.metadata.name });

function argocd(plan: PlanBase, chain: FolderState[], base: string): OutputFile[] {
  const g = plan.spec.gitops;
  const repoURL = argocdRepoURL(plan);
  const files: OutputFile[] = [];
  const appFiles: string[] = [];
  chain.forEach((state, i) => {
    const active = i === chain.length - 1;
    const name = resourceName(plan, state);
    const app = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name,
        namespace: g.argocd.namespace,
        labels: LABELS(plan),
        annotations: {
          'argocd.argoproj.io/sync-wave': String(i),
          'threescale-migrate.3scale.net/phase': state.folder,
          'threescale-migrate.3scale.net/state': active ? 'active' : 'superseded',
        },
      },
      spec: {
        project: g.argocd.project,
        source: { repoURL, targetRevision: g.targetRevision, path: repoPath(base, state.folder) },
        destination: { server: 'https://kubernetes.default.svc', namespace: plan.spec.threescale.namespace },
        syncPolicy: active
          ? {
              automated: { prune: false, selfHeal: true },
              syncOptions: ['ServerSideApply=true', 'ApplyOutOfSyncOnly=true'],
              retry: { limit: 5, backoff: { duration: '30s', factor: 2, maxDuration: '10m' } },
            }
          : { syncOptions: ['ServerSideApply=true'] },
      },
    };
    const file = `${state.folder.replace('/', '-')}.yaml`;
    appFiles.push(file);
    files.push({ path: `gitops/argocd/apps/${file}`, content: toYaml(app) });
  });
  files.push({ path: 'gitops/argocd/apps/kustomization.yaml', content: toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: appFiles }) });
  const root = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: shortName(`${plan.metadata.name}-phases`), namespace: g.argocd.namespace, labels: LABELS(plan) },
    spec: {
      project: g.argocd.project,
      source: { repoURL, targetRevision: g.targetRevision, path: repoPath(base, 'gitops/argocd/apps') },
      destination: { server: 'https://kubernetes.default.svc', namespace: g.argocd.namespace },
      syncPolicy: { automated: { prune: false, selfHeal: true } },
    },
  };
  files.push({ path: 'gitops/argocd/root-application.yaml', content: toYaml(root) });
  files.push({
    path: 'gitops/argocd/argocd-cm-application-health.yaml',
    content: toYaml({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-cm', namespace: g.argocd.namespace, labels: { 'app.kubernetes.io/part-of': 'argocd' } },
      data: { 'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA },
    }),
  });
  // OpenShift GitOps owns argocd-cm and rebuilds it from its ArgoCD resource: there the check goes into
  // spec.resourceHealthChecks (a merge patch replaces that whole list; merge by hand if it has entries).
  files.push({
    path: 'gitops/argocd/openshift-gitops-argocd.patch.yaml',
    content: toYaml({ spec: { resourceHealthChecks: [{ group: 'argoproj.io', kind: 'Application', check: APPLICATION_HEALTH_LUA }] } }),
  });
  return files;
}

/** Timeout of a phase's Kustomization: phases with Jobs may run as long as their Jobs may. */
function fluxTimeout(plan: PlanBase, state: FolderState): string {
  const hasJob = state.own.some((o) => o.kind === 'Job');
  return hasJob ? `${Math.ceil(plan.spec.jobs.activeDeadlineSeconds / 60) + 5}m` : '10m';
}

function flux(plan: PlanBase, chain: FolderState[], base: string): OutputFile[] {
  const g = plan.spec.gitops;
  const files: OutputFile[] = [];
  const names: string[] = [];
  chain.forEach((state, i) => {
    const active = i === chain.length - 1;
    const name = resourceName(plan, state);
    const previous = i > 0 ? resourceName(plan, chain[i - 1]!) : undefined;
    const ks = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: {
        name,
        namespace: g.flux.namespace,
        labels: LABELS(plan),
        annotations: { 'threescale-migrate.3scale.net/phase': state.folder, 'threescale-migrate.3scale.net/state': active ? 'active' : 'superseded' },
      },
      spec: {
        interval: g.flux.interval,
        retryInterval: '1m',
        timeout: fluxTimeout(plan, state),
        path: `./${repoPath(base, state.folder)}`,
        prune: false,
        wait: true,
        force: false,
        suspend: !active,
        sourceRef: { kind: g.flux.sourceKind, name: g.flux.sourceName },
        ...(previous ? { dependsOn: [{ name: previous }] } : {}),
      },
    };
    const file = `${state.folder.replace('/', '-')}.yaml`;
    names.push(file);
    files.push({ path: `gitops/flux/${file}`, content: toYaml(ks) });
  });
  files.push({ path: 'gitops/flux/kustomization.yaml', content: toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: names }) });
  return files;
}

/**
 * The check behind the model: exactly one phase folder is reconciled. Anything else would let two
 * desired states fight over the same fields.
 */
function checkOneActive(files: readonly OutputFile[], engine: GitopsEngine): void {
  // Read from the objects, not the text: a plan value (repoURL, path) may hold the annotation's words.
  const active = files.filter((f) => (parse(f.content) as { metadata?: { annotations?: Record<string, string> } } | null)?.metadata?.annotations?.[STATE] === 'active');
  if (active.length !== 1) {
    throw new Error(`threescale-migrate: ${engine} wiring would reconcile ${active.length} phase folders at once; exactly one is allowed`);
  }
}
