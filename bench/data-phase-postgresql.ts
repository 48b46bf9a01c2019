/**
 * Data phase, PostgreSQL: how long the System database copy keeps 3scale down.
 *
 *   (a) vendor (seed chapter 3.2.3 - 3.2.6): `pg_dump -F c -b -v -f /tmp/db_dump.backup` in the old pod,
 *       `oc cp` to the workstation, `oc cp` into the new pod, `pg_restore -v` there. `oc cp` is a tar
 *       stream; here `tar -c | tar -x` between local folders (no network: a lower bound for the vendor).
 *   (b) the generated Job, charts/scripts/pg-copy.sh with PARALLEL_JOBS=1: pg_dump -Fc -Z0 | pg_restore.
 *   (c) the same Job with PARALLEL_JOBS=4: from one snapshot, schema, then 4 tables at a time by COPY into the
 *       target, each followed by its indexes, primary key and ANALYZE in the same worker, then foreign keys and
 *       triggers by pg_restore -j4 (the way pgcopydb works).
 *   (d) the baseline the Job must not be slower than: `pgcopydb clone` (Debian package `pgcopydb`, not installed by
 *       CI: `apt-get install -y pgcopydb`), with its defaults (4 table jobs, 4 index jobs, same snapshot).
 *
 * The Job does more than move the data: it reads the source's state (sha256 per table of the ordered rows, schema,
 * grants, settings) and the target's after, to prove them equal (with PARALLEL_JOBS=4 the source's rows are hashed
 * on their way and the target's are read back by the cut-over's pg-verify-copy.sh, timed beside (c) but not in
 * it); pgcopydb checks nothing.
 *
 * Same source data for all; the target database is dropped and recreated (untimed) before each run, and
 * each run is checked afterwards (untimed): same row counts and same number of indexes as the source.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { progress, sampleStats, timed, type SampleStats } from './benchmark.js';
import { DiskSampler, jobTimeline } from './support/measure.js';
import { runRounds, type LoadInfo, type RoundsPlan, type Variant } from './support/rounds.js';
import { exec, PG_APT_HINT, PG_BINARIES, PG_SETTINGS, pgBinDir, requireBinaries, runScript, startPostgres, type PgServer } from './support/servers.js';

const SCOPE = 'data-phase/postgresql';
const SYSTEM_PW = 'bench-system-Pw-3f9a';
const POSTGRES_PW = 'bench-postgres-Pw-8c1d';
const TABLES = ['accounts', 'cinstances', 'alerts'] as const;

export interface PgOptions {
  /** Parent folder for servers and intermediate files. */
  root: string;
  plan: RoundsPlan;
  /** Row-count multiplier of the generated data set (1 = about 1.2 GiB). */
  scale: number;
  /** Refuse to measure a data set smaller than this (pg_database_size). */
  minBytes: number;
  /** The variants to run: a (vendor) and d (pgcopydb) always, b and c as chosen. */
  variants: string[];
}

export interface PgSample {
  seconds: number;
  /** Peak bytes of intermediate files (dump copies, scratch folder) while the run was going on. */
  peakIntermediateBytes: number;
  /** Size of one dump file/folder, where there is one. */
  dumpBytes?: number;
  /** Seconds per step, for the vendor procedure (hrtime). */
  steps?: Record<string, number>;
  /** The Job's own log lines, as [seconds since its first line (1 s resolution), message]. */
  jobLog?: [number, string][];
}

export interface PgVariantResult {
  id: string;
  label: string;
  description: string;
  samplesSeconds: number[];
  stats: SampleStats;
  peakIntermediateBytes: number;
  samples: (PgSample & LoadInfo)[];
}

export interface PgResult {
  dataset: {
    databaseBytes: number;
    tables: Record<string, { rows: number; totalBytes: number }>;
    indexes: number;
    scale: number;
    generateSeconds: number;
  };
  serverSettings: Record<string, string>;
  rounds: number;
  /** The variant run once, untimed, before round 1. */
  warmup: string;
  stoppedEarly?: string;
  variants: PgVariantResult[];
  ratios: Record<string, number>;
  /** Per-round ratio to (a), then its median: robust against drift of the machine during the run. */
  pairedRatioMedians: Record<string, number>;
  /** Ratio of the fastest runs: the least disturbed estimate on a shared machine. */
  minRatios: Record<string, number>;
  setupSeconds: number;
}

