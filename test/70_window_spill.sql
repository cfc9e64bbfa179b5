-- test/70_window_spill.sql: the window forms past work_mem
--
-- Property: rank_partner(v) OVER (PARTITION BY ...) and
-- pct_change(v, period, step) OVER (PARTITION BY ...) give the same answers
-- when their partition does not fit in work_mem (then they sort in
-- temporary files) as when it does (they sort in memory), and both equal
-- plain SQL:
--     rank_partner = CASE WHEN v IS NOT NULL
--                         THEN rank() OVER (PARTITION BY g ORDER BY v DESC NULLS LAST) END
--     pct_change   = the self-join on period - step (fixtures/pct_change_checks.psql)
-- for numeric, double precision and bigint values, date, timestamp and
-- timestamptz periods, with ties, NULLs, zeros, NaN, gaps, month ends (two
-- rows looking for the same period), NULL and infinite periods; in
-- partitions of one row, of rows that fit in 64kB, of rows just past it and
-- of 20000 rows, in one query; with the window's own ORDER BY, LIMIT,
-- rescans and a parallel scan below the window.  Steps that keep the order
-- of periods (a constant step on dates and timestamps; a time on
-- timestamptz) and steps that do not (days and months on timestamptz, in a
-- named zone, varying by row) take different paths; so does a step that
-- spans more rows than fit in work_mem ('2000 days').  A period that occurs
-- twice raises the same error on both paths.  (That the spill writes
-- temporary files, counted in pg_stat_database, is in sql/window_spill.sql:
-- statistics are not seen inside one transaction.)
--
-- In memory, a row of rank_partner takes 24 bytes and a numeric value's
-- copy; a row of pct_change 48: at work_mem = 64kB, 2730 and 1365 rows.

\set tf_timezone 'Europe/Berlin'
\i test/fixtures/setup.psql
\i test/fixtures/pct_change_checks.psql

SELECT plan(56);

DO $$ BEGIN PERFORM setseed(0.1313); END $$;

-- values for ranks: partitions (g) of 20000 rows, 3000 (past 64kB), 2600
-- and 2000 (in memory as double precision and bigint, past it with the
-- copies of numeric values), 2 and 1, ties
-- (multiples of 1000), NULLs, zeros, negatives, NaN, -0 and infinities
CREATE TABLE tft.rk AS
SELECT row_number() OVER () AS id, g,
	   v_num,
	   CASE WHEN j % 1999 = 0 THEN 'NaN'
			WHEN j % 2003 = 0 THEN '-0'
			WHEN j % 2011 = 0 THEN '-Infinity'
			ELSE v_num::float8 END AS v_f8,
	   CASE WHEN v_num <> 'NaN' THEN round(v_num * 1000) END::bigint AS v_big
FROM (SELECT g, j,
			 CASE WHEN random() < 0.05 THEN NULL
				  WHEN random() < 0.05 THEN 0
				  WHEN j % 4001 = 0 THEN 'NaN'
				  WHEN random() < 0.3 THEN (random() * 20)::int * 1000
				  WHEN random() < 0.1 THEN -round((random() * 1e6)::numeric, 3)
				  ELSE round((random() * 1e6)::numeric, 3) END AS v_num
	  FROM (VALUES (1, 20000), (2, 3000), (3, 2600), (4, 2000), (5, 2), (6, 1)) AS s(g, n),
		   generate_series(1, s.n) AS j
	  ORDER BY random()) AS t;
ANALYZE tft.rk;

-- rows where rank_partner(val) OVER (PARTITION BY g <extra>) differs from rank()
CREATE FUNCTION tft.rank_check(val text, extra text DEFAULT '')
RETURNS text LANGUAGE sql
AS $$
	SELECT format($q$
		SELECT id, got, want FROM (
			SELECT id, rank_partner(%1$I) OVER (PARTITION BY g %2$s) AS got,
				   CASE WHEN %1$I IS NOT NULL
						THEN rank() OVER (PARTITION BY g ORDER BY %1$I DESC NULLS LAST) END AS want
			FROM tft.rk) AS s
		WHERE got IS DISTINCT FROM want
	$q$, val, extra)
