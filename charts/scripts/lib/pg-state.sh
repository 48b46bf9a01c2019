# shellcheck shell=bash
# pg-state.sh: what pg-copy.sh reads from a PostgreSQL database beyond row counts. Sourced, never executed.
#
#   pg_state PSQL_FN DUMP_FN DIR TARGET_DB   writes the database's state into DIR, one file per part:
#       tables        "<kind> <schema.name>\t<sha256>" per table, materialized view and sequence: the sha256 of
#                     its rows as COPY prints them, in a session with fixed output settings (UTC, ISO dates, hex
#                     bytea) and without synchronized scans. A table's rows come in physical order: pg_dump
#                     reads them so (it turns synchronized scans off too) and a restore appends them in that
#                     order, so equal tables print alike without a sort; materialized views, which a restore
#                     refreshes, are ordered by the whole row
#       largeobjects  "<oid>\t<md5 of the data>" per large object
#       settings      the ALTER DATABASE/ROLE ... IN DATABASE ... SET, COMMENT ON DATABASE and GRANT ON DATABASE
#                     statements that recreate the database-level state, written for database TARGET_DB
#       grants        "<object>\t<grantee>\t<privilege>\t<grantable>" per ACL entry (grantee OWNER: the owner)
#       schema        pg_dump --schema-only (DUMP_FN adds the options), without comments, SET lines and the
#                     per-dump \restrict key; with PG_STATE_SCHEMA=catalog (servers of different major
#                     versions) the list of what the schema holds instead (pg_schema_catalog_sql)
#   Its digest (pg_state_digest DIR) is the source fingerprint of the evidence: it changes with any write
#   to the data, the schema, the grants or the database settings.
#
#   pg_user_objects PSQL_FN BASELINE  "<object>\t<t|f>" per user object (schemas, relations, routines, types,
#       collations, operators, large objects, extensions, event triggers, publications, database settings and
#       comment); t when its catalog row was written after transaction BASELINE (a pg_current_xact_id()).
#
# PSQL_FN runs SQL read from stdin with psql -At; the session settings below are applied first.

PG_STATE_SESSION="SET datestyle TO ISO, YMD; SET timezone TO 'UTC'; SET intervalstyle TO postgres;
SET bytea_output TO hex; SET extra_float_digits TO 1; SET lc_monetary TO 'C'; SET search_path TO pg_catalog;
SET synchronize_seqscans TO off;"

# Namespaces that hold user objects.
PG_USER_NS="n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"

# Not a member of an extension, nor an internal part of another object.
pg_not_dependent() {
  printf "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = %s AND d.objid = %s AND d.deptype IN ('e', 'i'))" "$1" "$2"
}

# pg_user_objects PSQL_FN BASELINE
pg_user_objects() {
  local psql_fn="$1" baseline="${2:-0}"
  case "$baseline" in '' | *[!0-9]*) baseline=0 ;; esac
  "$psql_fn" -F "$(printf '\t')" <<SQL
$PG_STATE_SESSION
WITH objs AS (
  SELECT 'pg_namespace'::regclass AS cls, n.oid, n.xmin FROM pg_namespace n WHERE $PG_USER_NS AND n.nspname <> 'public'
  UNION ALL
  SELECT 'pg_class'::regclass, c.oid, c.xmin FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE $PG_USER_NS AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')
  UNION ALL
  SELECT 'pg_proc'::regclass, p.oid, p.xmin FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE $PG_USER_NS
  UNION ALL
  SELECT 'pg_type'::regclass, t.oid, t.xmin FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
   WHERE $PG_USER_NS AND t.typrelid = 0 AND t.typtype <> 'm'
     AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
  UNION ALL
  SELECT 'pg_collation'::regclass, o.oid, o.xmin FROM pg_collation o JOIN pg_namespace n ON n.oid = o.collnamespace WHERE $PG_USER_NS
  UNION ALL
  SELECT 'pg_operator'::regclass, o.oid, o.xmin FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE $PG_USER_NS
  UNION ALL
  SELECT 'pg_largeobject'::regclass, l.oid, l.xmin FROM pg_largeobject_metadata l
  UNION ALL
  SELECT 'pg_extension'::regclass, e.oid, e.xmin FROM pg_extension e WHERE e.extname <> 'plpgsql'
  UNION ALL
  SELECT 'pg_event_trigger'::regclass, e.oid, e.xmin FROM pg_event_trigger e
  UNION ALL
  SELECT 'pg_publication'::regclass, p.oid, p.xmin FROM pg_publication p
), since AS (SELECT pg_current_xact_id()::text::bigint - $baseline AS n)
SELECT pg_describe_object(o.cls, o.oid, 0), age(o.xmin) <= since.n FROM objs o, since
 WHERE $(pg_not_dependent o.cls o.oid)
