/**
 * Specification of charts/scripts/pg-copy.sh against a hostile data set on real PostgreSQL 15 servers: what a
 * copy must carry beyond rows (database and role settings, the comment, owners, grants and a REVOKE on a
 * SECURITY DEFINER function, large objects), what it must refuse before writing (another encoding, XML
 * declarations that COPY drops, missing roles, a target holding functions, types or large objects), what it
 * must prove after (a stale materialized view differs), and how it behaves on a retry (a failed attempt with
 * large objects, a source written to again after a rollback, objects it did not create).
 *
 * Three servers: "old" (the source), "new" (an on-cluster target with the source's roles) and "managed" (an
 * admin that is no superuser, with only some of the roles).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBinaries, failInCiIfMissing, PG_SERVER_BINARIES, pgBinDir, runScript, skipSuite, startPostgres, type PgServer } from '../support/db-servers.js';

const bins = checkBinaries('postgresql', PG_SERVER_BINARIES, [pgBinDir()]);

const SRC_PW = 'src-H0stile-pw-41d2';
const TGT_PW = 'tgt-H0stile-pw-8e7b';
const ADMIN_PW = 'adm-H0stile-pw-c3a0';

/** The hostile System database: a schema of another owner, grants, a guarded SECURITY DEFINER function, settings. */
const HOSTILE_SQL = `
CREATE SCHEMA app AUTHORIZATION app_owner;
SET ROLE app_owner;
CREATE TABLE app.widgets (id int PRIMARY KEY, name text, price numeric, doc xml, made timestamptz);
INSERT INTO app.widgets SELECT g, 'w' || g || E'\\t"q"', g * 1.5, xmlparse(content '<w n="' || g || '"/>'),
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 day' FROM generate_series(1, 200) g;
CREATE TABLE app.notes (body text);
INSERT INTO app.notes VALUES ('b'), ('a'), ('a'), (NULL);
CREATE SEQUENCE app.ticket_seq;
SELECT setval('app.ticket_seq', 77);
CREATE TYPE app.mood AS ENUM ('sad', 'ok');
CREATE FUNCTION app.reveal_secret() RETURNS text LANGUAGE sql SECURITY DEFINER AS $$ SELECT 'secret' $$;
REVOKE EXECUTE ON FUNCTION app.reveal_secret() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.reveal_secret() TO reporting;
GRANT USAGE ON SCHEMA app TO reporting, auditor;
GRANT SELECT ON app.widgets TO reporting;
GRANT SELECT ON app.notes TO auditor;
RESET ROLE;
SET ROLE system;
SELECT lo_from_bytea(424242, '\\x00016c617267652062797465730a'::bytea);
RESET ROLE;
`;

