-- test/21_trade_share_agg.sql: the trade_share(value, is_part) aggregate
--
-- Property: trade_share(v, cond) = coalesce(sum(v) FILTER (WHERE cond), 0) / nullif(sum(v), 0)
-- per group (GROUP BY), over the whole input, and as a window aggregate with
-- OVER (whole partition, running and moving frames), on the real IMF data
-- and on the generated data, for numeric, double precision, bigint and
-- integer.  is_part NULL counts as not part.  Numeric, bigint and integer
-- are compared with the exact numeric formula within the 1e-12 relative
-- tolerance; double precision must be equal exactly (the same query feeds
-- the rows to both in the same order).

\i test/fixtures/setup.psql

SELECT plan(32);

SELECT ok((SELECT count(*) FILTER (WHERE part IS NULL AND n > 0) > 0
			  AND count(*) FILTER (WHERE part = 0 AND total <> 0) > 0
			  AND count(*) FILTER (WHERE total = 0) > 0
			  AND count(*) FILTER (WHERE total IS NULL) > 0
			  AND count(*) FILTER (WHERE total < 0) > 0
			  AND count(*) FILTER (WHERE n_null_part > 0) > 100
		   FROM (SELECT sum(v_num) FILTER (WHERE is_part) AS part, sum(v_num) AS total, count(v_num) AS n,
						count(*) FILTER (WHERE is_part IS NULL) AS n_null_part
				 FROM tft.flows GROUP BY reporter, period) AS s),
		  'fixtures: groups with no part, a zero part, zero, NULL and negative totals, NULL is_part');

--
-- GROUP BY on generated data
--

