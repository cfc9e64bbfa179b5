#!/usr/bin/env bash
# tools/limits.sh: cancellation and memory of tradeflow's window functions and
# aggregates over one partition of 10 million rows, in a throw-away cluster.
#
#   bash tools/limits.sh [-r ROWS] [-q NAME,...] [-- limits.py options]
#
# Installs what is missing, builds tradeflow and installs it into a private
# copy of the server (tools/lib.sh; never into the system's directories),
# starts a throw-away cluster and builds two tables, tf_1m (1 million
# rows) and tf_10m (-r rows, default 10 million): one series (a single
# partition), 200 partners, distinct dates in shuffled order, numeric
# values with 1% NULLs and 1% zeros.  Then tools/limits.py measures, for
# pct_change (previous row and calendar-aware), trade_share (window and
# aggregate) and rank_partner (window and aggregate), the backend's peak
# memory at 1 million and 10 million rows, and how long after a
# statement_timeout the query is cancelled.  -q keeps only the functions
# whose names contain one of the given words.
#
# Needs about 2 GB of disk in /tmp and, on 2 cores, about 15 minutes.
# Run as root (it reads the backends' /proc entries); everything runs under
# nice -n 19.
set -euo pipefail
cd "$(dirname "$0")/.."
renice -n 19 $$ >/dev/null

# the whole script is read before it runs
main()
{
	rows=10000000
	only=
	while getopts "r:q:" opt; do
		case $opt in
			r) rows=$OPTARG ;;
			q) only=$OPTARG ;;
			*) echo "usage: $0 [-r rows] [-q name,...] [-- limits.py options]" >&2; exit 2 ;;
		esac
	done
	shift $((OPTIND - 1))

	. tools/lib.sh
	tf_need_postgres
	tf_need_packages python3

	started=$(date +%s)
	tf_tree_create
	tf_tree_install
	tf_cluster_start limits "max_parallel_workers_per_gather = 0" "jit = off" "log_temp_files = -1"
	tf_cluster_use limits
	PSQL="psql -X -v ON_ERROR_STOP=1 -q"
	echo "tradeflow limits: cluster in $TF_TMP, building tf_1m and tf_10m ($rows rows)"

	$PSQL -c "CREATE EXTENSION tradeflow"
	for spec in "tf_1m 1000000" "tf_10m $rows"; do
		read -r table n <<< "$spec"
		# periods: day number (i * 7919) mod n, a permutation of 0..n-1 (7919 is
		# a prime that divides neither 2 nor 5), so the dates are distinct and
		# arrive shuffled, and each has its previous day in the partition
		$PSQL > /dev/null <<SQL
SELECT setseed(0.5);
CREATE TABLE $table AS
SELECT i AS id,
	   1 AS series,
	   'P' || ((i * 7) % 200) AS partner,
	   ((i * 7) % 200)::bigint AS partner_code,
	   date '2000-01-01' + ((i * 7919) % $n)::int AS period,
	   CASE WHEN i % 100 = 0 THEN NULL
			WHEN i % 100 = 1 THEN 0
			ELSE round((random() * 1000000)::numeric, 2) END AS value
FROM generate_series(1, $n::bigint) AS i;
VACUUM ANALYZE $table;
SQL
	done
	echo "tables built in $(( $(date +%s) - started )) s"

	python3 tools/limits.py --only "$only" "$@"
	echo "tradeflow limits: done in $(( ($(date +%s) - started) / 60 )) min"
}

main "$@"
