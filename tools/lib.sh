# tools/lib.sh: what every tradeflow script shares.  Source it from bash; it
# changes nothing until called, and its functions work with or without
# set -e (they return non-zero when they fail).
#
# Packages and PostgreSQL
#
#   tf_need_packages PKG...
#       Installs the Debian packages that are not installed yet (apt-get
#       update at most once, noninteractive, quiet; through sudo when not
#       root).
#   tf_need_postgres
#       Finds the PostgreSQL to build against: $PG_CONFIG if set, else
#       pg_config on PATH; when there is none, installs Debian's default
#       server and headers (postgresql, postgresql-server-dev-all) first.
#       Installs the server of that version if it is missing, and make and
#       gcc.  Sets TF_PG_CONFIG, TF_PG_MAJOR (for package names such as
#       postgresql-$TF_PG_MAJOR-pgtap), TF_PG_BINDIR, TF_PG_PKGLIBDIR and
#       TF_PG_SHAREDIR, and puts TF_PG_BINDIR first on PATH, so that psql,
#       pg_prove and pg_regress use the client of that version.
#
# A private installation tree, so that nothing is ever installed into the
# system's PostgreSQL directories
#
#   tf_tree_create [DIR]
#       Copies the server's bin, lib and share directories, with whatever
#       the system has installed there (pgTAP, pg_cron, Citus...) but
#       tradeflow, into DIR (default $TF_TMP/tree), at their system paths
#       below DIR, and sets TF_TREE=DIR.  PostgreSQL finds its lib and share
#       directories relative to its binary, so the copy's server loads
#       extensions from the copy.  Anything unpacked there with the system's
#       paths (make install DESTDIR=, dpkg-deb -x) is installed in the tree.
#   tf_tree_install [-s SRCDIR] [-b BUILDDIR] [VAR=value...]
#       Builds tradeflow from SRCDIR (default this repository) and installs
#       it into $TF_TREE (make install DESTDIR=$TF_TREE); each VAR=value is
#       passed to make (CC=, COPT=, with_llvm=no).  With -b the sources,
#       without build products, are copied into BUILDDIR and built there,
#       leaving SRCDIR untouched.  Installing another source into the same
#       tree later (an old release, then this one) replaces the files of the
#       same name and leaves the others (the old version's install script).
#
# Throw-away clusters
#
#   tf_tmpdir
#       Creates TF_TMP, the temporary directory (under /tmp) that trees,
#       clusters and the callers' files go in, once per script; the
#       subdirectory of a cluster's name is the cluster's.  On exit
#       (the library owns the EXIT, INT and TERM traps) every cluster is
#       stopped and TF_TMP is removed, unless TF_KEEP is set.
#   tf_cluster_start NAME [--tcp] [--wrapper PROG] [SETTING...]
#       Creates and starts a cluster of $TF_TREE's server in $TF_TMP/NAME:
#       data/, socket/ (its Unix socket directory) and server.log.  initdb
#       with trust authentication, UTF8, C.UTF-8 and superuser postgres; a
#       free random port, kept in TF_PORT[NAME]; fsync, synchronous_commit
#       and full_page_writes off; the SQLSTATE in log_line_prefix; each
#       SETTING a line added to postgresql.conf
#       ("shared_preload_libraries = 'citus'").
#       --tcp: it also listens on 127.0.0.1.  --wrapper: the server is
#       started through PROG (pg_ctl -p), which is to exec the tree's
#       postgres.  pg_ctl waits PGCTLTIMEOUT seconds (default 60) for it.
#       Several clusters, of different names, may run at once.
#   tf_cluster_use NAME
#       Points the clients at cluster NAME: exports PGHOST, PGPORT,
#       PGUSER=postgres, PGDATABASE=postgres, TF_PGDATA (its data directory)
#       and TF_LOG (its server log), and unsets PGHOSTADDR, PGSERVICE and
#       PGOPTIONS.
#   tf_cluster_stop NAME [fast|immediate]
#       Stops cluster NAME, if it runs (pg_ctl -m, default fast).
#   tf_cluster_restart NAME
#       Stops cluster NAME and starts it again, with the same settings and
#       port, from the tree's server: after a new build was installed into
#       the tree, every backend loads it.
#   tf_as_server CMD...
#       Runs CMD as the user the servers run as: postgres when root
#       (PostgreSQL refuses to run as root), else the user running the script.
#   tf_server_owns PATH...
#       Gives PATH to that user (for directories a server writes into).
#
# TAP output of a script's own suite (test/upgrade.sh, test/cron.sh,
# test/citus.sh, test/package.sh)
#
#   tf_tap STATUS DESCRIPTION
#       Prints one TAP line, "ok N - DESCRIPTION" when STATUS is 0, else
#       "not ok N - DESCRIPTION", numbered from 1, and counts it; returns
#       STATUS.
#   tf_tap_prove LABEL CMD...
#       Runs CMD, which prints TAP (a psql script of pgTAP assertions), and
#       repeats each of its "ok"/"not ok" lines as a tf_tap line, other
#       lines as comments; then one more tf_tap line, "LABEL ran its plan of
#       N assertions", that fails if CMD printed fewer or more than its plan.
#   tf_tap_finish
#       Prints "N passed, M failed" and exits, with status 0 when none
#       failed.
#
# Test results
#
#   tf_test_results LOGDIR SRCDIR
#       Prints the output of the suites run in SRCDIR: LOGDIR/regress.out
#       (make installcheck), then every other LOGDIR/*.out, the TAP output
#       of a suite (pg_prove -v, or a script that prints "ok N - ..." and
#       "not ok N - ..." lines), then SRCDIR/regression.diffs if pg_regress
#       failed.  Sets TF_PASSED and TF_FAILED, the counts of tests that
#       passed and failed.  A suite whose exit status (in LOGDIR/NAME.rc for
#       NAME.out) is not 0 while no test of it failed (it could not run, or
#       died part way) counts as one failure, and so does no test passing
#       at all.  Callers print
#       "$TF_PASSED passed, $TF_FAILED failed".

