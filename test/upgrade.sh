#!/usr/bin/env bash
# test/upgrade.sh: the upgrade from tradeflow 0.1 to this version, as a
# user does it, in a throw-away cluster: 0.1's library and SQL store states
# in tables and a materialized view (test/upgrade/store.sql); this build's
# library replaces 0.1's (make install) and the server restarts; what was
# stored must read and answer as before (test/upgrade/check.sql), then
# again after ALTER EXTENSION tradeflow UPDATE, and the updated extension
# must have exactly the objects of a fresh CREATE EXTENSION.
#
# 0.1 is built from the repository's history (git archive of the 0.1
# release); without it (a release archive), the test says so and passes.
# Prints TAP lines ("ok N - ..."); the last line is "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. tools/lib.sh

release_0_1=d502a6ab940eec208c49af56ccccad4f9bd4af5a	# tradeflow 0.1, as released

if ! git -C . cat-file -e "$release_0_1^{commit}" 2>/dev/null; then
	echo "# upgrade test skipped: no git history with tradeflow 0.1 ($release_0_1) here"
	tf_tap 0 "# SKIP the 0.1 release is not in this checkout's history"
	tf_tap_finish
fi

tf_need_postgres && tf_need_packages "postgresql-$TF_PG_MAJOR-pgtap" libtap-parser-sourcehandler-pgtap-perl &&
	tf_tree_create || { tf_tap 1 "a private tree"; tf_tap_finish; }
old=$TF_TMP/release-0.1
mkdir -p "$old" && git archive "$release_0_1" | tar -C "$old" -x
tf_tree_install -s "$old" >/dev/null 2>&1
tf_tap $? "tradeflow 0.1 builds and installs into the tree"
tf_cluster_start upgrade && tf_cluster_use upgrade || { tf_tap 1 "a cluster"; tf_tap_finish; }
psql -X -q -f test/upgrade/store.sql >/dev/null
tf_tap $? "0.1 stores states in tables and a materialized view"

tf_tree_install >/dev/null && tf_cluster_restart upgrade
tf_tap $? "this build replaces 0.1's library and the server restarts"

prove()		# prove STAGE: runs check.sql, each of its assertions a TAP line
{
	tf_tap_prove "$1: test/upgrade/check.sql" psql -X -q -At -v tf_stage="$1" -f test/upgrade/check.sql
}
prove before

psql -X -q -c "ALTER EXTENSION tradeflow UPDATE" >/dev/null
tf_tap $? "ALTER EXTENSION tradeflow UPDATE"
prove after

# the updated extension has exactly what a fresh one has
objects()
{
	psql -X -At -d "$1" -c "
		SELECT pg_describe_object(classid, objid, objsubid) || ' ' ||
			   coalesce((SELECT format('%s %s %s %s %s', provolatile, proisstrict, proparallel, procost, prorows)
						 FROM pg_proc WHERE classid = 'pg_proc'::regclass AND oid = objid), '') || ' ' ||
			   coalesce(obj_description(objid, classid::regclass::name), '')
		FROM pg_depend
		WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
		  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'tradeflow')
		ORDER BY 1"
}
psql -X -q -c "CREATE DATABASE fresh" && psql -X -q -d fresh -c "CREATE EXTENSION tradeflow" >/dev/null
difference=$(diff <(objects postgres) <(objects fresh))
[ -z "$difference" ]
tf_tap $? "the updated extension has the objects, properties and comments of a fresh CREATE EXTENSION"
[ -z "$difference" ] || echo "$difference" | sed 's/^/# /'
tf_tap_finish
