-- test/12_pct_change_period.sql: pct_change(value, period, step) OVER w
--
-- Property: the calendar-aware pct_change equals the self-join on
-- period - step
--     cur LEFT JOIN prev ON prev.series = cur.series
--                       AND prev.period = cur.period - step
-- row for row, whatever the window's ORDER BY and frame, and equals the RANGE
-- frame formulation
--     first_value(v) OVER (PARTITION BY series ORDER BY period
--                          RANGE BETWEEN step PRECEDING AND step PRECEDING)
-- for numeric, double precision and bigint values, date, timestamp and
-- timestamptz periods, steps of 1 month, 3 months and 1 year (and days), on
-- generated daily series with gaps (month ends, leap days, DST changes) and
-- on the real IMF data.  Gaps give NULL.  Duplicate periods raise 21000; a
-- NULL, zero or negative step raises 22023.

\set tf_timezone 'America/New_York'
\i test/fixtures/setup.psql

SELECT plan(106);

-- Every data set as a table (id, series, period, period_ts, period_tz, v_num,
-- v_f8, v_big), series numbering the partitions
CREATE TABLE tft.s_flows AS
SELECT id, dense_rank() OVER (ORDER BY reporter, partner) AS series,
	   period, period::timestamp AS period_ts, period::timestamptz AS period_tz,
	   v_num, v_f8, v_big
FROM tft.flows;

CREATE TABLE tft.s_world AS
SELECT row_number() OVER () AS id, dense_rank() OVER (ORDER BY reporter) AS series,
	   period, period::timestamp AS period_ts, period::timestamptz AS period_tz,
	   value_usd::numeric AS v_num, value_usd AS v_f8, round(value_usd)::bigint AS v_big
FROM trade.exports_to_world_monthly;

CREATE TABLE tft.s_china AS
SELECT row_number() OVER () AS id, dense_rank() OVER (ORDER BY reporter, flow, partner) AS series,
	   period, period::timestamp AS period_ts, period::timestamptz AS period_tz,
	   value_usd AS v_num, value_usd::float8 AS v_f8, value_usd::bigint AS v_big
FROM trade.china_dprk_annual;

CREATE TABLE tft.s_dots AS
SELECT row_number() OVER () AS id,
	   dense_rank() OVER (ORDER BY reporter_code, partner_code, flow) AS series,
	   period, period::timestamp AS period_ts, period::timestamptz AS period_tz,
	   value_usd AS v_num, value_usd::float8 AS v_f8, value_usd::bigint AS v_big
FROM trade.dots_annual;

ANALYZE tft.s_flows, tft.s_world, tft.s_china, tft.s_dots;

\i test/fixtures/pct_change_checks.psql

-- the same against the RANGE frame formulation
CREATE FUNCTION tft.range_check(src text, val text, per text, step text)
RETURNS text LANGUAGE sql
AS $$
	SELECT format($q$
		SELECT id, got.r AS got, want.r AS want FROM (
			SELECT id,
				   pct_change(%2$I, %3$I, %4$L::interval) OVER (PARTITION BY series) AS r,
				   CASE WHEN %3$I IS NOT NULL THEN %5$s END AS w
			FROM %1$s
			WINDOW f AS (PARTITION BY series ORDER BY %3$I
						 RANGE BETWEEN %4$L::interval PRECEDING AND %4$L::interval PRECEDING)) AS s,
			LATERAL (SELECT s.r) AS got(r), LATERAL (SELECT s.w) AS want(r)
		WHERE %6$s
	$q$, src, val, per, step,
		tft.change_sql(val, format('first_value(%I) OVER f', val), quote_ident(val)),
		tft.mismatch_sql(val))
$$;

-- fixtures: gaps and matches for every step, NULL periods, DST changes
SELECT ok((SELECT count(*) FILTER (WHERE p.id IS NOT NULL) > 1000
			  AND count(*) FILTER (WHERE p.id IS NULL) > 1000
			  AND count(*) FILTER (WHERE p.v_num = 0) > 50
			  AND count(*) FILTER (WHERE extract(day FROM c.period) = 31 AND p.id IS NOT NULL) > 10
			  AND count(*) FILTER (WHERE c.period IS NULL) = 3
		   FROM tft.cal AS c
			   LEFT JOIN tft.cal AS p ON p.series = c.series AND p.period = c.period - interval '1 month'),
		  'fixtures: daily series with matches, gaps, zero previous values, month ends and NULL periods');

