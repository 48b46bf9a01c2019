import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { REDIS_CONFIG_NAME } from '../../src/plan/plan-facts.js';
import { ownLabels } from './metadata.js';

/**
 * The redis.conf of seed 3.4.5 in its persistence mode (the three RDB save points and AOF, as the 3scale
 * operator configures Redis). The seed's restore mode (no snapshots, no AOF, then a switch) has no
 * counterpart: the copy places the snapshot as the base file of the AOF, so the new server starts straight
 * in this mode and a restart at any time keeps every write.
 */
export function redisConf(): string {
  const saves = ['save 900 1', 'save 300 10', 'save 60 10000'];
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
    'appendonly yes',
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

/** sha256 of the configuration: put on the pod template so a change of it rolls the pods. */
export function redisConfHash(): string {
  return createHash('sha256').update(redisConf()).digest('hex');
}

/** Props of {@link RedisConfig}. */
export interface RedisConfigProps {
  /** Namespace of the new Redis servers. */
  readonly namespace: string;
  /** Plan name, for the migration label. */
  readonly migration: string;
}

/** ConfigMap `redis-config-external` shared by the new backend and system Redis of one namespace. */
export class RedisConfig extends Construct {
  public constructor(scope: Construct, id: string, props: RedisConfigProps) {
    super(scope, id);
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: { name: REDIS_CONFIG_NAME, namespace: props.namespace, labels: ownLabels(props.migration) },
      data: { 'redis.conf': redisConf() },
    });
  }
}
