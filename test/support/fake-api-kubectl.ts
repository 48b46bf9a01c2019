/**
 * Running the kubectl scripts of charts/scripts/kube/ for real: bash and the installed kubectl against the
 * fake API server, with the environment the charts render for their Job (taken from a synth of an example
 * plan). (The suites of the kube scripts themselves run on the real API server, test/support/real-api/,
 * where RBAC decides; credentials-in-argv.test.ts still uses this cluster, see the README's test section.)
 *
 * kubectl (client-go) sends bearer tokens only over TLS, so the fake server runs with authentication off
 * (`token: null`) for these suites; the kubeconfig still names a user, as in-cluster kubeconfigs do.
 *
 * kubectl is the one test/envtest/build.sh builds with the tests' kube-apiserver (same release), never the
 * machine's. Missing: the suite is skipped with a loud console.warn, except when CI is set, where it fails
 * (a CI run that silently skips proves nothing), like the database suites of db-servers.ts.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { loadPlanFile } from '../../src/plan/load-plan.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { IN_CI, REPO_ROOT, runScript, type BinaryCheck, type ScriptResult } from './db-servers.js';
import type { FakeApiSelection } from './fake-api-resources.js';
import { startFakeApiServer, type FakeApiServer } from './fake-api-server.js';
import { loadLiveFixture, type LIVE_FIXTURES } from './live-fixtures.js';
import { checkEnvtestBinaries, ENVTEST_HINT, envtestBinaries } from './real-api/envtest-binaries.js';

/** How to get kubectl: the build of the tests' API server release. */
export const KUBECTL_HINT = ENVTEST_HINT;

/** Checks that the built kubectl exists; warns loudly when it does not. Use with `describe.skipIf(skipKubectlSuite(check))`. */
export function checkKubectl(): BinaryCheck {
  return checkEnvtestBinaries();
}

/** Skip only outside CI; in CI the suite runs and its beforeAll fails. */
export function skipKubectlSuite(check: BinaryCheck): boolean {
  return !check.ok && !IN_CI;
}

/** Call in beforeAll: throws (CI) when kubectl is missing. */
export function failInCiIfKubectlMissing(check: BinaryCheck): void {
  if (!check.ok) throw new Error(`missing kubectl (CI is set, so this fails instead of skipping); ${KUBECTL_HINT}`);
}

// ---------------------------------------------------------------------------------------------------
// What the charts render

/** The example plans. */
export const EXAMPLE_PLANS = {
  postgresql: join(REPO_ROOT, 'examples', 'postgresql-and-redis', 'migration.yaml'),
  mysql: join(REPO_ROOT, 'examples', 'mysql-in-place-and-redis', 'migration.yaml'),
  'postgresql-dc': join(REPO_ROOT, 'examples', 'pre-2.15-deploymentconfigs', 'migration.yaml'),
  template: join(REPO_ROOT, 'examples', 'template-2.5-to-2.6', 'migration.yaml'),
} as const;

/** One rule of a Role. */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly verbs: readonly string[];
}

/** A kubectl Job as a phase renders it. */
export interface RenderedKubeJob {
  /** Job name (also its ServiceAccount and EVIDENCE_STEP). */
  readonly name: string;
  /** Namespace of the Job (what NAMESPACE resolves to). */
  readonly namespace: string;
  /** Script path under charts/scripts, e.g. `kube/rewrite-secrets.sh`. */
  readonly script: string;
  /** The container's environment, with the `metadata.namespace` fieldRef resolved. */
  readonly env: Readonly<Record<string, string>>;
  /** The variables the container reads from Secrets (never rendered), by name: the Secret and key. */
  readonly secretEnv: Readonly<Record<string, { readonly name: string; readonly key: string }>>;
  /** Rules of the Roles bound to the Job's ServiceAccount, by namespace. */
  readonly rules: Readonly<Record<string, readonly PolicyRule[]>>;
  /** The rendered ServiceAccount, Roles and RoleBindings that give the Job its access (to create on a real server). */
  readonly access: readonly KubeObject[];
}

interface JobObject extends KubeObject {
  spec: {
    template: {
      spec: {
        serviceAccountName: string;
        containers: { command: string[]; env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } } }[] }[];
      };
    };
  };
}

/**
 * Synthesizes a plan (optionally with changes to its `spec`, written to a temporary copy) and returns the
 * kubectl Job of that name, forward or rollback (the first folder that has one, or only `folder`).
 */
