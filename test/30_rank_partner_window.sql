-- test/30_rank_partner_window.sql: rank_partner(value) OVER w
--
-- Property: rank_partner(v) OVER (PARTITION BY ...) =
--     CASE WHEN v IS NOT NULL THEN rank() OVER (PARTITION BY ... ORDER BY v DESC NULLS LAST) END
-- exactly, ties included (1, 2, 2, 4), whatever ORDER BY and frame the
-- window has, on the real IMF data and on the generated data, for numeric,
-- double precision (NaN first) and bigint (integer resolves to double
-- precision); and it shares one window clause (one WindowAgg, one sort) with
-- trade_share.

\i test/fixtures/setup.psql

SELECT plan(22);

SELECT ok((SELECT count(*) FILTER (WHERE n > n_distinct) > 100
			  AND count(*) FILTER (WHERE n_null > 0 AND n > 1) > 100
			  AND count(*) FILTER (WHERE n_nan > 0) > 2
			  AND count(*) FILTER (WHERE n_neg > 0) > 100
		   FROM (SELECT count(v_num) AS n, count(DISTINCT v_num) AS n_distinct,
						count(*) - count(v_num) AS n_null, count(*) FILTER (WHERE v_f8 = 'NaN') AS n_nan,
						count(*) FILTER (WHERE v_num < 0) AS n_neg
				 FROM tft.flows GROUP BY reporter, period) AS s),
		  'fixtures: partitions with ties, NULLs, NaN and negative values');

--
-- generated data
--

SELECT is_empty($$
	SELECT id, v_num, got, want FROM (
		SELECT id, v_num, rank_partner(v_num) OVER (PARTITION BY reporter, period) AS got,
			   CASE WHEN v_num IS NOT NULL
					THEN rank() OVER (PARTITION BY reporter, period ORDER BY v_num DESC NULLS LAST) END AS want
		FROM tft.flows) AS s
	WHERE got IS DISTINCT FROM want
$$, 'rank_partner(numeric) OVER w = rank() OVER (... ORDER BY v DESC) on generated data');

SELECT is_empty($$
	SELECT id, v_f8, got, want FROM (
		SELECT id, v_f8, rank_partner(v_f8) OVER (PARTITION BY reporter, period) AS got,
			   CASE WHEN v_f8 IS NOT NULL
					THEN rank() OVER (PARTITION BY reporter, period ORDER BY v_f8 DESC NULLS LAST) END AS want
		FROM tft.flows) AS s
	WHERE got IS DISTINCT FROM want
$$, 'rank_partner(float8) OVER w = rank() on generated data (NaN first, infinities)');

SELECT is_empty($$
	SELECT id, v_big, got, want FROM (
		SELECT id, v_big, rank_partner(v_big) OVER (PARTITION BY reporter, period) AS got,
			   CASE WHEN v_big IS NOT NULL
					THEN rank() OVER (PARTITION BY reporter, period ORDER BY v_big DESC NULLS LAST) END AS want
		FROM tft.flows) AS s
	WHERE got IS DISTINCT FROM want
$$, 'rank_partner(bigint) OVER w = rank() on generated data');

SELECT is_empty($$
	SELECT id, v_int, got, want FROM (
		SELECT id, v_int, rank_partner(v_int) OVER (PARTITION BY reporter, period) AS got,
			   CASE WHEN v_int IS NOT NULL
					THEN rank() OVER (PARTITION BY reporter, period ORDER BY v_int DESC NULLS LAST) END AS want
		FROM tft.flows) AS s
	WHERE got IS DISTINCT FROM want
$$, 'rank_partner(integer) OVER w = rank() on generated data');

-- larger partitions (ties across 900 rows), the whole table
SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, rank_partner(v_num) OVER (PARTITION BY reporter) AS got,
			   CASE WHEN v_num IS NOT NULL
					THEN rank() OVER (PARTITION BY reporter ORDER BY v_num DESC NULLS LAST) END AS want
		FROM tft.flows) AS s
	WHERE got IS DISTINCT FROM want
