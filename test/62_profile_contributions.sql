-- test/62_profile_contributions.sql: contributions(previous, current)
--
-- For each pair of consecutive monthly profiles of the generated data (text
-- partners with numeric values and with double precision values, NaN and
-- infinities included; bigint partners with bigint values), and for China's
-- and every reporter's years in the real IMF data, contributions() gives
-- one row per partner of either profile, in partner order, equal to the
-- FULL JOIN of the two months' partner sums in plain SQL:
--
--   previous_value, current_value  the partner's sums, NULL where absent
--   change                         (current - previous) / previous (double
--                                  precision: current / previous - 1, as
--                                  pct_change), an absent current counting
--                                  as 0 (-1 for a partner that left), NULL
--                                  where previous is absent or 0
--   contribution                   (coalesce(current, 0) - coalesce(previous,
--                                  0)) / the previous total, NULL where that
--                                  total is 0
--
-- and the contributions add up to pct_change(previous, current).

\i test/fixtures/setup.psql

SELECT plan(22);

-- tft.profiles: the monthly profiles of three kinds; tft.sums: their partner sums
\i test/fixtures/profiles.psql

-- each profile with the previous month's (a gap makes the previous profile
-- that of an older month: still two profiles)
CREATE TABLE tft.pairs AS
SELECT kind, reporter, period, lag(p) OVER w AS prev, p AS cur
FROM tft.profiles
WINDOW w AS (PARTITION BY kind, reporter ORDER BY period);
DELETE FROM tft.pairs WHERE prev IS NULL OR cur IS NULL;

CREATE TABLE tft.got AS
SELECT kind, reporter, period, c.*
FROM tft.pairs, LATERAL contributions(prev, cur) WITH ORDINALITY AS c;

-- the truth: for each pair, the FULL JOIN of the two months' sums
CREATE TABLE tft.want AS
SELECT x.kind, x.reporter, x.period, j.*,
	   sum(j.prev_s) OVER w AS prev_total, sum(j.prev_f) OVER w AS prev_total_f
FROM (SELECT kind, reporter, period, (SELECT max(period) FROM tft.sums AS s
									  WHERE s.kind = p.kind AND s.reporter = p.reporter AND s.period < p.period) AS before
	  FROM tft.pairs AS p) AS x
	 CROSS JOIN LATERAL (
		SELECT partner, b.s AS prev_s, a.s AS cur_s, b.sf AS prev_f, a.sf AS cur_f
		FROM (SELECT * FROM tft.sums WHERE kind = x.kind AND reporter = x.reporter AND period = x.before) AS b
			 FULL JOIN (SELECT * FROM tft.sums WHERE kind = x.kind AND reporter = x.reporter AND period = x.period) AS a
			 USING (partner)) AS j
WINDOW w AS (PARTITION BY x.kind, x.reporter, x.period);

SELECT ok((SELECT count(*) FROM tft.pairs) > 2000 AND (SELECT count(*) FROM tft.got) > 20000,
		  'thousands of pairs of months, tens of thousands of rows of contributions');
SELECT ok((SELECT count(*) FROM tft.got WHERE previous_value IS NULL) > 1000
		  AND (SELECT count(*) FROM tft.got WHERE current_value IS NULL) > 1000,
		  'many partners enter (no previous value) and leave (no current value)');

-- each pair: one row per partner of either month, with its values
SELECT is_empty($$
	(SELECT kind, reporter, period, partner, previous_value::text, current_value::text FROM tft.got WHERE kind <> 'float8'
	 EXCEPT ALL
	 SELECT kind, reporter, period, partner, prev_s::text, cur_s::text FROM tft.want WHERE kind <> 'float8')
	UNION ALL
	(SELECT kind, reporter, period, partner, prev_s::text, cur_s::text FROM tft.want WHERE kind <> 'float8'
	 EXCEPT ALL
	 SELECT kind, reporter, period, partner, previous_value::text, current_value::text FROM tft.got WHERE kind <> 'float8')
$$, 'numeric, bigint: one row per partner of either profile, with its exact previous and current sums (NULL where absent)');
SELECT is_empty($$
	SELECT * FROM (SELECT * FROM tft.got WHERE kind = 'float8') AS g
		FULL JOIN (SELECT * FROM tft.want WHERE kind = 'float8') AS w USING (kind, reporter, period, partner)
	WHERE NOT tft.close(g.previous_value::float8, w.prev_f) OR NOT tft.close(g.current_value::float8, w.cur_f)
$$, 'double precision: one row per partner of either profile, with its previous and current sums');