describe.skipIf(skipSuite(bins))('pg-copy.sh with a hostile data set (PostgreSQL 15)', () => {
  let src: PgServer;
  let tgt: PgServer;
  let managed: PgServer;
  let work: string;
  let seq = 0;

  beforeAll(async () => {
    failInCiIfMissing(bins, 'postgresql');
    work = await mkdtemp(join(tmpdir(), 'tsm-pghostile-'));
    [src, tgt, managed] = await Promise.all([startPostgres(), startPostgres(), startPostgres()]);
    const roles = `CREATE ROLE app_owner NOLOGIN; CREATE ROLE reporting NOLOGIN; CREATE ROLE auditor NOLOGIN; GRANT app_owner TO system;`;
    await src.sql(`CREATE ROLE system LOGIN PASSWORD '${SRC_PW}'; ${roles}`);
    // The on-cluster target's user may create roles (to set the source's role settings in its database).
    await tgt.sql(`CREATE ROLE system LOGIN CREATEROLE PASSWORD '${TGT_PW}'; ${roles}`);
    // Managed: its admin may create roles and databases (as RDS's master user) but is no superuser; no auditor.
    await managed.sql(`CREATE ROLE rdsadmin LOGIN CREATEROLE CREATEDB PASSWORD '${ADMIN_PW}'; CREATE ROLE reporting NOLOGIN;`);
    await src.sql(`CREATE DATABASE hostile OWNER system;`);
    await src.sql(HOSTILE_SQL, 'hostile');
    await src.sql(`ALTER DATABASE hostile SET search_path = app, public; ALTER ROLE reporting IN DATABASE hostile SET work_mem = '8MB';
                   COMMENT ON DATABASE hostile IS 'System database of 3scale';`);
  });

  afterAll(async () => {
    await Promise.all([src?.stop(), tgt?.stop(), managed?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** A source database of its own, owned by `system`, filled by `sql` run as the superuser. */
  async function sourceDb(sql: string, options = ''): Promise<string> {
    const name = `src_${++seq}`;
    await src.sql(`CREATE DATABASE ${name} OWNER system ${options};`);
    await src.sql(sql, name);
    return name;
  }

  async function targetDb(server: PgServer = tgt, owner = 'system'): Promise<string> {
    const name = `tgt_${++seq}`;
    await server.sql(`CREATE DATABASE ${name} OWNER ${owner};`);
    return name;
  }

  function env(sourceDbName: string, targetDbName: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      SOURCE_PGHOST: src.host,
      SOURCE_PGPORT: String(src.port),
      SOURCE_PGDATABASE: sourceDbName,
      SOURCE_PGUSER: 'system',
      SOURCE_PGPASSWORD: SRC_PW,
      TARGET_PGHOST: tgt.host,
      TARGET_PGPORT: String(tgt.port),
      TARGET_PGDATABASE: targetDbName,
      TARGET_PGUSER: 'system',
      TARGET_PGPASSWORD: TGT_PW,
      EVIDENCE_FILE: join(work, `${targetDbName}.evidence`),
      ...extra,
    };
  }

  function managedEnv(sourceDbName: string, targetDbName: string): Record<string, string> {
    return {
      ...env(sourceDbName, targetDbName),
      TARGET_PGHOST: managed.host,
      TARGET_PGPORT: String(managed.port),
      TARGET_PGUSER: 'rdsadmin',
      TARGET_PGPASSWORD: ADMIN_PW,
      PG_RESTORE_NO_OWNER: 'true',
      PG_RESTORE_NO_ACL: 'true',
    };
  }

  /** What a session of a new connection sees of the database-level state. */
  async function databaseState(server: PgServer, db: string): Promise<Record<string, string>> {
    return {
      searchPath: await server.sql(`SHOW search_path;`, db),
      widgets: await server.sql(`SELECT count(*) FROM widgets;`, db),
      roleSettings: await server.sql(
        `SELECT string_agg(coalesce(r.rolname, '*') || ':' || array_to_string(s.setconfig, ','), ' ' ORDER BY 1) FROM pg_db_role_setting s
           JOIN pg_database d ON d.oid = s.setdatabase AND d.datname = current_database() LEFT JOIN pg_roles r ON r.oid = s.setrole;`,
        db,
      ),
      comment: await server.sql(`SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database();`, db),
      largeObject: await server.sql(`SELECT encode(lo_get(424242), 'hex');`, db),
      publicMayRevealSecret: await server.sql(`SELECT has_function_privilege('public', 'app.reveal_secret()', 'EXECUTE');`, db),
      reportingMayRevealSecret: await server.sql(`SELECT has_function_privilege('reporting', 'app.reveal_secret()', 'EXECUTE');`, db),
      reportingMayReadWidgets: await server.sql(`SELECT has_table_privilege('reporting', 'app.widgets', 'SELECT');`, db),
      sequence: await server.sql(`SELECT last_value || '/' || is_called FROM app.ticket_seq;`, db),
    };
  }

  async function shim(name: string, body: string): Promise<string> {
    const dir = await mkdtemp(join(work, `shim-${name}-`));
    await writeFile(join(dir, name), `#!/usr/bin/env bash\n${body}\n`);
    await chmod(join(dir, name), 0o755);
    return dir;
  }

  for (const [mode, jobs] of [['streamed', '1'], ['table by table, 2 at a time', '2']] as const) {
  it(`GIVEN database settings, a role setting, a comment, owners, grants and a REVOKE on a SECURITY DEFINER function WHEN copied on-cluster (${mode}) THEN all arrive and the copy proves the target equal`, async () => {
    // GIVEN the hostile source and an empty target with the same roles
    const db = await targetDb();
    // WHEN
    const r = await runScript('pg-copy.sh', env('hostile', db, { PARALLEL_JOBS: jobs }));
    // THEN queries that work on the source work on the target, with the same privileges
    // (table by table, each table's digest is that of the COPY stream that loaded it: pg-verify-copy reads the rows back)
    const rows = jobs === '1' ? 'rows (sha256 per table)' : 'rows (sha256 per table of the COPY stream that loaded it; pg-verify-copy reads them back from the target before the cut-over)';
    expect(r.stderr).toContain(`the target equals the source: ${rows}, sequences, 1 large objects, schema, settings, grants`);
    expect(r.code).toBe(0);
    expect(await databaseState(tgt, db)).toEqual(await databaseState(src, 'hostile'));
    expect((await databaseState(tgt, db)).publicMayRevealSecret).toBe('f');
    expect(await tgt.sql(`SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname = 'app';`, db)).toBe('app_owner');
    // AND the evidence records the source's fingerprint and the target's baseline transaction
    const evidence = await readFile(join(work, `${db}.evidence`), 'utf8');
    expect(evidence).toMatch(/^pg-copy\.sourceFingerprint=sha256:[0-9a-f]{64}$/m);
    expect(evidence).toMatch(/^pg-copy\.targetBaseline=\d+$/m);
    expect(r.stderr + r.stdout).not.toContain(SRC_PW);
  });

  it(`GIVEN a managed target (no superuser, without role auditor) WHEN copied with PG_RESTORE_NO_OWNER/NO_ACL (${mode}) THEN no privilege widens, settings arrive, and what is dropped is printed`, async () => {
    // GIVEN
    const db = await targetDb(managed, 'rdsadmin');
    // WHEN
    const r = await runScript('pg-copy.sh', { ...managedEnv('hostile', db), PARALLEL_JOBS: jobs });
    // THEN
    expect(r.code).toBe(0);
    const state = await databaseState(managed, db);
    expect(state).toEqual(await databaseState(src, 'hostile'));
    expect(state.publicMayRevealSecret).toBe('f');
    expect(await managed.sql(`SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname = 'app';`, db)).toBe('rdsadmin');
    // AND the log says what the mode changes and drops, and why
    expect(r.stderr).toContain('every object belongs to rdsadmin, as the managed admin can give objects to no other role');
    expect(r.stderr).toContain('dropped: GRANT SELECT ON TABLE app.notes TO auditor');
    expect(r.stderr).toContain('dropped: GRANT USAGE ON SCHEMA app TO auditor');
    expect(r.stderr).toContain('the target equals the source');
  });
  }

  it('GIVEN servers of different major versions (SCHEMA_COMPARE=catalog, as chosen then) WHEN copied THEN the schema is compared as a catalog list: equal after a full copy, and a restore without its indexes and constraints is named', async () => {
    // GIVEN / WHEN a full copy
    const db = await targetDb();
    const r = await runScript('pg-copy.sh', env('hostile', db, { SCHEMA_COMPARE: 'catalog' }));
    // THEN
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('the target equals the source');
    // GIVEN a pg_restore that leaves out the post-data section (indexes, constraints, triggers)
    const partial = await targetDb();
    const realRestore = join(pgBinDir()!, 'pg_restore');
    const noPostData = await shim('pg_restore', `archive=$(mktemp); cat >"$archive"; exec ${realRestore} --section=pre-data --section=data "$@" "$archive"`);
    // WHEN
    const missing = await runScript('pg-copy.sh', env('hostile', partial, { SCHEMA_COMPARE: 'catalog' }), { pathPrefix: [noPostData] });
    // THEN
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('constraint app.widgets widgets_pkey kind p');
    expect(missing.stderr).toContain('the target differs from the source after the restore in: schema');
  });

  it('GIVEN settings of another role in the source database and a target user without CREATEROLE WHEN copied THEN it refuses before writing, naming the role', async () => {
    // GIVEN an admin that may create nothing but owns its database
    await managed.sql(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'plainadmin') THEN CREATE ROLE plainadmin LOGIN PASSWORD '${ADMIN_PW}'; END IF; END $$;`);
    const db = await targetDb(managed, 'plainadmin');
    // WHEN
    const r = await runScript('pg-copy.sh', { ...managedEnv('hostile', db), TARGET_PGUSER: 'plainadmin' });
    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('the source database has settings of roles reporting (ALTER ROLE ... IN DATABASE), which target user plainadmin may not set (it needs CREATEROLE)');
    expect(await managed.sql(`SELECT count(*) FROM pg_namespace WHERE nspname = 'app';`, db)).toBe('0');
  });

  it('GIVEN a target with only the system user WHEN copied on-cluster THEN it refuses before writing, naming the missing roles', async () => {
    // GIVEN a second database on the managed server, whose admin stands in for a server without the roles
    const db = await targetDb(managed, 'rdsadmin');
    // WHEN the owners are kept
    const r = await runScript('pg-copy.sh', { ...managedEnv('hostile', db), PG_RESTORE_NO_OWNER: 'false', PG_RESTORE_NO_ACL: 'false' });
    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/lacks roles the source's objects, grants or settings name: app_owner \(grant, owner\); auditor \(grant\); system \(owner\)/);
    expect(await managed.sql(`SELECT count(*) FROM pg_namespace WHERE nspname = 'app';`, db)).toBe('0');
  });

  it('GIVEN a SQL_ASCII source holding bytes that are no UTF-8 WHEN copied into a UTF8 target THEN it refuses naming both encodings', async () => {
    // GIVEN
    const ascii = await sourceDb(`SET ROLE system; CREATE TABLE t (v text); INSERT INTO t VALUES (convert_from('\\xff41'::bytea, 'SQL_ASCII'));`, `ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
    const db = await targetDb();
    // WHEN
    const r = await runScript('pg-copy.sh', env(ascii, db));
    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/has encoding SQL_ASCII, target .* has UTF8: pg_restore would store the source's text unconverted/);
    expect(await tgt.sql(`SELECT count(*) FROM pg_tables WHERE schemaname = 'public';`, db)).toBe('0');
  });

  it('GIVEN xml values with an XML declaration WHEN copied THEN it refuses, naming the column (COPY would drop the declaration)', async () => {
    // GIVEN
    const xmlDb = await sourceDb(`SET ROLE system; CREATE TABLE docs (id int PRIMARY KEY, body xml);
      INSERT INTO docs VALUES (1, '<?xml version="1.0" encoding="UTF-8"?><a/>'), (2, '<b/>');`);
    const db = await targetDb();
    // WHEN
    const r = await runScript('pg-copy.sh', env(xmlDb, db));
    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('carry an XML declaration that pg_dump\'s COPY drops');
    expect(r.stderr).toContain('public.docs.body (1 values)');
  });

  it('GIVEN a partitioned table with a primary key, an index and a foreign key, a unique constraint and an expression index WHEN copied table by table THEN the partitions\' own indexes are built by the workers, the parent\'s attached after, and the copy proves the schema equal', async () => {
    // GIVEN indexes of every kind the per-table build takes (and the parent's, which it must leave to the end)
    const parts = await sourceDb(`SET ROLE system;
      CREATE TABLE owners (id int PRIMARY KEY, email text, CONSTRAINT owners_email_key UNIQUE (email));
      CREATE INDEX owners_lower_email ON owners (lower(email));
      CREATE TABLE events (id bigint, at date NOT NULL, owner_id int REFERENCES owners (id), PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
      CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      CREATE INDEX events_owner ON events (owner_id);
      INSERT INTO owners SELECT g, 'o' || g || '@example.com' FROM generate_series(1, 50) g;
      INSERT INTO events SELECT g, date '2025-06-01' + (g % 400), (g % 50) + 1 FROM generate_series(1, 2000) g;`);
    const db = await targetDb();
    // WHEN
    const r = await runScript('pg-copy.sh', env(parts, db, { PARALLEL_JOBS: '2' }));
    // THEN
    expect(r.stderr).toContain('each followed by its indexes');
    expect(r.code, r.stderr).toBe(0);
    const indexes = `SELECT string_agg(indexrelid::regclass::text || ':' || indisvalid::text, ',' ORDER BY indexrelid::regclass::text) FROM pg_index
                      WHERE indrelid::regclass::text IN ('owners', 'events', 'events_2025', 'events_2026');`;
    expect(await tgt.sql(indexes, db)).toBe(await src.sql(indexes, parts));
    expect(await tgt.sql(`SELECT count(*) FROM pg_inherits WHERE inhparent = 'events_owner'::regclass;`, db)).toBe('2');
    expect(await tgt.sql(`SELECT count(*) FROM pg_stats WHERE tablename = 'events' AND attname = 'owner_id';`, db)).toBe('1');
  });

  it('GIVEN a stale materialized view WHEN copied THEN the copy fails naming it (pg_restore refreshes it)', async () => {
    // GIVEN a view refreshed before its table changed
    const mv = await sourceDb(`SET ROLE system; CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);
      CREATE MATERIALIZED VIEW mv AS SELECT count(*) AS n FROM t; INSERT INTO t VALUES (2);`);
    const db = await targetDb();
    // WHEN
    const r = await runScript('pg-copy.sh', env(mv, db));
    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('materialized view public.mv');
    expect(r.stderr).toContain('a source view that is stale (not refreshed since its tables changed) comes back with other rows');
  });

  for (const [what, sql, named] of [
    ['a function', `SET ROLE system; CREATE FUNCTION keep_me() RETURNS int LANGUAGE sql AS 'SELECT 1';`, 'function public.keep_me()'],
    ['a type', `SET ROLE system; CREATE TYPE keep_mood AS ENUM ('a');`, 'type public.keep_mood'],
    ['a large object', `SET ROLE system; SELECT lo_create(777);`, 'large object 777'],
  ] as const) {
    it(`GIVEN a target holding only ${what} WHEN copied, even with TARGET_RESET=true THEN it refuses naming it and keeps it`, async () => {
      // GIVEN
      const db = await targetDb();
      await tgt.sql(sql, db);
      // WHEN
      const refused = await runScript('pg-copy.sh', env('hostile', db));
      const reset = await runScript('pg-copy.sh', env('hostile', db, { TARGET_RESET: 'true' }));
      // THEN
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(`already holds 1 user objects (${named})`);
      expect(reset.code).not.toBe(0);
      expect(reset.stderr).toContain(`so nothing is removed: ${named}`);
      expect(await tgt.sql(`SELECT count(*) FROM pg_namespace WHERE nspname = 'app';`, db)).toBe('0');
    });
  }

  it('GIVEN an attempt that failed after restoring large objects WHEN run again THEN it resets them too and completes', async () => {
    // GIVEN a pg_restore that restores everything and then fails
    const db = await targetDb();
    const realRestore = join(pgBinDir()!, 'pg_restore');
    const failing = await shim('pg_restore', `${realRestore} "$@"; echo 'pg_restore: error: simulated failure' >&2; exit 1`);
    const failed = await runScript('pg-copy.sh', env('hostile', db), { pathPrefix: [failing] });
    expect(failed.code).not.toBe(0);
    expect(await tgt.sql(`SELECT count(*) FROM pg_largeobject_metadata;`, db)).toBe('1');
    // WHEN
    const r = await runScript('pg-copy.sh', env('hostile', db));
    // THEN
    expect(r.stderr).toContain('restarting it cleanly');
    expect(r.code).toBe(0);
    expect(await databaseState(tgt, db)).toEqual(await databaseState(src, 'hostile'));
  });

  it('GIVEN a finished copy and a source that took only UPDATEs since (3scale after a rollback) WHEN run again THEN it does not say "already done": it refuses naming spec.jobs.resetTarget, and with it copies again', async () => {
    // GIVEN
    const rolled = await sourceDb(`SET ROLE system; CREATE TABLE kv (k text PRIMARY KEY, v text); INSERT INTO kv VALUES ('k1', 'v1'); SELECT lo_create(9001);`);
    const db = await targetDb();
    expect((await runScript('pg-copy.sh', env(rolled, db))).code).toBe(0);
    await src.sql(`UPDATE kv SET v = 'UPDATED';`, rolled);
    // WHEN
    const refused = await runScript('pg-copy.sh', env(rolled, db));
    // THEN
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).not.toContain('already done');
    expect(refused.stderr).toMatch(/the source changed since this step copied it \(fingerprint sha256:[0-9a-f]{64} then, sha256:[0-9a-f]{64} now.*spec\.jobs\.resetTarget: true/);
    expect(await tgt.sql(`SELECT v FROM kv;`, db)).toBe('v1');
    // WHEN the plan allows the reset
    const again = await runScript('pg-copy.sh', env(rolled, db, { TARGET_RESET: 'true' }));
    // THEN the target holds the source's current data, large object included once
    expect(again.code).toBe(0);
    expect(await tgt.sql(`SELECT v FROM kv;`, db)).toBe('UPDATED');
    expect(await tgt.sql(`SELECT string_agg(oid::text, ',') FROM pg_largeobject_metadata;`, db)).toBe('9001');
    // AND a further run with an unchanged source is done
    const done = await runScript('pg-copy.sh', env(rolled, db));
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('already done');
  });

  it('GIVEN a finished copy and a target changed since WHEN run again THEN it refuses naming spec.jobs.resetTarget, and with it copies again', async () => {
    // GIVEN
    const used = await sourceDb(`SET ROLE system; CREATE TABLE kv (k text PRIMARY KEY, v text); INSERT INTO kv VALUES ('k1', 'v1');`);
    const db = await targetDb();
    expect((await runScript('pg-copy.sh', env(used, db))).code).toBe(0);
    await tgt.sql(`UPDATE kv SET v = 'written on the target';`, db);
    // WHEN
    const refused = await runScript('pg-copy.sh', env(used, db));
    const again = await runScript('pg-copy.sh', env(used, db, { TARGET_RESET: 'true' }));
    // THEN
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('the target no longer matches it (was it used since?); refusing to overwrite the target. Set spec.jobs.resetTarget: true');
    expect(again.code).toBe(0);
    expect(await tgt.sql(`SELECT v FROM kv;`, db)).toBe('v1');
  });

  it('GIVEN a failed attempt and an object older than its first restore WHEN run again THEN it refuses to reset, naming the object', async () => {
    // GIVEN a failed attempt, and a table whose catalog row predates the recorded baseline
    const db = await targetDb();
    const failing = await shim('pg_restore', `echo 'pg_restore: error: simulated failure' >&2; exit 1`);
    expect((await runScript('pg-copy.sh', env('hostile', db), { pathPrefix: [failing] })).code).not.toBe(0);
    await tgt.sql(`SET ROLE system; CREATE TABLE precious (x int); INSERT INTO precious VALUES (1);`, db);
    const file = join(work, `${db}.evidence`);
    const later = await tgt.sql(`SELECT pg_current_xact_id()::text::bigint + 10;`, db);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^pg-copy\.targetBaseline=\d+$/m, `pg-copy.targetBaseline=${later}`));
    // WHEN
    const r = await runScript('pg-copy.sh', env('hostile', db));
    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('holds objects older than this step\'s first restore');
    expect(r.stderr).toContain('table public.precious');
    expect(await tgt.sql(`SELECT count(*) FROM precious;`, db)).toBe('1');
  });

  it('GIVEN pg_dump failing mid-stream WHEN copying in stream mode THEN the failure names pg_dump and its error, not the end of pg_restore\'s input', async () => {
    // GIVEN a pg_dump that writes part of the archive and then fails
    const db = await targetDb();
    const realDump = join(pgBinDir()!, 'pg_dump');
    const failing = await shim('pg_dump', `case " $* " in *" -Fc "*) ${realDump} "$@" | head -c 2000; echo 'pg_dump: error: query failed: server closed the connection unexpectedly' >&2; exit 1 ;; esac; exec ${realDump} "$@"`);
    // WHEN
    const r = await runScript('pg-copy.sh', env('hostile', db), { pathPrefix: [failing] });
    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/ERROR: pg_dump from .* failed \(exit 1\): pg_dump: error: query failed: server closed the connection unexpectedly/);
  });
});
