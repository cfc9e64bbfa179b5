# tools/cluster.sh: a throw-away PostgreSQL 15 cluster with tradeflow, for
# tools/fuzz.sh and tools/limits.sh, which source this file.
#
# It never installs into the system's PostgreSQL directories: the server's
# lib and share directories are copied into a temporary tree, tradeflow is
# installed there (make install DESTDIR=...), and the cluster runs from that
# copy (PostgreSQL finds its share and lib directories relative to its
# binary), on a Unix socket in the temporary directory only, under nice.
# Everything is removed again on exit.
#
#   tf_need_packages pkg...     installs the Debian packages that are missing
#   tf_cluster_start [-c name=value]...
#                               builds tradeflow, starts the cluster and sets
#                               PGHOST, PGPORT, PGUSER, PGDATABASE, TF_TMP,
#                               TF_PGBIN, TF_PGDATA and TF_LOG (the server log)
#   tf_as_server cmd...         runs a command as the cluster's owner
#   tf_cluster_restart          restarts the cluster (same settings)

TF_PG_VERSION=15
TF_SUDO=
if [ "$(id -u)" -ne 0 ]; then
	TF_SUDO=sudo
fi

tf_need_packages()
{
	local missing= p
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
			missing="$missing $p"
		fi
	done
	if [ -n "$missing" ]; then
		echo "tradeflow: installing$missing"
		$TF_SUDO apt-get update -qq
		$TF_SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
	fi
}

# PostgreSQL refuses to run as root: root runs the server as "postgres".
tf_as_server()
{
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

tf_cluster_stop()
{
	if [ -n "${TF_PGDATA:-}" ] && [ -f "$TF_PGDATA/postmaster.pid" ]; then
		tf_as_server "$TF_PGBIN/pg_ctl" -D "$TF_PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ -n "${TF_TMP:-}" ] && [ -z "${TF_KEEP:-}" ]; then
		rm -rf "$TF_TMP"
	fi
}

tf_cluster_restart()
{
	tf_as_server "$TF_PGBIN/pg_ctl" -D "$TF_PGDATA" -m fast -w stop >/dev/null
	tf_as_server nice -n 19 "$TF_PGBIN/pg_ctl" -D "$TF_PGDATA" -l "$TF_LOG" -w start >/dev/null
}

tf_cluster_start()
{
	local root pgconfig=/usr/lib/postgresql/$TF_PG_VERSION/bin/pg_config
	local options=()

	while [ $# -gt 0 ]; do
		options+=("$1")
		shift
	done

	TF_TMP=$(mktemp -d /tmp/tradeflow-cluster.XXXXXX)
	chmod 755 "$TF_TMP"
	trap tf_cluster_stop EXIT

	# tradeflow, built in the source tree, installed into a private copy
	# of the server's directories
	root=$TF_TMP/pg
	mkdir -p "$root/usr/lib/postgresql" "$root/usr/share/postgresql"
	cp -a "/usr/lib/postgresql/$TF_PG_VERSION" "$root/usr/lib/postgresql/"
	cp -a "/usr/share/postgresql/$TF_PG_VERSION" "$root/usr/share/postgresql/"
	nice -n 19 make -s PG_CONFIG="$pgconfig" ${TF_MAKE_FLAGS:-} >/dev/null
	make -s PG_CONFIG="$pgconfig" DESTDIR="$root" install >/dev/null
	TF_PGBIN=$root/usr/lib/postgresql/$TF_PG_VERSION/bin

	TF_PGDATA=$TF_TMP/data
	TF_LOG=$TF_TMP/server.log
	mkdir -p "$TF_PGDATA" "$TF_TMP/socket"
	touch "$TF_LOG"
	if [ "$(id -u)" -eq 0 ]; then
		chown -R postgres: "$TF_TMP"
	fi
	tf_as_server "$TF_PGBIN/initdb" -D "$TF_PGDATA" -U postgres --auth=trust \
		--no-sync -E UTF8 --locale=C.UTF-8 >/dev/null

	PGPORT=$((50000 + RANDOM % 10000))
	{
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$TF_TMP/socket'"
		echo "port = $PGPORT"
		echo "fsync = off"
		echo "synchronous_commit = off"
		echo "full_page_writes = off"
		echo "log_line_prefix = '%m [%p] %q%u@%d %e: '"
		for o in "${options[@]}"; do
			echo "$o"
		done
	} >> "$TF_PGDATA/postgresql.conf"

	# nice is inherited by every backend the server starts
	tf_as_server nice -n 19 "$TF_PGBIN/pg_ctl" -D "$TF_PGDATA" -l "$TF_LOG" -w start >/dev/null

	export PGHOST=$TF_TMP/socket PGPORT PGUSER=postgres PGDATABASE=postgres
	export TF_TMP TF_PGBIN TF_PGDATA TF_LOG
}
