-- test/61_profile_accessors.sql: what a partner profile answers
--
-- The accessors of monthly profiles of the generated data (text partners
-- with numeric and with double precision values, NaN and infinities
-- included; bigint partners with bigint values, sums beyond int64) and of
-- the yearly profiles of the real IMF data, each against its plain-SQL
-- formulation over the partner sums (sum(value) GROUP BY group, partner):
--
--   partner_value    the partner's sum; NULL for a partner without one
--   trade_share      sum / total; 0 for an absent partner when the total is
--                    not zero; NULL when the total is zero; of a group of
--                    partners: each listed partner once, NULLs and absent
--                    ones adding nothing
--   rank_partner     rank() OVER (ORDER BY sum DESC); NULL when absent
--   top_partners     the rows with rank() <= n, by rank then partner
--   hhi              sum((sum / total)^2); normalized (H - 1/n) / (1 - 1/n)
--                    over the n partners, NULL for one partner
--   pct_change       (total(current) - total(previous)) / total(previous)
--
-- and equal to the 0.1 aggregates trade_share(value, partner = ...) and
-- rank_partner(partner, value, target) over the same rows.

\i test/fixtures/setup.psql

SELECT plan(39);

-- tft.profiles: the monthly profiles of three kinds; tft.sums: their partner sums
\i test/fixtures/profiles.psql

-- the truth for every group and partner: P01..P15 (101..115) and one never seen
CREATE TABLE tft.truth AS
SELECT g.kind, g.reporter, g.period, g.p, x.partner, s.s, s.sf, x.partner IS NOT NULL AND s.partner IS NOT NULL AS present,
	   sum(s.s) OVER w AS total, sum(s.sf) OVER w AS total_f,
	   CASE WHEN s.partner IS NOT NULL
			THEN rank() OVER (PARTITION BY g.kind, g.reporter, g.period, s.partner IS NULL
							  ORDER BY s.s DESC, s.sf DESC) END AS rnk
FROM tft.profiles AS g
	 CROSS JOIN LATERAL (SELECT CASE WHEN g.kind = 'bigint' THEN (100 + i)::text ELSE 'P' || lpad(i::text, 2, '0') END AS partner
						 FROM generate_series(1, 15) AS i
						 UNION ALL SELECT CASE WHEN g.kind = 'bigint' THEN '199' ELSE 'P99' END) AS x
	 LEFT JOIN tft.sums AS s ON s.kind = g.kind AND s.reporter = g.reporter AND s.period = g.period AND s.partner = x.partner
WINDOW w AS (PARTITION BY g.kind, g.reporter, g.period);
CREATE INDEX ON tft.truth (kind, reporter, period);

-- each accessor's answer for each group and partner
CREATE TABLE tft.got AS
SELECT kind, reporter, period, partner,
	   CASE WHEN kind = 'bigint' THEN partner_value(p, partner::bigint) ELSE partner_value(p, partner) END AS value,
	   CASE WHEN kind = 'bigint' THEN trade_share(p, partner::bigint) ELSE trade_share(p, partner) END AS share,
	   CASE WHEN kind = 'bigint' THEN rank_partner(p, partner::bigint) ELSE rank_partner(p, partner) END AS rnk
FROM tft.truth;

SELECT ok((SELECT count(*) FROM tft.truth WHERE present) > 20000
		  AND (SELECT count(*) FROM tft.truth WHERE NOT present AND total <> 0) > 5000,
		  'the grid has many present partners, and many absent ones in groups with a non-zero total');

-- partner_value
SELECT is_empty($$
	SELECT * FROM tft.truth AS t JOIN tft.got AS g USING (kind, reporter, period, partner)
	WHERE kind <> 'float8' AND g.value IS DISTINCT FROM t.s
$$, 'numeric, bigint: partner_value = the partner''s exact sum, NULL when absent');
SELECT is_empty($$
	SELECT * FROM tft.truth AS t JOIN tft.got AS g USING (kind, reporter, period, partner)
	WHERE kind = 'float8' AND NOT tft.close(g.value::float8, t.sf)
$$, 'double precision: partner_value = the partner''s sum (NaN and infinities too), NULL when absent');
SELECT is_empty($$
	SELECT * FROM tft.truth AS t JOIN tft.got AS g USING (kind, reporter, period, partner)
	WHERE kind = 'numeric' AND g.value::text <> t.s::text
$$, 'numeric: partner_value keeps the display scale of sum()');