// ---------------------------------------------------------------------------------------------------
// Data set: three tables shaped like 3scale's System database (text-heavy rows, several indexes each).

function schemaSql(): string {
  return `
CREATE TABLE accounts (
  id bigserial PRIMARY KEY,
  org_name varchar(255) NOT NULL,
  org_legaladdress varchar(255),
  domain varchar(255),
  self_domain varchar(255),
  state varchar(255),
  provider boolean NOT NULL DEFAULT false,
  buyer boolean NOT NULL DEFAULT false,
  master boolean,
  provider_account_id bigint,
  telephone_number varchar(255),
  vat_code varchar(255),
  billing_address_name varchar(255),
  billing_address_address1 varchar(255),
  billing_address_city varchar(255),
  billing_address_country varchar(255),
  site_access_code varchar(255),
  extra_fields text,
  created_at timestamp NOT NULL,
  updated_at timestamp NOT NULL,
  state_changed_at timestamp,
  tenant_id bigint
);
CREATE TABLE cinstances (
  id bigserial PRIMARY KEY,
  plan_id bigint NOT NULL,
  user_account_id bigint,
  user_key varchar(256),
  provider_public_key varchar(255),
  created_at timestamp,
  updated_at timestamp,
  state varchar(255) NOT NULL,
  description text,
  paid_until timestamp,
  application_id varchar(255),
  name varchar(255),
  trial_period_expires_at timestamp,
  setup_fee numeric(20,2) DEFAULT 0.0,
  type varchar(255) NOT NULL,
  redirect_url text,
  extra_fields text,
  tenant_id bigint,
  create_origin varchar(255),
  first_traffic_at timestamp,
  first_daily_traffic_at timestamp,
  service_id bigint,
  accepted_at timestamp
);
CREATE TABLE alerts (
  id bigserial PRIMARY KEY,
  account_id bigint NOT NULL,
  "timestamp" timestamp NOT NULL,
  state varchar(255) NOT NULL,
  cinstance_id bigint NOT NULL,
  utilization numeric(6,2) NOT NULL,
  level integer NOT NULL,
  alert_id bigint NOT NULL,
  message text,
  tenant_id bigint,
  service_id bigint
);`;
}

