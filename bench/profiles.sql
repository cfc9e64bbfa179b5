-- bench/profiles.sql: partner profiles against the plain SQL a DBA would
-- write for the same dashboards and refreshes (bench/profiles.sh runs it).
--
-- psql variables: rows (approximate number of product rows), seed.
--
-- The data: a customs table by product, bench.products (reporter, flow,
-- period, partner, hs, value): reporters x 180 partners x 2 flows x 36
-- months, each reporter-partner-flow trading a skewed number of the 97 HS
-- chapters (1 to 40, most few), about 90% of months present, values
-- log-normal over about ten orders of magnitude, numeric(18,2).  Partner
-- 'PRK' is one of the smallest.  bench.cells has as many rows with one
-- row per partner per (reporter, flow, month), the shape of the seed
-- story's data (and about 3% of partners missing in a month).
--
-- What is compared (bench.cases; each case a statement, timed whole):
--   build       monthly profiles, trade_profile(partner, value) GROUP BY
--               reporter, flow, month, against the same information in plain
--               SQL, sum(value) GROUP BY reporter, flow, month, partner
--   dashboard   for every reporter, flow and year: PRK's share and rank, the
--               top five partners with their shares, the HHI; from stored
--               yearly profiles, against plain SQL on the raw rows and on a
--               plain summary table of the monthly partner sums
--   refresh     after a new month: upsert that month's profiles and its
--               year's rollup, against REFRESH MATERIALIZED VIEW of the
--               plain summary (and an upsert of the summary's new month)
--   rank        rank_partner(partner, value, 'PRK') GROUP BY cell against
--               the plain join that counts larger partners, on one row per
--               partner (cells) and on many product rows per partner
-- Every tradeflow form is first checked equal to its plain forms.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
SELECT setseed(:seed);

-- reporters, so that the table has about :rows rows (about 121 000 a reporter)
SELECT greatest(2, round(:rows / 121000.0))::int AS reporters \gset

CREATE TABLE bench.pairs AS
SELECT r, f, p,
	   least(40, greatest(1, floor(exp(random() * 3.7))))::int AS products,
	   CASE WHEN p = 1 THEN 0.01 ELSE 1 END *
	   exp(2.5 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) * 1000 AS scale
FROM generate_series(1, :reporters) AS r, (VALUES ('X'), ('M')) AS flows(f),
	 generate_series(1, 180) AS p;

CREATE TABLE bench.products (
	reporter text COLLATE "C" NOT NULL,
	flow text COLLATE "C" NOT NULL,
	period date NOT NULL,
	partner text COLLATE "C" NOT NULL,
	hs text COLLATE "C" NOT NULL,
	value numeric(18,2)
);
INSERT INTO bench.products
SELECT 'R' || lpad(r::text, 3, '0'), f, (date '2021-01-01' + m * interval '1 month')::date,
	   CASE WHEN p = 1 THEN 'PRK' ELSE 'P' || lpad(p::text, 3, '0') END,
	   lpad(((h * 37 + p) % 97 + 1)::text, 2, '0'),
	   round((scale * exp(1.5 * random()) / h)::numeric, 2)
FROM bench.pairs, generate_series(1, products) AS h, generate_series(0, 35) AS m
WHERE random() < 0.9;
-- a customs table loaded month by month is indexed by period: the refresh
-- of a new month (profiles and the plain summary's upsert alike) reads that
-- month only
CREATE INDEX ON bench.products (period);
VACUUM ANALYZE bench.products;

-- one row per partner per cell, as many rows: more reporters, no products
SELECT greatest(2, round(:rows / 12600.0))::int AS cell_reporters \gset
CREATE TABLE bench.cells AS
SELECT 'R' || lpad(r::text, 3, '0') AS reporter, f AS flow,
	   (date '2021-01-01' + m * interval '1 month')::date AS period,
	   CASE WHEN p = 1 THEN 'PRK' ELSE 'P' || lpad(p::text, 3, '0') END AS partner,
	   round((exp(2.5 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) * 1000
			  * CASE WHEN p = 1 THEN 0.01 ELSE 1 END)::numeric, 2)::numeric(18,2) AS value
FROM generate_series(1, :cell_reporters) AS r, (VALUES ('X'), ('M')) AS flows(f),
	 generate_series(1, 180) AS p, generate_series(0, 35) AS m
WHERE random() < 0.97;
VACUUM ANALYZE bench.cells;

-- what tradeflow stores: monthly profiles, and years as their rollup
CREATE TABLE bench.profile_month (
	reporter text COLLATE "C", flow text COLLATE "C", period date,
	profile trade_profile NOT NULL,
	PRIMARY KEY (reporter, flow, period)
);
INSERT INTO bench.profile_month
SELECT reporter, flow, period, trade_profile(partner, value)
FROM bench.products GROUP BY reporter, flow, period;
CREATE TABLE bench.profile_year (
	reporter text COLLATE "C", flow text COLLATE "C", year date,
	profile trade_profile NOT NULL,
	PRIMARY KEY (reporter, flow, year)
);
INSERT INTO bench.profile_year
SELECT reporter, flow, date_trunc('year', period)::date, rollup(profile)
FROM bench.profile_month GROUP BY 1, 2, 3;

-- what a DBA would build without tradeflow: the monthly partner sums, as a
-- table and as a materialized view
CREATE TABLE bench.summary_month (
	reporter text COLLATE "C", flow text COLLATE "C", period date, partner text COLLATE "C",
	value numeric,
	PRIMARY KEY (reporter, flow, period, partner)
);
INSERT INTO bench.summary_month
SELECT reporter, flow, period, partner, sum(value)
FROM bench.products GROUP BY 1, 2, 3, 4;
CREATE MATERIALIZED VIEW bench.summary_mv AS
SELECT reporter, flow, period, partner, sum(value) AS value
FROM bench.products GROUP BY 1, 2, 3, 4;
CREATE UNIQUE INDEX ON bench.summary_mv (reporter, flow, period, partner);
VACUUM ANALYZE bench.profile_month, bench.profile_year, bench.summary_month, bench.summary_mv;

SELECT max(period) AS new_month FROM bench.products \gset

--
-- The cases
--
CREATE TABLE bench.cases (
	ord serial,
	capability text NOT NULL,
	form text NOT NULL,			-- 'tradeflow' or a plain-SQL form
	work_mem text NOT NULL,
	parallel boolean NOT NULL DEFAULT true,
	statement text NOT NULL,
	result text					-- a query of (key, x) rows to check, if any
);

-- the dashboard, from yearly profiles and from partner sums by year
CREATE VIEW bench.dashboard_tradeflow AS
SELECT reporter, flow, year,
	   trade_share(profile, 'PRK') AS prk_share,
	   rank_partner(profile, 'PRK') AS prk_rank,
	   hhi(profile) AS hhi,
	   (SELECT array_agg(partner ORDER BY rank, partner) FROM top_partners(profile, 5)) AS top5,
	   (SELECT array_agg(share ORDER BY rank, partner) FROM top_partners(profile, 5)) AS top5_shares
FROM bench.profile_year;

CREATE FUNCTION bench.dashboard_sql(yearly_sums text) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
SELECT format($q$
WITH y AS (%s),
r AS (SELECT reporter, flow, year, partner, value,
			 sum(value) OVER w AS total,
			 rank() OVER (PARTITION BY reporter, flow, year ORDER BY value DESC) AS rank
	  FROM y WINDOW w AS (PARTITION BY reporter, flow, year))
SELECT reporter, flow, year,
	   coalesce(max(value) FILTER (WHERE partner = 'PRK'), 0)::float8 / nullif(max(total), 0)::float8 AS prk_share,
	   max(rank) FILTER (WHERE partner = 'PRK') AS prk_rank,
	   sum((value / nullif(total, 0))::float8 ^ 2) AS hhi,
	   array_agg(partner ORDER BY rank, partner) FILTER (WHERE rank <= 5) AS top5,
	   array_agg((value::float8 / nullif(total, 0)::float8) ORDER BY rank, partner) FILTER (WHERE rank <= 5) AS top5_shares
FROM r GROUP BY reporter, flow, year$q$, yearly_sums)
$f$;

INSERT INTO bench.cases (capability, form, work_mem, statement, result)
SELECT c.capability, c.form, w.work_mem, c.statement, c.result
FROM (VALUES ('4MB'), ('256MB')) AS w(work_mem),
(VALUES
('build monthly profiles', 'tradeflow',
 $$CREATE TABLE bench.built AS SELECT reporter, flow, period, trade_profile(partner, value) AS profile
   FROM bench.products GROUP BY reporter, flow, period$$, NULL),
('build monthly profiles', 'sum() GROUP BY ..., partner',
 $$CREATE TABLE bench.built AS SELECT reporter, flow, period, partner, sum(value) AS value
   FROM bench.products GROUP BY reporter, flow, period, partner$$, NULL),
('dashboard', 'tradeflow',
 'SELECT * FROM bench.dashboard_tradeflow', 'SELECT * FROM bench.dashboard_tradeflow'),
('dashboard', 'plain SQL on the raw rows',
 bench.dashboard_sql($$SELECT reporter, flow, date_trunc('year', period)::date AS year, partner, sum(value) AS value
					   FROM bench.products GROUP BY 1, 2, 3, 4$$),
 bench.dashboard_sql($$SELECT reporter, flow, date_trunc('year', period)::date AS year, partner, sum(value) AS value
					   FROM bench.products GROUP BY 1, 2, 3, 4$$)),
('dashboard', 'plain SQL on the summary table',
 bench.dashboard_sql($$SELECT reporter, flow, date_trunc('year', period)::date AS year, partner, sum(value) AS value
					   FROM bench.summary_month GROUP BY 1, 2, 3, 4$$),
 bench.dashboard_sql($$SELECT reporter, flow, date_trunc('year', period)::date AS year, partner, sum(value) AS value
					   FROM bench.summary_month GROUP BY 1, 2, 3, 4$$)),
('refresh after a new month', 'tradeflow',
 format($$INSERT INTO bench.profile_month
   SELECT reporter, flow, period, trade_profile(partner, value) FROM bench.products
   WHERE period = %1$L GROUP BY reporter, flow, period
   ON CONFLICT (reporter, flow, period) DO UPDATE SET profile = EXCLUDED.profile;
   INSERT INTO bench.profile_year
   SELECT reporter, flow, date_trunc('year', period)::date, rollup(profile) FROM bench.profile_month
   WHERE period >= date_trunc('year', %1$L::date) AND period < date_trunc('year', %1$L::date) + interval '1 year'
   GROUP BY 1, 2, 3
   ON CONFLICT (reporter, flow, year) DO UPDATE SET profile = EXCLUDED.profile$$, :'new_month'), NULL),
('refresh after a new month', 'REFRESH MATERIALIZED VIEW of the summary',
 'REFRESH MATERIALIZED VIEW bench.summary_mv', NULL),
('refresh after a new month', 'upsert of the summary''s new month',
 format($$INSERT INTO bench.summary_month
   SELECT reporter, flow, period, partner, sum(value) FROM bench.products
   WHERE period = %L GROUP BY 1, 2, 3, 4
   ON CONFLICT (reporter, flow, period, partner) DO UPDATE SET value = EXCLUDED.value$$, :'new_month'), NULL),
('rank_partner aggregate, one row per partner', 'tradeflow',
 $$SELECT reporter, flow, period, rank_partner(partner, value, 'PRK') AS x
   FROM bench.cells GROUP BY reporter, flow, period$$,
 $$SELECT reporter || flow || period AS k, rank_partner(partner, value, 'PRK') AS x
   FROM bench.cells GROUP BY reporter, flow, period$$),
('rank_partner aggregate, one row per partner', 'join counting larger partners',
 $$SELECT a.reporter, a.flow, a.period, count(b.value) + 1 AS x
   FROM bench.cells a LEFT JOIN bench.cells b
	 ON b.reporter = a.reporter AND b.flow = a.flow AND b.period = a.period AND b.value > a.value
   WHERE a.partner = 'PRK' GROUP BY a.reporter, a.flow, a.period$$,
 $$SELECT a.reporter || a.flow || a.period AS k, count(b.value) + 1 AS x
   FROM bench.cells a LEFT JOIN bench.cells b
	 ON b.reporter = a.reporter AND b.flow = a.flow AND b.period = a.period AND b.value > a.value
   WHERE a.partner = 'PRK' GROUP BY a.reporter, a.flow, a.period$$),
('rank_partner aggregate, one row per partner', 'rank() over GROUP BY partner',
 $$SELECT reporter, flow, period, rank AS x FROM (
	 SELECT reporter, flow, period, partner, rank() OVER (PARTITION BY reporter, flow, period ORDER BY sum(value) DESC) AS rank
	 FROM bench.cells GROUP BY reporter, flow, period, partner) s WHERE partner = 'PRK'$$, NULL),
('rank_partner aggregate, product rows', 'tradeflow',
 $$SELECT reporter, flow, period, rank_partner(partner, value, 'PRK') AS x
   FROM bench.products GROUP BY reporter, flow, period$$,
 $$SELECT reporter || flow || period AS k, rank_partner(partner, value, 'PRK') AS x
   FROM bench.products GROUP BY reporter, flow, period$$),
('rank_partner aggregate, product rows', 'rank() over GROUP BY partner',
 $$SELECT reporter, flow, period, rank AS x FROM (
	 SELECT reporter, flow, period, partner, rank() OVER (PARTITION BY reporter, flow, period ORDER BY sum(value) DESC) AS rank
	 FROM bench.products GROUP BY reporter, flow, period, partner) s WHERE partner = 'PRK'$$,
 $$SELECT reporter || flow || period AS k, rank AS x FROM (
	 SELECT reporter, flow, period, partner, rank() OVER (PARTITION BY reporter, flow, period ORDER BY sum(value) DESC) AS rank
	 FROM bench.products GROUP BY reporter, flow, period, partner) s WHERE partner = 'PRK'$$)
) AS c(capability, form, statement, result);

-- serial runs of the rank_partner cases too: their parallel plans pass
-- whole per-partner states through Gather
INSERT INTO bench.cases (capability, form, work_mem, parallel, statement, result)
SELECT capability, form, work_mem, false, statement, result FROM bench.cases
WHERE capability LIKE 'rank_partner%' ORDER BY ord;

CREATE TABLE bench.timings (ord int, run int, ms float8);

-- Runs a statement with the case's settings; returns its wall time in ms.
CREATE FUNCTION bench.time_case(c bench.cases) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	ms float8;
BEGIN
	PERFORM set_config('work_mem', c.work_mem, false);
	PERFORM set_config('max_parallel_workers_per_gather', CASE WHEN c.parallel THEN '2' ELSE '0' END, false);
	DROP TABLE IF EXISTS bench.built;
	t0 := clock_timestamp();
	IF c.statement ~* '^\s*SELECT' THEN
		EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) ' || c.statement;
	ELSE
		EXECUTE c.statement;
	END IF;
	ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
	DROP TABLE IF EXISTS bench.built;
	RETURN ms;
END
$$;

-- Checks each plain form with a result query against the tradeflow form of
-- its capability: the same keys, and x equal within 1e-12.
CREATE FUNCTION bench.check() RETURNS TABLE (capability text, form text, rows bigint, differ bigint)
LANGUAGE plpgsql AS $$
DECLARE
	c record;
BEGIN
	RESET work_mem;
	FOR c IN SELECT p.capability, p.form, t.result AS tq, p.result AS pq
			 FROM bench.cases p JOIN bench.cases t
			   ON t.capability = p.capability AND t.form = 'tradeflow' AND t.work_mem = p.work_mem
				  AND t.parallel = p.parallel
			 WHERE p.form <> 'tradeflow' AND p.result IS NOT NULL AND p.work_mem = '4MB' AND p.parallel
			 ORDER BY p.ord LOOP
		capability := c.capability;
		form := c.form;
		IF c.capability = 'dashboard' THEN
			EXECUTE format($q$
				SELECT count(*), count(*) FILTER (WHERE a.reporter IS NULL OR b.reporter IS NULL
					OR NOT (a.prk_rank IS NOT DISTINCT FROM b.prk_rank AND a.top5 = b.top5
							AND abs(a.prk_share - b.prk_share) <= 1e-12 * greatest(1e-300, abs(b.prk_share))
							AND abs(a.hhi - b.hhi) <= 1e-12 * abs(b.hhi)
							AND (SELECT bool_and(abs(x - y) <= 1e-12 * abs(y))
								 FROM unnest(a.top5_shares, b.top5_shares) AS u(x, y))))
				FROM (%s) a FULL JOIN (%s) b USING (reporter, flow, year)$q$, c.tq, c.pq)
				INTO rows, differ;
		ELSE
			EXECUTE format($q$
				SELECT count(*), count(*) FILTER (WHERE a.x IS DISTINCT FROM b.x)
				FROM (%s) a FULL JOIN (%s) b USING (k)
				WHERE NOT (b.k IS NULL AND a.x IS NULL)	-- no target in the cell$q$, c.tq, c.pq)
				INTO rows, differ;
		END IF;
		RETURN NEXT;
	END LOOP;
END
$$;

CREATE FUNCTION bench.run(runs int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	r int;
	c bench.cases;
	ms float8;
BEGIN
	FOR r IN 1 .. runs LOOP
		FOR c IN SELECT * FROM bench.cases
				 ORDER BY capability, work_mem, parallel, CASE WHEN r % 2 = 1 THEN ord ELSE -ord END LOOP
			ms := bench.time_case(c);
			INSERT INTO bench.timings VALUES (c.ord, r, ms);
			RAISE NOTICE 'run %: % | % | % | %: % s', r, c.capability, c.work_mem,
				CASE WHEN c.parallel THEN 'parallel' ELSE 'serial' END, c.form, round((ms / 1000)::numeric, 3);
		END LOOP;
	END LOOP;
END
$$;

CREATE VIEW bench.medians AS
SELECT c.ord, c.capability, c.form, c.work_mem, c.parallel,
	   percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) / 1000 AS s
FROM bench.cases c JOIN bench.timings t USING (ord)
GROUP BY c.ord, c.capability, c.form, c.work_mem, c.parallel;

CREATE VIEW bench.report AS
SELECT p.ord,
	   format('| %s | %s | %s | %s | %s | %s | %s |', tf.capability, tf.work_mem,
			  CASE WHEN tf.parallel THEN 'parallel' ELSE 'serial' END, p.form,
			  to_char(p.s, 'FM990.000'), to_char(tf.s, 'FM990.000'),
			  to_char(p.s / tf.s, 'FM99990.0') || 'x') AS line
FROM bench.medians p JOIN bench.medians tf
  ON tf.capability = p.capability AND tf.work_mem = p.work_mem AND tf.parallel = p.parallel
	 AND tf.form = 'tradeflow'
WHERE p.form <> 'tradeflow';

-- storage of a month's trade: the profiles against the summary
CREATE VIEW bench.storage AS
SELECT 'monthly profiles (bench.profile_month, with its primary key)' AS what,
	   pg_total_relation_size('bench.profile_month') AS bytes,
	   (SELECT count(*) FROM bench.profile_month) AS rows
UNION ALL
SELECT 'monthly partner sums (bench.summary_month, with its primary key)',
	   pg_total_relation_size('bench.summary_month'), (SELECT count(*) FROM bench.summary_month)
UNION ALL
SELECT 'the product rows (bench.products)',
	   pg_total_relation_size('bench.products'), (SELECT count(*) FROM bench.products);