$$;

SELECT ok((SELECT bool_and(n_tied > 0) AND bool_and(n_null > 0 OR n < 3000)
		   FROM (SELECT g, count(*) AS n, count(v_num) - count(DISTINCT v_num) AS n_tied,
						count(*) - count(v_num) AS n_null
				 FROM tft.rk WHERE g <= 4 GROUP BY g) AS s)
		  AND (SELECT count(*) FILTER (WHERE v_f8 = 'NaN') > 5
					  AND count(*) FILTER (WHERE v_num = 'NaN') > 2
					  AND count(*) FILTER (WHERE v_f8 = '-Infinity') > 5
				   FROM tft.rk),
		  'fixtures: partitions of 20000 to 1 rows with ties, NULLs, NaN and infinities');

SET LOCAL work_mem = '64kB';

SELECT is_empty(tft.rank_check(v), format('work_mem 64kB: rank_partner(%s) = rank()', v))
FROM unnest(ARRAY['v_num', 'v_f8', 'v_big']) AS v;

SELECT is_empty(tft.rank_check('v_num', e),
				format('work_mem 64kB: rank_partner(v_num) OVER (PARTITION BY g %s) = rank()', e))
FROM unnest(ARRAY['ORDER BY id DESC', 'ORDER BY v_num ROWS BETWEEN 1 PRECEDING AND CURRENT ROW']) AS e;

-- the same rows in memory, and both paths row for row
CREATE TABLE tft.rk_spilled AS
SELECT id, rank_partner(v_num) OVER (PARTITION BY g) AS r_num,
	   rank_partner(v_f8) OVER (PARTITION BY g) AS r_f8,
	   rank_partner(v_big) OVER (PARTITION BY g) AS r_big
FROM tft.rk;

SET LOCAL work_mem = '64MB';

SELECT is_empty(tft.rank_check(v), format('work_mem 64MB: rank_partner(%s) = rank()', v))
FROM unnest(ARRAY['v_num', 'v_f8', 'v_big']) AS v;

SELECT is_empty($$
	SELECT id FROM tft.rk_spilled AS s
		FULL JOIN (SELECT id, rank_partner(v_num) OVER (PARTITION BY g) AS r_num,
						  rank_partner(v_f8) OVER (PARTITION BY g) AS r_f8,
						  rank_partner(v_big) OVER (PARTITION BY g) AS r_big
				   FROM tft.rk) AS m USING (id)
	WHERE (s.r_num, s.r_f8, s.r_big) IS DISTINCT FROM (m.r_num, m.r_f8, m.r_big)
$$, 'rank_partner: work_mem 64kB (temporary files) = 64MB (in memory), row for row');

SET LOCAL work_mem = '64kB';

-- one partition of every size at a time (the spill of one ends before the next)
SELECT is_empty(format($q$
	SELECT id FROM (
		SELECT id, rank_partner(v_num) OVER () AS got,
			   CASE WHEN v_num IS NOT NULL THEN rank() OVER (ORDER BY v_num DESC NULLS LAST) END AS want
		FROM tft.rk WHERE g = %s) AS s
	WHERE got IS DISTINCT FROM want
$q$, g), format('work_mem 64kB: rank_partner(v_num) OVER () over partition %s alone = rank()', g))
FROM generate_series(1, 6) AS g;

SELECT is_empty($$SELECT rank_partner(v_num) OVER () FROM tft.rk WHERE false$$,
				'rank_partner over no rows: no rows');

