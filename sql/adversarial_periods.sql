--
-- Adversarial periods and steps for pct_change(value, period, step): the
-- ends of the date, timestamp and timestamptz ranges, infinite periods,
-- zero, negative, NULL, mixed and huge steps
--
CREATE EXTENSION tradeflow;

-- pg_temp.error_of(statement): the SQLSTATE and message of the error a
-- statement raises
\i test/fixtures/error_of.psql

-- period - step in PostgreSQL's own arithmetic, NULL where it raises an error
CREATE FUNCTION pg_temp.earlier(period date, step interval) RETURNS timestamp
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	RETURN period - step;
EXCEPTION WHEN datetime_field_overflow THEN
	RETURN NULL;
END $$;
CREATE FUNCTION pg_temp.earlier(period timestamp, step interval) RETURNS timestamp
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	RETURN period - step;
EXCEPTION WHEN datetime_field_overflow THEN
	RETURN NULL;
END $$;
CREATE FUNCTION pg_temp.earlier(period timestamptz, step interval) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN period - step;
EXCEPTION WHEN datetime_field_overflow THEN
	RETURN NULL;
END $$;

--
-- The plain-SQL formulation is a self-join on period = period - step; it
-- raises 'timestamp out of range' near the ends of the range, so it is
-- computed here with pg_temp.earlier, which gives NULL instead.  Infinite
-- periods get NULL by definition (infinity - step is infinity itself).
--
CREATE TABLE dates (step interval, d date, v float8);
INSERT INTO dates
SELECT s, d, v
FROM (VALUES ('4714-11-24 BC'::date, 1::float8), ('4714-11-25 BC', 2), ('4714-11-27 BC', 3),
			 ('4714-12-24 BC', 4), ('4714-12-28 BC', 5), ('4713-11-24 BC', 6), ('4713-11-27 BC', 7),
			 ('2020-01-01', 8), ('2020-02-01', 9), ('2021-01-01', 10),
			 ('294276-11-30', 11), ('294276-12-30', 12), ('294276-12-31', 13),
			 ('294277-01-01', 14), ('5874897-12-30', 15), ('5874897-12-31', 16),
			 ('infinity', 17), ('-infinity', 18)) AS t(d, v),
	 unnest(ARRAY['1 day', '3 days', '1 month', '1 month 3 days', '1 year']::interval[]) AS s;

SELECT step, d, v, chg, chg_sql, chg IS NOT DISTINCT FROM chg_sql AS same,
	   pg_temp.earlier(d, step) IS NULL AND isfinite(d) AS sql_out_of_range
FROM (SELECT step, d, v, pct_change(v, d, step) OVER (PARTITION BY step) AS chg,
			 CASE WHEN isfinite(d) THEN
				  v / nullif((SELECT p.v FROM dates AS p WHERE p.step = c.step AND p.d = pg_temp.earlier(c.d, c.step)), 0) - 1
			 END AS chg_sql
	  FROM dates AS c) AS t
WHERE chg IS NOT NULL OR chg_sql IS NOT NULL OR d < '0001-01-01' OR d > '294276-01-01'
ORDER BY step, d;

CREATE TABLE stamps (step interval, t timestamp, v float8);
INSERT INTO stamps
SELECT s, t, v
FROM (VALUES ('4714-11-24 00:00:00 BC'::timestamp, 1::float8), ('4714-11-24 00:00:00.000001 BC', 2),
			 ('4714-11-25 00:00:00 BC', 3), ('4714-11-25 00:00:00.000001 BC', 4),
			 ('4714-12-24 00:00:00 BC', 5), ('2020-01-01 12:00', 6), ('2020-01-02 12:00', 7),
			 ('294276-12-31 23:59:59.999998', 8), ('294276-12-31 23:59:59.999999', 9),
			 ('infinity', 10), ('-infinity', 11)) AS x(t, v),
	 unnest(ARRAY['1 microsecond', '1 day', '1 month']::interval[]) AS s;

SELECT step, t, v, chg, chg_sql, chg IS NOT DISTINCT FROM chg_sql AS same,
	   pg_temp.earlier(t, step) IS NULL AND isfinite(t) AS sql_out_of_range
FROM (SELECT step, t, v, pct_change(v, t, step) OVER (PARTITION BY step) AS chg,
			 CASE WHEN isfinite(t) THEN
				  v / nullif((SELECT p.v FROM stamps AS p WHERE p.step = c.step AND p.t = pg_temp.earlier(c.t, c.step)), 0) - 1
			 END AS chg_sql
	  FROM stamps AS c) AS x
ORDER BY step, t;

