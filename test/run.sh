#!/usr/bin/env bash
# Runs every tradeflow test in a throw-away cluster: the pg_regress suite
# (sql/, expected/), the pgTAP suite (test/*.sql, with pg_prove), and in
# clusters of their own the upgrade from 0.1 (test/upgrade.sh), the pg_cron
# refresh of stored profiles (test/cron.sh) and the psycopg client suite
# (test/clients.sh).
# Installs what is missing (PostgreSQL with its server headers, pgTAP,
# pg_prove, pg_cron, psycopg), builds tradeflow and installs it into a
# private copy of the server (tools/lib.sh), never into the system's
# directories, so several checkouts can be tested at once.  The last line is "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. tools/lib.sh

# what goes wrong before the suites run counts as one failure
tf_need_postgres &&
	tf_need_packages "postgresql-$TF_PG_MAJOR-pgtap" libtap-parser-sourcehandler-pgtap-perl \
		"postgresql-$TF_PG_MAJOR-cron" python3-psycopg &&
	tf_tree_create &&
	tf_tree_install &&
	tf_cluster_start test "max_parallel_workers_per_gather = 2" "max_worker_processes = 8" &&
	tf_cluster_use test ||
	{ echo "0 passed, 1 failed"; exit 1; }

log=$TF_TMP/log
mkdir "$log"
make -s installcheck PG_CONFIG="$TF_PG_CONFIG" > "$log/regress.out" 2>&1
echo $? > "$log/regress.rc"
pg_prove -v test/*.sql > "$log/prove.out" 2>&1
echo $? > "$log/prove.rc"
# suites with clusters of their own
for suite in upgrade cron clients; do
	bash "test/$suite.sh" > "$log/$suite.out" 2>&1
	echo $? > "$log/$suite.rc"
done

tf_test_results "$log" .
echo "$TF_PASSED passed, $TF_FAILED failed"
[ "$TF_FAILED" -eq 0 ]