UNION ALL
SELECT 'setting ' || coalesce('of role ' || quote_ident(r.rolname), 'of the database') || ': ' || array_to_string(s.setconfig, ', '),
       age(s.xmin) <= since.n
  FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase AND d.datname = current_database()
  LEFT JOIN pg_roles r ON r.oid = s.setrole, since
UNION ALL
SELECT 'comment on the database', age(c.xmin) <= since.n
  FROM pg_shdescription c JOIN pg_database d ON d.oid = c.objoid AND c.classoid = 'pg_database'::regclass
   AND d.datname = current_database(), since
ORDER BY 1;
SQL
}

# pg_tables_sql: one "<label>\t<COPY statement>" line per table, materialized view and sequence, largest first
# (pg_state_tables deals them out to its sessions in turn, so each gets a share of the large ones).
pg_tables_sql() {
  cat <<SQL
$PG_STATE_SESSION
SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'm' THEN 'materialized view' ELSE 'table' END || ' ' ||
       format('%I.%I', n.nspname, c.relname),
       CASE WHEN c.relkind = 'S' THEN format('COPY (SELECT last_value, is_called FROM %I.%I) TO STDOUT', n.nspname, c.relname)
            WHEN c.relkind = 'm' AND NOT c.relispopulated THEN ''
            WHEN c.relkind = 'm' THEN format('COPY (SELECT * FROM %I.%I t ORDER BY t::text COLLATE "C") TO STDOUT', n.nspname, c.relname)
            ELSE format('COPY %I.%I TO STDOUT', n.nspname, c.relname) END
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE $PG_USER_NS AND c.relkind IN ('r', 'm', 'S') AND $(pg_not_dependent "'pg_class'::regclass" c.oid)
 ORDER BY pg_total_relation_size(c.oid) DESC, 1;
SQL
}

# The command that hashes a table's rows: OpenSSL's sha256 where the image has it (it uses the CPU's SHA
# instructions: about five times less CPU than coreutils' sha256sum, which does not), else sha256sum. The same
# digest either way, so records of either compare.
if command -v openssl >/dev/null 2>&1 && [ "$(printf '' | openssl dgst -sha256 -r 2>/dev/null | cut -c1-64)" = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 ]; then
  PG_STATE_SHA256='openssl dgst -sha256 -r'
else
  PG_STATE_SHA256='sha256sum'
fi

# pg_state_tables PSQL_FN OUT [JOBS]: the tables part. JOBS psql sessions (default 1), each taking every
# JOBS-th table; in each, every COPY goes through \o into PG_STATE_SHA256. PG_STATE_KNOWN, when set, names a
# file of "<label>\t<sha256>" lines already hashed from the same rows (pg-copy.sh hashes each table's COPY
# stream on its way to the target): those labels are taken from it, not read again; a label it has that the
# database has not is an error (the list of tables changed under the copy).
pg_state_tables() {
  local psql_fn="$1" out="$2" jobs="${3:-1}" list i pid known="${PG_STATE_KNOWN:-}"
  local -a pids=()
  list="$(pg_tables_sql | "$psql_fn" -F "$(printf '\t')")" || return 1
  : >"$out"
  if [ -n "$known" ]; then
    awk -F '\t' 'NR == FNR { if (NF) known[$1] = 1; next } NF && !($1 in known) { print }' "$known" - <<<"$list" >"$out.todo" || return 1
    if ! awk -F '\t' 'NR == FNR { if (NF) have[$1] = 1; next } NF && !($1 in have) { print "not in the database: " $1; bad = 1 } END { exit bad }' \
      - "$known" <<<"$list" >&2; then
      return 1
    fi
    list="$(cat "$out.todo")"
    rm -f "$out.todo"
  fi
  for ((i = 0; i < jobs; i++)); do
    printf '%s\n' "$list" | awk -v n="$jobs" -v k="$i" 'NF && (NR - 1) % n == k' |
      pg_state_tables_session "$psql_fn" "$out.$i" &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do wait "$pid" || return 1; done
  # Sorted, so the order of the sessions does not matter.
  { for ((i = 0; i < jobs; i++)); do cat "$out.$i"; done
    if [ -n "$known" ]; then sed '/^$/d' "$known"; fi; } | LC_ALL=C sort >"$out"
  for ((i = 0; i < jobs; i++)); do rm -f "$out.$i"; done
}

