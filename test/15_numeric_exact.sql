-- test/15_numeric_exact.sql: numeric values on both sides of the 128-bit path
--
-- Numeric values whose digits fit 38 decimal places are read and totalled
-- as scaled 128-bit integers; others (NaN, infinities, more digits, larger
-- scales, totals that outgrow 128 bits) take PostgreSQL's numeric
-- arithmetic.  Each property compares the result with PostgreSQL's own
-- numeric arithmetic, exactly: the results must be the same double
-- precision values, not merely close ones.

\set tf_data off
\i test/fixtures/setup.psql

SELECT plan(11);

-- the states the aggregates keep, as aggregates of their own:
-- pg_temp.share_state(value, is_part), pg_temp.totals_state(partner, value, target)
\i test/fixtures/state_aggregates.psql

-- groups of values around each edge of the fast path
CREATE TEMP TABLE edge (grp int, partner text, v numeric);
INSERT INTO edge VALUES
	-- mixed display scales: the total takes the largest
	(1, 'a', 1.5), (1, 'b', 0.25), (1, 'c', 1000000000000), (1, 'd', -0.001),
	(1, 'a', 7.125),
	-- values near 10^38: their total outgrows 128 bits part way
	(2, 'a', 90000000000000000000000000000000000000),
	(2, 'b', 90000000000000000000000000000000000000),
	(2, 'c', -10000000000000000000000000000000000001),
	(2, 'a', 1.5),
	-- more than 38 digits (120: more than the previous-row form keeps), and
	-- scales beyond 38
	(3, 'a', 123456789012345678901234567890123456789012345),
	(3, 'ab', 1e119 + 1),
	(3, 'b', 0.0000000000000000000000000000000000000000001),
	(3, 'c', 1),
	(3, 'c', 0.5),
	-- 2^53 and its neighbours, where double precision stops being exact
	(4, 'a', 9007199254740993), (4, 'b', 9007199254740992),
	(4, 'c', 9007199254740991.5), (4, 'a', 0.000001),
	-- very small values with large scales
	(5, 'a', 0.00000000000000000000000000000000000001),
	(5, 'b', 0.00000000000000000000000000000000000003),
	(5, 'c', 0.00000000000000000000000000000000000002),
	-- NaN joins a total
	(6, 'a', 'NaN'), (6, 'b', 2.5), (6, 'c', 1),
	-- Infinity
	(7, 'a', 'Infinity'), (7, 'b', 2), (7, 'c', -3),
	-- totals of exactly zero at different scales
	(8, 'a', 1.10), (8, 'b', -1.1), (8, 'c', 0.000),
	-- values that differ only in the last of many digits
	(9, 'a', 7026845736.000000000000000000000001),
	(9, 'b', 7026845736),
	(9, 'c', 7026845736.000000000000000000000002);

SELECT is_empty($$
	SELECT grp, partner, v, got, want FROM (
		SELECT grp, partner, v, trade_share(v) OVER (PARTITION BY grp) AS got,
			   v::float8 / nullif(sum(v) OVER (PARTITION BY grp), 0)::float8 AS want
		FROM edge) AS r
	WHERE got IS DISTINCT FROM want$$,
	'trade_share window: v::float8 / (exact total)::float8 at every edge');

SELECT is_empty($$
	SELECT grp, p.partner, got, want FROM (VALUES ('a'), ('b'), ('c')) AS p(partner),
		LATERAL (SELECT grp, trade_share(v, partner = p.partner) AS got,
						(coalesce(sum(v) FILTER (WHERE partner = p.partner), 0))::float8 /
						nullif(sum(v), 0)::float8 AS want
				 FROM edge GROUP BY grp) AS r
	WHERE got IS DISTINCT FROM want$$,
	'trade_share aggregate: (exact part)::float8 / (exact whole)::float8 at every edge, each partner');

SELECT ok((SELECT trade_share(v, partner = 'a') IS NULL FROM edge WHERE grp = 8),
		  'a total of exactly zero (1.10 - 1.1 + 0 at scales 2 and 1) gives NULL');

