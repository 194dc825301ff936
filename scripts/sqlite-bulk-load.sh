#!/usr/bin/env bash
# A database load for the disk recording (issue 16): every PERIOD seconds, bulk-load ROWS rows into a
# fresh SQLite file with fsync on (journal_mode=DELETE, synchronous=FULL), then delete it. Bounded by
# ROUNDS. Usage: scripts/sqlite-bulk-load.sh DIR [ROUNDS=9] [PERIOD=600] [ROWS=300000]
set -euo pipefail
dir=${1:?usage: sqlite-bulk-load.sh DIR [ROUNDS] [PERIOD] [ROWS]}
rounds=${2:-9}; period=${3:-600}; rows=${4:-300000}
mkdir -p "$dir"
for ((i = 1; i <= rounds; i++)); do
  db="$dir/bulk-$i.sqlite"
  sqlite3 "$db" <<SQL
PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;
CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT, v BLOB);
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $rows)
INSERT INTO t(k, v) SELECT hex(randomblob(8)), randomblob(200) FROM n;
CREATE INDEX t_k ON t(k);
SQL
  rm -f "$db"
  echo "$(date -u +%FT%TZ) round $i loaded $rows rows"
  ((i < rounds)) && sleep "$period"
done
