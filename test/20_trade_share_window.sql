-- test/20_trade_share_window.sql: trade_share(value) OVER w
--
-- Property: trade_share(v) OVER (PARTITION BY ...) = v / nullif(sum(v) OVER
-- (PARTITION BY ...), 0), row for row, whatever ORDER BY and frame the
-- window has, on the real IMF data and on the generated data, for numeric,
-- double precision, bigint and integer.  Numeric, bigint and integer are
-- compared with the exact numeric formula within the 1e-12 relative
-- tolerance; double precision must be equal exactly when the sum is taken
-- over the partition in the same order (the same sort).

\i test/fixtures/setup.psql

SELECT plan(25);

SELECT ok((SELECT count(*) FILTER (WHERE total = 0 AND n > 0) > 0
			  AND count(*) FILTER (WHERE n = 0) > 0
			  AND count(*) FILTER (WHERE total < 0) > 0
			  AND count(*) FILTER (WHERE big_total > 9223372036854775807) > 0
			  AND count(*) FILTER (WHERE int_total > 2147483647) > 2
			  AND count(*) FILTER (WHERE f8_total = 'NaN') > 0
			  AND count(*) FILTER (WHERE n > 1 AND n > n_distinct) > 100
		   FROM (SELECT sum(v_num) AS total, count(v_num) AS n, count(DISTINCT v_num) AS n_distinct,
						sum(v_big) AS big_total, sum(v_int) AS int_total, sum(v_f8) AS f8_total
				 FROM tft.flows GROUP BY reporter, period) AS s),
		  'fixtures: partitions with zero, negative, NaN and all-NULL totals, ties, totals beyond int64 and int32');

--
-- generated data
--

