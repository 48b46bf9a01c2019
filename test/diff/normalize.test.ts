import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject, KubeObject } from '../../src/diff/json.js';
import { normalize, normalizeWithFindings, type NormalizeOptions } from '../../src/diff/normalize.js';
import { decorateAsServer, desiredObject, prng, reorderKeyedLists, respellQuantities } from './arbitraries.js';

const LIVE: NormalizeOptions = { mode: 'live', side: 'live' };
const OFFLINE_DESIRED: NormalizeOptions = { mode: 'offline', side: 'desired' };

/** Freezes a tree so that any mutation by the code under test throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function deployment(podSpec: JsonObject, extra: JsonObject = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'system-app', namespace: '3scale' },
    spec: { selector: { matchLabels: { deployment: 'system-app' } }, template: { metadata: { labels: { deployment: 'system-app' } }, spec: podSpec }, ...extra },
  };
}

const spec = (obj: KubeObject): JsonObject => obj['spec'] as JsonObject;
const podSpecOf = (obj: KubeObject): JsonObject => (spec(obj)['template'] as JsonObject)['spec'] as JsonObject;
const firstContainer = (obj: KubeObject): JsonObject => (podSpecOf(obj)['containers'] as JsonObject[])[0] as JsonObject;

describe('normalize', () => {
  it('N1 drops server metadata, including creationTimestamp: null and template timestamps (kubectl-neat, crane fieldsToStrip)', () => {
    // GIVEN a live object as `oc get -o yaml` exports it
    const live = deployment({ containers: [{ name: 'a', image: 'a:1' }] });
    Object.assign(live['metadata'] as JsonObject, {
      uid: 'u',
      resourceVersion: '1',
      generation: 2,
      creationTimestamp: null,
      selfLink: '/apis/x',
      managedFields: [{ manager: 'kubectl' }],
      deletionGracePeriodSeconds: 30,
    });
    ((spec(live)['template'] as JsonObject)['metadata'] as JsonObject)['creationTimestamp'] = null;
    // WHEN normalized
    const out = normalize(live, LIVE);
    // THEN only name and namespace remain in metadata, and the template timestamp is gone
    expect(out['metadata']).toEqual({ name: 'system-app', namespace: '3scale' });
    expect((spec(out)['template'] as JsonObject)['metadata']).toEqual({ labels: { deployment: 'system-app' } });
  });

  it('N2 drops status, also inside StatefulSet claim templates (Argo ignoreResourceStatusField default "all")', () => {
    // GIVEN an object with status and a claim template with status
    const sts: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] }, status: { phase: 'Pending' } }] },
      status: { replicas: 1 },
    };
    // WHEN normalized
    const out = normalize(sts, LIVE);
    // THEN no status is left anywhere
    expect(out['status']).toBeUndefined();
    expect(JSON.stringify(out)).not.toContain('Pending');
  });

  it('N3 drops apply-tool bookkeeping but keeps our own phase annotations and Flux directives', () => {
    // GIVEN bookkeeping from kubectl, kapp, Deployment controller, Argo CD and Flux, plus our annotations
    const obj = deployment({ containers: [{ name: 'a', image: 'a:1' }] });
    (obj['metadata'] as JsonObject)['annotations'] = {
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'kapp.k14s.io/original': '{}',
      'deployment.kubernetes.io/revision': '7',
      'argocd.argoproj.io/tracking-id': 'app:apps/Deployment:3scale/system-app',
      'threescale-migrate.3scale.net/phase': '05-cutover',
      'threescale-migrate.3scale.net/removed-paths': '["/spec/x"]',
    };
    (obj['metadata'] as JsonObject)['labels'] = {
      'kustomize.toolkit.fluxcd.io/name': 'phase-05',
      'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      'app.kubernetes.io/instance': 'keep-me',
    };
    // WHEN normalized
    const out = normalize(obj, LIVE);
    // THEN only intent remains
    expect((out['metadata'] as JsonObject)['annotations']).toEqual({
      'threescale-migrate.3scale.net/phase': '05-cutover',
      'threescale-migrate.3scale.net/removed-paths': '["/spec/x"]',
    });
    expect((out['metadata'] as JsonObject)['labels']).toEqual({
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      'app.kubernetes.io/instance': 'keep-me',
    });
  });

  it('N6 drops empty bag maps but never marker objects like emptyDir: {} (argo-cd#23360, kubectl-neat#18)', () => {
    // GIVEN empty labels, annotations, resources, securityContext, nodeSelector and an emptyDir volume
    const obj = deployment({
      containers: [{ name: 'a', image: 'a:1', resources: { limits: {}, requests: {} }, securityContext: {} }],
      securityContext: {},
      nodeSelector: {},
      volumes: [{ name: 'tmp', emptyDir: {} }],
    });
    (obj['metadata'] as JsonObject)['labels'] = {};
    (obj['metadata'] as JsonObject)['annotations'] = {};
    // WHEN normalized
    const out = normalize(obj, LIVE);
    // THEN the bags are gone, the emptyDir marker stays
    expect((out['metadata'] as JsonObject)['labels']).toBeUndefined();
    expect((out['metadata'] as JsonObject)['annotations']).toBeUndefined();
    expect(firstContainer(out)).toEqual({ name: 'a', image: 'a:1' });
    expect(podSpecOf(out)['securityContext']).toBeUndefined();
    expect(podSpecOf(out)['nodeSelector']).toBeUndefined();
    expect(podSpecOf(out)['volumes']).toEqual([{ name: 'tmp', emptyDir: {} }]);
  });

  it('N7 folds Secret stringData into base64 data and turns null values into "" (argo-cd#943, kubernetes#108008)', () => {
    // GIVEN a Secret with stringData overriding one data key, and a null value
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'system-database' },
      data: { URL: Buffer.from('old').toString('base64'), EMPTY: null },
      stringData: { URL: 'mysql2://root:pw@system-mysql/system', DB_USER: 'root' },
    };
    // WHEN normalized
    const out = normalize(secret, LIVE);
    // THEN all values are in data, base64-encoded, stringData wins, null is ""
    expect(out['stringData']).toBeUndefined();
    expect(out['data']).toEqual({
      URL: Buffer.from('mysql2://root:pw@system-mysql/system').toString('base64'),
      DB_USER: Buffer.from('root').toString('base64'),
      EMPTY: '',
    });
  });

  it('N7 unwraps line-wrapped base64 data values as the API server stores them', () => {
    // GIVEN a data value wrapped the way `base64` prints long values
    const wrapped = `${Buffer.from('x'.repeat(80)).toString('base64').slice(0, 76)}\n${Buffer.from('x'.repeat(80)).toString('base64').slice(76)}`;
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { LONG: wrapped } };
    // WHEN normalized
    const out = normalize(secret, LIVE);
    // THEN the value is one canonical base64 string
    expect(out['data']).toEqual({ LONG: Buffer.from('x'.repeat(80)).toString('base64') });
  });

  it('N8 renders quantities canonically where the field is a quantity (argo-cd#1615, #17682, #21135)', () => {
    // GIVEN quantities in containers, an emptyDir, a PVC, a ResourceQuota and a custom resource
    const obj = deployment({
      containers: [{ name: 'a', image: 'a:1', resources: { limits: { cpu: '1000m', memory: '1024Mi' }, requests: { cpu: 0.5, memory: '0.5Gi' } } }],
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1024Mi' } }],
    });
    const pvc: KubeObject = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'mysql-storage' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024Mi' } } } };
    const quota: KubeObject = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { 'requests.cpu': '2000m', pods: '10' } } };
    const apiManager: KubeObject = {
      apiVersion: 'apps.3scale.net/v1alpha1',
      kind: 'APIManager',
      metadata: { name: '3scale', annotations: { note: '1000m' } },
      spec: { system: { appSpec: { resources: { limits: { memory: '2048Mi' } } } } },
    };
    // WHEN normalized
    const [d, p, q, a] = [obj, pvc, quota, apiManager].map((o) => normalize(o, LIVE)) as [KubeObject, KubeObject, KubeObject, KubeObject];
    // THEN every quantity is canonical, and non-quantity text is untouched
    expect(firstContainer(d)['resources']).toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '512Mi' } });
    expect(podSpecOf(d)['volumes']).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }]);
    expect(spec(p)['resources']).toEqual({ requests: { storage: '1Gi' } });
    expect(spec(q)['hard']).toEqual({ 'requests.cpu': '2', pods: '10' });
    expect(JSON.stringify(a)).toContain('"memory":"2Gi"');
    expect((a['metadata'] as JsonObject)['annotations']).toEqual({ note: '1000m' });
  });

  it('N10 stores numeric int-or-string ports as numbers but never coerces named ports (Argo IntOrString note)', () => {
    // GIVEN numeric strings in port fields, a named targetPort and percentage surge
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'system-mysql' },
      spec: { ports: [{ port: '3306', targetPort: '3306' }, { port: 8080, targetPort: 'http' }] },
    };
    const dep = deployment({ containers: [{ name: 'a', image: 'a:1' }] }, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1', maxUnavailable: '25%' } } });
    // WHEN normalized
    const s = normalize(svc, LIVE);
    const d = normalize(dep, LIVE);
    // THEN numbers are numbers, names and percentages stay text
    expect(spec(s)['ports']).toEqual([
      { port: 3306, targetPort: 3306, protocol: 'TCP' },
      { port: 8080, targetPort: 'http', protocol: 'TCP' },
    ]);
    expect(spec(d)['strategy']).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } });
  });

  it('N11 defaults protocol TCP on container and Service ports, not in custom resources (structured-merge-diff#130)', () => {
    // GIVEN ports without protocol in a Deployment, a Service and a custom resource
    const dep = deployment({ containers: [{ name: 'a', image: 'a:1', ports: [{ containerPort: 3000 }] }] });
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } };
    const cr: KubeObject = { apiVersion: 'example.com/v1', kind: 'Gateway', metadata: { name: 'g' }, spec: { ports: [{ port: 80 }] } };
    // WHEN normalized
    // THEN built-in kinds get TCP, the custom resource does not (its API server never defaults it)
    expect(firstContainer(normalize(dep, LIVE))['ports']).toEqual([{ containerPort: 3000, protocol: 'TCP' }]);
    expect(spec(normalize(svc, LIVE))['ports']).toEqual([{ port: 80, protocol: 'TCP' }]);
    expect(spec(normalize(cr, LIVE))['ports']).toEqual([{ port: 80 }]);
  });

  it('N12 sorts keyed lists by merge key so order carries no meaning (SSA list-map semantics)', () => {
    // GIVEN containers, env, mounts and ports out of order, and an atomic args list
    const dep = deployment({
      containers: [
        {
          name: 'b',
          image: 'b:1',
          env: [{ name: 'Z', value: '1' }, { name: 'A', value: '2' }],
          volumeMounts: [{ name: 'x', mountPath: '/z' }, { name: 'y', mountPath: '/a' }],
          ports: [{ containerPort: 9000 }, { containerPort: 80 }],
          args: ['--z', '--a'],
        },
        { name: 'a', image: 'a:1' },
      ],
      volumes: [{ name: 'y', emptyDir: {} }, { name: 'x', emptyDir: {} }],
    });
    // WHEN normalized
    const out = normalize(dep, LIVE);
    // THEN keyed lists are sorted, the atomic list keeps its order
    const containers = podSpecOf(out)['containers'] as JsonObject[];
    expect(containers.map((c) => c['name'])).toEqual(['a', 'b']);
    const b = containers[1] as JsonObject;
    expect((b['env'] as JsonObject[]).map((e) => e['name'])).toEqual(['A', 'Z']);
    expect((b['volumeMounts'] as JsonObject[]).map((m) => m['mountPath'])).toEqual(['/a', '/z']);
    expect((b['ports'] as JsonObject[]).map((p) => p['containerPort'])).toEqual([80, 9000]);
    expect(b['args']).toEqual(['--z', '--a']);
    expect((podSpecOf(out)['volumes'] as JsonObject[]).map((v) => v['name'])).toEqual(['x', 'y']);
  });

  it('N13 reports duplicate merge keys instead of hiding them (argo-cd#20979, kubernetes#58477)', () => {
    // GIVEN two env entries with the same name
    const dep = deployment({ containers: [{ name: 'system-app', image: 'a:1', env: [{ name: 'DB', value: 'a' }, { name: 'DB', value: 'b' }] }] });
    // WHEN normalized
    const { object, findings } = normalizeWithFindings(dep, { mode: 'live', side: 'desired' });
    // THEN both entries stay and one finding names the duplicate
    expect(firstContainer(object)['env']).toHaveLength(2);
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'N13',
        side: 'desired',
        path: 'spec.template.spec.containers[name=system-app].env[name=DB]',
        message: expect.stringContaining('2 env items with name=DB'),
      }),
    ]);
  });

  it('N14 ignores controller-owned fields: Service IP allocation, PVC binding, OpenShift ServiceAccount secrets', () => {
    // GIVEN live objects with allocated and bound fields
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { clusterIP: '172.30.0.10', clusterIPs: ['172.30.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ port: 80, protocol: 'TCP' }] },
    };
    const headless: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'h' }, spec: { clusterIP: 'None', clusterIPs: ['None'] } };
    const pvc: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'mysql-storage',
        finalizers: ['kubernetes.io/pvc-protection'],
        annotations: {
          'pv.kubernetes.io/bind-completed': 'yes',
          'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
          'volume.beta.kubernetes.io/storage-class': 'gp3',
        },
      },
      spec: { volumeName: 'pvc-123', accessModes: ['ReadWriteOnce'] },
    };
    const sa: KubeObject = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'migrate', annotations: { 'openshift.io/internal-registry-pull-secret-ref': 'migrate-dockercfg-x7k2p' } },
      secrets: [{ name: 'migrate-dockercfg-x7k2p' }, { name: 'mine' }],
      imagePullSecrets: [{ name: 'migrate-dockercfg-x7k2p' }],
    };
    // WHEN normalized
    const [s, h, p, a] = [svc, headless, pvc, sa].map((o) => normalize(o, LIVE)) as [KubeObject, KubeObject, KubeObject, KubeObject];
    // THEN allocations are gone, intent (headless, legacy storage-class annotation, own secrets) stays
    expect(spec(s)).toEqual({ ports: [{ port: 80, protocol: 'TCP' }] });
    expect(spec(h)).toEqual({ clusterIP: 'None', clusterIPs: ['None'] });
    expect(p['metadata']).toEqual({ name: 'mysql-storage', annotations: { 'volume.beta.kubernetes.io/storage-class': 'gp3' } });
    expect(spec(p)).toEqual({ accessModes: ['ReadWriteOnce'] });
    expect(a).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'migrate' }, secrets: [{ name: 'mine' }] });
  });

  it('N17 drops the Job controller selector and pod labels unless the selector is manual (kubernetes#118645)', () => {
    // GIVEN a live Job with generated selector and labels, and one with a manual selector
    const job = (manual: boolean): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'copy-data' },
      spec: {
        ...(manual ? { manualSelector: true } : {}),
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } },
        template: {
          metadata: { labels: { 'controller-uid': 'abc', 'job-name': 'copy-data', 'batch.kubernetes.io/controller-uid': 'abc', 'batch.kubernetes.io/job-name': 'copy-data', app: 'copy' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'c:1' }] },
        },
      },
    });
    // WHEN normalized
    const generated = normalize(job(false), LIVE);
    const manual = normalize(job(true), LIVE);
    // THEN generated parts are gone, a manual selector stays
    expect(spec(generated)['selector']).toBeUndefined();
    expect((spec(generated)['template'] as JsonObject)['metadata']).toEqual({ labels: { app: 'copy' } });
    expect(spec(manual)['selector']).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } });
  });

  describe('N18 offline defaults (kapp#190, #395)', () => {
    it('fills API defaults into a complete desired Deployment when offline', () => {
      // GIVEN a complete Deployment without the fields the API server defaults
      const dep = deployment({
        containers: [
          {
            name: 'system-app',
            image: 'quay.io/3scale/porta:2.15',
            readinessProbe: { httpGet: { path: '/status', port: 3000 } },
            env: [{ name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
          },
          { name: 'sidecar', image: 'busybox' },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'system' } }],
      });
      // WHEN normalized offline as the desired side
      const out = normalize(dep, OFFLINE_DESIRED);
      // THEN the defaults are there, imagePullPolicy following the tag rule
      expect(spec(out)).toMatchObject({
        progressDeadlineSeconds: 600,
        revisionHistoryLimit: 10,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      });
      expect(spec(out)['replicas']).toBeUndefined();
      expect(podSpecOf(out)).toMatchObject({ dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', restartPolicy: 'Always', terminationGracePeriodSeconds: 30 });
      const [sidecar, app] = podSpecOf(out)['containers'] as [JsonObject, JsonObject];
      expect(sidecar).toMatchObject({ imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' });
      expect(app).toMatchObject({
        imagePullPolicy: 'IfNotPresent',
        readinessProbe: { successThreshold: 1, failureThreshold: 3, timeoutSeconds: 1, periodSeconds: 10, httpGet: { scheme: 'HTTP' } },
        env: [{ name: 'NS', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } }],
      });
      expect(podSpecOf(out)['volumes']).toEqual([{ name: 'cfg', configMap: { name: 'system', defaultMode: 420 } }]);
    });

    it('keeps an explicit Recreate strategy without rolling-update bounds', () => {
      // GIVEN a Deployment with strategy Recreate
      const dep = deployment({ containers: [{ name: 'a', image: 'a:1' }] }, { strategy: { type: 'Recreate' } });
      // WHEN normalized offline
      // THEN no rollingUpdate is invented
      expect(spec(normalize(dep, OFFLINE_DESIRED))['strategy']).toEqual({ type: 'Recreate' });
    });

    it('fills Service, PVC and Job defaults, without a restart policy for Job pods', () => {
      // GIVEN a Service, a PVC and a Job
      const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 5432 }] } };
      const pvc: KubeObject = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: { accessModes: ['ReadWriteOnce'] } };
      const job: KubeObject = {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'j' },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'c:1' }] } } },
      };
      // WHEN normalized offline as desired
      const [s, p, j] = [svc, pvc, job].map((o) => normalize(o, OFFLINE_DESIRED)) as [KubeObject, KubeObject, KubeObject];
      // THEN the API defaults are present
      expect(spec(s)).toEqual({ type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ports: [{ port: 5432, targetPort: 5432, protocol: 'TCP' }] });
      expect(spec(p)).toEqual({ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' });
      expect(spec(j)).toMatchObject({ backoffLimit: 6, completions: 1, parallelism: 1, completionMode: 'NonIndexed', suspend: false });
      expect(podSpecOf(j)['restartPolicy']).toBe('Never');
    });

    it('leaves partial server-side-apply objects, custom resources, the live side and live mode alone', () => {
      // GIVEN a partial Deployment that only owns replicas, a custom resource and a full Deployment
      const partial: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'system-app' }, spec: { replicas: 0 } };
      const knative: KubeObject = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'k' }, spec: { ports: [{ port: 80 }] } };
      const full = deployment({ containers: [{ name: 'a', image: 'a:1' }] });
      // WHEN normalized
      // THEN nothing is invented where the API server would not add it, or where the dry-run already did
      expect(normalize(partial, OFFLINE_DESIRED)).toEqual(partial);
      expect(normalize(knative, OFFLINE_DESIRED)).toEqual(knative);
      expect(spec(normalize(full, { mode: 'offline', side: 'live' }))['progressDeadlineSeconds']).toBeUndefined();
      expect(spec(normalize(full, { mode: 'live', side: 'desired' }))['progressDeadlineSeconds']).toBeUndefined();
    });
  });

  it('never mutates its input', () => {
    // GIVEN a deeply frozen object full of things to normalize
    const frozen = deepFreeze(
      decorateAsServer(
        deployment({ containers: [{ name: 'b', image: 'b', ports: [{ containerPort: 1 }], resources: { limits: { cpu: '1000m' } } }, { name: 'a', image: 'a' }] }),
        prng(1),
      ),
    );
    // WHEN normalized in every mode
    // THEN nothing throws (a write to a frozen object would)
    expect(() => normalize(frozen, OFFLINE_DESIRED)).not.toThrow();
    expect(() => normalize(frozen, LIVE)).not.toThrow();
  });

  it('is idempotent: normalize(normalize(x)) equals normalize(x), for any object, mode and side', () => {
    fc.assert(
      fc.property(
        desiredObject,
        fc.integer(),
        fc.constantFrom<NormalizeOptions>(OFFLINE_DESIRED, LIVE, { mode: 'offline', side: 'live' }, { mode: 'live', side: 'desired' }),
        (desired, seed, options) => {
          // GIVEN any object, possibly decorated, reordered and respelled as a server would return it
          const random = prng(seed);
          const input = seed % 2 === 0 ? desired : decorateAsServer(respellQuantities(reorderKeyedLists(desired, random), random), random);
          // WHEN normalized once and twice
          const once = normalize(input, options);
          const twice = normalize(once, options);
          // THEN the second pass changes nothing
          expect(twice).toEqual(once);
        },
      ),
      { numRuns: 300 },
    );
  });
});
