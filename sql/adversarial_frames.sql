--
-- Window frames of every kind around tradeflow's functions.  The window
-- functions are defined on the whole partition (pct_change(value) on the
-- previous row of the window ordering): they ignore the frame.  The
-- aggregates used with OVER respect it, like any aggregate.
--
CREATE EXTENSION tradeflow;

-- two partitions; values are quarters, so that float8 sums are exact in any
-- order; k has ties (peers for RANGE and GROUPS); d has a gap
CREATE TABLE flows (s text, i int, k int, d date, p text, v float8, is_part boolean);
INSERT INTO flows VALUES
	('A', 1, 1, '2020-01-01', 'A', 10, true),
	('A', 2, 1, '2020-02-01', 'B', 20, false),
	('A', 3, 2, '2020-03-01', 'B', 20, NULL),
	('A', 4, 3, '2020-04-01', 'C', NULL, true),
	('A', 5, 3, '2020-06-01', 'A', 0, false),
	('A', 6, 3, '2020-07-01', NULL, 5.25, true),
	('A', 7, 5, '2020-08-01', 'C', -2.5, false),
	('A', 8, 6, '2020-09-01', 'B', 0.75, true),
	('B', 1, 1, '2021-01-01', 'B', 4, true),
	('B', 2, 2, '2021-02-01', 'A', 4, false),
	('B', 3, 2, '2021-03-01', 'B', -4, true),
	('B', 4, 4, '2021-04-01', 'A', 100, false);

-- the window functions' answers, from windows with no ORDER BY or frame and
-- from plain SQL
CREATE TABLE answers AS
SELECT f.s, f.i,
	   pct_change(f.v, f.d, '1 month') OVER w AS chg_month,
	   trade_share(f.v) OVER w AS share,
	   rank_partner(f.v) OVER w AS rank,
	   f.v / nullif((SELECT e.v FROM flows AS e WHERE e.s = f.s AND e.d = f.d - interval '1 month'), 0) - 1 AS chg_month_sql,
	   f.v / nullif(sum(f.v) OVER w, 0) AS share_sql,
	   CASE WHEN f.v IS NOT NULL THEN rank() OVER (PARTITION BY f.s ORDER BY f.v DESC NULLS LAST) END AS rank_sql
FROM flows AS f
WINDOW w AS (PARTITION BY f.s);
SELECT s, i, chg_month, share, rank,
	   chg_month IS NOT DISTINCT FROM chg_month_sql AND share IS NOT DISTINCT FROM share_sql
	   AND rank IS NOT DISTINCT FROM rank_sql AS same_as_sql
FROM answers ORDER BY s, i;

-- For one window clause, whether each function agrees, on every row, with:
--   pct_change(v)            v / nullif(lag(v) OVER w, 0) - 1 (lag ignores frames too)
--   pct_change(v, d, step),
--   trade_share(v),
--   rank_partner(v)          the answers above, whatever the frame
--   trade_share(v, is_part)  coalesce(sum(v) FILTER (WHERE is_part) OVER w, 0) / nullif(sum(v) OVER w, 0)
--   rank_partner(p, v, 'B')  the rank of B among the partners' sums of the rows in the frame
CREATE FUNCTION pg_temp.frame_check(clause text)
RETURNS TABLE (window_clause text, rows bigint, chg_row boolean, chg_month boolean, share boolean,
			   rank boolean, agg_share boolean, agg_rank boolean)
LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format($q$
		SELECT %L::text, count(*),
			   bool_and(x.chg_row IS NOT DISTINCT FROM x.chg_row_sql),
			   bool_and(x.chg_month IS NOT DISTINCT FROM a.chg_month),
			   bool_and(x.share IS NOT DISTINCT FROM a.share),
			   bool_and(x.rank IS NOT DISTINCT FROM a.rank),
			   bool_and(x.agg_share IS NOT DISTINCT FROM x.agg_share_sql),
			   bool_and(x.agg_rank IS NOT DISTINCT FROM
						(WITH totals AS (SELECT u.p, sum(u.v) AS total FROM unnest(x.frame) AS u
										 WHERE u.p IS NOT NULL AND u.v IS NOT NULL GROUP BY u.p)
						 SELECT (SELECT count(*) + 1 FROM totals AS o WHERE o.total > b.total)
						 FROM totals AS b WHERE b.p = 'B'))
		FROM (SELECT f.s, f.i,
					 pct_change(f.v) OVER w AS chg_row,
					 f.v / nullif(lag(f.v) OVER w, 0) - 1 AS chg_row_sql,
					 pct_change(f.v, f.d, '1 month') OVER w AS chg_month,
					 trade_share(f.v) OVER w AS share,
					 rank_partner(f.v) OVER w AS rank,
					 trade_share(f.v, f.is_part) OVER w AS agg_share,
					 coalesce(sum(f.v) FILTER (WHERE f.is_part) OVER w, 0) / nullif(sum(f.v) OVER w, 0) AS agg_share_sql,
					 rank_partner(f.p, f.v, 'B') OVER w AS agg_rank,
					 array_agg(f) OVER w AS frame
			  FROM flows AS f
			  WINDOW w AS (PARTITION BY f.s %s)) AS x
			 JOIN answers AS a USING (s, i)
		$q$, clause, clause);
END $$;

SELECT c.*
FROM unnest(ARRAY[
	'',
	'ORDER BY i',
	'ORDER BY i DESC',
	'ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING',
	'ORDER BY i ROWS BETWEEN CURRENT ROW AND CURRENT ROW',
	'ORDER BY i ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING',
	'ORDER BY i ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING',
	'ORDER BY i ROWS BETWEEN 3 FOLLOWING AND 2 FOLLOWING',
	'ORDER BY i ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW',
	'ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW',
	'ORDER BY k, i ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING EXCLUDE TIES',
	'ORDER BY k RANGE BETWEEN CURRENT ROW AND CURRENT ROW',
	'ORDER BY k RANGE BETWEEN CURRENT ROW AND CURRENT ROW EXCLUDE CURRENT ROW',
	'ORDER BY k RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE TIES',
	'ORDER BY k RANGE UNBOUNDED PRECEDING EXCLUDE GROUP',
	'ORDER BY k DESC RANGE BETWEEN 2 PRECEDING AND 1 PRECEDING',
	'ORDER BY d RANGE BETWEEN ''1 month'' PRECEDING AND CURRENT ROW',
	'ORDER BY d DESC RANGE BETWEEN ''2 months'' PRECEDING AND ''1 month'' FOLLOWING',
	'ORDER BY k GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE GROUP',
	'ORDER BY k GROUPS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE TIES',
	'ORDER BY k, i GROUPS 2 PRECEDING',
	'ORDER BY v NULLS FIRST ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING',
	'ORDER BY p, v DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW']) WITH ORDINALITY AS w(clause, n),
	 pg_temp.frame_check(w.clause) AS c
ORDER BY w.n;

-- one moving frame in full: the aggregates follow the frame (1 preceding
-- to 1 following), the window functions do not
SELECT s, i, p, v, is_part,
	   trade_share(v) OVER w AS share, rank_partner(v) OVER w AS rank,
	   trade_share(v, is_part) OVER w AS frame_share, rank_partner(p, v, 'B') OVER w AS frame_rank_of_b
FROM flows
WINDOW w AS (PARTITION BY s ORDER BY i ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)
ORDER BY s, i;

-- an empty frame: the aggregates have no rows (NULL), the window functions
-- still have their partition
SELECT s, i, trade_share(v) OVER w AS share, pct_change(v) OVER w AS chg_row,
	   trade_share(v, true) OVER w AS frame_share, rank_partner(p, v, 'B') OVER w AS frame_rank
FROM flows WHERE s = 'B'
WINDOW w AS (PARTITION BY s ORDER BY i ROWS BETWEEN 3 FOLLOWING AND 2 FOLLOWING)
ORDER BY i;

DROP TABLE flows, answers;
DROP EXTENSION tradeflow;