export async function renderedKubeJob(planFile: string, jobName: string, specChanges: Record<string, unknown> = {}, folder?: string): Promise<RenderedKubeJob> {
  let path = planFile;
  let dir: string | undefined;
  if (Object.keys(specChanges).length > 0) {
    const plan = parseYaml(readFileSync(planFile, 'utf8')) as { spec: Record<string, unknown> };
    Object.assign(plan.spec, specChanges);
    dir = await mkdtemp(join(tmpdir(), 'tsm-plan-'));
    path = join(dir, 'migration.yaml');
    await writeFile(path, stringify(plan));
  }
  try {
    const result = await synthesize(loadPlanFile(path));
    for (const state of [...result.forward, ...result.rollbacks]) {
      if (folder !== undefined && state.folder !== folder) continue;
      const job = state.own.find((o) => o.kind === 'Job' && o.metadata.name === jobName) as JobObject | undefined;
      if (!job) continue;
      const namespace = job.metadata.namespace!;
      const container = job.spec.template.spec.containers[0]!;
      const script = /\/(kube\/[^/]+\.sh)$/.exec(container.command[1] ?? '')?.[1];
      if (!script) throw new Error(`Job ${jobName} does not run a kube/ script: ${container.command.join(' ')}`);
      const env: Record<string, string> = {};
      const secretEnv: Record<string, { name: string; key: string }> = {};
      for (const e of container.env ?? []) {
        if (e.value !== undefined) env[e.name] = e.value;
        else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = namespace;
        else if (e.valueFrom?.secretKeyRef) secretEnv[e.name] = e.valueFrom.secretKeyRef;
        else throw new Error(`Job ${jobName}: env ${e.name} is neither a plain value, the namespace nor a Secret key`);
      }
      const sa = job.spec.template.spec.serviceAccountName;
      const bindings = state.own
        .filter((o) => o.kind === 'RoleBinding')
        .filter((b) => ((b.subjects as { kind: string; name: string; namespace?: string }[] | undefined) ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === sa && s.namespace === namespace));
      const bound = new Set(bindings.map((b) => `${b.metadata.namespace}/${(b.roleRef as { name: string }).name}`));
      const rules: Record<string, PolicyRule[]> = {};
      const roles = state.own.filter((o) => o.kind === 'Role' && bound.has(`${o.metadata.namespace}/${o.metadata.name}`));
      for (const role of roles) {
        rules[role.metadata.namespace!] = [...(rules[role.metadata.namespace!] ?? []), ...((role.rules as PolicyRule[] | undefined) ?? [])];
      }
      const account = state.own.filter((o) => o.kind === 'ServiceAccount' && o.metadata.name === sa && o.metadata.namespace === namespace);
      return { name: jobName, namespace, script, env, secretEnv, rules, access: [...account, ...roles, ...bindings] };
    }
    throw new Error(`no Job ${jobName} in the synth of ${planFile}`);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// A cluster to run against

/** A Namespace object. */
export function namespaceObject(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}

/** A fake cluster plus the folders a kubectl Job has (a scratch WORK, a HOME for kubectl's cache). */
export interface KubeScriptCluster {
  readonly api: FakeApiServer;
  readonly kubeconfig: string;
  /** Scratch folder given to the scripts as WORK (the Job's emptyDir). */
  readonly work: string;
  /** Runs a kube script with the Job's environment (WORK, KUBECONFIG and HOME pointing here) and overrides. */
  run(job: RenderedKubeJob, overrides?: Record<string, string>): Promise<ScriptResult>;
  close(): Promise<void>;
}

/**
 * Starts a fake API server holding `objects` plus the given namespaces. `home` is kubectl's HOME (its
 * discovery and OpenAPI cache); share one across the tests of a file to keep them fast.
 */
export async function startKubeScriptCluster(
  objects: readonly KubeObject[],
  options: { readonly namespaces: readonly string[]; readonly home: string; readonly apis?: FakeApiSelection },
): Promise<KubeScriptCluster> {
  const api = await startFakeApiServer({ objects: [...options.namespaces.map(namespaceObject), ...objects], token: null, apis: options.apis });
  const kubeconfig = api.kubeconfigPath();
  const work = await mkdtemp(join(tmpdir(), 'tsm-kube-work-'));
  return {
    api,
    kubeconfig,
    work,
    run: (job, overrides = {}) =>
      runScript(job.script, { ...job.env, WORK: work, KUBECONFIG: kubeconfig, HOME: options.home, ...overrides }, { timeoutMs: 90_000, pathPrefix: [envtestBinaries().dir] }),
    async close() {
      await api.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** What the tests of one kube script share: the live fixture, kubectl's HOME, and the cluster of the running test. */
export interface KubeScriptSuite {
  /** The objects of the live fixture the clusters start from. */
  readonly fixture: KubeObject[];
  /** kubectl's HOME, shared by the tests of the file (its discovery and OpenAPI cache). */
  readonly home: string;
  /** The fresh cluster of the running test (only with `clusterPerTest`). */
  readonly cluster: KubeScriptCluster;
}

/**
 * Registers the setup every kube script suite repeats, to call at the top of its `describe`: in beforeAll,
 * fail in CI without kubectl, run `setup` (rendering the Jobs), load the live fixture and make kubectl's
 * HOME (removed in afterAll); with `clusterPerTest`, a fresh cluster holding the fixture and those
 * namespaces before each test, closed after it.
 */
export function useKubeScriptSuite(
  kubectl: BinaryCheck,
  fixtureName: keyof typeof LIVE_FIXTURES,
  options: { readonly setup?: () => Promise<void>; readonly clusterPerTest?: readonly string[]; readonly apis?: FakeApiSelection } = {},
): KubeScriptSuite {
  // Filled in by the hooks, like the suite-level variables it replaces.
  const suite = {} as { -readonly [K in keyof KubeScriptSuite]: KubeScriptSuite[K] };

  beforeAll(async () => {
    failInCiIfKubectlMissing(kubectl);
    await options.setup?.();
    suite.fixture = await loadLiveFixture(fixtureName);
    suite.home = await mkdtemp(join(tmpdir(), 'tsm-kubectl-home-'));
  });

  afterAll(async () => {
    if (suite.home) await rm(suite.home, { recursive: true, force: true });
  });

  const namespaces = options.clusterPerTest;
  if (namespaces) {
    beforeEach(async () => {
      suite.cluster = await startKubeScriptCluster(suite.fixture, { namespaces, home: suite.home, apis: options.apis });
    });

    afterEach(async () => {
      await suite.cluster?.close();
    });
  }

  return suite;
}
