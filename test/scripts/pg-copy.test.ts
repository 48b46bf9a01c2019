/**
 * Specification of charts/scripts/pg-copy.sh against two real PostgreSQL 15 servers on loopback:
 * "old" (source, stands in for the internal system-postgresql) and "new" (target, the external one).
 * Both run as a non-superuser `system` owning database `system`, as in the rhel9 postgresql images.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkBinaries,
  failInCiIfMissing,
  freePort,
  PG_SERVER_BINARIES,
  pgBinDir,
  runScript,
  skipSuite,
  startPostgres,
  type PgServer,
} from '../support/db-servers.js';
import { markUndone, recordOf } from '../support/undone-record.js';

const bins = checkBinaries('postgresql', PG_SERVER_BINARIES, [pgBinDir()]);

const SRC_PW = 'src-Secr3t-pw-7f1c';
const TGT_PW = 'tgt-Secr3t-pw-9a2e';
const TABLES = ['accounts', 'services', 'settings'];

describe.skipIf(skipSuite(bins))('pg-copy.sh (PostgreSQL 15 -> PostgreSQL 15)', () => {
  let src: PgServer;
  let tgt: PgServer;
  let work: string;
  let dbSeq = 0;

  beforeAll(async () => {
    failInCiIfMissing(bins, 'postgresql');
    work = await mkdtemp(join(tmpdir(), 'tsm-pgcopy-'));
    [src, tgt] = await Promise.all([startPostgres(), startPostgres()]);
    await src.sql(`CREATE ROLE system LOGIN PASSWORD '${SRC_PW}'; CREATE DATABASE system OWNER system;`);
    await tgt.sql(`CREATE ROLE system LOGIN PASSWORD '${TGT_PW}';`);
    // A small 3scale-like schema, created as the owner `system`: tables with a FK, a sequence, indexes,
    // a view, awkward text values and NULLs.
    await src.sql(
      `SET ROLE system;
       CREATE TABLE accounts (id bigserial PRIMARY KEY, org_name text NOT NULL, state text, created_at timestamptz NOT NULL,
                              extra jsonb, logo bytea);
       CREATE INDEX index_accounts_on_state ON accounts (state);
       INSERT INTO accounts (org_name, state, created_at, extra, logo)
         SELECT 'Org ' || g || E' \\t "quoted" ''single'' ü', CASE WHEN g % 3 = 0 THEN NULL ELSE 'approved' END,
                timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour',
                jsonb_build_object('n', g, 'tags', jsonb_build_array('a', g % 7)),
                decode(md5(g::text), 'hex')
         FROM generate_series(1, 1000) g;
       CREATE TABLE services (id serial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id), name varchar(255));
       INSERT INTO services (account_id, name) SELECT (g % 1000) + 1, 'svc-' || g FROM generate_series(1, 300) g;
       CREATE TABLE settings (account_id bigint PRIMARY KEY REFERENCES accounts (id), value text);
       INSERT INTO settings SELECT id, repeat('x', (id % 50)::int) FROM accounts WHERE id <= 250;
       CREATE SEQUENCE backend_event_seq START 500;
       SELECT setval('backend_event_seq', 4242);
       CREATE VIEW approved_accounts AS SELECT id, org_name FROM accounts WHERE state = 'approved';`,
      'system',
    );
  });

  afterAll(async () => {
    await Promise.all([src?.stop(), tgt?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** A fresh, empty target database owned by `system`. */
  async function newTargetDb(): Promise<string> {
    const name = `system_${++dbSeq}`;
    await tgt.sql(`CREATE DATABASE ${name} OWNER system;`);
    return name;
  }

  function env(targetDb: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      SOURCE_PGHOST: src.host,
      SOURCE_PGPORT: String(src.port),
      SOURCE_PGDATABASE: 'system',
      SOURCE_PGUSER: 'system',
      SOURCE_PGPASSWORD: SRC_PW,
      TARGET_PGHOST: tgt.host,
      TARGET_PGPORT: String(tgt.port),
      TARGET_PGDATABASE: targetDb,
      TARGET_PGUSER: 'system',
      TARGET_PGPASSWORD: TGT_PW,
      EVIDENCE_FILE: join(work, `${targetDb}.evidence`),
      ...extra,
    };
  }

  /** Row count and an order-independent content checksum per table. */
  async function fingerprint(server: PgServer, db: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const t of TABLES) {
      out[t] = await server.sql(`SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '-') FROM ${t} x;`, db);
    }
    out['seq'] = await server.sql(`SELECT last_value || '/' || is_called FROM backend_event_seq;`, db);
    out['accounts_id_seq'] = await server.sql(`SELECT last_value FROM accounts_id_seq;`, db);
    out['view'] = await server.sql(`SELECT count(*) FROM approved_accounts;`, db);
    out['indexes'] = await server.sql(`SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public';`, db);
    out['owner'] = await server.sql(`SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname = 'public';`, db);
    return out;
  }

  function expectNoSecrets(r: { stdout: string; stderr: string }): void {
    for (const s of [SRC_PW, TGT_PW]) {
      expect(r.stdout).not.toContain(s);
      expect(r.stderr).not.toContain(s);
    }
  }

  /** A directory with a fake tool shadowing the real one in PATH. */
  async function shim(name: string, body: string): Promise<string> {
    const dir = await mkdtemp(join(work, `shim-${name}-`));
    await writeFile(join(dir, name), `#!/usr/bin/env bash\n${body}\n`);
    await chmod(join(dir, name), 0o755);
    return dir;
  }

  it('streams the database, and row counts, per-table checksums, sequences, indexes and views are equal', async () => {
    // GIVEN an empty target database and the populated source
    const db = await newTargetDb();
    // WHEN the script runs in the default streaming mode
    const r = await runScript('pg-copy.sh', env(db));
    // THEN it succeeds and the target is an exact copy
    expect(r.stderr).toContain('row counts match');
    expect(r.code).toBe(0);
    expect(await fingerprint(tgt, db)).toEqual(await fingerprint(src, 'system'));
    expect((await fingerprint(tgt, db))['accounts']).toMatch(/^1000:/);
    // AND the evidence record says so, without any secret
    const evidence = await readFile(join(work, `${db}.evidence`), 'utf8');
    expect(evidence).toMatch(/^pg-copy\.phase=Succeeded$/m);
    expect(evidence).toMatch(/^pg-copy\.inputsChecksum=[0-9a-f]{64}$/m);
    expect(evidence).toMatch(/^pg-copy\.finishedAt=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    expect(evidence).toMatch(/^pg-copy\.result=copied 3 tables, 1550 rows/m);
    expect(evidence).not.toContain(SRC_PW);
    expectNoSecrets(r);
  });

  it('loads into a managed-like server as its admin, who is not the old owner: --no-owner --no-acl (what the chart sets for managed targets)', async () => {
    // GIVEN a managed-like admin (no superuser, not a member of role system) and a database it owns
    const db = `managed_${++dbSeq}`;
    await tgt.sql(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rdsadmin') THEN CREATE ROLE rdsadmin LOGIN PASSWORD '${TGT_PW}'; END IF; END $$;`);
    await tgt.sql(`CREATE DATABASE ${db} OWNER rdsadmin;`);
    const managed = (extra: Record<string, string> = {}) => ({ ...env(db), TARGET_PGUSER: 'rdsadmin', ...extra });
    // WHEN the copy keeps the owners of the dump
    const keep = await runScript('pg-copy.sh', managed());
    // THEN it refuses before writing anything, naming the cause: the admin may not give objects to role system
    expect(keep.code).not.toBe(0);
    expect(keep.stderr).toContain('target user rdsadmin may not give objects to the roles that own them on the source: system');
    expect(await tgt.sql(`SELECT count(*) FROM pg_tables WHERE schemaname = 'public';`, db)).toBe('0');
    // WHEN it runs as the chart renders it for a managed target
    const r = await runScript('pg-copy.sh', managed({ PG_RESTORE_NO_OWNER: 'true', PG_RESTORE_NO_ACL: 'true' }));
    // THEN the data is equal and every table belongs to the admin
    expect(r.code).toBe(0);
    const { owner, ...copied } = await fingerprint(tgt, db);
    const { owner: _sourceOwner, ...source } = await fingerprint(src, 'system');
    expect(copied).toEqual(source);
    expect(owner).toBe('rdsadmin');
    expectNoSecrets(r);
  });

  describe('a managed server without the database (seed 5.2.4, TARGET_CREATE_DATABASE=true)', () => {
    const managedEnv = (db: string, user: string, extra: Record<string, string> = {}) => ({
      ...env(db),
      TARGET_PGUSER: user,
      PG_RESTORE_NO_OWNER: 'true',
      PG_RESTORE_NO_ACL: 'true',
      TARGET_CREATE_DATABASE: 'true',
      ...extra,
    });
    const exists = async (db: string) => tgt.sql(`SELECT count(*) FROM pg_database WHERE datname = '${db.replace(/'/g, "''")}';`);

    beforeAll(async () => {
      await tgt.sql(`CREATE ROLE rdscreator LOGIN CREATEDB PASSWORD '${TGT_PW}'; CREATE ROLE rdsplain LOGIN PASSWORD '${TGT_PW}';`);
    });

    it('GIVEN the database absent and an admin with CREATEDB WHEN copied THEN the database is created in the source encoding and filled', async () => {
      // GIVEN no database of that name
      const db = `created_${++dbSeq}`;
      expect(await exists(db)).toBe('0');
      // WHEN
      const r = await runScript('pg-copy.sh', managedEnv(db, 'rdscreator'));
      // THEN created once, with the source's encoding, owned by the admin, and an exact copy
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`creating target database ${db} (ENCODING UTF8, TEMPLATE template0)`);
      expect(await tgt.sql(`SELECT pg_encoding_to_char(encoding) || ' ' || pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${db}';`)).toBe('UTF8 rdscreator');
      const { owner: _o, ...copied } = await fingerprint(tgt, db);
      const { owner: _s, ...source } = await fingerprint(src, 'system');
      expect(copied).toEqual(source);
      expectNoSecrets(r);
      // AND a rerun finds it and creates nothing
      const again = await runScript('pg-copy.sh', managedEnv(db, 'rdscreator'));
      expect(again.code).toBe(0);
      expect(again.stderr).toContain(`target database ${db} exists`);
      expect(again.stderr).not.toContain('creating target database');
    });

    it('GIVEN the database present (created beforehand, as the seed does) WHEN copied THEN it is used as it is', async () => {
      // GIVEN an existing empty database the admin owns, and an admin without CREATEDB
      const db = `present_${++dbSeq}`;
      await tgt.sql(`CREATE DATABASE ${db} OWNER rdsplain;`);
      // WHEN
      const r = await runScript('pg-copy.sh', managedEnv(db, 'rdsplain'));
      // THEN nothing is created, the copy succeeds
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`target database ${db} exists`);
      expect(r.stderr).not.toContain('creating target database');
    });

    it('GIVEN the database absent and an admin without CREATEDB WHEN copied THEN one sentence names the database, the user and the privilege, and nothing is created', async () => {
      // GIVEN
      const db = `denied_${++dbSeq}`;
      // WHEN
      const r = await runScript('pg-copy.sh', managedEnv(db, 'rdsplain'));
      // THEN
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`cannot create database ${db} on target PostgreSQL rdsplain@${tgt.host}:${tgt.port}/postgres: user rdsplain lacks CREATEDB; grant it, or create the database first (seed 5.2.4: CREATE DATABASE)`);
      expect(await exists(db)).toBe('0');
      expectNoSecrets(r);
    });

    it('GIVEN a hostile database name (quotes, a semicolon, SQL) WHEN created THEN exactly that name exists and no statement in it ran', async () => {
      // GIVEN a name that would end the statement if spliced into SQL
      const db = `sys"tem'; DROP DATABASE present_x; --`;
      await tgt.sql('CREATE DATABASE present_x;');
      // WHEN
      const r = await runScript('pg-copy.sh', managedEnv(db, 'rdscreator'));
      // THEN the database of that exact name exists and the other one is still there
      expect(r.stderr).toContain('creating target database');
      expect(await exists(db)).toBe('1');
      expect(await exists('present_x')).toBe('1');
      expectNoSecrets(r);
    });

    it('GIVEN the target server unreachable WHEN the database is looked for THEN one sentence names the maintenance database and host', async () => {
      // GIVEN a port nothing listens on
      const port = await freePort();
      // WHEN
      const r = await runScript('pg-copy.sh', managedEnv('absent', 'rdscreator', { TARGET_PGPORT: String(port) }));
      // THEN
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`cannot look for database absent on target PostgreSQL rdscreator@${tgt.host}:${port}/postgres:`);
      expectNoSecrets(r);
    });
  });

  it('is idempotent: a rerun after success changes nothing and exits 0', async () => {
    // GIVEN a target already copied by the script
    const db = await newTargetDb();
    expect((await runScript('pg-copy.sh', env(db))).code).toBe(0);
    const evidenceBefore = await readFile(join(work, `${db}.evidence`), 'utf8');
    const relfilenodeBefore = await tgt.sql(`SELECT relfilenode FROM pg_class WHERE relname = 'accounts';`, db);
    // WHEN it runs again with the same inputs
    const r = await runScript('pg-copy.sh', env(db));
    // THEN it exits 0 without restoring (same table storage, same evidence record)
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('already done');
    expect(await tgt.sql(`SELECT relfilenode FROM pg_class WHERE relname = 'accounts';`, db)).toBe(relfilenodeBefore);
    expect(await readFile(join(work, `${db}.evidence`), 'utf8')).toBe(evidenceBefore);
  });

  it('GIVEN a copy whose record a rollback marked Undone WHEN the Job runs again with the source unchanged THEN it is already done and its record reads Succeeded again, the copy\'s fingerprint, baseline and manifest kept', async () => {
    // GIVEN a copied target, its record marked as kube/retire-jobs.sh marks it
    const db = await newTargetDb();
    const file = join(work, `${db}.evidence`);
    expect((await runScript('pg-copy.sh', env(db))).code).toBe(0);
    const copied = await recordOf(file, 'pg-copy');
    await markUndone(file, 'pg-copy', 'rollback/05-cutover');
    const relfilenodeBefore = await tgt.sql(`SELECT relfilenode FROM pg_class WHERE relname = 'accounts';`, db);
    // WHEN it runs again (the new Job of the re-entered phase)
    const r = await runScript('pg-copy.sh', env(db, { JOB_SHA256: 'ab'.repeat(32) }));
    // THEN nothing is restored
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('already done');
    expect(await tgt.sql(`SELECT relfilenode FROM pg_class WHERE relname = 'accounts';`, db)).toBe(relfilenodeBefore);
    // AND the record says Succeeded for this Job, with the keys of the copy that stands
    const now = await recordOf(file, 'pg-copy');
    expect(now).toMatchObject({ phase: 'Succeeded', jobSha256: 'ab'.repeat(32) });
    expect(now.result).toMatch(/^already done \(the record read Undone\): source unchanged since the copy \(fingerprint sha256:[0-9a-f]{64}\), target still equal$/);
    for (const key of ['inputsChecksum', 'sourceFingerprint', 'targetBaseline', 'manifest']) expect(now[key], key).toBe(copied[key]);
    expect(copied.manifest?.length).toBeGreaterThan(0);
    // AND a run after that changes nothing more
    const again = await readFile(file, 'utf8');
    expect((await runScript('pg-copy.sh', env(db, { JOB_SHA256: 'ab'.repeat(32) }))).code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(again);
  });

  it('GIVEN a record marked Undone and a source 3scale wrote to since WHEN the Job runs again THEN it refuses naming spec.jobs.resetTarget, and the record stays Undone', async () => {
    // GIVEN a copy, its record Undone, then a write to the source
    const db = await newTargetDb();
    const file = join(work, `${db}.evidence`);
    expect((await runScript('pg-copy.sh', env(db))).code).toBe(0);
    await markUndone(file, 'pg-copy', 'rollback/02-scale-down');
    await src.sql(`UPDATE settings SET value = value || 'y' WHERE account_id = 1;`, 'system');
    try {
      // WHEN
      const r = await runScript('pg-copy.sh', env(db));
      // THEN
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('spec.jobs.resetTarget');
      expect(await recordOf(file, 'pg-copy')).toMatchObject({ phase: 'Undone', result: 'undone by rollback/02-scale-down' });
    } finally {
      await src.sql(`UPDATE settings SET value = left(value, -1) WHERE account_id = 1;`, 'system');
    }
  });

  it('refuses a target that already holds tables without evidence, even with TARGET_RESET=true, naming what it would have removed', async () => {
    // GIVEN a target database with unrelated tables and no evidence record
    const db = await newTargetDb();
    await tgt.sql(`SET ROLE system; CREATE TABLE accounts (id int); INSERT INTO accounts VALUES (1); CREATE TABLE unrelated (x int);`, db);
    // WHEN the script runs
    const refused = await runScript('pg-copy.sh', env(db));
    // THEN it fails with a clear message and leaves the target alone
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/already holds 2 user objects \(table public\.accounts; table public\.unrelated\).*spec\.jobs\.resetTarget/);
    // WHEN it runs again with TARGET_RESET=true
    const reset = await runScript('pg-copy.sh', env(db, { TARGET_RESET: 'true' }));
    // THEN it still refuses: no evidence proves the copy created these objects, and it names them
    expect(reset.code).not.toBe(0);
    expect(reset.stderr).toContain('no evidence record of this step shows it created them, so nothing is removed: table public.accounts; table public.unrelated');
    expect(await tgt.sql(`SELECT count(*) FROM accounts;`, db)).toBe('1');
  });

  it('treats exactly `schema "public" already exists` as harmless', async () => {
    // GIVEN a pg_dump that, like the pg_dump 10 of the old pod, writes CREATE SCHEMA public into the
    // archive (pg_dump 15 does so when the schema is named explicitly)
    const db = await newTargetDb();
    const realPgDump = join(pgBinDir()!, 'pg_dump');
    const shimDir = await shim('pg_dump', `exec ${realPgDump} --schema=public "$@"`);
    // WHEN the script copies with it
    const r = await runScript('pg-copy.sh', env(db), { pathPrefix: [shimDir] });
    // THEN pg_restore's error is recognised and tolerated, and the copy is complete
    expect(r.stderr).toContain(`harmless 'schema "public" already exists' error (1)`);
    expect(r.code).toBe(0);
    expect(await fingerprint(tgt, db)).toEqual(await fingerprint(src, 'system'));
  });

  it('fails on any other pg_restore error', async () => {
    // GIVEN an empty target (so the script starts restoring) in which, just before pg_restore runs, an
    // object of the dump appears (a different error than schema public)
    const db = await newTargetDb();
    const realRestore = join(pgBinDir()!, 'pg_restore');
    const realPsql = join(pgBinDir()!, 'psql');
    const shimDir = await shim(
      'pg_restore',
      `${realPsql} -X -q -h ${tgt.host} -p ${tgt.port} -U system -d ${db} -c 'CREATE SEQUENCE backend_event_seq' >/dev/null\nexec ${realRestore} "$@"`,
    );
    // WHEN the script runs
    const r = await runScript('pg-copy.sh', env(db), { pathPrefix: [shimDir] });
    // THEN it fails, shows the offending error, and records the failure
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('relation "backend_event_seq" already exists');
    expect(r.stderr).toContain('errors other than the harmless');
    expect(await readFile(join(work, `${db}.evidence`), 'utf8')).toMatch(/^pg-copy\.phase=Failed$/m);
    expectNoSecrets(r);
  });

  it('fails clearly when the target is unreachable, without printing passwords', async () => {
    // GIVEN a target port where nothing listens
    const closedPort = await freePort();
    // WHEN the script runs
    const r = await runScript('pg-copy.sh', { ...env('system'), TARGET_PGPORT: String(closedPort) });
    // THEN it fails non-zero naming the target and the reason
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`cannot connect to target PostgreSQL system@127\\.0\\.0\\.1:${closedPort}/system: .*(refused|failed)`));
    expectNoSecrets(r);
  });

  it('fails clearly on a wrong password, without printing it', async () => {
    // GIVEN a wrong source password
    const wrong = 'wrong-Pa55word-xyz';
    // WHEN the script runs
    const r = await runScript('pg-copy.sh', { ...env('system'), SOURCE_PGPASSWORD: wrong });
    // THEN it fails with the server's authentication message and no password anywhere
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cannot connect to source PostgreSQL .*password authentication failed for user "system"/);
    expect(r.stderr + r.stdout).not.toContain(wrong);
    expectNoSecrets(r);
  });

  it('restarts cleanly after a failed attempt (row count mismatch) without TARGET_RESET', async () => {
    // GIVEN an attempt that restored the schema but no data (a pg_restore that skips the data section)
    const db = await newTargetDb();
    const realRestore = join(pgBinDir()!, 'pg_restore');
    const shimDir = await shim(
      'pg_restore',
      `archive=$(mktemp); cat >"$archive"; exec ${realRestore} --section=pre-data --section=post-data "$@" "$archive"`,
    );
    const failed = await runScript('pg-copy.sh', env(db), { pathPrefix: [shimDir] });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('per-table row counts differ');
    expect(failed.stderr).toMatch(/public\.accounts\t1000/);
    expect(await readFile(join(work, `${db}.evidence`), 'utf8')).toMatch(/^pg-copy\.phase=Failed$/m);
    // WHEN the script is simply run again
    const r = await runScript('pg-copy.sh', env(db));
    // THEN it recognises its own leftovers, resets and completes
    expect(r.stderr).toContain('restarting it cleanly');
    expect(r.code).toBe(0);
    expect(await fingerprint(tgt, db)).toEqual(await fingerprint(src, 'system'));
  });

  it('GIVEN a parallel copy, whose source digests are hashed from the COPY streams, WHEN run again THEN it recognizes its own copy (the digests equal a full read of the source, which a streaming copy records too) and the rows were written frozen', async () => {
    // GIVEN one target copied table by table and one copied by the stream
    const parallel = await newTargetDb();
    const streamed = await newTargetDb();
    expect((await runScript('pg-copy.sh', env(parallel, { PARALLEL_JOBS: '2' }))).code).toBe(0);
    expect((await runScript('pg-copy.sh', env(streamed, { PARALLEL_JOBS: '1' }))).code).toBe(0);
    const evidence = await readFile(join(work, `${parallel}.evidence`), 'utf8');
    const fingerprintOf = (text: string): string | undefined => /sourceFingerprint=(sha256:[0-9a-f]{64})/.exec(text)?.[1];
    // THEN both record the same source fingerprint (the streamed digests equal those of pg_state's own read)
    expect(fingerprintOf(evidence)).toBeDefined();
    expect(fingerprintOf(evidence)).toBe(fingerprintOf(await readFile(join(work, `${streamed}.evidence`), 'utf8')));
    // AND the parallel copy wrote its rows frozen (COPY FREEZE sets the visibility map; ANALYZE reports it)
    expect(await tgt.sql(`SELECT relpages > 0 AND relallvisible = relpages FROM pg_class WHERE relname = 'accounts';`, parallel)).toBe('t');
    // WHEN the parallel copy runs again (its source read in full this time)
    const r = await runScript('pg-copy.sh', env(parallel, { PARALLEL_JOBS: '2' }));
    // THEN it is already done: nothing restored, the evidence unchanged
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('already done');
    expect(await readFile(join(work, `${parallel}.evidence`), 'utf8')).toBe(evidence);
  });

  it('GIVEN a parallel copy of 3 tables, 2 at a time WHEN it runs THEN a worker builds its table\'s indexes and primary key right after that table\'s COPY and analyzes it, before it takes the third table; foreign keys come after all of them', async () => {
    // GIVEN an empty target
    const db = await newTargetDb();
    // WHEN copied with 2 workers (accounts and services first, settings when one of them is done)
    const r = await runScript('pg-copy.sh', env(db, { PARALLEL_JOBS: '2' }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('each followed by its indexes');
    // THEN the table loaded last was loaded after the indexes of one of the two loaded before it were committed
    // (COPY FREEZE keeps the loading transaction in the rows' xmin)
    const xid = (sql: string): Promise<number> => tgt.sql(sql, db).then(Number);
    const loads = Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await xid(`SELECT min(xmin::text::bigint) FROM ${t};`)] as const)));
    const last = TABLES.reduce((a, b) => (loads[a]! > loads[b]! ? a : b));
    const earlier = TABLES.filter((t) => t !== last).map((t) => `'${t}'::regclass`).join(', ');
    const firstIndex = await xid(`SELECT min(i.xmin::text::bigint) FROM pg_class i JOIN pg_index x ON x.indexrelid = i.oid WHERE x.indrelid IN (${earlier});`);
    expect(firstIndex).toBeLessThan(loads[last]!);
    // AND the foreign keys were added after every table's load and index
    const firstForeignKey = await xid(`SELECT min(xmin::text::bigint) FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('services'::regclass, 'settings'::regclass);`);
    const lastIndex = await xid(`SELECT max(i.xmin::text::bigint) FROM pg_class i JOIN pg_index x ON x.indexrelid = i.oid JOIN pg_class t ON t.oid = x.indrelid
                                  WHERE t.relnamespace = 'public'::regnamespace;`);
    expect(firstForeignKey).toBeGreaterThan(Math.max(lastIndex, loads[last]!));
    // AND each table was analyzed by its worker (the planner has statistics when 3scale starts)
    expect(await tgt.sql(`SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL AND relname IN ('accounts', 'services', 'settings');`, db)).toBe('3');
    // AND every index and constraint of the source is there
    expect(await fingerprint(tgt, db)).toEqual(await fingerprint(src, 'system'));
    const constraints = `SELECT string_agg(conname || ':' || contype::text, ',' ORDER BY conname) FROM pg_constraint WHERE connamespace = 'public'::regnamespace;`;
    expect(await tgt.sql(constraints, db)).toBe(await src.sql(constraints, 'system'));
  });

  it('copies table by table, 2 at a time, from one snapshot, and leaves nothing the size of the data behind', async () => {
    // GIVEN an empty target and the container's temporary folder
    const db = await newTargetDb();
    const tmp = await mkdtemp(join(work, 'tmp-'));
    // WHEN PARALLEL_JOBS=2
    const r = await runScript('pg-copy.sh', env(db, { PARALLEL_JOBS: '2', TMPDIR: tmp }));
    // THEN the copy is exact and nothing is left behind
    expect(r.stderr).toContain('COPY of the tables 2 at a time');
    expect(r.stderr).toContain('3 tables copied');
    expect(r.code).toBe(0);
    expect(await fingerprint(tgt, db)).toEqual(await fingerprint(src, 'system'));
    expect(await readdir(tmp)).toEqual([]);
  });
});
