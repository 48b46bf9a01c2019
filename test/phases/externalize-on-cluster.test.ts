/**
 * Specification of src/procedures/externalize-on-cluster/externalize-on-cluster.ts: the on-cluster externalization procedure (seed
 * chapter 3) as an ordered list of phases, which of them a plan runs, what each one says it changes and
 * expects, and how each is undone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { externalizeOnCluster } from '../../src/procedures/externalize-on-cluster/externalize-on-cluster.js';
import type { PhaseDefinition } from '../../src/phases/phase.js';
import { phaseFolder } from '../../src/phases/registry.js';
import { THREESCALE_DEPLOYMENTS } from '../../src/plan/deployments.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { EXAMPLES, examplePlanWith, loadExample } from '../support/plans.js';

const phase = (id: string): PhaseDefinition => {
  const found = externalizeOnCluster.phases.find((p) => p.id === id);
  if (!found) throw new Error(`no phase ${id}`);
  return found;
};

const ids = (phases: readonly PhaseDefinition[]) => phases.map((p) => p.id);

/** A MySQL-in-place plan in which both Redis are already external: the smallest plan that needs the window. */
const mysqlOnly = () =>
  examplePlanWith('mysql-in-place-and-redis', (raw) => {
    raw.spec.backendRedis = { strategy: 'already-external' };
    raw.spec.systemRedis = { strategy: 'already-external' };
    raw.spec.cleanup = { enabled: true };
  }).plan;

