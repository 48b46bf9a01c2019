import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { EVIDENCE_CONFIGMAP } from '../../src/status/evidence.js';
import { type DesiredCheck, ObjectJudge, SATISFIED, UNKNOWN } from '../../src/status/object-verdicts.js';
import { evidenceConfigMap, MemorySource, readError } from '../support/memory-source.js';

const configMap = (name: string, data: Record<string, string>, namespace = '3scale'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });

function deployment(name: string, replicas: number | undefined, env: Record<string, string> = {}, namespace = '3scale'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      selector: { matchLabels: { deployment: name } },
      template: {
        metadata: { labels: { deployment: name } },
        spec: { containers: [{ name, image: `registry.example/${name}:1`, env: Object.entries(env).map(([k, value]) => ({ name: k, value })) }] },
      },
    },
  };
}

const pvc = (name: string, namespace = '3scale-db'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
});

const job = (name: string, namespace = '3scale-db'): KubeObject => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'cli' }] } } } });

/** The live copy of a desired object, as the API server returns it: server metadata and a status added. */
function asLive(o: KubeObject, status?: Record<string, unknown>): KubeObject {
  return { ...structuredClone(o), metadata: { ...o.metadata, uid: `uid-${o.metadata.name}`, resourceVersion: '42', creationTimestamp: '2025-01-01T00:00:00Z' }, ...(status ? { status } : {}) };
}

const check = (object: KubeObject, extra: Partial<DesiredCheck> = {}): DesiredCheck => ({ object, partial: false, ...extra });

/** A judge over `source`, loaded with every check. */
async function judgeOf(source: MemorySource, checks: readonly DesiredCheck[]): Promise<ObjectJudge> {
  const judge = new ObjectJudge(source, { fieldManager: 'argocd-controller' });
  await judge.load(checks);
  return judge;
}

describe('ObjectJudge.listRefs', () => {
  test('one LIST per group, kind and namespace; a Job adds the evidence ConfigMap of its namespace', () => {
    // GIVEN checks with repeated kinds, two versions of the apps group, a Job, and a ConfigMap next to another Job
    const checks = [
      deployment('system-app', 1),
      deployment('zync', 1),
      { ...deployment('backend-cron', 1), apiVersion: 'apps/v1beta2' },
      deployment('backend-redis-external', 1, {}, '3scale-db'),
      configMap('threescale-migrate-state', {}),
      job('copy-system-database'),
      job('copy-backend-redis'),
      job('rewrite-connection-secrets', '3scale'),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: '3scale-db' } },
    ].map((o) => check(o));

    // WHEN
    const refs = ObjectJudge.listRefs(checks);

    // THEN deduplicated (one of the apps versions asked stands for the group), sorted by kind then namespace,
    // the cluster-scoped Namespace without a namespace
    expect(refs[2]!.apiVersion).toMatch(/^apps\/v1(beta2)?$/);
    expect(refs).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: '3scale' },
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: '3scale-db' },
      { apiVersion: refs[2]!.apiVersion, kind: 'Deployment', namespace: '3scale' },
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: '3scale-db' },
      { apiVersion: 'batch/v1', kind: 'Job', namespace: '3scale' },
      { apiVersion: 'batch/v1', kind: 'Job', namespace: '3scale-db' },
      { apiVersion: 'v1', kind: 'Namespace', namespace: undefined },
    ]);
  });

  test('no checks, no LIST', () => {
    expect(ObjectJudge.listRefs([])).toEqual([]);
  });

  test('load reads every listing in one call to the source', async () => {
    // GIVEN
    const source = new MemorySource([]);
    const checks = [check(deployment('system-app', 1)), check(job('copy-system-database'))];

    // WHEN
    await judgeOf(source, checks);

    // THEN
    expect(source.listCalls).toEqual([ObjectJudge.listRefs(checks)]);
  });
});

