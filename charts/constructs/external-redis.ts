import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { REDIS_CONFIG_NAME, type RedisRole, redisNames } from '../../src/plan/plan-facts.js';
import type { RedisComponent } from '../../src/plan/plan-schema.js';
import { containerResources, tcpPort, volumeClaimSpec } from './kube-values.js';
import { keepAnnotations, ownLabels, REDIS_CONFIG_HASH_ANNOTATION } from './metadata.js';
import { redisConfHash } from './redis-config.js';

/** Props of {@link ExternalRedis}. */
export interface ExternalRedisProps {
  /** Backend or system Redis. */
  readonly role: RedisRole;
  /** The component of the plan (a MigrationPlan's Redis component or a fresh install's on-cluster one). */
  readonly redis: Pick<RedisComponent, 'image' | 'storage' | 'resources'>;
  /** Namespace of the new server. */
  readonly namespace: string;
  /** Plan name, for the migration label. */
  readonly migration: string;
  /** Replicas: 0 until the copied dump.rdb is in the volume, then 1. */
  readonly replicas: number;
}

/** Seed 3.4.5 resources of both new Redis servers. */
const SEED_RESOURCES = { limits: { cpu: '2', memory: '32Gi' }, requests: { cpu: '1', memory: '1Gi' } };

/**
 * A Redis 7 server of seed 3.4.5 (`backend-redis-external` or `system-redis-external`): Deployment, PVC,
 * Service, ServiceAccount, field for field, from the L1 classes.
 *
 * Deliberate differences from the seed: the replica count follows the phase (the seed starts the server
 * and copies the dump into the running pod, then restarts it; here the dump is written into the volume
 * before the first start), and the pod template carries the sha256 of the Redis configuration instead of
 * the seed's `oc rollout restart`.
 */
export class ExternalRedis extends Construct {
  public constructor(scope: Construct, id: string, props: ExternalRedisProps) {
    super(scope, id);
    const n = redisNames(props.role);
    const { namespace, redis } = props;
    const labels = { app: n.app, ...ownLabels(props.migration) };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: n.serviceAccount, namespace, labels },
    });

    new k8s.KubePersistentVolumeClaim(this, 'Data', {
      metadata: { name: n.pvc, namespace, labels, annotations: keepAnnotations() },
      spec: volumeClaimSpec(redis.storage),
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name: n.service, namespace, labels },
      spec: { type: 'ClusterIP', ports: [tcpPort(6379)], selector: { deployment: n.deployment } },
    });

    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: n.deployment, namespace, labels, annotations: keepAnnotations() },
      spec: {
        replicas: props.replicas,
        selector: { matchLabels: { deployment: n.deployment } },
        template: {
          metadata: {
            labels: { deployment: n.deployment },
            annotations: { [REDIS_CONFIG_HASH_ANNOTATION]: redisConfHash() },
          },
          spec: {
            restartPolicy: 'Always',
            serviceAccountName: n.serviceAccount,
            schedulerName: 'default-scheduler',
            terminationGracePeriodSeconds: 30,
            securityContext: {},
            containers: [
              {
                resources: containerResources(redis.resources, SEED_RESOURCES),
                readinessProbe: {
                  exec: { command: ['container-entrypoint', 'bash', '-c', 'redis-cli set liveness-probe "`date`" | grep OK'] },
                  initialDelaySeconds: 10,
                  timeoutSeconds: 1,
                  periodSeconds: 30,
                  successThreshold: 1,
                  failureThreshold: 3,
                },
                terminationMessagePath: '/dev/termination-log',
                name: n.deployment,
                livenessProbe: {
                  tcpSocket: { port: k8s.IntOrString.fromNumber(6379) },
                  initialDelaySeconds: 10,
                  timeoutSeconds: 1,
                  periodSeconds: 10,
                  successThreshold: 1,
                  failureThreshold: 3,
                },
                env: [{ name: 'REDIS_CONF', value: '/etc/redis.d/redis.conf' }],
                imagePullPolicy: 'IfNotPresent',
                volumeMounts: [
                  { name: n.volume, mountPath: '/var/lib/redis/data' },
                  { name: REDIS_CONFIG_NAME, mountPath: '/etc/redis.d/' },
                ],
                terminationMessagePolicy: 'File',
                image: redis.image,
              },
            ],
            serviceAccount: n.serviceAccount,
            volumes: [
              { name: n.volume, persistentVolumeClaim: { claimName: n.pvc } },
              { name: REDIS_CONFIG_NAME, configMap: { name: REDIS_CONFIG_NAME, items: [{ key: 'redis.conf', path: 'redis.conf' }], defaultMode: 420 } },
            ],
            dnsPolicy: 'ClusterFirst',
          },
        },
        strategy: { type: 'Recreate' },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
    });
  }
}
