#!/usr/bin/env bash
# Runs every tradeflow test (the pg_regress suite and the pgTAP suite, as
# test/run.sh does) against Debian's PostgreSQL server with memory and
# undefined-behaviour checking:
#
#   bash test/sanitize.sh [asan]    tradeflow built with clang's
#                                   AddressSanitizer and
#                                   UndefinedBehaviorSanitizer, the runtime
#                                   preloaded into the server (minutes)
#   bash test/sanitize.sh valgrind  the server under valgrind memcheck
#                                   (half an hour or more)
#   bash test/sanitize.sh all       both
#
# Nothing is installed into the system's PostgreSQL: the extension is
# built outside the repository and installed into a private copy of the
# server's directories under /tmp, whose server runs a throw-away cluster
# (tools/lib.sh).  Run as root (the server then runs as user postgres), or
# as a user who may use sudo (for apt-get only).  See doc/sanitizers.md.
#
# The line before the last counts the sanitizer or valgrind reports; the
# last is "N passed, M failed", where a mode with reports counts as one
# more failure.  The exit status is 0 only when nothing failed.
set -uo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
. tools/lib.sh

case "${1:-asan}" in
	asan) modes=asan ;;
	valgrind) modes=valgrind ;;
	all) modes="asan valgrind" ;;
	*)
		echo "usage: bash test/sanitize.sh [asan|valgrind|all]" >&2
		exit 2
		;;
esac

# what test/run.sh installs, and the tools of the modes asked for
packages="libtap-parser-sourcehandler-pgtap-perl"
case " $modes " in *" asan "*) packages="$packages clang-14 libclang-rt-14-dev llvm-14" ;; esac
case " $modes " in *" valgrind "*) packages="$packages valgrind" ;; esac
if ! tf_need_postgres || ! tf_need_packages "postgresql-$TF_PG_MAJOR-pgtap" $packages ||
	! tf_tmpdir; then
	echo "0 reports"
	echo "0 passed, 1 failed"
	exit 1
fi
# valgrind starts and stops the server slowly
export PGCTLTIMEOUT=900

