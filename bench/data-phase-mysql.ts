/**
 * Data phase, MySQL (the System database moved to a managed MySQL): how long the copy keeps 3scale down.
 *
 *   (a) plain: `mysqldump --single-transaction --routines --triggers --events --hex-blob | mysql`, what
 *       the vendor procedure runs (seed 4.2.3, there through a dump file).
 *   (b) the generated Job: charts/scripts/mysql-copy.sh (per-table checksums and schema of the source,
 *       two dump passes with DEFINER removal, the large table in primary-key ranges (SELECT | LOAD DATA),
 *       the exact FLOAT values, load warnings, then row counts and schema of the target compared with the
 *       source's; the target's row checksums are mysql-verify-copy.sh's, at the cut-over).
 *
 * Both copy from and into one MariaDB server over loopback TCP (another database as the target), each run
 * into a freshly dropped target database. After each run (untimed) the row counts are compared.
 */
import { join } from 'node:path';
import { progress, sampleStats, timed, type SampleStats } from './benchmark.js';
import { jobTimeline } from './support/measure.js';
import { runRounds, type LoadInfo, type RoundsPlan, type Variant } from './support/rounds.js';
import { bash, findBinary, MARIADB_APT_HINT, MARIADB_BINARIES, requireBinaries, runScript, startMariaDb, type MariaDbServer } from './support/servers.js';

const SCOPE = 'data-phase/mysql';
const PASSWORD = 'bench-mysql-pw';

export interface MysqlOptions {
  root: string;
  plan: RoundsPlan;
  /** Rows of the largest table (the others scale with it). */
  rows: number;
}

export interface MysqlVariantResult {
  id: string;
  label: string;
  samplesSeconds: number[];
  stats: SampleStats;
  samples: ({ seconds: number; jobLog?: [number, string][] } & LoadInfo)[];
}

export interface MysqlResult {
  dataset: { tables: Record<string, number>; dataBytes: number; version: string; loadSeconds: number };
  rounds: number;
  stoppedEarly?: string;
  variants: MysqlVariantResult[];
  ratios: Record<string, number>;
  minRatios: Record<string, number>;
}

/** A 3scale-like System database: accounts, a large usage table, a small table with a FLOAT column. */
async function populate(server: MariaDbServer, rows: number): Promise<void> {
  await server.sql(`
    CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '${PASSWORD}';
    GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
    CREATE DATABASE system CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`);
  await server.sql(
    `
    CREATE TABLE seq (n INT PRIMARY KEY);
    INSERT INTO seq WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 999) SELECT n FROM s;
    CREATE TABLE accounts (id INT AUTO_INCREMENT PRIMARY KEY, org_name VARCHAR(255) NOT NULL, state VARCHAR(32), notes TEXT,
                           created_at DATETIME NOT NULL, updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP);
    INSERT INTO accounts (org_name, state, notes, created_at)
      SELECT CONCAT('Org ', a.n * 1000 + b.n), IF(b.n % 3 = 0, 'pending', 'approved'), REPEAT(MD5(a.n * 1000 + b.n), 4), '2024-01-01' + INTERVAL b.n MINUTE
      FROM seq a JOIN seq b WHERE a.n < ${Math.max(1, Math.round(rows / 10_000))};
    CREATE TABLE usage_events (id BIGINT AUTO_INCREMENT PRIMARY KEY, account_id INT NOT NULL, metric VARCHAR(32) NOT NULL, value INT NOT NULL,
                               ts DATETIME NOT NULL, KEY (account_id, ts));
    INSERT INTO usage_events (account_id, metric, value, ts)
      SELECT 1 + b.n, CONCAT('hits_', a.n % 7), a.n * b.n % 1000, '2024-01-01' + INTERVAL (a.n * 1000 + b.n) SECOND
      FROM seq a JOIN seq b WHERE a.n < ${Math.max(1, Math.round(rows / 1000))};
    CREATE TABLE pricing_rules (id INT AUTO_INCREMENT PRIMARY KEY, cost_per_unit FLOAT NOT NULL, plan_id INT NOT NULL);
    INSERT INTO pricing_rules (cost_per_unit, plan_id) SELECT (a.n * 1000 + b.n) / 7, b.n FROM seq a JOIN seq b WHERE a.n < 10;
    DROP TABLE seq;
    CREATE SQL SECURITY DEFINER VIEW approved_accounts AS SELECT id, org_name FROM accounts WHERE state = 'approved';`,
    'system',
  );
}

