-- test/citus/check.sql: tradeflow on a Citus cluster, against the same rows
-- on one server (test/citus.sh runs it on the coordinator after
-- test/citus/setup.sql; pgTAP, one "ok N - ..." line per check).
--
-- Each check runs a query over the distributed tables of schema "dist" and
-- the same query over the local tables of schema "tft" (tft.same), and for
-- each aggregate also reads the distributed plan (tft.vplan):
--
--   GROUP BY a column that is not the distribution column (period, year,
--   region): Citus runs the aggregate's transition function on the workers
--   through worker_partial_agg and combines the states on the coordinator
--   through coord_combine_agg, both without a call expression;
--   GROUP BY the distribution column (reporter): the whole aggregate runs
--   on the workers, in the SQL of each task.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET work_mem = '64MB';
SET search_path = public;

SELECT plan(158);

-- every aggregate form: the expressions below, over dist.flows
CREATE TEMP TABLE aggs (expr text, name text);
INSERT INTO aggs
SELECT format('trade_share(%s, is_part)', v), 'trade_share'
FROM unnest(ARRAY['v_num', 'v_f8q', 'v_big', 'v_int']) AS v
UNION ALL
SELECT format('rank_partner(%s, %s, %s)', p, v, t), 'rank_partner'
FROM (VALUES ('partner', '''P03'''), ('partner_code', '103')) AS pt(p, t),
	 unnest(ARRAY['v_num', 'v_f8q', 'v_big', 'v_int']) AS v
UNION ALL
SELECT format('trade_profile(%s, %s)', p, v), 'trade_profile'
FROM unnest(ARRAY['partner', 'partner_code']) AS p,
	 unnest(ARRAY['v_num', 'v_f8q', 'v_big', 'v_int']) AS v;

SELECT tft.grouped('period', ' (not the distribution column) equals the local table''s',
				   'coord_combine_agg\(.*worker_partial_agg\(''public\.%1$s\(',
				   'the workers aggregate partially (worker_partial_agg), the coordinator combines (coord_combine_agg)');
SELECT tft.grouped('reporter', ' (the distribution column) equals the local table''s',
				   'Query: SELECT .*public\.%1$s\(', 'the whole aggregate runs on the workers',
				   'worker_partial_agg|coord_combine_agg');

-- the whole table, one group
SELECT tft.same('SELECT trade_share(v_num, is_part), rank_partner(partner, v_num, ''P03''),
						trade_profile(partner_code, v_big) FROM dist.flows',
				'every aggregate over the whole distributed table (no GROUP BY) equals the local table''s');

-- what Citus does not split: an aggregate over DISTINCT arguments (Citus
-- fetches the rows, the whole aggregate runs on the coordinator); an
-- argument with a COLLATE clause, which Citus 13.2's worker_partial_agg
-- refuses for every aggregate ("could not confirm type correctness"), runs
-- whole on the workers GROUP BY the distribution column; a
-- nondeterministic collation there is tradeflow's error, from the worker
SELECT tft.same($$SELECT period, rank_partner(DISTINCT partner, v_num, 'P03') FROM dist.flows GROUP BY period$$,
				'rank_partner(DISTINCT ...) GROUP BY period equals the local table''s');
SELECT ok(plan ~ 'rank_partner\(DISTINCT remote_scan\.' AND plan !~ 'worker_partial_agg',
		  'rank_partner(DISTINCT ...) GROUP BY period: Citus fetches the rows, the aggregate runs on the coordinator')
FROM tft.vplan($$SELECT period, rank_partner(DISTINCT partner, v_num, 'P03') FROM dist.flows GROUP BY period$$) AS plan;
SELECT tft.same($$SELECT reporter, rank_partner(partner COLLATE "C", v_num, 'P03'),
						 trade_profile(partner COLLATE "C", v_num) FROM dist.flows GROUP BY reporter$$,
				'rank_partner and trade_profile of partner COLLATE "C" GROUP BY reporter equal the local table''s');
SELECT is(tft.sqlstate_of($$SELECT reporter, rank_partner(partner COLLATE tft.case_insensitive, v_num, 'P03')
							FROM dist.flows GROUP BY reporter$$), '0A000',
		  'rank_partner of partners under a nondeterministic collation: the worker''s error reaches the client (0A000)');

