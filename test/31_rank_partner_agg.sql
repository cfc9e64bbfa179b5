-- test/31_rank_partner_agg.sql: the rank_partner(partner, value, target) aggregate
--
-- Property: rank_partner(partner, v, target) per group = the rank of target in
--     SELECT partner, sum(v) AS s FROM ... WHERE partner IS NOT NULL AND v IS NOT NULL
--     GROUP BY partner
-- ranked by rank() OVER (ORDER BY s DESC), exactly, ties included; NULL when
-- the target is absent, NULL, or has no non-NULL value.  For text and
-- bigint partners (integer through the cast), numeric, double precision
-- (values in quarters, so sums are exact in any order), bigint and integer
-- values, per GROUP BY group, over the whole input and as a window aggregate,
-- on the real IMF data and on the generated data.

\i test/fixtures/setup.psql

SELECT plan(43);

-- rows where rank_partner(partner, val, target) GROUP BY grp differs from the
-- plain-SQL rank (grp: an expression, non-NULL, compared as text; target:
-- constant per group)
CREATE FUNCTION tft.rank_check(src text, grp text, partner text, val text, target text)
RETURNS text LANGUAGE sql
AS $$
	SELECT format($q$
		WITH got AS (
			SELECT (%2$s)::text AS g, rank_partner(%3$s, %4$s, %5$s) AS r FROM %1$s GROUP BY 1),
		totals AS (
			SELECT (%2$s)::text AS g, %3$s AS p, sum(%4$s) AS s FROM %1$s
			WHERE %3$s IS NOT NULL AND %4$s IS NOT NULL GROUP BY 1, 2),
		ranked AS (
			SELECT g, p, rank() OVER (PARTITION BY g ORDER BY s DESC) AS r FROM totals),
		groups AS (
			SELECT (%2$s)::text AS g, min(%5$s) AS t FROM %1$s GROUP BY 1),
		want AS (
			SELECT groups.g, ranked.r FROM groups
				LEFT JOIN ranked ON ranked.g = groups.g AND ranked.p = groups.t)
		SELECT got.g AS got_group, want.g AS want_group, got.r AS got, want.r AS want
		FROM got FULL JOIN want ON got.g = want.g
		WHERE got.r IS DISTINCT FROM want.r OR got.g IS NULL OR want.g IS NULL
	$q$, src, grp, partner, val, target)
$$;

SELECT ok((SELECT count(*) FROM (SELECT g, s FROM (
			   SELECT reporter, date_trunc('year', period) AS g, partner, sum(v_num) AS s
			   FROM tft.flows WHERE partner IS NOT NULL AND v_num IS NOT NULL GROUP BY 1, 2, 3) AS t
		   GROUP BY reporter, g, s HAVING count(*) > 1) AS ties) > 2
		  AND (SELECT count(*) FROM tft.flows WHERE partner IS NULL AND v_num IS NOT NULL) > 100
		  AND (SELECT count(*) FROM (SELECT reporter, period FROM tft.flows WHERE partner = 'P03'
									 GROUP BY 1, 2 HAVING count(v_num) = 0) AS n) > 10,
		  'fixtures: tied partner sums, NULL partners, targets with only NULL values');

--
-- generated data, GROUP BY reporter and year (a partner has up to 12 rows)
--

SELECT is_empty(tft.rank_check('tft.flows', '(reporter, date_trunc(''year'', period))', p, v, t),
				format('rank_partner(%s, %s, %s) GROUP BY reporter, year = rank() of the partner sums', p, v, t))
FROM (VALUES ('partner', 'v_num', '''P03'''), ('partner', 'v_f8q', '''P03'''),
			 ('partner', 'v_big', '''P03'''), ('partner', 'v_int', '''P03'''),
			 ('partner_code', 'v_num', '103::bigint'), ('partner_code', 'v_f8q', '103::bigint'),
			 ('partner_code', 'v_big', '103::bigint'), ('partner_code', 'v_int', '103::bigint'),
			 ('partner_code::int', 'v_num', '103'), ('partner_code::int', 'v_int', '105'),
			 ('partner', 'v_num', '''P16'''), ('partner', 'v_num', 'NULL::text'),
			 ('partner', 'v_num', 'CASE reporter % 3 WHEN 0 THEN ''P01'' WHEN 1 THEN ''P08'' ELSE ''P15'' END'),
			 ('partner_code', 'v_big', '100 + reporter::bigint')
	 ) AS t(p, v, t);

-- one row per partner (ties from repeated values), and the whole table
SELECT is_empty(tft.rank_check('tft.flows', '(reporter, period)', p, v, t),
				format('rank_partner(%s, %s, %s) GROUP BY reporter, period = rank() of the partner sums', p, v, t))
FROM (VALUES ('partner', 'v_num', '''P07'''), ('partner', 'v_f8', '''P07'''),
			 ('partner_code', 'v_big', '107::bigint')) AS t(p, v, t);

SELECT is_empty(tft.rank_check('tft.flows', 'true', 'partner', 'v_num', '''P05'''),
				'rank_partner(partner, v_num, ''P05'') over the whole table = rank() of the partner sums');