export async function runMysqlDataPhase(opts: MysqlOptions): Promise<MysqlResult> {
  requireBinaries(MARIADB_BINARIES, MARIADB_APT_HINT);
  const server = await startMariaDb(opts.root, 'mariadb');
  progress(SCOPE, `loading a System database with ${opts.rows} usage rows ...`);
  const loaded = await timed(() => populate(server, opts.rows));
  const counts = async (db: string): Promise<string> =>
    server.sql(`SELECT CONCAT(TABLE_NAME, '=', TABLE_ROWS) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}' AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1`);
  const exact = async (db: string): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const t of ['accounts', 'usage_events', 'pricing_rules']) out[t] = Number(await server.sql(`SELECT COUNT(*) FROM \`${db}\`.${t}`));
    return out;
  };
  const tables = await exact('system');
  const dataBytes = Number(await server.sql(`SELECT SUM(DATA_LENGTH + INDEX_LENGTH) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'system'`));
  const version = await server.sql('SELECT VERSION()');
  progress(SCOPE, `source ready in ${loaded.seconds.toFixed(0)} s: ${JSON.stringify(tables)}, ${(dataBytes / 2 ** 20).toFixed(0)} MiB; ${await counts('system').then((c) => c.split('\n').length)} tables`);

  const mysqldump = findBinary('mysqldump') as string;
  const mysql = findBinary('mysql') as string;
  const fresh = async (db: string): Promise<void> => {
    await server.sql(`DROP DATABASE IF EXISTS \`${db}\``);
  };
  const verify = async (label: string, db: string): Promise<void> => {
    const got = await exact(db);
    if (JSON.stringify(got) !== JSON.stringify(tables)) throw new Error(`${label}: target rows ${JSON.stringify(got)}, source ${JSON.stringify(tables)}`);
    await fresh(db);
  };

  const plain: Variant<object> = {
    id: 'a',
    label: '(a) mysqldump | mysql',
    async run() {
      await fresh('copy_a');
      await server.sql('CREATE DATABASE copy_a CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
      const t = await timed(() =>
        bash('set -o pipefail; MYSQL_PWD="$1" "$2" --no-defaults --protocol=TCP -h 127.0.0.1 -P "$3" -uroot --single-transaction --routines --triggers --events --hex-blob system | MYSQL_PWD="$1" "$4" --no-defaults --protocol=TCP -h 127.0.0.1 -P "$3" -uroot copy_a', [PASSWORD, mysqldump, String(server.port), mysql], { timeoutMs: 3_600_000 }),
      );
      await verify('plain', 'copy_a');
      return { seconds: t.seconds };
    },
  };
  const job: Variant<{ jobLog: [number, string][] }> = {
    id: 'b',
    label: '(b) Job: mysql-copy.sh, PARALLEL_JOBS=4 (4 streams; usage_events in 4 primary-key ranges)',
    async run() {
      await fresh('copy_b');
      const env = {
        SOURCE_MYSQL_HOST: '127.0.0.1', SOURCE_MYSQL_PORT: String(server.port), SOURCE_MYSQL_USER: 'root', SOURCE_MYSQL_PASSWORD: PASSWORD, SOURCE_MYSQL_DATABASE: 'system',
        TARGET_MYSQL_HOST: '127.0.0.1', TARGET_MYSQL_PORT: String(server.port), TARGET_MYSQL_USER: 'root', TARGET_MYSQL_PASSWORD: PASSWORD, TARGET_MYSQL_DATABASE: 'copy_b',
        EVIDENCE_FILE: join(opts.root, 'mysql.evidence'),
        // The plan's default copyParallelism (4): one stream per table, 4 at a time.
        PARALLEL_JOBS: '4',
      };
      const t = await timed(() => runScript('mysql-copy.sh', env, 3_600_000));
      if (t.value.code !== 0) throw new Error(`mysql-copy.sh exited ${t.value.code}: ${t.value.stderr.slice(-3000)}`);
      await verify('job', 'copy_b');
      return { seconds: t.seconds, jobLog: jobTimeline(t.value.stderr) };
    },
  };
  const variants = [plain, job];
  const outcome = await runRounds(SCOPE, variants, opts.plan);
  const results: MysqlVariantResult[] = variants.map((v) => {
    const samples = outcome.samples.get(v.id) ?? [];
    return { id: v.id, label: v.label, samplesSeconds: samples.map((s) => s.seconds), stats: sampleStats(samples.map((s) => s.seconds)), samples };
  });
  await server.stop();
  const [a, b] = results;
  return {
    dataset: { tables, dataBytes, version, loadSeconds: loaded.seconds },
    rounds: outcome.rounds,
    stoppedEarly: outcome.stoppedEarly,
    variants: results,
    ratios: { 'b/a': b.stats.median / a.stats.median },
    minRatios: { 'b/a': b.stats.min / a.stats.min },
  };
}