-- the accessors, over profiles combined on the coordinator (GROUP BY period)
-- and made whole on the workers (GROUP BY reporter)
SELECT tft.same(format($$
	SELECT %1$s, total(p), partner_count(p), partner_value(p, 'P03'), trade_share(p, 'P03') AS share,
		   rank_partner(p, 'P03'), trade_share(p, ARRAY['P01', 'P02', 'P05']) AS group_share, hhi(p),
		   hhi(p, true) AS normalized, partner_value(c, 103) AS c_value, trade_share(c, 103) AS c_share,
		   rank_partner(c, 103) AS c_rank, trade_share(c, ARRAY[101, 102]::bigint[]) AS c_group_share
	FROM (SELECT %1$s, trade_profile(partner, v_num) AS p, trade_profile(partner_code, v_big) AS c
		  FROM dist.flows GROUP BY %1$s) AS s$$, g),
				format('total, partner_count, partner_value, trade_share, rank_partner and hhi of profiles made GROUP BY %s equal the local table''s', g))
FROM unnest(ARRAY['period', 'reporter']) AS g;
SELECT tft.same(format($$
	SELECT %1$s, total(trade_profile(partner, v_f8q)), hhi(trade_profile(partner, v_int), true) AS hhi,
		   rank_partner(trade_profile(partner_code, v_num), 105)
	FROM dist.flows GROUP BY %1$s$$, g),
				format('accessors of the aggregate in the same query (GROUP BY %s) equal the local table''s', g))
FROM unnest(ARRAY['period', 'reporter']) AS g;
SELECT tft.same(format($$
	SELECT %1$s, t.* FROM (SELECT %1$s, trade_profile(partner, v_num) AS p FROM dist.flows GROUP BY %1$s) AS s,
		LATERAL top_partners(p, 3) AS t$$, g),
				format('top_partners of profiles made GROUP BY %s equal the local table''s', g))
FROM unnest(ARRAY['period', 'reporter']) AS g;
SELECT tft.same($$
	WITH s AS (SELECT period, trade_profile(partner, v_num) AS p FROM dist.flows GROUP BY period)
	SELECT b.period, pct_change(a.p, b.p), c.*
	FROM s AS a JOIN s AS b ON b.period = a.period + interval '1 month', LATERAL contributions(a.p, b.p) AS c$$,
				'pct_change and contributions between the profiles of consecutive months (GROUP BY period) equal the local table''s');

-- the real IMF data, without its aggregates: by year and flow (not the
-- distribution column), by reporter and flow (the distribution column)
SELECT tft.same(format($$
	SELECT %1$s, flow, trade_share(value_usd, partner_code = 924), rank_partner(partner, value_usd, 'China, P.R.: Mainland'),
		   rank_partner(partner_code, value_usd, 924) AS code_rank, trade_profile(partner, value_usd)
	FROM dist.dots GROUP BY %1$s, flow$$, g),
				format('IMF DOTS 2016-2018: trade_share, rank_partner and trade_profile GROUP BY %s, flow equal the local table''s', g))
FROM unnest(ARRAY['year', 'reporter']) AS g;
SELECT tft.same($$
	WITH s AS (SELECT year, flow, trade_profile(reporter, value_usd) AS p FROM dist.dots GROUP BY year, flow)
	SELECT b.year, b.flow, pct_change(a.p, b.p), hhi(b.p), c.*
	FROM s AS a JOIN s AS b ON b.flow = a.flow AND b.year = a.year + 1,
		LATERAL contributions(a.p, b.p) AS c$$,
				'IMF DOTS: year-on-year pct_change, hhi and contributions of reporters'' profiles equal the local table''s');

-- the query of the issue that brought Citus in: equal to the local table,
-- and to plain SQL (the rank of P29's total among the partners' totals)
SELECT tft.same($$SELECT period, rank_partner(partner, v, 'P29') FROM dist.issue GROUP BY period$$,
				'rank_partner(partner, v, ''P29'') GROUP BY period over 200000 rows equals the local table''s');
SELECT bag_eq($$SELECT period, rank_partner(partner, v, 'P29') FROM dist.issue GROUP BY period
				HAVING rank_partner(partner, v, 'P29') IS NOT NULL$$,
			  $$SELECT period, rank FROM (SELECT period, partner, rank() OVER (PARTITION BY period ORDER BY sum(v) DESC)
										  FROM tft.issue GROUP BY period, partner) AS r
				WHERE partner = 'P29'$$,
			  'rank_partner(partner, v, ''P29'') GROUP BY period over 200000 distributed rows equals rank() of the partners'' sums');
SELECT is((SELECT count(*) FROM dist.issue WHERE partner = 'P29'), 1000::bigint, 'the issue''s table has P29 in some periods');