-- its own change and its contribution
SELECT is_empty($$
	SELECT * FROM tft.got AS g JOIN tft.want AS w USING (kind, reporter, period, partner)
	WHERE kind <> 'float8' AND NOT tft.close(g.change, ((coalesce(w.cur_s, 0) - w.prev_s) / nullif(w.prev_s, 0))::float8)
$$, 'numeric, bigint: change = (current - previous) / previous, -1 for a partner that left, NULL where previous is absent or 0');
SELECT is_empty($$
	SELECT * FROM tft.got AS g JOIN tft.want AS w USING (kind, reporter, period, partner)
	WHERE kind = 'float8' AND NOT tft.close(g.change, CASE WHEN w.prev_f <> 0 THEN coalesce(w.cur_f, 0) / w.prev_f - 1 END)
$$, 'double precision: change = current / previous - 1 (float8 arithmetic, as pct_change(float8, float8)), -1 for a partner that left, NULL where previous is absent or 0');
SELECT is_empty($$
	SELECT * FROM tft.got AS g JOIN tft.want AS w USING (kind, reporter, period, partner)
	WHERE kind <> 'float8'
	  AND NOT tft.close(g.contribution, ((coalesce(w.cur_s, 0) - coalesce(w.prev_s, 0)) / nullif(w.prev_total, 0))::float8)
$$, 'numeric, bigint: contribution = (current - previous) / previous total, an absent side counting as 0');
SELECT is_empty($$
	SELECT * FROM tft.got AS g JOIN tft.want AS w USING (kind, reporter, period, partner)
	WHERE kind = 'float8'
	  AND NOT tft.close(g.contribution, CASE WHEN w.prev_total_f <> 0
											  THEN (coalesce(w.cur_f, 0) - coalesce(w.prev_f, 0)) / w.prev_total_f END)
$$, 'double precision: contribution = (current - previous) / previous total, an absent side counting as 0');

-- the contributions add up to the change of the total
SELECT is_empty($$
	SELECT kind, reporter, period, pct_change(prev, cur), s.total, s.magnitude
	FROM tft.pairs
		 JOIN (SELECT kind, reporter, period, sum(contribution::numeric) AS total, sum(abs(contribution::numeric)) AS magnitude
			   FROM tft.got GROUP BY 1, 2, 3) AS s USING (kind, reporter, period)
	WHERE kind <> 'float8'
	  AND NOT coalesce(abs(pct_change(prev, cur)::numeric - s.total) <= 1e-12 * (s.magnitude + 1),
					   pct_change(prev, cur) IS NULL AND s.total IS NULL)
$$, 'numeric, bigint: the contributions add up to pct_change(previous, current) (within 1e-12 of their magnitude)');
SELECT is_empty($$
	SELECT kind, reporter, period FROM tft.pairs
	WHERE kind <> 'float8'
	  AND NOT tft.close(pct_change(prev, cur), ((total(cur) - total(prev)) / nullif(total(prev), 0))::float8)
$$, 'pct_change of the two profiles = (current total - previous total) / previous total');
SELECT ok((SELECT count(*) FROM tft.pairs WHERE kind = 'numeric' AND total(prev) = 0) > 0
		  AND NOT EXISTS (SELECT FROM tft.got AS g JOIN tft.pairs USING (kind, reporter, period)
						  WHERE total(prev) = 0 AND g.contribution IS NOT NULL),
		  'where the previous total is 0, every contribution is NULL');

-- partner order
SELECT is_empty($$
	SELECT kind, reporter, period FROM tft.got GROUP BY 1, 2, 3
	HAVING array_agg(ordinality ORDER BY ordinality)
		   <> array_agg(ordinality ORDER BY CASE WHEN kind = 'bigint' THEN lpad(partner, 20, '0') ELSE partner END COLLATE "C")
$$, 'the rows come in partner order');

-- by hand: partners entering and leaving, NULL and zero sides
SELECT results_eq($$
	SELECT partner, previous_value, current_value, change, contribution
	FROM contributions((SELECT trade_profile(p, v) FROM (VALUES ('A', 10), ('B', 10), ('D', 0)) AS t(p, v)),
					   (SELECT trade_profile(p, v) FROM (VALUES ('A', 15), ('C', 5), ('D', 3)) AS t(p, v)))
$$, $$VALUES ('A', 10::numeric, 15::numeric, 0.5::float8, 0.25::float8),
			 ('B', 10, NULL, -1, -0.5),
			 ('C', NULL, 5, NULL, 0.25),
			 ('D', 0, 3, NULL, 0.15)$$,
	'A grows, B leaves (change -1), C enters, D grows from 0: contributions 0.25, -0.5, 0.25, 0.15');
SELECT is((SELECT sum(contribution) FROM contributions(
				(SELECT trade_profile(p, v) FROM (VALUES ('A', 10), ('B', 10), ('D', 0)) AS t(p, v)),
				(SELECT trade_profile(p, v) FROM (VALUES ('A', 15), ('C', 5), ('D', 3)) AS t(p, v)))),
		  0.15::float8, 'they add up to the change of the total, 23 / 20 - 1');
SELECT is_empty($$
	SELECT * FROM tft.pairs, LATERAL contributions(cur, cur) AS c
	WHERE kind = 'numeric' AND (c.contribution <> 0 OR c.previous_value IS DISTINCT FROM c.current_value
								OR c.change IS DISTINCT FROM CASE WHEN c.previous_value <> 0 THEN 0::float8 END)
$$, 'contributions(p, p): no change, every contribution 0');
SELECT is((SELECT count(*) FROM contributions(NULL, (SELECT cur FROM tft.pairs LIMIT 1))), 0::bigint,
		  'contributions with a NULL profile gives no rows');
