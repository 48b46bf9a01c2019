import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { UserError } from '../../src/errors.js';
import { loadPlanFile, parsePlan, withVersionRequirements } from '../../src/plan/load-plan.js';
import { threescaleWorkload } from '../../src/plan/plan-facts.js';
import { asMigrationPlan } from '../support/plans.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'postgresql-and-redis', 'migration.yaml');

/** The example plan as an object, with one change applied. */
function mutated(change: (plan: any) => void): string {
  const plan = parse(require_text(EXAMPLE));
  change(plan);
  return stringify(plan);
}

function require_text(path: string): string {
  return readFileSync(path, 'utf8');
}

/** The one-line message of the UserError a plan text raises. */
function refusal(text: string): string {
  try {
    parsePlan(text, 'migration.yaml');
  } catch (err) {
    expect(UserError.isUserError(err)).toBe(true);
    const message = (err as UserError).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message.startsWith('migration.yaml: ')).toBe(true);
    return message;
  }
  throw new Error('the plan was accepted');
}

describe('loadPlanFile', () => {
  test('GIVEN the bundled example WHEN it is loaded THEN every default is filled in', () => {
    // GIVEN
    const path = EXAMPLE;

    // WHEN
    const { plan, sha256 } = asMigrationPlan(loadPlanFile(path));

    // THEN
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.spec.operator.deploymentName).toBe('threescale-operator-controller-manager-v2');
    expect(plan.spec.threescale.appLabel).toBe('3scale-api-management');
    expect(plan.spec.systemDatabase).toMatchObject({ kind: 'postgresql', image: 'registry.redhat.io/rhel9/postgresql-15', databaseName: 'system' });
    expect(plan.spec.backendRedis.image).toBe('registry.redhat.io/rhel9/redis-7');
    expect(plan.spec.cleanup.enabled).toBe(false);
    expect(plan.spec.replicas['apicast-production']).toBe(3);
  });

  test('GIVEN a missing file WHEN it is loaded THEN the refusal names the file', () => {
    // GIVEN
    const path = join(mkdtempSync(join(tmpdir(), 'plan-')), 'nope.yaml');

    // WHEN / THEN
    expect(() => loadPlanFile(path)).toThrow(`${path}: cannot read the plan file (no such file); expected a readable migration.yaml.`);
  });

  test('GIVEN a folder instead of a file WHEN it is loaded THEN it is refused', () => {
    // GIVEN
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));

    // WHEN / THEN
    expect(() => loadPlanFile(dir)).toThrow(/it is a directory/);
  });
});