-- a LIMIT ends the query in the middle of a spilled partition
SELECT results_eq($$
	SELECT r FROM (SELECT id, rank_partner(v_num) OVER (PARTITION BY g ORDER BY id) AS r
				   FROM tft.rk WHERE g = 1) AS s LIMIT 5
$$, $$
	SELECT r FROM (SELECT id, CASE WHEN v_num IS NOT NULL
								   THEN rank() OVER (ORDER BY v_num DESC NULLS LAST) END AS r
				   FROM tft.rk WHERE g = 1) AS s ORDER BY id LIMIT 5
$$, 'work_mem 64kB: rank_partner stopped by a LIMIT after 5 rows of a spilled partition');

-- rescanned once per outer row
SELECT results_eq($$
	SELECT o.g, (SELECT sum(r) FROM (SELECT rank_partner(v_f8) OVER () AS r
									 FROM tft.rk AS k WHERE k.g = o.g) AS s)
	FROM (VALUES (1), (2), (4), (1)) AS o(g)
$$, $$
	SELECT o.g, (SELECT sum(r) FROM (SELECT CASE WHEN v_f8 IS NOT NULL
											 THEN rank() OVER (ORDER BY v_f8 DESC NULLS LAST) END AS r
									 FROM tft.rk AS k WHERE k.g = o.g) AS s)
	FROM (VALUES (1), (2), (4), (1)) AS o(g)
$$, 'work_mem 64kB: rank_partner in a subquery rescanned per outer row');

--
-- pct_change by period
--

-- daily series 1 (20000 days, spilled), 2 (2000 days, past 64kB), 3 (1000
-- days, in memory) and 4 (one day), about 15% of the days missing; series
-- 1 also has NULL and infinite periods, so has series 5 (in memory)
CREATE TABLE tft.sp_rows AS
SELECT s.series, d::date AS period,
	   CASE WHEN random() < 0.03 THEN NULL
			WHEN random() < 0.03 THEN 0
			WHEN random() < 0.2 THEN round((random() * 10)::numeric) * 100
			ELSE round((random() * 1e6)::numeric, 2) END AS v_num
FROM (VALUES (1, 20000), (2, 2000), (3, 1000), (4, 1)) AS s(series, n),
	 generate_series(date '1960-01-01', date '1960-01-01' + (s.n - 1), interval '1 day') AS d
WHERE s.n = 1 OR (d IS NOT NULL AND random() < 0.85)
UNION ALL
SELECT series, CASE WHEN i = 1 THEN 'infinity' WHEN i = 3 THEN '-infinity' END::date, i
FROM generate_series(1, 6) AS i, (VALUES (1), (5)) AS s(series)
UNION ALL
SELECT 5, date '2000-01-31' + i * 30, i * 10 FROM generate_series(1, 40) AS i;

CREATE TABLE tft.sp AS
SELECT row_number() OVER () AS id, series,
	   period, period::timestamp AS period_ts, period::timestamptz AS period_tz,
	   v_num, v_num::float8 AS v_f8, round(v_num)::bigint AS v_big
FROM (SELECT * FROM tft.sp_rows ORDER BY random()) AS r;
ANALYZE tft.sp;

SELECT ok((SELECT count(*) FROM (
			   SELECT c.period - interval '1 month' FROM tft.sp AS c JOIN tft.sp AS p
				   ON p.series = c.series AND p.period = c.period - interval '1 month'
			   WHERE c.series = 1 GROUP BY 1 HAVING count(*) > 1) AS s) > 50
		  AND (SELECT count(*) FROM tft.sp AS c LEFT JOIN tft.sp AS p
				   ON p.series = c.series AND p.period = c.period - interval '1 day'
			   WHERE c.series = 1 AND p.id IS NULL) > 2000
		  AND (SELECT count(*) FROM tft.sp WHERE v_num = 0 AND series = 1) > 100,
		  'fixtures: month ends looking for the same period, gaps and zeros in the spilled series');

SET LOCAL work_mem = '64kB';

SELECT is_empty(tft.selfjoin_check('tft.sp', v, p, s),
				format('work_mem 64kB: pct_change(%s, %s, %L) = self-join', v, p, s))
