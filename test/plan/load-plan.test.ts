import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { UserError } from '../../src/errors.js';
import { loadPlanFile, parsePlan } from '../../src/plan/load-plan.js';

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
    const { plan, sha256 } = loadPlanFile(path);

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
    expect(() => loadPlanFile(path)).toThrowError(`${path}: cannot read the plan file (no such file); expected a readable migration.yaml.`);
  });

  test('GIVEN a folder instead of a file WHEN it is loaded THEN it is refused', () => {
    // GIVEN
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));

    // WHEN / THEN
    expect(() => loadPlanFile(dir)).toThrowError(/it is a directory/);
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
    expect(refusal(mutated((p) => (p.spec.systemDatabase.storage.size = 'ten gigs')))).toContain('spec.systemDatabase.storage.size: expected a Kubernetes quantity');
  });

  test('a strategy that does not fit the database kind is refused', () => {
    expect(refusal(mutated((p) => (p.spec.systemDatabase.strategy = 'keep-in-place')))).toContain('spec.systemDatabase.strategy: expected one of "upgrade-on-cluster", "already-external"');
  });

  test('a wrong apiVersion is refused', () => {
    expect(refusal(mutated((p) => (p.apiVersion = 'v1')))).toContain('apiVersion: expected "threescale-migrate.3scale.net/v1alpha1"');
  });

  test('an unknown kind is refused, naming the kinds a plan file can have', () => {
    expect(refusal(mutated((p) => (p.kind = 'Migrationplan')))).toBe('migration.yaml: kind: expected one of "MigrationPlan", "TemplateUpgradePlan", got "Migrationplan".');
  });

  test('a missing kind is refused as required', () => {
    expect(refusal(mutated((p) => delete p.kind))).toBe('migration.yaml: kind: is required (expected one of "MigrationPlan", "TemplateUpgradePlan").');
  });

  test('a list instead of a mapping is refused', () => {
    expect(refusal('- a\n- b\n')).toContain('the file holds a list of 2; expected a plan mapping ("MigrationPlan", "TemplateUpgradePlan")');
  });

  test('a billion-laughs alias bomb is refused quickly', () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]'].join('\n');
    expect(refusal(bomb)).toContain('too many aliases');
  });

  test('binary garbage is refused', () => {
    expect(refusal(Buffer.from([0, 159, 146, 150, 0, 1]).toString('latin1'))).toContain('not UTF-8 text');
  });

  test('a MySQL detach list naming an object twice is refused', () => {
    const text = require_text(join(EXAMPLE, '..', '..', 'mysql-in-place-and-redis', 'migration.yaml'));
    const plan = parse(text);
    plan.spec.systemDatabase.detach.push(plan.spec.systemDatabase.detach[1]);
    expect(refusal(stringify(plan))).toBe('migration.yaml: spec.systemDatabase.detach[5]: PersistentVolumeClaim/mysql-storage is listed twice; expected each object once.');
  });
});

describe('spec.upgrade', () => {
  test('GIVEN an upgrade with only enabled and the approval WHEN loaded THEN every other field has its default', () => {
    // GIVEN
    const text = mutated((p) => (p.spec.upgrade = { enabled: true, subscription: { installPlanApproval: 'Automatic' } }));

    // WHEN
    const { plan } = parsePlan(text, 'migration.yaml');

    // THEN the package, catalog and channel of the 3scale operator; the namespace stays open (the operator's)
    expect(plan.spec.upgrade).toEqual({
      enabled: true,
      channel: 'threescale-2.16',
      subscription: { name: '3scale-operator', package: '3scale-operator', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', installPlanApproval: 'Automatic' },
    });
  });

  test('GIVEN spec.upgrade: {} WHEN loaded THEN it is disabled; GIVEN no spec.upgrade THEN it stays absent', () => {
    // GIVEN / WHEN
    const empty = parsePlan(mutated((p) => (p.spec.upgrade = {})), 'migration.yaml').plan;
    const absent = parsePlan(mutated((p) => delete p.spec.upgrade), 'migration.yaml').plan;

    // THEN
    expect(empty.spec.upgrade?.enabled).toBe(false);
    expect(empty.spec.upgrade?.subscription.installPlanApproval).toBeUndefined();
    expect(absent.spec.upgrade).toBeUndefined();
  });

  test('GIVEN the APIcast operator named WHEN loaded THEN its package and name default to apicast-operator', () => {
    // GIVEN
    const text = mutated((p) => (p.spec.upgrade.apicast = { installPlanApproval: 'Manual' }));

    // WHEN
    const { plan } = parsePlan(text, 'migration.yaml');

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
    expect(parsePlan(text, 'migration.yaml').plan.spec.upgrade?.enabled).toBe(false);
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
    const { plan } = parsePlan(text, 'migration.yaml');

    // THEN
    expect(plan.spec.systemRedis.storage).toEqual({ size: '5Gi', storageClassName: 'gp3-csi' });
  });
});