TF_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
declare -gA TF_PORT=()

tf_need_packages()
{
	local sudo='' missing=() p

	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
			missing+=("$p")
		fi
	done
	[ ${#missing[@]} -gt 0 ] || return 0

	echo "tradeflow: installing ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		sudo=sudo
	fi
	if [ -z "${_TF_APT_UPDATED:-}" ]; then
		$sudo apt-get update -qq || return 1
		_TF_APT_UPDATED=1
	fi
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

tf_need_postgres()
{
	local version

	if [ -z "${PG_CONFIG:-}" ] && [ ! -f "$(pg_config --pgxs 2>/dev/null)" ]; then
		tf_need_packages postgresql postgresql-server-dev-all || return 1
	fi
	TF_PG_CONFIG=${PG_CONFIG:-pg_config}
	version=$("$TF_PG_CONFIG" --version) &&
		TF_PG_BINDIR=$("$TF_PG_CONFIG" --bindir) &&
		TF_PG_PKGLIBDIR=$("$TF_PG_CONFIG" --pkglibdir) &&
		TF_PG_SHAREDIR=$("$TF_PG_CONFIG" --sharedir) || return 1
	# "PostgreSQL 15.20 (Debian 15.20-0+deb12u1)", "PostgreSQL 17beta1"
	version=${version#PostgreSQL }
	TF_PG_MAJOR=${version%%[!0-9]*}
	# Debian's pg_config on PATH runs the newest installed version's: hold
	# on to the one found
	if [ -x "$TF_PG_BINDIR/pg_config" ]; then
		TF_PG_CONFIG=$TF_PG_BINDIR/pg_config
	fi
	if [ ! -x "$TF_PG_BINDIR/postgres" ]; then
		tf_need_packages "postgresql-$TF_PG_MAJOR" || return 1
	fi
	tf_need_packages make gcc || return 1
	PATH=$TF_PG_BINDIR:$PATH
}

tf_tmpdir()
{
	[ -z "${TF_TMP:-}" ] || return 0
	TF_TMP=$(mktemp -d /tmp/tradeflow.XXXXXX) || return 1
	# the servers' user must reach the trees and clusters in it
	chmod 755 "$TF_TMP"
	trap _tf_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

_tf_exit()
{
	local name

	for name in "${!TF_PORT[@]}"; do
		tf_cluster_stop "$name" immediate >/dev/null 2>&1 || true
	done
	if [ -z "${TF_KEEP:-}" ]; then
		rm -rf "$TF_TMP"
	fi
}

tf_tree_create()
{
	local tree dir

	tf_tmpdir || return 1
	tree=${1:-$TF_TMP/tree}
	for dir in "$TF_PG_BINDIR" "$TF_PG_PKGLIBDIR" "$TF_PG_SHAREDIR"; do
		mkdir -p "$tree$(dirname "$dir")" &&
			cp -a "$dir" "$tree$(dirname "$dir")/" || return 1
	done
	rm -rf "$tree$TF_PG_PKGLIBDIR"/tradeflow.so \
		"$tree$TF_PG_PKGLIBDIR"/bitcode/tradeflow \
		"$tree$TF_PG_PKGLIBDIR"/bitcode/tradeflow.index.bc \
		"$tree$TF_PG_SHAREDIR"/extension/tradeflow.control \
		"$tree$TF_PG_SHAREDIR"/extension/tradeflow--*
	TF_TREE=$(cd "$tree" && pwd)
}

tf_tree_install()
{
	local src=$TF_REPO build='' opt OPTIND=1

	while getopts "s:b:" opt; do
		case $opt in
			s) src=$OPTARG ;;
			b) build=$OPTARG ;;
			*) return 2 ;;
		esac
	done
	shift $((OPTIND - 1))

	if [ -n "$build" ]; then
		mkdir -p "$build" &&
			tar -C "$src" -cf - --exclude=.git --exclude='*.o' --exclude='*.so' \
				--exclude='*.bc' --exclude=./results --exclude=./log \
				--exclude=./tmp_check --exclude=./regression.diffs \
				--exclude=./regression.out . |
			tar -C "$build" -xf - || return 1
		src=$build
	fi
	make -s -C "$src" PG_CONFIG="$TF_PG_CONFIG" "$@" >/dev/null &&
		make -s -C "$src" PG_CONFIG="$TF_PG_CONFIG" "$@" DESTDIR="$TF_TREE" install >/dev/null
}

tf_as_server()
{
	if [ "$(id -u)" -eq 0 ]; then
		# from a directory the user "postgres" may read
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

tf_server_owns()
{
	if [ "$(id -u)" -eq 0 ]; then
		chown -R postgres: "$@"
	fi
}

tf_cluster_start()
{
	local name=$1 listen='' wrapper=() dir port setting

	shift
	while [ $# -gt 0 ]; do
		case $1 in
			--tcp) listen=127.0.0.1 ;;
			--wrapper) wrapper=(-p "$2"); shift ;;
			*) break ;;
		esac
		shift
	done
	tf_tmpdir || return 1
	dir=$TF_TMP/$name
	if [ -z "${TF_TREE:-}" ]; then
		echo "tradeflow: no tree to start cluster \"$name\" from" >&2
		return 1
	elif [ -n "${TF_PORT[$name]:-}" ]; then
		echo "tradeflow: cluster \"$name\" exists" >&2
		return 1
	fi

	mkdir -p "$dir/data" "$dir/socket" &&
		chmod 700 "$dir/data" &&
		touch "$dir/server.log" &&
		tf_server_owns "$dir/data" "$dir/socket" "$dir/server.log" &&
		tf_as_server "$TF_TREE$TF_PG_BINDIR/initdb" -D "$dir/data" -U postgres \
			--auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null || return 1
	{
		echo "listen_addresses = '$listen'"
		echo "unix_socket_directories = '$dir/socket'"
		echo "fsync = off"
		echo "synchronous_commit = off"
		echo "full_page_writes = off"
		echo "log_line_prefix = '%m [%p] %q%u@%d %e: '"
		for setting in "$@"; do
			echo "$setting"
		done
		echo "port = 0"		# chosen below
	} >> "$dir/data/postgresql.conf" || return 1

	# a random port below Linux's ephemeral ones, free on 127.0.0.1 and
	# not one of this script's clusters; another server may still take it
	# first, which costs another try
	for _ in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 12000))
		if [[ " ${TF_PORT[*]} " == *" $port "* ]] ||
			(exec 3<> "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			continue
		fi
		sed -i "s/^port = .*/port = $port/" "$dir/data/postgresql.conf" || return 1
		TF_PORT[$name]=$port
		if tf_as_server "$TF_TREE$TF_PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
				"${wrapper[@]}" -w start >/dev/null; then
			return 0
		fi
		grep -q "could not bind" "$dir/server.log" || break
	done
	echo "tradeflow: cluster \"$name\" did not start; the end of $dir/server.log:" >&2
	tail -n 20 "$dir/server.log" >&2
	return 1
}

