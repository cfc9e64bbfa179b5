-- test/11_pct_change_window.sql: pct_change(value) OVER w
--
-- Property: pct_change(v) OVER w = v / nullif(lag(v) OVER w, 0) - 1, row for
-- row, in the same window (so over the same row order), on the real IMF data
-- and on the generated data, for numeric, double precision and bigint
-- (integer resolves to double precision).  NULL on the first row of a
-- partition, where either value is NULL and where the previous value is zero
-- is what the lag formula gives.  Numeric and bigint are compared with the
-- exact numeric (v - lag(v)) / lag(v) within the 1e-12 relative tolerance of
-- the README's reference (Common rules, Ratios); double precision must be
-- equal exactly.

\i test/fixtures/setup.psql

SELECT plan(24);

SELECT ok((SELECT count(*) FILTER (WHERE prev = 0 AND v_num <> 0) > 20
			  AND count(*) FILTER (WHERE prev IS NULL AND v_num IS NOT NULL AND NOT first) > 20
			  AND count(*) FILTER (WHERE prev < 0) > 20
			  AND count(*) FILTER (WHERE prev = v_num AND v_num <> 0) > 20
			  AND count(*) FILTER (WHERE first) > 100
		   FROM (SELECT v_num, lag(v_num) OVER w AS prev, row_number() OVER w = 1 AS first
				 FROM tft.flows
				 WINDOW w AS (PARTITION BY reporter, partner ORDER BY period)) AS s),
		  'fixtures: the series have zero, NULL, negative and repeated previous values and many partitions');

--
-- generated data
--

SELECT is_empty($$
	SELECT id, v_num, got, want FROM (
		SELECT id, v_num, pct_change(v_num) OVER w AS got,
			   ((v_num - lag(v_num) OVER w) / nullif(lag(v_num) OVER w, 0))::float8 AS want
		FROM tft.flows
		WINDOW w AS (PARTITION BY reporter, partner ORDER BY period)) AS s
	WHERE NOT tft.close(got, want)
$$, 'pct_change(numeric) OVER w = lag formula on generated series');

SELECT is_empty($$
	SELECT id, v_f8, got, want FROM (
		SELECT id, v_f8, pct_change(v_f8) OVER w AS got,
			   v_f8 / nullif(lag(v_f8) OVER w, 0) - 1 AS want
		FROM tft.flows
		WINDOW w AS (PARTITION BY reporter, partner ORDER BY period)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'pct_change(float8) OVER w = lag formula exactly on generated series (NaN and infinities included)');

SELECT is_empty($$
	SELECT id, v_big, got, want FROM (
		SELECT id, v_big, pct_change(v_big) OVER w AS got,
			   ((v_big::numeric - lag(v_big) OVER w) / nullif(lag(v_big) OVER w, 0))::float8 AS want
		FROM tft.flows
		WINDOW w AS (PARTITION BY reporter, partner ORDER BY period)) AS s
	WHERE NOT tft.close(got, want)
$$, 'pct_change(bigint) OVER w = lag formula on generated series (values up to 9e18)');

SELECT is_empty($$
	SELECT id, v_int, got, want FROM (
		SELECT id, v_int, pct_change(v_int) OVER w AS got,
			   v_int::float8 / nullif(lag(v_int::float8) OVER w, 0) - 1 AS want
		FROM tft.flows
		WINDOW w AS (PARTITION BY reporter, partner ORDER BY period)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'pct_change(integer) OVER w resolves to double precision: = lag formula exactly');

-- peers: the previous row, not the previous peer group (ordering by
-- reporter only leaves every partition one big peer group)
SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, pct_change(v_f8) OVER w AS got, v_f8 / nullif(lag(v_f8) OVER w, 0) - 1 AS want
		FROM tft.flows
		WINDOW w AS (PARTITION BY period ORDER BY reporter)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'pct_change(float8) OVER w with peers in the ordering = lag formula (previous row)');

-- no ORDER BY: the previous row of whatever order the partition has
SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, pct_change(v_num) OVER w AS got,
			   ((v_num - lag(v_num) OVER w) / nullif(lag(v_num) OVER w, 0))::float8 AS want
		FROM tft.flows
		WINDOW w AS (PARTITION BY reporter, partner)) AS s
	WHERE NOT tft.close(got, want)
$$, 'pct_change(numeric) OVER (PARTITION BY ...) without ORDER BY = lag formula');

