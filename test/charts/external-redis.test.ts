/**
 * Specification of charts/constructs/external-redis.ts: a new Redis 7 server of seed 3.4.5, field for field.
 * Deliberate differences: the replica count follows the phase, the pod template carries the sha256 of the
 * Redis configuration (instead of the seed's `oc rollout restart`), the tool's metadata labels, the keep
 * annotations on the PVC and Deployment, and the namespace the seed sets with `oc project`.
 */
import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ExternalRedis } from '../../charts/constructs/external-redis.js';
import { redisConfHash } from '../../charts/constructs/redis-config.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { RedisRole } from '../../src/plan/plan-facts.js';
import type { RedisComponent } from '../../src/plan/plan-schema.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { examplePlanWith, find } from '../support/plans.js';

/** Seed chapter 3.4.5.1 (backend) as printed there. Seed 3.4.5.2 (system) is the same with `system-` for `backend-`. */
const SEED_3_4_5_1 = `
kind: Deployment
apiVersion: apps/v1
metadata:
  name: backend-redis-external
  labels:
    app: backend-redis-external
spec:
  replicas: 1
  selector:
    matchLabels:
      deployment: backend-redis-external
  template:
    metadata:
      labels:
        deployment: backend-redis-external
    spec:
      restartPolicy: Always
      serviceAccountName: backend-redis-external
      schedulerName: default-scheduler
      terminationGracePeriodSeconds: 30
      securityContext: {}
      containers:
        - resources:
            limits:
              cpu: '2'
              memory: 32Gi
            requests:
              cpu: '1'
              memory: 1Gi
          readinessProbe:
            exec:
              command:
                - container-entrypoint
                - bash
                - '-c'
                - redis-cli set liveness-probe "\`date\`" | grep OK
            initialDelaySeconds: 10
            timeoutSeconds: 1
            periodSeconds: 30
            successThreshold: 1
            failureThreshold: 3
          terminationMessagePath: /dev/termination-log
          name: backend-redis-external
          livenessProbe:
            tcpSocket:
              port: 6379
            initialDelaySeconds: 10
            timeoutSeconds: 1
            periodSeconds: 10
            successThreshold: 1
            failureThreshold: 3
          env:
            - name: REDIS_CONF
              value: /etc/redis.d/redis.conf
          imagePullPolicy: IfNotPresent
          volumeMounts:
            - name: backend-redis-storage-external
              mountPath: /var/lib/redis/data
            - name: redis-config-external
              mountPath: /etc/redis.d/
          terminationMessagePolicy: File
          image: 'registry.redhat.io/rhel9/redis-7'
      serviceAccount: backend-redis-external
      volumes:
        - name: backend-redis-storage-external
          persistentVolumeClaim:
            claimName: backend-redis-storage-external
        - name: redis-config-external
          configMap:
            name: redis-config-external
            items:
              - key: redis.conf
                path: redis.conf
            defaultMode: 420
      dnsPolicy: ClusterFirst
  strategy:
    type: Recreate
  revisionHistoryLimit: 10
  progressDeadlineSeconds: 600
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: backend-redis-external
  labels:
    app: backend-redis-external
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: backend-redis-storage-external
  labels:
    app: backend-redis-external
spec:
  accessModes:
  - ReadWriteOnce
  resources:
    requests:
      storage: 1Gi
  volumeMode: Filesystem
---
apiVersion: v1
kind: Service
metadata:
  name: backend-redis-service
  labels:
    app: backend-redis-external
spec:
  type: ClusterIP
  ports:
  - port: 6379
    targetPort: 6379
    protocol: TCP
  selector:
    deployment: backend-redis-external
`;

function seed(role: RedisRole): KubeObject[] {
  const text = role === 'backend' ? SEED_3_4_5_1 : SEED_3_4_5_1.replace(/backend-/g, 'system-');
  return parseAllDocuments(text).map((d) => d.toJS() as KubeObject);
}

/** The documented differences for one phase: replicas, config hash, namespace, labels, keep annotations. */
function expectedFor(role: RedisRole, replicas: number): KubeObject[] {
  return seed(role).map((o) => {
    const out = structuredClone(o) as any;
    out.metadata.namespace = 'redis-dev';
    out.metadata.labels = { ...out.metadata.labels, 'app.kubernetes.io/managed-by': 'threescale-migrate', 'threescale-migrate.3scale.net/migration': 'dev-3scale' };
    if (o.kind === 'PersistentVolumeClaim' || o.kind === 'Deployment') {
      out.metadata.annotations = { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
    }
    if (o.kind === 'Deployment') {
      out.spec.replicas = replicas;
      out.spec.template.metadata.annotations = { 'threescale-migrate.3scale.net/redis-config-sha256': redisConfHash() };
    }
    return out as KubeObject;
  });
}

/** A Redis component that keeps every seed default. */
function seedDefaults(role: RedisRole): RedisComponent {
  const { plan } = examplePlanWith('redis-only', (raw) => {
    raw.spec.backendRedis = {};
    raw.spec.systemRedis = {};
  });
  return role === 'backend' ? plan.spec.backendRedis : plan.spec.systemRedis;
}

function render(role: RedisRole, redis: RedisComponent, replicas: number): KubeObject[] {
  const chart = Testing.chart();
  new ExternalRedis(chart, 'Redis', { role, redis, namespace: 'redis-dev', migration: 'dev-3scale', replicas });
  return chart.toJson() as KubeObject[];
}

describe('ExternalRedis', () => {
  describe.each(['backend', 'system'] as const)('for %s', (role) => {
    test.each([0, 1])('renders seed 3.4.5 field for field with %i replicas, apart from the documented differences', (replicas) => {
      // GIVEN
      const redis = seedDefaults(role);

      // WHEN
      const objects = render(role, redis, replicas);

      // THEN
      const expected = expectedFor(role, replicas);
      expect(objects).toHaveLength(expected.length);
      for (const e of expected) expect(find(objects, e.kind, e.metadata.name), `${e.kind} ${e.metadata.name}`).toEqual(e);
    });

    test('renders objects that validate against the Kubernetes schemas', () => {
      // GIVEN
      const redis = seedDefaults(role);

      // WHEN
      const issues = render(role, redis, 1).flatMap((o) => validateManifest(o));

      // THEN
      expect(issues).toEqual([]);
    });
  });

  test('takes resources, storage and image from the plan', () => {
    // GIVEN
    const { plan } = examplePlanWith('redis-only', (raw) => {
      raw.spec.systemRedis.storage = { size: '5Gi', storageClassName: 'fast' };
      raw.spec.systemRedis.image = 'registry.example.com/redis-7:7.2';
    });

    // WHEN
    const objects = render('system', plan.spec.systemRedis, 1) as any[];

    // THEN
    const container = find(objects, 'Deployment', 'system-redis-external') as any;
    expect(container.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' } });
    expect(container.spec.template.spec.containers[0].image).toBe('registry.example.com/redis-7:7.2');
    expect((find(objects, 'PersistentVolumeClaim', 'system-redis-storage-external') as any).spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '5Gi' } },
      storageClassName: 'fast',
      volumeMode: 'Filesystem',
    });
  });
});