--
-- self-join on generated daily series: 3 value types x 3 period types x 3 steps
--

SELECT is_empty(tft.selfjoin_check('tft.cal', v, p, s),
				format('pct_change(%s, %s, %L) = self-join on generated daily series', v, p, s))
FROM unnest(ARRAY['v_num', 'v_f8', 'v_big']) AS v,
	 unnest(ARRAY['period', 'period_ts', 'period_tz']) AS p,
	 unnest(ARRAY['1 month', '3 months', '1 year']) AS s;

-- days and weeks; '1 day' and '24 hours' differ on timestamptz across DST
SELECT is_empty(tft.selfjoin_check('tft.cal', v, p, s),
				format('pct_change(%s, %s, %L) = self-join on generated daily series', v, p, s))
FROM (VALUES ('v_num', 'period', '1 day'), ('v_f8', 'period', '7 days'),
			 ('v_f8', 'period_ts', '1 day'), ('v_num', 'period_tz', '1 day'),
			 ('v_f8', 'period_tz', '24 hours'), ('v_big', 'period_tz', '1 mon 1 day'),
			 ('v_f8', 'period_ts', '36 hours')) AS t(v, p, s);

SELECT ok((SELECT count(*) FROM tft.cal AS c JOIN tft.cal AS p
		   ON p.series = c.series AND p.period_tz = c.period_tz - interval '1 day')
		  <> (SELECT count(*) FROM tft.cal AS c JOIN tft.cal AS p
			  ON p.series = c.series AND p.period_tz = c.period_tz - interval '24 hours'),
		  'fixtures: the timestamptz series cross DST changes (1 day <> 24 hours)');

-- the same instants under another TimeZone
SET LOCAL TimeZone = 'UTC';
SELECT is_empty(tft.selfjoin_check('tft.cal', v, 'period_tz', s),
				format('TimeZone UTC: pct_change(%s, period_tz, %L) = self-join', v, s))
FROM (VALUES ('v_f8', '1 day'), ('v_num', '1 month')) AS t(v, s);
SET LOCAL TimeZone = 'Asia/Kathmandu';
SELECT is_empty(tft.selfjoin_check('tft.cal', 'v_f8', 'period_tz', '1 month'),
				'TimeZone Asia/Kathmandu: pct_change(v_f8, period_tz, ''1 month'') = self-join');
SET LOCAL TimeZone = 'America/New_York';

--
-- independent of the window's ORDER BY and frame
--

SELECT is_empty(tft.selfjoin_check('tft.cal', v, p, '1 month', e),
				format('pct_change(%s, %s, ''1 month'') OVER (PARTITION BY series %s) = self-join', v, p, e))
FROM (VALUES ('v_num', 'period', 'ORDER BY period'),
			 ('v_f8', 'period', 'ORDER BY period DESC'),
			 ('v_big', 'period_ts', 'ORDER BY v_num NULLS FIRST, id'),
			 ('v_f8', 'period_tz', 'ORDER BY id DESC ROWS BETWEEN CURRENT ROW AND CURRENT ROW'),
			 ('v_num', 'period', 'ORDER BY period RANGE BETWEEN ''10 days'' FOLLOWING AND ''20 days'' FOLLOWING')
	 ) AS t(v, p, e);

--
-- the RANGE frame formulation
--

SELECT is_empty(tft.range_check('tft.cal', v, p, s),
				format('pct_change(%s, %s, %L) = RANGE BETWEEN step PRECEDING AND step PRECEDING formulation', v, p, s))
FROM (VALUES ('v_num', 'period', '1 month'), ('v_f8', 'period', '3 months'),
			 ('v_big', 'period', '1 year'), ('v_f8', 'period_ts', '1 month'),
			 ('v_num', 'period_tz', '1 month'), ('v_f8', 'period_tz', '1 day'),
			 ('v_big', 'period_tz', '1 year')) AS t(v, p, s);

