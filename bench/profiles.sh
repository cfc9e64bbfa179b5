#!/usr/bin/env bash
# bench/profiles.sh: partner profiles against plain SQL (bench/profiles.sql
# says what is compared).
#
#   bash bench/profiles.sh [--rows 5M|N] [--runs K]
#
# Installs what is missing, builds tradeflow into a private copy of the
# server (tools/lib.sh), starts a throw-away cluster with default settings,
# generates a seeded customs table by product, checks every plain form
# against tradeflow's, times every form K times in alternating order, with
# work_mem 4MB (the default) and 256MB, and prints a Markdown report, also
# written to bench/results/profiles-<rows>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/lib.sh

rows=5M
runs=3
while [ $# -gt 0 ]; do
	case "$1" in
		--rows) rows=$2; shift 2 ;;
		--runs) runs=$2; shift 2 ;;
		*) echo "usage: bash bench/profiles.sh [--rows 5M|N] [--runs K]" >&2; exit 2 ;;
	esac
done
case "$rows" in
	*[mM]) nrows=$(( ${rows%[mM]} * 1000000 )) ;;
	*[kK]) nrows=$(( ${rows%[kK]} * 1000 )) ;;
	*[0-9]) nrows=$rows ;;
	*) echo "bench: --rows must be a number, optionally with k or M" >&2; exit 2 ;;
esac
case "$runs" in
	''|*[!0-9]*|0) echo "bench: --runs must be a positive integer" >&2; exit 2 ;;
esac

tf_need_postgres
tf_tree_create
tf_tree_install
tf_cluster_start bench "max_worker_processes = 8" "max_parallel_workers = 8"
tf_cluster_use bench

out=bench/results/profiles-$rows.md
mkdir -p bench/results
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -c 'CREATE EXTENSION tradeflow'
psql -v rows="$nrows" -v seed=0.42 -f bench/profiles.sql
checks=$(psql -At -F ' | ' -c 'SELECT * FROM bench.check()')
psql -c "SELECT bench.run($runs)"

{
	echo "## Partner profiles, $rows product rows ($(date -u +%Y-%m-%d))"
	echo
	echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), $(free -g | awk '/Mem:/ {print $2}') GiB;"
	echo "$(psql -At -c 'SELECT version()' | sed 's/ on .*//'); default settings but work_mem as given; parallel: max_parallel_workers_per_gather = 2, serial: 0."
	echo "Data (bench/profiles.sql, seed 0.42): $(psql -At -F ', ' -c "SELECT count(*) || ' product rows', count(DISTINCT reporter) || ' reporters', count(DISTINCT partner) || ' partners', count(DISTINCT hs) || ' HS chapters', count(DISTINCT period) || ' months', (SELECT count(*) FROM bench.cells) || ' rows of one partner per cell', pg_size_pretty(pg_table_size('bench.products')) FROM bench.products")."
	echo "Median of $runs runs of each form, alternating. Speed-up = plain-SQL time / tradeflow time."
	echo
	echo "Checked equal to tradeflow (rows, rows that differ):"
	echo
	echo "$checks" | sed 's/^/- /'
	echo
	echo "| capability | work_mem | mode | plain-SQL form | plain s | tradeflow s | speed-up |"
	echo "|---|---|---|---|---:|---:|---:|"
	psql -At -c 'SELECT line FROM bench.report ORDER BY ord'
	echo
	echo "Storage:"
	echo
	echo "| table | size | rows |"
	echo "|---|---:|---:|"
	psql -At -F ' | ' -c "SELECT '| ' || what, pg_size_pretty(bytes), rows || ' |' FROM bench.storage"
} > "$out"
cat "$out"