-- trade_share, one partner: the absent-part rule
SELECT is_empty($$
	SELECT * FROM tft.truth AS t JOIN tft.got AS g USING (kind, reporter, period, partner)
	WHERE kind <> 'float8'
	  AND NOT tft.close(g.share, (coalesce(t.s, 0) / nullif(t.total, 0))::float8)
$$, 'numeric, bigint: trade_share = coalesce(sum, 0) / nullif(total, 0), within 1e-12');
SELECT is_empty($$
	SELECT * FROM tft.truth AS t JOIN tft.got AS g USING (kind, reporter, period, partner)
	WHERE kind = 'float8'
	  AND NOT tft.close(g.share, CASE WHEN t.total_f = 0 THEN NULL ELSE coalesce(t.sf, 0) / t.total_f END)
$$, 'double precision: trade_share = coalesce(sum, 0) / total, NULL where the total is 0 (NaN, infinities as float8 does)');
SELECT is((SELECT count(*) FROM tft.truth AS t JOIN tft.got AS g USING (kind, reporter, period, partner)
		   WHERE NOT t.present AND t.total <> 0 AND g.share = 0),
		  (SELECT count(*) FROM tft.truth WHERE NOT present AND total <> 0),
		  'an absent partner in a group whose total is not zero has share 0');
SELECT is((SELECT count(*) FROM tft.got AS g JOIN tft.truth AS t USING (kind, reporter, period, partner)
		   WHERE t.total = 0 AND g.share IS NULL),
		  (SELECT count(*) FROM tft.truth WHERE total = 0),
		  'every partner of a group whose total is zero has share NULL');
SELECT ok((SELECT count(*) FROM tft.truth WHERE total = 0) >= 16, 'some groups have a total of zero');

-- rank_partner
SELECT is_empty($$
	SELECT * FROM tft.truth AS t JOIN tft.got AS g USING (kind, reporter, period, partner)
	WHERE g.rnk IS DISTINCT FROM t.rnk
$$, 'rank_partner = rank() OVER (ORDER BY sum DESC) of the present partners (NaN first), NULL when absent');
SELECT ok((SELECT count(*) FROM (SELECT 1 FROM tft.truth WHERE rnk IS NOT NULL
								 GROUP BY kind, reporter, period, rnk HAVING count(*) > 1) AS ties) > 50,
		  'many groups have partners tied on their sum');
SELECT is((SELECT array_agg(rank_partner(p, x) ORDER BY x) FROM tft.profiles, unnest(ARRAY['P01', 'P02', 'P03', 'P04', 'P05', 'P06']) AS x
		   WHERE kind = 'numeric' AND reporter = 89 AND period = '2016-01-01'),
		  ARRAY[2, 1, 3, NULL, 5, 4]::bigint[], 'reporter 89, January: ranks 2, 1, 3, absent, 5 (negative), 4 (zero)');
SELECT is((SELECT array_agg(rank_partner(p, x) ORDER BY x) FROM tft.profiles, unnest(ARRAY['P01', 'P02', 'P03', 'P04', 'P05']) AS x
		   WHERE kind = 'numeric' AND reporter = 95),
		  ARRAY[NULL, 1, 1, 1, 4]::bigint[], 'reporter 95: ties share the lowest rank (1, 1, 1, 4); a NULL-only partner is absent');

-- top_partners
CREATE TABLE tft.tops AS
SELECT kind, reporter, period, n, t.*, o AS pos
FROM tft.profiles, unnest(ARRAY[0, 1, 3, 5, 15]) AS n,
	 LATERAL top_partners(p, n) WITH ORDINALITY AS t(rank, partner, value, share, o);
