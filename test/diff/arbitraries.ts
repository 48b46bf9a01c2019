/**
 * fast-check generators of realistic desired objects (3scale-like Deployments, Services, Secrets,
 * ConfigMaps, PVCs, Jobs) and the transformations a live cluster applies to them: list reordering, other
 * spellings of quantities, server decoration. Test helpers only; independent of the code under test except
 * for the merge-key table used to find keyed lists.
 */
import fc from 'fast-check';
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from '../../src/diff/json.js';
import { isSetList, mergeKeyFor } from '../../src/diff/list-keys.js';

/** Groups of spellings of one quantity value; desired and live pick members of the same group. */
export const CPU_SPELLINGS: readonly (readonly string[])[] = [
  ['1', '1000m', '1.0'],
  ['500m', '0.5', '.5'],
  ['250m', '0.25'],
  ['2', '2000m', '2e0'],
  ['1500m', '1.5'],
  ['100m', '0.1', '100000u'],
];

export const MEMORY_SPELLINGS: readonly (readonly string[])[] = [
  ['1Gi', '1024Mi', '1048576Ki', '1073741824'],
  ['3Gi', '3072Mi'],
  ['512Mi', '0.5Gi', '524288Ki'],
  ['64Mi', '65536Ki'],
  ['1G', '1000M', '1e9'],
];

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
const envName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/);
const text = fc.stringMatching(/^[A-Za-z0-9 ._:/-]{0,20}$/);
const quantityGroup = (groups: readonly (readonly string[])[]) => fc.nat({ max: groups.length - 1 });

/** Quantities are generated in their first (canonical) spelling; {@link respellQuantities} varies them. */
const cpu = quantityGroup(CPU_SPELLINGS).map((g) => CPU_SPELLINGS[g]?.[0] as string);
const memory = quantityGroup(MEMORY_SPELLINGS).map((g) => MEMORY_SPELLINGS[g]?.[0] as string);

const envVar = fc.oneof(
  fc.record({ name: envName, value: text }),
  fc.record({ name: envName, valueFrom: fc.record({ secretKeyRef: fc.record({ name, key: name }) }) }),
);

const containerPort = fc.record(
  { containerPort: fc.integer({ min: 1024, max: 65535 }), protocol: fc.constantFrom('TCP', 'UDP'), name: fc.stringMatching(/^[a-z]{1,8}$/) },
  { requiredKeys: ['containerPort'] },
);

const resources = fc.record(
  { limits: fc.record({ cpu, memory }, { requiredKeys: [] }), requests: fc.record({ cpu, memory }, { requiredKeys: [] }) },
  { requiredKeys: [] },
);

const probe = fc.record(
  {
    httpGet: fc.record({ path: fc.constantFrom('/status', '/healthz'), port: fc.constantFrom(3000, 'http') }),
    initialDelaySeconds: fc.integer({ min: 0, max: 60 }),
    periodSeconds: fc.integer({ min: 1, max: 60 }),
  },
  { requiredKeys: ['httpGet'] },
);

const container = fc.record(
  {
    name,
    image: fc.constantFrom('quay.io/3scale/porta:2.15', 'registry.redhat.io/rhel8/redis-6', 'postgres', 'mysql:latest'),
    args: fc.array(text, { maxLength: 3 }),
    env: fc.uniqueArray(envVar, { selector: (e) => e.name, maxLength: 4 }),
    ports: fc.uniqueArray(containerPort, { selector: (p) => p.containerPort, maxLength: 3 }),
    resources,
    readinessProbe: probe,
    volumeMounts: fc.uniqueArray(fc.record({ name, mountPath: fc.stringMatching(/^\/[a-z]{1,8}(\/[a-z]{1,6})?$/) }), {
      selector: (m) => m.mountPath,
      maxLength: 3,
    }),
  },
  { requiredKeys: ['name', 'image'] },
);

const volume = fc.oneof(
  fc.record({ name, emptyDir: fc.constant({}) }),
  fc.record({ name, configMap: fc.record({ name }) }),
  fc.record({ name, persistentVolumeClaim: fc.record({ claimName: name }) }),
);

const labels = fc.dictionary(fc.constantFrom('app', 'app.kubernetes.io/name', 'threescale_component', 'threescale-migrate.3scale.net/phase'), name, {
  maxKeys: 3,
});

