#!/usr/bin/env bash
# test/citus.sh: tradeflow on a real Citus cluster, and on postgres_fdw
# shards.  Starts a Citus coordinator and two workers on 127.0.0.1, from a
# private copy of the server (tools/lib.sh) that has Citus because the
# system's PostgreSQL has it, installs tradeflow on all three and compares,
# row for row, what the cluster answers with what one server answers over
# the same rows (test/citus/setup.sql makes the data, test/citus/check.sql
# checks it); then a partitioned table whose partitions are foreign tables
# on the two workers' servers (test/citus/fdw.sql).
#
# Citus is not packaged in Debian: where it is not installed, the test says
# how to install it and passes with one skipped test.
# Prints TAP lines ("ok N - ..."); the last line is "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. tools/lib.sh

tf_need_postgres || { tf_tap 1 "PostgreSQL to build against"; tf_tap_finish; }
if [ ! -f "$TF_PG_PKGLIBDIR/citus.so" ] || [ ! -f "$TF_PG_SHAREDIR/extension/citus.control" ]; then
	echo "# Citus is not installed in $TF_PG_PKGLIBDIR.  To install it (as root, from the"
	echo "# repository's root; it builds Citus 13.2.2 from ../shared/vendor, about 5 minutes):"
	echo "#     bash ../shared/tools/citus-install.sh"
	echo "ok 1 # SKIP Citus is not installed (bash ../shared/tools/citus-install.sh installs it)"
	echo "1 passed, 0 failed"
	exit 0
fi

tf_need_packages "postgresql-$TF_PG_MAJOR-pgtap" && tf_tree_create && tf_tree_install
tf_tap $? "tradeflow builds and installs into a private tree that has Citus" || tf_tap_finish

nodes=(coordinator worker1 worker2)
for node in "${nodes[@]}"; do
	tf_cluster_start "$node" --tcp "shared_preload_libraries = 'citus'" "max_worker_processes = 16" \
		"max_connections = 200" || { tf_tap 1 "Citus node $node starts"; tf_tap_finish; }
done
on()	# on NODE[/DATABASE] [PSQL ARGS...]: psql on NODE (database postgres), over TCP
{
	local node=${1%%/*} db=postgres
	[[ $1 != */* ]] || db=${1#*/}
	shift
	psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${TF_PORT[$node]}" -U postgres -d "$db" "$@"
}
for node in "${nodes[@]}"; do
	on "$node" -c "CREATE EXTENSION citus" || { tf_tap 1 "CREATE EXTENSION citus on $node"; tf_tap_finish; }
done
on coordinator -At -c "SELECT citus_set_coordinator_host('127.0.0.1', ${TF_PORT[coordinator]})" \
	-c "SELECT citus_add_node('127.0.0.1', ${TF_PORT[worker1]})" \
	-c "SELECT citus_add_node('127.0.0.1', ${TF_PORT[worker2]})" >/dev/null
tf_tap $? "a Citus coordinator and two workers on 127.0.0.1 ($(on coordinator -At -c "SELECT citus_version()" | cut -d' ' -f1-2))"

log=$TF_TMP/citus.log
on coordinator -f test/citus/setup.sql > "$log" 2>&1
status=$?
tf_tap $status "test/citus/setup.sql: tradeflow on every node, the data local and distributed"
[ $status -eq 0 ] || { sed 's/^/# /' "$log" | tail -n 20; tf_tap_finish; }
for node in worker1 worker2; do
	[ "$(on "$node" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'tradeflow'")" = \
	  "$(on coordinator -At -c "SELECT extversion FROM pg_extension WHERE extname = 'tradeflow'")" ]
	tf_tap $? "CREATE EXTENSION tradeflow on the coordinator installed it on $node"
done

tf_tap_prove test/citus/check.sql on coordinator -At -f test/citus/check.sql

# postgres_fdw shards: databases without Citus on the same servers, the
# rows of reporters below 7 on worker1's, the others on worker2's
status=0
for shard in "worker1 <" "worker2 >="; do
	set -- $shard
	on "$1" -c "CREATE DATABASE shard" 2>/dev/null &&
		on "$1/shard" -c "SET client_min_messages = warning" -c "CREATE EXTENSION tradeflow" \
			-f test/fixtures/generated.psql -c "DELETE FROM tft.flows WHERE NOT (reporter $2 7)" \
			>> "$log" 2>&1 || status=1
done
on coordinator -c "CREATE DATABASE fdw" 2>/dev/null || status=1
tf_tap $status "two postgres_fdw shards with tradeflow and their rows" || tf_tap_finish
tf_tap_prove test/citus/fdw.sql on coordinator/fdw -At -v shard1_port="${TF_PORT[worker1]}" \
	-v shard2_port="${TF_PORT[worker2]}" -v shard_split=7 -f test/citus/fdw.sql
tf_tap_finish