SELECT is_empty($$
	(SELECT kind, reporter, period, n, rank, partner, value::text FROM tft.tops WHERE kind <> 'float8'
	 EXCEPT ALL
	 SELECT kind, reporter, period, n, rnk, partner, coalesce(s, sf::numeric)::text
	 FROM tft.truth, unnest(ARRAY[0, 1, 3, 5, 15]) AS n WHERE rnk <= n AND kind <> 'float8')
	UNION ALL
	(SELECT kind, reporter, period, n, rnk, partner, coalesce(s, sf::numeric)::text
	 FROM tft.truth, unnest(ARRAY[0, 1, 3, 5, 15]) AS n WHERE rnk <= n AND kind <> 'float8'
	 EXCEPT ALL
	 SELECT kind, reporter, period, n, rank, partner, value::text FROM tft.tops WHERE kind <> 'float8')
$$, 'numeric, bigint: top_partners(p, n) = the partners with rank() <= n (ties at the edge included), for n = 0, 1, 3, 5, 15');
SELECT is_empty($$
	SELECT * FROM (SELECT * FROM tft.tops WHERE kind = 'float8') AS o
		FULL JOIN (SELECT kind, reporter, period, n, rnk, partner, sf FROM tft.truth, unnest(ARRAY[0, 1, 3, 5, 15]) AS n
				   WHERE rnk <= n AND kind = 'float8') AS t USING (kind, reporter, period, n, partner)
	WHERE o.rank IS DISTINCT FROM t.rnk OR NOT tft.close(o.value::float8, t.sf)
$$, 'double precision: top_partners(p, n) = the partners with rank() <= n, NaN first');
SELECT is_empty($$
	SELECT * FROM tft.tops AS o JOIN tft.truth AS t USING (kind, reporter, period, partner)
	WHERE NOT tft.close(o.share, CASE WHEN t.kind = 'float8' THEN CASE WHEN t.total_f <> 0 THEN t.sf / t.total_f END
									  ELSE (t.s / nullif(t.total, 0))::float8 END)
$$, 'top_partners: share = sum / total, NULL where the total is 0');
SELECT is_empty($$
	SELECT kind, reporter, period, n FROM tft.tops
	GROUP BY 1, 2, 3, 4
	HAVING array_agg(pos ORDER BY pos) <> array_agg(pos ORDER BY rank, CASE WHEN kind = 'bigint' THEN lpad(partner, 20, '0') ELSE partner END COLLATE "C")
$$, 'top_partners lists the rows by rank, then partner order');
SELECT ok((SELECT count(*) FROM (SELECT 1 FROM tft.tops WHERE n = 1 GROUP BY kind, reporter, period HAVING count(*) > 1) AS s) > 0,
		  'top_partners(p, 1) gives several rows where partners tie for the first rank');
SELECT is((SELECT count(*) FROM tft.tops WHERE n = 0), 0::bigint, 'top_partners(p, 0) gives no rows');
SELECT is(tft.sqlstate_of($$SELECT * FROM top_partners((SELECT p FROM tft.profiles WHERE p IS NOT NULL LIMIT 1), -1)$$),
		  '22023', 'top_partners(p, -1) is an error (22023)');

-- trade_share of a group of partners
SELECT is_empty($$
	SELECT kind, reporter, period FROM tft.profiles AS g,
		 LATERAL (SELECT sum(s) FILTER (WHERE partner IN ('P01', 'P03', 'P07')) AS part, sum(s) AS total
				  FROM tft.truth AS t WHERE t.kind = g.kind AND t.reporter = g.reporter AND t.period = g.period) AS t
	WHERE g.kind = 'numeric'
	  AND NOT tft.close(trade_share(p, ARRAY['P01', 'P03', 'P07']), (coalesce(t.part, 0) / nullif(t.total, 0))::float8)
$$, 'trade_share(p, partners[]) = the partners'' sum / total (0 where none is present)');
SELECT is_empty($$
	SELECT kind, reporter, period FROM tft.profiles
	WHERE kind = 'numeric'
	  AND trade_share(p, ARRAY['P01', NULL, 'P03', 'P01', 'P99', 'P07', 'P03'])
		  IS DISTINCT FROM trade_share(p, ARRAY['P01', 'P03', 'P07'])
$$, 'trade_share(p, partners[]): each partner counts once; NULLs and absent partners add nothing');
SELECT is_empty($$
	SELECT kind, reporter, period FROM tft.profiles AS g
	WHERE kind = 'bigint'
	  AND NOT tft.close(trade_share(p, ARRAY[102, 105, 102]::bigint[]),
						(SELECT (coalesce(sum(s) FILTER (WHERE partner IN ('102', '105')), 0) / nullif(sum(s), 0))::float8
						 FROM tft.truth AS t WHERE t.kind = g.kind AND t.reporter = g.reporter AND t.period = g.period))
$$, 'trade_share(p, bigint[]) of bigint partners = the partners'' sum / total');
SELECT is_empty($$
	SELECT reporter, period FROM tft.profiles AS g
	WHERE kind = 'numeric' AND p IS NOT NULL
	  AND trade_share(p, ARRAY(SELECT partner FROM top_partners(g.p, 2147483647)))
		  IS DISTINCT FROM CASE WHEN total(p) <> 0 THEN 1::float8 END
$$, 'trade_share(p, every partner) is 1 (NULL where the total is 0)');
SELECT is((SELECT trade_share(p, ARRAY[]::text[]) FROM tft.profiles WHERE kind = 'numeric' AND reporter = 94), 0::float8,
		  'trade_share(p, an empty array) is 0');

