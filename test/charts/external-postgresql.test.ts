/**
 * Specification of charts/constructs/external-postgresql.ts: the new PostgreSQL 15 server of seed 3.2.5,
 * field for field. The only deliberate differences are the tool's own metadata labels, the annotations that
 * keep a GitOps engine from pruning or deleting the data-bearing PVC and Deployment, and the namespace the
 * seed sets with `oc project $DB_NAMESPACE`.
 */
import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ExternalPostgresql } from '../../charts/constructs/external-postgresql.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { PostgresqlDatabase } from '../../src/plan/plan-schema.js';
import { validateManifest } from '../../src/validate/validate-manifest.js';
import { examplePlanWith, find } from '../support/plans.js';

/** Seed chapter 3.2.5, as printed there (Deployment, `oc create serviceaccount` + `oc label`, PVC, Service). */
const SEED_3_2_5 = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: system-postgresql-external
  labels:
    app: system-postgresql-external
spec:
  progressDeadlineSeconds: 600
  replicas: 1
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      deployment: system-postgresql-external
  strategy:
    type: Recreate
  template:
    metadata:
      labels:
        deployment: system-postgresql-external
    spec:
      containers:
      - name: system-postgresql-external
        image: registry.redhat.io/rhel9/postgresql-15
        imagePullPolicy: IfNotPresent
        env:
        - name: POSTGRESQL_USER
          valueFrom:
            secretKeyRef:
              key: DB_USER
              name: system-database
        - name: POSTGRESQL_PASSWORD
          valueFrom:
            secretKeyRef:
              key: DB_PASSWORD
              name: system-database
        - name: POSTGRESQL_DATABASE
          value: system
        ports:
        - containerPort: 5432
          protocol: TCP
        livenessProbe:
          failureThreshold: 3
          initialDelaySeconds: 30
          periodSeconds: 10
          successThreshold: 1
          tcpSocket:
            port: 5432
          timeoutSeconds: 1
        readinessProbe:
          exec:
            command:
            - /bin/sh
            - -i
            - -c
            - psql -h 127.0.0.1 -U $POSTGRESQL_USER -q -d $POSTGRESQL_DATABASE -c 'SELECT 1'
          failureThreshold: 3
          initialDelaySeconds: 10
          periodSeconds: 30
          successThreshold: 1
          timeoutSeconds: 5
        resources:
          limits:
            memory: 2Gi
          requests:
            cpu: 250m
            memory: 512Mi
        volumeMounts:
        - mountPath: /var/lib/pgsql/data
          name: postgresql-data-external
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      serviceAccountName: postgresql-db-external
      terminationGracePeriodSeconds: 30
      volumes:
      - name: postgresql-data-external
        persistentVolumeClaim:
          claimName: postgresql-data-external
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: postgresql-db-external
  labels:
    app: system-postgresql-external
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: postgresql-data-external
  labels:
    app: system-postgresql-external
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
  name: system-postgresql-service
  labels:
    app: system-postgresql-external
spec:
  type: ClusterIP
  ports:
  - port: 5432
    targetPort: 5432
    protocol: TCP
  selector:
    deployment: system-postgresql-external
