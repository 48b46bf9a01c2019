import { CONNECTION_SECRETS } from '../../src/contract/on-cluster.js';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { POSTGRESQL_NAMES } from '../../src/plan/plan-facts.js';
import type { PostgresqlDatabase } from '../../src/plan/plan-schema.js';
import { containerResources, tcpPort, volumeClaimSpec } from './kube-values.js';
import { keepAnnotations, ownLabels } from './metadata.js';

/** Props of {@link ExternalPostgresql}. */
export interface ExternalPostgresqlProps {
  /** The System database of the plan (a MigrationPlan's PostgreSQL component or a fresh install's on-cluster one). */
  readonly database: Pick<PostgresqlDatabase, 'image' | 'databaseName' | 'storage' | 'resources'>;
  /** Namespace of the new server. */
  readonly namespace: string;
  /** Plan name, for the migration label. */
  readonly migration: string;
  /**
   * Replicas of the new server.
   * @default 1
   */
  readonly replicas?: number;
}

/** Seed 3.2.5 resources of the new PostgreSQL server. */
const SEED_RESOURCES = { limits: { memory: '2Gi' }, requests: { cpu: '250m', memory: '512Mi' } };

/**
 * The PostgreSQL 15 server of seed 3.2.5, field for field: Deployment `system-postgresql-external`, PVC
 * `postgresql-data-external`, Service `system-postgresql-service`, ServiceAccount `postgresql-db-external`.
 *
 * Built from the L1 classes so nothing the seed does not have is injected (cdk8s-plus would add security
 * contexts, resources, startup probes and selector labels). Deliberate additions: the tool's own labels on
 * metadata (never on selectors or pod templates) and the annotations that keep a GitOps engine from
 * pruning or deleting a data-bearing object.
 */
export class ExternalPostgresql extends Construct {
  public constructor(scope: Construct, id: string, props: ExternalPostgresqlProps) {
    super(scope, id);
    const n = POSTGRESQL_NAMES;
    const { database, namespace } = props;
    const labels = { app: n.app, ...ownLabels(props.migration) };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: n.serviceAccount, namespace, labels },
    });

    new k8s.KubePersistentVolumeClaim(this, 'Data', {
      metadata: { name: n.pvc, namespace, labels, annotations: keepAnnotations() },
      spec: volumeClaimSpec(database.storage),
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name: n.service, namespace, labels },
      spec: { type: 'ClusterIP', ports: [tcpPort(5432)], selector: { deployment: n.deployment } },
    });

    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: n.deployment, namespace, labels, annotations: keepAnnotations() },
      spec: {
        progressDeadlineSeconds: 600,
        replicas: props.replicas ?? 1,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { deployment: n.deployment } },
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels: { deployment: n.deployment } },
          spec: {
            containers: [
              {
                name: n.deployment,
                image: database.image,
                imagePullPolicy: 'IfNotPresent',
                env: [
                  { name: 'POSTGRESQL_USER', valueFrom: { secretKeyRef: { key: CONNECTION_SECRETS.systemDatabase.user, name: n.credentialsSecret } } },
                  { name: 'POSTGRESQL_PASSWORD', valueFrom: { secretKeyRef: { key: CONNECTION_SECRETS.systemDatabase.password, name: n.credentialsSecret } } },
                  { name: 'POSTGRESQL_DATABASE', value: database.databaseName },
                ],
                ports: [{ containerPort: 5432, protocol: 'TCP' }],
                livenessProbe: {
                  failureThreshold: 3,
                  initialDelaySeconds: 30,
                  periodSeconds: 10,
                  successThreshold: 1,
                  tcpSocket: { port: k8s.IntOrString.fromNumber(5432) },
                  timeoutSeconds: 1,
                },
                readinessProbe: {
                  exec: {
                    command: ['/bin/sh', '-i', '-c', "psql -h 127.0.0.1 -U $POSTGRESQL_USER -q -d $POSTGRESQL_DATABASE -c 'SELECT 1'"],
                  },
                  failureThreshold: 3,
                  initialDelaySeconds: 10,
                  periodSeconds: 30,
                  successThreshold: 1,
                  timeoutSeconds: 5,
                },
                resources: containerResources(database.resources, SEED_RESOURCES),
                volumeMounts: [{ mountPath: '/var/lib/pgsql/data', name: n.volume }],
                terminationMessagePath: '/dev/termination-log',
                terminationMessagePolicy: 'File',
              },
            ],
            dnsPolicy: 'ClusterFirst',
            restartPolicy: 'Always',
            serviceAccountName: n.serviceAccount,
            terminationGracePeriodSeconds: 30,
            volumes: [{ name: n.volume, persistentVolumeClaim: { claimName: n.pvc } }],
          },
        },
      },
    });
  }
}
