#!/usr/bin/env bash
# test/cron.sh: stored partner profiles kept fresh by a pg_cron job, as the
# README's refresh pattern has it, in a throw-away cluster that preloads
# pg_cron (Debian's postgresql-NN-cron; tools/lib.sh's private tree copies
# the system's extensions, pg_cron included).
#
# The cluster's TimeZone is America/New_York, so the jobs run in a session
# whose time zone is not UTC, while the data's periods are midnight UTC.
# test/cron/schema.sql makes the raw rows, the monthly profiles (rewritten
# only for the months that changed, found by triggers), the yearly ones
# (rollup() of months) and three materialized views.  The test builds the
# profiles once, then adds a month, corrects one and deletes one, and
# schedules two jobs: the refresh (profiles and two views of month-on-month
# changes) and the refresh of a view over a bad import (a month twice).  It
# waits, at most $CRON_WAIT seconds, for both to finish in
# cron.job_run_details, then checks against plain SQL.
#
# pg_cron 1.5 and later run a job every '2 seconds'; 1.4 (Debian 12) runs
# jobs on the minute, so the test then waits up to a minute.
# Prints TAP lines ("ok N - ..."); the last line is "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. tools/lib.sh

db=cron_test
wait_limit=${CRON_WAIT:-150}

tf_need_postgres && tf_need_packages "postgresql-$TF_PG_MAJOR-cron" &&
	tf_tree_create && tf_tree_install
tf_tap $? "tradeflow builds and installs into a private tree" || tf_tap_finish
[ -f "$TF_TREE$TF_PG_PKGLIBDIR/pg_cron.so" ] &&
	[ -f "$TF_TREE$TF_PG_SHAREDIR/extension/pg_cron.control" ]
tf_tap $? "the private tree holds pg_cron's library and control file"

# the launcher connects to cron.database_name: create it, then restart
tf_cluster_start cron "shared_preload_libraries = 'pg_cron'" \
	"cron.database_name = '$db'" "cron.use_background_workers = on" \
	"cron.max_running_jobs = 4" "max_worker_processes = 16" \
	"timezone = 'America/New_York'" &&
	tf_cluster_use cron &&
	psql -X -q -c "CREATE DATABASE $db" && tf_cluster_restart cron
tf_tap $? "a cluster preloading pg_cron, cron.database_name = '$db'" || tf_tap_finish
export PGDATABASE=$db PGTZ=UTC	# the checks' sessions in UTC, the jobs' not

# sql SQL: runs SQL in the test database, its rows unaligned
sql()
{
	psql -X -q -At -v ON_ERROR_STOP=1 -c "$1"
}

# is SQL DESCRIPTION: one TAP line, ok when SQL returns true
is()
{
	local out
	out=$(sql "$1" 2>&1)
	[ "$out" = t ]
	tf_tap $? "$2"
	[ "$out" = t ] || echo "$out" | sed 's/^/#   /'
}

psql -X -q -f test/cron/schema.sql && sql "CREATE EXTENSION pg_cron"
tf_tap $? "tradeflow, pg_cron and the refresh pattern (test/cron/schema.sql) install" || tf_tap_finish
version=$(sql "SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'")
if [ "$(printf '%s\n' "$version" 1.5 | sort -V | head -n 1)" = 1.5 ]; then
	schedule='2 seconds'
else
	schedule='* * * * *'
fi
echo "# pg_cron $version: jobs scheduled '$schedule'"

# 14 months of 2 reporters x 2 flows x up to 20 partners x 3 rows, with
# NULLs, zeros, and partners 18-20 leaving every third month
sql "
	INSERT INTO trade_rows
	SELECT reporter, flow, 'P' || lpad(p::text, 2, '0'),
		   (date '2020-01-01' + make_interval(months => m))::timestamp AT TIME ZONE 'UTC',
		   CASE WHEN (p + m + k) % 23 = 0 THEN NULL
				ELSE ((p * 37 + m * 11 + k * 7) % 97) * 1000.25 END
	FROM unnest('{CHN,USA}'::text[]) AS reporter, unnest('{export,import}'::text[]) AS flow,
		 generate_series(1, 20) AS p, generate_series(0, 13) AS m, generate_series(1, 3) AS k
	WHERE p < 18 OR m % 3 <> 0" >/dev/null &&
	[ "$(sql "SELECT refresh_profiles()")" = 56 ] &&
	sql "CREATE TABLE before AS
		 SELECT reporter, flow, period, xmin::text AS writer, updated_at FROM monthly_profiles" >/dev/null