# Prints the reports of sanitizer or valgrind log files ($2...), and sets
# reports_all and reports_ours (those with a frame in tradeflow, whose
# sources are under $1).  A report starts at its headline and ends at the
# next SUMMARY line (sanitizers) or blank line (valgrind).
scan_reports()
{
	local src=$1
	shift
	local counts
	counts=$(awk -v src="$src" -v kind="$mode" '
		function finish() {
			total++
			if (ours_block) {
				ours++
				if (shown < 5) { printf "%s", block; shown++ }
			} else
				other[head]++
			inblock = 0
		}
		kind == "asan" && /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:/ {
			if (inblock) finish()
			inblock = 1; ours_block = 0; block = ""; lines = 0
			head = $0
			sub(/^==[0-9]+==/, "", head)
			sub(/^[^ ]*: runtime error:/, "runtime error:", head)
			sub(/ on address.*/, "", head)
		}
		kind == "valgrind" && !inblock && /^==[0-9]+== [^ ]/ {
			inblock = 1; ours_block = 0; block = ""; lines = 0
			head = $0
			sub(/^==[0-9]+== /, "", head)
		}
		inblock {
			if (++lines <= 60)
				block = block "    " $0 "\n"
			if (index($0, "tradeflow.so") || index($0, src))
				ours_block = 1
		}
		inblock && kind == "asan" && /^SUMMARY: / { finish() }
		inblock && kind == "valgrind" && /^==[0-9]+== *$/ { finish() }
		END {
			if (inblock) finish()
			for (h in other)
				printf "    %d elsewhere: %s\n", other[h], h
			printf "%d %d\n", total, ours
		}' /dev/null "$@")
	echo "$counts" | sed '$d'
	reports_all=$(echo "$counts" | tail -n 1 | cut -d' ' -f1)
	reports_ours=$(echo "$counts" | tail -n 1 | cut -d' ' -f2)
}

# Runs both suites in one mode; adds to passed, failed and reports.
run_mode()
{
	local mode=$1
	local dir=$TF_TMP/$mode
	local build=$dir/build
	local bin lib cc copt wrapper maps limit
	local start=$SECONDS

	echo "=== $mode ==="
	mkdir -p "$dir/log" "$dir/reports" && tf_server_owns "$dir/reports" || return 1

	# the private PostgreSQL, with no tradeflow in it but the one built here
	tf_tree_create "$dir/pg" || return 1
	bin=$TF_TREE$TF_PG_BINDIR
	lib=$TF_TREE$TF_PG_PKGLIBDIR

	if [ "$mode" = asan ]; then
		limit=${TRADEFLOW_SANITIZE_TIMEOUT:-1800}
		cc=clang-14
		# -O1 keeps the stack traces close to the source.  PostgreSQL
		# compiles with -fwrapv, under which clang checks neither signed
		# overflow nor shifts: -fno-wrapv turns those checks on for
		# tradeflow's code.  The -Wno- options silence clang about gcc
		# options in Debian's CFLAGS.
		copt="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined
			-fno-wrapv -Wno-ignored-attributes -Wno-unknown-warning-option
			-Wno-ignored-optimization-argument"
	else
		limit=${TRADEFLOW_SANITIZE_TIMEOUT:-10800}
		cc=gcc
		copt="-O0 -g"
	fi
	copt=$(echo $copt)
	echo "building with $cc $copt"
	# built outside the repository, so that no sanitized object is ever left
	# where a plain make would link it
	if ! tf_tree_install -b "$build" with_llvm=no CC="$cc" COPT="$copt" \
			> "$dir/log/build.log" 2>&1 ||
		[ ! -f "$lib/tradeflow.so" ]; then
		cat "$dir/log/build.log"
		echo "tradeflow: the $mode build failed"
		return 1
	fi

	# the server is started through a wrapper that runs it with the
	# sanitizer runtime preloaded, or under valgrind
	wrapper=$dir/postgres
	if [ "$mode" = asan ]; then
		local runtime
		runtime=$(clang-14 -print-file-name=libclang_rt.asan-x86_64.so)
		if [ ! -f "$runtime" ]; then
			echo "tradeflow: no ASan runtime at $runtime"
			return 1
		fi
		gcc -shared -fPIC -O2 -o "$dir/nls_noop.so" "$TF_REPO/test/sanitize/nls_noop.c" || return 1
		cat > "$wrapper" <<-EOF
			#!/bin/sh
			# postgres with the ASan and UBSan runtime (test/sanitize.sh)
			export LD_PRELOAD="$runtime $dir/nls_noop.so"
			export ASAN_OPTIONS="detect_leaks=0:log_path=$dir/reports/sanitizer:detect_stack_use_after_return=1:strict_string_checks=1"
			export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=0:log_path=$dir/reports/sanitizer"
			export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
			exec "$bin/postgres" "\$@"
		EOF
	else
		cp "$TF_REPO/test/sanitize/valgrind.supp" "$dir/valgrind.supp"
		# Backends are forked, and valgrind follows forks.  It is not told
		# to trace children that exec another program: those are only the
		# shell commands of the tests' COPY ... PROGRAM (sh, base64, rm),
		# and running each of them under valgrind makes the run hours longer.
		cat > "$wrapper" <<-EOF
			#!/bin/sh
			# postgres under valgrind memcheck (test/sanitize.sh)
			exec valgrind --quiet --tool=memcheck --trace-children=no \\
				--track-origins=yes --leak-check=no --num-callers=40 \\
				--error-limit=no --fullpath-after= \\
				--suppressions="$dir/valgrind.supp" \\
				--log-file="$dir/reports/valgrind.%p.log" \\
				"$bin/postgres" "\$@"
		EOF
	fi
	chmod 755 "$wrapper"

	# a cluster of the private server, listening only on a socket of its own
	tf_cluster_start "$mode" --wrapper "$wrapper" "jit = off" \
		"max_parallel_workers_per_gather = 2" "max_worker_processes = 8" &&
		tf_cluster_use "$mode" || return 1

	# check that a backend loads this build, and runs checked
	maps=$(psql -X -At -v ON_ERROR_STOP=1 -c "LOAD 'tradeflow'" \
		-c "SELECT pg_read_file('/proc/self/maps')" postgres 2>&1)
	if ! echo "$maps" | grep -qF "$lib/tradeflow.so" ||
		{ [ "$mode" = asan ] && ! echo "$maps" | grep -q 'libclang_rt\.asan'; } ||
		{ [ "$mode" = valgrind ] && ! echo "$maps" | grep -q 'vgpreload_memcheck'; }; then
		echo "$maps" | tail -n 5
		echo "tradeflow: the server does not run the $mode build of $lib/tradeflow.so"
		return 1
	fi
	echo "the server runs $lib/tradeflow.so ($mode)"

	# each suite is bounded, so a hang fails rather than waits forever
	(cd "$build" && timeout -k 60 "$limit" make -s installcheck PG_CONFIG="$TF_PG_CONFIG") \
		> "$dir/log/regress.out" 2>&1
	echo $? > "$dir/log/regress.rc"
	(cd "$build" && timeout -k 60 "$limit" pg_prove -v --timer test/*.sql) \
		> "$dir/log/prove.out" 2>&1
	echo $? > "$dir/log/prove.rc"
	local suite
	for suite in regress prove; do
		if [ "$(cat "$dir/log/$suite.rc")" = 124 ]; then
			echo "tradeflow: the $suite suite did not finish within $limit s" \
				>> "$dir/log/$suite.out"
		fi
	done

	tf_cluster_stop "$mode"

	# the same counting as test/run.sh
	tf_test_results "$dir/log" "$build"
	local p=$TF_PASSED f=$TF_FAILED

	# server processes that died
	grep -E 'terminated by signal|exited with exit code' "$TF_LOG" |
		grep -v 'logical replication launcher' | sed 's/^/    server: /'

	if [ "$mode" = asan ]; then
		scan_reports "$build/src/" "$dir"/reports/sanitizer.*
		echo "$mode: $reports_all sanitizer reports, $reports_ours of them with a frame in tradeflow"
		# the server itself is not instrumented: any report counts
		reports=$((reports + reports_all))
		[ "$reports_all" -eq 0 ] || f=$((f + 1))
	else
		scan_reports "$build/src/" "$dir"/reports/valgrind.*.log
		echo "$mode: $reports_ours valgrind errors with a frame in tradeflow" \
			"($reports_all in all, in $(ls "$dir"/reports | wc -l) processes)"
		# PostgreSQL's own errors are shown above but not counted
		reports=$((reports + reports_ours))
		[ "$reports_ours" -eq 0 ] || f=$((f + 1))
	fi
	echo "$mode: $p passed, $f failed in $((SECONDS - start)) s"
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -eq 0 ] || TF_KEEP=1
	return 0
}

passed=0
failed=0
reports=0
for mode in $modes; do
	if ! run_mode "$mode"; then
		failed=$((failed + 1))
		TF_KEEP=1
	fi
	tf_cluster_stop "$mode" immediate 2>/dev/null
done

if [ -n "${TF_KEEP:-}" ]; then
	echo "tradeflow: the builds, clusters and logs are kept in $TF_TMP"
fi
echo "$reports reports ($modes)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