SELECT is((SELECT count(*) FROM (SELECT rank_partner(partner, v_num, 'ZZZ') AS r FROM tft.flows GROUP BY reporter) AS s
		   WHERE r IS NULL), (SELECT count(DISTINCT reporter) FROM tft.flows),
		  'a target absent from every group gives NULL in every group');
SELECT is((SELECT rank_partner(partner, v_num, NULL) FROM tft.flows), NULL,
		  'a NULL target gives NULL');
SELECT is((SELECT rank_partner(partner, v_num, 'P01') FROM tft.flows WHERE false), NULL,
		  'no rows gives NULL');
SELECT is((SELECT rank_partner(partner, v_num, 'P04') FROM tft.flows WHERE reporter = 89), NULL,
		  'a target whose values are all NULL gives NULL');

-- the edge group: P01 2+3, P02 5, P03 1+4 tie at 5; P04 only NULL, P05 -1, P06 0
SELECT results_eq($$
	SELECT t, (SELECT rank_partner(partner, v_num, t) FROM tft.flows WHERE reporter = 89)
	FROM unnest(ARRAY['P01', 'P02', 'P03', 'P04', 'P05', 'P06', 'P99']) AS t ORDER BY t
$$, $$
	SELECT t, r FROM unnest(ARRAY['P01', 'P02', 'P03', 'P04', 'P05', 'P06', 'P99']) AS t
		LEFT JOIN (SELECT partner, rank() OVER (ORDER BY sum(v_num) DESC) AS r FROM tft.flows
				   WHERE reporter = 89 AND v_num IS NOT NULL AND partner IS NOT NULL GROUP BY partner) AS s
			ON s.partner = t
	ORDER BY t
$$, 'the edge group: tied sums over several rows share rank 1, then 4, 5; NULL-only and absent give NULL');

SELECT throws_ok($$
	SELECT rank_partner(partner, v_num, partner) FROM tft.flows GROUP BY reporter
$$, '22023', NULL, 'different targets in one group raise 22023');

-- one group with 20000 partners (the per-partner table grows)
DO $$ BEGIN PERFORM setseed(0.61); END $$;
CREATE TABLE tft.many AS
SELECT 'X' || (random() * 20000)::int AS partner, (random() * 20000)::int::bigint AS partner_no,
	   (random() * 1000)::int::numeric AS v
FROM generate_series(1, 60000);
SELECT is_empty(tft.rank_check('tft.many', 'true', p, 'v', t),
				format('rank_partner(%s, v, %s) among 20000 partners = rank() of the partner sums', p, t))
FROM (VALUES ('partner', '''X777'''), ('partner', '''X19999'''), ('partner_no', '4242::bigint')) AS t(p, t);

-- many small groups, hash aggregation spilling to disk (the states leave
-- memory and come back)
SET LOCAL work_mem = '64kB';
SET LOCAL enable_sort = off;
SELECT ok(tft.analyzed($$SELECT id % 1500, rank_partner(partner, v_num, 'P03') FROM tft.flows GROUP BY 1$$)
		  ~ 'Batches: ([2-9]|[1-9][0-9]+)',
		  'fixtures: with work_mem 64kB the hash aggregation spills to disk');
SELECT is_empty(tft.rank_check('tft.flows', 'id % 1500', p, v, t),
				format('rank_partner(%s, %s, %s) GROUP BY id %% 1500, spilling to disk = rank() of the partner sums', p, v, t))
FROM (VALUES ('partner', 'v_num', '''P03'''), ('partner_code', 'v_big', '104::bigint')) AS t(p, v, t);
SET LOCAL work_mem = '64MB';
SET LOCAL enable_sort = on;

--
-- as a window aggregate
--

SELECT is_empty($$
	SELECT id, got, want FROM (
		SELECT f.id, rank_partner(f.partner, f.v_num, 'P03') OVER (PARTITION BY f.reporter, date_trunc('year', f.period)) AS got,
			   g.r AS want
		FROM tft.flows AS f
			LEFT JOIN (SELECT reporter, y, rank() OVER (PARTITION BY reporter, y ORDER BY s DESC) AS r, partner
					   FROM (SELECT reporter, date_trunc('year', period) AS y, partner, sum(v_num) AS s
							 FROM tft.flows WHERE partner IS NOT NULL AND v_num IS NOT NULL
							 GROUP BY 1, 2, 3) AS t) AS g
				ON g.reporter = f.reporter AND g.y = date_trunc('year', f.period) AND g.partner = 'P03') AS s
	WHERE got IS DISTINCT FROM want
$$, 'rank_partner(partner, v_num, ''P03'') OVER (PARTITION BY reporter, year) = the group''s rank on every row');