describe('parsePlan refuses bad plans with one sentence naming the field', () => {
  test('Oracle is refused with the vendor warning', () => {
    const message = refusal(mutated((p) => (p.spec.systemDatabase = { kind: 'oracle' })));
    expect(message).toContain('spec.systemDatabase.kind');
    expect(message).toContain('not compatible with Oracle');
  });

  test('a wrong type names the path, the expectation and the value', () => {
    const message = refusal(mutated((p) => (p.spec.replicas['system-app'] = 'two')));
    expect(message).toBe('migration.yaml: spec.replicas.system-app: expected a whole number of replicas, got "two".');
  });

  test('a negative replica count is refused', () => {
    expect(refusal(mutated((p) => (p.spec.replicas.zync = -1)))).toBe('migration.yaml: spec.replicas.zync: expected a replica count of 0 or more, got -1.');
  });

  test('a fractional replica count is refused', () => {
    expect(refusal(mutated((p) => (p.spec.replicas.zync = 1.5)))).toContain('spec.replicas.zync: expected a whole number of replicas');
  });

  test('a missing Deployment in replicas is refused', () => {
    expect(refusal(mutated((p) => delete p.spec.replicas['zync-que']))).toBe('migration.yaml: spec.replicas.zync-que: is required (expected a whole number of replicas).');
  });

  test('an unknown Deployment in replicas is refused (no typo falls back to a default)', () => {
    expect(refusal(mutated((p) => (p.spec.replicas['system-mysql'] = 1)))).toContain('spec.replicas: unknown field "system-mysql"');
  });

  test('a duplicate Deployment name (a YAML duplicate key) is refused with its line', () => {
    const text = require_text(EXAMPLE).replace('    zync: 1\n', '    zync: 1\n    zync: 2\n');
    expect(refusal(text)).toMatch(/invalid YAML at line \d+, column \d+: a key appears twice in the same mapping/);
  });

  test('a missing namespace is refused', () => {
    expect(refusal(mutated((p) => delete p.spec.threescale.namespace))).toBe('migration.yaml: spec.threescale.namespace: is required (expected string).');
  });

  test('an invalid DNS-1123 name is refused', () => {
    expect(refusal(mutated((p) => (p.spec.targets.namespace = 'DB_Namespace')))).toContain('spec.targets.namespace: expected a DNS-1123 label');
  });

  test('an unknown key is refused', () => {
    expect(refusal(mutated((p) => (p.spec.systemDatabase.storageSize = '10Gi')))).toContain('spec.systemDatabase: unknown field "storageSize"');
  });

  test('a bad quantity is refused', () => {
    expect(refusal(mutated((p) => (p.spec.systemDatabase.storage.size = 'ten gigs')))).toContain('spec.systemDatabase.storage.size: expected a storage size above 0 such as 10Gi or 512Mi, got "ten gigs"');
  });

  test('a strategy that does not fit the database kind is refused', () => {
    expect(refusal(mutated((p) => (p.spec.systemDatabase.strategy = 'keep-in-place')))).toContain('spec.systemDatabase.strategy: expected one of "upgrade-on-cluster", "managed", "already-external"');
  });

  test('a wrong apiVersion is refused', () => {
    expect(refusal(mutated((p) => (p.apiVersion = 'v1')))).toContain('apiVersion: expected "threescale-migrate.3scale.net/v1alpha1"');
  });

  test('an unknown kind is refused, naming the kinds a plan file can have', () => {
    expect(refusal(mutated((p) => (p.kind = 'Migrationplan')))).toBe('migration.yaml: kind: expected one of "MigrationPlan", "FreshInstallPlan", "TemplateUpgradePlan", got "Migrationplan".');
  });

  test('a missing kind is refused as required', () => {
    expect(refusal(mutated((p) => delete p.kind))).toBe('migration.yaml: kind: is required (expected one of "MigrationPlan", "FreshInstallPlan", "TemplateUpgradePlan").');
  });

  test('a list instead of a mapping is refused', () => {
    expect(refusal('- a\n- b\n')).toContain('the file holds a list of 2; expected a plan mapping ("MigrationPlan", "FreshInstallPlan", "TemplateUpgradePlan")');
  });

  test('a billion-laughs alias bomb is refused quickly', () => {
    // 45 aliases (within the alias limit) that expand to 9^6 values
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]'].join('\n');
    expect(refusal(bomb)).toContain('too many aliases');
  });

  test('binary garbage is refused', () => {
    expect(refusal(Buffer.from([0, 159, 146, 150, 0, 1]).toString('latin1'))).toContain('not UTF-8 text');
  });

  test('a MySQL detach list naming an object twice is refused', () => {
    const text = require_text(join(EXAMPLE, '..', '..', 'mysql-in-place-and-redis', 'migration.yaml'));
    const plan = parse(text);
    plan.spec.systemDatabase.detach.push(plan.spec.systemDatabase.detach[1]);
    expect(refusal(stringify(plan))).toBe('migration.yaml: spec.systemDatabase.detach[6]: PersistentVolumeClaim/mysql-storage is listed twice; expected each object once.');
  });
});