describe('externalize-on-cluster', () => {
  test('lists the phases of seed chapter 3, with the upgrade of chapters 1 and 2 between verify and cleanup, in the order they are applied', () => {
    // GIVEN
    const procedure = externalizeOnCluster;

    // WHEN
    const order = ids(procedure.phases);

    // THEN
    expect(procedure.id).toBe('externalize-on-cluster');
    expect(order).toEqual(['preflight', 'prepare', 'scale-down', 'copy-data', 'load-redis', 'cutover', 'scale-up', 'verify', 'upgrade', 'cleanup']);
    expect(new Set(order).size).toBe(order.length);
    for (const id of order) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  test('gives a rollback to every phase that changes something, and none to preflight, copy-data, verify and cleanup', () => {
    // GIVEN
    const procedure = externalizeOnCluster;

    // WHEN
    const withRollback = ids(procedure.phases.filter((p) => p.rollback));
    const without = ids(procedure.phases.filter((p) => !p.rollback));

    // THEN
    expect(withRollback).toEqual(['prepare', 'scale-down', 'load-redis', 'cutover', 'scale-up', 'upgrade']);
    expect(without).toEqual(['preflight', 'copy-data', 'verify', 'cleanup']);
  });

  test('marks only the cleanup as destructive', () => {
    // GIVEN
    const procedure = externalizeOnCluster;

    // WHEN
    const destructive = ids(procedure.phases.filter((p) => p.destructive));

    // THEN
    expect(destructive).toEqual(['cleanup']);
  });

  test('opens the maintenance window once at scale-down and closes it once at scale-up, with the data phases inside', () => {
    // GIVEN
    const marks = externalizeOnCluster.phases.map((p) => p.window);

    // WHEN
    const opens = marks.indexOf('opens-window');
    const closes = marks.indexOf('closes-window');

    // THEN
    expect(marks.filter((m) => m === 'opens-window')).toHaveLength(1);
    expect(marks.filter((m) => m === 'closes-window')).toHaveLength(1);
    expect(externalizeOnCluster.phases[opens]!.id).toBe('scale-down');
    expect(externalizeOnCluster.phases[closes]!.id).toBe('scale-up');
    marks.forEach((m, i) => {
      if (i < opens) expect(m).toBe('before-window');
      if (i > opens && i < closes) expect(m).toBe('in-window');
      if (i > closes) expect(m).toBe('after-window');
    });
  });

  test('loads a chart module with a render function for every phase and every rollback', async () => {
    // GIVEN
    const loaders = externalizeOnCluster.phases.flatMap((p) => [p.chart, ...(p.rollback ? [p.rollback.chart] : [])]);

    // WHEN
    const modules = await Promise.all(loaders.map((load) => load()));

    // THEN
    for (const m of modules) expect(typeof m.render).toBe('function');
  });

  test('rolls scale-down back with the scale-up chart and scale-up back with the scale-down chart', async () => {
    // GIVEN
    const down = phase('scale-down');
    const up = phase('scale-up');

    // WHEN
    const [downChart, upChart, downUndo, upUndo] = await Promise.all([down.chart(), up.chart(), down.rollback!.chart(), up.rollback!.chart()]);

    // THEN
    expect(downUndo).toBe(upChart);
    expect(upUndo).toBe(downChart);
  });

  describe.each(EXAMPLES)('on examples/%s', (name) => {
    test('describes every phase it runs with at least one change and one expectation, in plain one-line sentences', () => {
      // GIVEN
      const { plan } = loadExample(name);

      // WHEN
      const running = externalizeOnCluster.phases.filter((p) => p.applies(plan));

      // THEN
      for (const p of running) {
        const lines = [...p.describe(plan), ...p.expects(plan), ...(p.rollback ? p.rollback.describe(plan) : [])];
        expect(p.describe(plan).length, p.id).toBeGreaterThan(0);
        expect(p.expects(plan).length, p.id).toBeGreaterThan(0);
        for (const l of lines) {
          expect(l, p.id).not.toMatch(/\n|undefined|\[object Object\]/);
          expect(l.trim(), p.id).not.toBe('');
        }
      }
    });
  });

  describe('which phases apply', () => {
    test('always runs preflight, even when nothing moves', () => {
      // GIVEN
      const plan = examplePlanWith('redis-only', (raw) => {
        raw.spec.backendRedis = { strategy: 'already-external' };
        raw.spec.systemRedis = { strategy: 'already-external' };
      }).plan;

      // WHEN
      const running = ids(externalizeOnCluster.phases.filter((p) => p.applies(plan)));

      // THEN
      expect(running).toEqual(['preflight']);
    });

    test('runs copy-data and load-redis for a redis-only plan, and prepare for its new servers', () => {
      // GIVEN
      const { plan } = loadExample('redis-only');

      // WHEN
      const running = ids(externalizeOnCluster.phases.filter((p) => p.applies(plan)));

      // THEN
      expect(running).toEqual(expect.arrayContaining(['prepare', 'copy-data', 'load-redis', 'cutover', 'cleanup']));
    });

    test('runs copy-data but not load-redis for a PostgreSQL move whose Redis are already external', () => {
      // GIVEN
      const plan = examplePlanWith('postgresql-and-redis', (raw) => {
        raw.spec.backendRedis = { strategy: 'already-external' };
        raw.spec.systemRedis = { strategy: 'already-external' };
      }).plan;

      // WHEN
      const running = ids(externalizeOnCluster.phases.filter((p) => p.applies(plan)));

      // THEN
      expect(running).toEqual(['preflight', 'prepare', 'scale-down', 'copy-data', 'cutover', 'scale-up', 'verify', 'upgrade']);
    });

    test('runs neither prepare nor cleanup for MySQL kept in place alone: nothing is created and nothing old is deleted', () => {
      // GIVEN
      const plan = mysqlOnly();

      // WHEN
      const running = ids(externalizeOnCluster.phases.filter((p) => p.applies(plan)));

      // THEN
      expect(running).toEqual(['preflight', 'scale-down', 'cutover', 'scale-up', 'verify']);
    });

    test('never runs the destructive cleanup unless spec.cleanup.enabled is true', () => {
      for (const name of EXAMPLES) {
        // GIVEN
        const off = examplePlanWith(name, (raw) => (raw.spec.cleanup = { enabled: false })).plan;
        const on = examplePlanWith(name, (raw) => (raw.spec.cleanup = { enabled: true })).plan;

        // WHEN
        const cleanup = phase('cleanup');

        // THEN
        expect(cleanup.applies(off), name).toBe(false);
        expect(cleanup.applies(on), name).toBe(true);
      }
    });
  });

  describe('the upgrade to 2.16', () => {
    /** An example with `spec.upgrade` as given (absent when undefined). */
    const withUpgrade = (name: (typeof EXAMPLES)[number], upgrade: unknown) =>
      examplePlanWith(name, (raw) => {
        if (upgrade === undefined) delete raw.spec.upgrade;
        else raw.spec.upgrade = upgrade;
      }).plan;

    test('sits between verify and cleanup, so its folder is 08-upgrade and the cleanup becomes 09-cleanup', () => {
      // GIVEN
      const order = ids(externalizeOnCluster.phases);

      // WHEN
      const upgrade = order.indexOf('upgrade');
      const cleanup = order.indexOf('cleanup');

      // THEN
      expect(upgrade).toBe(8);
      expect(order[upgrade - 1]).toBe('verify');
      expect(cleanup).toBe(9);
      expect(phaseFolder(cleanup, 'cleanup')).toBe('09-cleanup');
    });

    test('runs after the window, is not destructive, and has a rollback', () => {
      // GIVEN
      const upgrade = phase('upgrade');

      // WHEN / THEN
      expect(upgrade.window).toBe('after-window');
      expect(upgrade.destructive).toBe(false);
      expect(upgrade.rollback?.title).toBe('channel back to threescale-2.15, which only stops an upgrade still pending');
    });

    test('applies only when spec.upgrade.enabled is true (never enabled before 2.15: the loader refuses it)', () => {
      for (const name of EXAMPLES.filter((n) => n !== 'pre-2.15-deploymentconfigs')) {
        // GIVEN
        const absent = withUpgrade(name, undefined);
        const off = withUpgrade(name, { enabled: false });
        const on = withUpgrade(name, { enabled: true, subscription: { installPlanApproval: 'Automatic' } });

        // WHEN
        const upgrade = phase('upgrade');

        // THEN
        expect(upgrade.applies(absent), name).toBe(false);
        expect(upgrade.applies(off), name).toBe(false);
        expect(upgrade.applies(on), name).toBe(true);
      }
    });

    test('runs alone after the preflight when every component was already external', () => {
      // GIVEN
      const plan = examplePlanWith('redis-only', (raw) => {
        raw.spec.backendRedis = { strategy: 'already-external' };
        raw.spec.systemRedis = { strategy: 'already-external' };
        raw.spec.upgrade = { enabled: true, subscription: { installPlanApproval: 'Automatic' } };
      }).plan;

      // WHEN
      const running = ids(externalizeOnCluster.phases.filter((p) => p.applies(plan)));

      // THEN
      expect(running).toEqual(['preflight', 'upgrade']);
      expect(phase('upgrade').expects(plan)).toContain('nothing was moved by this plan: every component was already external');
    });

    test('changes the channel of each Subscription and keeps the approval mode found; Manual approval is spelled out', () => {
      // GIVEN
      const plan = withUpgrade('postgresql-and-redis', {
        enabled: true,
        subscription: { installPlanApproval: 'Manual' },
        apicast: { namespace: 'apicast', source: 'my-catalog', installPlanApproval: 'Automatic' },
      });

      // WHEN
      const lines = phase('upgrade').describe(plan);

      // THEN
      expect(lines[0]).toBe(
        'Subscription 3scale/3scale-operator of the 3scale operator (package 3scale-operator from openshift-marketplace/redhat-operators): spec.channel threescale-2.16, installPlanApproval Manual as found',
      );
      expect(lines[1]).toBe(
        'Subscription apicast/apicast-operator of the APIcast operator (package apicast-operator from openshift-marketplace/my-catalog): spec.channel threescale-2.16, installPlanApproval Automatic as found',
      );
      expect(lines[2]).toBe('with Manual approval OLM waits: approve the 2.16 InstallPlan of 3scale/3scale-operator to start the upgrade');
      expect(lines.at(-1)).toContain('Preflights condition');
    });

    test('expects every component external, verify done, the latest 2.15 CSV, OpenShift 4.12 and the server versions, which diff checks', () => {
      // GIVEN
      const { plan } = loadExample('postgresql-and-redis');

      // WHEN
      const lines = phase('upgrade').expects(plan);

      // THEN
      expect(lines[0]).toContain('the System database, system Redis and backend Redis are all external');
      expect(lines[0]).toContain('the 2.16 operator refuses to upgrade otherwise');
      expect(lines[1]).toBe('the verify phase is done (its Jobs recorded their evidence)');
      expect(lines[2]).toContain('Subscription 3scale/3scale-operator is on the latest CSV of threescale-2.15 with no pending InstallPlan');
      expect(lines.slice(3)).toEqual([
        'OpenShift 4.12, 4.14, 4.16, 4.17, 4.18, 4.19 or 4.20, the System database not Oracle, and the servers at PostgreSQL 15.0 / MySQL 8.0.0 / Redis 7.2 or later (vendor requirements)',
        'every preflight check passes: diff and status list them and keep this phase blocked while one fails',
      ]);
    });

    test('its rollback says plainly that OLM does not downgrade: it only stops a pending upgrade', () => {
      // GIVEN
      const { plan } = loadExample('postgresql-and-redis');

      // WHEN
      const lines = phase('upgrade').rollback!.describe(plan);

      // THEN
      expect(lines).toEqual([
        'Subscription 3scale/3scale-operator: spec.channel back to threescale-2.15',
        'OLM does not downgrade an installed CSV: this only stops an upgrade that is still pending (with Manual approval, an InstallPlan not approved yet)',
        'a completed 2.16 upgrade cannot be rolled back by channel: once the 2.16 CSV is installed, changing the channel back does not bring 2.15 back',
      ]);
    });
  });

  describe('what the phases say they change', () => {
    test('preflight records the replica counts of all twelve 3scale Deployments and the versions of the servers in use', () => {
      // GIVEN a plan that moves PostgreSQL and both Redis and upgrades to 2.16
      const { plan } = loadExample('postgresql-and-redis');

      // WHEN
      const lines = phase('preflight').describe(plan);

      // THEN the servers it replaces are only recorded
      expect(lines).toEqual([
        'ConfigMap 3scale/threescale-migrate-state records the plan digest and the replica count of the 12 3scale Deployments, so they outlive any workstation',
        'Job check-versions-system-database asks system-database for their version through the connection Secrets (read-only) and records them against PostgreSQL 15.0, MySQL 8.0.0, Redis 7.2 (vendor requirements) without failing',
        'Job check-versions-redis asks backend-redis-storage, backend-redis-queues, system-redis for their version through the connection Secrets (read-only) and records them against PostgreSQL 15.0, MySQL 8.0.0, Redis 7.2 (vendor requirements) without failing',
      ]);
    });

    test('preflight fails on a server the plan keeps, when it upgrades; verify records the new servers', () => {
      // GIVEN MySQL kept in place, the upgrade enabled and the operator table
      const { plan } = examplePlanWith('mysql-in-place-and-redis', (raw) => {
        raw.spec.upgrade = { enabled: true, subscription: { installPlanApproval: 'Manual' } };
        raw.spec.preflight = { versionRequirements: 'operator' };
      });

      // WHEN
      const preflightLines = phase('preflight').describe(plan);
      const verifyLines = phase('verify').describe(plan);

      // THEN
      expect(preflightLines[1]).toBe(
        'Job check-versions-system-database asks system-database for their version through the connection Secrets (read-only) and fails when system-database is below PostgreSQL 13.0.0, MySQL 8.0.0, Redis 7.0.0 (operator requirements)',
      );
      expect(verifyLines.slice(-2)).toEqual([
        'Job check-new-versions-system-database asks system-database for their version through the connection Secrets (read-only) and records them against PostgreSQL 13.0.0, MySQL 8.0.0, Redis 7.0.0 (operator requirements) without failing',
        'Job check-new-versions-redis asks backend-redis-storage, backend-redis-queues, system-redis for their version through the connection Secrets (read-only) and records them against PostgreSQL 13.0.0, MySQL 8.0.0, Redis 7.0.0 (operator requirements) without failing',
      ]);
    });

    test('scale-down first checks the background jobs (seed 6.1), then stops the operator and every 3scale Deployment; scale-up restores each captured count', () => {
      // GIVEN
      const { plan } = loadExample('postgresql-and-redis');

      // WHEN
      const down = phase('scale-down').describe(plan);
      const up = phase('scale-up').describe(plan);

      // THEN
      expect(down[0]).toMatch(/^first, Job check-queues \(read-only, seed 6\.1\) waits up to 5 minutes for the Sidekiq queues .* and the backend job queues .* to be empty/);
      expect(down[1]).toBe('operator Deployment 3scale/threescale-operator-controller-manager-v2 to 0 replicas');
      for (const d of THREESCALE_DEPLOYMENTS) {
        expect(down[2]).toContain(d);
        expect(up[0]).toContain(`${d}=${plan.spec.replicas[d]}`);
      }
      expect(up[0]).toContain('apicast-production=3');
      expect(up[1]).toBe('operator 3scale/threescale-operator-controller-manager-v2 to 1 replica');
    });

    test('prepare names the new servers, the namespace it creates and the credentials copy to another namespace', () => {
      // GIVEN
      const { plan } = loadExample('postgresql-and-redis');

      // WHEN
      const lines = phase('prepare').describe(plan);

      // THEN
      expect(lines[0]).toBe('Namespace 3scale-db');
      expect(lines.join('\n')).toContain('PostgreSQL 15 in 3scale-db: Deployment system-postgresql-external');
      expect(lines.join('\n')).toContain('Job copy-database-credentials copies DB_USER and DB_PASSWORD of system-database into 3scale-db');
      expect(lines.join('\n')).toContain('Redis 7 for backend in 3scale-db');
      expect(lines.join('\n')).toContain('Redis 7 for system in 3scale-db');
      expect(lines.at(-1)).toBe('ConfigMap redis-config-external in persistence mode (save 900 1, save 300 10, save 60 10000, appendonly yes)');
    });

    test('cutover of a PostgreSQL move rewrites the three connection Secrets and flags three components external', () => {
      // GIVEN
      const { plan } = loadExample('postgresql-and-redis');

      // WHEN
      const lines = phase('cutover').describe(plan);
      const undo = phase('cutover').rollback!.describe(plan);

      // THEN
      expect(lines[0]).toContain('system-database URL');
      expect(lines[0]).toContain('backend-redis REDIS_STORAGE_URL (/0) and REDIS_QUEUES_URL (/1)');
      expect(lines[0]).toContain('system-redis URL (/1)');
      expect(lines[1]).toBe('APIManager apimanager: spec.externalComponents system.database, backend.redis, system.redis true');
      expect(lines).toContain('the old system-postgresql to 0 replicas');
      expect(undo).toContain('APIManager spec.externalComponents back to false, spec.system.database.postgresql: {} put back');
    });

    test('cutover of MySQL kept in place detaches it and does not rewrite the system-database Secret', () => {
      // GIVEN
      const { plan } = loadExample('mysql-in-place-and-redis');

      // WHEN
      const lines = phase('cutover').describe(plan);
      const undo = phase('cutover').rollback!.describe(plan);

      // THEN
      expect(lines.join('\n')).not.toContain('system-database URL');
      expect(lines.join('\n')).toContain('Job detach-system-mysql removes, each removal guarded by a JSON patch test, from Deployment system-mysql (the APIManager ownerReference, 3 labels, 9 pod template labels), ');
      expect(undo.join('\n')).not.toContain('postgresql: {}');
      expect(undo.join('\n')).toContain('the operator re-adds its ownerReference and labels to the MySQL objects once it runs');
    });

    test('GIVEN a partial detach list (the PVC alone, its ownerReference only) WHEN the cut-over is described THEN it names exactly that object and removal, as the rendered Job does', async () => {
      // GIVEN
      const loaded = examplePlanWith('mysql-in-place-and-redis', (raw) => (raw.spec.systemDatabase.detach = [{ kind: 'PersistentVolumeClaim', name: 'mysql-storage', apiManagerOwnerIndex: 0 }]));

      // WHEN
      const line = phase('cutover').describe(loaded.plan).find((l) => l.includes('detach'));
      const rendered = (await synthesize(loaded)).files.filter((f) => f.path.startsWith('05-cutover/patches/')).map((f) => f.path);

      // THEN
      expect(line).toBe('Job detach-system-mysql removes, each removal guarded by a JSON patch test, from PersistentVolumeClaim mysql-storage (the APIManager ownerReference): 1 removal (spec.systemDatabase.detach; any other object stays as it is)');
      expect(line).not.toMatch(/system-mysql \(|mysql-extra-conf|Service/);
      expect(rendered).toEqual(['05-cutover/patches/01-persistentvolumeclaim-mysql-storage-owner.json']);
    });

    test('GIVEN an empty detach list WHEN the cut-over is described THEN it says no Job is rendered, and none is', async () => {
      // GIVEN
      const loaded = examplePlanWith('mysql-in-place-and-redis', (raw) => (raw.spec.systemDatabase.detach = []));

      // WHEN
      const lines = phase('cutover').describe(loaded.plan);
      const jobs = (await synthesize(loaded)).forward.find((st) => st.phase.definition.id === 'cutover')!.own.filter((o) => o.kind === 'Job').map((o) => o.metadata.name);

      // THEN
      expect(lines.join('\n')).toContain('no detach Job: spec.systemDatabase.detach records no APIManager ownerReference and no 3scale label on the MySQL objects');
      expect(lines.join('\n')).not.toContain('Job detach-system-mysql');
      expect(jobs).not.toContain('detach-system-mysql');
    });

    test('GIVEN the check Job of load-redis WHEN described THEN the wording names what redis-check-load.sh checks (AOF on and writing, the key counts of databases 0-15 and the base size from the copy\'s evidence, no write since the load)', () => {
      // GIVEN
      const { plan } = loadExample('postgresql-and-redis');
      const script = readFileSync(join(import.meta.dirname, '..', '..', 'charts', 'scripts', 'redis-check-load.sh'), 'utf8');

      // WHEN
      const line = phase('load-redis').describe(plan).find((l) => l.includes('check-load-<role>-redis'))!;

      // THEN the description says what the script checks, and the script checks it
      expect(line).toContain('checks AOF on, the key counts of databases 0-15 and the size of the base file loaded against the evidence of copy-<role>-redis, and no write since the load');
      expect(script).toContain('aof_base_size');
      expect(script).toContain('redis_writes_since');
      expect(script).toContain('aof_enabled:1');
      expect(script).toMatch(/databases? 0-15/);
      expect(script).toContain('COPY_STEP');
      expect(phase('load-redis').describe(plan).join('\n')).not.toMatch(/aof-rewrite|BGREWRITEAOF|restore mode/);
    });

    test('GIVEN a managed Redis seeded from the RDB export WHEN the ElastiCache step is printed THEN it asks for the 2.16 minimum of the table in force, never the old server\'s Redis 6', () => {
      for (const table of ['vendor', 'operator'] as const) {
        // GIVEN
        const loaded = examplePlanWith('managed-rds-and-elasticache', (raw) => (raw.spec.preflight = { ...raw.spec.preflight, versionRequirements: table }));

        // WHEN
        const step = phase('copy-data').describe(loaded.plan).find((l) => l.startsWith('4. create the ElastiCache cluster'))!;

        // THEN
        expect(step).toContain(`with an engine version of at least Redis ${table === 'vendor' ? '7.2' : '7.0.0'} (the 2.16 minimum, ${table} requirements; never the 2.15 server's Redis 6.x`);
        expect(step).not.toContain("the old server's major.minor");
      }
    });

    test('cutover of a redis-only plan flags only the two Redis external', () => {
      // GIVEN
      const { plan } = loadExample('redis-only');

      // WHEN
      const lines = phase('cutover').describe(plan);

      // THEN
      expect(lines).toContain('APIManager apimanager: spec.externalComponents backend.redis, system.redis true');
      expect(lines.join('\n')).not.toContain('system.database');
    });

    test('cleanup names every old object it deletes, irreversibly', () => {
      // GIVEN
      const pg = examplePlanWith('postgresql-and-redis', (raw) => (raw.spec.cleanup = { enabled: true })).plan;

      // WHEN
      const lines = phase('cleanup').describe(pg);

      // THEN
      expect(lines).toEqual([
        'Job delete-old-databases deletes, irreversibly: Deployment system-postgresql, PVC postgresql-data, Service system-postgresql; ' +
          'Deployment backend-redis, PVC backend-redis-storage; Deployment system-redis, PVC system-redis-storage; ConfigMap redis-config',
      ]);
    });
  });
});