--
-- generated monthly flows (NULL partners, NaN, values up to 9e18)
--

SELECT is_empty(tft.selfjoin_check('tft.s_flows', v, p, s),
				format('pct_change(%s, %s, %L) = self-join on generated monthly flows', v, p, s))
FROM (VALUES ('v_num', 'period', '1 month'), ('v_f8', 'period', '1 month'),
			 ('v_big', 'period', '1 month'), ('v_num', 'period_ts', '1 year'),
			 ('v_f8', 'period_tz', '3 months'), ('v_big', 'period', '1 year')) AS t(v, p, s);

--
-- real data
--

SELECT is_empty(tft.selfjoin_check('tft.s_world', v, p, s),
				format('pct_change(%s, %s, %L) = self-join on IMF monthly exports', v, p, s))
FROM (VALUES ('v_f8', 'period', '1 month'), ('v_f8', 'period', '3 months'), ('v_f8', 'period', '1 year'),
			 ('v_num', 'period', '1 month'), ('v_num', 'period', '1 year'),
			 ('v_big', 'period', '1 month'), ('v_big', 'period', '1 year'),
			 ('v_f8', 'period_ts', '1 month'), ('v_f8', 'period_tz', '1 month'),
			 ('v_num', 'period_tz', '1 year')) AS t(v, p, s);

SELECT is_empty(tft.selfjoin_check('tft.s_china', v, p, '1 year'),
				format('pct_change(%s, %s, ''1 year'') = self-join on China/DPRK 1960-2020 (gaps)', v, p))
FROM unnest(ARRAY['v_num', 'v_f8', 'v_big']) AS v,
	 unnest(ARRAY['period', 'period_ts', 'period_tz']) AS p;

SELECT is_empty(tft.selfjoin_check('tft.s_dots', 'v_num', 'period', '1 year'),
				'pct_change(v_num, period, ''1 year'') = self-join on IMF DOTS 2016-2018');

SELECT is_empty(tft.range_check('tft.s_world', 'v_f8', 'period', '1 month'),
				'pct_change(v_f8, period, ''1 month'') = RANGE formulation on IMF monthly exports');
SELECT is_empty(tft.range_check('tft.s_china', 'v_num', 'period', '1 year'),
				'pct_change(v_num, period, ''1 year'') = RANGE formulation on China/DPRK 1960-2020');

SELECT ok((SELECT count(*) FROM (SELECT period, lag(period) OVER w AS prev FROM tft.s_china
									WINDOW w AS (PARTITION BY series ORDER BY period)) AS s
		   WHERE prev < period - interval '1 year') > 100,
		  'fixtures: the China/DPRK series have gaps in the middle');

-- a gap never compares with an older period
SELECT results_eq($$
	SELECT pct_change(v, p, '1 month') OVER () FROM (VALUES
		(date '2020-01-01', 100.0), (date '2020-02-01', 110.0), (date '2020-04-01', 121.0),
		(date '2020-05-01', 0.0), (date '2020-06-01', 5.0), (date '2020-07-01', NULL),
		(date '2020-08-01', 7.0), (NULL, 8.0)) AS t(p, v)
	ORDER BY p
$$, $$
	SELECT ((c.v - pr.v) / nullif(pr.v, 0))::float8 FROM (VALUES
		(date '2020-01-01', 100.0), (date '2020-02-01', 110.0), (date '2020-04-01', 121.0),
		(date '2020-05-01', 0.0), (date '2020-06-01', 5.0), (date '2020-07-01', NULL),
		(date '2020-08-01', 7.0), (NULL, 8.0)) AS c(p, v)
		LEFT JOIN (VALUES
		(date '2020-01-01', 100.0), (date '2020-02-01', 110.0), (date '2020-04-01', 121.0),
		(date '2020-05-01', 0.0), (date '2020-06-01', 5.0), (date '2020-07-01', NULL),
		(date '2020-08-01', 7.0), (NULL, 8.0)) AS pr(p, v) ON pr.p = c.p - interval '1 month'
	ORDER BY c.p
$$, 'a hand-made series with a gap, a zero, a NULL value and a NULL period = self-join');