-- window functions.  A PARTITION BY with the distribution column runs on
-- the workers (the OVER clause is in each task's SQL); one without it
-- makes Citus fetch the rows and run the window on the coordinator
CREATE TEMP TABLE windows (expr text, tbl text, pushed boolean);
INSERT INTO windows VALUES
	('pct_change(v_num) OVER (PARTITION BY reporter, partner ORDER BY period)', 'flows', true),
	('pct_change(v_f8) OVER (PARTITION BY reporter, partner ORDER BY period)', 'flows', true),
	('pct_change(v_big) OVER (PARTITION BY reporter, partner ORDER BY period)', 'flows', true),
	('trade_share(v_num) OVER (PARTITION BY reporter, period)', 'flows', true),
	('trade_share(v_f8q) OVER (PARTITION BY reporter, period)', 'flows', true),
	('trade_share(v_big) OVER (PARTITION BY reporter, period)', 'flows', true),
	('trade_share(v_int) OVER (PARTITION BY reporter, period)', 'flows', true),
	('rank_partner(v_num) OVER (PARTITION BY reporter, period)', 'flows', true),
	('rank_partner(v_f8) OVER (PARTITION BY reporter, period)', 'flows', true),
	('rank_partner(v_big) OVER (PARTITION BY reporter, period)', 'flows', true),
	('pct_change(v_num, period, interval ''1 day'') OVER (PARTITION BY series ORDER BY period)', 'cal', true),
	('pct_change(v_f8, period_ts, ''7 days'') OVER (PARTITION BY series ORDER BY period)', 'cal', true),
	('pct_change(v_big, period_tz, interval ''1 month'', ''UTC'') OVER (PARTITION BY series ORDER BY period)', 'cal', true),
	('trade_share(v_num) OVER (PARTITION BY period)', 'flows', false),
	('rank_partner(v_num) OVER (PARTITION BY period)', 'flows', false),
	('pct_change(v_num) OVER (PARTITION BY partner ORDER BY period, reporter)', 'flows', false);

SELECT tft.same(format('SELECT id, %s AS w FROM dist.%s', expr, tbl),
				format('%s over dist.%s equals the local table''s', expr, tbl))
FROM windows ORDER BY pushed DESC, expr;
SELECT ok(CASE WHEN pushed THEN plan ~ 'Query: SELECT .* OVER \(PARTITION BY' AND plan !~ 'WindowAgg\s+Output: remote_scan'
			   ELSE plan ~ 'WindowAgg\s+Output: remote_scan' AND plan !~ 'Query: SELECT [^\n]* OVER ' END,
		  format(CASE WHEN pushed THEN '%s: the window runs on the workers'
					  ELSE '%s: not by the distribution column, Citus fetches the rows and runs the window on the coordinator' END,
				 expr))
FROM (SELECT expr, pushed, tft.vplan(format('SELECT id, %s AS w FROM dist.%s', expr, tbl)) AS plan FROM windows) AS p
ORDER BY pushed DESC, expr;

-- a reference table (a copy on every node) joined in, grouped by its
-- column: partial aggregation on the workers
SELECT tft.same($$
	SELECT region, trade_share(f.v_num, f.is_part), rank_partner(f.partner, f.v_big, 'P03'),
		   trade_profile(f.partner, f.v_num), total(trade_profile(f.partner_code, f.v_int))
	FROM dist.flows AS f JOIN dist.partners AS r USING (partner) GROUP BY region$$,
				'the aggregates over a distributed table joined with a reference table, GROUP BY its region, equal the local tables''');
SELECT ok(tft.vplan($$SELECT region, rank_partner(f.partner, f.v_big, 'P03') FROM dist.flows AS f
					  JOIN dist.partners AS r USING (partner) GROUP BY region$$)
		  ~ 'worker_partial_agg\(''public\.rank_partner\(.*JOIN dist\.partners_[0-9]+',
		  'the join with the reference table and partial aggregation run on the workers');

-- stored states and profiles in distributed tables, combined: by the
-- combining aggregates over the states and rollup() over the profiles; by
-- period on the coordinator (after partial combination on the workers),
-- by reporter on the workers
SELECT tft.same(format($$
	SELECT %1$s, combined_share(s.state), combined_rank(t.state), rollup(p.profile)
	FROM dist.share_states AS s JOIN dist.partner_totals AS t USING (reporter, period)
		JOIN dist.profiles AS p USING (reporter, period)
	GROUP BY %1$s$$, g),
				format('stored trade_share_state, partner_totals and trade_profile combined GROUP BY %s equal the local tables''', g))
FROM unnest(ARRAY['period', 'reporter']) AS g;
SELECT bag_eq($$SELECT period, combined_share(state) FROM dist.share_states GROUP BY period$$,
			  $$SELECT period, trade_share(v_num, is_part) FROM tft.flows GROUP BY period$$,
			  'stored trade_share_state combined by period equals trade_share over the rows');
SELECT bag_eq($$SELECT period, combined_rank(state) FROM dist.partner_totals GROUP BY period$$,
			  $$SELECT period, rank_partner(partner, v_num, 'P03') FROM tft.flows GROUP BY period$$,
			  'stored partner_totals combined by period equal rank_partner over the rows');
SELECT bag_eq($$SELECT period, rollup(profile) FROM dist.profiles GROUP BY period$$,
			  $$SELECT period, trade_profile(partner, v_num) FROM tft.flows GROUP BY period$$,
			  'stored trade_profile rolled up by period equal trade_profile over the rows');
SELECT ok(plan ~ format('worker_partial_agg\(''public\.%s\(', agg) AND plan ~ 'coord_combine_agg\(',
		  format('%s over stored values GROUP BY period: partial on the workers, combined on the coordinator', agg))
FROM (SELECT agg, tft.vplan(format('SELECT period, %s(%s) FROM dist.%s GROUP BY period', agg, col, tbl)) AS plan
	  FROM (VALUES ('combined_share', 'state', 'share_states'), ('combined_rank', 'state', 'partner_totals'),
				   ('rollup', 'profile', 'profiles')) AS a(agg, col, tbl)) AS p
ORDER BY agg;

-- parallel query inside each Citus worker: the settings of this
-- transaction go with its queries to the workers
-- (citus.propagate_set_commands), which run a tradeflow aggregate GROUP BY
-- the distribution column in parallel (Partial Aggregate under Gather in
-- each task).  worker_partial_agg is PARALLEL UNSAFE in Citus, so a GROUP
-- BY another column stays serial inside each task (Citus runs the tasks in
-- parallel); its answers must not change either
BEGIN;
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_leader_participation = off;

CREATE TEMP TABLE parallel_aggs (expr text, tbl text);
INSERT INTO parallel_aggs VALUES
	('trade_share(v, partner < ''P5'')', 'issue'),
	('rank_partner(partner, v, ''P29'')', 'issue'),
	('trade_profile(partner, v)', 'issue'),
	('rollup(profile)', 'profiles'),
	('combined_share(state)', 'share_states');

SELECT tft.same(format('SELECT %s, %s FROM dist.%s GROUP BY %1$s', g, expr, tbl),
				format('%s GROUP BY %s with parallel workers inside the Citus workers equals the local table''s', expr, g))
FROM parallel_aggs, unnest(ARRAY['reporter', 'period']) AS g ORDER BY g, expr;
SELECT ok(plan ~ 'Workers Launched: [1-9]' AND plan ~ 'Partial (Hash|Group)Aggregate',
		  format('%s GROUP BY reporter: parallel workers run the partial aggregate inside a Citus worker', expr))
FROM (SELECT expr, tft.analyzed(format('SELECT reporter, %s FROM dist.%s GROUP BY reporter', expr, tbl)) AS plan
	  FROM parallel_aggs) AS p ORDER BY expr;
SELECT ok(plan ~ 'worker_partial_agg\(' AND plan !~ 'Gather',
		  'rank_partner GROUP BY period: worker_partial_agg, PARALLEL UNSAFE, runs serial inside each task')
FROM tft.vplan($$SELECT period, rank_partner(partner, v, 'P29') FROM dist.issue GROUP BY period$$) AS plan;
SELECT tft.same($$
	SELECT region, trade_share(f.v_num, f.is_part), rank_partner(f.partner, f.v_big, 'P03'), trade_profile(f.partner, f.v_num)
	FROM dist.flows AS f JOIN dist.partners AS r USING (partner) GROUP BY region$$,
				'the join with the reference table GROUP BY region with parallel workers inside the Citus workers equals the local tables''');
SELECT tft.same($$
	SELECT reporter, region, trade_share(f.v_num, f.is_part), rank_partner(f.partner, f.v_big, 'P03'), trade_profile(f.partner, f.v_num)
	FROM dist.flows AS f JOIN dist.partners AS r USING (partner) GROUP BY reporter, region$$,
				'the join with the reference table GROUP BY reporter, region with parallel workers inside the Citus workers equals the local tables''');
COMMIT;
