/**
 * The diff's reference cases (test/fixtures/reference-cases/*.yaml), written by this project from the rules of
 * server-side apply, `kubectl diff --server-side`, Argo CD's server-side diff and Flux's ssa package: each
 * fixture says how the live object came to be (steps against an API server), the object this phase applies,
 * and the verdict `diff` must reach live (dry-run on that server) and offline (on the objects read back
 * without managedFields, as `oc get -o yaml` exports them).
 *
 * Steps: `apply` (server-side apply by the engine's field manager, as the earlier phase did), `update` (a
 * JSON merge patch by another manager: an operator, a webhook, a person), `recreate` (delete, then create by a
 * manager: a new uid), `evidence` (charts/scripts/lib/evidence.sh records a copy step with the uids of the
 * objects it filled).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { objectKey, type KubeObject } from '../../src/kube/kube-object.js';
import type { KubeOperation } from '../../src/live/kube-errors.js';
import { collectionPath, LiveReader } from '../../src/live/live-reader.js';
import { EVIDENCE_CONFIGMAP } from '../../src/status/evidence.js';
import { ClusterSource, ExportSource, type LiveSource } from '../../src/status/live-source.js';
import { type DesiredCheck, ObjectJudge, type ObjectVerdict, type Verdict } from '../../src/status/object-verdicts.js';
import { FIXTURES_DIR } from './live-fixtures.js';
import { SCRIPTS_DIR } from './db-servers.js';

/** The field manager the earlier phases applied under, and `diff` dry-runs as. */
export const ENGINE_MANAGER = 'argocd-controller';

/** What one mode must conclude. `changes` are `<op> <path>`; `reason` is a regular expression. */
export interface Expectation {
  readonly verdict: Verdict;
  readonly changes?: readonly string[];
  readonly reason?: string;
}

type Step =
  | { readonly apply: KubeObject }
  | { readonly update: { readonly manager: string; readonly ref: { apiVersion: string; kind: string; name: string }; readonly patch: unknown } }
  | { readonly recreate: { readonly manager: string; readonly object: KubeObject } }
  | { readonly evidence: { readonly step: string; readonly targets: readonly string[] } };

/** One fixture. */
export interface ReferenceCase {
  readonly file: string;
  readonly case: string;
  readonly namespace: string;
  readonly steps: readonly Step[];
  readonly desired: KubeObject;
  readonly expect: { readonly live: Expectation; readonly offline: Expectation };
}

/** Where a case runs: a kubeconfig for the readers, and the URL, token and CA for evidence.sh. */
export interface TestCluster {
  readonly kubeconfig: string;
  readonly url: string;
  readonly token: string;
  readonly caPem?: string;
}

const CASES_DIR = join(FIXTURES_DIR, 'reference-cases');

/** Every fixture, sorted by file name. */
export function loadReferenceCases(): ReferenceCase[] {
  return readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => ({ file, ...(parse(readFileSync(join(CASES_DIR, file), 'utf8')) as Omit<ReferenceCase, 'file'>) }));
}

/** Brings the cluster to the case's live state: its namespace, then its steps in order. */
export async function prepareCase(cluster: TestCluster, c: ReferenceCase): Promise<void> {
  const reader = LiveReader.fromKubeconfig({ kubeconfig: cluster.kubeconfig });
  try {
    await send(reader, 'PATCH', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: c.namespace } }, { query: { fieldManager: 'test-setup', force: 'true' }, applyBody: true });
    for (const step of c.steps) {
      if ('apply' in step) await send(reader, 'PATCH', step.apply, { query: { fieldManager: ENGINE_MANAGER, force: 'true' }, applyBody: true });
      else if ('update' in step) {
        const ref = { apiVersion: step.update.ref.apiVersion, kind: step.update.ref.kind, metadata: { name: step.update.ref.name, namespace: c.namespace } };
        await send(reader, 'PATCH', ref, { query: { fieldManager: step.update.manager }, body: JSON.stringify(step.update.patch), contentType: 'application/merge-patch+json' });
      } else if ('recreate' in step) await recreate(reader, step.recreate.object, step.recreate.manager);
      else await recordEvidence(cluster, c.namespace, step.evidence.step, step.evidence.targets);
    }
  } finally {
    reader.client.close();
  }
}

/** The check `diff` makes of the case's desired object: the applied versions before it are its earlier ones. */
export function caseCheck(c: ReferenceCase): DesiredCheck {
  const key = objectKey(c.desired);
  const earlier = c.steps.flatMap((s) => ('apply' in s && objectKey(s.apply) === key && JSON.stringify(s.apply) !== JSON.stringify(c.desired) ? [s.apply] : []));
  return { object: c.desired, partial: false, ...(earlier.length ? { earlier } : {}) };
}

