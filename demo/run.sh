#!/usr/bin/env bash
# demo/run.sh: the tradeflow demo, end to end, on a fresh Debian 12 machine.
# Installs PostgreSQL 15 and tradeflow (tools/setup.sh), then, in a throw-away
# cluster that pg_virtualenv creates and removes, creates the extension,
# loads the real data of data/ (data/load.sql) and tells the story of China's
# trade with North Korea (demo/story.sql).  Run as root, or as a user who may
# use sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh

pg_virtualenv -v 15 sh -c '
	psql -v ON_ERROR_STOP=1 -q -c "CREATE EXTENSION tradeflow" &&
	psql -v ON_ERROR_STOP=1 -q -f data/load.sql &&
	psql -v ON_ERROR_STOP=1 -f demo/story.sql'