describe('spec.threescale.workloadKind (installs before 2.15 run DeploymentConfigs)', () => {
  test('GIVEN no workloadKind WHEN loaded THEN it stays absent (the digest of a 2.15 plan is unchanged) and means Deployment', () => {
    const { plan } = asMigrationPlan(parsePlan(require_text(EXAMPLE), 'migration.yaml'));
    expect(plan.spec.threescale).not.toHaveProperty('workloadKind');
    expect(threescaleWorkload(plan)).toMatchObject({ kind: 'Deployment', apiVersion: 'apps/v1', podLabel: 'deployment' });
  });

  test('GIVEN workloadKind DeploymentConfig and no upgrade WHEN loaded THEN it is kept', () => {
    const text = mutated((p) => {
      p.spec.threescale.workloadKind = 'DeploymentConfig';
      delete p.spec.upgrade;
    });
    expect(asMigrationPlan(parsePlan(text, 'migration.yaml')).plan.spec.threescale.workloadKind).toBe('DeploymentConfig');
  });

  test('an unknown workload kind is refused, naming the two choices', () => {
    const text = mutated((p) => (p.spec.threescale.workloadKind = 'StatefulSet'));
    expect(refusal(text)).toBe('migration.yaml: spec.threescale.workloadKind: expected one of "Deployment", "DeploymentConfig", got "StatefulSet".');
  });

  test('an enabled upgrade to 2.16 on DeploymentConfigs is refused: 2.15 comes first', () => {
    const text = mutated((p) => (p.spec.threescale.workloadKind = 'DeploymentConfig'));
    expect(refusal(text)).toBe(
      'migration.yaml: spec.upgrade.enabled: the upgrade to 2.16 cannot run on an install that still has DeploymentConfigs (spec.threescale.workloadKind: DeploymentConfig, 3scale before 2.15); expected spec.upgrade.enabled: false, and the upgrade to 2.15 done first (its operator turns the DeploymentConfigs into Deployments), then a plan discovered again from the 2.15 install.',
    );
  });

  test('a disabled upgrade on DeploymentConfigs is accepted', () => {
    const text = mutated((p) => {
      p.spec.threescale.workloadKind = 'DeploymentConfig';
      p.spec.upgrade.enabled = false;
    });
    expect(asMigrationPlan(parsePlan(text, 'migration.yaml')).plan.spec.upgrade?.enabled).toBe(false);
  });

  test('a MySQL detach entry whose kind is not the install\'s workload kind is refused', () => {
    const plan = parse(require_text(join(EXAMPLE, '..', '..', 'mysql-in-place-and-redis', 'migration.yaml')));
    plan.spec.threescale.workloadKind = 'DeploymentConfig';
    expect(refusal(stringify(plan))).toBe(
      'migration.yaml: spec.systemDatabase.detach[0].kind: Deployment/system-mysql is a Deployment while spec.threescale.workloadKind is DeploymentConfig; expected the kind the install runs system-mysql as (DeploymentConfig).',
    );
    plan.spec.systemDatabase.detach[0].kind = 'DeploymentConfig';
    expect(asMigrationPlan(parsePlan(stringify(plan), 'migration.yaml')).plan.spec.systemDatabase).toMatchObject({ detach: [{ kind: 'DeploymentConfig', name: 'system-mysql' }, {}, {}, {}, {}, { kind: 'ServiceAccount', name: 'amp' }] });
  });
});