SELECT is_empty($$
	SELECT id, v_num, got, want FROM (
		SELECT id, v_num, trade_share(v_num) OVER w AS got,
			   (v_num / nullif(sum(v_num) OVER w, 0))::float8 AS want
		FROM tft.flows WINDOW w AS (PARTITION BY reporter, period)) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(numeric) OVER w = v / nullif(sum(v) OVER w, 0) on generated data');

SELECT is_empty($$
	SELECT id, v_f8, got, want FROM (
		SELECT id, v_f8, trade_share(v_f8) OVER w AS got,
			   v_f8 / nullif(sum(v_f8) OVER w, 0) AS want
		FROM tft.flows WINDOW w AS (PARTITION BY reporter, period)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'trade_share(float8) OVER w = v / nullif(sum(v) OVER w, 0) exactly on generated data (NaN, infinities)');

SELECT is_empty($$
	SELECT id, v_big, got, want FROM (
		SELECT id, v_big, trade_share(v_big) OVER w AS got,
			   (v_big / nullif(sum(v_big) OVER w, 0))::float8 AS want
		FROM tft.flows WINDOW w AS (PARTITION BY reporter, period)) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(bigint) OVER w = v / nullif(sum(v) OVER w, 0) on generated data (sums beyond int64)');

SELECT is_empty($$
	SELECT id, v_int, got, want FROM (
		SELECT id, v_int, trade_share(v_int) OVER w AS got,
			   (v_int::numeric / nullif(sum(v_int) OVER w, 0))::float8 AS want
		FROM tft.flows WINDOW w AS (PARTITION BY reporter, period)) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(integer) OVER w = v / nullif(sum(v) OVER w, 0) on generated data (sums beyond int32)');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, trade_share(v_int::smallint % 30000) OVER w AS got,
			   (v_int::smallint % 30000)::float8 / nullif(sum((v_int::smallint % 30000)::float8) OVER w, 0) AS want
		FROM tft.flows WHERE abs(v_int) < 30000 WINDOW w AS (PARTITION BY reporter, period)) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(smallint) OVER w = v / nullif(sum(v) OVER w, 0)');

-- larger partitions, and one partition for the whole table
SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, trade_share(v_num) OVER (PARTITION BY reporter) AS got,
			   (v_num / nullif(sum(v_num) OVER (PARTITION BY reporter), 0))::float8 AS want
		FROM tft.flows) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(numeric) OVER (PARTITION BY reporter): partitions of about 900 rows');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, trade_share(v_big) OVER () AS got,
			   (v_big / nullif(sum(v_big) OVER (), 0))::float8 AS want
		FROM tft.flows) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(bigint) OVER (): the whole table as one partition');

--
-- independent of the window's ORDER BY and frame
--

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, trade_share(v_num) OVER (PARTITION BY reporter, period ORDER BY partner) AS got,
			   (v_num / nullif(sum(v_num) OVER (PARTITION BY reporter, period), 0))::float8 AS want
		FROM tft.flows) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(numeric) with ORDER BY (running default frame) still divides by the whole partition');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, trade_share(v_f8) OVER (w ROWS BETWEEN CURRENT ROW AND CURRENT ROW) AS got,
			   v_f8 / nullif(sum(v_f8) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), 0) AS want
		FROM tft.flows WINDOW w AS (PARTITION BY reporter, period ORDER BY id)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'trade_share(float8) with a one-row frame = whole partition formula exactly');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, trade_share(v_f8) OVER (w ROWS BETWEEN CURRENT ROW AND CURRENT ROW) AS got,
			   v_f8 / nullif(sum(v_f8) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), 0) AS want
		FROM tft.flows WINDOW w AS (PARTITION BY reporter ORDER BY period DESC, id)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'trade_share(float8) over partitions of 900 rows in descending order = formula exactly (summation order)');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id,
			   trade_share(v_big) OVER (PARTITION BY reporter, period ORDER BY v_num
										GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW) AS got,
			   (v_big / nullif(sum(v_big) OVER (PARTITION BY reporter, period), 0))::float8 AS want
		FROM tft.flows) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(bigint) with a GROUPS frame excluding the current row = whole partition formula');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id,
			   trade_share(v_int) OVER (PARTITION BY reporter, period ORDER BY id
										RANGE BETWEEN 1 FOLLOWING AND 1 FOLLOWING) AS got,
			   (v_int::numeric / nullif(sum(v_int) OVER (PARTITION BY reporter, period), 0))::float8 AS want
		FROM tft.flows) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(integer) with an empty frame = whole partition formula');

-- several calls over different windows in one query
SELECT is_empty($$
	SELECT id FROM (
		SELECT id,
			   trade_share(v_num) OVER (PARTITION BY reporter, period) AS a,
			   (v_num / nullif(sum(v_num) OVER (PARTITION BY reporter, period), 0))::float8 AS wa,
			   trade_share(v_num) OVER (PARTITION BY partner, period ORDER BY reporter) AS b,
			   (v_num / nullif(sum(v_num) OVER (PARTITION BY partner, period), 0))::float8 AS wb,
			   trade_share(v_big) OVER (PARTITION BY period) AS c,
			   (v_big / nullif(sum(v_big) OVER (PARTITION BY period), 0))::float8 AS wc
		FROM tft.flows) AS s
	WHERE NOT tft.close(a, wa) OR NOT tft.close(b, wb) OR NOT tft.close(c, wc)
$$, 'three trade_share calls over three windows in one query');

-- the edge partitions, by hand-made expectation of the formula
SELECT results_eq($$
	SELECT reporter, partner, trade_share(v_num) OVER (PARTITION BY reporter, period)
	FROM tft.flows WHERE reporter BETWEEN 91 AND 98 ORDER BY reporter, partner
$$, $$
	SELECT reporter, partner, (v_num / nullif(sum(v_num) OVER (PARTITION BY reporter, period), 0))::float8
	FROM tft.flows WHERE reporter BETWEEN 91 AND 98 ORDER BY reporter, partner
$$, 'edge partitions (zero total, all NULL, single zero, single value, ties, negative total)');

