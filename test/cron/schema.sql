-- test/cron/schema.sql: the refresh pattern of stored partner profiles,
-- as test/cron.sh schedules it with pg_cron.
--
--   trade_rows        raw customs rows; periods are timestamptz at midnight
--                     UTC (what a BI import stores)
--   changed_months    the months whose rows changed since the last refresh,
--                     kept by statement triggers on trade_rows
--   monthly_profiles  one trade_profile per reporter, flow and month,
--                     rewritten only for the months in changed_months
--   yearly_profiles   rollup() of the months
--   refresh_profiles()  the job: rebuilds the changed months and forgets them
--   monthly_changes_zoned    month-on-month change of the totals with
--                            pct_change(value, period, step, time_zone)
--   monthly_changes_session  the same with the session's TimeZone
--   import_changes    the same change over a table of imported totals;
--                     a bad import (a month twice) makes its refresh fail
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION tradeflow;

CREATE TABLE trade_rows (
	reporter text NOT NULL,
	flow text NOT NULL,
	partner text NOT NULL,
	period timestamptz NOT NULL,
	value numeric
);

CREATE TABLE changed_months (
	reporter text,
	flow text,
	period timestamptz,
	PRIMARY KEY (reporter, flow, period)
);

CREATE FUNCTION mark_changed_months() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO changed_months
	SELECT DISTINCT reporter, flow, period FROM changed
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END
$$;
-- one trigger per event and transition table (an UPDATE can move a row
-- from one month to another: both months changed)
DO $$
DECLARE
	t record;
BEGIN
	FOR t IN VALUES ('rows_inserted', 'INSERT', 'NEW'), ('rows_deleted', 'DELETE', 'OLD'),
					('rows_updated_from', 'UPDATE', 'OLD'), ('rows_updated_to', 'UPDATE', 'NEW')
	LOOP
		EXECUTE format('CREATE TRIGGER %I AFTER %s ON trade_rows REFERENCING %s TABLE AS changed '
					   'FOR EACH STATEMENT EXECUTE FUNCTION mark_changed_months()',
					   t.column1, t.column2, t.column3);
	END LOOP;
END
$$;

CREATE TABLE monthly_profiles (
	reporter text,
	flow text,
	period timestamptz,
	profile trade_profile NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	PRIMARY KEY (reporter, flow, period)
);

CREATE VIEW yearly_profiles AS
SELECT reporter, flow, date_trunc('year', period, 'UTC') AS year, rollup(profile) AS profile
FROM monthly_profiles
GROUP BY 1, 2, 3;

-- the number of months rewritten or removed
CREATE FUNCTION refresh_profiles() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	rewritten bigint;
	removed bigint;
BEGIN
	CREATE TEMP TABLE refreshing AS
	WITH taken AS (DELETE FROM changed_months RETURNING *)
	SELECT * FROM taken;

	INSERT INTO monthly_profiles AS m (reporter, flow, period, profile)
	SELECT r.reporter, r.flow, r.period, trade_profile(r.partner, r.value)
	FROM trade_rows AS r JOIN refreshing USING (reporter, flow, period)
	GROUP BY 1, 2, 3
	ON CONFLICT (reporter, flow, period) DO UPDATE
	SET profile = excluded.profile, updated_at = clock_timestamp()
	WHERE m.profile <> excluded.profile;
	GET DIAGNOSTICS rewritten = ROW_COUNT;

	DELETE FROM monthly_profiles AS m
	USING refreshing AS c
	WHERE (m.reporter, m.flow, m.period) = (c.reporter, c.flow, c.period)
	  AND NOT EXISTS (SELECT FROM trade_rows AS r
					  WHERE (r.reporter, r.flow, r.period) = (c.reporter, c.flow, c.period));
	GET DIAGNOSTICS removed = ROW_COUNT;
	DROP TABLE refreshing;
	RETURN rewritten + removed;
END
$$;

CREATE MATERIALIZED VIEW monthly_changes_zoned AS
SELECT reporter, flow, period,
	   pct_change(total(profile), period, interval '1 month', 'UTC')
		   OVER (PARTITION BY reporter, flow) AS change
FROM monthly_profiles
WITH NO DATA;

CREATE MATERIALIZED VIEW monthly_changes_session AS
SELECT reporter, flow, period,
	   pct_change(total(profile), period, '1 month')
		   OVER (PARTITION BY reporter, flow) AS change
FROM monthly_profiles
WITH NO DATA;

CREATE TABLE imported_totals (
	reporter text,
	period date,
	value numeric
);

CREATE MATERIALIZED VIEW import_changes AS
SELECT reporter, period,
	   pct_change(value, period, '1 month') OVER (PARTITION BY reporter) AS change
FROM imported_totals
WITH NO DATA;