# pg_state_tables_session PSQL_FN OUT < "<label>\t<statement>" lines: one session hashing those tables.
pg_state_tables_session() {
  local psql_fn="$1" out="$2" label stmt
  : >"$out"
  {
    printf '%s\n' "$PG_STATE_SESSION" 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;'
    while IFS="$(printf '\t')" read -r label stmt; do
      [ -n "$label" ] || continue
      if [ -z "$stmt" ]; then
        printf '%s\tnot populated\n' "$label" >>"$out"
        continue
      fi
      printf '\\o | (printf %%s %s; %s | cut -c1-64) >>%s\n%s;\n\\o\n' \
        "$(pg_shell_quote "$label$(printf '\t')")" "$PG_STATE_SHA256" "$(pg_shell_quote "$out")" "$stmt"
    done
    printf 'COMMIT;\n'
  } | "$psql_fn" >/dev/null
}

# pg_shell_quote VALUE: VALUE in single quotes for sh.
pg_shell_quote() {
  printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# The ACL entries of every user object, the database's own included; OWNER stands for the object's owner.
pg_grants_sql() {
  cat <<SQL
$PG_STATE_SESSION
WITH acls AS (
  SELECT format('TABLE %I.%I', n.nspname, c.relname) AS obj, c.relowner AS owner, c.relacl AS acl, NULL::text AS col
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE $PG_USER_NS AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  UNION ALL
  SELECT format('SEQUENCE %I.%I', n.nspname, c.relname), c.relowner, c.relacl, NULL
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE $PG_USER_NS AND c.relkind = 'S'
  UNION ALL
  SELECT format('TABLE %I.%I', n.nspname, c.relname), c.relowner, a.attacl, quote_ident(a.attname)
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE $PG_USER_NS AND a.attacl IS NOT NULL AND NOT a.attisdropped
  UNION ALL
  SELECT 'ROUTINE ' || p.oid::regprocedure::text, p.proowner, p.proacl, NULL
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE $PG_USER_NS AND $(pg_not_dependent "'pg_proc'::regclass" p.oid)
  UNION ALL
  -- Schema public itself is the new database's own: its privileges are the new server's defaults (PostgreSQL 15
  -- no longer lets everyone create in it).
  SELECT format('SCHEMA %I', n.nspname), n.nspowner, n.nspacl, NULL FROM pg_namespace n WHERE $PG_USER_NS AND n.nspname <> 'public'
  UNION ALL
  SELECT 'TYPE ' || format_type(t.oid, NULL), t.typowner, t.typacl, NULL
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
   WHERE $PG_USER_NS AND t.typrelid = 0 AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
  UNION ALL
  SELECT 'LARGE OBJECT ' || l.oid, l.lomowner, l.lomacl, NULL FROM pg_largeobject_metadata l
  UNION ALL
  SELECT 'DATABASE ' || quote_ident(:'tgtdb'), d.datdba, d.datacl, NULL FROM pg_database d WHERE d.datname = current_database()
)
SELECT obj, CASE WHEN e.grantee = 0 THEN 'PUBLIC' WHEN e.grantee = owner THEN 'OWNER' ELSE quote_ident(r.rolname) END,
       e.privilege_type || coalesce(' (' || col || ')', ''), e.is_grantable
  FROM acls CROSS JOIN LATERAL aclexplode(acl) e LEFT JOIN pg_roles r ON r.oid = e.grantee
 ORDER BY 1, 2, 3;
SQL
}

# Statements that recreate the database-level settings and comment in database :'tgtdb'. Values of list
# settings (search_path and the like) are stored as the list they parse back from, so they go in unquoted.
pg_settings_sql() {
  cat <<SQL
$PG_STATE_SESSION
WITH s AS (
  SELECT r.rolname, split_part(cfg, '=', 1) AS name, substr(cfg, strpos(cfg, '=') + 1) AS value
    FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase AND d.datname = current_database()
    LEFT JOIN pg_roles r ON r.oid = s.setrole CROSS JOIN LATERAL unnest(s.setconfig) cfg
)
SELECT CASE WHEN rolname IS NULL THEN format('ALTER DATABASE %I', :'tgtdb')
            ELSE format('ALTER ROLE %I IN DATABASE %I', rolname, :'tgtdb') END ||
       format(' SET %I TO ', name) ||
       CASE WHEN name IN ('search_path', 'temp_tablespaces', 'session_preload_libraries', 'shared_preload_libraries',
                          'local_preload_libraries', 'unix_socket_directories') THEN value ELSE quote_literal(value) END || ';'
  FROM s
UNION ALL
SELECT format('COMMENT ON DATABASE %I IS %L;', :'tgtdb', c.description)
  FROM pg_shdescription c JOIN pg_database d ON d.oid = c.objoid AND c.classoid = 'pg_database'::regclass
 WHERE d.datname = current_database()
ORDER BY 1;
SQL
}

# The schema as a list of what it holds, for servers of different major versions, whose pg_dump texts differ
# where the servers print expressions differently (PG_STATE_SCHEMA=catalog): schemas, relations and indexes by
# kind, columns by position, type and nullability, constraints and triggers by name and kind, routines by
# signature, types.
pg_schema_catalog_sql() {
  cat <<SQL
$PG_STATE_SESSION
SELECT 'schema ' || quote_ident(n.nspname) FROM pg_namespace n WHERE $PG_USER_NS
UNION ALL
SELECT 'relation ' || format('%I.%I', n.nspname, c.relname) || ' kind ' || c.relkind::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE $PG_USER_NS AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c', 'i', 'I')
UNION ALL
SELECT 'column ' || format('%I.%I', n.nspname, c.relname) || ' ' ||
       row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum) || ' ' || quote_ident(a.attname) || ' ' ||
       format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE $PG_USER_NS AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'constraint ' || format('%I.%I', n.nspname, c.relname) || ' ' || quote_ident(k.conname) || ' kind ' || k.contype::text
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE $PG_USER_NS
UNION ALL
SELECT 'trigger ' || format('%I.%I', n.nspname, c.relname) || ' ' || quote_ident(t.tgname)
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE $PG_USER_NS AND NOT t.tgisinternal
UNION ALL
SELECT 'routine ' || p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE $PG_USER_NS AND $(pg_not_dependent "'pg_proc'::regclass" p.oid)
UNION ALL
SELECT 'type ' || format_type(t.oid, NULL) || ' kind ' || t.typtype::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE $PG_USER_NS AND t.typrelid = 0 AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
   AND $(pg_not_dependent "'pg_type'::regclass" t.oid)
ORDER BY 1;
SQL
}