-- rank_partner aggregate against GROUP BY partner then rank()
SELECT is_empty($$
	WITH totals AS (
		SELECT grp, partner, sum(v) AS total FROM edge GROUP BY grp, partner),
	ranked AS (
		SELECT grp, partner, rank() OVER (PARTITION BY grp ORDER BY total DESC) AS r
		FROM totals),
	want AS (
		SELECT t.grp, p.partner, r.r AS want
		FROM (SELECT DISTINCT grp FROM edge) t
		CROSS JOIN (VALUES ('a'), ('b'), ('c'), ('d')) p(partner)
		LEFT JOIN ranked r ON r.grp = t.grp AND r.partner = p.partner)
	SELECT w.grp, w.partner, got, want
	FROM want w,
		 LATERAL (SELECT rank_partner(e.partner, e.v, w.partner) AS got
				  FROM edge e WHERE e.grp = w.grp) g
	WHERE got IS DISTINCT FROM want$$,
	'rank_partner aggregate: same rank as rank() over exact numeric totals at every edge');

SELECT is(rank_partner(partner, v, 'a'), 2::bigint,
		  'totals that differ only in the 24th decimal place rank apart')
FROM edge WHERE grp = 9;

-- pct_change: the exact difference, then one division in double precision
CREATE TEMP TABLE pairs AS
SELECT a.v AS previous, b.v AS current
FROM edge a CROSS JOIN edge b;

SELECT is_empty($$
	SELECT previous, current, got, want FROM (
		SELECT previous, current, pct_change(previous, current) AS got,
			   CASE WHEN previous = 0 THEN NULL
					WHEN previous IN ('NaN', 'Infinity') OR current IN ('NaN', 'Infinity')
					THEN current::float8 / previous::float8 - 1
					ELSE (current - previous)::float8 / previous::float8 END AS want
		FROM pairs) AS r
	WHERE got IS DISTINCT FROM want$$,
	'pct_change(numeric, numeric): (current - previous)::float8 / previous::float8 for every pair of edge values');

SELECT is(pct_change(7026845736::numeric, 7026845737::numeric),
		  (1::numeric)::float8 / 7026845736::float8,
		  'pct_change of close 10-digit values keeps its digits');

SELECT is(pct_change(0.00::numeric, 1.5), NULL, 'pct_change from a zero at scale 2 is NULL');

-- the window forms use the same arithmetic
SELECT is_empty($$
	SELECT grp, partner, v, got, want FROM (
		SELECT grp, partner, v,
			   pct_change(v) OVER (PARTITION BY grp ORDER BY partner, v) AS got,
			   CASE WHEN lag(v) OVER w = 0 THEN NULL
					WHEN lag(v) OVER w IN ('NaN', 'Infinity') OR v IN ('NaN', 'Infinity')
					THEN v::float8 / (lag(v) OVER w)::float8 - 1
					ELSE (v - lag(v) OVER w)::float8 / (lag(v) OVER w)::float8 END AS want
		FROM edge
		WINDOW w AS (PARTITION BY grp ORDER BY partner, v)) AS r
	WHERE got IS DISTINCT FROM want$$,
	'pct_change(value) OVER: the same exact difference as the scalar form');

-- a numeric total read back from its text form keeps its exact value
SELECT is_empty($$
	SELECT grp FROM (
		SELECT grp, pg_temp.share_state(v, partner = 'a') AS s
		FROM edge GROUP BY grp) x
	WHERE s::text::trade_share_state::text <> s::text$$,
	'trade_share_state text round trip at every edge');

SELECT is_empty($$
	SELECT grp FROM (
		SELECT grp, pg_temp.totals_state(partner, v, 'a') AS s FROM edge GROUP BY grp) x
	WHERE s::text::partner_totals::text <> s::text$$,
	'partner_totals text round trip at every edge');

SELECT * FROM finish();
ROLLBACK;