tf_tap $? "the first refresh, called directly, stores 56 monthly profiles"

# what changes: a new month, a late row with a new partner in 2020-06, a
# month withdrawn, rows booked in 2020-09 moved to 2020-10; and an import
# that holds 2021-02 twice
sql "
	INSERT INTO trade_rows
	SELECT reporter, flow, 'P' || lpad(p::text, 2, '0'), timestamptz '2021-03-01 00:00 UTC', p * 500.5
	FROM unnest('{CHN,USA}'::text[]) AS reporter, unnest('{export,import}'::text[]) AS flow,
		 generate_series(1, 19) AS p;
	INSERT INTO trade_rows VALUES ('CHN', 'export', 'P99', '2020-06-01 00:00 UTC', 12345.678);
	DELETE FROM trade_rows WHERE reporter = 'USA' AND flow = 'import' AND period = '2020-02-01 00:00 UTC';
	UPDATE trade_rows SET period = '2020-10-01 00:00 UTC'
	WHERE reporter = 'USA' AND flow = 'export' AND period = '2020-09-01 00:00 UTC' AND partner = 'P05';
	INSERT INTO imported_totals VALUES
		('CHN', '2021-01-01', 100), ('CHN', '2021-02-01', 110), ('CHN', '2021-02-01', 111);
	CREATE TABLE jobs AS
	SELECT 'refresh-profiles' AS jobname,
		   cron.schedule('refresh-profiles', '$schedule',
						 'SELECT refresh_profiles(); REFRESH MATERIALIZED VIEW monthly_changes_zoned; '
						 'REFRESH MATERIALIZED VIEW monthly_changes_session') AS jobid
	UNION ALL
	SELECT 'refresh-imports', cron.schedule('refresh-imports', '$schedule', 'REFRESH MATERIALIZED VIEW import_changes')" >/dev/null
tf_tap $? "new, corrected, withdrawn and moved rows; two jobs scheduled with cron.schedule"

# the first finished run of each job (cron.unschedule removes the job from
# cron.job, not its runs)
runs="
	SELECT DISTINCT ON (j.jobname) j.jobname, d.status, d.return_message
	FROM cron.job_run_details AS d JOIN jobs AS j USING (jobid)
	WHERE d.status IN ('succeeded', 'failed')
	ORDER BY j.jobname, d.start_time"
waited=0
while [ "$(sql "SELECT count(*) FROM ($runs) AS r")" != 2 ] && [ "$waited" -lt "$wait_limit" ]; do
	sleep 1
	waited=$((waited + 1))
done
sql "SELECT cron.unschedule('refresh-profiles'), cron.unschedule('refresh-imports')" >/dev/null
[ "$waited" -lt "$wait_limit" ]
tf_tap $? "both jobs ran within $wait_limit seconds (${waited}s)"
sql "$runs" | sed 's/^/#   /'

is "SELECT status = 'succeeded' FROM ($runs) AS r WHERE jobname = 'refresh-profiles'" \
	"the refresh job is recorded as succeeded"
is "SELECT status = 'failed'
		   AND return_message LIKE '%pct_change found more than one row for period 2021-02-01 in a partition%'
	FROM ($runs) AS r WHERE jobname = 'refresh-imports'" \
	"the job over the bad import is recorded as failed, with tradeflow's error message"
is "SELECT NOT EXISTS (SELECT FROM changed_months)" \
	"the refresh consumed every changed month"

# plain SQL: the profiles against a fresh build, and against sum() by partner
is "SELECT NOT EXISTS (
		(SELECT reporter, flow, period, profile FROM monthly_profiles
		 EXCEPT ALL
		 SELECT reporter, flow, period, trade_profile(partner, value) FROM trade_rows GROUP BY 1, 2, 3)
		UNION ALL
		(SELECT reporter, flow, period, trade_profile(partner, value) FROM trade_rows GROUP BY 1, 2, 3
		 EXCEPT ALL
		 SELECT reporter, flow, period, profile FROM monthly_profiles))" \
	"the stored monthly profiles equal a fresh build from the raw rows"