describe('spec.upgrade', () => {
  test('GIVEN an upgrade with only enabled and the approval WHEN loaded THEN every other field has its default', () => {
    // GIVEN
    const text = mutated((p) => (p.spec.upgrade = { enabled: true, subscription: { installPlanApproval: 'Automatic' } }));

    // WHEN
    const { plan } = asMigrationPlan(parsePlan(text, 'migration.yaml'));

    // THEN the package, catalog and channel of the 3scale operator; the namespace stays open (the operator's)
    expect(plan.spec.upgrade).toEqual({
      enabled: true,
      channel: 'threescale-2.16',
      subscription: { name: '3scale-operator', package: '3scale-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', installPlanApproval: 'Automatic' },
    });
  });

  test('GIVEN spec.upgrade: {} WHEN loaded THEN it is disabled; GIVEN no spec.upgrade THEN it stays absent', () => {
    // GIVEN / WHEN
    const empty = asMigrationPlan(parsePlan(mutated((p) => (p.spec.upgrade = {})), 'migration.yaml')).plan;
    const absent = asMigrationPlan(parsePlan(mutated((p) => delete p.spec.upgrade), 'migration.yaml')).plan;

    // THEN
    expect(empty.spec.upgrade?.enabled).toBe(false);
    expect(empty.spec.upgrade?.subscription.installPlanApproval).toBeUndefined();
    expect(absent.spec.upgrade).toBeUndefined();
  });

  test('GIVEN the APIcast operator named WHEN loaded THEN its package and name default to apicast-operator', () => {
    // GIVEN
    const text = mutated((p) => (p.spec.upgrade.apicast = { installPlanApproval: 'Manual' }));

    // WHEN
    const { plan } = asMigrationPlan(parsePlan(text, 'migration.yaml'));

    // THEN
    expect(plan.spec.upgrade?.apicast).toEqual({ name: 'apicast-operator', package: 'apicast-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', installPlanApproval: 'Manual' });
  });

  test('a bad approval value is refused, naming the two choices', () => {
    const text = mutated((p) => (p.spec.upgrade.subscription.installPlanApproval = 'manual'));
    expect(refusal(text)).toBe('migration.yaml: spec.upgrade.subscription.installPlanApproval: expected one of "Automatic", "Manual", got "manual".');
  });

  test('an enabled upgrade without the approval mode is refused: it is never guessed', () => {
    const text = mutated((p) => delete p.spec.upgrade.subscription.installPlanApproval);
    expect(refusal(text)).toBe(
      'migration.yaml: spec.upgrade.subscription.installPlanApproval: is required when spec.upgrade.enabled is true (expected "Automatic" or "Manual", as the live Subscription has it; discover fills it in).',
    );
  });

  test('the APIcast Subscription of an enabled upgrade needs its approval mode too', () => {
    const text = mutated((p) => (p.spec.upgrade.apicast = { source: 'redhat-operators' }));
    expect(refusal(text)).toContain('migration.yaml: spec.upgrade.apicast.installPlanApproval: is required when spec.upgrade.enabled is true');
  });

  test('a disabled upgrade may leave the approval mode out', () => {
    const text = mutated((p) => (p.spec.upgrade = { enabled: false, subscription: { name: '3scale-operator' } }));
    expect(asMigrationPlan(parsePlan(text, 'migration.yaml')).plan.spec.upgrade?.enabled).toBe(false);
  });

  test('a channel that is not a 3scale channel, and an unknown key, are refused', () => {
    expect(refusal(mutated((p) => (p.spec.upgrade.channel = 'stable')))).toBe('migration.yaml: spec.upgrade.channel: expected an OLM channel such as threescale-2.16, got "stable".');
    expect(refusal(mutated((p) => (p.spec.upgrade.subscription.startingCSV = 'x')))).toContain('spec.upgrade.subscription: unknown field "startingCSV"');
  });
});

describe('parsePlan on files', () => {
  test('GIVEN the same bytes twice WHEN parsed THEN the digests are equal', () => {
    // GIVEN
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    const path = join(dir, 'migration.yaml');
    writeFileSync(path, require_text(EXAMPLE));

    // WHEN
    const a = loadPlanFile(path);
    const b = loadPlanFile(EXAMPLE);

    // THEN
    expect(a.sha256).toBe(b.sha256);
  });
});

