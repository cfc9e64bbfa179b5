#!/usr/bin/env bash
# bench/spill.sh: the rank_partner and calendar-aware pct_change window
# forms where their partition fits in work_mem and where it spills to disk,
# against plain SQL and against the code of an earlier revision.
#
#   bash bench/spill.sh [-r ROWS] [-n RUNS] [-b REV]
#
# Builds tradeflow twice, this tree and REV (-b, default c643dd4, the last
# revision that kept every partition in memory), into two private copies of
# the server (tools/lib.sh) with a throw-away cluster each, default
# settings (work_mem 4MB, JIT on), max_parallel_workers_per_gather = 0.
# Generates the same data in both (bench/spill.sql, -r rows, default 1000000),
# checks that each tradeflow query gives the plain-SQL answer row by row,
# then times each case RUNS times (-n, default 3) with EXPLAIN (ANALYZE, TIMING
# OFF) (bench/harness.sql), the two forms of a case back to back in
# alternating order, and writes the medians and their ratio to
# bench/results/spill-<rows>.md.  The machine may be shared: the ratios
# are the result, not the seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/lib.sh

rows=1000000
runs=3
before=c643dd4
while getopts "r:n:b:" opt; do
	case $opt in
		r) rows=$OPTARG ;;
		n) runs=$OPTARG ;;
		b) before=$OPTARG ;;
		*) echo "usage: bash bench/spill.sh [-r ROWS] [-n RUNS] [-b REV]" >&2; exit 2 ;;
	esac
done
[[ $rows =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ ]] ||
	{ echo "bench: ROWS and RUNS are positive integers" >&2; exit 2; }
if [ $((rows % 7919)) -eq 0 ]; then
	echo "bench: ROWS must not be a multiple of 7919" >&2; exit 2
fi

tf_need_postgres
tf_tmpdir
mkdir "$TF_TMP/before-src"
git archive "$before" | tar -x -C "$TF_TMP/before-src"
tf_tree_create "$TF_TMP/tree-before"
tf_tree_install -s "$TF_TMP/before-src"
tf_cluster_start before "max_parallel_workers_per_gather = 0"
tf_tree_create "$TF_TMP/tree-after"
tf_tree_install -b "$TF_TMP/after-src"
tf_cluster_start after "max_parallel_workers_per_gather = 0"

psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
for c in before after; do
	tf_cluster_use $c
	psql -c 'CREATE EXTENSION tradeflow' -c 'CREATE SCHEMA bench'
	psql -v target=P007 -f bench/cases.sql
	psql -f bench/harness.sql
	psql -v rows="$rows" -f bench/spill.sql
done
ords=$(psql -At -c 'SELECT ord FROM spill.cases ORDER BY ord')

# the answers of this tree's code equal plain SQL, row by row
tf_cluster_use after
for o in $ords; do
	n=$(psql -At -c "SELECT spill.mismatches(tradeflow, versus) FROM spill.cases
					 WHERE ord = $o AND versus <> 'before'")
	[ -z "$n" ] || [ "$n" -eq 0 ] || { echo "bench: case $o differs from plain SQL in $n rows" >&2; exit 1; }
done

# one timing: measure CLUSTER ORD COLUMN
measure()
{
	tf_cluster_use "$1"
	psql -At -c "SELECT round(ms) FROM spill.cases, bench.measure($3, false) WHERE ord = $2"
}

declare -A times
for r in $(seq "$runs"); do
	for o in $ords; do
		versus=$(psql -At -c "SELECT versus = 'before' FROM spill.cases WHERE ord = $o")
		if [ "$versus" = t ]; then
			forms=("after $o tradeflow" "before $o tradeflow")
		else
			forms=("after $o tradeflow" "after $o versus")
		fi
		# back to back, in alternating order from one run to the next
		if [ $((r % 2)) -eq 0 ]; then forms=("${forms[1]}" "${forms[0]}"); fi
		for f in "${forms[@]}"; do
			read -r c o2 col <<< "$f"
			ms=$(measure "$c" "$o2" "$col")
			times[$o,$c,$col]="${times[$o,$c,$col]:-} $ms"
			echo "run $r, case $o, $c $col: $ms ms" >&2
		done
	done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

out=bench/results/spill-$rows.md
tf_cluster_use after
{
	echo "## Window forms in and past work_mem, $rows rows ($(date -u +%Y-%m-%d))"
	echo
	echo "Command: \`bash bench/spill.sh -r $rows -n $runs -b $before\`."
	echo "Machine: $(nproc) cores, shared with other work (load average $(cut -d' ' -f1-3 /proc/loadavg) at the end);"
	echo "$(psql -At -c 'SELECT version()' | sed 's/ on .*//'); work_mem = $(psql -At -c 'SHOW work_mem'), jit = $(psql -At -c 'SHOW jit'), max_parallel_workers_per_gather = 0."
	echo "Median of $runs runs, the two forms of a case back to back, alternating; every tradeflow answer checked equal to plain SQL."
	echo "Ratio = tradeflow time / the other form's (below 1: tradeflow is faster)."
	echo
	echo "| case | compared with | tradeflow ms | other ms | ratio |"
	echo "|---|---|---:|---:|---:|"
	for o in $ords; do
		a=$(echo "${times[$o,after,tradeflow]}" | median)
		b=$(echo "${times[$o,before,tradeflow]:-${times[$o,after,versus]:-}}" | median)
		name=$(psql -At -c "SELECT name || ' | ' || versus_name FROM spill.cases WHERE ord = $o")
		echo "| $name | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}') |"
	done
} > "$out"
cat "$out"