FROM unnest(ARRAY['v_num', 'v_f8', 'v_big']) AS v,
	 unnest(ARRAY['period', 'period_ts', 'period_tz']) AS p,
	 unnest(ARRAY['1 month', '1 day']) AS s;

SELECT is_empty(tft.selfjoin_check('tft.sp', v, p, s, e),
				format('work_mem 64kB: pct_change(%s, %s, %L) OVER (PARTITION BY series %s) = self-join', v, p, s, e))
FROM (VALUES ('v_num', 'period', '1 year', ''), ('v_f8', 'period_tz', '24 hours', ''),
			 ('v_big', 'period', '2000 days', ''),
			 ('v_big', 'period_ts', '7 days', 'ORDER BY period DESC'),
			 ('v_num', 'period_tz', '1 month', 'ORDER BY id ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING')
	 ) AS t(v, p, s, e);

-- both paths row for row, with steps as text, steps that vary by row and
-- periods moved in a named time zone
CREATE FUNCTION tft.pct_forms()
RETURNS TABLE (id bigint, a float8, b float8, c float8, d float8)
LANGUAGE sql
AS $$
	SELECT id,
		   pct_change(v_num, period, '1 month'::text) OVER w,
		   pct_change(v_f8, period_tz, CASE WHEN id % 3 = 0 THEN '1 month' ELSE '1 day' END) OVER w,
		   pct_change(v_big, period_tz, '1 month', 'America/New_York') OVER w,
		   pct_change(v_f8, period_ts, interval '3 months') OVER w
	FROM tft.sp
	WINDOW w AS (PARTITION BY series)
$$;

CREATE TABLE tft.sp_spilled AS SELECT * FROM tft.pct_forms();
SET LOCAL work_mem = '64MB';
SELECT is_empty($$
	SELECT id FROM tft.sp_spilled AS s FULL JOIN tft.pct_forms() AS m USING (id)
	WHERE (s.a, s.b, s.c, s.d) IS DISTINCT FROM (m.a, m.b, m.c, m.d)
$$, 'pct_change: work_mem 64kB (temporary files) = 64MB (in memory), row for row, over four forms');
SELECT ok((SELECT count(a) > 10000 AND count(b) > 10000 AND count(c) > 10000 AND count(d) > 10000
		   FROM tft.sp_spilled),
		  'fixtures: each of the four forms found most periods');
SET LOCAL work_mem = '64kB';

-- a period twice: the same error on both paths
CREATE TABLE tft.sp_dup AS
SELECT * FROM tft.sp UNION ALL
SELECT id + 1000000, series, period, period_ts, period_tz, v_num, v_f8, v_big
FROM tft.sp
WHERE series = 1
  AND period IN (SELECT period FROM tft.sp WHERE series = 1 AND period >= date '1990-06-01'
				 ORDER BY period LIMIT 2);

SELECT throws_ok($$SELECT pct_change(v_num, period, '1 month') OVER (PARTITION BY series) FROM tft.sp_dup$$,
				 '21000', format('pct_change found more than one row for period %s in a partition',
								 (SELECT min(period) FROM tft.sp_dup WHERE id > 1000000)),
				 'work_mem 64kB: a period twice in a spilled partition raises 21000');
SET LOCAL work_mem = '64MB';
SELECT throws_ok($$SELECT pct_change(v_num, period, '1 month') OVER (PARTITION BY series) FROM tft.sp_dup$$,
				 '21000', format('pct_change found more than one row for period %s in a partition',
								 (SELECT min(period) FROM tft.sp_dup WHERE id > 1000000)),
				 'work_mem 64MB: the same error in memory');
SET LOCAL work_mem = '64kB';

-- after the error, in the same transaction, a spill works again
SELECT is_empty(tft.selfjoin_check('tft.sp', 'v_f8', 'period', '1 month'),
				'work_mem 64kB: after the error, pct_change(v_f8, period, ''1 month'') = self-join');

SELECT is_empty($$SELECT pct_change(v_num, period, '1 day') OVER () FROM tft.sp WHERE false$$,
				'pct_change over no rows: no rows');