-- hhi
SELECT is_empty($$
	SELECT kind, reporter, period, hhi(p), h FROM tft.profiles AS g
		JOIN (SELECT kind, reporter, period,
					 CASE WHEN kind = 'float8' THEN sum((sf / nullif(total_f, 0)) ^ 2)
						  ELSE sum((s / nullif(total, 0)) ^ 2)::float8 END AS h
			  FROM tft.truth WHERE present GROUP BY 1, 2, 3) AS t USING (kind, reporter, period)
	WHERE NOT tft.close(hhi(p), h)
$$, 'hhi(p) = sum((sum / total)^2) over the partners, NULL where the total is 0');
SELECT is_empty($$
	SELECT kind, reporter, period, hhi(p, normalized => true), h, n FROM tft.profiles AS g
		JOIN (SELECT kind, reporter, period, count(*) AS n, sum((s / nullif(total, 0)) ^ 2) AS h
			  FROM tft.truth WHERE present GROUP BY 1, 2, 3) AS t USING (kind, reporter, period)
	WHERE kind <> 'float8'
	  AND NOT coalesce(abs(hhi(p, normalized => true) - ((h - 1.0 / n) / nullif(1 - 1.0 / n, 0))::float8) <= 1e-12,
					   hhi(p, normalized => true) IS NULL AND (h IS NULL OR n = 1))
$$, 'hhi(p, normalized => true) = (H - 1/n) / (1 - 1/n), NULL for a single partner or a total of 0');
SELECT is(hhi(p), NULL, 'hhi of a profile whose total is 0 is NULL')
FROM tft.profiles WHERE kind = 'numeric' AND reporter = 91;
SELECT is(ARRAY[hhi(p), hhi(p, true)], ARRAY[1, NULL]::float8[], 'a single partner: hhi 1, normalized NULL')
FROM tft.profiles WHERE kind = 'numeric' AND reporter = 94;
SELECT is(ARRAY[hhi(p), hhi(p, true)], ARRAY[0.25, 0]::float8[], 'four partners of equal totals: hhi 0.25, normalized 0')
FROM (SELECT trade_profile(x, 2.5) AS p FROM unnest(ARRAY['A', 'B', 'C', 'D']) AS x) AS s;

-- pct_change of two profiles: the change of their totals
SELECT is_empty($$
	SELECT kind, reporter, period, pct_change(prev, p), want
	FROM (SELECT kind, reporter, period, p, lag(p) OVER w AS prev, total(p) AS cur, lag(total(p)) OVER w AS before,
				 (total(p) - lag(total(p)) OVER w) / nullif(lag(total(p)) OVER w, 0) AS want
		  FROM tft.profiles WHERE kind <> 'float8'
		  WINDOW w AS (PARTITION BY kind, reporter ORDER BY period)) AS s
	WHERE NOT tft.close(pct_change(prev, p), want::float8)
$$, 'pct_change(previous, current) = (total(current) - total(previous)) / total(previous), NULL for a zero or NULL side');
SELECT is(pct_change('{"version": 1, "values": "numeric", "partners": "text", "totals": {}}'::trade_profile,
					 '{"version": 1, "values": "numeric", "partners": "text", "totals": {"A": 1}}'::trade_profile),
		  NULL, 'pct_change from an empty profile is NULL');
SELECT is(tft.sqlstate_of($$SELECT pct_change(a.p, b.p) FROM tft.profiles AS a, tft.profiles AS b
							WHERE a.kind = 'numeric' AND b.kind = 'bigint' AND a.reporter = 1 AND b.reporter = 1
							  AND a.period = b.period$$),
		  '42804', 'pct_change of a text-partner and a bigint-partner profile is an error (42804)');

