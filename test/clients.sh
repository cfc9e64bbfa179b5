#!/usr/bin/env bash
# test/clients.sh: tradeflow from client code (test/clients.py: psycopg 3,
# Debian's python3-psycopg, over the extended protocol) in a throw-away
# cluster of a private tree (tools/lib.sh).  Runs Debian's Python
# (/usr/bin/python3), which the package installs psycopg for, whatever
# python3 comes first on PATH.
# Prints TAP lines ("ok N - ..."); the last line is "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. tools/lib.sh

tf_need_postgres && tf_need_packages python3-psycopg &&
	tf_tree_create && tf_tree_install &&
	tf_cluster_start clients && tf_cluster_use clients ||
	{ tf_tap 1 "tradeflow in a private tree and a cluster; psycopg installed"; tf_tap_finish; }
/usr/bin/python3 test/clients.py
