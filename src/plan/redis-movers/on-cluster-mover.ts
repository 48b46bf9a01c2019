import { CONNECTION_SECRETS } from '../../contract/on-cluster.js';
import { redisNames, redisNamespace, serviceHost } from '../plan-facts.js';
import type { RedisMover } from './mover.js';

const { backendRedis: BACKEND, systemRedis: SYSTEM } = CONNECTION_SECRETS;

/** `upgrade-on-cluster`: a new Redis 7 Deployment per role, the old RDB copied in the cluster (seed 3.4). */
export const onClusterMover: RedisMover<'upgrade-on-cluster'> = {
  strategy: 'upgrade-on-cluster',
  secretRewrites(plan, role) {
    const n = redisNames(role);
    const base = `redis://${serviceHost(n.service, redisNamespace(plan, role))}:6379`;
    if (role === 'backend') {
      return [
        { secret: n.secret, key: BACKEND.storageUrl, template: `${base}/0` },
        { secret: n.secret, key: BACKEND.queuesUrl, template: `${base}/1` },
      ];
    }
    return [{ secret: n.secret, key: SYSTEM.url, template: `${base}/1` }];
  },
  describeRewrite: (_plan, role) => (role === 'backend' ? 'backend-redis REDIS_STORAGE_URL (/0) and REDIS_QUEUES_URL (/1)' : 'system-redis URL (/1)'),
};