/** The verdict `diff` reaches on the case in one mode. */
export async function judgeCase(cluster: TestCluster, c: ReferenceCase, mode: 'live' | 'offline'): Promise<ObjectVerdict> {
  const reader = LiveReader.fromKubeconfig({ kubeconfig: cluster.kubeconfig });
  try {
    const cluster = new ClusterSource(reader);
    const source: LiveSource = mode === 'live' ? cluster : await exportOf(cluster, c.namespace);
    const check = caseCheck(c);
    const judge = new ObjectJudge(source, { fieldManager: ENGINE_MANAGER });
    await judge.load([check]);
    return await judge.judge(check);
  } finally {
    reader.client.close();
  }
}

/** The case's namespace as `oc get <kinds> -o yaml` exports it: the objects without managedFields. */
async function exportOf(cluster: ClusterSource, namespace: string): Promise<ExportSource> {
  const kinds: [string, string][] = [
    ['v1', 'ConfigMap'],
    ['v1', 'Service'],
    ['v1', 'PersistentVolumeClaim'],
    ['apps/v1', 'Deployment'],
    ['batch/v1', 'Job'],
    ['apps.3scale.net/v1alpha1', 'APIManager'],
  ];
  const listings = await cluster.list(kinds.map(([apiVersion, kind]) => ({ apiVersion, kind, namespace })));
  const objects = listings.flatMap((l) => {
    if (!l.ok) throw new Error(`cannot export ${l.ref.kind}: ${l.error.message}`);
    return l.items.map((o) => {
      const copy = structuredClone(o);
      delete copy.metadata.managedFields;
      return copy;
    });
  });
  return new ExportSource(objects, `${namespace}.yaml`);
}

interface SendOptions {
  readonly query?: Record<string, string>;
  readonly body?: string;
  readonly contentType?: string;
  /** Send `obj` itself as an apply configuration. */
  readonly applyBody?: boolean;
  /** Address the collection (POST) instead of the object. */
  readonly collection?: boolean;
}

async function send(reader: LiveReader, method: 'PATCH' | 'POST' | 'DELETE' | 'GET', obj: KubeObject, options: SendOptions): Promise<{ status: number; body: string }> {
  const op: KubeOperation = { verb: method === 'GET' ? 'get' : 'patch', apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace };
  const resource = await reader.discovery.resolve(obj.apiVersion, obj.kind, op);
  const base = collectionPath(resource, resource.namespaced ? obj.metadata.namespace : undefined);
  const body = options.applyBody ? JSON.stringify(obj) : options.body;
  const res = await reader.client.send({
    method,
    path: options.collection ? base : `${base}/${encodeURIComponent(obj.metadata.name)}`,
    query: options.query,
    body,
    contentType: options.applyBody ? 'application/apply-patch+yaml' : options.contentType,
    operation: op,
  });
  if (method !== 'GET' && method !== 'DELETE' && (res.status < 200 || res.status > 201)) {
    throw new Error(`${method} ${obj.kind} ${obj.metadata.name}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
  }
  return res;
}

/** Deletes the object (clearing finalizers nothing here would remove), waits until it is gone, creates it again. */
async function recreate(reader: LiveReader, obj: KubeObject, manager: string): Promise<void> {
  await send(reader, 'DELETE', obj, {});
  for (let i = 0; i < 100; i += 1) {
    const res = await send(reader, 'GET', obj, {});
    if (res.status === 404) break;
    const live = JSON.parse(res.body) as KubeObject;
    if (Array.isArray(live.metadata.finalizers) && live.metadata.finalizers.length > 0) {
      await send(reader, 'PATCH', obj, { body: '{"metadata":{"finalizers":null}}', contentType: 'application/merge-patch+json', query: { fieldManager: 'test-setup' } });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await send(reader, 'POST', obj, { collection: true, query: { fieldManager: manager }, body: JSON.stringify(obj), contentType: 'application/json' });
}

/**
 * Runs evidence.sh as a copy step's Job would at its end: Succeeded, with the uids of the objects it filled.
 * Asynchronously: the fake API server answers from this process.
 */
async function recordEvidence(cluster: TestCluster, namespace: string, step: string, targets: readonly string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'reference-evidence-'));
  try {
    writeFileSync(join(dir, 'token'), cluster.token);
    if (cluster.caPem) writeFileSync(join(dir, 'ca.crt'), cluster.caPem);
    const script = `set -euo pipefail\n. "${SCRIPTS_DIR}/lib/common.sh"\n. "${SCRIPTS_DIR}/lib/evidence.sh"\nevidence_init ${step}\nevidence_write Succeeded test copied\n`;
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      EVIDENCE_CONFIGMAP,
      NAMESPACE: namespace,
      KUBE_API: cluster.url,
      KUBE_TOKEN_FILE: join(dir, 'token'),
      KUBE_CA: join(dir, 'ca.crt'),
      EVIDENCE_TARGETS: targets.join(' '),
    };
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn('bash', ['-c', script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, stderr: err }));
    });
    if (code !== 0 || /could not read/.test(stderr)) throw new Error(`evidence.sh failed (exit ${code}): ${stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