function fillSql(table: (typeof TABLES)[number], rows: number, accounts: number, cinstances: number): string {
  switch (table) {
    case 'accounts':
      return `
INSERT INTO accounts (org_name, org_legaladdress, domain, self_domain, state, provider, buyer, master, provider_account_id,
  telephone_number, vat_code, billing_address_name, billing_address_address1, billing_address_city, billing_address_country,
  site_access_code, extra_fields, created_at, updated_at, state_changed_at, tenant_id)
SELECT
  (ARRAY['Acme','Globex','Initech','Umbrella','Hooli','Stark','Wayne','Wonka','Tyrell','Cyberdyne'])[1 + g % 10] || ' ' || g || ' Ltd',
  g || ' Main Street, Suite ' || (g % 500) || ', Springfield',
  'org' || g || '-admin.example.com',
  'org' || g || '.example.com',
  (ARRAY['approved','pending','suspended','rejected','approved','approved'])[1 + g % 6],
  g % 1000 = 1, g % 1000 <> 1, g = 1,
  CASE WHEN g % 1000 = 1 THEN 1 ELSE 1 + 1000 * (g / 1000) END,
  '+1-555-' || lpad((g % 10000)::text, 4, '0'),
  'VAT-' || upper(substr(md5(g::text), 1, 12)),
  'Billing dept. of org ' || g,
  (g % 9000) || ' Commerce Blvd',
  (ARRAY['Barcelona','Berlin','Boston','Brno','Dublin','Raleigh','Tokyo','Sydney'])[1 + g % 8],
  (ARRAY['ES','DE','US','CZ','IE','US','JP','AU'])[1 + g % 8],
  substr(md5((g * 31)::text), 1, 16),
  E'---\\ncompany_size: ' || (g % 500) || E'\\nindustry: ' || (ARRAY['retail','banking','telco','health'])[1 + g % 4] ||
    E'\\nnotes: ' || md5((g * 7)::text) || ' ' || md5((g * 11)::text) || E'\\nreferrer: partner-' || (g % 97) || E'\\n',
  timestamp '2018-01-01' + g * interval '37 seconds',
  timestamp '2023-01-01' + g * interval '11 seconds',
  timestamp '2022-01-01' + g * interval '13 seconds',
  1 + 1000 * (g / 1000)
FROM generate_series(1, ${rows}) g;`;
    case 'cinstances':
      return `
INSERT INTO cinstances (plan_id, user_account_id, user_key, provider_public_key, created_at, updated_at, state, description,
  paid_until, application_id, name, trial_period_expires_at, setup_fee, type, redirect_url, extra_fields, tenant_id,
  create_origin, first_traffic_at, first_daily_traffic_at, service_id, accepted_at)
SELECT
  1 + g % 5000,
  1 + g % ${accounts},
  md5('uk' || g),
  CASE WHEN g % 50 = 0 THEN md5('pk' || g) END,
  timestamp '2019-01-01' + g * interval '7 seconds',
  timestamp '2024-01-01' + g * interval '3 seconds',
  (ARRAY['live','live','live','pending','suspended'])[1 + g % 5],
  'Application ' || g || ' of account ' || (1 + g % ${accounts}) || ': ' ||
    (ARRAY['mobile client for the public catalogue','internal batch importer','partner integration, read only',
           'web storefront backend','analytics exporter (nightly)'])[1 + g % 5] || '. Contact ops-' || (g % 311) || '@example.com',
  timestamp '2025-01-01' + (g % 365) * interval '1 day',
  substr(md5('app' || g), 1, 8),
  'App ' || g,
  CASE WHEN g % 10 = 0 THEN timestamp '2024-06-01' + (g % 90) * interval '1 day' END,
  (g % 4) * 10.5,
  'Cinstance',
  'https://app' || g || '.example.com/oauth/callback',
  E'---\\nbuild: ' || (g % 1000) || E'\\nchannel: ' || (ARRAY['stable','beta','dev'])[1 + g % 3] || E'\\n',
  1 + 1000 * ((1 + g % ${accounts}) / 1000),
  (ARRAY['web','api','web','web'])[1 + g % 4],
  CASE WHEN g % 3 <> 0 THEN timestamp '2020-01-01' + g * interval '5 seconds' END,
  CASE WHEN g % 3 <> 0 THEN timestamp '2020-01-01' + g * interval '6 seconds' END,
  1 + g % 2000,
  timestamp '2019-01-02' + g * interval '7 seconds'
FROM generate_series(1, ${rows}) g;`;
    case 'alerts':
      return `
INSERT INTO alerts (account_id, "timestamp", state, cinstance_id, utilization, level, alert_id, message, tenant_id, service_id)
SELECT
  1 + g % ${accounts},
  timestamp '2022-01-01' + g * interval '9 seconds',
  (ARRAY['unread','read','deleted'])[1 + g % 3],
  1 + g % ${cinstances},
  ((g % 300) + 50)::numeric(6,2),
  (ARRAY[50, 80, 90, 100, 120, 150, 200, 300])[1 + g % 8],
  g,
  (ARRAY['hits','hits','requests','bytes_out','searches'])[1 + g % 5] || ' per ' ||
    (ARRAY['minute','hour','day','month'])[1 + g % 4] || ': ' || ((g % 300) + 50) || '% of limit reached by application App ' ||
    (1 + g % ${cinstances}) || ' (' || substr(md5('a' || g), 1, 10) || ')',
  1 + 1000 * ((1 + g % ${accounts}) / 1000),
  1 + g % 2000
FROM generate_series(1, ${rows}) g;`;
  }
}

const INDEX_SQL: Record<(typeof TABLES)[number], string[]> = {
  accounts: [
    'CREATE UNIQUE INDEX index_accounts_on_domain ON accounts (domain)',
    'CREATE UNIQUE INDEX index_accounts_on_self_domain ON accounts (self_domain)',
    'CREATE INDEX index_accounts_on_provider_account_id_and_state ON accounts (provider_account_id, state)',
    'CREATE INDEX index_accounts_on_org_name ON accounts (org_name)',
  ],
  cinstances: [
    'CREATE INDEX index_cinstances_on_user_key ON cinstances (user_key)',
    'CREATE INDEX index_cinstances_on_application_id ON cinstances (application_id)',
    'CREATE INDEX index_cinstances_on_plan_id_and_state ON cinstances (plan_id, state)',
    'CREATE INDEX index_cinstances_on_user_account_id ON cinstances (user_account_id)',
    'CREATE INDEX index_cinstances_on_type_and_service_id ON cinstances (type, service_id)',
  ],
  alerts: [
    'CREATE UNIQUE INDEX index_alerts_on_alert_id_and_account_id ON alerts (alert_id, account_id)',
    'CREATE INDEX index_alerts_on_cinstance_id ON alerts (cinstance_id)',
    'CREATE INDEX index_alerts_on_account_id_and_state ON alerts (account_id, state)',
    'CREATE INDEX index_alerts_on_timestamp ON alerts ("timestamp")',
  ],
};