-- timestamptz: the same instants, in time zones ahead of and behind UTC
CREATE TABLE zoned (zone text, step interval, t timestamptz, v float8);
INSERT INTO zoned
SELECT z, step, t AT TIME ZONE 'UTC', v
FROM stamps AS s,
	 unnest(ARRAY['UTC', 'Pacific/Kiritimati', 'America/Adak']) AS z;
CREATE FUNCTION pg_temp.zoned_changes(zone text)
RETURNS TABLE (step interval, t text, chg float8, chg_sql float8, same boolean, sql_out_of_range boolean)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('TimeZone', zone, true);
	RETURN QUERY
	SELECT x.step, x.t::text, x.chg, x.chg_sql, x.chg IS NOT DISTINCT FROM x.chg_sql,
		   pg_temp.earlier(x.t, x.step) IS NULL AND isfinite(x.t)
	FROM (SELECT c.step, c.t, pct_change(c.v, c.t, c.step) OVER (PARTITION BY c.step) AS chg,
				 CASE WHEN isfinite(c.t) THEN
					  c.v / nullif((SELECT p.v FROM zoned AS p
									WHERE p.zone = c.zone AND p.step = c.step
									  AND p.t = pg_temp.earlier(c.t, c.step)), 0) - 1
				 END AS chg_sql
		  FROM zoned AS c WHERE c.zone = zoned_changes.zone) AS x
	ORDER BY x.step, x.t;
END $$;
BEGIN;
SELECT * FROM pg_temp.zoned_changes('UTC');
SELECT * FROM pg_temp.zoned_changes('Pacific/Kiritimati');
SELECT * FROM pg_temp.zoned_changes('America/Adak');
COMMIT;

-- every day of the first 500 of the range, at midnight and noon, with steps
-- of every kind: the same changes as the plain-SQL formulation wherever
-- PostgreSQL's arithmetic computes period - step, in three time zones for
-- timestamptz.  Where it fails only because it subtracts the months first
-- and passes 4714 BC on the way ('1 month -29 days' from 4714-11-26 BC is
-- 4714-11-24 BC), pct_change still compares (beyond_sql counts those rows).
-- Steps are told apart by their text: PostgreSQL finds '1 month -29 days'
-- equal to '1 day'.
CREATE TABLE first_days AS
SELECT step, step::text AS name, t, row_number() OVER (PARTITION BY step::text ORDER BY t)::float8 AS v
FROM generate_series(timestamp '4714-11-24 00:00:00 BC', timestamp '4714-11-24 00:00:00 BC' + interval '500 days',
					 interval '12 hours') AS t,
	 unnest(ARRAY['1 microsecond', '12:00', '1 day', '25 hours', '1 day 12:00', '-1 day 36:00', '7 days',
				  '1 month', '1 month 3 days', '1 month -29 days', '-1 month 40 days', '3 months',
				  '1 year', '1 year -11 days', '2 years']::interval[]) AS step;
CREATE VIEW first_days_changes AS
SELECT 'date' AS periods, pct_change(c.v, c.t::date, c.step) OVER (PARTITION BY c.name) AS chg,
	   c.v / p.v - 1 AS chg_sql, pg_temp.earlier(c.t::date, c.step) IS NOT NULL AS computable
FROM (SELECT * FROM first_days WHERE t = t::date) AS c
	 LEFT JOIN (SELECT * FROM first_days WHERE t = t::date) AS p
	 ON p.name = c.name AND p.t = pg_temp.earlier(c.t::date, c.step)
UNION ALL
SELECT 'timestamp', pct_change(c.v, c.t, c.step) OVER (PARTITION BY c.name),
	   c.v / p.v - 1, pg_temp.earlier(c.t, c.step) IS NOT NULL
FROM first_days AS c
	 LEFT JOIN first_days AS p ON p.name = c.name AND p.t = pg_temp.earlier(c.t, c.step)
UNION ALL
SELECT 'timestamptz ' || current_setting('TimeZone'), pct_change(c.v, c.tz, c.step) OVER (PARTITION BY c.name),
	   c.v / p.v - 1, pg_temp.earlier(c.tz, c.step) IS NOT NULL
FROM (SELECT *, t AT TIME ZONE 'UTC' AS tz FROM first_days) AS c
	 LEFT JOIN (SELECT *, t AT TIME ZONE 'UTC' AS tz FROM first_days) AS p
	 ON p.name = c.name AND p.tz = pg_temp.earlier(c.tz, c.step);
\set first_days_summary 'SELECT periods, count(*) AS rows, count(chg_sql) AS compared, count(*) FILTER (WHERE computable AND chg IS DISTINCT FROM chg_sql) AS mismatches, count(chg) FILTER (WHERE NOT computable) AS beyond_sql FROM first_days_changes'
SET TimeZone = 'UTC';
:first_days_summary GROUP BY periods ORDER BY periods;
SET TimeZone = 'Pacific/Kiritimati';
:first_days_summary WHERE periods LIKE 'timestamptz%' GROUP BY periods;
SET TimeZone = 'America/Adak';
:first_days_summary WHERE periods LIKE 'timestamptz%' GROUP BY periods;
RESET TimeZone;

