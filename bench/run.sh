#!/usr/bin/env bash
# bench/run.sh: tradeflow against its best plain-SQL formulations.
#
#   bash bench/run.sh [--rows 1M|5M|20M|N] [--type numeric|float8|bigint]
#                     [--runs K] [--no-check] [--target PARTNER]
#
# Installs what is missing, builds tradeflow into a private copy of the
# server (tools/lib.sh), starts a throw-away cluster with default settings,
# generates a seeded customs table (bench/generate.sql), checks that every
# plain-SQL form gives tradeflow's result, times every form K times in
# alternating order and prints a Markdown table of medians and ratios, which
# is also written to bench/results/<rows>-<type>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/lib.sh

rows=1M
type=numeric
runs=5
check=1
target=P007
while [ $# -gt 0 ]; do
	case "$1" in
		--rows) rows=$2; shift 2 ;;
		--type) type=$2; shift 2 ;;
		--runs) runs=$2; shift 2 ;;
		--target) target=$2; shift 2 ;;
		--no-check) check=0; shift ;;
		*) echo "usage: bash bench/run.sh [--rows 1M|5M|20M|N] [--type numeric|float8|bigint] [--runs K] [--no-check] [--target PARTNER]" >&2
		   exit 2 ;;
	esac
done
case "$rows" in
	*[mM]) nrows=$(( ${rows%[mM]} * 1000000 )) ;;
	*[kK]) nrows=$(( ${rows%[kK]} * 1000 )) ;;
	*[0-9]) nrows=$rows ;;
	*) echo "bench: --rows must be a number, optionally with k or M" >&2; exit 2 ;;
esac
case "$type" in
	numeric) sqltype='numeric(18,2)' ;;
	float8|double) type=float8; sqltype='double precision' ;;
	bigint) sqltype=bigint ;;
	*) echo "bench: --type must be numeric, float8 or bigint" >&2; exit 2 ;;
esac
case "$runs" in
	''|*[!0-9]*|0) echo "bench: --runs must be a positive integer" >&2; exit 2 ;;
esac

tf_need_postgres
tf_tree_create
tf_tree_install
tf_cluster_start bench "max_worker_processes = 8" "max_parallel_workers = 8"
tf_cluster_use bench

out=bench/results/$rows-$type.md
mkdir -p bench/results
work=$TF_TMP/report
mkdir "$work"

psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -c 'CREATE EXTENSION tradeflow'
psql -v rows="$nrows" -v type="$sqltype" -v seed=0.42 -f bench/generate.sql
psql -At -F ', ' -c "SELECT count(*) || ' rows', count(DISTINCT reporter) || ' reporters',
		count(DISTINCT partner) || ' partners', count(*) FILTER (WHERE value IS NULL) || ' NULLs',
		count(*) FILTER (WHERE value = 0) || ' zeros',
		'values from ' || min(value) FILTER (WHERE value > 0) || ' to ' || max(value),
		pg_size_pretty(pg_table_size('bench.flows'))
	FROM bench.flows" > "$work/data.txt"
psql -v target="$target" -f bench/cases.sql
psql -f bench/harness.sql
if [ $check = 1 ]; then psql -c 'SELECT bench.check()'; fi
psql -c "SELECT bench.run($runs)"
psql -At -c 'SELECT line FROM bench.report ORDER BY ord' > "$work/report.txt"
psql -At -c "SELECT format('| %s | parallel speed-up of the tradeflow form | %s |', s.capability,
						   to_char(s.s / p.s, 'FM990.00') || 'x')
			 FROM bench.medians s JOIN bench.medians p USING (capability, form)
			 WHERE form = 'tradeflow' AND NOT s.parallel AND p.parallel ORDER BY s.ord" > "$work/parallel.txt"
psql -At -c "SELECT version()" > "$work/version.txt"
psql -At -c "SELECT string_agg(name || ' = ' || current_setting(name), ', ' ORDER BY name)
			 FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'jit', 'max_parallel_workers',
											 'parallel_setup_cost', 'parallel_tuple_cost')" > "$work/settings.txt"

{
	echo "## $rows rows, $type values ($(date -u +%Y-%m-%d))"
	echo
	echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), $(free -g | awk '/Mem:/ {print $2}') GiB;"
	echo "$(cat "$work/version.txt" | sed 's/ on .*//'); $(cat "$work/settings.txt")."
	echo "Data (bench/generate.sql, seed 0.42): $(cat "$work/data.txt")."
	echo "Median of $runs runs of each form, alternating; $( [ $check = 1 ] && echo 'every plain-SQL form checked equal to tradeflow row by row' || echo 'results not checked (--no-check)')."
	echo "Speed-up = plain-SQL time / tradeflow time (above 1: tradeflow is faster); floor = tradeflow time / the floor's."
	echo
	echo "| capability | mode | plain-SQL form | plain s | tradeflow s | speed-up | tradeflow vs floor |"
	echo "|---|---|---|---:|---:|---:|---|"
	cat "$work/report.txt"
	echo
	echo "| aggregate | | |"
	echo "|---|---|---:|"
	cat "$work/parallel.txt"
} > "$out"
cat "$out"