-- the frame does not matter (like lag)
SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id,
			   pct_change(v_f8) OVER (w ROWS BETWEEN CURRENT ROW AND CURRENT ROW) AS got,
			   v_f8 / nullif(lag(v_f8) OVER w, 0) - 1 AS want
		FROM tft.flows
		WINDOW w AS (PARTITION BY reporter, partner ORDER BY period)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'pct_change(float8) ignores the window frame');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id,
			   pct_change(v_big) OVER (w RANGE BETWEEN 1 FOLLOWING AND 2 FOLLOWING) AS got,
			   ((v_big::numeric - lag(v_big) OVER w) / nullif(lag(v_big) OVER w, 0))::float8 AS want
		FROM tft.flows
		WINDOW w AS (PARTITION BY reporter, partner ORDER BY id)) AS s
	WHERE NOT tft.close(got, want)
$$, 'pct_change(bigint) ignores an empty RANGE frame');

-- one partition for the whole table, several calls in one query
SELECT is_empty($$
	SELECT id FROM (
		SELECT id,
			   pct_change(v_num) OVER (ORDER BY id) AS a,
			   ((v_num - lag(v_num) OVER (ORDER BY id)) / nullif(lag(v_num) OVER (ORDER BY id), 0))::float8 AS wa,
			   pct_change(v_f8) OVER (PARTITION BY reporter ORDER BY period, partner) AS b,
			   v_f8 / nullif(lag(v_f8) OVER (PARTITION BY reporter ORDER BY period, partner), 0) - 1 AS wb,
			   pct_change(v_big) OVER (PARTITION BY partner ORDER BY period DESC, reporter) AS c,
			   ((v_big::numeric - lag(v_big) OVER (PARTITION BY partner ORDER BY period DESC, reporter))
				/ nullif(lag(v_big) OVER (PARTITION BY partner ORDER BY period DESC, reporter), 0))::float8 AS wc
		FROM tft.flows) AS s
	WHERE NOT tft.close(a, wa) OR b IS DISTINCT FROM wb OR NOT tft.close(c, wc)
$$, 'three pct_change calls over three windows in one query, one of them over the whole table');

--
-- the edge series of reporter 90 (NULL first, zeros, negatives, repeats)
--

SELECT results_eq($$
	SELECT pct_change(v_num) OVER w FROM tft.flows WHERE reporter = 90
	WINDOW w AS (ORDER BY period) ORDER BY period
$$, $$
	SELECT ((v_num - lag(v_num) OVER w) / nullif(lag(v_num) OVER w, 0))::float8 FROM tft.flows
	WHERE reporter = 90 WINDOW w AS (ORDER BY period) ORDER BY period
$$, 'the edge series gives what the lag formula gives, row for row');

SELECT is((SELECT count(*) FROM tft.flows WHERE reporter = 90), 12::bigint,
		  'the edge series is there');

-- empty input and a single row
SELECT is_empty($$SELECT pct_change(v_num) OVER () FROM tft.flows WHERE false$$,
				'no rows, no result');
SELECT is((SELECT pct_change(v_num) OVER () FROM tft.flows WHERE reporter = 94), NULL,
		  'a single row gives NULL');

--
-- real data
--

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year,
			   pct_change(value_usd) OVER w AS got,
			   ((value_usd - lag(value_usd) OVER w) / nullif(lag(value_usd) OVER w, 0))::float8 AS want
		FROM trade.dots_annual
		WINDOW w AS (PARTITION BY reporter_code, partner_code, flow ORDER BY year)) AS s
	WHERE NOT tft.close(got, want)
$$, 'pct_change(numeric) OVER w = lag formula on IMF DOTS 2016-2018');

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year,
			   pct_change(value_usd::float8) OVER w AS got,
			   value_usd::float8 / nullif(lag(value_usd::float8) OVER w, 0) - 1 AS want
		FROM trade.dots_annual
		WINDOW w AS (PARTITION BY reporter_code, partner_code, flow ORDER BY year)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'pct_change(float8) OVER w = lag formula exactly on IMF DOTS 2016-2018');

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year,
			   pct_change(value_usd::bigint) OVER w AS got,
			   ((value_usd::bigint - lag(value_usd::bigint) OVER w)::numeric
				/ nullif(lag(value_usd::bigint) OVER w, 0))::float8 AS want
		FROM trade.dots_annual
		WINDOW w AS (PARTITION BY reporter_code, partner_code, flow ORDER BY year)) AS s
	WHERE NOT tft.close(got, want)
