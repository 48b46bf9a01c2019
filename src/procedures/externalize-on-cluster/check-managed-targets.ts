import { backupSecretName, CONNECTION_SECRETS as SECRETS } from '../../contract/on-cluster.js';
import { UserError } from '../../errors.js';
import type { Plan } from '../../plan/plan-schema.js';
import { sentinelMasters } from './redis-movers/sentinel-masters.js';

/** The connection Secrets 3scale reads and their in-cluster backups: never a managed target's credentials. */
const CONNECTION_SECRETS: readonly string[] = Object.values(SECRETS).map((s) => s.name);
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const TLS_SQL_REFUSAL =
  '3scale 2.15 does not support TLS to the System database (the vendor lists it as a limitation; 2.16 adds it), so the managed server must accept connections without TLS';
const TLS_REDIS_REFUSAL = '3scale 2.15 does not support TLS to Redis (the vendor lists it as a limitation), so the managed Redis must accept connections without TLS';
const ACL_REFUSAL = '3scale 2.15 does not support Redis ACL users (only the default user, with a password or none)';

/**
 * Managed targets (seed chapters 4 to 6): the strategy and its `managed` block go together, and what the
 * vendor states 3scale 2.15 cannot do (TLS to any database, Redis ACL users) is refused with the reason
 * instead of being rendered into a migration that would leave 3scale unable to connect.
 */
export function checkManagedTargets(plan: Plan, path: string): void {
  const refuse = (field: string, why: string): never => {
    throw new UserError(`${path}: ${field}: ${why}.`);
  };
  const pairing = (field: string, strategy: string, managed: unknown) => {
    if (strategy === 'managed' && managed === undefined) refuse(`${field}.managed`, 'is required when strategy is "managed" (expected the host, port and credentials Secret of the existing server)');
    if (strategy !== 'managed' && managed !== undefined) refuse(`${field}.managed`, `is only read with strategy "managed", and the strategy is "${strategy}"; expected strategy: managed, or no managed block`);
  };
  const host = (field: string, value: string, redis: boolean) => {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase();
    if (scheme === 'rediss') refuse(field, `"${value}" asks for TLS (rediss://): ${TLS_REDIS_REFUSAL}; expected a plain host name`);
    if (scheme !== undefined) refuse(field, `expected a host name without scheme, port or path, got "${value}"${redis ? '' : ' (the URL 3scale reads is built from host, port and databaseName)'}`);
    if (value.includes('@')) refuse(field, `expected a host name without user or password (credentials come only from the credentials Secret), got a value with "@"`);
    if (!HOST_NAME.test(value)) refuse(field, `expected a host name or IPv4 address${value.includes(':') ? ' (the port goes in port)' : ''}, got "${value}"`);
  };
  const credentials = (field: string, secretName: string | undefined) => {
    if (secretName !== undefined && CONNECTION_SECRETS.some((n) => secretName === n || secretName === backupSecretName(n))) {
      refuse(`${field}.secretName`, `"${secretName}" is a connection Secret 3scale reads (or its backup), which the cut-over rewrites; expected a Secret of its own holding the managed server's credentials`);
    }
  };

  const db = plan.spec.systemDatabase;
  if (db.kind === 'postgresql' || db.kind === 'mysql') {
    pairing('spec.systemDatabase', db.strategy, db.managed);
    if (db.managed) {
      if (db.managed.tls) refuse('spec.systemDatabase.managed.tls', `${TLS_SQL_REFUSAL}; expected false`);
      host('spec.systemDatabase.managed.host', db.managed.host, false);
      credentials('spec.systemDatabase.managed.credentials', db.managed.credentials.secretName);
    }
  }
  const servers: { field: string; host: string; port: number; databases: number[] }[] = [];
  for (const [field, redis] of [['spec.backendRedis', plan.spec.backendRedis], ['spec.systemRedis', plan.spec.systemRedis]] as const) {
    for (const block of ['managed', 'sentinel'] as const) {
      if (redis.strategy !== block && (redis as Record<string, unknown>)[block] !== undefined) {
        refuse(`${field}.${block}`, `is only read with strategy "${block}", and the strategy is "${redis.strategy}"; expected strategy: ${block}, or no ${block} block`);
      }
    }
    if (redis.strategy === 'sentinel') {
      redis.sentinel.hosts.forEach((h, i) => {
        const port = Number(h.slice(h.lastIndexOf(':') + 1));
        if (port < 1 || port > 65535) refuse(`${field}.sentinel.hosts[${i}]`, `expected a port from 1 to 65535 after the host, got "${h}"`);
        host(`${field}.sentinel.hosts[${i}]`, h.slice(0, h.lastIndexOf(':')), true);
      });
      credentials(`${field}.sentinel.credentials`, redis.sentinel.credentials?.secretName);
    }
    if (redis.strategy !== 'managed') continue;
    const m = redis.managed;
    host(`${field}.managed.host`, m.host, true);
    if (m.tls) refuse(`${field}.managed.tls`, `${TLS_REDIS_REFUSAL}; expected false`);
    if (m.username !== undefined) refuse(`${field}.managed.username`, `${ACL_REFUSAL}; expected no username`);
    if (m.credentials?.userKey !== undefined) refuse(`${field}.managed.credentials.userKey`, `${ACL_REFUSAL}; expected only passwordKey`);
    credentials(`${field}.managed.credentials`, m.credentials?.secretName);
    const databases = 'storageDatabase' in m ? [m.storageDatabase, m.queuesDatabase] : [m.database];
    servers.push({ field, host: m.host.toLowerCase(), port: m.port, databases });
  }
  const b = plan.spec.backendRedis;
  const sys = plan.spec.systemRedis;
  if (b.strategy === 'sentinel' && sys.strategy === 'sentinel') {
    const used = sentinelMasters(b.sentinel).map((m) => `${m.masterName}/${m.database}`);
    const shared = sentinelMasters(sys.sentinel).find((m) => used.includes(`${m.masterName}/${m.database}`));
    if (shared) {
      refuse(
        'spec.systemRedis.sentinel.database',
        `database ${shared.database} of the master "${shared.masterName}" is also used by spec.backendRedis.sentinel, and the two data sets would share keys; expected another database number or another master`,
      );
    }
  }
  const [backend, system] = servers;
  if (backend && system && backend.host === system.host && backend.port === system.port) {
    const shared = system.databases.filter((d) => backend.databases.includes(d));
    if (shared.length) {
      refuse(
        'spec.systemRedis.managed.database',
        `database ${shared[0]} of ${system.host}:${system.port} is also used by spec.backendRedis.managed, and the two data sets would share keys; expected a database number other than ${backend.databases.join(' and ')}, or another server`,
      );
    }
  }
}