const metadata = fc.record({ name, namespace: fc.constant('3scale'), labels }, { requiredKeys: ['name', 'namespace'] });

const podSpec = fc.record(
  {
    containers: fc.uniqueArray(container, { selector: (c) => c.name, minLength: 1, maxLength: 3 }),
    volumes: fc.uniqueArray(volume, { selector: (v) => v.name, maxLength: 3 }),
    serviceAccountName: name,
  },
  { requiredKeys: ['containers'] },
);

const deployment = fc.record({
  apiVersion: fc.constant('apps/v1'),
  kind: fc.constant('Deployment'),
  metadata,
  spec: fc.record(
    {
      replicas: fc.integer({ min: 0, max: 3 }),
      selector: fc.constant({ matchLabels: { deployment: 'x' } }),
      template: fc.record({ metadata: fc.constant({ labels: { deployment: 'x' } }), spec: podSpec }),
    },
    { requiredKeys: ['selector', 'template'] },
  ),
});

const job = fc.record({
  apiVersion: fc.constant('batch/v1'),
  kind: fc.constant('Job'),
  metadata,
  spec: fc.record({
    template: fc.record({ spec: podSpec.map((spec) => ({ ...spec, restartPolicy: 'Never' })) }),
  }),
});

const servicePort = fc.record(
  {
    port: fc.integer({ min: 1, max: 65535 }),
    targetPort: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom('http', 'redis')),
    protocol: fc.constantFrom('TCP', 'UDP'),
    name: fc.stringMatching(/^[a-z]{1,8}$/),
  },
  { requiredKeys: ['port'] },
);

const service = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Service'),
  metadata,
  spec: fc.record({
    selector: fc.constant({ deployment: 'x' }),
    ports: fc.uniqueArray(servicePort, { selector: (p) => p.port, minLength: 1, maxLength: 3 }),
  }),
});

const configMap = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('ConfigMap'),
  metadata,
  data: fc.dictionary(fc.stringMatching(/^[a-z][a-z.]{0,8}$/), text, { maxKeys: 3 }),
});

const secret = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Secret'),
  metadata,
  data: fc.dictionary(fc.stringMatching(/^d[a-z]{0,6}$/), text.map((t) => Buffer.from(t).toString('base64')), { maxKeys: 3 }),
  stringData: fc.dictionary(fc.stringMatching(/^s[a-z]{0,6}$/), text, { maxKeys: 3 }),
});

const pvc = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('PersistentVolumeClaim'),
  metadata,
  spec: fc.record({
    accessModes: fc.constant(['ReadWriteOnce']),
    resources: fc.record({ requests: fc.record({ storage: memory }) }),
  }),
});

/** Any of the desired objects the migration renders. */
export const desiredObject: fc.Arbitrary<KubeObject> = fc.oneof(deployment, job, service, configMap, secret, pvc) as fc.Arbitrary<KubeObject>;

/** A small deterministic PRNG so that one generated seed drives all random choices of a transformation. */
export function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

/** Shuffles every keyed list (and set list) of a copy of `obj`. */
export function reorderKeyedLists(obj: KubeObject, random: () => number): KubeObject {
  const visit = (value: JsonValue, key: string | undefined): JsonValue => {
    if (Array.isArray(value)) {
      const items = value.map((item) => visit(item, undefined));
      if (mergeKeyFor(key, items) !== undefined || isSetList(key, items)) {
        for (let i = items.length - 1; i > 0; i -= 1) {
          const j = Math.floor(random() * (i + 1));
          [items[i], items[j]] = [items[j] as JsonValue, items[i] as JsonValue];
        }
      }
      return items;
    }
    if (isJsonObject(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, k)]));
    }
    return value;
  };
  return visit(obj, undefined) as KubeObject;
}

