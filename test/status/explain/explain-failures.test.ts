/**
 * `--explain` end to end through the loopback API server: pods as the kubelet reports them, Warning Events,
 * container logs served by `pods/{name}/log`, and the real ClusterSource.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { LiveReader } from '../../../src/live/live-reader.js';
import type { Plan } from '../../../src/plan/plan-schema.js';
import { explainFailures, type Explanation } from '../../../src/status/explain/explain-failures.js';
import { FAILURE_SIGNATURES } from '../../../src/status/explain/failure-signatures.js';
import { ClusterSource, ExportSource } from '../../../src/status/live-source.js';
import { type SynthResult, synthesize } from '../../../src/synth/synthesize.js';
import { startFakeApiServer, type FakeApiServer } from '../../support/fake-api-server.js';
import { phaseReports } from '../../support/phase-reports.js';
import { loadExample } from '../../support/plans.js';

const NOW = new Date('2025-07-01T10:00:00Z');
const MIGRATION = 'threescale-migrate.3scale.net/migration';

let plan: Plan;
let result: SynthResult;
let api: FakeApiServer;
let reader: LiveReader;

beforeAll(async () => {
  const loaded = loadExample('postgresql-and-redis');
  plan = loaded.plan;
  result = await synthesize(loaded);
  api = await startFakeApiServer({ clock: () => NOW });
  reader = LiveReader.fromKubeconfig({ kubeconfig: api.kubeconfigPath('3scale') });
});
afterEach(() => {
  for (const o of api.store.all()) if (o.kind === 'Pod' || o.kind === 'Event') api.store.remove(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
  api.clearFaults();
  api.clearRequests();
});
afterAll(async () => {
  reader.client.close();
  await api.close();
});

type ContainerState = Record<string, unknown>;
interface PodSpec {
  readonly name: string;
  readonly namespace?: string;
  readonly owner: { kind: 'ReplicaSet' | 'Job'; name: string };
  readonly containers: readonly { name: string; state?: ContainerState; lastState?: ContainerState; restartCount?: number; ready?: boolean }[];
  readonly phase?: string;
  readonly labels?: Record<string, string>;
}

/** A pod as the API server lists it: owned by a ReplicaSet or Job, with container statuses. */
function pod(p: PodSpec): KubeObject {
  const running = { running: { startedAt: '2025-07-01T09:00:00Z' } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace ?? '3scale',
      labels: { ...(p.owner.kind === 'Job' ? { 'job-name': p.owner.name } : { 'pod-template-hash': p.owner.name.split('-').pop()! }), ...p.labels },
      ownerReferences: [{ apiVersion: p.owner.kind === 'Job' ? 'batch/v1' : 'apps/v1', kind: p.owner.kind, name: p.owner.name, uid: `uid-${p.owner.name}`, controller: true }],
    },
    spec: { containers: p.containers.map((c) => ({ name: c.name, image: 'registry.redhat.io/3scale-amp2/system-rhel8:3scale2.15' })) },
    status: {
      phase: p.phase ?? 'Running',
      containerStatuses: p.containers.map((c) => ({ name: c.name, ready: c.ready ?? true, restartCount: c.restartCount ?? 0, state: c.state ?? running, ...(c.lastState ? { lastState: c.lastState } : {}) })),
    },
  };
}

/** system-app with its three containers, running. */
const systemApp = (name = 'system-app-5d8f9c7b6d-x2x9z') => pod({ name, owner: { kind: 'ReplicaSet', name: 'system-app-5d8f9c7b6d' }, containers: [{ name: 'system-master' }, { name: 'system-provider' }, { name: 'system-developer' }] });
const backendWorker = (name = 'backend-worker-6c7d8f-abcde') => pod({ name, owner: { kind: 'ReplicaSet', name: 'backend-worker-6c7d8f' }, containers: [{ name: 'backend-worker' }] });

function warning(name: string, about: { kind: string; name: string; namespace?: string; fieldPath?: string }, reason: string, message: string, count = 1): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: about.namespace ?? '3scale' },
    type: 'Warning',
    reason,
    message,
    count,
    involvedObject: { apiVersion: 'v1', ...about, namespace: about.namespace ?? '3scale' },
    lastTimestamp: '2025-07-01T09:59:00Z',
  };
}

