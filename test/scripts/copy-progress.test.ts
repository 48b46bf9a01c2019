/**
 * Specification of the progress records (charts/scripts/lib/progress.sh) that pg-copy.sh and mysql-copy.sh
 * write while they copy, on real servers: PostgreSQL 15 -> PostgreSQL 15 and MariaDB -> MariaDB. The
 * records are read the way a reader outside the Job sees them: the progress file polled while the script
 * runs, and the Job's log lines.
 */
import { describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
      // AND the records carry the index part of it (the source's index bytes), done at the end
      const indexes = Number(
        await pg.source.sql(`SELECT sum(pg_indexes_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'`, 'system'),
      );
      const indexParts = raw.map((text) => /^pg-copy\.progressIndexes=(\d+)\/(\d+) bytes (\d+\.\d)s$/m.exec(text)).filter((m) => m !== null);
      expect(indexParts.length).toBe(raw.length);
      expect(indexParts.every((m) => Number(m[2]) === indexes)).toBe(true);
      expect(Number(indexParts.at(-1)![1])).toBe(indexes);
      // AND the data part is the rest of the whole, with the seconds the loads took (summed over the sessions)
      const dataParts = raw.map((text) => /^pg-copy\.progressData=(\d+)\/(\d+) bytes (\d+\.\d)s$/m.exec(text)).filter((m) => m !== null);
      expect(dataParts.length).toBeGreaterThan(0);
      expect(dataParts.every((m) => Number(m[2]) === total - indexes)).toBe(true);
      expect(Number(dataParts.at(-1)![1])).toBe(total - indexes);
      // AND the stages: the parallel copy's setup (schema), its copy and its finish (sequences, constraints); the
      // streaming copy's one pipe is one copy stage
      const stages = raw.map((text) => /^pg-copy\.progressStage=(setup|copy|finish) \d+\.\ds \d+\.\ds$/m.exec(text)?.[1] ?? 'none');
      expect(stages.at(-1)).toBe(parallel === '1' ? 'copy' : 'finish');
      expect(stages.filter((st, i) => i === 0 || st !== stages[i - 1])).toEqual(parallel === '1' ? ['none', 'copy'] : expect.arrayContaining(['none', 'copy', 'finish']));
      // AND the record has its time stamps, and no password anywhere
      const last = raw.at(-1) ?? '';
      expect(last).toMatch(/^pg-copy\.progressStartedAt=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/m);
      expect(last).toMatch(/^pg-copy\.progressAt=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/m);
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

  /** One pg_copy_progress sample of database `db` on the target, as the copy's sampler takes it (a fresh bash), after pg_progress_plan of the source. */
  function sample(db: string, dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const harness = `set -euo pipefail
      . "$SCRIPTS/lib/common.sh"; . "$SCRIPTS/lib/evidence.sh"; evidence_init progress-sample; . "$SCRIPTS/lib/progress.sh"
      src() { PGPASSWORD="$SRC_PW" psql -X -A -t -q -v ON_ERROR_STOP=1 -h "$SRC_HOST" -p "$SRC_PORT" -U system -d system "$@"; }
      tgt() { PGPASSWORD="$TGT_PW" psql -X -A -t -q -v ON_ERROR_STOP=1 -h "$TGT_HOST" -p "$TGT_PORT" -U system -d "$TGT_DB" "$@"; }
      mkdir -p "$DIR"; [ -s "$DIR/plan" ] || pg_progress_plan src tgt "$DIR" >"$DIR/totals"
      pg_copy_progress tgt "$DIR"`;
    const env = { PATH: [pgBinDir(), process.env.PATH].filter(Boolean).join(':'), SCRIPTS: SCRIPTS_DIR, SRC_PW, SRC_HOST: pg.source.host, SRC_PORT: String(pg.source.port), TGT_PW, TGT_HOST: pg.target.host, TGT_PORT: String(pg.target.port), TGT_DB: db, DIR: dir };
    return new Promise((resolve, reject) => {
      execFile('bash', ['-c', harness], { env }, (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') reject(new Error(err.message));
        else resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      });
    });
  }

  it('GIVEN a copy under way with a target table held exclusively (as ADD PRIMARY KEY and the parallel TRUNCATE ... COPY hold it) WHEN the sampler reads the target THEN it answers without waiting on the lock: the data bytes grown, no index built, no index time yet', async () => {
    // GIVEN the plan read from the source (its totals: all bytes, and the index bytes among them)
    await pg.target.sql('CREATE DATABASE locked OWNER system;');
    const dir = join(pg.work, 'locked.progress');
    const before = await sample('locked', dir);
    expect(before.code, before.stderr).toBe(0);
    const [total, indexTotal] = (await readFile(join(dir, 'totals'), 'utf8')).trim().split(' ').map(Number);
    const sourceIndexes = Number(await pg.source.sql("SELECT sum(pg_indexes_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'", 'system'));
    expect(indexTotal).toBe(sourceIndexes);
    expect(total).toBeGreaterThan(indexTotal!);
    expect(before.stdout.trim()).toBe('0 0 0.0 0.0');
    // AND a table loaded on the target without its index yet (8 MB or so)
    await pg.target.sql("SET ROLE system; CREATE TABLE events (id bigint, payload text); INSERT INTO events SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 40000) g;", 'locked');
    const heap = Number(await pg.target.sql("SELECT pg_table_size('events')", 'locked'));
    // WHEN the table is held exclusively by another session
    const holder = execFile(join(pgBinDir() ?? '', 'psql'), ['-X', '-h', pg.target.host, '-p', String(pg.target.port), '-U', 'system', '-d', 'locked', '-c', 'BEGIN; LOCK TABLE events IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(20); COMMIT;'], { env: { PGPASSWORD: TGT_PW } });
    try {
      await waitForLock(pg.target);
      const locked = await sample('locked', dir);
      // THEN the sample answers, with the table's bytes (as the database's files have grown) and no index part
      expect(locked.code, locked.stderr).toBe(0);
      const [done, indexDone, seconds, dataSeconds] = locked.stdout.trim().split(' ');
      expect(Number(done)).toBeGreaterThanOrEqual(heap);
      expect(Number(done)).toBeLessThanOrEqual(total! - indexTotal!);
      expect([indexDone, seconds, dataSeconds]).toEqual(['0', '0.0', '0.0']);
    } finally {
      holder.kill('SIGTERM');
      await pg.target.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'locked' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()");
    }
    // AND once the primary key is built, its source bytes count as index bytes done
    await pg.target.sql('ALTER TABLE events ADD PRIMARY KEY (id);', 'locked');
    const [, indexDone] = (await sample('locked', dir)).stdout.trim().split(' ').map(Number);
    const eventsKey = Number(await pg.source.sql("SELECT pg_indexes_size('events')", 'system'));
    expect(indexDone).toBe(eventsKey);
  }, 60_000);

  it('GIVEN a COPY into the target that waits for its rows WHEN the sampler reads the target a second apart, and after the COPY ended THEN the data seconds grow by the time between the samples, and stop growing once it ended', async () => {
    // GIVEN a planned copy and a table on the target, and a session loading it by COPY ... FROM STDIN, its rows still to come
    await pg.target.sql('CREATE DATABASE busy OWNER system;');
    const dir = join(pg.work, 'busy.progress');
    expect((await sample('busy', dir)).stdout.trim()).toBe('0 0 0.0 0.0');
    await pg.target.sql('SET ROLE system; CREATE TABLE events (id bigint, payload text);', 'busy');
    const loader = spawn(join(pgBinDir() ?? '', 'psql'), ['-X', '-h', pg.target.host, '-p', String(pg.target.port), '-U', 'system', '-d', 'busy', '-c', 'COPY events FROM STDIN'], { env: { PGPASSWORD: TGT_PW }, stdio: ['pipe', 'ignore', 'ignore'] });
    const ended = new Promise((resolve) => loader.on('exit', resolve));
    try {
      loader.stdin.write('1\tfirst\n');
      for (let i = 0; i < 100 && (await pg.target.sql("SELECT count(*) FROM pg_stat_activity WHERE datname = 'busy' AND state = 'active' AND query ILIKE 'copy %'")) === '0'; i++) await new Promise((r) => setTimeout(r, 100));
      // WHEN the sampler reads the target twice, a second apart
      const first = (await sample('busy', dir)).stdout.trim().split(' ').map(Number);
      await new Promise((r) => setTimeout(r, 1000));
      const second = (await sample('busy', dir)).stdout.trim().split(' ').map(Number);
      // THEN the data seconds grew by at least the second between them (each rounded to a tenth), no index seconds
      expect(second[3]! - first[3]!).toBeGreaterThanOrEqual(0.8);
      expect([first[2], second[2]]).toEqual([0, 0]);
      // WHEN the COPY ends and the sampler reads twice more
      loader.stdin.end('\\.\n');
      await ended;
      const third = (await sample('busy', dir)).stdout.trim().split(' ').map(Number);
      await new Promise((r) => setTimeout(r, 500));
      const fourth = (await sample('busy', dir)).stdout.trim().split(' ').map(Number);
      // THEN the ended COPY is counted to half-way between the last sample that saw it and the next, then no more
      expect(third[3]).toBeGreaterThanOrEqual(second[3]!);
      expect(fourth[3]).toBe(third[3]);
    } finally {
      loader.kill('SIGTERM');
    }
  }, 60_000);
});

