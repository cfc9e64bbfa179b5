-- bench/spill.sql: the data and queries of bench/spill.sh.
--
-- psql variable rows.  spill.flows: rows with distinct dates in shuffled
-- order (period: one series of days, day number i * 7919 mod rows, a
-- permutation) and, for 20 partitions g of rows / 20 rows each, a series
-- of days per partition (period_g); numeric values with 1% NULLs and 1%
-- zeros.  spill.cases: each case's tradeflow query and the query it is
-- compared with (plain SQL, or the same query on the code before).

\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS spill CASCADE;
CREATE SCHEMA spill;
SELECT setseed(0.42);

CREATE TABLE spill.flows AS
SELECT i AS id, 1 AS one, (i % 20)::int AS g,
	   date '1900-01-01' + ((i * 7919) % :rows)::int AS period,
	   (date '1900-01-01' + ((i * 7919) % :rows)::int)::timestamptz AS period_tz,
	   date '1900-01-01' + (i / 20)::int AS period_g,
	   CASE WHEN i % 100 = 0 THEN NULL
			WHEN i % 100 = 1 THEN 0
			ELSE round((random() * 1e6)::numeric, 2) END AS value
FROM generate_series(0, :rows - 1::bigint) AS i;
VACUUM ANALYZE spill.flows;

CREATE TABLE spill.cases (
	ord			int PRIMARY KEY,
	name		text NOT NULL,
	tradeflow	text NOT NULL,
	versus		text NOT NULL,			-- 'before': the same query on the code before
	versus_name	text NOT NULL
);

INSERT INTO spill.cases VALUES
(1, 'rank_partner(value) OVER (PARTITION BY g), 20 partitions that fit',
 $$SELECT id, rank_partner(value) OVER (PARTITION BY g) AS x FROM spill.flows$$,
 'before', 'the code before'),
(2, 'pct_change(value, period_g, ''1 day'') OVER (PARTITION BY g), 20 partitions that fit',
 $$SELECT id, pct_change(value, period_g, '1 day') OVER (PARTITION BY g) AS x FROM spill.flows$$,
 'before', 'the code before'),
(3, 'rank_partner(value) OVER (PARTITION BY one), one partition, spills',
 $$SELECT id, rank_partner(value) OVER (PARTITION BY one) AS x FROM spill.flows$$,
 $$SELECT id, CASE WHEN value IS NOT NULL
				   THEN rank() OVER (PARTITION BY one ORDER BY value DESC NULLS LAST) END AS x
   FROM spill.flows$$,
 'rank() OVER (PARTITION BY one ORDER BY value DESC)'),
(4, 'rank_partner(value) OVER (PARTITION BY one), one partition',
 $$SELECT id, rank_partner(value) OVER (PARTITION BY one) AS x FROM spill.flows$$,
 'before', 'the code before (in memory)'),
(5, 'pct_change(value, period, ''1 day'') OVER (PARTITION BY one), one partition, spills',
 $$SELECT id, pct_change(value, period, '1 day') OVER (PARTITION BY one) AS x FROM spill.flows$$,
 $$SELECT c.id, c.value / nullif(p.value, 0) - 1 AS x
   FROM spill.flows c LEFT JOIN spill.flows p ON p.one = c.one AND p.period = c.period - 1$$,
 'self-join on period - 1 day'),
(6, 'pct_change(value, period, ''1 day'') OVER (PARTITION BY one), one partition',
 $$SELECT id, pct_change(value, period, '1 day') OVER (PARTITION BY one) AS x FROM spill.flows$$,
 'before', 'the code before (in memory)'),
(7, 'pct_change(value, period_tz, ''1 day'') OVER (PARTITION BY one), one partition, spills (sort by period - step)',
 $$SELECT id, pct_change(value, period_tz, '1 day') OVER (PARTITION BY one) AS x FROM spill.flows$$,
 $$SELECT c.id, c.value / nullif(p.value, 0) - 1 AS x
   FROM spill.flows c LEFT JOIN spill.flows p
	 ON p.one = c.one AND p.period_tz = c.period_tz - interval '1 day'$$,
 'self-join on period_tz - 1 day');

-- Rows where two queries of (id, x) differ by more than 1e-12 (relative
-- above 1): the numeric plain-SQL forms divide in numeric, tradeflow in
-- double precision.
CREATE FUNCTION spill.mismatches(a text, b text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	EXECUTE format($q$
		SELECT count(*) FROM (SELECT a.x::float8 AS ax, b.x::float8 AS bx
							  FROM (%s) AS a FULL JOIN (%s) AS b USING (id)) AS j
		WHERE NOT (ax IS NOT DISTINCT FROM bx OR abs(ax - bx) <= 1e-12 * greatest(1, abs(ax), abs(bx)))
	$q$, a, b) INTO n;
	RETURN n;
END
$$;