/** Rewrites every quantity under `limits`/`requests` into another spelling of the same value. */
export function respellQuantities(obj: KubeObject, random: () => number): KubeObject {
  const groups = [...CPU_SPELLINGS, ...MEMORY_SPELLINGS];
  const visit = (value: JsonValue, parentKey: string | undefined): JsonValue => {
    if (Array.isArray(value)) {
      return value.map((item) => visit(item, undefined));
    }
    if (isJsonObject(value)) {
      const inRequirements = parentKey === 'limits' || parentKey === 'requests';
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => {
          const group = inRequirements ? groups.find((g) => g[0] === v) : undefined;
          return [k, group === undefined ? visit(v, k) : (group[Math.floor(random() * group.length)] as string)];
        }),
      );
    }
    return value;
  };
  return visit(obj, undefined) as KubeObject;
}

/** What the API server and controllers add to a stored object (server metadata, status, extra metadata). */
export function decorateAsServer(obj: KubeObject, random: () => number): KubeObject {
  const out = structuredClone(obj) as JsonObject;
  const meta = (out['metadata'] ?? {}) as JsonObject;
  out['metadata'] = meta;
  meta['uid'] = '6f1c0e1e-1111-2222-3333-444455556666';
  meta['resourceVersion'] = String(Math.floor(random() * 1e6));
  meta['generation'] = 3;
  meta['creationTimestamp'] = random() < 0.5 ? null : '2025-01-01T00:00:00Z';
  meta['managedFields'] = [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } }];
  meta['labels'] = { ...((meta['labels'] as JsonObject | undefined) ?? {}), 'controller.openshift.io/extra': 'added' };
  meta['annotations'] = {
    ...((meta['annotations'] as JsonObject | undefined) ?? {}),
    'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(obj),
    'openshift.io/generated-by': 'controller',
  };
  out['status'] = { observedGeneration: 3, conditions: [{ type: 'Available', status: 'True' }] };
  const spec = out['spec'] as JsonObject | undefined;
  const template = spec?.['template'] as JsonObject | undefined;
  if (template !== undefined) {
    template['metadata'] = { ...((template['metadata'] as JsonObject | undefined) ?? {}), creationTimestamp: null };
  }
  if (out['kind'] === 'Service' && spec !== undefined) {
    spec['clusterIP'] = '172.30.12.34';
    spec['clusterIPs'] = ['172.30.12.34'];
    spec['ipFamilies'] = ['IPv4'];
    spec['ipFamilyPolicy'] = 'SingleStack';
  }
  if (out['kind'] === 'PersistentVolumeClaim' && spec !== undefined) {
    spec['volumeName'] = 'pvc-0a1b2c3d';
    spec['storageClassName'] = 'gp3-csi';
    meta['finalizers'] = ['kubernetes.io/pvc-protection'];
    (meta['annotations'] as JsonObject)['pv.kubernetes.io/bind-completed'] = 'yes';
  }
  if (out['kind'] === 'Job' && spec !== undefined) {
    spec['selector'] = { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } };
    const tm = (template?.['metadata'] ?? {}) as JsonObject;
    tm['labels'] = { ...((tm['labels'] as JsonObject | undefined) ?? {}), 'job-name': 'x', 'controller-uid': 'abc' };
  }
  if (out['kind'] === 'Secret') {
    // The API stores stringData as data.
    const data = { ...((out['data'] as JsonObject | undefined) ?? {}) };
    for (const [k, v] of Object.entries((out['stringData'] as JsonObject | undefined) ?? {})) {
      data[k] = Buffer.from(String(v)).toString('base64');
    }
    delete out['stringData'];
    out['data'] = data;
  }
  return out;
}

/** Every scalar leaf of a document, as raw tokens. */
export function leafPaths(value: JsonValue, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => leafPaths(item, [...prefix, i]));
  }
  if (isJsonObject(value)) {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
  }
  return [prefix];
}

/** Changes the scalar at `tokens` in a copy of `obj` to a different value. */
export function mutateLeaf(obj: KubeObject, tokens: readonly (string | number)[]): KubeObject {
  const out = structuredClone(obj) as JsonObject;
  let parent: JsonValue = out;
  for (const token of tokens.slice(0, -1)) {
    parent = (parent as Record<string | number, JsonValue>)[token] as JsonValue;
  }
  const last = tokens[tokens.length - 1] as string | number;
  const container = parent as Record<string | number, JsonValue>;
  const old = container[last];
  container[last] = typeof old === 'number' ? old + 1 : typeof old === 'boolean' ? !old : old === null ? 'x' : `${String(old)}x`;
  return out;
}