/** Rows per table at scale 1 (about 1.15 GiB of tables + indexes). */
const BASE_ROWS: Record<(typeof TABLES)[number], number> = { accounts: 100_000, cinstances: 900_000, alerts: 2_200_000 };

async function generate(src: PgServer, scale: number): Promise<void> {
  const rows = Object.fromEntries(TABLES.map((t) => [t, Math.max(10, Math.round(BASE_ROWS[t] * scale))])) as Record<(typeof TABLES)[number], number>;
  const asSystem = { db: 'system', user: 'system', timeoutMs: 3_600_000 };
  await src.sql(schemaSql(), asSystem);
  // One session per table (the machine has few cores; three sessions keep them busy).
  await Promise.all(TABLES.map((t) => src.sql(fillSql(t, rows[t], rows.accounts, rows.cinstances), asSystem)));
  // Indexes after the load (faster), foreign-key-free like 3scale's schema.
  await Promise.all(TABLES.map((t) => src.sql(INDEX_SQL[t].join(';\n') + ';', asSystem)));
  await src.sql(
    `CREATE VIEW live_applications AS SELECT id, user_account_id, name FROM cinstances WHERE state = 'live';
     CREATE SEQUENCE backend_events_seq START 1000;`,
    asSystem,
  );
  // Freeze and analyze now, so that no variant pays for hint bits or autovacuum of the fresh rows.
  await src.sql('VACUUM (FREEZE, ANALYZE);', { db: 'system', timeoutMs: 3_600_000 });
  await src.sql('CHECKPOINT;', { timeoutMs: 600_000 });
}

/** Row counts of the three tables and the number of indexes: the correctness fingerprint of a copy. */
async function fingerprint(pg: PgServer): Promise<string> {
  return pg.sql(
    `SELECT (SELECT count(*) FROM accounts) || ',' || (SELECT count(*) FROM cinstances) || ',' || (SELECT count(*) FROM alerts)
       || ',' || (SELECT count(*) FROM pg_indexes WHERE schemaname = 'public')
       || ',' || (SELECT count(*) FROM pg_views WHERE schemaname = 'public')
       || ',' || (SELECT last_value FROM backend_events_seq);`,
    { db: 'system', timeoutMs: 600_000 },
  );
}

async function resetTarget(tgt: PgServer): Promise<void> {
  await tgt.sql('DROP DATABASE IF EXISTS system WITH (FORCE);', { timeoutMs: 600_000 });
  await tgt.sql('CREATE DATABASE system OWNER system;');
  await tgt.sql('CHECKPOINT;', { timeoutMs: 600_000 });
}

// ---------------------------------------------------------------------------------------------------

