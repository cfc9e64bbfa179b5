-- test/10_pct_change_scalar.sql: pct_change(previous, current)
--
-- Property: pct_change(p, c) = c / p - 1 with a zero guard, on every pair of
-- consecutive values of the real IMF data and of the generated data, for
-- numeric, double precision and bigint (integer resolves to double
-- precision).  Numeric and bigint are compared with the exact numeric
-- (c - p) / p within the 1e-12 relative tolerance of the README's
-- reference (Common rules, Ratios); double precision must equal
-- PostgreSQL's own c / p - 1 exactly.

\i test/fixtures/setup.psql

SELECT plan(28);

-- consecutive pairs of the generated series, NULLs and zeros included
CREATE TABLE tft.pairs AS
SELECT id,
	   lag(v_num) OVER w AS p_num, v_num AS c_num,
	   lag(v_f8) OVER w AS p_f8, v_f8 AS c_f8,
	   lag(v_big) OVER w AS p_big, v_big AS c_big,
	   lag(v_int) OVER w AS p_int, v_int AS c_int
FROM tft.flows
WINDOW w AS (PARTITION BY reporter, partner ORDER BY period);

-- the same from the real data: year-on-year by reporter, partner and flow
CREATE TABLE tft.real_pairs AS
SELECT p.value_usd AS p_num, c.value_usd AS c_num
FROM trade.dots_annual AS c
	JOIN trade.dots_annual AS p
		ON p.reporter_code = c.reporter_code AND p.partner_code = c.partner_code
		AND p.flow = c.flow AND p.year = c.year - 1
UNION ALL
SELECT p.value_usd, c.value_usd
FROM trade.china_dprk_annual AS c
	JOIN trade.china_dprk_annual AS p
		ON p.reporter = c.reporter AND p.partner = c.partner
		AND p.flow = c.flow AND p.year = c.year - 1;

CREATE TABLE tft.real_monthly_pairs AS
SELECT lag(value_usd) OVER w AS p_f8, value_usd AS c_f8
FROM trade.exports_to_world_monthly
WINDOW w AS (PARTITION BY reporter ORDER BY period);

-- the data covers what the guards are for
SELECT ok((SELECT count(*) FROM tft.pairs WHERE p_num = 0 AND c_num <> 0) > 20
		  AND (SELECT count(*) FROM tft.pairs WHERE p_num IS NULL AND c_num IS NOT NULL) > 20
		  AND (SELECT count(*) FROM tft.pairs WHERE p_num < 0) > 20
		  AND (SELECT count(*) FROM tft.pairs WHERE p_num = c_num AND p_num <> 0) > 20
		  AND (SELECT count(*) FROM tft.pairs WHERE p_f8 = 'NaN' OR c_f8 = 'NaN') > 0
		  AND (SELECT count(*) FROM tft.real_pairs WHERE p_num = 0) > 20
		  AND (SELECT count(*) FROM tft.real_pairs) > 100000,
		  'fixtures: the pairs include zero, NULL, negative and equal previous values, NaN, and the real data');

--
-- generated data
--

SELECT is_empty($$
	SELECT id, p_num, c_num, pct_change(p_num, c_num) AS got
	FROM tft.pairs
	WHERE NOT tft.close(pct_change(p_num, c_num), ((c_num - p_num) / nullif(p_num, 0))::float8)
$$, 'pct_change(numeric, numeric) = (c - p) / nullif(p, 0) on generated pairs');

SELECT is_empty($$
	SELECT id, p_f8, c_f8, pct_change(p_f8, c_f8) AS got
	FROM tft.pairs
	WHERE pct_change(p_f8, c_f8) IS DISTINCT FROM c_f8 / nullif(p_f8, 0) - 1
$$, 'pct_change(float8, float8) = c / nullif(p, 0) - 1 exactly on generated pairs (NaN and infinities included)');

SELECT is_empty($$
	SELECT id, p_big, c_big, pct_change(p_big, c_big) AS got
	FROM tft.pairs
	WHERE NOT tft.close(pct_change(p_big, c_big),
						((c_big::numeric - p_big) / nullif(p_big, 0))::float8)
$$, 'pct_change(bigint, bigint) = (c - p) / nullif(p, 0) on generated pairs (values up to 9e18)');

SELECT is_empty($$
	SELECT id, p_int, c_int, pct_change(p_int, c_int) AS got
	FROM tft.pairs
	WHERE pct_change(p_int, c_int) IS DISTINCT FROM c_int::float8 / nullif(p_int::float8, 0) - 1
$$, 'pct_change(integer, integer) resolves to double precision: = c / nullif(p, 0) - 1 exactly');

--
-- real data
--