describe('plan digest', () => {
  test('GIVEN two plans that differ only in comments and the GitOps target WHEN loaded THEN their digests are equal', () => {
    // GIVEN
    const text = readFileSync(EXAMPLE, 'utf8');
    const promoted = text.replace('targetPhase: scale-down', 'targetPhase: copy-data').replace('# A 3scale', '# Another comment on a 3scale');

    // WHEN
    const a = parsePlan(text, 'a.yaml');
    const b = parsePlan(promoted, 'b.yaml');

    // THEN
    expect(b.plan.spec.gitops.targetPhase).toBe('copy-data');
    expect(b.sha256).toBe(a.sha256);
  });

  test('GIVEN a changed replica count WHEN loaded THEN the digest changes', () => {
    // GIVEN
    const text = readFileSync(EXAMPLE, 'utf8');

    // WHEN
    const a = parsePlan(text, 'a.yaml');
    const b = parsePlan(text.replace('apicast-production: 3', 'apicast-production: 4'), 'b.yaml');

    // THEN
    expect(b.sha256).not.toBe(a.sha256);
  });
});

describe('parsePlan on hostile input (property-based)', () => {
  const base = parse(readFileSync(EXAMPLE, 'utf8'));

  /** Every path of the example plan, as key lists. */
  function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
    if (value && typeof value === 'object') return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
    return [prefix];
  }
  const allPaths = paths(base).filter((p) => p.length > 0);

  function setAt(doc: any, path: (string | number)[], value: unknown, remove: boolean): any {
    const copy = structuredClone(doc);
    let node = copy;
    for (const key of path.slice(0, -1)) node = node[key];
    if (remove) delete node[path[path.length - 1]!];
    else node[path[path.length - 1]!] = value;
    return copy;
  }

  /** Accepted, or refused with exactly one sentence naming the file; nothing else. */
  function acceptedOrRefused(text: string): 'accepted' | 'refused' {
    try {
      parsePlan(text, 'migration.yaml');
      return 'accepted';
    } catch (err) {
      expect(UserError.isUserError(err), String((err as Error).stack)).toBe(true);
      const message = (err as Error).message;
      expect(message.startsWith('migration.yaml: ')).toBe(true);
      expect(message.includes('\n')).toBe(false);
      expect(message.length).toBeLessThan(600);
      return 'refused';
    }
  }

  test('GIVEN thousands of mutated plans (wrong types, huge numbers, unicode, long names, removed keys) WHEN parsed THEN each is accepted or refused in one sentence', async () => {
    const fc = await import('fast-check');
    const value = fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.string({ unit: 'grapheme', maxLength: 80 }),
      fc.string({ minLength: 200, maxLength: 5000 }),
      fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 1e308, Number.NaN, 0.5, '10Gi', 'oracle', '', null, [], {}),
    );
    fc.assert(
      fc.property(fc.constantFrom(...allPaths), value, fc.boolean(), (path, v, remove) => {
        acceptedOrRefused(stringify(setAt(base, path, v, remove)));
      }),
      { numRuns: 2000 },
    );
  });

  test('GIVEN arbitrary text and bytes WHEN parsed THEN never a crash, never a hang', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('latin1'))), (text) => {
        acceptedOrRefused(text);
      }),
      { numRuns: 2000 },
    );
  });

  test('GIVEN YAML anchors and aliases within limits WHEN parsed THEN they resolve like plain YAML', () => {
    // GIVEN
    const text = readFileSync(EXAMPLE, 'utf8').replace('  backendRedis:\n    storage:\n      size: 5Gi\n      storageClassName: gp3-csi\n', '  backendRedis:\n    storage: &redisStorage\n      size: 5Gi\n      storageClassName: gp3-csi\n').replace('  systemRedis:\n    storage:\n      storageClassName: gp3-csi\n', '  systemRedis:\n    storage: *redisStorage\n');

    // WHEN
    const { plan } = asMigrationPlan(parsePlan(text, 'migration.yaml'));

    // THEN
    expect(plan.spec.systemRedis.storage).toEqual({ size: '5Gi', storageClassName: 'gp3-csi' });
  });
});

