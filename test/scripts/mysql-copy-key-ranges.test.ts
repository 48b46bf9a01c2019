/**
 * Specification of mysql-copy.sh's key-range loads on two real MariaDB servers: a large table whose primary key is
 * one integer column is loaded by several `mysqldump --where` streams at once, one per range of that key. Hostile
 * key shapes: negative keys, BIGINT extremes (signed and unsigned), gaps, a single key value, an empty table, and
 * tables that must not be split (no primary key, a composite key, a text key, system-versioned). Every row must
 * arrive exactly once; mysql-verify-copy.sh then proves the rows against the copy's manifest.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { checkBinaries, MARIADB_BINARIES, type MariaDbServer, runScript, skipSuite, useMariaDbPair } from '../support/db-servers.js';

const bins = checkBinaries('mariadb', MARIADB_BINARIES);
const SRC_PW = 'ranges-Src-pw-5b1d';
const TGT_PW = 'ranges-Tgt-pw-c83e';

/** Each table is named after the key shape it tests. */
const HOSTILE_KEYS = `
  CREATE TABLE negative_keys (id INT PRIMARY KEY, v VARCHAR(16));
  INSERT INTO negative_keys WITH RECURSIVE s(n) AS (SELECT -500 UNION ALL SELECT n + 1 FROM s WHERE n < 499) SELECT n, CONCAT('n', n) FROM s;
  CREATE TABLE signed_extremes (id BIGINT PRIMARY KEY, v INT);
  INSERT INTO signed_extremes VALUES (-9223372036854775808, 1), (-1, 2), (0, 3), (1, 4), (9223372036854775806, 5), (9223372036854775807, 6);
  CREATE TABLE unsigned_extremes (id BIGINT UNSIGNED PRIMARY KEY, v INT);
  INSERT INTO unsigned_extremes VALUES (0, 1), (1, 2), (9223372036854775808, 3), (18446744073709551614, 4), (18446744073709551615, 5);
  CREATE TABLE gaps (id SMALLINT PRIMARY KEY, v TEXT);
  INSERT INTO gaps VALUES (1, 'a'), (2, 'b'), (3, 'c'), (30000, 'far'), (32767, 'last');
  CREATE TABLE one_key (id TINYINT UNSIGNED PRIMARY KEY, v BLOB);
  INSERT INTO one_key VALUES (255, UNHEX('00FF0A0D5C27'));
  CREATE TABLE empty_table (id MEDIUMINT PRIMARY KEY, v INT);
  CREATE TABLE no_key (a INT, b VARCHAR(8));
  INSERT INTO no_key VALUES (1, 'x'), (1, 'x'), (NULL, NULL), (2, 'y');
  CREATE TABLE composite_key (a INT, b INT, v INT, PRIMARY KEY (a, b));
  INSERT INTO composite_key VALUES (1, 1, 1), (1, 2, 2), (2, 1, 3), (-3, 9, 4);
  CREATE TABLE text_key (k VARCHAR(16) PRIMARY KEY, v INT);
  INSERT INTO text_key VALUES ('a', 1), ('b', 2), ('z', 3), ('', 4);
  CREATE TABLE text_shapes (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(32) NULL, l VARCHAR(16) CHARACTER SET latin1 NULL,
                            m TEXT CHARACTER SET utf8mb3 NOT NULL, d DECIMAL(30, 10) NULL, e ENUM('a', 'b') NULL, st SET('x', 'y') NOT NULL,
                            dt DATETIME(6) NULL, ts TIMESTAMP(3) NULL DEFAULT NULL, t TIME NULL, y YEAR NULL, dd DATE NOT NULL);
  SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO', time_zone = '+05:30';
  INSERT INTO text_shapes VALUES
    (0, 'zero id', 'ü', 'x', 0, 'a', '', '2024-01-01 00:00:00.000001', '2024-03-31 03:30:00.123', '-838:59:59', 1901, '0000-00-00'),
    (1, 'NULL', NULL, 'NULL', NULL, NULL, 'x,y', NULL, NULL, NULL, NULL, '2024-02-29'),
    (2, CONCAT(CHAR(92), 'N'), CONCAT('a', CHAR(9), 'b'), CONCAT('line', CHAR(10), 'next', CHAR(13), CHAR(10)), -12345678901234567890.0123456789,
        'b', 'y', '1000-01-01 00:00:00', '2024-10-27 02:30:00', '838:59:59', 2155, '9999-12-31'),
    (3, CONCAT('nul', CHAR(0), 'byte'), CHAR(92), CONCAT(CHAR(92), CHAR(92), 't', CHAR(92)), 0.0000000001, '', 'x', '2038-01-19 03:14:08', '1970-01-01 05:30:01', '00:00:00', 0, '1000-01-01'),
    (4, '', '', '', 1, 'a', 'x', '2024-01-01', '2024-01-01 00:00:00', '12:00', 2000, '2024-01-01'),
    (-7, '😀 emoji', 'ÿ', '€ in utf8mb3', -1, 'b', 'x,y', '2024-06-30 23:59:59.999999', '2024-06-30 22:00:00', '-00:00:01', 1999, '2024-06-30');
  SET SESSION sql_mode = DEFAULT, time_zone = DEFAULT;
  CREATE TABLE versioned_key (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING;
  INSERT INTO versioned_key VALUES (1, 1), (2, 2), (3, 3);
  UPDATE versioned_key SET v = 20 WHERE id = 2;`;

