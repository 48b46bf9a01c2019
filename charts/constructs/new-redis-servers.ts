import type { Construct } from 'constructs';
import { type RedisRole, redisComponent, redisMoves, redisNamespace } from '../../src/plan/plan-facts.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { ExternalRedis } from './external-redis.js';
import { RedisConfig } from './redis-config.js';

/**
 * The new Redis servers of a plan with one replica count, plus the shared configuration ConfigMap of each
 * namespace: the state load-redis and its rollback set.
 */
export function newRedisServers(scope: Construct, plan: Plan, replicas: number, roles: readonly RedisRole[] = redisMoves(plan)): void {
  const migration = plan.metadata.name;
  const namespaces = new Set<string>();
  for (const role of roles) {
    const namespace = redisNamespace(plan, role);
    namespaces.add(namespace);
    new ExternalRedis(scope, `Redis-${role}`, { role, redis: redisComponent(plan, role), namespace, migration, replicas });
  }
  for (const namespace of [...namespaces].sort()) new RedisConfig(scope, `RedisConfig-${namespace}`, { namespace, migration });
}