--
-- Steps
--
-- zero, negative and NULL steps are errors (22023)
SELECT s, pg_temp.error_of(format($$SELECT pct_change(v, d, %L::interval) OVER () FROM dates WHERE step = '1 day'$$, s)) AS error
FROM (VALUES ('0 days'), ('00:00:00'), ('-1 day'), ('-1 microsecond'), ('1 month -30 days'),
			 ('-1 year 365 days'), (NULL)) AS t(s);
-- a step is positive when PostgreSQL orders it above '0' (a month counting
-- 30 days): '1 month -29 days' is positive; period - step is then computed
-- exactly, even where it falls on the period itself or after it
SELECT d, v, pct_change(v, d, '1 month -29 days') OVER () AS chg,
	   (d - '1 month -29 days'::interval)::date AS earlier
FROM (VALUES ('2020-03-01'::date, 1::float8), ('2021-03-01', 2), ('2021-03-02', 4)) AS t(d, v)
ORDER BY d;
SELECT d, v, pct_change(v, d, '-1 month 31 days') OVER () AS chg,
	   (d - '-1 month 31 days'::interval)::date AS earlier
FROM (VALUES ('2020-01-31'::date, 1::float8), ('2020-02-01', 2), ('2020-03-01', 3), ('2020-03-02', 4)) AS t(d, v)
ORDER BY d;
-- mixed units
SELECT d, v, pct_change(v, d, '1 month 3 days') OVER () AS chg,
	   pct_change(v, d::timestamp, '1 month 3 days 12:00') OVER () AS chg_12h
FROM (VALUES ('2020-01-28'::date, 1::float8), ('2020-02-29', 2), ('2020-03-31', 4), ('2020-05-03', 8)) AS t(d, v)
ORDER BY d;
-- steps longer than the range: NULL, never an error
SELECT s, pct_change(v, d, s) OVER (PARTITION BY s) AS chg
FROM (VALUES ('2020-01-01'::date, 1::float8), ('2021-01-01', 2)) AS t(d, v),
	 unnest(ARRAY['178000000 years', '2147483647 months', '2147483647 days', '2562047788 hours',
				  '178000000 years 2147483647 days 2562047788:00:00']::interval[]) AS s
ORDER BY s, d;
-- a step that differs between rows: each row uses its own
SELECT d, s, pct_change(v, d, s) OVER () AS chg
FROM (VALUES ('2020-01-01'::date, '1 day'::interval, 1::float8), ('2020-01-02', '1 day', 2),
			 ('2020-02-02', '1 month', 4), ('2021-02-02', '1 year', 8)) AS t(d, s, v)
ORDER BY d;
-- a NULL step on any row is an error, even where the other rows have one
SELECT pg_temp.error_of($$SELECT pct_change(v, d, s) OVER () FROM (VALUES ('2020-01-01'::date, '1 day'::interval, 1), ('2020-01-02', NULL, 2)) AS t(d, s, v)$$) AS null_step_on_row_2;

--
-- Repeated and missing periods
--
SELECT pg_temp.error_of($$SELECT pct_change(v, d, '1 day') OVER () FROM (VALUES ('infinity'::date, 1), ('infinity', 2)) AS t(d, v)$$) AS two_infinities,
	   pg_temp.error_of($$SELECT pct_change(v, d, '1 day') OVER () FROM (VALUES ('-infinity'::timestamp, 1), ('-infinity', 2)) AS t(d, v)$$) AS two_minus_infinities,
	   pg_temp.error_of($$SELECT pct_change(v, d, '1 day') OVER () FROM (VALUES ('4714-11-24 BC'::date, 1), ('4714-11-24 BC', 2)) AS t(d, v)$$) AS two_first_days;
-- dates after AD 294276 cannot be compared: left out of the comparison, even repeated
SELECT d, pct_change(v, d, '1 day') OVER () AS chg
FROM (VALUES ('5874897-12-31'::date, 1), ('5874897-12-31', 2), ('5874897-12-30', 3)) AS t(d, v);
-- NULL periods and values: NULL, and not duplicates of each other
SELECT d, v, pct_change(v, d, '1 day') OVER () AS chg
FROM (VALUES (NULL::date, 1::float8), (NULL, 2), ('2020-01-01', NULL), ('2020-01-02', 4), ('2020-01-03', 8)) AS t(d, v)
ORDER BY d, v;

DROP VIEW first_days_changes;
DROP TABLE dates, stamps, zoned, first_days;
DROP EXTENSION tradeflow;