-- running: the rank among the partner sums up to the current period
SELECT is_empty($$
	WITH cut AS (SELECT DISTINCT reporter, period FROM tft.flows),
	totals AS (
		SELECT c.reporter, c.period, f.partner, sum(f.v_num) AS s
		FROM cut AS c JOIN tft.flows AS f ON f.reporter = c.reporter AND f.period <= c.period
		WHERE f.partner IS NOT NULL AND f.v_num IS NOT NULL GROUP BY 1, 2, 3),
	ranked AS (
		SELECT reporter, period, partner, rank() OVER (PARTITION BY reporter, period ORDER BY s DESC) AS r
		FROM totals),
	got AS (
		SELECT id, reporter, period,
			   rank_partner(partner, v_num, 'P03') OVER w AS r, rank_partner(partner, v_num, 'P03') OVER w AS r2
		FROM tft.flows WINDOW w AS (PARTITION BY reporter ORDER BY period))
	SELECT got.id, got.r AS got, got.r2 AS got2, ranked.r AS want
	FROM got LEFT JOIN ranked
		ON ranked.reporter = got.reporter AND ranked.period = got.period AND ranked.partner = 'P03'
	WHERE got.r IS DISTINCT FROM ranked.r OR got.r2 IS DISTINCT FROM ranked.r
$$, 'rank_partner(partner, v_num, ''P03'') OVER (PARTITION BY reporter ORDER BY period), called twice (one shared state): running rank = formula');

SELECT is_empty($$
	WITH got AS (
		SELECT id, reporter, partner_code, period,
			   rank_partner(partner_code, v_big, 104::bigint)
				   OVER (PARTITION BY reporter ORDER BY period RANGE BETWEEN '2 months' PRECEDING AND CURRENT ROW) AS r
		FROM tft.flows WHERE reporter <= 6),
	totals AS (
		SELECT c.id, f.partner_code, sum(f.v_big) AS s
		FROM tft.flows AS c JOIN tft.flows AS f
			ON f.reporter = c.reporter AND f.period BETWEEN c.period - interval '2 months' AND c.period
		WHERE c.reporter <= 6 AND f.partner_code IS NOT NULL AND f.v_big IS NOT NULL GROUP BY 1, 2),
	ranked AS (
		SELECT id, partner_code, rank() OVER (PARTITION BY id ORDER BY s DESC) AS r FROM totals)
	SELECT got.id, got.r AS got, ranked.r AS want
	FROM got LEFT JOIN ranked ON ranked.id = got.id AND ranked.partner_code = 104
	WHERE got.r IS DISTINCT FROM ranked.r
$$, 'rank_partner(partner_code, v_big, 104) over a moving 3-month RANGE frame = formula (reporters 1-6)');

--
-- real data
--

CREATE TABLE tft.dots AS
SELECT d.*, d.partner_code::bigint AS partner_no
FROM trade.dots_annual AS d
WHERE d.partner NOT IN (SELECT name FROM trade.imf_aggregate)
	AND d.partner_code NOT IN (SELECT code FROM trade.imf_aggregate WHERE code IS NOT NULL);

CREATE TABLE tft.china AS
SELECT c.*
FROM trade.china_dprk_annual AS c
WHERE c.partner NOT IN (SELECT name FROM trade.imf_aggregate);

ANALYZE tft.dots, tft.china;

-- North Korea among China's partners, and China among North Korea's, by year
SELECT is_empty(tft.rank_check('tft.china', '(reporter, flow, year)', 'partner', v, t),
				format('real: rank_partner(partner, %s, %s) GROUP BY reporter, flow, year on China/DPRK 1960-2020', v, t))
FROM (VALUES ('value_usd', '''Korea, Dem. People''''s Rep. of'''),
			 ('value_usd::float8', '''Korea, Dem. People''''s Rep. of'''),
			 ('value_usd::bigint', '''China, P.R.: Mainland'''),
			 ('(value_usd / 1000000)::int', '''Japan''')) AS t(v, t);

-- a partner's rank summed over 2016-2018 (three rows per partner)
SELECT is_empty(tft.rank_check('tft.dots', '(reporter_code, flow)', p, v, t),
				format('real: rank_partner(%s, %s, %s) GROUP BY reporter, flow on IMF DOTS 2016-2018', p, v, t))
FROM (VALUES ('partner', 'value_usd', '''Korea, Dem. People''''s Rep. of'''),
			 ('partner_no', 'value_usd::bigint', '954::bigint'),
			 ('partner_no::int', 'value_usd::float8', '924'),
			 ('partner_no', '(value_usd / 10000)::int', '111::bigint')) AS t(p, v, t);

-- the fact: where North Korea stands among China's export partners in 2020
SELECT is(
	(SELECT rank_partner(partner, value_usd, 'Korea, Dem. People''s Rep. of') FROM tft.china
	 WHERE reporter = 'China, P.R.: Mainland' AND flow = 'export' AND year = 2020),
	(SELECT r FROM (SELECT partner, rank() OVER (ORDER BY value_usd DESC) AS r FROM tft.china
					WHERE reporter = 'China, P.R.: Mainland' AND flow = 'export' AND year = 2020) AS s
	 WHERE partner = 'Korea, Dem. People''s Rep. of'),
	'real: North Korea''s rank among China''s export partners in 2020 = rank()');

SELECT * FROM finish();
ROLLBACK;