describe('the progress sampler (charts/scripts/lib/progress.sh) with a slow sample', () => {
  it('GIVEN a sample that hangs for 2 s WHEN the sampler runs every 0.2 s THEN records keep coming meanwhile with the last amount, and the late amount comes in a later record', async () => {
    const work = await mkdtemp(join(tmpdir(), 'tsm-progress-loop-'));
    try {
      const file = join(work, 'progress');
      // A sample: 10, then one that takes 2 s and says 20, then 30 from then on.
      const harness = `set -euo pipefail
        . "$SCRIPTS/lib/common.sh"; . "$SCRIPTS/lib/evidence.sh"; evidence_init loop; . "$SCRIPTS/lib/progress.sh"
        step_exit() { :; }
        PROGRESS_ON_EXIT=step_exit
        slow() { local n; n="$(cat "$WORK/n" 2>/dev/null || echo 0)"; echo $((n + 1)) >"$WORK/n"
          case "$n" in 0) echo 10 ;; 1) sleep 2; echo 20 ;; *) echo 30 ;; esac; }
        progress_start rows 100 slow
        sleep 4
        progress_finish`;
      const { result: run, sightings } = await whileWatching(file, 10, () => new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile('bash', ['-c', harness], { env: { PATH: process.env.PATH, SCRIPTS: SCRIPTS_DIR, WORK: work, PROGRESS_FILE: file, PROGRESS_INTERVAL: '0.2' } }, (err, _stdout, stderr) => resolve({ code: err ? (err.code as number) : 0, stderr }));
      }));
      expect(run.code, run.stderr).toBe(0);
      const amounts = sightings.flatMap((s) => parseRecord(s.text, 'loop') ?? []).map((r) => r.done);
      // THEN while the 2-s sample hangs, several records repeat 10 (each a new record: its time stamp moves on)
      expect(amounts.filter((a) => a === 10).length).toBeGreaterThanOrEqual(3);
      // AND the hung sample's 20 arrives afterwards, then 30, then the total; never going down
      expect(amounts).toContain(20);
      expect(amounts.indexOf(20)).toBeLessThan(amounts.indexOf(30));
      expect(amounts.at(-1)).toBe(100);
      expect([...amounts].sort((a, b) => a - b)).toEqual(amounts);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 30_000);
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
    expect(run.stderr).toContain('row counts and schema match');
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