/** Explains what the loopback API server holds, on phases read as applied through `appliedThrough` (default: through the cut-over). */
async function explainLive(options = {}, phases = phaseReports(result, 'cutover')) {
  return explainFailures(plan, result, new ClusterSource(reader), phases, options);
}

function bySignature(explanations: readonly Explanation[], id: string): Explanation {
  const found = explanations.find((e) => e.signature === id);
  expect(found, `no explanation ${id} among ${explanations.map((e) => e.signature).join(', ')}`).toBeDefined();
  return found!;
}

describe('explainFailures: log signatures of chapter 7', () => {
  test('GIVEN every log signature example in a pod log WHEN explained THEN each is recognized once, with its meaning, remedy and a phase of the plan', async () => {
    // GIVEN
    const logSignatures = FAILURE_SIGNATURES.filter((s) => s.where.includes('log'));
    api.store.put(systemApp());
    api.setPodLog('3scale', 'system-app-5d8f9c7b6d-x2x9z', 'system-provider', ['Started GET "/" for 10.0.0.1', ...logSignatures.map((s) => s.example), 'Completed 200 OK in 12ms']);

    // WHEN
    const { explanations } = await explainLive();

    // THEN
    expect(explanations.map((e) => e.signature)).toEqual(logSignatures.map((s) => s.id));
    for (const e of explanations) {
      const s = FAILURE_SIGNATURES.find((x) => x.id === e.signature)!;
      expect(e).toMatchObject({ evidence: 'log', object: { kind: 'Pod', namespace: '3scale', name: 'system-app-5d8f9c7b6d-x2x9z', container: 'system-provider' }, owner: { kind: 'Deployment', name: 'system-app' }, meaning: s.meaning, remedy: s.remedy });
      if (s.phases.length) expect(e.phase).toMatch(/^\d\d-/);
      else expect(e.phase).toBeNull();
    }
  });

  test('GIVEN the chapter 7 pre-hook and worker errors WHEN explained THEN the phase is the cut-over and the rollback its rollback folder', async () => {
    // GIVEN
    api.store.put(pod({ name: 'system-app-pre-7xk2p', owner: { kind: 'Job', name: 'system-app-pre' }, phase: 'Failed', containers: [{ name: 'system-app-pre', state: { terminated: { exitCode: 1, reason: 'Error' } } }] }));
    api.setPodLog('3scale', 'system-app-pre-7xk2p', 'system-app-pre', "ActiveRecord::ConnectionNotEstablished: Unknown MySQL server host 'system-mysql.3scale-db' (-2)\n");
    api.store.put(backendWorker());
    api.setPodLog('3scale', 'backend-worker-6c7d8f-abcde', 'backend-worker', 'Error connecting to Redis queue storage: Bad file descriptor (redis://backend-redis:6379/1)\n');

    // WHEN
    const { explanations } = await explainLive();

    // THEN
    expect(bySignature(explanations, 'database-unreachable')).toMatchObject({ owner: { kind: 'Job', name: 'system-app-pre' }, phase: '05-cutover', rollback: 'rollback/05-cutover' });
    expect(bySignature(explanations, 'redis-queues-unreachable')).toMatchObject({ owner: { kind: 'Deployment', name: 'backend-worker' }, phase: '05-cutover', rollback: 'rollback/05-cutover' });
  });

  test('GIVEN the pre-hook error on an install where the cut-over was never applied WHEN explained THEN no rollback folder is named and the advice says there is nothing to undo', async () => {
    // GIVEN an unmigrated install: nothing of the migration is live
    api.store.put(pod({ name: 'system-app-pre-7xk2p', owner: { kind: 'Job', name: 'system-app-pre' }, phase: 'Failed', containers: [{ name: 'system-app-pre', state: { terminated: { exitCode: 1, reason: 'Error' } } }] }));
    api.setPodLog('3scale', 'system-app-pre-7xk2p', 'system-app-pre', "ActiveRecord::ConnectionNotEstablished: Unknown MySQL server host 'system-mysql.3scale-db' (-2)\n");

    // WHEN
    const { explanations } = await explainLive({}, phaseReports(result, null));

    // THEN
    const e = bySignature(explanations, 'database-unreachable');
    expect(e).toMatchObject({ phase: '05-cutover', rollback: null });
    expect(e.undo).toBe('05-cutover was never applied (pending): nothing of it to undo, and no rollback folder addresses this');
    expect(JSON.stringify(explanations)).not.toContain('rollback/');
  });

  test('GIVEN the cut-over and the scale-up applied WHEN a cut-over failure is explained THEN the undo starts at the scale-up, and the cut-over rollback alone is not offered', async () => {
    // GIVEN
    api.store.put(backendWorker());
    api.setPodLog('3scale', 'backend-worker-6c7d8f-abcde', 'backend-worker', 'Error connecting to Redis queue storage: Bad file descriptor (redis://backend-redis:6379/1)\n');

    // WHEN
    const { explanations } = await explainLive({}, phaseReports(result, 'scale-up'));

    // THEN
    expect(bySignature(explanations, 'redis-queues-unreachable')).toMatchObject({ phase: '05-cutover', rollback: null, undo: 'to undo it, apply rollback/06-scale-up, then rollback/05-cutover' });
  });

  test('GIVEN the prepare phase still in progress WHEN a cut-over failure is explained THEN it says no rollback folder is safe and why', async () => {
    // GIVEN cut-over Jobs live while prepare is not done (out of order)
    api.store.put(backendWorker());
    api.setPodLog('3scale', 'backend-worker-6c7d8f-abcde', 'backend-worker', 'Error connecting to Redis queue storage: Bad file descriptor (redis://backend-redis:6379/1)\n');

    // WHEN
    const { explanations } = await explainLive({}, phaseReports(result, 'cutover', { prepare: 'in-progress' }));

    // THEN
    expect(bySignature(explanations, 'redis-queues-unreachable')).toMatchObject({
      rollback: null,
      undo: 'no rollback folder is safe: 01-prepare before it is in-progress, and every rollback folder is a full state that would apply it too; bring 01-prepare to applied first',
    });
  });

  test('GIVEN the same error in many lines and in two replicas WHEN explained THEN one explanation counts them and shows the latest line', async () => {
    // GIVEN
    api.store.put(backendWorker('backend-worker-6c7d8f-aaaaa'));
    api.store.put({ ...backendWorker('backend-worker-6c7d8f-bbbbb'), status: { phase: 'Running', containerStatuses: [{ name: 'backend-worker', ready: false, restartCount: 4, state: { running: {} } }] } });
    for (const name of ['backend-worker-6c7d8f-aaaaa', 'backend-worker-6c7d8f-bbbbb']) {
      api.setPodLog('3scale', name, 'backend-worker', ["OOM command not allowed when used memory > 'maxmemory'. (1)", "OOM command not allowed when used memory > 'maxmemory'. (2)"]);
    }

    // WHEN
    const { explanations } = await explainLive();

    // THEN: only the unhealthier replica is read, one request for its one container
    expect(explanations).toHaveLength(1);
    expect(explanations[0]).toMatchObject({ signature: 'redis-out-of-memory', occurrences: 2, object: { name: 'backend-worker-6c7d8f-bbbbb' }, line: "OOM command not allowed when used memory > 'maxmemory'. (2)", phase: '01-prepare' });
    expect(api.count({ method: 'GET', path: /\/log$/ })).toBe(1);
  });

  test('GIVEN a migration Job pod that failed WHEN its log is explained THEN the phase is the Job\'s own phase', async () => {
    // GIVEN
    api.store.put(pod({ name: 'copy-system-database-9f8k2', namespace: '3scale-db', owner: { kind: 'Job', name: 'copy-system-database' }, phase: 'Failed', labels: { [MIGRATION]: 'prod-3scale' }, containers: [{ name: 'run', state: { terminated: { exitCode: 1, reason: 'Error' } } }] }));
    api.setPodLog('3scale-db', 'copy-system-database-9f8k2', 'run', 'pg_dump: error: connection to server failed: FATAL:  password authentication failed for user "system"\n');

    // WHEN
    const { explanations } = await explainLive();

    // THEN
    expect(bySignature(explanations, 'database-authentication-failed')).toMatchObject({ owner: { kind: 'Job', name: 'copy-system-database' }, phase: '03-copy-data', rollback: null });
  });
});