`;

const seed = (): KubeObject[] => parseAllDocuments(SEED_3_2_5).map((d) => d.toJS() as KubeObject);

/** The documented differences: namespace, the tool's labels, and keep annotations on data-bearing objects. */
function withToolMetadata(o: KubeObject, namespace: string, migration: string): KubeObject {
  const out = structuredClone(o);
  out.metadata.namespace = namespace;
  out.metadata.labels = { ...out.metadata.labels, 'app.kubernetes.io/managed-by': 'threescale-migrate', 'threescale-migrate.3scale.net/migration': migration };
  if (o.kind === 'PersistentVolumeClaim' || o.kind === 'Deployment') {
    out.metadata.annotations = { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
  }
  return out;
}

/** The PostgreSQL component of a plan that keeps every seed default (no storage or resources given). */
function seedDefaults(): PostgresqlDatabase {
  const { plan } = examplePlanWith('postgresql-and-redis', (raw) => delete raw.spec.systemDatabase.storage);
  return plan.spec.systemDatabase as PostgresqlDatabase;
}

function render(database: PostgresqlDatabase, replicas?: number): KubeObject[] {
  const chart = Testing.chart();
  new ExternalPostgresql(chart, 'Postgresql', { database, namespace: '3scale-db', migration: 'prod-3scale', replicas });
  return chart.toJson() as KubeObject[];
}

describe('ExternalPostgresql', () => {
  test('renders the Deployment, ServiceAccount, PVC and Service of seed 3.2.5, field for field, apart from the documented differences', () => {
    // GIVEN
    const database = seedDefaults();

    // WHEN
    const objects = render(database);

    // THEN
    const expected = seed().map((o) => withToolMetadata(o, '3scale-db', 'prod-3scale'));
    expect(objects).toHaveLength(expected.length);
    for (const e of expected) expect(find(objects, e.kind, e.metadata.name), `${e.kind} ${e.metadata.name}`).toEqual(e);
  });

  test('never puts the tool labels on the selector or the pod template, so the seed selector stays valid', () => {
    // GIVEN
    const database = seedDefaults();

    // WHEN
    const deployment = find(render(database), 'Deployment', 'system-postgresql-external') as any;
    const service = find(render(database), 'Service', 'system-postgresql-service') as any;

    // THEN
    expect(deployment.spec.selector).toEqual({ matchLabels: { deployment: 'system-postgresql-external' } });
    expect(deployment.spec.template.metadata).toEqual({ labels: { deployment: 'system-postgresql-external' } });
    expect(service.spec.selector).toEqual({ deployment: 'system-postgresql-external' });
  });

  test('takes storage, resources, image and database name from the plan and changes nothing else', () => {
    // GIVEN
    const { plan } = examplePlanWith('postgresql-and-redis', (raw) => {
      raw.spec.systemDatabase.storage = { size: '50Gi', storageClassName: 'gp3-csi', accessMode: 'ReadWriteOncePod' };
      raw.spec.systemDatabase.resources = { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '8Gi' } };
      raw.spec.systemDatabase.image = 'registry.example.com/postgresql-15@sha256:' + 'a'.repeat(64);
      raw.spec.systemDatabase.databaseName = 'threescale';
    });

    // WHEN
    const objects = render(plan.spec.systemDatabase as PostgresqlDatabase);

    // THEN
    const expected = seed().map((o) => withToolMetadata(o, '3scale-db', 'prod-3scale')) as any[];
    const pvc = expected.find((o) => o.kind === 'PersistentVolumeClaim');
    pvc.spec = { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '50Gi' } }, storageClassName: 'gp3-csi', volumeMode: 'Filesystem' };
    const container = expected.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];
    container.resources = { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '8Gi' } };
    container.image = plan.spec.systemDatabase.kind === 'postgresql' ? plan.spec.systemDatabase.image : '';
    container.env[2].value = 'threescale';
    for (const e of expected) expect(find(objects, e.kind, e.metadata.name)).toEqual(e);
  });

  test('renders the replica count it is given', () => {
    // GIVEN
    const database = seedDefaults();

    // WHEN
    const deployment = find(render(database, 0), 'Deployment', 'system-postgresql-external') as any;

    // THEN
    expect(deployment.spec.replicas).toBe(0);
  });

  test('reads the credentials only from the system-database Secret', () => {
    // GIVEN
    const database = seedDefaults();

    // WHEN
    const objects = render(database);

    // THEN
    expect(objects.map((o) => o.kind)).not.toContain('Secret');
    const env = (find(objects, 'Deployment', 'system-postgresql-external') as any).spec.template.spec.containers[0].env as { name: string; value?: string }[];
    expect(env.filter((e) => e.value !== undefined).map((e) => e.name)).toEqual(['POSTGRESQL_DATABASE']);
  });

  test('renders objects that validate against the Kubernetes schemas', () => {
    // GIVEN
    const database = seedDefaults();

    // WHEN
    const issues = render(database).flatMap((o) => validateManifest(o));

    // THEN
    expect(issues).toEqual([]);
  });
});