export async function runPostgresqlDataPhase(opts: PgOptions): Promise<PgResult> {
  requireBinaries([...PG_BINARIES, 'tar'], PG_APT_HINT, [pgBinDir()]);
  requireBinaries(['pgcopydb'], 'apt-get install -y pgcopydb');
  const setup = process.hrtime.bigint();
  const base = join(opts.root, 'postgresql');
  await mkdir(base, { recursive: true });

  progress(SCOPE, 'starting source and target PostgreSQL 15');
  const [src, tgt] = await Promise.all([startPostgres(base, 'source-pg'), startPostgres(base, 'target-pg')]);
  await src.sql(`CREATE ROLE system LOGIN PASSWORD '${SYSTEM_PW}'; CREATE DATABASE system OWNER system;`);
  // The target as the rhel9 image creates it: POSTGRESQL_USER owning POSTGRESQL_DATABASE; the vendor
  // restores as postgres over TCP, so postgres gets a password too.
  await tgt.sql(`CREATE ROLE system LOGIN PASSWORD '${SYSTEM_PW}'; ALTER ROLE postgres PASSWORD '${POSTGRES_PW}'; CREATE DATABASE system OWNER system;`);

  progress(SCOPE, `generating the data set (scale ${opts.scale}) with generate_series ...`);
  const gen = await timed(() => generate(src, opts.scale));
  const databaseBytes = Number(await src.sql(`SELECT pg_database_size('system');`));
  const tables: PgResult['dataset']['tables'] = {};
  for (const t of TABLES) {
    const [rows, bytes] = (await src.sql(`SELECT count(*) || ',' || pg_total_relation_size('${t}') FROM ${t};`, { db: 'system', timeoutMs: 600_000 })).split(',');
    tables[t] = { rows: Number(rows), totalBytes: Number(bytes) };
  }
  const expected = await fingerprint(src);
  const indexes = Number(expected.split(',')[3]);
  progress(SCOPE, `data set ready in ${gen.seconds.toFixed(0)} s: ${(databaseBytes / 2 ** 30).toFixed(2)} GiB, ${JSON.stringify(tables)}`);
  if (databaseBytes < opts.minBytes) {
    throw new Error(`the generated database has ${databaseBytes} bytes, less than the required ${opts.minBytes} (raise BENCH_PG_SCALE)`);
  }
  const setupSeconds = Number(process.hrtime.bigint() - setup) / 1e9;

  const pgBin = pgBinDir() as string;
  const runs = join(base, 'runs');
  let runN = 0;

  const check = async (label: string): Promise<void> => {
    const got = await fingerprint(tgt);
    if (got !== expected) throw new Error(`${label}: target fingerprint ${got} differs from the source's ${expected}`);
  };

  /** (a) the vendor procedure, step by step. */
  const vendor: Variant<PgSample> = {
    id: 'a',
    label: '(a) vendor: pg_dump -Fc file, oc cp out + in, pg_restore',
    async run() {
      await resetTarget(tgt);
      const dir = join(runs, `vendor-${++runN}`);
      const podTmp = join(dir, 'source-pod-tmp');
      const workstation = join(dir, 'workstation');
      const targetTmp = join(dir, 'target-pod-tmp');
      await Promise.all([podTmp, workstation, targetTmp].map((d) => mkdir(d, { recursive: true })));
      const sampler = new DiskSampler([podTmp, workstation, targetTmp]).start();
      const steps: Record<string, number> = {};
      const step = async (name: string, cmd: string, args: string[], env: Record<string, string> = {}, okCodes = [0]): Promise<string> => {
        const r = await timed(() => exec(cmd, args, { env, timeoutMs: 3_600_000, keepChars: 64 * 1024 }));
        steps[name] = r.value.code === null ? NaN : r.seconds;
        if (!okCodes.includes(r.value.code ?? -1)) throw new Error(`vendor step ${name} exited ${r.value.code}: ${r.value.stderr.slice(-2000)}`);
        return r.value.stderr;
      };
      const total = await timed(async () => {
        // 3.2.3: oc exec $POSTGRES_POD -- pg_dump -U system -d system -F c -b -v -f /tmp/db_dump.backup (local socket in the pod)
        await step('pg_dump', join(pgBin, 'pg_dump'), ['-h', src.socketDir, '-p', String(src.port), '-U', 'system', '-d', 'system', '-F', 'c', '-b', '-v', '-f', join(podTmp, 'db_dump.backup')]);
        // oc cp $POSTGRES_POD:/tmp/db_dump.backup ./db_dump.backup (tar stream out of the pod)
        await step('oc cp out', 'bash', ['-c', 'set -o pipefail; tar -C "$1" -cf - db_dump.backup | tar -C "$2" -xf -', 'oc-cp', podTmp, workstation]);
        // 3.2.6: oc cp ./db_dump.backup <new pod>:/tmp (tar stream into the pod)
        await step('oc cp in', 'bash', ['-c', 'set -o pipefail; tar -C "$1" -cf - db_dump.backup | tar -C "$2" -xf -', 'oc-cp', workstation, targetTmp]);
        // pg_restore -v -h localhost -U postgres -d system /tmp/db_dump.backup; exit 1 with only
        // 'schema "public" already exists' is the documented harmless outcome.
        const err = await step(
          'pg_restore',
          join(pgBin, 'pg_restore'),
          ['-v', '-h', '127.0.0.1', '-p', String(tgt.port), '-U', 'postgres', '-d', 'system', join(targetTmp, 'db_dump.backup')],
          { PGPASSWORD: POSTGRES_PW },
          [0, 1],
        );
        const errors = err.split('\n').filter((l) => l.startsWith('pg_restore: error:') && !l.includes('schema "public" already exists'));
        if (errors.length > 0) throw new Error(`vendor pg_restore failed: ${errors.slice(0, 5).join('; ')}`);
        // The procedure's check: SELECT org_name FROM accounts LIMIT 20
        await step('check', join(pgBin, 'psql'), ['-X', '-h', tgt.socketDir, '-p', String(tgt.port), '-U', 'postgres', '-d', 'system', '-c', 'SELECT org_name FROM accounts LIMIT 20;']);
      });
      const peak = await sampler.stop();
      const dumpBytes = (await stat(join(targetTmp, 'db_dump.backup'))).size;
      await check('vendor');
      await rm(dir, { recursive: true, force: true });
      return { seconds: total.seconds, peakIntermediateBytes: peak, dumpBytes, steps };
    },
  };

  /** (b) and (c): the Job script. */
  const job = (id: string, parallel: number, label: string): Variant<PgSample> => ({
    id,
    label,
    async run() {
      await resetTarget(tgt);
      const dir = join(runs, `job-${id}-${++runN}`);
      const scratch = join(dir, 'scratch'); // the Job's emptyDir /scratch
      const tmp = join(dir, 'tmp'); // the container's /tmp
      await Promise.all([scratch, tmp].map((d) => mkdir(d, { recursive: true })));
      const sampler = new DiskSampler([scratch, tmp]).start();
      const env = {
        SOURCE_PGHOST: src.host,
        SOURCE_PGPORT: String(src.port),
        SOURCE_PGDATABASE: 'system',
        SOURCE_PGUSER: 'system',
        SOURCE_PGPASSWORD: SYSTEM_PW,
        TARGET_PGHOST: tgt.host,
        TARGET_PGPORT: String(tgt.port),
        TARGET_PGDATABASE: 'system',
        TARGET_PGUSER: 'system',
        TARGET_PGPASSWORD: SYSTEM_PW,
        PARALLEL_JOBS: String(parallel),
        TMPDIR: tmp,
        EVIDENCE_FILE: join(dir, 'evidence.properties'),
      };
      const r = await timed(() => runScript('pg-copy.sh', env, 3_600_000));
      const peak = await sampler.stop();
      if (r.value.code !== 0) throw new Error(`pg-copy.sh (PARALLEL_JOBS=${parallel}) exited ${r.value.code}: ${r.value.stderr.slice(-3000)}`);
      await check(`pg-copy.sh PARALLEL_JOBS=${parallel}`);
      // The cut-over's first Job proves the copy again (source and target read once more): not in the copy's
      // time (pgcopydb has no such step), printed beside it.
      const verify = await timed(() => runScript('pg-verify-copy.sh', { ...env, COPY_STEP: 'pg-copy' }, 3_600_000));
      if (verify.value.code !== 0) throw new Error(`pg-verify-copy.sh exited ${verify.value.code}: ${verify.value.stderr.slice(-3000)}`);
      progress(SCOPE, `(${id}) then the cut-over's pg-verify-copy.sh, not counted above: ${verify.seconds.toFixed(1)} s`);
      await rm(dir, { recursive: true, force: true });
      return { seconds: r.seconds, peakIntermediateBytes: peak, jobLog: jobTimeline(r.value.stderr) };
    },
  });

  /** (d) pgcopydb clone with its defaults, the PostgreSQL 15 client tools first in PATH. */
  const pgcopydb: Variant<PgSample> = {
    id: 'd',
    label: '(d) pgcopydb clone (4 table jobs, 4 index jobs)',
    async run() {
      await resetTarget(tgt);
      const dir = join(runs, `pgcopydb-${++runN}`);
      await mkdir(dir, { recursive: true });
      const sampler = new DiskSampler([dir]).start();
      const uri = (pg: PgServer) => `postgresql://system@${pg.host}:${pg.port}/system`;
      const r = await timed(() =>
        exec('pgcopydb', ['clone', '--source', uri(src), '--target', uri(tgt), '--dir', join(dir, 'work')], {
          cleanEnv: true,
          env: { PATH: [pgBin, process.env.PATH ?? '/usr/bin:/bin'].join(delimiter), HOME: process.env.HOME ?? '/root', PGPASSWORD: SYSTEM_PW },
          timeoutMs: 3_600_000,
          keepChars: 64 * 1024,
        }),
      );
      const peak = await sampler.stop();
      if (r.value.code !== 0) throw new Error(`pgcopydb clone exited ${r.value.code}: ${r.value.stderr.slice(-3000)}`);
      await check('pgcopydb');
      await rm(dir, { recursive: true, force: true });
      return { seconds: r.seconds, peakIntermediateBytes: peak };
    },
  };

  const variants = [
    vendor,
    job('b', 1, '(b) Job pg-copy.sh, PARALLEL_JOBS=1 (stream)'),
    job('c', 4, '(c) Job pg-copy.sh, PARALLEL_JOBS=4 (tables by COPY, -j4)'),
    pgcopydb,
  ].filter((v) => opts.variants.includes(v.id));
  // Warm-up with the quickest variant: the target's first restore creates its WAL segment files, later
  // ones recycle them.
  const warmup = variants.some((v) => v.id === 'b') ? 'b' : 'c';
  const outcome = await runRounds(SCOPE, variants, opts.plan, { warmup });

  const descriptions: Record<string, string> = {
    a: 'pg_dump -F c -b -v -f <pod>/tmp/db_dump.backup (socket); tar|tar to the workstation; tar|tar into the target pod; pg_restore -v -h localhost -U postgres; SELECT org_name FROM accounts LIMIT 20',
    b: 'charts/scripts/pg-copy.sh PARALLEL_JOBS=1: source state (sha256 per table, schema, grants, settings) read meanwhile, pg_dump -Fc -Z0 | pg_restore, target state compared, ANALYZE, evidence',
    c: 'charts/scripts/pg-copy.sh PARALLEL_JOBS=4: source state read meanwhile; one snapshot: pre-data, 4 tables at a time by COPY, sequences and large objects, post-data by pg_restore -j4; target state compared, ANALYZE, evidence',
    d: 'pgcopydb clone --source --target --dir (defaults: --table-jobs 4 --index-jobs 4; copies schema, data, indexes, large objects; no check)',
  };
  const results: PgVariantResult[] = variants.map((v) => {
    const samples = outcome.samples.get(v.id) ?? [];
    const secs = samples.map((s) => s.seconds);
    return {
      id: v.id,
      label: v.label,
      description: descriptions[v.id],
      samplesSeconds: secs,
      stats: sampleStats(secs),
      peakIntermediateBytes: Math.max(0, ...samples.map((s) => s.peakIntermediateBytes)),
      samples,
    };
  });
  const a = results[0];
  const ratios: Record<string, number> = {};
  const paired: Record<string, number> = {};
  const minRatios: Record<string, number> = {};
  for (const v of results.slice(1)) {
    ratios[`${v.id}/a`] = v.stats.median / a.stats.median;
    minRatios[`${v.id}/a`] = v.stats.min / a.stats.min;
    paired[`${v.id}/a`] = sampleStats(v.samplesSeconds.map((s, i) => s / a.samplesSeconds[i]).filter(Number.isFinite)).median;
  }
  // The Job against pgcopydb, the baseline it must not be slower than.
  const d = results.find((v) => v.id === 'd')!;
  for (const v of results.filter((x) => x.id === 'b' || x.id === 'c')) {
    ratios[`${v.id}/d`] = v.stats.median / d.stats.median;
    minRatios[`${v.id}/d`] = v.stats.min / d.stats.min;
    paired[`${v.id}/d`] = sampleStats(v.samplesSeconds.map((s, i) => s / d.samplesSeconds[i]).filter(Number.isFinite)).median;
  }

  await Promise.all([src.stop(), tgt.stop()]);
  await rm(base, { recursive: true, force: true });
  return {
    dataset: { databaseBytes, tables, indexes, scale: opts.scale, generateSeconds: gen.seconds },
    serverSettings: { ...PG_SETTINGS, fsync: 'on (default)', note: 'both servers identical; all traffic on loopback' },
    rounds: outcome.rounds,
    warmup: `${warmup} (one untimed run before round 1)`,
    stoppedEarly: outcome.stoppedEarly,
    variants: results,
    ratios,
    pairedRatioMedians: paired,
    minRatios,
    setupSeconds,
  };
}