SELECT is_empty($$
	SELECT p_num, c_num, pct_change(p_num, c_num) AS got
	FROM tft.real_pairs
	WHERE NOT tft.close(pct_change(p_num, c_num), ((c_num - p_num) / nullif(p_num, 0))::float8)
$$, 'pct_change(numeric, numeric) = (c - p) / nullif(p, 0) on IMF year-on-year pairs');

SELECT is_empty($$
	SELECT p_num, c_num, pct_change(p_num::float8, c_num::float8) AS got
	FROM tft.real_pairs
	WHERE pct_change(p_num::float8, c_num::float8)
		IS DISTINCT FROM c_num::float8 / nullif(p_num::float8, 0) - 1
$$, 'pct_change(float8, float8) = c / nullif(p, 0) - 1 exactly on IMF year-on-year pairs');

SELECT is_empty($$
	SELECT p_num, c_num, pct_change(p_num::bigint, c_num::bigint) AS got
	FROM tft.real_pairs
	WHERE NOT tft.close(pct_change(p_num::bigint, c_num::bigint),
						((c_num::bigint - p_num::bigint)::numeric / nullif(p_num::bigint, 0))::float8)
$$, 'pct_change(bigint, bigint) = (c - p) / nullif(p, 0) on IMF year-on-year pairs');

SELECT is_empty($$
	SELECT p_f8, c_f8, pct_change(p_f8, c_f8) AS got
	FROM tft.real_monthly_pairs
	WHERE pct_change(p_f8, c_f8) IS DISTINCT FROM c_f8 / nullif(p_f8, 0) - 1
$$, 'pct_change(float8, float8) = c / nullif(p, 0) - 1 exactly on IMF monthly exports (float artefacts)');

--
-- guards and edges
--

SELECT is(pct_change(0::numeric, 5::numeric), NULL, 'numeric: previous zero gives NULL');
SELECT is(pct_change(0::float8, 5::float8), NULL, 'float8: previous zero gives NULL');
SELECT is(pct_change('-0'::float8, 5::float8), NULL, 'float8: previous minus zero gives NULL');
SELECT is(pct_change(0::bigint, 5::bigint), NULL, 'bigint: previous zero gives NULL');
SELECT is(pct_change(0::bigint, 0::bigint), NULL, 'bigint: zero to zero gives NULL');
SELECT is(pct_change(NULL::numeric, 5::numeric), NULL, 'numeric: NULL previous gives NULL');
SELECT is(pct_change(5::numeric, NULL::numeric), NULL, 'numeric: NULL current gives NULL');
SELECT is(pct_change(NULL::float8, 5), NULL, 'float8: NULL previous gives NULL');
SELECT is(pct_change(5::bigint, NULL), NULL, 'bigint: NULL current gives NULL');

SELECT ok(tft.close(pct_change('-9223372036854775808'::bigint, 9223372036854775807::bigint),
					((9223372036854775807::numeric + 9223372036854775808) / '-9223372036854775808'::numeric)::float8),
		  'bigint: the extremes of int64 do not overflow');
SELECT ok(tft.close(pct_change(-4::numeric, 2::numeric), ((2 - -4)::numeric / -4)::float8),
		  'numeric: negative previous value is computed arithmetically');
SELECT ok(tft.close(pct_change(123456789012345678901234567890.123456789::numeric,
							   123456789012345678901234567891.123456789::numeric),
					(1 / 123456789012345678901234567890.123456789::numeric)::float8),
		  'numeric: 30-digit values');

-- relative precision where current and previous are close: both values are
-- exact in double precision, the exact change is 1e-12
SELECT ok(tft.close(pct_change(1000000000000::bigint, 1000000000001::bigint), 1e-12),
		  'bigint: change of 1e-12 between close values within 1e-12 relative');
SELECT ok(tft.close(pct_change(1000000000000::numeric, 1000000000001::numeric), 1e-12),
		  'numeric: change of 1e-12 between close values within 1e-12 relative');
SELECT is(pct_change(1000000000000::float8, 1000000000001::float8),
		  1000000000001::float8 / 1000000000000::float8 - 1,
		  'float8: close values follow float8 arithmetic exactly');

SELECT is(pct_change(2::float8, 'Infinity'::float8), 'Infinity'::float8 / 2 - 1,
		  'float8: infinite current follows float8 arithmetic');
SELECT is(pct_change('NaN'::float8, 2::float8), 2 / 'NaN'::float8 - 1,
		  'float8: NaN previous follows float8 arithmetic');
SELECT is(pct_change(2::smallint, 3::smallint), 3::float8 / 2 - 1,
		  'smallint resolves to double precision');

-- the result type
SELECT is(pg_typeof(pct_change(1::numeric, 2::numeric))::text, 'double precision',
		  'the result is double precision');

SELECT * FROM finish();
ROLLBACK;