-- NULL periods are no period: two of them in a partition are not duplicates
SELECT results_eq($$
	SELECT pct_change(v, p, '1 month') OVER () FROM (VALUES
		(1, date '2020-01-01', 1.0), (2, NULL, 2.0), (3, NULL, 3.0), (4, date '2020-02-01', 4.0)) AS t(i, p, v)
	ORDER BY i
$$, $$
	SELECT ((c.v - pr.v) / nullif(pr.v, 0))::float8 FROM (VALUES
		(1, date '2020-01-01', 1.0), (2, NULL, 2.0), (3, NULL, 3.0), (4, date '2020-02-01', 4.0)) AS c(i, p, v)
		LEFT JOIN (VALUES (date '2020-01-01', 1.0), (date '2020-02-01', 4.0)) AS pr(p, v)
			ON pr.p = c.p - interval '1 month'
	ORDER BY c.i
$$, 'two NULL periods in a partition give NULL, no error; the others = self-join');

--
-- infinite periods give NULL (the self-join would match infinity with itself)
--

SELECT results_eq($$
	SELECT pct_change(v, p, '1 year') OVER () FROM (VALUES
		(date '2019-01-01', 10.0), (date '2020-01-01', 20.0),
		(date 'infinity', 30.0), (date '-infinity', 40.0)) AS t(p, v)
	ORDER BY p
$$, $$VALUES (NULL::float8), (NULL), (1.0), (NULL)$$,
	'date: infinite periods give NULL');
SELECT results_eq($$
	SELECT pct_change(v, p, '1 month') OVER () FROM (VALUES
		(timestamp '2020-01-01', 10::float8), (timestamp '2020-02-01', 20),
		(timestamp 'infinity', 30), (timestamp '-infinity', 40)) AS t(p, v)
	ORDER BY p
$$, $$VALUES (NULL::float8), (NULL), (1.0), (NULL)$$,
	'timestamp: infinite periods give NULL');
SELECT results_eq($$
	SELECT pct_change(v, p, '1 day') OVER () FROM (VALUES
		(timestamptz '2020-01-01', 10::bigint), (timestamptz '2020-01-02', 20),
		(timestamptz 'infinity', 30), (timestamptz '-infinity', 40)) AS t(p, v)
	ORDER BY p
$$, $$VALUES (NULL::float8), (NULL), (1.0), (NULL)$$,
	'timestamptz: infinite periods give NULL');

--
-- the ends of the timestamp range
--

-- near the upper end, period - step is still a valid period: the self-join
-- finds it
SELECT results_eq(format($$
	SELECT pct_change(v, p, '1 month') OVER () FROM (VALUES
		(%1$s '294276-10-01', 2.0), (%1$s '294276-11-01', 3.0), (%1$s '294276-12-01', 6.0)) AS t(p, v)
	ORDER BY p
$$, typ), format($$
	SELECT ((c.v - pr.v) / pr.v)::float8 FROM (VALUES
		(%1$s '294276-10-01', 2.0), (%1$s '294276-11-01', 3.0), (%1$s '294276-12-01', 6.0)) AS c(p, v)
		LEFT JOIN (VALUES
		(%1$s '294276-10-01', 2.0), (%1$s '294276-11-01', 3.0), (%1$s '294276-12-01', 6.0)) AS pr(p, v)
			ON pr.p = c.p - interval '1 month'
	ORDER BY c.p
$$, typ), format('%s periods in the last months of AD 294276 = self-join', typ))
FROM unnest(ARRAY['date', 'timestamp', 'timestamptz']) AS typ;

-- at the lower end, period - step is before 4713 BC: no earlier period, NULL
-- (the self-join itself would raise "timestamp out of range")
SELECT results_eq(format($$
	SELECT pct_change(v, p, '1 year') OVER () FROM (VALUES
		(%1$s '4713-12-01 BC', 1.0), (%1$s '4712-12-01 BC', 4.0)) AS t(p, v)
	ORDER BY p
$$, typ), $$VALUES (NULL::float8), (((4.0 - 1.0) / 1.0)::float8)$$,
	format('%s periods in 4713 BC: no earlier period gives NULL, no error', typ))
