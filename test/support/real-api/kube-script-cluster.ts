/**
 * A kubectl Job's script (charts/scripts/kube/) run against the real API server of the tests, as the Job runs
 * on a cluster: the rendered ServiceAccount, Roles and RoleBindings are created, the script gets a token of that
 * ServiceAccount from the TokenRequest API, and the server's RBAC decides every request, so a verb missing from
 * the chart's Role fails the script as it would on a cluster. One server per test file; before each test the
 * namespaces are emptied and the live fixture seeded again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { IN_CI, runScript, type ScriptResult } from '../db-servers.js';
import type { RenderedKubeJob } from '../fake-api-kubectl.js';
import { loadLiveFixture, type LIVE_FIXTURES } from '../live-fixtures.js';
import { apiRequest, apiRequestOk, type ApiEndpoint } from './api-request.js';
import { deleteObject } from './controller-stand-in.js';
import { checkEnvtestBinaries } from './envtest-binaries.js';
import { createNamespace } from './namespaces.js';
import { adminEndpoint, type RealApiServer } from './real-api-server.js';
import { resourcePath } from './resource-paths.js';
import { seedObjects } from './seed-objects.js';
import { useRealApiServer } from './use-real-api-server.js';

/** Kinds a kube script may create besides the fixture's (emptied before each test). */
const SCRIPT_KINDS: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'batch/v1', kind: 'Job' },
];

/** Deletes every object of `kinds` in `namespaces` (PVCs' protection finalizer removed, as its controller would), creating missing namespaces and their controller defaults. */
export async function emptyNamespaces(endpoint: ApiEndpoint, namespaces: readonly string[], kinds: readonly { apiVersion: string; kind: string }[]): Promise<void> {
  for (const namespace of namespaces) {
    for (const ref of kinds) {
      const collection = await resourcePath(endpoint, { ...ref, namespace });
      if (ref.kind === 'PersistentVolumeClaim') {
        const list = (await apiRequestOk(endpoint, { method: 'GET', path: collection })) as { items: KubeObject[] };
        for (const pvc of list.items) {
          await apiRequestOk(endpoint, { method: 'PATCH', path: `${collection}/${pvc.metadata.name}`, body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
        }
      }
      const answer = await apiRequest(endpoint, { method: 'DELETE', path: collection });
      if (answer.status !== 200 && answer.status !== 404) throw new Error(`DELETE ${collection} answered ${answer.status}`);
    }
    await createNamespace(endpoint, namespace);
  }
}

/** The state of the running test: the Job's kubeconfig and scratch folder, and reads as the admin. */
export interface RealKubeScriptCluster {
  readonly server: RealApiServer;
  readonly admin: ApiEndpoint;
  /** Scratch folder given to the scripts as WORK (the Job's emptyDir). */
  readonly work: string;
  /**
   * Runs a Job's script (the first Job of the suite by default) with its environment (WORK, HOME, the built
   * kubectl, KUBECONFIG with a token of the Job's ServiceAccount) and overrides.
   */
  run(overrides?: Record<string, string>, job?: RenderedKubeJob): Promise<ScriptResult>;
  /** The stored object, or undefined. */
  get(apiVersion: string, kind: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  /** Server-side applies objects as the test's own actor (the admin), e.g. to change a Secret before a run. */
  put(...objects: KubeObject[]): Promise<void>;
  /** The stored objects of a kind in a namespace. */
  list(apiVersion: string, kind: string, namespace: string): Promise<KubeObject[]>;
  /** Deletes an object as the admin, finished as its controllers would (see deleteObject). */
  remove(apiVersion: string, kind: string, namespace: string, name: string): Promise<void>;
  /** The `<step>.*` keys of the evidence ConfigMap of a namespace (empty when there is none). */
  evidence(namespace: string, step: string): Promise<Record<string, string>>;
}

/**
 * Registers the hooks of a kube script suite on the real server: the server for the file, then before each
 * test empty `namespaces`, seed the fixture and the access of the Jobs (from `jobs()`, rendered in `setup`), and
 * get their tokens. Skipped with a warning without the binaries; fails with CI set.
 */
export function useRealKubeScriptSuite(
  /** The exported install seeded before each test; none for an empty cluster (a fresh install). */
  fixtureName: keyof typeof LIVE_FIXTURES | undefined,
  namespaces: readonly string[],
  jobs: () => readonly RenderedKubeJob[],
  options: { readonly setup?: () => Promise<void> } = {},
): () => RealKubeScriptCluster {
  const server = useRealApiServer();
  let fixture: KubeObject[] = [];
  let home = '';
  let current: RealKubeScriptCluster | undefined;
  const available = (): boolean => checkEnvtestBinaries().ok || IN_CI;

  beforeAll(async () => {
    if (!available()) return;
    await options.setup?.();
    fixture = (fixtureName ? await loadLiveFixture(fixtureName) : []).filter((o) => !o.metadata.namespace || namespaces.includes(o.metadata.namespace));
    home = await mkdtemp(join(tmpdir(), 'tsm-kubectl-home-'));
  });

  afterAll(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });

  beforeEach(async () => {
    if (!available()) return;
    const s = server();
    const admin = adminEndpoint(s);
    const access = jobs().flatMap((j) => j.access);
    const namespaced = [...fixture, ...access].filter((o) => o.metadata.namespace).map((o) => ({ apiVersion: o.apiVersion, kind: o.kind }));
    const kinds = [...new Map([...namespaced, ...SCRIPT_KINDS].map((r) => [`${r.apiVersion} ${r.kind}`, r])).values()];
    await emptyNamespaces(admin, namespaces, kinds);
    await seedObjects(admin, [...fixture, ...access]);
    const kubeconfigs = new Map<string, string>();
    for (const j of jobs()) {
      const account = j.access.find((o) => o.kind === 'ServiceAccount');
      if (!account) throw new Error(`the chart renders no ServiceAccount for Job ${j.name}`);
      kubeconfigs.set(j.name, await s.kubeconfig({ token: await s.serviceAccountToken(account.metadata.namespace!, account.metadata.name), namespace: j.namespace }));
    }
    const work = await mkdtemp(join(home, 'work-'));
    current = {
      server: s,
      admin,
      work,
      run: (overrides = {}, job = jobs()[0]!) =>
        runScript(job.script, { ...job.env, WORK: work, KUBECONFIG: kubeconfigs.get(job.name)!, HOME: home, ...overrides }, { timeoutMs: 90_000, pathPrefix: [dirname(s.kubectl)] }),
      async get(apiVersion, kind, namespace, name) {
        const answer = await apiRequest(admin, { method: 'GET', path: await resourcePath(admin, { apiVersion, kind, namespace, name }) });
        return answer.status === 200 ? (answer.body as KubeObject) : undefined;
      },
      async put(...objects) {
        await seedObjects(admin, objects);
      },
      async list(apiVersion, kind, namespace) {
        return ((await apiRequestOk(admin, { method: 'GET', path: await resourcePath(admin, { apiVersion, kind, namespace }) })) as { items: KubeObject[] }).items;
      },
      async remove(apiVersion, kind, namespace, name) {
        await deleteObject(admin, await resourcePath(admin, { apiVersion, kind, namespace, name }));
      },
      async evidence(namespace, step) {
        const cm = await current!.get('v1', 'ConfigMap', namespace, 'threescale-migrate-evidence');
        return Object.fromEntries(Object.entries((cm?.data ?? {}) as Record<string, string>).filter(([k]) => k.startsWith(`${step}.`)));
      },
    };
  });

  return () => {
    if (!current) throw new Error('no kube script cluster: use it inside a test');
    return current;
  };
}
