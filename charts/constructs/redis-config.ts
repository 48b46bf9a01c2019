import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { REDIS_CONFIG_NAME } from '../../src/plan/plan-facts.js';
import { ownLabels } from './metadata.js';

/**
 * `restore`: no snapshots, no AOF, so the server loads the copied dump.rdb and nothing overwrites it.
 * `persistence`: the three RDB save points and AOF, as the 3scale operator configures Redis.
 */
export type RedisConfigMode = 'restore' | 'persistence';

/** The redis.conf of seed 3.4.5; only the snapshot and AOF lines differ between the two modes. */
export function redisConf(mode: RedisConfigMode): string {
  const saves = mode === 'restore' ? ['#save 900 1', '#save 300 10', '#save 60 10000', 'save ""'] : ['save 900 1', 'save 300 10', 'save 60 10000'];
  return [
    'protected-mode no',
    '',
    'port 6379',
    '',
    'timeout 0',
    'tcp-keepalive 300',
    '',
    'daemonize no',
    'supervised no',
    '',
    'loglevel notice',
    '',
    'databases 16',
    '',
    ...saves,
    '',
    'stop-writes-on-bgsave-error yes',
    '',
    'rdbcompression yes',
    'rdbchecksum yes',
    '',
    'dbfilename dump.rdb',
    '',
    'slave-serve-stale-data yes',
    'slave-read-only yes',
    '',
    'repl-diskless-sync no',
    'repl-disable-tcp-nodelay no',
    '',
    `appendonly ${mode === 'restore' ? 'no' : 'yes'}`,
    'appendfilename "appendonly.aof"',
    'appendfsync everysec',
    'no-appendfsync-on-rewrite no',
    'auto-aof-rewrite-percentage 100',
    'auto-aof-rewrite-min-size 64mb',
    'aof-load-truncated yes',
    '',
    'lua-time-limit 5000',
    '',
    'activerehashing no',
    '',
    'aof-rewrite-incremental-fsync yes',
    'dir /var/lib/redis/data',
    '',
    'rename-command REPLICAOF ""',
    'rename-command SLAVEOF ""',
    '',
  ].join('\n');
}

/** sha256 of the configuration of a mode: put on the pod template so a mode switch rolls the pods. */
export function redisConfHash(mode: RedisConfigMode): string {
  return createHash('sha256').update(redisConf(mode)).digest('hex');
}

/** Props of {@link RedisConfig}. */
export interface RedisConfigProps {
  /** Namespace of the new Redis servers. */
  readonly namespace: string;
  /** Which configuration to render. */
  readonly mode: RedisConfigMode;
  /** Plan name, for the migration label. */
  readonly migration: string;
}

/** ConfigMap `redis-config-external` shared by the new backend and system Redis of one namespace. */
export class RedisConfig extends Construct {
  public constructor(scope: Construct, id: string, props: RedisConfigProps) {
    super(scope, id);
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: { name: REDIS_CONFIG_NAME, namespace: props.namespace, labels: ownLabels(props.migration) },
      data: { 'redis.conf': redisConf(props.mode) },
    });
  }
}
