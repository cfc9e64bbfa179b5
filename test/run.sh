#!/usr/bin/env bash
# Runs every tradeflow test in a throw-away PostgreSQL 15 cluster: the
# pg_regress suite (sql/, expected/) and the pgTAP suite (test/*.sql, with
# pg_prove).  The last line is "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
chmod 755 "$log"

# pg_virtualenv creates a cluster, runs the command against it and drops it.
pg_virtualenv -v 15 -o max_parallel_workers_per_gather=2 -o max_worker_processes=8 \
	sh -c "
		make -s installcheck PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config > '$log/regress.out' 2>&1
		echo \$? > '$log/regress.rc'
		pg_prove -v test/*.sql > '$log/prove.out' 2>&1
		echo \$? > '$log/prove.rc'
	"

cat "$log/regress.out" "$log/prove.out" 2>/dev/null
if [ -s regression.diffs ] && [ "$(cat "$log/regress.rc" 2>/dev/null)" != 0 ]; then
	echo "--- regression.diffs ---"
	cat regression.diffs
fi

passed=$(( $(grep -cE '\.\.\. ok' "$log/regress.out" 2>/dev/null || true) +
	$(grep -cE '^\s*ok [0-9]+' "$log/prove.out" 2>/dev/null || true) ))
failed=$(( $(grep -cE '\.\.\. FAILED|failed \(ignored\)' "$log/regress.out" 2>/dev/null || true) +
	$(grep -cE '^\s*not ok [0-9]+' "$log/prove.out" 2>/dev/null || true) ))
# a suite that could not run, or died part way, counts as a failure
for suite in regress prove; do
	rc=$(cat "$log/$suite.rc" 2>/dev/null || echo 1)
	if [ "$rc" != 0 ] && [ "$failed" -eq 0 ]; then
		failed=1
	fi
done
if [ "$passed" -eq 0 ]; then
	failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
