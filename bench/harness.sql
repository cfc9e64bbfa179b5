-- bench/harness.sql: times and checks the cases of bench/cases.sql.
--
-- Each query is run with EXPLAIN (ANALYZE, TIMING OFF), which executes it
-- completely but sends no rows to the client, and its execution time is
-- kept.  Forms of one capability run one after another, in alternating
-- order from one run to the next; the report gives medians.

\set ON_ERROR_STOP on

CREATE TABLE bench.timings (ord int, run int, ms float8, workers int);
CREATE TABLE bench.checks (ord int, rows bigint, mismatches bigint);

-- Runs a query to completion; returns its execution time and the number
-- of parallel workers launched.
CREATE FUNCTION bench.measure(query text, parallel boolean,
							  OUT ms float8, OUT workers int)
LANGUAGE plpgsql AS $$
DECLARE
	plan jsonb;
BEGIN
	PERFORM set_config('max_parallel_workers_per_gather',
					   CASE WHEN parallel THEN '2' ELSE '0' END, false);
	EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF, FORMAT JSON) ' || query INTO plan;
	ms := (plan -> 0 ->> 'Execution Time')::float8;
	workers := coalesce((SELECT sum(w::text::int)
						 FROM jsonb_path_query(plan, 'strict $.**."Workers Launched"') AS w), 0);
END
$$;

-- Times every case runs times.
CREATE FUNCTION bench.run(runs int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	r int;
	c record;
	m record;
BEGIN
	FOR r IN 1 .. runs LOOP
		FOR c IN SELECT ord, capability, form, parallel, query FROM bench.cases
				 ORDER BY capability, parallel,
						  CASE WHEN r % 2 = 1 THEN ord ELSE -ord END LOOP
			m := bench.measure(c.query, c.parallel);
			INSERT INTO bench.timings VALUES (c.ord, r, m.ms, m.workers);
			RAISE NOTICE 'run %: % | % | %: % s', r, c.capability,
				CASE WHEN c.parallel THEN 'parallel' ELSE 'serial' END, c.form,
				round((m.ms / 1000)::numeric, 3);
		END LOOP;
	END LOOP;
END
$$;

-- Checks every plain-SQL form against the tradeflow form of its capability,
-- row by row on their keys: equal, or within 1e-12 (relative above 1).
CREATE FUNCTION bench.check() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	c record;
	n record;
BEGIN
	PERFORM set_config('max_parallel_workers_per_gather', '2', false);
	FOR c IN SELECT p.ord, p.capability, p.form, p.keys, t.query AS tq, p.query AS pq
			 FROM bench.cases p JOIN bench.cases t
			   ON t.capability = p.capability AND t.form = 'tradeflow' AND NOT t.parallel
			 WHERE p.form NOT IN ('tradeflow', 'floor') AND NOT p.parallel
			 ORDER BY p.ord LOOP
		EXECUTE format($q$
			SELECT count(*) AS rows,
				   count(*) FILTER (WHERE NOT (ax IS NOT DISTINCT FROM bx OR
						abs(ax - bx) <= 1e-12 * greatest(1, abs(ax), abs(bx)))) AS mismatches
			FROM (SELECT a.x::float8 AS ax, b.x::float8 AS bx
				  FROM (%s) AS a FULL JOIN (%s) AS b USING (%s)) AS j$q$,
			c.tq, c.pq, c.keys) INTO n;
		INSERT INTO bench.checks VALUES (c.ord, n.rows, n.mismatches);
		RAISE NOTICE 'check: % | %: % rows, % differ', c.capability, c.form, n.rows, n.mismatches;
	END LOOP;
END
$$;

-- The report, as Markdown: medians, and each plain-SQL form's time over
-- tradeflow's (above 1: tradeflow is faster), tradeflow's over its floor.
CREATE VIEW bench.medians AS
SELECT c.ord, c.capability, c.form, c.parallel,
	   percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) / 1000 AS s,
	   max(t.workers) AS workers
FROM bench.cases c JOIN bench.timings t USING (ord)
GROUP BY c.ord, c.capability, c.form, c.parallel;

CREATE VIEW bench.report AS
WITH m AS (SELECT * FROM bench.medians),
tf AS (SELECT * FROM m WHERE form = 'tradeflow'),
floors AS (SELECT * FROM m WHERE form = 'floor')
SELECT p.ord,
	   format('| %s | %s | %s | %s | %s | %s | %s |',
			  tf.capability,
			  CASE WHEN tf.parallel THEN format('parallel (%s workers)', tf.workers) ELSE 'serial' END,
			  p.form,
			  to_char(p.s, 'FM990.000'),
			  to_char(tf.s, 'FM990.000'),
			  to_char(p.s / tf.s, 'FM990.00') || 'x',
			  coalesce((SELECT to_char(tf.s / f.s, 'FM990.00') || 'x (' ||
							   replace(f.capability, 'floor: ', '') || ')'
						FROM floors f
						WHERE f.parallel = tf.parallel AND f.capability =
							  CASE WHEN tf.capability LIKE 'pct_change%' THEN 'floor: window sort per series'
								   WHEN tf.capability LIKE '%window%' THEN 'floor: window sort per reporter, flow, period'
								   ELSE 'floor: sum() GROUP BY reporter, flow, period' END ||
							  CASE WHEN tf.capability LIKE '%(index order)' THEN ' (index order)' ELSE '' END),
					   '')) ||
	   coalesce((SELECT CASE WHEN k.mismatches = 0 THEN '' ELSE format(' **%s of %s rows differ**', k.mismatches, k.rows) END
				 FROM bench.checks k WHERE k.ord = p.ord), '') AS line
FROM m AS p JOIN tf ON tf.capability = p.capability AND tf.parallel = p.parallel
WHERE p.form NOT IN ('tradeflow', 'floor')
UNION ALL
SELECT f.ord, format('| %s | %s | | | %s | | |', f.capability,
					 CASE WHEN f.parallel THEN format('parallel (%s workers)', f.workers) ELSE 'serial' END,
					 to_char(f.s, 'FM990.000'))
FROM floors f;