tf_cluster_use()
{
	local dir=$TF_TMP/$1

	if [ -z "${TF_PORT[$1]:-}" ]; then
		echo "tradeflow: no cluster \"$1\"" >&2
		return 1
	fi
	export PGHOST=$dir/socket PGPORT=${TF_PORT[$1]} PGUSER=postgres PGDATABASE=postgres
	export TF_PGDATA=$dir/data TF_LOG=$dir/server.log
	unset PGHOSTADDR PGSERVICE PGOPTIONS
}

tf_cluster_stop()
{
	local data=$TF_TMP/$1/data

	if [ -f "$data/postmaster.pid" ]; then
		tf_as_server "$TF_PG_BINDIR/pg_ctl" -D "$data" -m "${2:-fast}" -w stop >/dev/null
	fi
}

tf_cluster_restart()
{
	local dir=$TF_TMP/$1

	tf_cluster_stop "$1" &&
		tf_as_server "$TF_TREE$TF_PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
			-w start >/dev/null
}

tf_test_results()
{
	local log=$1 src=$2 out suite failed

	TF_PASSED=0
	TF_FAILED=0
	for out in "$log/regress.out" $(ls "$log"/*.out 2>/dev/null | grep -v '/regress\.out$'); do
		[ -f "$out" ] || continue
		suite=$(basename "$out" .out)
		if [ "$suite" = regress ]; then
			cat "$out"
			TF_PASSED=$((TF_PASSED + $(_tf_count '\.\.\. ok' "$out")))
			failed=$(_tf_count '\.\.\. FAILED|failed \(ignored\)' "$out")
		else
			cat "$out"
			TF_PASSED=$((TF_PASSED + $(_tf_count '^\s*ok [0-9]+' "$out")))
			failed=$(_tf_count '^\s*not ok [0-9]+' "$out")
		fi
		if [ "$(cat "$log/$suite.rc" 2>/dev/null)" != 0 ] && [ "$failed" -eq 0 ]; then
			echo "tradeflow: the $suite suite ended with status $(cat "$log/$suite.rc" 2>/dev/null)"
			failed=1
		fi
		TF_FAILED=$((TF_FAILED + failed))
	done
	if [ -s "$src/regression.diffs" ] && [ "$(cat "$log/regress.rc" 2>/dev/null)" != 0 ]; then
		echo "--- regression.diffs ---"
		cat "$src/regression.diffs"
	fi
	if [ "$TF_PASSED" -eq 0 ]; then
		TF_FAILED=$((TF_FAILED + 1))
	fi
}

TF_TAP_N=0
TF_TAP_FAILED=0

tf_tap()
{
	TF_TAP_N=$((TF_TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TF_TAP_N - $2"
	else
		echo "not ok $TF_TAP_N - $2"
		TF_TAP_FAILED=$((TF_TAP_FAILED + 1))
	fi
	return "$1"
}

tf_tap_prove()
{
	local label=$1 out planned line

	shift
	out=$("$@" 2>&1)
	planned=$(echo "$out" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p')
	while read -r line; do
		case $line in
			"ok "[0-9]*) tf_tap 0 "${line#* - }" ;;
			"not ok "[0-9]*) tf_tap 1 "${line#* - }" ;;
			"1.."*|"") ;;
			*) echo "# $line" ;;
		esac
	done <<< "$out"
	[ "$(echo "$out" | grep -cE '^(not )?ok [0-9]+')" = "${planned:-x}" ]
	tf_tap $? "$label ran its plan of ${planned:-?} assertions"
}

tf_tap_finish()
{
	echo "$((TF_TAP_N - TF_TAP_FAILED)) passed, $TF_TAP_FAILED failed"
	[ "$TF_TAP_FAILED" -eq 0 ]
	exit
}

# _tf_count RE FILE: the number of lines of FILE that match the extended
# regular expression RE, 0 if there is no FILE
_tf_count()
{
	if [ -f "$2" ]; then
		grep -cE "$1" "$2" || true
	else
		echo 0
	fi
}