const TABLES = ['composite_key', 'empty_table', 'gaps', 'negative_keys', 'no_key', 'one_key', 'signed_extremes', 'text_key', 'text_shapes', 'unsigned_extremes', 'versioned_key'];

describe.skipIf(skipSuite(bins))('mysql-copy.sh key-range loads (MariaDB, hostile keys)', () => {
  let seq = 0;
  const suite = useMariaDbPair(bins, 'tsm-mysql-ranges-', async ({ source, target }) => {
    await source.sql(`CREATE USER 'root'@'%' IDENTIFIED BY '${SRC_PW}'; GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;`);
    await target.sql(`CREATE USER 'admin'@'%' IDENTIFIED BY '${TGT_PW}'; GRANT ALL ON *.* TO 'admin'@'%';`);
  });

  function env(db: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      SOURCE_MYSQL_HOST: suite.source.host,
      SOURCE_MYSQL_PORT: String(suite.source.port),
      SOURCE_MYSQL_USER: 'root',
      SOURCE_MYSQL_PASSWORD: SRC_PW,
      SOURCE_MYSQL_DATABASE: db,
      TARGET_MYSQL_HOST: suite.target.host,
      TARGET_MYSQL_PORT: String(suite.target.port),
      TARGET_MYSQL_USER: 'admin',
      TARGET_MYSQL_PASSWORD: TGT_PW,
      TARGET_MYSQL_DATABASE: db,
      EVIDENCE_FILE: join(suite.work, `${db}.evidence`),
      ...extra,
    };
  }

  /** Every row of every table in key order (every row version of the system-versioned one), and its checksum. */
  async function rows(server: MariaDbServer, db: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const t of TABLES) {
      const from = t === 'versioned_key' ? `\`${db}\`.${t} FOR SYSTEM_TIME ALL` : `\`${db}\`.${t}`;
      const cols = t === 'versioned_key' ? '*, row_start, row_end' : '*';
      out[t] = `${await server.sql(`SELECT ${cols} FROM ${from} ORDER BY 1, 2`)}|${(await server.sql(`CHECKSUM TABLE \`${db}\`.${t}`)).split('\t')[1]}`;
    }
    return out;
  }

  it('GIVEN tables with negative keys, BIGINT extremes, gaps, one key value, no rows, and keys that cannot be split WHEN copied in key ranges THEN every row arrives exactly once and the verify proves it', async () => {
    const db = `ranges_${++seq}`;
    await suite.source.sql(`CREATE DATABASE ${db}`);
    await suite.source.sql(HOSTILE_KEYS, db);

    // WHEN every table of at least one row is a candidate, 4 streams at a time
    const copy = await runScript('mysql-copy.sh', env(db, { PARALLEL_JOBS: '4', SPLIT_MIN_ROWS: '0' }));
    expect(copy.code, copy.stderr).toBe(0);

    // THEN the integer keys with more than one value are split, up to 4 ranges each, loaded as text by LOAD DATA
    for (const t of ['negative_keys', 'signed_extremes', 'unsigned_extremes', 'gaps', 'text_shapes']) {
      expect(copy.stderr).toContain(`table ${t}: 4 streams (SELECT | LOAD DATA), one per range of its primary key id`);
    }
    // AND one key value, no rows, no key, a composite key, a text key and a system-versioned table are one stream each
    for (const t of ['one_key', 'empty_table', 'no_key', 'composite_key', 'text_key', 'versioned_key']) expect(copy.stderr).not.toContain(`table ${t}: `);
    expect(copy.stderr).toContain('11 tables loaded 4 streams at a time (5 split into key ranges)');
    expect(copy.stderr).toContain('row counts and schema match on all 11 tables (1039 rows)');

    // AND the target holds the source's rows exactly (duplicates of the table without a key kept, history kept)
    expect(await rows(suite.target, db)).toEqual(await rows(suite.source, db));
    const verify = await runScript('mysql-verify-copy.sh', env(db, { COPY_STEP: 'mysql-copy' }));
    expect(verify.code, verify.stderr).toBe(0);
  });

  it('GIVEN a large table below SPLIT_MIN_ROWS WHEN copied with PARALLEL_JOBS=4 THEN it stays one stream', async () => {
    const db = `ranges_${++seq}`;
    await suite.source.sql(`CREATE DATABASE ${db}`);
    await suite.source.sql(HOSTILE_KEYS, db);
    await suite.source.sql('ANALYZE TABLE negative_keys', db);
    const copy = await runScript('mysql-copy.sh', env(db, { PARALLEL_JOBS: '4', SPLIT_MIN_ROWS: '5000' }));
    expect(copy.code, copy.stderr).toBe(0);
    expect(copy.stderr).toContain('11 tables loaded 4 streams at a time (0 split into key ranges)');
    expect(await rows(suite.target, db)).toEqual(await rows(suite.source, db));
  });

  it('GIVEN a target that refuses LOAD DATA LOCAL (local_infile OFF, as MySQL 8 defaults) WHEN copied in key ranges THEN each range is a mysqldump --where stream and every row arrives exactly once', async () => {
    const db = `ranges_${++seq}`;
    await suite.source.sql(`CREATE DATABASE ${db}`);
    await suite.source.sql(HOSTILE_KEYS, db);
    await suite.target.sql('SET GLOBAL local_infile = OFF');
    try {
      const copy = await runScript('mysql-copy.sh', env(db, { PARALLEL_JOBS: '4', SPLIT_MIN_ROWS: '0' }));
      expect(copy.code, copy.stderr).toBe(0);
      for (const t of ['negative_keys', 'signed_extremes', 'unsigned_extremes', 'gaps', 'text_shapes']) {
        expect(copy.stderr).toContain(`table ${t}: 4 streams (mysqldump --where), one per range of its primary key id`);
      }
      expect(await rows(suite.target, db)).toEqual(await rows(suite.source, db));
    } finally {
      await suite.target.sql('SET GLOBAL local_infile = ON');
    }
  });

  it('GIVEN SPLIT_MIN_ROWS that is no number WHEN the copy starts THEN it fails naming the variable', async () => {
    const copy = await runScript('mysql-copy.sh', env(`ranges_${++seq}`, { PARALLEL_JOBS: '4', SPLIT_MIN_ROWS: 'many' }));
    expect(copy.code).not.toBe(0);
    expect(copy.stderr).toContain('SPLIT_MIN_ROWS');
  });
});
