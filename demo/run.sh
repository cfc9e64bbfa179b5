#!/usr/bin/env bash
# demo/run.sh: the tradeflow demo, end to end, on a fresh Debian 12 machine.
# Installs what is missing (PostgreSQL with its server headers), builds
# tradeflow into a private copy of the server (tools/lib.sh), then, in a
# throw-away cluster, creates the extension, loads the real data of data/
# (data/load.sql) and tells the story of China's trade with North Korea
# (demo/story.sql): from the raw rows, then again from partner profiles
# stored by reporter, flow and year.  Run as root, or as a user who may use
# sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/lib.sh

tf_need_postgres
tf_tree_create
tf_tree_install
tf_cluster_start demo
tf_cluster_use demo

psql -v ON_ERROR_STOP=1 -q -c "CREATE EXTENSION tradeflow"
psql -v ON_ERROR_STOP=1 -q -f data/load.sql
psql -v ON_ERROR_STOP=1 -f demo/story.sql