SELECT is_empty($$
	SELECT reporter, period, got, want FROM (
		SELECT reporter, period, trade_share(v_num, is_part) AS got,
			   (coalesce(sum(v_num) FILTER (WHERE is_part), 0) / nullif(sum(v_num), 0))::float8 AS want
		FROM tft.flows GROUP BY reporter, period) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(numeric, bool) GROUP BY reporter, period = sum FILTER / sum');

SELECT is_empty($$
	SELECT reporter, period, got, want FROM (
		SELECT reporter, period, trade_share(v_f8, is_part) AS got,
			   coalesce(sum(v_f8) FILTER (WHERE is_part), 0) / nullif(sum(v_f8), 0) AS want
		FROM tft.flows GROUP BY reporter, period) AS s
	WHERE got IS DISTINCT FROM want
$$, 'trade_share(float8, bool) GROUP BY reporter, period = sum FILTER / sum exactly (NaN, infinities)');

SELECT is_empty($$
	SELECT reporter, period, got, want FROM (
		SELECT reporter, period, trade_share(v_big, is_part) AS got,
			   (coalesce(sum(v_big) FILTER (WHERE is_part), 0) / nullif(sum(v_big), 0))::float8 AS want
		FROM tft.flows GROUP BY reporter, period) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(bigint, bool) GROUP BY reporter, period = sum FILTER / sum (sums beyond int64)');

SELECT is_empty($$
	SELECT reporter, period, got, want FROM (
		SELECT reporter, period, trade_share(v_int, is_part) AS got,
			   ((coalesce(sum(v_int) FILTER (WHERE is_part), 0))::numeric / nullif(sum(v_int), 0))::float8 AS want
		FROM tft.flows GROUP BY reporter, period) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(integer, bool) GROUP BY reporter, period = sum FILTER / sum (sums beyond int32)');

-- larger groups, other conditions
SELECT is_empty($$
	SELECT reporter, got, want FROM (
		SELECT reporter, trade_share(v_num, partner = 'P03') AS got,
			   (coalesce(sum(v_num) FILTER (WHERE partner = 'P03'), 0) / nullif(sum(v_num), 0))::float8 AS want
		FROM tft.flows GROUP BY reporter) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(numeric, partner = ''P03'') GROUP BY reporter (NULL partners: NULL condition)');

SELECT is_empty($$
	SELECT reporter, y, got, want FROM (
		SELECT reporter, date_trunc('year', period) AS y, trade_share(v_f8, v_f8 > 1000) AS got,
			   coalesce(sum(v_f8) FILTER (WHERE v_f8 > 1000), 0) / nullif(sum(v_f8), 0) AS want
		FROM tft.flows GROUP BY reporter, date_trunc('year', period)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'trade_share(float8, v > 1000) GROUP BY reporter, year = formula exactly');

SELECT is_empty($$
	SELECT partner, got, want FROM (
		SELECT partner, trade_share(v_big, reporter IN (1, 2, 3)) AS got,
			   (coalesce(sum(v_big) FILTER (WHERE reporter IN (1, 2, 3)), 0) / nullif(sum(v_big), 0))::float8 AS want
		FROM tft.flows GROUP BY partner) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(bigint, reporter IN (...)) GROUP BY partner = formula');

SELECT ok(tft.close((SELECT trade_share(v_num, is_part) FROM tft.flows),
					(SELECT (coalesce(sum(v_num) FILTER (WHERE is_part), 0) / sum(v_num))::float8 FROM tft.flows)),
		  'trade_share(numeric, bool) over the whole table = formula');
SELECT ok(tft.close((SELECT trade_share(v_int, is_part) FROM tft.flows),
					(SELECT (coalesce(sum(v_int) FILTER (WHERE is_part), 0)::numeric / sum(v_int))::float8 FROM tft.flows)),
		  'trade_share(integer, bool) over the whole table = formula');
SELECT is((SELECT trade_share(v_num, true) FROM tft.flows WHERE false), NULL,
		  'no rows gives NULL');
SELECT is((SELECT trade_share(v_num, NULL) FROM tft.flows WHERE reporter = 94),
		  (SELECT (0 / nullif(sum(v_num), 0))::float8 FROM tft.flows WHERE reporter = 94),
		  'is_part NULL counts as not part: 0 when no row is part (the total is not zero)');

-- the edge groups, each against the formula
SELECT results_eq($$
	SELECT reporter, trade_share(v_num, is_part) FROM tft.flows
	WHERE reporter BETWEEN 89 AND 99 GROUP BY reporter ORDER BY reporter
$$, $$
	SELECT reporter, (coalesce(sum(v_num) FILTER (WHERE is_part), 0) / nullif(sum(v_num), 0))::float8 FROM tft.flows
	WHERE reporter BETWEEN 89 AND 99 GROUP BY reporter ORDER BY reporter
$$, 'edge groups (zero total, all NULL, part only NULL, part zero, negative total)');

-- two identical calls share one transition state; grouping sets
SELECT is_empty($$
	SELECT reporter, period, a, b, want FROM (
		SELECT reporter, period, trade_share(v_num, is_part) AS a, trade_share(v_num, is_part) AS b,
			   (coalesce(sum(v_num) FILTER (WHERE is_part), 0) / nullif(sum(v_num), 0))::float8 AS want
		FROM tft.flows GROUP BY ROLLUP (reporter, period)) AS s
	WHERE NOT tft.close(a, want) OR a IS DISTINCT FROM b
$$, 'two identical trade_share calls (one shared state) under GROUP BY ROLLUP = formula');

-- many small groups, hash aggregation spilling to disk
SET LOCAL work_mem = '64kB';
SET LOCAL enable_sort = off;
SELECT ok(tft.analyzed($$SELECT id % 1500, trade_share(v_num, is_part) FROM tft.flows GROUP BY 1$$)
		  ~ 'Batches: ([2-9]|[1-9][0-9]+)',
		  'fixtures: with work_mem 64kB the hash aggregation spills to disk');
SELECT is_empty($$
	SELECT k, got, want FROM (
		SELECT id % 1500 AS k, trade_share(v_num, is_part) AS got,
			   (coalesce(sum(v_num) FILTER (WHERE is_part), 0) / nullif(sum(v_num), 0))::float8 AS want
		FROM tft.flows GROUP BY 1) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(numeric, bool) GROUP BY id % 1500, spilling to disk = formula');
SELECT is_empty($$
	SELECT k, got, want FROM (
		SELECT id % 1500 AS k, trade_share(v_big, is_part) AS got,
			   (coalesce(sum(v_big) FILTER (WHERE is_part), 0) / nullif(sum(v_big), 0))::float8 AS want
		FROM tft.flows GROUP BY 1) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(bigint, bool) GROUP BY id % 1500, spilling to disk = formula');
SET LOCAL work_mem = '64MB';
SET LOCAL enable_sort = on;

--
-- as a window aggregate
--

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, trade_share(v_num, is_part) OVER w AS got,
			   (coalesce(sum(v_num) FILTER (WHERE is_part) OVER w, 0) / nullif(sum(v_num) OVER w, 0))::float8 AS want
		FROM tft.flows WINDOW w AS (PARTITION BY reporter, period)) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(numeric, bool) OVER (PARTITION BY ...) = formula');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, trade_share(v_f8, is_part) OVER w AS got,
			   coalesce(sum(v_f8) FILTER (WHERE is_part) OVER w, 0) / nullif(sum(v_f8) OVER w, 0) AS want
		FROM tft.flows WINDOW w AS (PARTITION BY reporter ORDER BY period, id)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'trade_share(float8, bool) OVER (... ORDER BY ...): running share = running formula exactly');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, trade_share(v_num, is_part) OVER w AS got,
			   (coalesce(sum(v_num) FILTER (WHERE is_part) OVER w, 0) / nullif(sum(v_num) OVER w, 0))::float8 AS want
		FROM tft.flows WINDOW w AS (PARTITION BY reporter ORDER BY period)) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(numeric, bool) OVER (... ORDER BY period): running share with peers = formula');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, trade_share(v_big, is_part) OVER w AS got,
			   (coalesce(sum(v_big) FILTER (WHERE is_part) OVER w, 0) / nullif(sum(v_big) OVER w, 0))::float8 AS want
		FROM tft.flows WINDOW w AS (PARTITION BY reporter, partner ORDER BY period ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(bigint, bool) OVER (ROWS BETWEEN 2 PRECEDING AND CURRENT ROW): moving share = formula');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, trade_share(v_int, is_part) OVER w AS got,
			   ((coalesce(sum(v_int) FILTER (WHERE is_part) OVER w, 0))::numeric / nullif(sum(v_int) OVER w, 0))::float8 AS want
		FROM tft.flows WINDOW w AS (PARTITION BY reporter ORDER BY id ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING EXCLUDE CURRENT ROW)) AS s
	WHERE NOT tft.close(got, want)
$$, 'trade_share(integer, bool) OVER (moving frame excluding the current row) = formula');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, trade_share(v_f8q, is_part) OVER w AS got,
			   coalesce(sum(v_f8q) FILTER (WHERE is_part) OVER w, 0) / nullif(sum(v_f8q) OVER w, 0) AS want
		FROM tft.flows WINDOW w AS (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'trade_share(float8, bool) OVER the whole table = formula exactly');

-- the aggregate and the window function side by side
SELECT is_empty($$
	SELECT id FROM (
		SELECT id, trade_share(v_num) OVER w AS a, trade_share(v_num, true) OVER w AS b,
			   trade_share(v_num, is_part) OVER w AS c,
			   (coalesce(sum(v_num) FILTER (WHERE is_part) OVER w, 0) / nullif(sum(v_num) OVER w, 0))::float8 AS wc
		FROM tft.flows WINDOW w AS (PARTITION BY reporter, period)) AS s
	WHERE NOT tft.close(c, wc) OR (a IS NOT NULL AND NOT tft.close(a * 0 + 1, b))
$$, 'aggregate and window function in one query: trade_share(v, true) is 1 where the window share exists');

--
-- real data
--

CREATE TABLE tft.dots AS
SELECT d.*
FROM trade.dots_annual AS d
WHERE d.partner NOT IN (SELECT name FROM trade.imf_aggregate)
	AND d.reporter NOT IN (SELECT name FROM trade.imf_aggregate)
	AND d.partner_code NOT IN (SELECT code FROM trade.imf_aggregate WHERE code IS NOT NULL)
	AND d.reporter_code NOT IN (SELECT code FROM trade.imf_aggregate WHERE code IS NOT NULL);

-- China's share of each country's trade
SELECT is_empty($$
	SELECT reporter, flow, year, got, want FROM (
		SELECT reporter, flow, year, trade_share(value_usd, partner_code = '924') AS got,
			   (coalesce(sum(value_usd) FILTER (WHERE partner_code = '924'), 0) / nullif(sum(value_usd), 0))::float8 AS want
		FROM tft.dots GROUP BY reporter, flow, year) AS s
	WHERE NOT tft.close(got, want)
$$, 'real: China''s share of each reporter''s trade (numeric) = formula');

SELECT is_empty($$
	SELECT reporter, flow, year, got, want FROM (
		SELECT reporter, flow, year, trade_share(value_usd::float8, partner_code = '924') AS got,
			   coalesce(sum(value_usd::float8) FILTER (WHERE partner_code = '924'), 0) / nullif(sum(value_usd::float8), 0) AS want
		FROM tft.dots GROUP BY reporter, flow, year) AS s
	WHERE got IS DISTINCT FROM want
$$, 'real: China''s share of each reporter''s trade (float8) = formula exactly');

SELECT is_empty($$
	SELECT reporter, flow, year, got, want FROM (
		SELECT reporter, flow, year, trade_share(value_usd::bigint, partner_code = '924') AS got,
			   (coalesce(sum(value_usd::bigint) FILTER (WHERE partner_code = '924'), 0) / nullif(sum(value_usd::bigint), 0))::float8 AS want
		FROM tft.dots GROUP BY reporter, flow, year) AS s
	WHERE NOT tft.close(got, want)
$$, 'real: China''s share of each reporter''s trade (bigint) = formula');

SELECT is_empty($$
	SELECT reporter, flow, year, got, want FROM (
		SELECT reporter, flow, year, trade_share(round(value_usd / 10000)::int, partner_code = '924') AS got,
			   (coalesce(sum(round(value_usd / 10000)::int) FILTER (WHERE partner_code = '924'), 0)::numeric
				/ nullif(sum(round(value_usd / 10000)::int), 0))::float8 AS want
		FROM tft.dots GROUP BY reporter, flow, year) AS s
	WHERE NOT tft.close(got, want)
$$, 'real: China''s share of each reporter''s trade (integer) = formula');

-- China's share of world-reported trade with North Korea, by year and flow
SELECT is_empty($$
	SELECT flow, year, got, want FROM (
		SELECT flow, year, trade_share(value_usd, reporter_code = '924') AS got,
			   (coalesce(sum(value_usd) FILTER (WHERE reporter_code = '924'), 0) / nullif(sum(value_usd), 0))::float8 AS want
		FROM tft.dots WHERE partner_code = '954' GROUP BY flow, year) AS s
	WHERE NOT tft.close(got, want)
$$, 'real: China''s share of world-reported trade with North Korea = formula');

SELECT ok((SELECT count(*) FROM tft.dots WHERE partner_code = '954' AND reporter_code = '924') = 6,
		  'fixtures: China''s trade with North Korea is in the DOTS data');

-- as a window aggregate on the real data: China/DPRK 1960-2020, running
SELECT is_empty($$
	SELECT reporter, flow, year, got, want FROM (
		SELECT reporter, flow, year,
			   trade_share(value_usd, partner = 'Korea, Dem. People''s Rep. of') OVER w AS got,
			   (coalesce(sum(value_usd) FILTER (WHERE partner = 'Korea, Dem. People''s Rep. of') OVER w, 0)
				/ nullif(sum(value_usd) OVER w, 0))::float8 AS want
		FROM trade.china_dprk_annual WINDOW w AS (PARTITION BY reporter, flow ORDER BY year)) AS s
	WHERE NOT tft.close(got, want)
$$, 'real: running share of North Korea in China''s trade since 1960 (window aggregate) = formula');

SELECT is_empty($$
	SELECT reporter, period, got, want FROM (
		SELECT reporter, period, trade_share(value_usd, reporter ~ 'China') OVER w AS got,
			   coalesce(sum(value_usd) FILTER (WHERE reporter ~ 'China') OVER w, 0) / nullif(sum(value_usd) OVER w, 0) AS want
		FROM trade.exports_to_world_monthly WINDOW w AS (PARTITION BY period)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'real: monthly share of China in exports to the world (float8 window aggregate) = formula exactly');

SELECT * FROM finish();
ROLLBACK;
