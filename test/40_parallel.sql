-- test/40_parallel.sql: the aggregates in parallel query
--
-- With parallel costs at zero, EXPLAIN of each aggregate (trade_share and
-- rank_partner, with GROUP BY and without) shows a Partial aggregate under a
-- Gather, EXPLAIN ANALYZE shows both workers launched (the leader does not
-- participate, so every result combines the partial states of two workers),
-- and the parallel result equals the serial one (max_parallel_workers_per_gather
-- = 0): exactly for numeric, bigint, integer and for double precision values
-- whose sums are exact in any order; within 1e-12 relative for arbitrary
-- double precision values (the summation order differs).
--
-- Parallel workers can read the tables this transaction created (they share
-- its snapshot); what keeps a query serial is a cursor (pgTAP runs queries
-- in PL/pgSQL FOR loops), so the parallel results are made with EXPLAIN
-- ANALYZE CREATE TABLE ... AS and compared afterwards.  The tables are
-- regular ones: parallel workers cannot read temporary tables.

\i test/fixtures/setup.psql

SELECT plan(44);

DO $$ BEGIN PERFORM setseed(0.77); END $$;

-- 200000 rows in 40 groups, 80 partners (and NULL), NULL/zero/negative/tied values
CREATE TABLE tft.big AS
SELECT i AS id, i % 40 AS g,
	   CASE WHEN p < 80 THEN 'P' || lpad(p::text, 2, '0') END AS partner,
	   CASE WHEN p < 80 THEN p END::bigint AS partner_no,
	   v_num,
	   v_num::float8 AS v_f8,
	   (round(v_num * 4) / 4)::float8 AS v_f8q,
	   (v_num * 1000000000)::bigint AS v_big,
	   round(v_num / 10)::int AS v_int,
	   CASE WHEN u < 0.3 THEN true WHEN u < 0.9 THEN false END AS is_part
FROM (SELECT i, (random() * 80)::int AS p, random() AS u,
			 CASE WHEN random() < 0.05 THEN NULL
				  WHEN random() < 0.05 THEN 0
				  WHEN random() < 0.1 THEN -round((random() * 1e6)::numeric, 3)
				  WHEN random() < 0.3 THEN (1 + (random() * 5)::int) * 1000
				  ELSE round((random() * 1e9)::numeric, 3) END AS v_num
	  FROM generate_series(1, 200000) AS i) AS r;
ANALYZE tft.big;

-- parallel costs at zero, the combine functions cheap, tft.runs and tft.run()
\i test/fixtures/parallel.psql

SELECT tft.run(name, query) FROM (VALUES
	('share_num', 'SELECT g, trade_share(v_num, is_part) AS r FROM tft.big GROUP BY g'),
	('share_f8q', 'SELECT g, trade_share(v_f8q, is_part) AS r FROM tft.big GROUP BY g'),
	('share_f8', 'SELECT g, trade_share(v_f8, is_part) AS r FROM tft.big GROUP BY g'),
	('share_big', 'SELECT g, trade_share(v_big, is_part) AS r FROM tft.big GROUP BY g'),
	('share_int', 'SELECT g, trade_share(v_int, partner = ''P07'') AS r FROM tft.big GROUP BY g'),
	('share_all', 'SELECT trade_share(v_num, is_part) AS r FROM tft.big'),
	('rank_num', 'SELECT g, rank_partner(partner, v_num, ''P07'') AS r FROM tft.big GROUP BY g'),
	('rank_big', 'SELECT g, rank_partner(partner_no, v_big, 7::bigint) AS r FROM tft.big GROUP BY g'),
	('rank_f8q', 'SELECT g, rank_partner(partner, v_f8q, ''P11'') AS r FROM tft.big GROUP BY g'),
	('rank_int', 'SELECT g, rank_partner(partner_no::int, v_int, 13) AS r FROM tft.big GROUP BY g'),
	('rank_all', 'SELECT rank_partner(partner, v_num, ''P23'') AS r FROM tft.big'),
	('real_share', 'SELECT reporter_code, flow, year, trade_share(value_usd, partner_code = ''924'') AS r FROM trade.dots_annual GROUP BY 1, 2, 3'),
	('real_rank', 'SELECT reporter_code, flow, rank_partner(partner, value_usd, ''Korea, Dem. People''''s Rep. of'') AS r FROM trade.dots_annual GROUP BY 1, 2')
) AS t(name, query)
\g /dev/null

-- for each run: a Partial aggregate under a Gather, 2 workers launched;
-- and serial plans without
\i test/fixtures/parallel_plans.psql

SELECT bag_eq(format('TABLE tft.%I', name || '_par'), format('TABLE tft.%I', name || '_ser'),
			  format('%s: the parallel result equals the serial result exactly', name))
FROM tft.runs WHERE name <> 'share_f8' ORDER BY name;

SELECT is_empty($$
	SELECT g, p.r AS parallel, s.r AS serial
	FROM tft.share_f8_par AS p FULL JOIN tft.share_f8_ser AS s USING (g)
	WHERE NOT tft.close(p.r, s.r)
$$, 'share_f8: the parallel result equals the serial result within 1e-12 relative');

SELECT is((SELECT count(*) FROM tft.share_num_par WHERE r IS NOT NULL), 40::bigint,
		  'the parallel results are not all NULL');
SELECT ok((SELECT count(DISTINCT r) FROM tft.rank_num_par) > 10,
		  'the parallel ranks vary from group to group');

-- and the parallel results are the plain-SQL answers
SELECT is_empty($$
	SELECT g, p.r, w.r FROM tft.share_num_par AS p
		FULL JOIN (SELECT g, (coalesce(sum(v_num) FILTER (WHERE is_part), 0) / nullif(sum(v_num), 0))::float8 AS r
				   FROM tft.big GROUP BY g) AS w USING (g)
	WHERE NOT tft.close(p.r, w.r)
$$, 'share_num: the parallel result = sum FILTER / sum');

SELECT is_empty($$
	SELECT g, p.r, w.r FROM tft.rank_big_par AS p
		FULL JOIN (SELECT g, r FROM (SELECT g, partner_no, rank() OVER (PARTITION BY g ORDER BY sum(v_big) DESC) AS r
									 FROM tft.big WHERE partner_no IS NOT NULL AND v_big IS NOT NULL
									 GROUP BY g, partner_no) AS s
				   WHERE partner_no = 7) AS w USING (g)
	WHERE p.r IS DISTINCT FROM w.r
$$, 'rank_big: the parallel result = rank() of the partner sums');

SELECT * FROM finish();
ROLLBACK;
