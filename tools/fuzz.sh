#!/usr/bin/env bash
# tools/fuzz.sh: random SQL against tradeflow in a throw-away cluster.
#
#   bash tools/fuzz.sh [-n SQLSMITH_QUERIES] [-m FOCUSED_QUERIES] [-s SEED] [-o DIR]
#
# Installs what is missing (PostgreSQL with its server headers, sqlsmith,
# python3), builds tradeflow and installs it into a private copy of the
# server (tools/lib.sh; never into the system's directories), starts a
# throw-away cluster, loads the real trade data (data/load.sql) and a
# generated table of awkward values (tools/fuzz_data.sql), then runs
#
#   1. sqlsmith, as a role without superuser rights (so it can neither kill
#      backends nor read files) with statement_timeout 1s, in rounds of
#      2000 queries with successive seeds, -n queries in all (default
#      20000);
#   2. tools/fuzz_tradeflow.py, random calls of every tradeflow function in
#      every form, -m queries (default 20000).
#
# and reports: queries run, errors by SQLSTATE, server crashes (from the
# server log: "terminated by signal", "was terminated", restarts) and lost
# connections, and how many of sqlsmith's queries called a tradeflow
# function.  The queries and the server log are kept in DIR (default a new
# directory under /tmp).  Exits 1 if the server crashed or tradeflow raised
# an internal error (XX000).  Everything runs under nice -n 19.
set -euo pipefail
cd "$(dirname "$0")/.."
renice -n 19 $$ >/dev/null

# the whole script is read before it runs
main()
{
	sqlsmith_queries=20000
	focused_queries=20000
	seed=1
	out=
	while getopts "n:m:s:o:" opt; do
		case $opt in
			n) sqlsmith_queries=$OPTARG ;;
			m) focused_queries=$OPTARG ;;
			s) seed=$OPTARG ;;
			o) out=$OPTARG ;;
			*) echo "usage: $0 [-n sqlsmith_queries] [-m focused_queries] [-s seed] [-o dir]" >&2; exit 2 ;;
		esac
	done
	out=${out:-$(mktemp -d /tmp/tradeflow-fuzz.XXXXXX)}
	mkdir -p "$out"
	chmod 755 "$out"

	. tools/lib.sh
	tf_need_postgres
	tf_need_packages sqlsmith python3
	tf_tree_create
	tf_tree_install
	tf_cluster_start fuzz \
		"log_min_error_statement = error" \
		"track_functions = 'all'" \
		"max_parallel_workers_per_gather = 2" \
		"restart_after_crash = on"
	tf_cluster_use fuzz
	PSQL="psql -X -v ON_ERROR_STOP=1 -q"

	echo "tradeflow fuzz: cluster in $TF_TMP, output in $out"
	$PSQL -c "CREATE EXTENSION tradeflow"
	$PSQL -f data/load.sql
	$PSQL -f tools/fuzz_data.sql >/dev/null
	$PSQL > /dev/null <<'SQL'
SET client_min_messages = warning;
CREATE ROLE fuzz LOGIN;
GRANT USAGE ON SCHEMA trade, fuzz TO fuzz;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA trade TO fuzz;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA fuzz TO fuzz;
-- sqlsmith picks functions at random: none may end sessions
REVOKE EXECUTE ON FUNCTION pg_terminate_backend(integer, bigint), pg_cancel_backend(integer)
	FROM PUBLIC;
ALTER ROLE fuzz SET statement_timeout = '1s';
ALTER ROLE fuzz SET lock_timeout = '1s';
ALTER ROLE fuzz SET idle_in_transaction_session_timeout = '10s';
ALTER ROLE fuzz SET work_mem = '4MB';
SELECT pg_stat_reset();
SQL

	server_alive()
	{
		local i
		for i in $(seq 1 120); do
			if $PSQL -Atc "SELECT 1" >/dev/null 2>&1; then
				return 0
			fi
			sleep 1
		done
		return 1
	}

	#
	# 1. sqlsmith
	#
	smith_started=$(date +%s)
	: > "$out/sqlsmith.queries"
	: > "$out/sqlsmith.progress"
	round=0
	done_queries=0
	while [ "$done_queries" -lt "$sqlsmith_queries" ]; do
		n=$((sqlsmith_queries - done_queries))
		[ "$n" -gt 2000 ] && n=2000
		# sqlsmith gives up when it cannot reconnect: the round is bounded in
		# queries and in time, and the server is waited for after it
		timeout --kill-after=10 900 sqlsmith \
			--target="host=$PGHOST port=$PGPORT user=fuzz dbname=postgres" \
			--seed=$((seed * 1000 + round)) --max-queries="$n" --exclude-catalog \
			--verbose --dump-all-queries \
			>> "$out/sqlsmith.queries" 2> "$out/sqlsmith.round$round.log" || true
		grep -E '^[.etsScC]+$' "$out/sqlsmith.round$round.log" >> "$out/sqlsmith.progress" || true
		ran=$(grep -E '^[.etsScC]+$' "$out/sqlsmith.round$round.log" | tr -d '\n' | wc -c)
		done_queries=$((done_queries + n))
		echo "  sqlsmith round $round: $ran queries"
		server_alive || { echo "tradeflow fuzz: the server did not come back" >&2; break; }
		round=$((round + 1))
	done
	sqlsmith_seconds=$(( $(date +%s) - smith_started ))

	#
	# 2. The focused generator
	#
	focused_started=$(date +%s)
	focused_rc=0
	python3 tools/fuzz_tradeflow.py --queries "$focused_queries" \
		--seed "$seed" --out "$out/focused" > "$out/focused.summary" 2> "$out/focused.progress" || focused_rc=$?
	focused_seconds=$(( $(date +%s) - focused_started ))
	server_alive || true

	#
	# Report
	#
	cp "$TF_LOG" "$out/server.log"
	$PSQL -Atc "SELECT funcname, sum(calls) FROM pg_stat_user_functions GROUP BY 1 ORDER BY 2 DESC" \
		> "$out/function_calls" 2>/dev/null || true

	crashes=$(grep -cE 'terminated by signal|terminated by exception|exited with exit code ([2-9]|[1-9][0-9]+)' "$TF_LOG" || true)
	restarts=$(grep -cE 'all server processes terminated; reinitializing' "$TF_LOG" || true)

	echo
	echo "== sqlsmith ($((sqlsmith_seconds / 60)) min $((sqlsmith_seconds % 60)) s, seeds from $((seed * 1000)))"
	smith_rc=0
	python3 tools/fuzz_report.py "$out/sqlsmith.queries" "$out/sqlsmith.progress" "$TF_LOG" || smith_rc=$?
	echo
	echo "== focused generator, tools/fuzz_tradeflow.py ($((focused_seconds / 60)) min $((focused_seconds % 60)) s)"
	cat "$out/focused.summary"
	echo
	echo "== server"
	echo "tradeflow's C functions called directly (track_functions; the calls of aggregates and window functions are not counted):"
	sed 's/|/ /; s/^/  /' "$out/function_calls" | head -20
	echo "server crashes (terminated by signal, abnormal exits): $crashes; restarts after a crash: $restarts"
	echo "output: $out (sqlsmith.queries, server.log, focused/)"

	[ "$crashes" -eq 0 ] && [ "$restarts" -eq 0 ] && [ "$focused_rc" -eq 0 ] && [ "$smith_rc" -eq 0 ]
}

main "$@"
