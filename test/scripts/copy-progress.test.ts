/**
 * Specification of the progress records (charts/scripts/lib/progress.sh) that pg-copy.sh and mysql-copy.sh
 * write while they copy, on real servers: PostgreSQL 15 -> PostgreSQL 15 and MariaDB -> MariaDB. The
 * records are read the way a reader outside the Job sees them: the progress file polled while the script
 * runs, and the Job's log lines.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { whileWatching } from '../../bench/support/progress-watch.js';
import { checkBinaries, MARIADB_BINARIES, PG_SERVER_BINARIES, pgBinDir, runScript, SCRIPTS_DIR, skipSuite, type PgServer, type ScriptResult, useMariaDbPair, usePostgresPair } from '../support/db-servers.js';

const pgBins = checkBinaries('postgresql', PG_SERVER_BINARIES, [pgBinDir()]);
const myBins = checkBinaries('mariadb', MARIADB_BINARIES);
const SRC_PW = 'progress-Src-pw-51c0';
const TGT_PW = 'progress-Tgt-pw-83d4';
/** Seconds between two records in these tests (the Job's default is 5). */
const INTERVAL = '0.2';

interface Progress {
  readonly done: number;
  readonly total: number;
  readonly unit: string;
}

/** "<step>.progress=<done>/<total> <unit>" of a progress file, or undefined. */
function parseRecord(text: string, step: string): Progress | undefined {
  const m = new RegExp(`^${step.replace('.', '\\.')}\\.progress=(\\d+)/(\\d+) (\\w+)$`, 'm').exec(text);
  return m ? { done: Number(m[1]), total: Number(m[2]), unit: m[3] } : undefined;
}

/** The "progress: d/t unit" log lines of a run, in order. */
function logRecords(stderr: string): Progress[] {
  return [...stderr.matchAll(/\] progress: (\d+)\/(\d+) (\w+) \(\d+%\)$/gm)].map((m) => ({ done: Number(m[1]), total: Number(m[2]), unit: m[3] }));
}

/** Run a copy script while polling its progress file; returns the run and every distinct record seen before it ended. */
async function runWatched(script: string, env: Record<string, string>, file: string, step: string): Promise<{ run: ScriptResult; seen: Progress[]; raw: string[] }> {
  const { result: run, sightings } = await whileWatching(file, 25, () => runScript(script, env, { timeoutMs: 180_000 }));
  const raw = sightings.map((s) => s.text);
  return { run, seen: raw.flatMap((text) => parseRecord(text, step) ?? []), raw };
}

/** Waits until a session holds an AccessExclusiveLock in the server. */
async function waitForLock(server: PgServer): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await server.sql("SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock' AND granted AND relation IS NOT NULL")) !== '0') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no session took the lock within 10 s');
}

function expectMonotonicToTotal(records: Progress[], unit: string): void {
  expect(records.length).toBeGreaterThanOrEqual(3);
  const total = records[0].total;
  expect(total).toBeGreaterThan(0);
  for (const [i, r] of records.entries()) {
    expect(r.unit).toBe(unit);
    expect(r.total).toBe(total);
    expect(r.done).toBeLessThanOrEqual(total);
    if (i > 0) expect(r.done).toBeGreaterThanOrEqual(records[i - 1].done);
  }
  expect(records.at(-1)?.done).toBe(total);
}