SELECT is_empty($$SELECT trade_share(v_num) OVER () FROM tft.flows WHERE false$$,
				'no rows, no result');

--
-- real data
--

CREATE TABLE tft.dots AS
SELECT d.*
FROM trade.dots_annual AS d
WHERE d.partner NOT IN (SELECT name FROM trade.imf_aggregate)
	AND d.partner_code NOT IN (SELECT code FROM trade.imf_aggregate WHERE code IS NOT NULL);

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year, trade_share(value_usd) OVER w AS got,
			   (value_usd / nullif(sum(value_usd) OVER w, 0))::float8 AS want
		FROM tft.dots WINDOW w AS (PARTITION BY reporter_code, flow, year)) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(numeric) OVER w = formula on IMF DOTS: each partner''s share of a reporter''s trade');

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year, trade_share(value_usd::float8) OVER w AS got,
			   value_usd::float8 / nullif(sum(value_usd::float8) OVER w, 0) AS want
		FROM tft.dots WINDOW w AS (PARTITION BY reporter_code, flow, year)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'trade_share(float8) OVER w = formula exactly on IMF DOTS');

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year, trade_share(value_usd::bigint) OVER w AS got,
			   (value_usd::bigint / nullif(sum(value_usd::bigint) OVER w, 0))::float8 AS want
		FROM tft.dots WINDOW w AS (PARTITION BY reporter_code, flow, year)) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(bigint) OVER w = formula on IMF DOTS');

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year, trade_share(round(value_usd / 10000)::int) OVER w AS got,
			   (round(value_usd / 10000)::int / nullif(sum(round(value_usd / 10000)::int) OVER w, 0)::numeric)::float8 AS want
		FROM tft.dots WINDOW w AS (PARTITION BY reporter_code, flow, year)) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(integer) OVER w = formula on IMF DOTS (values in ten thousands of dollars)');

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year, trade_share(value_usd) OVER w AS got,
			   (value_usd / nullif(sum(value_usd) OVER (PARTITION BY partner_code, flow, year), 0))::float8 AS want
		FROM tft.dots WINDOW w AS (PARTITION BY partner_code, flow, year ORDER BY value_usd DESC)) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(numeric) OVER w = formula on IMF DOTS: each reporter''s share of a partner''s trade, ordered');

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year, trade_share(value_usd) OVER w AS got,
			   (value_usd / nullif(sum(value_usd) OVER w, 0))::float8 AS want
		FROM trade.china_dprk_annual WINDOW w AS (PARTITION BY reporter, flow, year)) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(numeric) OVER w = formula on China/DPRK 1960-2020 (zeros)');

SELECT is_empty($$
	SELECT reporter, period, got, want FROM (
		SELECT reporter, period, trade_share(value_usd) OVER w AS got,
			   value_usd / nullif(sum(value_usd) OVER w, 0) AS want
		FROM trade.exports_to_world_monthly WINDOW w AS (PARTITION BY period)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'trade_share(float8) OVER w = formula exactly on IMF monthly exports (float artefacts)');

-- the published fact: China's share of world-reported trade with North Korea
SELECT ok(tft.close(
	(SELECT s FROM (SELECT reporter_code, trade_share(value_usd) OVER (PARTITION BY year) AS s
					FROM (SELECT reporter_code, year, sum(value_usd) AS value_usd
						  FROM tft.dots WHERE partner_code = '954' AND year = 2017
						  GROUP BY reporter_code, year) AS t) AS u
	 WHERE reporter_code = '924'),
	(SELECT (coalesce(sum(value_usd) FILTER (WHERE reporter_code = '924'), 0) / sum(value_usd))::float8
	 FROM tft.dots WHERE partner_code = '954' AND year = 2017)),
	'China''s share of world-reported trade with North Korea in 2017 = the plain-SQL share');

SELECT ok((SELECT count(*) FROM tft.dots) > 150000, 'fixtures: the real data is loaded');

SELECT * FROM finish();
ROLLBACK;