# pg_state PSQL_FN DUMP_FN DIR TARGET_DB [JOBS]: JOBS sessions hash the tables (default 1).
pg_state() {
  local psql_fn="$1" dump_fn="$2" dir="$3" tgtdb="$4" jobs="${5:-1}"
  mkdir -p "$dir"
  pg_state_tables "$psql_fn" "$dir/tables" "$jobs" || return 1
  printf '%s\n' "$PG_STATE_SESSION" 'COPY (SELECT oid, md5(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY oid) TO STDOUT;' |
    "$psql_fn" >"$dir/largeobjects" || return 1
  pg_settings_sql | "$psql_fn" -v tgtdb="$tgtdb" >"$dir/settings" || return 1
  pg_grants_sql | "$psql_fn" -v tgtdb="$tgtdb" -F "$(printf '\t')" >"$dir/grants" || return 1
  if [ "${PG_STATE_SCHEMA:-dump}" = catalog ]; then
    pg_schema_catalog_sql | "$psql_fn" >"$dir/schema" || return 1
    return 0
  fi
  "$dump_fn" --schema-only >"$dir/schema.raw" || return 1
  sed -e '/^--/d' -e '/^SET /d' -e '/^SELECT pg_catalog.set_config/d' -e '/^\\restrict /d' -e '/^\\unrestrict /d' \
    -e '/^$/d' "$dir/schema.raw" >"$dir/schema"
  rm -f "$dir/schema.raw"
}

PG_STATE_PARTS="tables largeobjects settings grants schema"

# pg_state_digest DIR: sha256 over the parts.
pg_state_digest() {
  local part
  for part in $PG_STATE_PARTS; do
    printf '== %s\n' "$part"
    cat "$1/$part"
  done | sha256sum | cut -c1-64
}

# pg_state_differences SOURCE_DIR TARGET_DIR: the names of the parts that differ (empty: equal).
pg_state_differences() {
  local part out=""
  for part in $PG_STATE_PARTS; do
    [ "$(sha256sum <"$1/$part")" = "$(sha256sum <"$2/$part")" ] || out="$out $part"
  done
  printf '%s' "${out# }"
}

# pg_manifest DIR COUNTS PART_PREFIX: the manifest lines (lib/copy-manifest.sh) of the state in DIR and of the
# per-table row counts COUNTS ("schema.table<TAB>rows" lines): the sha256 of each table, materialized view and
# sequence, the row count of each table, the number of large objects, and the sha256 of each other part, under
# "<PART_PREFIX>part <name>" (the copy records the source's parts as "source part": in managed mode its grants
# and settings are not the target's).
pg_manifest() {
  local dir="$1" counts="$2" prefix="$3" part
  awk -F '\t' 'NF { print $1 " sha256\t" ($2 ~ /^[0-9a-f]+$/ ? "sha256:" $2 : $2) }' "$dir/tables"
  printf '%s\n' "$counts" | awk -F '\t' 'NF == 2 { print "table " $1 " rows\t" $2 }'
  printf 'large objects\t%s\n' "$(sed '/^$/d' "$dir/largeobjects" | wc -l)"
  for part in largeobjects settings grants schema; do
    printf '%spart %s\tsha256:%s\n' "$prefix" "$part" "$(sha256sum <"$dir/$part" | cut -c1-64)"
  done
}