$$, 'rank_partner(numeric) OVER (PARTITION BY reporter): partitions of 900 rows, many ties');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, rank_partner(v_f8q) OVER () AS got,
			   CASE WHEN v_f8q IS NOT NULL THEN rank() OVER (ORDER BY v_f8q DESC NULLS LAST) END AS want
		FROM tft.flows) AS s
	WHERE got IS DISTINCT FROM want
$$, 'rank_partner(float8) OVER (): the whole table as one partition');

SELECT is_empty($$
	SELECT i, got, want FROM (
		SELECT i, rank_partner(v) OVER () AS got, rank() OVER (ORDER BY v DESC) AS want
		FROM (SELECT i, (hashint4(i) % 5000)::bigint AS v FROM generate_series(1, 50000) AS i) AS t) AS s
	WHERE got IS DISTINCT FROM want
$$, 'rank_partner(bigint) OVER () over 50000 rows with many ties = rank()');

--
-- independent of the window's ORDER BY and frame
--

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, rank_partner(v_num) OVER (PARTITION BY reporter, period ORDER BY partner) AS got,
			   CASE WHEN v_num IS NOT NULL
					THEN rank() OVER (PARTITION BY reporter, period ORDER BY v_num DESC NULLS LAST) END AS want
		FROM tft.flows) AS s
	WHERE got IS DISTINCT FROM want
$$, 'rank_partner(numeric) OVER (... ORDER BY partner) ranks the whole partition by value');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, rank_partner(v_big) OVER (PARTITION BY reporter, period ORDER BY v_big
											 ROWS BETWEEN CURRENT ROW AND CURRENT ROW) AS got,
			   CASE WHEN v_big IS NOT NULL
					THEN rank() OVER (PARTITION BY reporter, period ORDER BY v_big DESC NULLS LAST) END AS want
		FROM tft.flows) AS s
	WHERE got IS DISTINCT FROM want
$$, 'rank_partner(bigint) OVER (... ORDER BY v ROWS CURRENT ROW) ranks the whole partition, largest first');

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT id, rank_partner(v_f8) OVER (PARTITION BY reporter, period ORDER BY id DESC
											GROUPS BETWEEN 2 FOLLOWING AND 3 FOLLOWING EXCLUDE TIES) AS got,
			   CASE WHEN v_f8 IS NOT NULL
					THEN rank() OVER (PARTITION BY reporter, period ORDER BY v_f8 DESC NULLS LAST) END AS want
		FROM tft.flows) AS s
	WHERE got IS DISTINCT FROM want
$$, 'rank_partner(float8) with a GROUPS frame ranks the whole partition');

--
-- sharing one window clause with trade_share
--

SELECT is_empty($$
	SELECT id FROM (
		SELECT id,
			   trade_share(v_num) OVER w AS share, rank_partner(v_num) OVER w AS rk,
			   (v_num / nullif(sum(v_num) OVER (PARTITION BY reporter, period), 0))::float8 AS want_share,
			   CASE WHEN v_num IS NOT NULL
					THEN rank() OVER (PARTITION BY reporter, period ORDER BY v_num DESC NULLS LAST) END AS want_rk
		FROM tft.flows WINDOW w AS (PARTITION BY reporter, period)) AS s
	WHERE NOT tft.close(share, want_share) OR rk IS DISTINCT FROM want_rk
$$, 'trade_share and rank_partner over one shared window clause = their formulas');

SELECT is(
	(SELECT count(*) FROM regexp_matches(tft.plan($$
		SELECT trade_share(v_num) OVER w, rank_partner(v_num) OVER w, pct_change(v_num) OVER w
		FROM tft.flows WINDOW w AS (PARTITION BY reporter, period)$$),
		'^\s*(->\s+)?(WindowAgg|Sort|Incremental Sort)$', 'gn'))::int,
	2, 'one shared window clause: one Sort and one WindowAgg for trade_share and rank_partner');