is "SELECT NOT EXISTS (
		(SELECT m.reporter, m.flow, m.period, t.partner, t.value
		 FROM monthly_profiles AS m, top_partners(m.profile, 1000000) AS t
		 EXCEPT ALL
		 SELECT reporter, flow, period, partner, sum(value) FROM trade_rows GROUP BY 1, 2, 3, 4)
		UNION ALL
		(SELECT reporter, flow, period, partner, sum(value) FROM trade_rows GROUP BY 1, 2, 3, 4
		 EXCEPT ALL
		 SELECT m.reporter, m.flow, m.period, t.partner, t.value
		 FROM monthly_profiles AS m, top_partners(m.profile, 1000000) AS t))" \
	"every stored partner value is the sum() of its raw rows"
is "SELECT NOT EXISTS (
		(SELECT reporter, flow, year, total(profile) FROM yearly_profiles
		 EXCEPT ALL
		 SELECT reporter, flow, date_trunc('year', period, 'UTC'), sum(value) FROM trade_rows GROUP BY 1, 2, 3)
		UNION ALL
		(SELECT reporter, flow, date_trunc('year', period, 'UTC'), sum(value) FROM trade_rows GROUP BY 1, 2, 3
		 EXCEPT ALL
		 SELECT reporter, flow, year, total(profile) FROM yearly_profiles))
	   AND NOT EXISTS (
		SELECT FROM yearly_profiles AS y
		WHERE y.profile <> (SELECT trade_profile(partner, value) FROM trade_rows AS r
							WHERE (r.reporter, r.flow) = (y.reporter, y.flow)
							  AND date_trunc('year', r.period, 'UTC') = y.year))" \
	"the yearly profiles, rollup() of the months, equal a build from the raw rows of the year"

# only the changed months were written: the new month (4 profiles), the
# corrected one, both months of the moved rows; the withdrawn one is gone
is "SELECT array_agg(format('%s %s %s', reporter, flow, to_char(period AT TIME ZONE 'UTC', 'YYYY-MM'))
				 ORDER BY reporter, flow, period)
		   = '{\"CHN export 2020-06\",\"CHN export 2021-03\",\"CHN import 2021-03\",\"USA export 2020-09\",\"USA export 2020-10\",\"USA export 2021-03\",\"USA import 2021-03\"}'
	FROM monthly_profiles AS m LEFT JOIN before AS b USING (reporter, flow, period)
	WHERE b.writer IS DISTINCT FROM m.xmin::text" \
	"the job rewrote only the new and the changed months (xmin)"
is "SELECT count(*) = 52 FROM monthly_profiles AS m JOIN before AS b USING (reporter, flow, period)
	WHERE m.updated_at = b.updated_at" \
	"the 52 unchanged months keep their updated_at"
is "SELECT NOT EXISTS (SELECT FROM monthly_profiles
					   WHERE reporter = 'USA' AND flow = 'import' AND period = '2020-02-01 00:00 UTC')" \
	"the withdrawn month's profile is removed"

# the views the job refreshed in a America/New_York session
zoned="SELECT reporter, flow, period,
			  pct_change(total(profile), period, interval '1 month', 'UTC')
				  OVER (PARTITION BY reporter, flow) AS change
	   FROM monthly_profiles"
is "SELECT current_setting('TimeZone') = 'UTC' AND NOT EXISTS (
		(SELECT * FROM monthly_changes_zoned EXCEPT ALL $zoned)
		UNION ALL
		($zoned EXCEPT ALL SELECT * FROM monthly_changes_zoned))" \
	"pct_change(value, timestamptz, step, time_zone) in the view the job refreshed equals the same query in a UTC session"
is "SELECT count(*) = 59 AND count(*) FILTER (WHERE agree IS NOT TRUE) = 0
	FROM (SELECT CASE WHEN p.profile IS NULL THEN v.change IS NULL
					  ELSE abs(v.change - ((total(c.profile) - total(p.profile)) / total(p.profile))::double precision)
						   <= 1e-12 * greatest(1, abs(v.change)) END AS agree
		  FROM monthly_changes_zoned AS v
		  JOIN monthly_profiles AS c USING (reporter, flow, period)
		  LEFT JOIN monthly_profiles AS p
			ON (p.reporter, p.flow) = (c.reporter, c.flow)
		   AND p.period = ((c.period AT TIME ZONE 'UTC') - interval '1 month') AT TIME ZONE 'UTC') AS t" \
	"each change in that view is the plain-SQL change from the UTC calendar's previous month"
is "SELECT (SELECT count(change) FROM monthly_changes_session)
		   < (SELECT count(change) FROM monthly_changes_zoned)" \
	"the job's session really was not in UTC: the session-zone form lost changes there"
tf_tap_finish