describe('explainFailures: masking', () => {
  test('GIVEN log lines with a URL password, password= and a bearer token WHEN explained THEN no secret is in the output and equal secrets get equal masks', async () => {
    // GIVEN
    api.store.put(systemApp());
    api.setPodLog('3scale', 'system-app-5d8f9c7b6d-x2x9z', 'system-master', [
      'Redis::CannotConnectError: Error connecting to Redis on system-redis:6379 (redis://:S3cr3t-R3dis@system-redis-service.3scale-db.svc.cluster.local:6379/1)',
      'ActiveRecord::ConnectionNotEstablished: could not connect: postgresql://system:S3cr3t-R3dis@db:5432/system password=Pa55w0rd Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload',
    ]);

    // WHEN
    const explained = await explainLive();
    const printed = JSON.stringify(explained);

    // THEN
    expect(printed).not.toContain('S3cr3t-R3dis');
    expect(printed).not.toContain('Pa55w0rd');
    expect(printed).not.toContain('eyJhbGciOiJSUzI1NiJ9');
    const redis = bySignature(explained.explanations, 'redis-unreachable');
    const db = bySignature(explained.explanations, 'database-unreachable');
    expect(redis.line).toContain('redis://:++++++++@system-redis-service.3scale-db.svc.cluster.local:6379/1');
    expect(db.line).toContain('postgresql://system:++++++++@db:5432/system');
  });
});