SELECT results_eq($$
	SELECT partner, previous_value, current_value, change, contribution
	FROM contributions('{"version": 1, "values": "numeric", "partners": "text", "totals": {}}',
					   '{"version": 1, "values": "numeric", "partners": "text", "totals": {"A": 2}}')
$$, $$VALUES ('A', NULL::numeric, 2::numeric, NULL::float8, NULL::float8)$$,
	'from an empty profile: the entering partner, its contribution NULL');
SELECT is(tft.sqlstate_of($$SELECT * FROM contributions(
	'{"version": 1, "values": "numeric", "partners": "text", "totals": {"A": 1}}',
	'{"version": 1, "values": "double precision", "partners": "text", "totals": {"A": 1}}')$$),
	'42804', 'contributions of numeric and double precision profiles is an error (42804)');
SELECT is(tft.sqlstate_of($$SELECT * FROM contributions(
	'{"version": 1, "values": "integer", "partners": "text", "totals": {"1": 1}}',
	'{"version": 1, "values": "integer", "partners": "bigint", "totals": {"1": 1}}')$$),
	'42804', 'contributions of text-partner and bigint-partner profiles is an error (42804)');

--
-- The real IMF data: every reporter's and flow's years, and China's 2020
--

CREATE TABLE tft.real AS
SELECT reporter_code, flow, year, trade_profile(partner, value_usd) AS p
FROM trade.dots_annual GROUP BY 1, 2, 3;
CREATE TABLE tft.real_got AS
SELECT c.reporter_code, c.flow, c.year, x.*
FROM tft.real AS c JOIN tft.real AS b ON b.reporter_code = c.reporter_code AND b.flow = c.flow AND b.year = c.year - 1,
	 LATERAL contributions(b.p, c.p) AS x;

SELECT is_empty($$
	WITH s AS (SELECT reporter_code, flow, year, partner, sum(value_usd) AS s,
					  sum(sum(value_usd)) OVER (PARTITION BY reporter_code, flow, year) AS total
			   FROM trade.dots_annual GROUP BY 1, 2, 3, 4),
		 w AS (SELECT coalesce(a.reporter_code, b.reporter_code) AS reporter_code, coalesce(a.flow, b.flow) AS flow,
					  coalesce(a.year, b.year + 1) AS year, coalesce(a.partner, b.partner) AS partner,
					  b.s AS prev, a.s AS cur, max(b.total) OVER (PARTITION BY coalesce(a.reporter_code, b.reporter_code),
																	  coalesce(a.flow, b.flow), coalesce(a.year, b.year + 1)) AS prev_total
			   FROM s AS a FULL JOIN s AS b ON b.reporter_code = a.reporter_code AND b.flow = a.flow
											 AND b.year = a.year - 1 AND b.partner = a.partner)
	SELECT * FROM tft.real_got AS g
		FULL JOIN (SELECT * FROM w WHERE prev_total IS NOT NULL
									 AND EXISTS (SELECT FROM s WHERE s.reporter_code = w.reporter_code
												 AND s.flow = w.flow AND s.year = w.year)) AS w
		USING (reporter_code, flow, year, partner)
	WHERE g.previous_value IS DISTINCT FROM w.prev OR g.current_value IS DISTINCT FROM w.cur
	   OR NOT tft.close(g.contribution, ((coalesce(w.cur, 0) - coalesce(w.prev, 0)) / w.prev_total)::float8)
$$, 'real data: the contributions of every reporter''s year on the year before = the FULL JOIN of the partner sums');
SELECT is_empty($$
	SELECT reporter_code, flow, c.year FROM tft.real AS c
		JOIN tft.real AS b USING (reporter_code, flow)
		JOIN (SELECT reporter_code, flow, year, sum(contribution::numeric) AS total, sum(abs(contribution::numeric)) AS magnitude
			  FROM tft.real_got GROUP BY 1, 2, 3) AS s USING (reporter_code, flow)
	WHERE b.year = c.year - 1 AND s.year = c.year
	  AND NOT abs(pct_change(b.p, c.p)::numeric - s.total) <= 1e-12 * (s.magnitude + 1)
$$, 'real data: the contributions add up to the change of the total');
SELECT results_eq($$
	SELECT partner FROM tft.real_got WHERE reporter_code = '924' AND flow = 'export' AND year = 2020
	ORDER BY contribution, partner LIMIT 3
$$, $$
	SELECT partner FROM (SELECT partner, sum(value_usd) FILTER (WHERE year = 2020) AS cur,
								sum(value_usd) FILTER (WHERE year = 2019) AS prev
						 FROM trade.dots_annual WHERE reporter_code = '924' AND flow = 'export' AND year IN (2019, 2020)
						 GROUP BY partner) AS s
	ORDER BY coalesce(cur, 0) - coalesce(prev, 0), partner LIMIT 3
$$, 'real data: the three partners that pulled China''s 2020 exports down most');

SELECT * FROM finish();
ROLLBACK;