-- looking up a partner of the other type
SELECT is(tft.sqlstate_of($$SELECT partner_value(p, 101::bigint) FROM tft.profiles WHERE kind = 'numeric'$$), '42804',
		  'a bigint partner in a profile of text partners is an error (42804)');

-- the same answers as the aggregates of 0.1, over the rows with a partner
SELECT is_empty($$
	SELECT reporter, period FROM tft.profiles AS g
		JOIN (SELECT reporter, period, trade_share(v_num, partner = 'P05') AS share,
					 rank_partner(partner, v_num, 'P05') AS rnk
			  FROM tft.flows WHERE partner IS NOT NULL GROUP BY 1, 2) AS a USING (reporter, period)
	WHERE g.kind = 'numeric'
	  AND (trade_share(g.p, 'P05') IS DISTINCT FROM a.share OR rank_partner(g.p, 'P05') IS DISTINCT FROM a.rnk)
$$, 'trade_share(p, partner) and rank_partner(p, partner) = the trade_share and rank_partner aggregates');

--
-- The real IMF data: North Korea in every reporter's yearly profiles
--

CREATE TABLE tft.real AS
SELECT reporter_code, flow, year, trade_profile(partner_code, value_usd) AS p
FROM trade.dots_annual GROUP BY 1, 2, 3;
CREATE TABLE tft.real_sums AS
SELECT reporter_code, flow, year, partner_code, sum(value_usd) AS s,
	   sum(sum(value_usd)) OVER w AS total,
	   rank() OVER (PARTITION BY reporter_code, flow, year ORDER BY sum(value_usd) DESC) AS rnk
FROM trade.dots_annual GROUP BY 1, 2, 3, 4
WINDOW w AS (PARTITION BY reporter_code, flow, year);

SELECT is_empty($$
	SELECT r.reporter_code, r.flow, r.year FROM tft.real AS r
		JOIN (SELECT DISTINCT reporter_code, flow, year, total FROM tft.real_sums) AS t USING (reporter_code, flow, year)
		LEFT JOIN tft.real_sums AS s ON s.reporter_code = r.reporter_code AND s.flow = r.flow AND s.year = r.year
										AND s.partner_code = '924'
	WHERE NOT tft.close(trade_share(r.p, '924'), (coalesce(s.s, 0) / t.total)::float8)
	   OR rank_partner(r.p, '924') IS DISTINCT FROM s.rnk
	   OR partner_value(r.p, '924') IS DISTINCT FROM s.s
$$, 'real data: China''s (924) value, share (0 where absent) and rank in every reporter''s year');
SELECT ok((SELECT count(*) FROM tft.real WHERE rank_partner(p, '924') IS NULL) > 0
		  AND (SELECT count(*) FROM tft.real WHERE rank_partner(p, '924') = 5) > 0,
		  'real data: China is absent from some profiles and fifth (behind the aggregates) in others');
SELECT is_empty($$
	(SELECT reporter_code, flow, year, t.rank, t.partner, t.value FROM tft.real, LATERAL top_partners(p, 5) AS t
	 EXCEPT ALL
	 SELECT reporter_code, flow, year, rnk, partner_code, s FROM tft.real_sums WHERE rnk <= 5)
	UNION ALL
	(SELECT reporter_code, flow, year, rnk, partner_code, s FROM tft.real_sums WHERE rnk <= 5
	 EXCEPT ALL
	 SELECT reporter_code, flow, year, t.rank, t.partner, t.value FROM tft.real, LATERAL top_partners(p, 5) AS t)
$$, 'real data: top_partners(p, 5) = the partners with rank() <= 5 of every year');
SELECT is_empty($$
	SELECT reporter_code, flow, year FROM tft.real AS r
		JOIN (SELECT reporter_code, flow, year, sum((s / total) ^ 2) AS h, count(*) AS n
			  FROM tft.real_sums GROUP BY 1, 2, 3) AS t USING (reporter_code, flow, year)
	WHERE NOT tft.close(hhi(r.p), t.h::float8)
	   OR NOT coalesce(abs(hhi(r.p, true) - ((t.h - 1.0 / t.n) / nullif(1 - 1.0 / t.n, 0))::float8) <= 1e-12,
					   hhi(r.p, true) IS NULL AND t.n = 1)
$$, 'real data: hhi and its normalized form of every year');

SELECT * FROM finish();
ROLLBACK;