describe('explainFailures: Kubernetes states and Events', () => {
  test('GIVEN pods crash-looping, pulling no image, missing a Secret key and killed for memory WHEN explained THEN each state is recognized without any log of a container that never started', async () => {
    // GIVEN
    api.store.put(pod({
      name: 'system-sidekiq-7f6d5c-q1w2e',
      owner: { kind: 'ReplicaSet', name: 'system-sidekiq-7f6d5c' },
      containers: [{ name: 'system-sidekiq', ready: false, restartCount: 6, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=system-sidekiq' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }],
    }));
    api.setPodLog('3scale', 'system-sidekiq-7f6d5c-q1w2e', 'system-sidekiq', "Unknown database 'system' (ActiveRecord::NoDatabaseError)\n", { previous: true });
    api.store.put(pod({ name: 'zync-5b4c3d-z9x8c', owner: { kind: 'ReplicaSet', name: 'zync-5b4c3d' }, phase: 'Pending', containers: [{ name: 'zync', ready: false, state: { waiting: { reason: 'CreateContainerConfigError', message: "couldn't find key URL in Secret 3scale/system-database" } } }] }));
    api.store.put(pod({ name: 'backend-redis-external-6f5e4d-r5t6y', namespace: '3scale-db', owner: { kind: 'ReplicaSet', name: 'backend-redis-external-6f5e4d' }, phase: 'Pending', labels: { [MIGRATION]: 'prod-3scale' }, containers: [{ name: 'backend-redis-external', ready: false, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.redhat.io/rhel9/redis-7"' } } }] }));
    api.store.put(pod({ name: 'system-postgresql-external-7a8b9c-p0o9i', namespace: '3scale-db', owner: { kind: 'ReplicaSet', name: 'system-postgresql-external-7a8b9c' }, labels: { [MIGRATION]: 'prod-3scale' }, containers: [{ name: 'system-postgresql-external', restartCount: 1, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] }));

    // WHEN
    const { explanations } = await explainLive();

    // THEN
    expect(bySignature(explanations, 'crash-loop')).toMatchObject({ evidence: 'pod-state', object: { container: 'system-sidekiq' }, phase: '05-cutover' });
    expect(bySignature(explanations, 'database-unknown-database')).toMatchObject({ evidence: 'log', object: { name: 'system-sidekiq-7f6d5c-q1w2e' } });
    expect(bySignature(explanations, 'secret-key-missing')).toMatchObject({ owner: { kind: 'Deployment', name: 'zync' }, phase: '05-cutover', rollback: 'rollback/05-cutover' });
    expect(bySignature(explanations, 'image-pull-failed')).toMatchObject({ owner: { kind: 'Deployment', name: 'backend-redis-external' }, phase: '01-prepare', rollback: null, undo: 'to undo it, apply rollback/05-cutover, then rollback/04-load-redis, then rollback/02-scale-down, then rollback/01-prepare' });
    expect(bySignature(explanations, 'oom-killed')).toMatchObject({ owner: { kind: 'Deployment', name: 'system-postgresql-external' }, phase: '01-prepare' });
    // the crash log came from the previous instance; zync and the Redis pod never started, so no log was asked for
    const logs = api.requests.filter((r) => r.path.endsWith('/log'));
    expect(logs.find((r) => r.path.includes('system-sidekiq'))?.query).toMatchObject({ previous: 'true', container: 'system-sidekiq' });
    expect(logs.some((r) => r.path.includes('zync') || r.path.includes('backend-redis-external'))).toBe(false);
  });

  test('GIVEN a 3scale component that cannot pull its image WHEN explained THEN no phase is named: the image is the operator\'s', async () => {
    // GIVEN
    api.store.put(pod({ name: 'apicast-production-8d7c6b-a1s2d', owner: { kind: 'ReplicaSet', name: 'apicast-production-8d7c6b' }, phase: 'Pending', containers: [{ name: 'apicast-production', ready: false, state: { waiting: { reason: 'ErrImagePull' } } }] }));

    // WHEN
    const { explanations } = await explainLive();

    // THEN
    expect(bySignature(explanations, 'image-pull-failed')).toMatchObject({ owner: { kind: 'Deployment', name: 'apicast-production' }, phase: null, rollback: null });
  });

  test('GIVEN Warning Events of every Event signature WHEN explained THEN each is recognized, Normal Events and unknown warnings are not', async () => {
    // GIVEN
    const eventSignatures = FAILURE_SIGNATURES.filter((s) => s.where.includes('event') && /^[A-Z]\w+: /.test(s.example));
    eventSignatures.forEach((s, i) => {
      const [reason, ...rest] = s.example.split(': ');
      api.store.put(warning(`ev-${i}`, { kind: 'Pod', name: `pod-${i}` }, reason!, rest.join(': ')));
    });
    api.store.put({ ...warning('normal', { kind: 'Pod', name: 'x' }, 'Pulled', 'Successfully pulled image'), type: 'Normal' });
    api.store.put(warning('odd', { kind: 'Pod', name: 'y' }, 'SomethingNew', 'a warning nobody knows'));

    // WHEN
    const { explanations, notes } = await explainLive();

    // THEN
    expect(explanations.filter((e) => e.evidence === 'event').map((e) => e.signature).sort()).toEqual(eventSignatures.map((s) => s.id).sort());
    expect(notes).toContain('1 Warning Event matched no known signature (oc get events --field-selector type=Warning shows them)');
  });

  test('GIVEN a Job Event of a migration Job WHEN explained THEN the Job\'s phase addresses it, whatever the signature says', async () => {
    // GIVEN
    api.store.put(warning('job', { kind: 'Job', name: 'rewrite-connection-secrets' }, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'));

    // WHEN
    const { explanations } = await explainLive();

    // THEN
    expect(bySignature(explanations, 'job-backoff-limit')).toMatchObject({ owner: { kind: 'Job', name: 'rewrite-connection-secrets' }, phase: '05-cutover', rollback: 'rollback/05-cutover' });
  });
});

describe('explainFailures: permissions, empty namespaces, bounds, offline', () => {
  test('GIVEN no get on pods/log WHEN explained THEN one note names the permission per namespace and the pod states and Events are still explained', async () => {
    // GIVEN
    api.store.put(systemApp());
    api.store.put(backendWorker());
    api.store.put(warning('probe', { kind: 'Pod', name: 'system-app-5d8f9c7b6d-x2x9z', fieldPath: 'spec.containers{system-master}' }, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', 12));
    api.setFault({ method: 'GET', path: /\/pods\/[^/]+\/log$/, status: 403 });

    // WHEN
    const { explanations, notes } = await explainLive({ concurrency: 1 });

    // THEN
    expect(notes.filter((n) => n.includes('pods/log'))).toEqual(['pod logs in namespace 3scale: forbidden (HTTP 403); --explain needs "get" on "pods/log" there, its logs were not read']);
    expect(api.count({ method: 'GET', path: /\/log$/ })).toBe(1);
    expect(bySignature(explanations, 'probe-failed')).toMatchObject({ object: { container: 'system-master' }, occurrences: 12, phase: '05-cutover' });
  });

  test('GIVEN no list on pods and events WHEN explained THEN it says which permissions are missing and explains nothing, without failing', async () => {
    // GIVEN
    api.setFault({ method: 'GET', path: /\/(pods|events)$/, status: 403 });

    // WHEN
    const { explanations, notes } = await explainLive();

    // THEN
    expect(explanations).toEqual([]);
    expect(notes).toContain('pods in namespace 3scale: forbidden (HTTP 403); --explain needs "list" on "pods" there to read pod states and logs');
    expect(notes).toContain('events in namespace 3scale-db: forbidden (HTTP 403); --explain needs "list" on "events" there');
  });

  test('GIVEN no pods at all WHEN explained THEN it says so and makes only the LIST requests', async () => {
    // GIVEN an empty cluster

    // WHEN
    const { explanations, notes } = await explainLive();

    // THEN
    expect(explanations).toEqual([]);
    expect(notes).toEqual(['no pods of 3scale or of migration prod-3scale in namespaces 3scale, 3scale-db']);
    expect(api.requests.filter((r) => r.path.startsWith('/api/v1/namespaces')).map((r) => r.path).sort()).toEqual([
      '/api/v1/namespaces/3scale-db/events',
      '/api/v1/namespaces/3scale-db/pods',
      '/api/v1/namespaces/3scale/events',
      '/api/v1/namespaces/3scale/pods',
    ]);
  });

  test('GIVEN a 20 MB log and more pods than the cap WHEN explained THEN every read is bounded by lines, bytes and time, and the unread pods are named', async () => {
    // GIVEN 200 000 lines of about 110 bytes, the error last; another container writing 300-byte lines
    const noise = Array.from({ length: 200_000 }, (_, i) => `I, [2025-07-01T09:00:00] INFO -- : request ${i} ${'x'.repeat(80)}`);
    api.store.put(systemApp());
    api.setPodLog('3scale', 'system-app-5d8f9c7b6d-x2x9z', 'system-master', [...noise, 'Redis::CannotConnectError: Connection refused (redis://system-redis:6379/1)']);
    api.setPodLog('3scale', 'system-app-5d8f9c7b6d-x2x9z', 'system-provider', Array.from({ length: 1000 }, () => 'y'.repeat(300)));
    for (const name of ['backend-listener', 'backend-cron', 'zync-que']) api.store.put(pod({ name: `${name}-1a2b3c-zzzzz`, owner: { kind: 'ReplicaSet', name: `${name}-1a2b3c` }, containers: [{ name }] }));

    // WHEN
    const { explanations, notes } = await explainLive({ maxPods: 2, tailLines: 30, limitBytes: 4096, sinceSeconds: 600 });

    // THEN
    const logs = api.requests.filter((r) => r.path.endsWith('/log'));
    expect(logs).toHaveLength(4); // system-app's three containers and backend-listener
    for (const r of logs) expect(r.query).toMatchObject({ tailLines: '30', limitBytes: '4096', sinceSeconds: '600' });
    expect(bySignature(explanations, 'redis-unreachable').object).toMatchObject({ name: 'system-app-5d8f9c7b6d-x2x9z', container: 'system-master' });
    expect(notes).toContain('pod logs: read 2 of 4 pods (one per Deployment or Job, unhealthiest first); backend-cron-1a2b3c-zzzzz, zync-que-1a2b3c-zzzzz not read');
    expect(notes).toContain('log of pod 3scale/system-app-5d8f9c7b6d-x2x9z (container system-provider): its last 30 lines exceed 4 KiB, the newest of them were not read');
    expect(notes.filter((n) => n.includes('container system-master'))).toEqual([]);
  });

  test('GIVEN an export with pods and Events WHEN explained offline THEN Events and pod states are explained and the missing logs are said', async () => {
    // GIVEN
    const objects = [
      pod({ name: 'system-app-5d8f9c7b6d-x2x9z', owner: { kind: 'ReplicaSet', name: 'system-app-5d8f9c7b6d' }, containers: [{ name: 'system-master', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } }] }),
      { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e1', namespace: '3scale-db' }, type: 'Warning', reason: 'ProvisioningFailed', note: 'storageclass.storage.k8s.io "fast" not found', regarding: { kind: 'PersistentVolumeClaim', name: 'postgresql-data-external', namespace: '3scale-db' }, deprecatedCount: 3 },
    ];

    // WHEN
    const { explanations, notes } = await explainFailures(plan, result, new ExportSource(objects as KubeObject[], 'export.yaml'), phaseReports(result, null));

    // THEN
    expect(bySignature(explanations, 'crash-loop')).toMatchObject({ evidence: 'pod-state' });
    expect(bySignature(explanations, 'volume-provisioning-failed')).toMatchObject({ object: { kind: 'PersistentVolumeClaim', name: 'postgresql-data-external' }, occurrences: 3, phase: '01-prepare' });
    expect(notes).toEqual(['pod logs: an export holds none, so only the pod states and Events of the export were explained']);
  });
});