$$, 'pct_change(bigint) OVER w = lag formula on IMF DOTS 2016-2018');

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year,
			   pct_change(value_usd) OVER w AS got,
			   ((value_usd - lag(value_usd) OVER w) / nullif(lag(value_usd) OVER w, 0))::float8 AS want
		FROM trade.china_dprk_annual
		WINDOW w AS (PARTITION BY reporter, partner, flow ORDER BY year)) AS s
	WHERE NOT tft.close(got, want)
$$, 'pct_change(numeric) OVER w = lag formula on China/DPRK 1960-2020 (gaps, zeros)');

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year,
			   pct_change(value_usd::float8) OVER w AS got,
			   value_usd::float8 / nullif(lag(value_usd::float8) OVER w, 0) - 1 AS want
		FROM trade.china_dprk_annual
		WINDOW w AS (PARTITION BY reporter, partner, flow ORDER BY year)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'pct_change(float8) OVER w = lag formula exactly on China/DPRK 1960-2020');

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year,
			   pct_change(value_usd::bigint) OVER w AS got,
			   ((value_usd::bigint - lag(value_usd::bigint) OVER w)::numeric
				/ nullif(lag(value_usd::bigint) OVER w, 0))::float8 AS want
		FROM trade.china_dprk_annual
		WINDOW w AS (PARTITION BY reporter, partner, flow ORDER BY year)) AS s
	WHERE NOT tft.close(got, want)
$$, 'pct_change(bigint) OVER w = lag formula on China/DPRK 1960-2020');

SELECT is_empty($$
	SELECT reporter, period, got, want FROM (
		SELECT reporter, period, pct_change(value_usd) OVER w AS got,
			   value_usd / nullif(lag(value_usd) OVER w, 0) - 1 AS want
		FROM trade.exports_to_world_monthly
		WINDOW w AS (PARTITION BY reporter ORDER BY period)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'pct_change(float8) OVER w = lag formula exactly on IMF monthly exports');

SELECT is_empty($$
	SELECT reporter, period, got, want FROM (
		SELECT reporter, period, pct_change(value_usd::numeric) OVER w AS got,
			   ((value_usd::numeric - lag(value_usd::numeric) OVER w)
				/ nullif(lag(value_usd::numeric) OVER w, 0))::float8 AS want
		FROM trade.exports_to_world_monthly
		WINDOW w AS (PARTITION BY reporter ORDER BY period)) AS s
	WHERE NOT tft.close(got, want)
$$, 'pct_change(numeric) OVER w = lag formula on IMF monthly exports');

SELECT is_empty($$
	SELECT reporter, period, got, want FROM (
		SELECT reporter, period, pct_change(round(value_usd)::bigint) OVER w AS got,
			   ((round(value_usd)::bigint - lag(round(value_usd)::bigint) OVER w)::numeric
				/ nullif(lag(round(value_usd)::bigint) OVER w, 0))::float8 AS want
		FROM trade.exports_to_world_monthly
		WINDOW w AS (PARTITION BY reporter ORDER BY period)) AS s
	WHERE NOT tft.close(got, want)
$$, 'pct_change(bigint) OVER w = lag formula on IMF monthly exports');

-- the published fact: China's exports to North Korea, 2019 to 2020
SELECT ok(tft.close(
	(SELECT pct_change(value_usd) OVER (ORDER BY year) FROM trade.china_dprk_annual
	 WHERE reporter = 'China, P.R.: Mainland' AND flow = 'export'
		AND partner = 'Korea, Dem. People''s Rep. of' AND year IN (2019, 2020)
	 ORDER BY year DESC LIMIT 1),
	(SELECT ((c.value_usd - p.value_usd) / p.value_usd)::float8
	 FROM trade.china_dprk_annual AS c JOIN trade.china_dprk_annual AS p USING (reporter, flow, partner)
	 WHERE reporter = 'China, P.R.: Mainland' AND flow = 'export'
		AND partner = 'Korea, Dem. People''s Rep. of' AND c.year = 2020 AND p.year = 2019)),
	'China''s exports to North Korea 2019-2020: pct_change = the self-join');

SELECT * FROM finish();
ROLLBACK;
