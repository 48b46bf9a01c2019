/**
 * Specification of what charts/scripts/mysql-copy.sh carries over beyond row counts, on two real MariaDB
 * servers with a hostile data set: FLOAT values mysqldump would round to 6 significant digits (next to a
 * trigger and an ON UPDATE column the repair must not fire), DEFINER text inside a procedure body and a
 * view's string literal, a system-versioned table with history; what it refuses, the load warnings it
 * prints, and a rerun after the source changed (a rollback of scale-down lets 3scale write again).
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBinaries, MARIADB_BINARIES, type MariaDbServer, runScript, skipSuite, useMariaDb } from '../support/db-servers.js';

const bins = checkBinaries('mariadb', MARIADB_BINARIES);
const SRC_PW = 'fidelity-Src-pw-91c2';
const TGT_PW = 'fidelity-Tgt-pw-4e07';

/** The hostile data set: each object is named after the defect it would show. */
const HOSTILE_SCHEMA = `
  CREATE TABLE measures (id INT PRIMARY KEY, x FLOAT, y FLOAT NULL, d DOUBLE,
                         touched TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6));
  INSERT INTO measures VALUES (1, 16777216, NULL, 0.1, '2020-01-01 00:00:00'), (2, 0.1, 123456789, 1e300, '2020-01-02 00:00:00'),
                              (3, 3.4028234e38, -1.17549435e-38, -0.5, '2020-01-03 00:00:00'), (4, 1.0000001, 7, 2, '2020-01-04 00:00:00');
  CREATE TABLE measure_log (n INT AUTO_INCREMENT PRIMARY KEY, id INT);
  CREATE DEFINER='olddefiner'@'%' TRIGGER measures_log AFTER UPDATE ON measures FOR EACH ROW INSERT INTO measure_log (id) VALUES (NEW.id);
  CREATE TABLE prices (id INT PRIMARY KEY, amount DECIMAL(10, 2)) WITH SYSTEM VERSIONING;
  INSERT INTO prices VALUES (1, 10.00), (2, 20.00);
  UPDATE prices SET amount = 11.00 WHERE id = 1;
  DELETE FROM prices WHERE id = 2;
  CREATE DEFINER='olddefiner'@'%' SQL SECURITY DEFINER VIEW quoted AS SELECT ' DEFINER=\`root\`@\`localhost\`' AS note, id FROM measures;
  DELIMITER ;;
  CREATE DEFINER='olddefiner'@'%' PROCEDURE tricky()
  BEGIN
    SELECT '
CREATE DEFINER=\`a\`@\`b\` PROCEDURE x' AS s;
  END;;
  DELIMITER ;`;