describe.skipIf(skipSuite(pgBins))('progress records of pg-copy.sh (PostgreSQL 15 -> PostgreSQL 15)', () => {
  const pg = usePostgresPair(pgBins, 'tsm-progress-pg-', async ({ source: src, target: tgt }) => {
    await src.sql(`CREATE ROLE system LOGIN PASSWORD '${SRC_PW}'; CREATE DATABASE system OWNER system;`);
    await tgt.sql(`CREATE ROLE system LOGIN PASSWORD '${TGT_PW}';`);
    // About 60 MB of heap in three tables of different sizes, one with TOASTed values: a copy of a few seconds.
    await src.sql(
      `SET ROLE system;
       CREATE TABLE events (id bigint PRIMARY KEY, payload text NOT NULL);
       INSERT INTO events SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 350000) g;
       CREATE TABLE documents (id int PRIMARY KEY, body text);
       INSERT INTO documents SELECT g, (SELECT string_agg(md5((g * 1000 + i)::text), '') FROM generate_series(1, 200) i) FROM generate_series(1, 600) g;
       CREATE TABLE settings (k text PRIMARY KEY, v text);
       INSERT INTO settings SELECT 'k' || g, 'v' || g FROM generate_series(1, 50) g;`,
      'system',
    );
  });

  function env(db: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      SOURCE_PGHOST: pg.source.host,
      SOURCE_PGPORT: String(pg.source.port),
      SOURCE_PGDATABASE: 'system',
      SOURCE_PGUSER: 'system',
      SOURCE_PGPASSWORD: SRC_PW,
      TARGET_PGHOST: pg.target.host,
      TARGET_PGPORT: String(pg.target.port),
      TARGET_PGDATABASE: db,
      TARGET_PGUSER: 'system',
      TARGET_PGPASSWORD: TGT_PW,
      EVIDENCE_FILE: join(pg.work, `${db}.evidence`),
      PROGRESS_INTERVAL: INTERVAL,
      ...extra,
    };
  }

  for (const [mode, parallel] of [
    ['streaming (pg_dump | pg_restore)', '1'],
    ['parallel (COPY per table, 2 at a time)', '2'],
  ] as const) {
    it(`GIVEN a copy in ${mode} WHEN it runs THEN byte records appear while it copies, never go down, end at the total, and carry no secret`, async () => {
      const db = `system_${parallel}`;
      await pg.target.sql(`CREATE DATABASE ${db} OWNER system;`);
      const file = join(pg.work, `${db}.evidence.progress`);
      const { run, seen, raw } = await runWatched('pg-copy.sh', env(db, { PARALLEL_JOBS: parallel }), file, 'pg-copy');
      expect(run.stderr).toContain('row counts match');
      expect(run.code).toBe(0);
      // THEN the reader saw records before the end, at least one of them part-way
      expectMonotonicToTotal(seen, 'bytes');
      expect(seen.some((r) => r.done > 0 && r.done < r.total)).toBe(true);
      // AND the log has the same sequence, ending at the total
      expectMonotonicToTotal(logRecords(run.stderr), 'bytes');
      // AND the total is the source's table bytes (heap, TOAST and indexes)
      const total = Number(
        await pg.source.sql(
          `SELECT sum(pg_total_relation_size(c.oid))
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'`,
          'system',
        ),
      );
      expect(seen[0].total).toBe(total);
      // AND the record has its time stamps, and no password anywhere
      const last = raw.at(-1) ?? '';
      expect(last).toMatch(/^pg-copy\.progressStartedAt=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
      expect(last).toMatch(/^pg-copy\.progressAt=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
      for (const text of [...raw, run.stderr, run.stdout, await readFile(join(pg.work, `${db}.evidence`), 'utf8')]) {
        expect(text).not.toContain(SRC_PW);
        expect(text).not.toContain(TGT_PW);
      }
    }, 180_000);
  }

  it('GIVEN PROGRESS_INTERVAL is not a number WHEN the copy starts THEN it fails naming the variable', async () => {
    const db = 'system_bad_interval';
    await pg.target.sql(`CREATE DATABASE ${db} OWNER system;`);
    const run = await runScript('pg-copy.sh', env(db, { PROGRESS_INTERVAL: '5; rm -rf /' }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("PROGRESS_INTERVAL must be a number of seconds (got '5; rm -rf /')");
  }, 60_000);

  /** One pg_copy_bytes sample of database `db` on the target, as the copy's sampler takes it (a fresh bash). */
  function sample(db: string, state: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
    const harness = `set -euo pipefail
      . "$SCRIPTS/lib/common.sh"; . "$SCRIPTS/lib/evidence.sh"; evidence_init progress-sample; . "$SCRIPTS/lib/progress.sh"
      tgt() { PGPASSWORD="$TGT_PW" psql -X -A -t -q -v ON_ERROR_STOP=1 -h "$TGT_HOST" -p "$TGT_PORT" -U system -d "$TGT_DB" "$@"; }
      pg_copy_bytes tgt 1000000000 "$STATE"`;
    const started = Date.now();
    return new Promise((resolve, reject) => {
      execFile('bash', ['-c', harness], { env: { PATH: [pgBinDir(), process.env.PATH].filter(Boolean).join(':'), SCRIPTS: SCRIPTS_DIR, TGT_PW, TGT_HOST: pg.target.host, TGT_PORT: String(pg.target.port), TGT_DB: db, STATE: state } }, (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') reject(new Error(err.message));
        else resolve({ code: err ? (err.code as number) : 0, stdout, stderr, ms: Date.now() - started });
      });
    });
  }

  it('GIVEN a target table held exclusively (as ADD PRIMARY KEY holds it) WHEN the sampler reads the target THEN it answers within the lock timeout with the bytes read before the lock, and with nothing read before it fails (the record repeats)', async () => {
    // GIVEN a database with one table, sampled once without a lock
    await pg.target.sql('CREATE DATABASE locked OWNER system;');
    await pg.target.sql('SET ROLE system; CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 10000);', 'locked');
    const state = join(pg.work, 'locked.state');
    const free = await sample('locked', state);
    expect(free.code, free.stderr).toBe(0);
    expect(Number(free.stdout)).toBeGreaterThan(0);
    // WHEN the table is held exclusively by another session (no index build under way)
    const holder = execFile(join(pgBinDir() ?? '', 'psql'), ['-X', '-h', pg.target.host, '-p', String(pg.target.port), '-U', 'system', '-d', 'locked', '-c', 'BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(20); COMMIT;'], { env: { PGPASSWORD: TGT_PW } });
    try {
      await waitForLock(pg.target);
      const locked = await sample('locked', state);
      const first = await sample('locked', join(pg.work, 'none.state'));
      // THEN the amount read before the lock, soon (lock_timeout 250 ms), not an error
      expect({ code: locked.code, bytes: locked.stdout }).toEqual({ code: 0, bytes: free.stdout });
      expect(locked.ms).toBeLessThan(5_000);
      // AND with no amount read before, the sample fails: the sampler repeats its last record
      expect(first.code).not.toBe(0);
    } finally {
      holder.kill('SIGTERM');
    }
  }, 60_000);
});

describe.skipIf(skipSuite(myBins))('progress records of mysql-copy.sh (MariaDB -> MariaDB)', () => {
  const my = useMariaDbPair(myBins, 'tsm-progress-my-', async ({ source: src, target: tgt }) => {
    await src.sql(`
      CREATE USER 'root'@'%' IDENTIFIED BY '${SRC_PW}';
      GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;
      CREATE DATABASE system CHARACTER SET utf8mb4;`);
    // Rows in tables with awkward names (a backtick, a space), so the row count's SQL quotes them.
    await src.sql(
      `SET SESSION max_recursive_iterations = 1000000;
       CREATE TABLE events (id INT PRIMARY KEY, payload VARCHAR(255) NOT NULL);
       INSERT INTO events WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 300000)
         SELECT n, REPEAT(MD5(n), 4) FROM seq;
       CREATE TABLE \`odd\`\`name x\` (id INT PRIMARY KEY);
       INSERT INTO \`odd\`\`name x\` WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 500) SELECT n FROM seq;`,
      'system',
    );
    await tgt.sql(`CREATE USER 'admin'@'%' IDENTIFIED BY '${TGT_PW}'; GRANT ALL ON *.* TO 'admin'@'%';`);
  });

  it('GIVEN a load of 300 500 rows WHEN mysql-copy.sh runs THEN row records appear while it loads, never go down, end at the row total, and carry no secret', async () => {
    const file = join(my.work, 'progress');
    const { run, seen, raw } = await runWatched(
      'mysql-copy.sh',
      {
        SOURCE_MYSQL_HOST: my.source.host,
        SOURCE_MYSQL_PORT: String(my.source.port),
        SOURCE_MYSQL_USER: 'root',
        SOURCE_MYSQL_PASSWORD: SRC_PW,
        SOURCE_MYSQL_DATABASE: 'system',
        TARGET_MYSQL_HOST: my.target.host,
        TARGET_MYSQL_PORT: String(my.target.port),
        TARGET_MYSQL_USER: 'admin',
        TARGET_MYSQL_PASSWORD: TGT_PW,
        TARGET_MYSQL_DATABASE: 'threescale',
        EVIDENCE_FILE: join(my.work, 'evidence'),
        PROGRESS_FILE: file,
        PROGRESS_INTERVAL: INTERVAL,
      },
      file,
      'mysql-copy',
    );
    expect(run.stderr).toContain('row counts, row checksums and schema match');
    expect(run.code).toBe(0);
    expectMonotonicToTotal(seen, 'rows');
    expect(seen[0].total).toBe(300_500);
    expect(seen.some((r) => r.done > 0 && r.done < r.total)).toBe(true);
    expectMonotonicToTotal(logRecords(run.stderr), 'rows');
    for (const text of [...raw, run.stderr, run.stdout]) {
      expect(text).not.toContain(SRC_PW);
      expect(text).not.toContain(TGT_PW);
    }
  }, 240_000);
});