describe('ObjectJudge.judge', () => {
  describe('objects', () => {
    test('an object that is not live is missing, without a dry-run', async () => {
      // GIVEN a cluster without the ConfigMap
      const source = new MemorySource([]);
      const c = check(configMap('threescale-migrate-state', { plan: 'x' }));

      // WHEN
      const verdict = await (await judgeOf(source, [c])).judge(c);

      // THEN the verdict has the documented shape and order, no reason
      expect(verdict).toEqual({ ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: '3scale', name: 'threescale-migrate-state' }, verdict: 'missing', partial: false, changes: [] });
      expect(Object.keys(verdict)).toEqual(['ref', 'verdict', 'partial', 'changes']);
      expect(source.dryRunCalls).toEqual([]);
    });

    test('an object live as desired is in sync, and the dry-run ran under the configured field manager', async () => {
      // GIVEN
      const desired = configMap('threescale-migrate-state', { plan: 'x' });
      const source = new MemorySource([asLive(desired)]);
      const c = check(desired, { partial: true });

      // WHEN
      const verdict = await (await judgeOf(source, [c])).judge(c);

      // THEN
      expect(verdict).toEqual({ ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: '3scale', name: 'threescale-migrate-state' }, verdict: 'in-sync', partial: true, changes: [] });
      expect(source.dryRunCalls.map((c) => c.fieldManager)).toEqual(['argocd-controller']);
    });

    test('a changed object lists its changes with keyed paths, sorted by path', async () => {
      // GIVEN a live Deployment whose env value, image and an added env entry differ
      const desired = deployment('system-app', 2, { RAILS_ENV: 'production', THREESCALE_SUPERDOMAIN: 'apps.example.com' });
      const live = deployment('system-app', 2, { RAILS_ENV: 'staging' });
      ((live.spec as any).template.spec.containers[0] as { image: string }).image = 'registry.example/system-app:0';
      const source = new MemorySource([asLive(live, { replicas: 2, readyReplicas: 2 })]);
      const c = check(desired);

      // WHEN
      const verdict = await (await judgeOf(source, [c])).judge(c);

      // THEN
      expect(verdict.verdict).toBe('changed');
      expect(verdict.changes).toEqual([
        { path: 'spec.template.spec.containers[name=system-app].env[name=RAILS_ENV].value', op: 'replace', live: 'staging', desired: 'production' },
        { path: 'spec.template.spec.containers[name=system-app].env[name=THREESCALE_SUPERDOMAIN]', op: 'add', desired: { name: 'THREESCALE_SUPERDOMAIN', value: 'apps.example.com' } },
        { path: 'spec.template.spec.containers[name=system-app].image', op: 'replace', live: 'registry.example/system-app:0', desired: 'registry.example/system-app:1' },
      ]);
      expect(verdict.reason).toBeUndefined();
    });

    test('the changes of a Secret are masked: equal values look equal, no value shows', async () => {
      // GIVEN a Secret whose password changed and whose user did not
      const desired: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'system-database', namespace: '3scale' }, stringData: { DB_USER: 'system', DB_PASSWORD: 'FakeNewPw-1' } };
      const live: KubeObject = { ...desired, stringData: undefined, data: { DB_USER: Buffer.from('system').toString('base64'), DB_PASSWORD: Buffer.from('FakeOldPw-2').toString('base64') } };
      delete live.stringData;
      const source = new MemorySource([asLive(live)]);
      const c = check(desired);

      // WHEN
      const verdict = await (await judgeOf(source, [c])).judge(c);

      // THEN
      expect(verdict.verdict).toBe('changed');
      expect(verdict.changes.map((ch) => ch.path)).toEqual(['data.DB_PASSWORD']);
      const text = JSON.stringify(verdict);
      for (const secret of ['FakeNewPw-1', 'FakeOldPw-2', Buffer.from('FakeOldPw-2').toString('base64')]) expect(text).not.toContain(secret);
      expect(verdict.changes[0]).toMatchObject({ op: 'replace', live: expect.stringMatching(/^\++$/), desired: expect.stringMatching(/^\++$/) });
    });

    test('offline (no dry-run), the desired side gets the API defaults, so a bare export differs and a full one matches', async () => {
      // GIVEN a desired Service without defaults, exported once with and once without them
      const desired: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'system-postgresql-service', namespace: '3scale-db' }, spec: { selector: { app: 'pg' }, ports: [{ port: 5432 }] } };
      const full = asLive({ ...desired, spec: { selector: { app: 'pg' }, ports: [{ port: 5432, protocol: 'TCP', targetPort: 5432 }], type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', clusterIP: '172.30.0.10' } });
      const c = check(desired);

      // WHEN
      const withDefaults = await (await judgeOf(new MemorySource([full], 'offline'), [c])).judge(c);
      const bare = await (await judgeOf(new MemorySource([asLive(desired)], 'offline'), [c])).judge(c);

      // THEN
      expect(withDefaults.verdict).toBe('in-sync');
      expect(bare.verdict).toBe('changed');
      expect(bare.changes.map((ch) => ch.path)).toContain('spec.sessionAffinity');
    });

    test('the ref of a cluster-scoped object has no namespace', async () => {
      // GIVEN
      const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: '3scale-db' } };
      const c = check(ns);

      // WHEN
      const verdict = await (await judgeOf(new MemorySource([asLive(ns)]), [c])).judge(c);

      // THEN
      expect(verdict.ref).toEqual({ apiVersion: 'v1', kind: 'Namespace', name: '3scale-db' });
      expect(verdict.verdict).toBe('in-sync');
    });
  });

  describe('objects a Job deletes', () => {
    test('GIVEN an absent check WHEN the object is gone THEN in sync; WHEN it is still there THEN changed, saying a Job deletes it, without a dry-run', async () => {
      // GIVEN
      const stub: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old-routes', namespace: '3scale' } };
      const c = check(stub, { absent: true, partial: true, patched: true });

      // WHEN
      const gone = await (await judgeOf(new MemorySource([]), [c])).judge(c);
      const presentSource = new MemorySource([configMap('old-routes', { a: 'b' })]);
      const present = await (await judgeOf(presentSource, [c])).judge(c);

      // THEN
      expect(gone.verdict).toBe('in-sync');
      expect(present).toEqual({ ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: '3scale', name: 'old-routes' }, verdict: 'changed', partial: true, reason: 'still present; a Job of the phase deletes it', changes: [] });
      expect(presentSource.dryRunCalls).toEqual([]);
    });
  });

  describe('readiness', () => {
    test('a matching Deployment with fewer ready pods than desired replicas is not ready', async () => {
      // GIVEN
      const desired = deployment('backend-listener', 2);
      const c = check(desired);
      const source = new MemorySource([asLive(desired, { replicas: 2, readyReplicas: 1 })]);

      // WHEN
      const verdict = await (await judgeOf(source, [c])).judge(c);

      // THEN
      expect(verdict).toMatchObject({ verdict: 'not-ready', reason: 'waits for pods to be ready: 1 of 2 ready', changes: [] });
      expect(Object.keys(verdict)).toEqual(['ref', 'verdict', 'partial', 'reason', 'changes']);
    });

    test('a Deployment without any status yet has 0 ready pods', async () => {
      const desired = deployment('system-app', 3);
      const c = check(desired);
      expect(await (await judgeOf(new MemorySource([asLive(desired)]), [c])).judge(c)).toMatchObject({ verdict: 'not-ready', reason: 'waits for pods to be ready: 0 of 3 ready' });
    });

    test('a partial Deployment without replicas is judged against the live replica count (default 1)', async () => {
      // GIVEN partial Deployments that set no replicas, live at 2 replicas with 2 ready, and at the default with none ready
      const partial: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'system-app', namespace: '3scale', labels: { x: 'y' } } };
      const other: KubeObject = { ...partial, metadata: { ...partial.metadata, name: 'zync' } };
      const checks = [check(partial, { partial: true }), check(other, { partial: true })];
      const source = new MemorySource([
        asLive({ ...deployment('system-app', 2), metadata: partial.metadata }, { replicas: 2, readyReplicas: 2 }),
        asLive({ ...deployment('zync', undefined), metadata: other.metadata }, {}),
      ]);

      // WHEN
      const judge = await judgeOf(source, checks);

      // THEN
      expect((await judge.judge(checks[0]!)).verdict).toBe('in-sync');
      expect(await judge.judge(checks[1]!)).toMatchObject({ verdict: 'not-ready', reason: 'waits for pods to be ready: 0 of 1 ready' });
    });

    test('a Deployment scaled to 0 whose pods still run is not ready; once they are gone it is in sync', async () => {
      // GIVEN the desired scale-down of system-app, live once with 2 pods left, once with none
      const desired = deployment('system-app', 0);
      const c = check(desired);
      const stopping = new MemorySource([asLive(desired, { replicas: 2, readyReplicas: 2 })]);
      const stopped = new MemorySource([asLive(desired, { observedGeneration: 3 })]);

      // WHEN
      const a = await (await judgeOf(stopping, [c])).judge(c);
      const b = await (await judgeOf(stopped, [c])).judge(c);

      // THEN
      expect(a).toMatchObject({ verdict: 'not-ready', reason: 'waits for 2 pods to stop (scaled to 0)' });
      expect(b.verdict).toBe('in-sync');
    });

    test('GIVEN a PersistentVolumeClaim WHEN Pending (waiting for its first pod), Bound or without status THEN in sync; Lost THEN degraded', async () => {
      // GIVEN
      const desired = pvc('postgresql-data-external');
      const c = check(desired);

      // WHEN
      const pending = await (await judgeOf(new MemorySource([asLive(desired, { phase: 'Pending' })]), [c])).judge(c);
      const bound = await (await judgeOf(new MemorySource([asLive(desired, { phase: 'Bound' })]), [c])).judge(c);
      const fresh = await (await judgeOf(new MemorySource([asLive(desired)]), [c])).judge(c);
      const lost = await (await judgeOf(new MemorySource([asLive(desired, { phase: 'Lost' })]), [c])).judge(c);

      // THEN
      expect(pending.verdict).toBe('in-sync');
      expect(bound.verdict).toBe('in-sync');
      expect(fresh.verdict).toBe('in-sync');
      expect(lost).toMatchObject({ verdict: 'degraded', reason: 'the claim lost its volume (phase Lost)' });
    });

    test('GIVEN a Subscription whose fields match WHEN OLM has not finished (CSV Installing), or the CSVs cannot be listed THEN not ready, saying what is waited for; WHEN its CSV Succeeded THEN in sync', async () => {
      // GIVEN the partial Subscription of the upgrade, live AtLatestKnown on the new CSV
      const desired: KubeObject = { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription', metadata: { name: '3scale-operator', namespace: '3scale' }, spec: { channel: 'threescale-2.16' } };
      const c = check(desired, { partial: true });
      const live = asLive({ ...desired, spec: { channel: 'threescale-2.16', name: '3scale-operator' } }, { state: 'AtLatestKnown', currentCSV: '3scale-operator.v0.13.0', installedCSV: '3scale-operator.v0.13.0' });
      const csv = (phase: string): KubeObject => ({ apiVersion: 'operators.coreos.com/v1alpha1', kind: 'ClusterServiceVersion', metadata: { name: '3scale-operator.v0.13.0', namespace: '3scale' }, status: { phase } });
      const csvRef = { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'ClusterServiceVersion', namespace: '3scale' };

      // WHEN
      const installing = await (await judgeOf(new MemorySource([live, csv('Installing')]), [c])).judge(c);
      const succeeded = await (await judgeOf(new MemorySource([live, csv('Succeeded')]), [c])).judge(c);
      const unreadable = await (await judgeOf(new MemorySource([live, csv('Succeeded')]).failList('ClusterServiceVersion', '3scale', readError('forbidden')), [c])).judge(c);

      // THEN the CSV listing is read with the Subscriptions
      expect(ObjectJudge.listRefs([c])).toContainEqual(csvRef);
      expect(installing).toMatchObject({ verdict: 'not-ready', reason: 'ClusterServiceVersion 3scale-operator.v0.13.0: waits for OLM to install the operator to phase Succeeded (it is Installing)' });
      expect(succeeded.verdict).toBe('in-sync');
      expect(unreadable).toMatchObject({ verdict: 'not-ready', reason: 'waits for ClusterServiceVersion 3scale-operator.v0.13.0 to be readable, to see its phase' });
    });

    test('GIVEN an ImageStream whose fields match but whose new tag has no image, and a Route no router admitted WHEN judged THEN both are not ready', async () => {
      // GIVEN
      const stream: KubeObject = { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: 'amp-system', namespace: '3scale' }, spec: { tags: [{ name: '2.6', from: { kind: 'DockerImage', name: 'registry.example/system:2.6' } }] } };
      const route: KubeObject = { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'backend', namespace: '3scale' }, spec: { host: 'backend.apps.example.com', to: { kind: 'Service', name: 'backend-listener' } } };
      const checks = [check(stream), check(route)];
      const source = new MemorySource([asLive(stream, { tags: [] }), asLive(route, { ingress: [] })]);

      // WHEN
      const judge = await judgeOf(source, checks);

      // THEN
      expect(await judge.judge(checks[0]!)).toMatchObject({ verdict: 'not-ready', reason: 'waits for tag 2.6 to resolve to an image' });
      expect(await judge.judge(checks[1]!)).toMatchObject({ verdict: 'not-ready', reason: 'waits for a router to admit it (no Admitted condition yet)' });
    });

    test('a changed Deployment is changed, whatever its readiness', async () => {
      const desired = deployment('system-app', 2);
      const c = check(desired);
      const source = new MemorySource([asLive(deployment('system-app', 1), { replicas: 1, readyReplicas: 0 })]);
      expect(await (await judgeOf(source, [c])).judge(c)).toMatchObject({ verdict: 'changed', changes: [{ path: 'spec.replicas', op: 'replace', live: 1, desired: 2 }] });
    });
  });

  describe('what cannot be read', () => {
    test('a forbidden LIST makes every object of it forbidden, with the reader’s sentence', async () => {
      // GIVEN Deployments of 3scale cannot be listed
      const message = 'cannot list deployments.apps in namespace 3scale: forbidden (HTTP 403)';
      const source = new MemorySource([]).failList('Deployment', '3scale', readError('forbidden', message));
      const c = check(deployment('system-app', 0));

      // WHEN
      const verdict = await (await judgeOf(source, [c])).judge(c);

      // THEN
      expect(verdict).toMatchObject({ verdict: 'forbidden', reason: message, changes: [] });
      expect(UNKNOWN.has(verdict.verdict)).toBe(true);
    });

    test('a kind whose CRD is missing is missing-crd', async () => {
      const apim: KubeObject = { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', metadata: { name: 'apimanager', namespace: '3scale' }, spec: {} };
      const source = new MemorySource([]).failList('APIManager', '3scale', readError('missing-crd', 'the server does not serve apps.3scale.net/v1alpha1'));
      const c = check(apim, { partial: true });
      expect(await (await judgeOf(source, [c])).judge(c)).toMatchObject({ verdict: 'missing-crd', partial: true, reason: 'the server does not serve apps.3scale.net/v1alpha1' });
    });

    test('any other LIST failure is error', async () => {
      const source = new MemorySource([]).failList('ConfigMap', '3scale', readError('server-error', 'cannot list configmaps in namespace 3scale: internal error (HTTP 500)'));
      const c = check(configMap('threescale-migrate-state', {}));
      expect(await (await judgeOf(source, [c])).judge(c)).toMatchObject({ verdict: 'error', reason: 'cannot list configmaps in namespace 3scale: internal error (HTTP 500)' });
    });

    test('a check that was not loaded is error "not listed"', async () => {
      // GIVEN a judge loaded for ConfigMaps only
      const judge = await judgeOf(new MemorySource([]), [check(configMap('a', {}))]);

      // WHEN / THEN
      expect(await judge.judge(check(deployment('system-app', 1)))).toMatchObject({ verdict: 'error', reason: 'not listed' });
    });

    test('the dry-run refusing the object: immutable, forbidden, missing-crd, anything else error', async () => {
      // GIVEN four live objects whose dry-runs are refused in four ways
      const objects = ['immutable', 'forbidden', 'missing-crd', 'conflict'].map((k) => configMap(`cm-${k}`, { a: '1' }));
      const source = new MemorySource(objects.map((o) => asLive(o)));
      for (const o of objects) source.failDryRun(o, readError(o.metadata.name.slice(3) as 'immutable', `cannot apply ConfigMap ${o.metadata.name}: ${o.metadata.name.slice(3)}`));
      const checks = objects.map((o) => check(o));

      // WHEN
      const judge = await judgeOf(source, checks);
      const verdicts = await Promise.all(checks.map((c) => judge.judge(c)));

      // THEN
      expect(verdicts.map((v) => [v.verdict, v.reason])).toEqual([
        ['immutable', 'cannot apply ConfigMap cm-immutable: immutable'],
        ['forbidden', 'cannot apply ConfigMap cm-forbidden: forbidden'],
        ['missing-crd', 'cannot apply ConfigMap cm-missing-crd: missing-crd'],
        ['error', 'cannot apply ConfigMap cm-conflict: conflict'],
      ]);
    });
  });

  describe('Jobs', () => {
    const copy = job('copy-system-database');

    test('judged by their evidence record, with the finish time', async () => {
      // GIVEN a record of success and no Job object
      const source = new MemorySource([evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Succeeded', result: 'restored 412 tables', finishedAt: '2025-03-01T10:00:00Z' } })]);
      const c = check(copy);

      // WHEN
      const verdict = await (await judgeOf(source, [c])).judge(c);

      // THEN
      expect(verdict).toEqual({ ref: { apiVersion: 'batch/v1', kind: 'Job', namespace: '3scale-db', name: 'copy-system-database' }, verdict: 'job-succeeded', partial: false, reason: 'restored 412 tables (finished 2025-03-01T10:00:00Z)', changes: [] });
      expect(SATISFIED.has(verdict.verdict)).toBe(true);
      expect(source.dryRunCalls).toEqual([]);
    });

    test('GIVEN a record made for another version of the plan WHEN judged THEN still done, with the digest it ran for, in the documented key order', async () => {
      // GIVEN the Job as synthesized now (plan b…), its record made with plan a…
      const synthesized: KubeObject = { ...copy, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'cli', env: [{ name: 'JOB_SHA256', value: 'b'.repeat(64) }] }] } } } };
      const source = new MemorySource([evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Succeeded', result: 'restored 412 tables', finishedAt: '2025-03-01T10:00:00Z', jobSha256: 'a'.repeat(64) } })]);
      const c = check(synthesized);

      // WHEN
      const verdict = await (await judgeOf(source, [c])).judge(c);

      // THEN
      expect(verdict.verdict).toBe('job-succeeded');
      expect(verdict.otherPlan).toBe('aaaaaaaaaaaa');
      expect(verdict.reason).toBe('restored 412 tables; ran for another version of the plan that changed this Job (sha256 aaaaaaaaaaaa, now bbbbbbbbbbbb) (finished 2025-03-01T10:00:00Z)');
      expect(Object.keys(verdict)).toEqual(['ref', 'verdict', 'partial', 'reason', 'otherPlan', 'changes']);
    });

    test('running, failed and not run', async () => {
      // GIVEN one Job running, one failed by its record, one with nothing at all
      const running = job('copy-backend-redis');
      const failed = job('copy-system-redis');
      const nothing = job('check-load-backend-redis');
      const source = new MemorySource([
        asLive(running, { active: 1 }),
        evidenceConfigMap('3scale-db', { 'copy-backend-redis': { phase: 'Running', result: 'fetching the RDB' }, 'copy-system-redis': { phase: 'Failed', result: 'redis-cli exited 1' } }),
      ]);
      const checks = [running, failed, nothing].map((o) => check(o));

      // WHEN
      const judge = await judgeOf(source, checks);
      const verdicts = await Promise.all(checks.map((c) => judge.judge(c)));

      // THEN
      expect(verdicts.map((v) => [v.verdict, v.reason])).toEqual([
        ['job-running', 'running: fetching the RDB'],
        ['job-failed', 'redis-cli exited 1 (finished 2025-01-01T00:00:00Z)'],
        ['job-not-run', 'no Job and no evidence record'],
      ]);
    });

    test('an evidence ConfigMap of another namespace does not count', async () => {
      const source = new MemorySource([evidenceConfigMap('3scale', { 'copy-system-database': { phase: 'Succeeded' } })]);
      const c = check(copy);
      expect((await (await judgeOf(source, [c])).judge(c)).verdict).toBe('job-not-run');
    });

    test('a forbidden LIST of Jobs makes the Job forbidden, whatever the evidence', async () => {
      const source = new MemorySource([evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Succeeded' } })]).failList('Job', '3scale-db', readError('forbidden', 'cannot list jobs.batch in namespace 3scale-db: forbidden (HTTP 403)'));
      const c = check(copy);
      expect(await (await judgeOf(source, [c])).judge(c)).toMatchObject({ verdict: 'forbidden', reason: 'cannot list jobs.batch in namespace 3scale-db: forbidden (HTTP 403)' });
    });

    test('an unreadable evidence ConfigMap and no Job object is not "not run": nothing can be said', async () => {
      // GIVEN ConfigMaps of 3scale-db are forbidden and the Job object is gone (deleted by its TTL after it succeeded)
      const message = 'cannot list configmaps in namespace 3scale-db: forbidden (HTTP 403)';
      const source = new MemorySource([]).failList('ConfigMap', '3scale-db', readError('forbidden', message));
      const c = check(copy);

      // WHEN
      const verdict = await (await judgeOf(source, [c])).judge(c);

      // THEN
      expect(verdict).toMatchObject({ verdict: 'forbidden', reason: message });
    });

    test('an unreadable evidence ConfigMap still lets the Job object speak', async () => {
      // GIVEN ConfigMaps are forbidden, the Job object is Complete
      const source = new MemorySource([asLive(copy, { conditions: [{ type: 'Complete', status: 'True' }] })]).failList('ConfigMap', '3scale-db', readError('forbidden'));
      const c = check(copy);

      // WHEN / THEN
      expect(await (await judgeOf(source, [c])).judge(c)).toMatchObject({ verdict: 'job-succeeded', reason: 'the Job completed (no evidence record)' });
    });

    test('the evidence ConfigMap is read from the same LIST as the desired ConfigMaps of the namespace', async () => {
      // GIVEN a desired ConfigMap and a Job in one namespace
      const scripts = configMap('copy-system-database-scripts', { 'run.sh': 'true' }, '3scale-db');
      const source = new MemorySource([asLive(scripts), evidenceConfigMap('3scale-db', { 'copy-system-database': { phase: 'Succeeded' } })]);
      const checks = [check(scripts), check(copy)];

      // WHEN
      const judge = await judgeOf(source, checks);

      // THEN one ConfigMap LIST served both
      expect(source.listCalls[0]!.filter((r) => r.kind === 'ConfigMap')).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', namespace: '3scale-db' }]);
      expect((await judge.judge(checks[0]!)).verdict).toBe('in-sync');
      expect((await judge.judge(checks[1]!)).verdict).toBe('job-succeeded');
      expect(judge.live({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: EVIDENCE_CONFIGMAP, namespace: '3scale-db' } })?.data).toMatchObject({ 'copy-system-database.phase': 'Succeeded' });
    });
  });

  describe('removal checks (removedPaths)', () => {
    const stub = (kind: string, name: string): KubeObject => ({ apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', kind, metadata: { name, namespace: '3scale' } });
    const owner = { apiVersion: 'apps.3scale.net/v1alpha1', kind: 'APIManager', name: '3scale', uid: 'apim-uid', controller: true, blockOwnerDeletion: true };
    const labels = { app: '3scale-api-management', threescale_component: 'system', threescale_component_element: 'mysql' };
    const removed = ['/metadata/ownerReferences/0', '/metadata/labels/app', '/metadata/labels/threescale_component', '/metadata/labels/threescale_component_element'];

    test('paths still present live are remove changes, without a dry-run even on a cluster', async () => {
      // GIVEN the PVC still carries the APIManager owner and the 3scale labels
      const live: KubeObject = { ...stub('PersistentVolumeClaim', 'mysql-storage'), metadata: { name: 'mysql-storage', namespace: '3scale', labels: { ...labels, keep: 'me' }, ownerReferences: [owner] }, status: { phase: 'Bound' } };
      const source = new MemorySource([live]);
      const c = check(stub('PersistentVolumeClaim', 'mysql-storage'), { removedPaths: removed, partial: true });

      // WHEN
      const verdict = await (await judgeOf(source, [c])).judge(c);

      // THEN
      expect(verdict.verdict).toBe('changed');
      expect(verdict.changes.map((ch) => [ch.op, ch.path])).toEqual([
        ['remove', 'metadata.labels.app'],
        ['remove', 'metadata.labels.threescale_component'],
        ['remove', 'metadata.labels.threescale_component_element'],
        ['remove', 'metadata.ownerReferences[uid=apim-uid]'],
      ]);
      expect(source.dryRunCalls).toEqual([]);
    });

    test('paths already gone are in sync; other labels do not matter', async () => {
      // GIVEN the detached PVC
      const live: KubeObject = { ...stub('PersistentVolumeClaim', 'mysql-storage'), metadata: { name: 'mysql-storage', namespace: '3scale', labels: { keep: 'me' } }, status: { phase: 'Bound' } };
      const c = check(stub('PersistentVolumeClaim', 'mysql-storage'), { removedPaths: removed, partial: true });

      // WHEN / THEN
      expect((await (await judgeOf(new MemorySource([live]), [c])).judge(c)).verdict).toBe('in-sync');
    });

    test('removal checks of a missing object are missing', async () => {
      const c = check(stub('ConfigMap', 'mysql-main-conf'), { removedPaths: removed, partial: true });
      expect((await (await judgeOf(new MemorySource([]), [c])).judge(c)).verdict).toBe('missing');
    });

    test('the same object with other removedPaths is another check', async () => {
      // GIVEN one live object, checked for the app label and for a label it does not have
      const live: KubeObject = { ...stub('Service', 'system-mysql'), metadata: { name: 'system-mysql', namespace: '3scale', labels } };
      const a = check(stub('Service', 'system-mysql'), { removedPaths: ['/metadata/labels/app'], partial: true });
      const b = check(stub('Service', 'system-mysql'), { removedPaths: ['/metadata/labels/absent'], partial: true });

      // WHEN
      const judge = await judgeOf(new MemorySource([live]), [a, b]);

      // THEN
      expect((await judge.judge(a)).verdict).toBe('changed');
      expect((await judge.judge(b)).verdict).toBe('in-sync');
    });
  });

  describe('cache', () => {
    test('one dry-run per distinct object version, however often and in whatever copy it is judged', async () => {
      // GIVEN a live ConfigMap, the desired version of it in three copies, and a second version
      const v1 = configMap('redis-config-external', { 'redis.conf': 'appendonly no' }, '3scale-db');
      const v2 = configMap('redis-config-external', { 'redis.conf': 'appendonly yes' }, '3scale-db');
      const source = new MemorySource([asLive(v1)]);
      const judge = await judgeOf(source, [check(v1)]);

      // WHEN judged many times, concurrently and one after another
      const first = judge.judge(check(v1));
      const again = await Promise.all([first, judge.judge(check(v1)), judge.judge(check(structuredClone(v1)))]);
      const other = await judge.judge(check(v2));
      await judge.judge(check(structuredClone(v2)));

      // THEN two dry-runs, one per version, and equal verdicts for equal versions
      expect(source.dryRunCalls.map((c) => (c.object.data as Record<string, string>)['redis.conf'])).toEqual(['appendonly no', 'appendonly yes']);
      expect(judge.judge(check(v1))).toBe(first);
      expect(again.map((v) => v.verdict)).toEqual(['in-sync', 'in-sync', 'in-sync']);
      expect(other.verdict).toBe('changed');
    });

    test('the cache is per judge: a new judge reads the cluster again', async () => {
      // GIVEN
      const v1 = configMap('a', { x: '1' });
      const source = new MemorySource([asLive(v1)]);

      // WHEN
      await (await judgeOf(source, [check(v1)])).judge(check(v1));
      await (await judgeOf(source, [check(v1)])).judge(check(v1));

      // THEN
      expect(source.dryRunCalls).toHaveLength(2);
      expect(source.listCalls).toHaveLength(2);
    });
  });
});