describe.skipIf(skipSuite(bins))('mysql-copy.sh fidelity (MariaDB, hostile data set)', () => {
  let src: MariaDbServer;
  let tgt: MariaDbServer;
  let work: string;
  let dbSeq = 0;

  useMariaDb(bins, async (server) => {
    src = server;
    work = await mkdtemp(join(tmpdir(), 'tsm-mysql-fidelity-'));
    await src.sql(`
      CREATE USER 'root'@'%' IDENTIFIED BY '${SRC_PW}';
      GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;
      CREATE USER 'olddefiner'@'%' IDENTIFIED BY 'x';
      GRANT ALL ON *.* TO 'olddefiner'@'%';`);
  });
  useMariaDb(bins, async (server) => {
    tgt = server;
    await tgt.sql(`
      CREATE USER 'admin'@'%' IDENTIFIED BY '${TGT_PW}';
      GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX, ALTER, SHOW DATABASES,
            CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE,
            EVENT, TRIGGER ON *.* TO 'admin'@'%';`);
  });

  /** A fresh source database holding the hostile data set (plus `extra` SQL), and a fresh target name. */
  async function hostileSource(extra = ''): Promise<{ source: string; target: string }> {
    const n = ++dbSeq;
    const source = `hostile_${n}`;
    await src.sql(`CREATE DATABASE ${source} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`);
    await src.sql(HOSTILE_SCHEMA + extra, source);
    return { source, target: `copy_${n}` };
  }

  function env(source: string, target: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      SOURCE_MYSQL_HOST: src.host,
      SOURCE_MYSQL_PORT: String(src.port),
      SOURCE_MYSQL_USER: 'root',
      SOURCE_MYSQL_PASSWORD: SRC_PW,
      SOURCE_MYSQL_DATABASE: source,
      TARGET_MYSQL_HOST: tgt.host,
      TARGET_MYSQL_PORT: String(tgt.port),
      TARGET_MYSQL_USER: 'admin',
      TARGET_MYSQL_PASSWORD: TGT_PW,
      TARGET_MYSQL_DATABASE: target,
      EVIDENCE_FILE: join(work, `${target}.evidence`),
      ...extra,
    };
  }

  const exactFloats = (server: MariaDbServer, db: string) => server.sql(`SELECT id, CAST(x AS DOUBLE), CAST(y AS DOUBLE), d, touched FROM \`${db}\`.measures ORDER BY id`);

  // Every case in the three load modes: one mysqldump | mysql stream; one stream per table, 2 at a time; every table
  // with rows and a one-column integer primary key split into ranges of that key, 3 streams at a time.
  const modes = [
    ['one stream', { PARALLEL_JOBS: '1' }],
    ['one stream per table, 2 at a time', { PARALLEL_JOBS: '2' }],
    ['key ranges, 3 streams at a time', { PARALLEL_JOBS: '3', SPLIT_MIN_ROWS: '1' }],
  ] as const;
  for (const [mode, jobs] of modes) {
    describe(mode, () => {
      const envIn = (source: string, target: string, extra: Record<string, string> = {}) => env(source, target, { ...jobs, ...extra });

      it('GIVEN FLOAT values mysqldump rounds to 6 digits WHEN copied THEN every FLOAT is bit-exact, the ON UPDATE column kept and no trigger fired', async () => {
        const { source, target } = await hostileSource();
        expect(await src.sql(`SELECT x FROM ${source}.measures WHERE id = 1`)).toBe('16777200'); // what a FLOAT's own text says
        const r = await runScript('mysql-copy.sh', envIn(source, target));
        expect(r.stderr).toContain('FLOAT values written exactly in 1 table(s)');
        expect(r.stderr).toContain('row counts and schema match on all 3 tables');
        expect(r.code).toBe(0);
        expect(await exactFloats(tgt, target)).toBe(await exactFloats(src, source));
        expect(await tgt.sql(`SELECT CAST(x AS DOUBLE) FROM ${target}.measures WHERE id = 1`)).toBe('16777216');
        expect(await tgt.sql(`SELECT COUNT(*) FROM ${target}.measure_log`)).toBe('0');
      });

      it('GIVEN DEFINER text in a procedure body and in a view literal WHEN copied THEN only the headers lose their DEFINER; body, literal and column type are unchanged', async () => {
        const { source, target } = await hostileSource();
        const r = await runScript('mysql-copy.sh', envIn(source, target));
        expect(r.code).toBe(0);
        const procedure = await tgt.sql(`SHOW CREATE PROCEDURE ${target}.tricky`);
        expect(procedure).toContain('CREATE DEFINER=`admin`@`%` PROCEDURE `tricky`()');
        expect(procedure).toContain('CREATE DEFINER=`a`@`b` PROCEDURE x');
        expect(await tgt.sql(`SELECT note FROM ${target}.quoted WHERE id = 1`)).toBe(' DEFINER=`root`@`localhost`');
        const noteType = (server: MariaDbServer, db: string) => server.sql(`SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = 'quoted' AND COLUMN_NAME = 'note'`);
        expect(await noteType(tgt, target)).toBe(await noteType(src, source));
        const creates = [await tgt.sql(`SHOW CREATE VIEW ${target}.quoted`), await tgt.sql(`SHOW CREATE TRIGGER ${target}.measures_log`), procedure].join('\n');
        expect(creates).not.toContain('olddefiner');
      });

      it('GIVEN a system-versioned table with history WHEN copied THEN every row version is there with its period, and the row check counts them', async () => {
        const { source, target } = await hostileSource();
        const r = await runScript('mysql-copy.sh', envIn(source, target));
        expect(r.code).toBe(0);
        expect(r.stderr).toContain('1 system-versioned table(s): copied with their history');
        const history = (server: MariaDbServer, db: string) => server.sql(`SELECT id, amount, row_start, row_end FROM \`${db}\`.prices FOR SYSTEM_TIME ALL ORDER BY id, row_start`);
        expect((await history(src, source)).split('\n')).toHaveLength(3);
        expect(await history(tgt, target)).toBe(await history(src, source));
        // measures 4 + measure_log 0 + prices 3 row versions
        expect(r.stderr).toContain('(7 rows)');
      });

      it('GIVEN a FLOAT column in a table without a usable key WHEN the copy starts THEN it refuses before writing, naming the table and the reason', async () => {
        const { source, target } = await hostileSource('\nCREATE TABLE loose (x FLOAT, label VARCHAR(8), UNIQUE KEY (label));');
        const r = await runScript('mysql-copy.sh', envIn(source, target));
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`table loose of root@${src.host}:${src.port}/${source} has FLOAT column(s) x but no primary key or unique key on NOT NULL columns: mysqldump writes FLOAT with 6 significant digits`);
        expect(await tgt.sql(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${target}'`)).toBe('0');
      });

      it('GIVEN a system-versioned table with a FLOAT column WHEN the copy starts THEN it refuses: the exact values would add history', async () => {
        const { source, target } = await hostileSource('\nCREATE TABLE readings (id INT PRIMARY KEY, v FLOAT) WITH SYSTEM VERSIONING;');
        const r = await runScript('mysql-copy.sh', envIn(source, target));
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/table readings of .* is system-versioned and has FLOAT column\(s\) v: putting the exact values back would add row versions/);
      });

      it('GIVEN a table whose storage engine the target lacks WHEN loading THEN the server warnings are printed, and the schema check names the changed engine', async () => {
        // ARCHIVE is a plugin on the source only: the target substitutes its default engine, with warnings
        if ((await src.sql(`SELECT COUNT(*) FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'ARCHIVE'`)) === '0') await src.sql(`INSTALL SONAME 'ha_archive'`);
        const { source, target } = await hostileSource("\nCREATE TABLE access_log (id INT, path VARCHAR(64)) ENGINE=ARCHIVE; INSERT INTO access_log VALUES (1, '/a'), (2, '/b');");
        const r = await runScript('mysql-copy.sh', envIn(source, target));
        expect(r.stderr).toMatch(/WARNING: the target reported \d+ warning\(s\)\/note\(s\) while loading:\n(.*\n)*Warning \(Code 1286\): Unknown storage engine 'ARCHIVE'/);
        expect(r.stderr).toMatch(/table\taccess_log\tBASE TABLE\tARCHIVE/);
        expect(r.stderr).toContain('schemas (tables, columns, indexes, foreign keys, views, routines, triggers, events) differ between source and target');
        expect(r.code).toBe(1);
      });

      it('GIVEN a copy done and then one value changed on the TARGET (same row counts) WHEN the copy runs again THEN the row checksums see it: not done, refused without the reset', async () => {
        const { source, target } = await hostileSource();
        expect((await runScript('mysql-copy.sh', envIn(source, target))).code).toBe(0);
        await tgt.sql(`UPDATE ${target}.measures SET d = d + 1 WHERE id = 4`);
        const rerun = await runScript('mysql-copy.sh', envIn(source, target));
        expect(rerun.stderr).not.toContain('already done');
        expect(rerun.stderr).toContain('the target no longer matches it');
        expect(rerun.code).toBe(1);
      });

      it('GIVEN a copy done and then an UPDATE on the source (same row counts) WHEN the copy runs again THEN it does not call it done; with TARGET_RESET it recopies the new value', async () => {
        const { source, target } = await hostileSource();
        expect((await runScript('mysql-copy.sh', envIn(source, target))).code).toBe(0);
        // 3scale writes again after a rollback of scale-down
        await src.sql(`UPDATE ${source}.prices SET amount = 99.00 WHERE id = 1`);
        const rerun = await runScript('mysql-copy.sh', envIn(source, target));
        expect(rerun.stderr).not.toContain('already done');
        expect(rerun.code).toBe(1);
        expect(rerun.stderr).toMatch(/the source changed since this step copied it \(fingerprint [0-9a-f]{64} then, [0-9a-f]{64} now.*Set spec\.jobs\.resetTarget: true in the plan/);
        expect(await tgt.sql(`SELECT amount FROM ${target}.prices WHERE id = 1`)).toBe('11.00');
        const reset = await runScript('mysql-copy.sh', envIn(source, target, { TARGET_RESET: 'true' }));
        expect(reset.code).toBe(0);
        expect(await tgt.sql(`SELECT amount FROM ${target}.prices WHERE id = 1`)).toBe('99.00');
        // AND with nothing changed since, a rerun is done at once
        const again = await runScript('mysql-copy.sh', envIn(source, target));
        expect(again.code).toBe(0);
        expect(again.stderr).toContain('already done');
      });
    });
  }
});
