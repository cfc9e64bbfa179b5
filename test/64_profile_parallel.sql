-- test/64_profile_parallel.sql: trade_profile and rollup in parallel query
--
-- With parallel costs at zero and the combine function's cost lowered
-- (test/fixtures/parallel.psql), EXPLAIN of trade_profile (every kind of
-- value, text and bigint partners, with GROUP BY and without) and of rollup
-- shows a Partial aggregate under a Gather, EXPLAIN ANALYZE shows two
-- workers launched, and the parallel profiles equal the serial ones exactly
-- (operator =; double precision values rounded to quarters, whose sums are
-- exact in any order), and the plain partner sums.

\i test/fixtures/setup.psql

SELECT plan(32);

DO $$ BEGIN PERFORM setseed(0.64); END $$;

-- 240000 rows: 30 groups x 60 partners (and NULL) x products, several rows
-- per partner; NULL, zero, negative and tied values
CREATE TABLE tft.customs AS
SELECT i AS id, i % 30 AS g, (i / 30) % 97 AS product,
	   CASE WHEN k < 60 THEN 'C' || lpad(k::text, 2, '0') END AS partner,
	   CASE WHEN k < 60 THEN 1000 + k END::bigint AS partner_no,
	   v AS v_num, (round(v * 4) / 4)::float8 AS v_f8q,
	   (v * 1000)::bigint AS v_big, round(v / 100)::int AS v_int
FROM (SELECT i, (random() * 60)::int AS k,
			 CASE WHEN u < 0.04 THEN NULL WHEN u < 0.08 THEN 0
				  WHEN u < 0.15 THEN -round((random() * 1e5)::numeric, 2)
				  WHEN u < 0.35 THEN 500 * (1 + (random() * 3)::int)
				  ELSE round((random() * 1e8)::numeric, 2) END AS v
	  FROM (SELECT i, random() AS u FROM generate_series(1, 240000) AS i) AS r) AS s;
ANALYZE tft.customs;

-- stored profiles to roll up: one per group and product
CREATE TABLE tft.stored AS
SELECT g, product, trade_profile(partner, v_num) AS p FROM tft.customs GROUP BY 1, 2;
ANALYZE tft.stored;

-- parallel costs at zero, the combine functions cheap, tft.runs and tft.run()
\i test/fixtures/parallel.psql

SELECT tft.run(name, query) FROM (VALUES
	('profile_num', 'SELECT g, trade_profile(partner, v_num) AS r FROM tft.customs GROUP BY g'),
	('profile_f8q', 'SELECT g, trade_profile(partner, v_f8q) AS r FROM tft.customs GROUP BY g'),
	('profile_big', 'SELECT g, trade_profile(partner_no, v_big) AS r FROM tft.customs GROUP BY g'),
	('profile_int', 'SELECT g, trade_profile(partner, v_int) AS r FROM tft.customs GROUP BY g'),
	('profile_all', 'SELECT trade_profile(partner, v_num) AS r FROM tft.customs'),
	('rollup_groups', 'SELECT g % 7 AS g, rollup(p) AS r FROM tft.stored GROUP BY 1'),
	('rollup_all', 'SELECT rollup(p) AS r FROM tft.stored'),
	('real_profile', 'SELECT reporter_code, flow, trade_profile(partner, value_usd) AS r FROM trade.dots_annual GROUP BY 1, 2'),
	('real_all', 'SELECT trade_profile(partner_code::bigint, value_usd) AS r FROM trade.dots_annual')
) AS t(name, query)
\g /dev/null

-- for each run: a Partial aggregate under a Gather, 2 workers launched;
-- and serial plans without
\i test/fixtures/parallel_plans.psql

SELECT bag_eq(format('TABLE tft.%I', name || '_par'), format('TABLE tft.%I', name || '_ser'),
			  format('%s: the parallel profiles equal the serial ones exactly', name))
FROM tft.runs ORDER BY name;

SELECT is((SELECT count(*) FROM tft.profile_num_par WHERE partner_count(r) = 60), 30::bigint,
		  'profile_num: 30 profiles of 60 partners each');

-- and they are the plain-SQL answers
SELECT is_empty($$
	(SELECT g, t.partner, t.value::text FROM tft.profile_num_par, LATERAL top_partners(r, 2147483647) AS t
	 EXCEPT ALL
	 SELECT g, partner, sum(v_num)::text FROM tft.customs WHERE partner IS NOT NULL AND v_num IS NOT NULL GROUP BY 1, 2)
	UNION ALL
	(SELECT g, partner, sum(v_num)::text FROM tft.customs WHERE partner IS NOT NULL AND v_num IS NOT NULL GROUP BY 1, 2
	 EXCEPT ALL
	 SELECT g, t.partner, t.value::text FROM tft.profile_num_par, LATERAL top_partners(r, 2147483647) AS t)
$$, 'profile_num: each parallel profile holds the partners'' exact sum(value)');
SELECT is_empty($$
	SELECT * FROM tft.rollup_groups_par AS r
		FULL JOIN (SELECT g % 7 AS g, trade_profile(partner, v_num) AS p FROM tft.customs GROUP BY 1) AS w USING (g)
	WHERE r.r IS DISTINCT FROM w.p
$$, 'rollup_groups: the parallel rollup() of stored profiles = trade_profile() of their rows');
SELECT is((SELECT r FROM tft.rollup_all_par), (SELECT r FROM tft.profile_all_par),
		  'rollup_all: the parallel rollup() of every stored profile = the parallel trade_profile() of every row');

SELECT * FROM finish();
ROLLBACK;