describe('managed targets (seed chapters 4 to 6)', () => {
  const MANAGED = join(import.meta.dirname, '..', '..', 'examples', 'managed-rds-and-elasticache', 'migration.yaml');
  /** The managed example with one change. */
  const managed = (change: (plan: any) => void): string => {
    const plan = parse(require_text(MANAGED));
    change(plan);
    return stringify(plan);
  };

  test('GIVEN the managed example WHEN loaded THEN the managed blocks carry their defaults', () => {
    // GIVEN / WHEN
    const { plan } = asMigrationPlan(loadPlanFile(MANAGED));
    // THEN
    expect(plan.spec.systemDatabase).toMatchObject({
      kind: 'postgresql',
      strategy: 'managed',
      managed: { port: 5432, databaseName: 'system', tls: false, credentials: { secretName: 'rds-system-credentials', namespace: 'aws-credentials', userKey: 'username', passwordKey: 'password' } },
    });
    expect(plan.spec.backendRedis.managed).toEqual({
      host: 'threescale-backend.x1y2z3.ng.0001.euw1.cache.amazonaws.com',
      port: 6379,
      tls: false,
      seed: 'rdb-export',
      storageDatabase: 0,
      queuesDatabase: 1,
    });
    expect(plan.spec.systemRedis).toMatchObject({ strategy: 'upgrade-on-cluster' });
  });

  test('GIVEN a managed MySQL and a managed system Redis with only host and credentials WHEN loaded THEN ports, database 1 and the key names default', () => {
    // GIVEN
    const text = managed((p) => {
      p.spec.systemDatabase = { kind: 'mysql', strategy: 'managed', managed: { host: 'db.example.internal', credentials: { secretName: 'rds' } } };
      p.spec.systemRedis = { strategy: 'managed', managed: { host: '10.0.3.7', credentials: { secretName: 'redis-auth' } } };
    });
    // WHEN
    const { plan } = asMigrationPlan(parsePlan(text, 'migration.yaml'));
    // THEN
    expect(plan.spec.systemDatabase).toMatchObject({ managed: { port: 3306, databaseName: 'system', credentials: { userKey: 'username', passwordKey: 'password' } } });
    expect(plan.spec.systemRedis.managed).toMatchObject({ port: 6379, database: 1, seed: 'rdb-export', credentials: { secretName: 'redis-auth', passwordKey: 'password' } });
  });

  test('TLS to the System database is refused with the reason', () => {
    expect(refusal(managed((p) => (p.spec.systemDatabase.managed.tls = true)))).toBe(
      'migration.yaml: spec.systemDatabase.managed.tls: 3scale 2.15 does not support TLS to the System database (the vendor lists it as a limitation; 2.16 adds it), so the managed server must accept connections without TLS; expected false.',
    );
  });

  test('TLS to Redis is refused, as tls: true and as a rediss:// host', () => {
    expect(refusal(managed((p) => (p.spec.backendRedis.managed.tls = true)))).toContain('spec.backendRedis.managed.tls: 3scale 2.15 does not support TLS to Redis');
    expect(refusal(managed((p) => (p.spec.backendRedis.managed.host = 'rediss://cache.example:6380')))).toBe(
      'migration.yaml: spec.backendRedis.managed.host: "rediss://cache.example:6380" asks for TLS (rediss://): 3scale 2.15 does not support TLS to Redis (the vendor lists it as a limitation), so the managed Redis must accept connections without TLS; expected a plain host name.',
    );
  });

  test('a Redis ACL user is refused, as username and as credentials.userKey', () => {
    expect(refusal(managed((p) => (p.spec.backendRedis.managed.username = 'threescale')))).toBe(
      'migration.yaml: spec.backendRedis.managed.username: 3scale 2.15 does not support Redis ACL users (only the default user, with a password or none); expected no username.',
    );
    expect(refusal(managed((p) => (p.spec.backendRedis.managed.credentials = { secretName: 'auth', userKey: 'user' })))).toContain(
      'spec.backendRedis.managed.credentials.userKey: 3scale 2.15 does not support Redis ACL users',
    );
  });

  test('a URL or host:port instead of a host name is refused, naming where the port goes', () => {
    expect(refusal(managed((p) => (p.spec.systemDatabase.managed.host = 'postgresql://db.example/system')))).toContain(
      'spec.systemDatabase.managed.host: expected a host name without scheme, port or path, got "postgresql://db.example/system"',
    );
    expect(refusal(managed((p) => (p.spec.backendRedis.managed.host = 'cache.example:6379')))).toContain('expected a host name or IPv4 address (the port goes in port), got "cache.example:6379"');
  });

  test('strategy managed without its block, and a block without the strategy, are refused', () => {
    expect(refusal(managed((p) => delete p.spec.backendRedis.managed))).toBe(
      'migration.yaml: spec.backendRedis.managed: is required (expected an object with the host, port and credentials Secret of the existing server (strategy "managed" reads it)).',
    );
    expect(refusal(managed((p) => (p.spec.systemDatabase.strategy = 'upgrade-on-cluster')))).toContain(
      'spec.systemDatabase.managed: is only read with strategy "managed", and the strategy is "upgrade-on-cluster"',
    );
  });

  test('a connection Secret of 3scale as the credentials Secret is refused', () => {
    expect(refusal(managed((p) => (p.spec.systemDatabase.managed.credentials.secretName = 'system-database')))).toContain(
      'spec.systemDatabase.managed.credentials.secretName: "system-database" is a connection Secret 3scale reads (or its backup), which the cut-over rewrites',
    );
  });

  test('both Redis on one server sharing a database number are refused', () => {
    const text = managed((p) => (p.spec.systemRedis = { strategy: 'managed', managed: { host: p.spec.backendRedis.managed.host } }));
    expect(refusal(text)).toContain('spec.systemRedis.managed.database: database 1 of threescale-backend.x1y2z3.ng.0001.euw1.cache.amazonaws.com:6379 is also used by spec.backendRedis.managed');
    expect(() => parsePlan(managed((p) => (p.spec.systemRedis = { strategy: 'managed', managed: { host: p.spec.backendRedis.managed.host, database: 2 } })), 'm.yaml')).not.toThrow();
  });

  test('a database number above 15 and a port of 0 are refused', () => {
    expect(refusal(managed((p) => (p.spec.backendRedis.managed.queuesDatabase = 16)))).toContain('spec.backendRedis.managed.queuesDatabase: expected a Redis database number from 0 to 15, got 16');
    expect(refusal(managed((p) => (p.spec.systemDatabase.managed.port = 0)))).toContain('spec.systemDatabase.managed.port: expected a TCP port from 1 to 65535, got 0');
  });
});