--
-- hand-made edges
--

SELECT results_eq($$
	SELECT rank_partner(v) OVER () FROM (VALUES (1, 5.0), (2, NULL), (3, 7.0), (4, 7.0), (5, -1.0), (6, 5.0), (7, 0.0)) AS t(i, v)
	ORDER BY i
$$, $$
	SELECT CASE WHEN v IS NOT NULL THEN rank() OVER (ORDER BY v DESC NULLS LAST) END
	FROM (VALUES (1, 5.0), (2, NULL), (3, 7.0), (4, 7.0), (5, -1.0), (6, 5.0), (7, 0.0)) AS t(i, v)
	ORDER BY i
$$, 'ties share the lowest rank (1, 1, 3, 3, ...) and NULL is not ranked');

SELECT results_eq($$
	SELECT rank_partner(v) OVER () FROM (VALUES (1, '-0'::float8), (2, 0), (3, 'NaN'), (4, 'NaN'),
		(5, '-Infinity'), (6, 'Infinity'), (7, NULL)) AS t(i, v) ORDER BY i
$$, $$
	SELECT CASE WHEN v IS NOT NULL THEN rank() OVER (ORDER BY v DESC NULLS LAST) END
	FROM (VALUES (1, '-0'::float8), (2, 0), (3, 'NaN'), (4, 'NaN'),
		(5, '-Infinity'), (6, 'Infinity'), (7, NULL)) AS t(i, v) ORDER BY i
$$, 'float8: NaN ranks first and ties with NaN, -0 ties with 0, infinities in order');

SELECT is((SELECT rank_partner(NULL::numeric) OVER ()), NULL, 'a single NULL gives NULL');
SELECT is_empty($$SELECT rank_partner(v_num) OVER () FROM tft.flows WHERE false$$, 'no rows, no result');

--
-- real data
--

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year, rank_partner(value_usd) OVER w AS got,
			   rank() OVER (w ORDER BY value_usd DESC) AS want
		FROM trade.dots_annual WINDOW w AS (PARTITION BY reporter_code, flow, year)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'real: rank_partner(numeric) OVER w = rank() on IMF DOTS (each partner''s rank in a reporter''s trade)');

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year, rank_partner(value_usd::float8) OVER w AS got,
			   rank() OVER (w ORDER BY value_usd::float8 DESC) AS want
		FROM trade.dots_annual WINDOW w AS (PARTITION BY partner_code, flow, year)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'real: rank_partner(float8) OVER w = rank() on IMF DOTS (each reporter''s rank in a partner''s trade)');

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year, rank_partner(value_usd::bigint) OVER w AS got,
			   rank() OVER (w ORDER BY value_usd::bigint DESC) AS want
		FROM trade.dots_annual WINDOW w AS (PARTITION BY reporter_code, flow, year)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'real: rank_partner(bigint) OVER w = rank() on IMF DOTS');

SELECT is_empty($$
	SELECT reporter, partner, flow, year, got, want FROM (
		SELECT reporter, partner, flow, year, rank_partner(value_usd) OVER w AS got,
			   rank() OVER (w ORDER BY value_usd DESC) AS want
		FROM trade.china_dprk_annual WINDOW w AS (PARTITION BY reporter, flow, year)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'real: rank_partner(numeric) OVER w = rank() on China/DPRK 1960-2020 (tied zeros)');

SELECT is_empty($$
	SELECT reporter, period, got, want FROM (
		SELECT reporter, period, rank_partner(value_usd) OVER w AS got,
			   rank() OVER (w ORDER BY value_usd DESC) AS want
		FROM trade.exports_to_world_monthly WINDOW w AS (PARTITION BY period)) AS s
	WHERE got IS DISTINCT FROM want
$$, 'real: rank_partner(float8) OVER w = rank() on IMF monthly exports');

SELECT * FROM finish();
ROLLBACK;