FROM unnest(ARRAY['date', 'timestamp', 'timestamptz']) AS typ;

--
-- errors
--

SELECT throws_ok($$
	SELECT pct_change(v, p, '1 month') OVER (PARTITION BY s) FROM (VALUES
		(1, date '2020-01-01', 1.0), (1, date '2020-02-01', 2.0), (1, date '2020-01-01', 3.0)) AS t(s, p, v)
$$, '21000', NULL, 'numeric, date: two rows with the same period in a partition raise 21000');
SELECT throws_ok($$
	SELECT pct_change(v, p, '1 month') OVER (PARTITION BY s ORDER BY v) FROM (VALUES
		(1, timestamp '2020-01-01', 1::float8), (1, timestamp '2020-02-01', 2), (1, timestamp '2020-01-01', 3)) AS t(s, p, v)
$$, '21000', NULL, 'float8, timestamp: duplicates apart in the window ordering raise 21000');
SELECT throws_ok($$
	SELECT pct_change(v, p, '1 day') OVER (PARTITION BY s) FROM (VALUES
		(1, timestamptz '2020-01-01', 1::bigint), (1, timestamptz '2020-01-01', 2)) AS t(s, p, v)
$$, '21000', NULL, 'bigint, timestamptz: duplicate periods raise 21000');
SELECT throws_ok($$
	SELECT pct_change(v, p, '1 month') OVER (PARTITION BY s) FROM (VALUES
		(1, date '2020-01-01', NULL::numeric), (1, date '2020-01-01', NULL)) AS t(s, p, v)
$$, '21000', NULL, 'duplicate periods raise 21000 even when their values are NULL');
SELECT throws_ok($$
	SELECT pct_change(value_usd, period, '1 year') OVER (PARTITION BY reporter, flow) FROM trade.china_dprk_annual
$$, '21000', NULL, 'real data: a partition that mixes partners has duplicate periods: 21000');
SELECT throws_ok($$
	SELECT pct_change(v_num, period, '1 month') OVER (PARTITION BY reporter) FROM tft.flows
$$, '21000', NULL, 'generated data: a partition that mixes partners: 21000');
SELECT lives_ok($$
	SELECT pct_change(v, p, '1 month') OVER (PARTITION BY s) FROM (VALUES
		(1, date '2020-01-01', 1.0), (2, date '2020-01-01', 2.0)) AS t(s, p, v)
$$, 'the same period in two partitions is fine');

CREATE FUNCTION tft.error_hint(query text)
RETURNS text LANGUAGE plpgsql
AS $$
DECLARE
	hint text;
BEGIN
	EXECUTE query;
	RETURN NULL;
EXCEPTION WHEN cardinality_violation THEN
	GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
	RETURN hint;
END
$$;
SELECT ok(length(tft.error_hint($$
	SELECT pct_change(v, p, '1 month') OVER (PARTITION BY s) FROM (VALUES
		(1, date '2020-01-01', 1.0), (1, date '2020-01-01', 3.0)) AS t(s, p, v)
$$)) > 0, 'the duplicate period error has a hint');

SELECT throws_ok(format($$
	SELECT pct_change(v, p, %s) OVER () FROM (VALUES (date '2020-01-01', 1.0), (date '2020-02-01', 2.0)) AS t(p, v)
$$, s), '22023', NULL, format('numeric, date: step %s raises 22023', s))
FROM unnest(ARRAY['NULL::interval', '''0 days''', '''-1 month''', '''-1 day''', '''0 months 0 seconds''']) AS s;
SELECT throws_ok($$
	SELECT pct_change(v, p, interval '-1 year') OVER () FROM (VALUES (timestamp '2020-01-01', 1::float8)) AS t(p, v)
$$, '22023', NULL, 'float8, timestamp: a negative step raises 22023');
SELECT throws_ok($$
	SELECT pct_change(v, p, NULL) OVER () FROM (VALUES (timestamptz '2020-01-01', 1::bigint)) AS t(p, v)
$$, '22023', NULL, 'bigint, timestamptz: a NULL step raises 22023');

SELECT * FROM finish();
ROLLBACK;