describe('spec.preflight.versionRequirements', () => {
  test('GIVEN a plan without it WHEN loaded THEN the vendor table applies; GIVEN another value THEN one sentence names the choices', () => {
    // GIVEN
    const raw = parse(readFileSync(EXAMPLE, 'utf8'));

    // WHEN
    const plain = asMigrationPlan(parsePlan(stringify(raw), 'migration.yaml'));
    raw.spec.preflight = { versionRequirements: 'newest' };
    const bad = () => parsePlan(stringify(raw), 'migration.yaml');

    // THEN
    expect(plain.plan.spec.preflight).toEqual({ versionRequirements: 'vendor' });
    expect(bad).toThrow(new UserError('migration.yaml: spec.preflight.versionRequirements: expected one of "vendor", "operator", got "newest".'));
  });

  test('GIVEN the --version-requirements override WHEN applied THEN the plan and its digest are those of a file saying so; the same value changes nothing', () => {
    // GIVEN
    const raw = parse(readFileSync(EXAMPLE, 'utf8'));
    const loaded = parsePlan(stringify(raw), 'migration.yaml');
    raw.spec.preflight = { versionRequirements: 'operator' };
    const written = parsePlan(stringify(raw), 'migration.yaml');

    // WHEN
    const overridden = withVersionRequirements(loaded, 'operator');

    // THEN
    expect(overridden.plan).toEqual(written.plan);
    expect(overridden.sha256).toBe(written.sha256);
    expect(withVersionRequirements(loaded, 'vendor')).toBe(loaded);
    expect(withVersionRequirements(loaded, undefined)).toBe(loaded);
  });
});