SELECT results_eq($$
	SELECT o.series, (SELECT count(r) FROM (SELECT pct_change(v_num, period, '1 day') OVER () AS r
										   FROM tft.sp AS k WHERE k.series = o.series) AS s)
	FROM (VALUES (1), (4), (2), (1)) AS o(series)
$$, $$
	SELECT o.series, (SELECT count(p.v_num) FILTER (WHERE p.v_num <> 0 AND c.v_num IS NOT NULL)
					  FROM tft.sp AS c JOIN tft.sp AS p
						  ON p.series = c.series AND p.period = c.period - 1
					  WHERE c.series = o.series AND isfinite(c.period))
	FROM (VALUES (1), (4), (2), (1)) AS o(series)
$$, 'work_mem 64kB: pct_change in a subquery rescanned per outer row');

--
-- a parallel scan below the window (the window runs in the leader): the
-- results are made with EXPLAIN ANALYZE CREATE TABLE AS, as a query of a
-- pgTAP function runs without parallel workers
--

SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;

SELECT matches(tft.analyzed($$
	CREATE TABLE tft.rk_parallel AS
	SELECT id, rank_partner(v_num) OVER (PARTITION BY g) AS r FROM tft.rk
$$), 'WindowAgg.*Gather.*Workers Launched: [12]',
	'rank_partner over a parallel scan: Gather below the window, workers launched');

SELECT matches(tft.analyzed($$
	CREATE TABLE tft.sp_parallel AS
	SELECT id, pct_change(v_f8, period, '1 month') OVER (PARTITION BY series) AS r FROM tft.sp
$$), 'WindowAgg.*Gather.*Workers Launched: [12]',
	'pct_change over a parallel scan: Gather below the window, workers launched');

SET LOCAL max_parallel_workers_per_gather = 0;

SELECT is_empty($$
	SELECT id FROM tft.rk_parallel AS p JOIN (
		SELECT id, CASE WHEN v_num IS NOT NULL
						THEN rank() OVER (PARTITION BY g ORDER BY v_num DESC NULLS LAST) END AS r
		FROM tft.rk) AS w USING (id)
	WHERE p.r IS DISTINCT FROM w.r
$$, 'work_mem 64kB, parallel scan: rank_partner = rank()');

SELECT is_empty($$
	SELECT p.id FROM tft.sp_parallel AS p
		JOIN (SELECT c.id, c.v_f8 / nullif(q.v_f8, 0) - 1 AS r
			  FROM tft.sp AS c LEFT JOIN tft.sp AS q
				  ON q.series = c.series AND q.period = c.period - interval '1 month'
			  WHERE isfinite(c.period) OR c.period IS NULL) AS w ON w.id = p.id
	WHERE p.r IS DISTINCT FROM w.r
$$, 'work_mem 64kB, parallel scan: pct_change(v_f8, period, ''1 month'') = self-join');

-- timestamps at other times than midnight minus a month: 30 March 14:00 is
-- before 31 March 13:00, minus a month the first is after the second (both
-- on 29 February), so a month does not keep the order of such periods
CREATE TABLE tft.sp_hours AS
SELECT i AS id, 1 AS series, timestamp '2024-01-01' + i * interval '1 hour' AS period_ts,
	   (i * 31 % 997)::float8 AS v_f8
FROM generate_series(1, 5000) AS i;
SET LOCAL work_mem = '64kB';
SELECT is_empty(tft.selfjoin_check('tft.sp_hours', 'v_f8', 'period_ts', '1 month'),
				'work_mem 64kB: pct_change(v_f8, period_ts, ''1 month'') = self-join, hourly periods');
SELECT is_empty(tft.selfjoin_check('tft.sp_hours', 'v_f8', 'period_ts', '1 month 2 hours'),
				'work_mem 64kB: pct_change(v_f8, period_ts, ''1 month 2 hours'') = self-join, hourly periods');

SELECT * FROM finish();
ROLLBACK;
