-- demo/story.sql: China, North Korea and the 2020 border closure, told by
-- tradeflow's functions on the real data loaded by data/load.sql: from the
-- raw rows (sections 1-4), then from stored partner profiles (section 5,
-- which creates trade.profiles).
-- Every figure is computed from the tables; none is typed in.

\set ON_ERROR_STOP 1
\set QUIET 1
\pset footer off
\pset null '-'

\echo
\echo '1. China''s exports to North Korea, US$ millions, and change on the year before'
\echo '   pct_change(value, period, ''1 year'') OVER (PARTITION BY reporter, flow, partner)'
SELECT year,
	   round(value_usd / 1e6, 1) AS exports_musd,
	   to_char(100 * yoy, 'FMS990.0"%"') AS change
FROM (SELECT year, value_usd,
			 pct_change(value_usd, period, '1 year')
				 OVER (PARTITION BY reporter, flow, partner) AS yoy
	  FROM trade.china_dprk_annual
	  WHERE reporter = 'China, P.R.: Mainland'
		AND flow = 'export'
		AND partner = 'Korea, Dem. People''s Rep. of') AS series
WHERE year BETWEEN 2010 AND 2020
ORDER BY year;

\echo '2. China''s share of world-reported trade with North Korea (both flows, aggregates excluded)'
\echo '   trade_share(value_usd, reporter_code = ''924'') GROUP BY year'
SELECT year,
	   round(sum(value_usd) / 1e6) AS world_musd,
	   to_char(100 * trade_share(value_usd, reporter_code = '924'), 'FM990.0"%"') AS china,
	   to_char(100 * trade_share(value_usd, reporter_code = '926'), 'FM990.0"%"') AS ukraine,
	   to_char(100 * trade_share(value_usd, reporter_code = '924')
				   FILTER (WHERE reporter_code <> '926'), 'FM990.0"%"') AS china_without_ukraine
FROM trade.dots_annual
WHERE partner_code = '954'
  AND reporter NOT IN (SELECT name FROM trade.imf_aggregate)
GROUP BY year
ORDER BY year;
\echo '   2018: Ukraine''s reported trade with North Korea is likely a misreport; without it, China''s share is in line with 2016-17.'
\echo

\echo '3. North Korea among China''s export partners (countries only)'
\echo '   rank_partner(partner, value_usd, target) and trade_share(value_usd, partner = target) GROUP BY year'
SELECT year,
	   rank_partner(partner, value_usd, 'Korea, Dem. People''s Rep. of') AS rank,
	   count(DISTINCT partner) AS partners,
	   to_char(100 * trade_share(value_usd, partner = 'Korea, Dem. People''s Rep. of'),
			   'FM990.000"%"') AS share
FROM trade.china_dprk_annual
WHERE reporter = 'China, P.R.: Mainland'
  AND flow = 'export'
  AND year BETWEEN 2014 AND 2020
  AND partner NOT IN (SELECT name FROM trade.imf_aggregate)
GROUP BY year
ORDER BY year;

\echo '   2020, North Korea and its neighbours in the ranking:'
\echo '   rank_partner(value_usd) OVER w, trade_share(value_usd) OVER w, WINDOW w AS (PARTITION BY year)'
WITH ranked AS (
	SELECT partner, value_usd,
		   rank_partner(value_usd) OVER w AS rank,
		   trade_share(value_usd) OVER w AS share
	FROM trade.china_dprk_annual
	WHERE reporter = 'China, P.R.: Mainland'
	  AND flow = 'export'
	  AND year = 2020
	  AND partner NOT IN (SELECT name FROM trade.imf_aggregate)
	WINDOW w AS (PARTITION BY year)
)
SELECT r.rank, r.partner,
	   round(r.value_usd / 1e6, 1) AS exports_musd,
	   to_char(100 * r.share, 'FM990.000"%"') AS share
FROM ranked AS r, ranked AS nk
WHERE nk.partner = 'Korea, Dem. People''s Rep. of'
  AND r.rank BETWEEN nk.rank - 2 AND nk.rank + 2
ORDER BY r.rank;

\echo '4. 2020 month by month, as reported in the press (China customs; August only from North Korea''s side)'
\echo '   pct_change(value) OVER (ORDER BY month)  against  pct_change(value, month, ''1 month'') OVER ()'
WITH monthly AS (
	SELECT to_date(period, 'YYYY-MM') AS month, value_usd, fact_id,
		   CASE reporter
			   WHEN 'China' THEN 'China: exports to DPRK'
			   ELSE 'DPRK: imports from China'
		   END AS reported_as
	FROM trade.published_facts
	WHERE period ~ '^2020-[0-9]{2}$'
	  AND (reporter, partner, flow) IN (('China', 'North Korea', 'export'),
										('North Korea', 'China', 'import'))
)
SELECT to_char(month, 'YYYY-MM') AS month,
	   value_usd AS usd,
	   to_char(100 * pct_change(value_usd) OVER (ORDER BY month),
			   'FMS990.0"%"') AS vs_previous_row,
	   to_char(100 * pct_change(value_usd, month, '1 month') OVER (),
			   'FMS990.0"%"') AS vs_previous_month,
	   fact_id || ' ' || reported_as AS source
FROM monthly
ORDER BY month;
\echo '   September is missing: the row-based change compares October with August, a two-month'
\echo '   drop passed off as one; the calendar-aware form says "no previous month" (-) instead.'
\echo
\echo '5. The same story from stored partner profiles'
\echo '   One trade_profile (every partner''s exact total) per reporter, flow and year, kept in a'
\echo '   table and refreshed with INSERT ... ON CONFLICT DO UPDATE; every answer below reads the'
\echo '   profiles, not the raw rows.  (The IMF file is yearly by partner: with monthly customs data'
\echo '   the table holds months, years are rollup() of months, and a pg_cron job upserts the months'
\echo '   that changed; see the README.)'
CREATE TABLE trade.profiles (
	reporter text,
	flow text,
	period date,
	profile trade_profile NOT NULL,
	PRIMARY KEY (reporter, flow, period)
);
INSERT INTO trade.profiles
SELECT reporter, flow, period, trade_profile(partner, value_usd)
FROM trade.china_dprk_annual
WHERE partner NOT IN (SELECT name FROM trade.imf_aggregate)
GROUP BY reporter, flow, period
ON CONFLICT (reporter, flow, period) DO UPDATE SET profile = excluded.profile;
\set china '''China, P.R.: Mainland'''
\set dprk '''Korea, Dem. People''''s Rep. of'''
SELECT count(*) AS profiles,
	   (SELECT count(*) FROM trade.china_dprk_annual) AS from_rows,
	   pg_size_pretty(pg_total_relation_size('trade.profiles')) AS stored_in
FROM trade.profiles;

\echo '5a. North Korea among China''s partners: rank_partner(profile, partner), trade_share(profile, partner)'
\echo '    both flows: rollup(profile) of the export and the import profiles'
WITH years AS (
	SELECT period, flow, profile FROM trade.profiles WHERE reporter = :china
	UNION ALL
	SELECT period, 'both', rollup(profile) FROM trade.profiles WHERE reporter = :china GROUP BY period
)
SELECT extract(year FROM period) AS year,
	   max(format('%s of %s', rank_partner(profile, :dprk), partner_count(profile)))
		   FILTER (WHERE flow = 'export') AS export_rank,
	   max(to_char(100 * trade_share(profile, :dprk), 'FM990.000"%"'))
		   FILTER (WHERE flow = 'export') AS export_share,
	   max(format('%s of %s', rank_partner(profile, :dprk), partner_count(profile)))
		   FILTER (WHERE flow = 'import') AS import_rank,
	   max(format('%s of %s', rank_partner(profile, :dprk), partner_count(profile)))
		   FILTER (WHERE flow = 'both') AS total_trade_rank,
	   max(to_char(100 * trade_share(profile, :dprk), 'FM990.000"%"'))
		   FILTER (WHERE flow = 'both') AS total_trade_share
FROM years
WHERE period >= '2016-01-01'
GROUP BY period
ORDER BY period;

\echo '5b. China''s 2020 exports: who was just above and just below North Korea'
\echo '    top_partners(profile, n): rank, partner, value and share of the n largest'
SELECT t.rank, t.partner,
	   round(t.value / 1e6, 1) AS exports_musd,
	   to_char(100 * t.share, 'FM990.000"%"') AS share
FROM trade.profiles AS p,
	 top_partners(p.profile, rank_partner(p.profile, :dprk)::integer + 2) AS t
WHERE (p.reporter, p.flow, p.period) = (:china, 'export', '2020-01-01')
  AND t.rank >= rank_partner(p.profile, :dprk) - 2
ORDER BY t.rank;
\echo '    The same rows as section 3''s window functions over the raw rows? (read from one stored value)'
WITH stored AS (
	SELECT profile, rank_partner(profile, :dprk) AS nk
	FROM trade.profiles
	WHERE (reporter, flow, period) = (:china, 'export', '2020-01-01')
), from_profile AS (
	SELECT array_agg(ROW(t.rank, t.partner, t.value) ORDER BY t.rank) AS neighbours
	FROM stored AS s, top_partners(s.profile, (s.nk + 2)::integer) AS t
	WHERE t.rank >= s.nk - 2
), from_rows AS (
	SELECT array_agg(ROW(r.rank, r.partner, r.value_usd) ORDER BY r.rank) AS neighbours
	FROM stored AS s,
		 (SELECT partner, value_usd, rank_partner(value_usd) OVER () AS rank
		  FROM trade.china_dprk_annual
		  WHERE (reporter, flow, year) = (:china, 'export', 2020)
			AND partner NOT IN (SELECT name FROM trade.imf_aggregate)) AS r
	WHERE r.rank BETWEEN s.nk - 2 AND s.nk + 2
)
SELECT CASE WHEN p.neighbours = r.neighbours THEN 'yes' ELSE 'NO' END AS same_as_the_raw_rows
FROM from_profile AS p, from_rows AS r;

\echo '5c. October 2020, as the press reported it'
SELECT fact_id, period, value_usd, comparison,
	   (SELECT count(*) FROM trade.china_dprk_annual
		WHERE partner IN ('Liechtenstein', 'Monaco')) AS imf_rows_for_them
FROM trade.published_facts
WHERE fact_id = 'F01';
\echo '    The IMF file has no monthly figures by partner, and no rows for Liechtenstein and Monaco.'
\echo '    At October''s pace for a whole year (12 times the month), North Korea would have stood here'
\echo '    among China''s 2020 export partners:'
SELECT t.rank, t.partner, round(t.value / 1e6, 2) AS exports_musd
FROM trade.profiles AS p, top_partners(p.profile, partner_count(p.profile)::integer) AS t,
	 (SELECT 12 * value_usd AS pace FROM trade.published_facts WHERE fact_id = 'F01') AS f
WHERE (p.reporter, p.flow, p.period) = (:china, 'export', '2020-01-01')
  AND t.partner <> :dprk
  AND t.value BETWEEN f.pace / 2 AND f.pace * 2
UNION ALL
SELECT NULL, 'North Korea at October''s pace', round(12 * value_usd / 1e6, 2)
FROM trade.published_facts WHERE fact_id = 'F01'
ORDER BY 3 DESC;

\echo '5d. How concentrated China''s trade is: hhi(profile), the sum of the partners'' squared shares'
\echo '    1 / hhi reads as "as concentrated as that many equal partners"'
SELECT extract(year FROM period) AS year, flow,
	   round(hhi(profile)::numeric, 4) AS hhi,
	   round(hhi(profile, normalized => true)::numeric, 4) AS normalized,
	   round(1 / hhi(profile)) AS equal_partners,
	   (SELECT partner FROM top_partners(profile, 1)) AS largest_partner
FROM trade.profiles
WHERE reporter = :china AND period BETWEEN '2018-01-01' AND '2020-01-01'
ORDER BY flow, period;

\echo '5e. Who made North Korea''s imports fall in 2020: contributions(previous, current)'
\echo '    North Korea''s imports as its partners report them (IMF estimates: North Korea publishes none);'
\echo '    each partner''s change in percentage points of the 2019 total, partners entering or leaving'
\echo '    counted from 0; the contributions add up to the change of the total'
SELECT c.partner,
	   round(c.previous_value / 1e6, 1) AS musd_2019,
	   round(c.current_value / 1e6, 1) AS musd_2020,
	   to_char(100 * c.change, 'FMS990.0"%"') AS own_change,
	   to_char(100 * c.contribution, 'FMS990.00" pts"') AS contribution
FROM trade.profiles AS cur
JOIN trade.profiles AS prev
  ON (prev.reporter, prev.flow, prev.period) = (cur.reporter, cur.flow, '2019-01-01'),
	 contributions(prev.profile, cur.profile) AS c
WHERE (cur.reporter, cur.flow, cur.period) = (:dprk, 'import', '2020-01-01')
ORDER BY c.contribution
LIMIT 5;
SELECT to_char(100 * pct_change(prev.profile, cur.profile), 'FMS990.0"%"') AS imports_2020,
	   to_char(100 * sum(c.contribution), 'FMS990.0"%"') AS sum_of_contributions,
	   to_char(100 * max(c.contribution) FILTER (WHERE c.partner = :china)
				   / pct_change(prev.profile, cur.profile), 'FM990"%"') AS china_part_of_the_fall
FROM trade.profiles AS cur
JOIN trade.profiles AS prev
  ON (prev.reporter, prev.flow, prev.period) = (cur.reporter, cur.flow, '2019-01-01'),
	 contributions(prev.profile, cur.profile) AS c
WHERE (cur.reporter, cur.flow, cur.period) = (:dprk, 'import', '2020-01-01')
GROUP BY prev.profile, cur.profile;
\echo '    On China''s side the fall barely shows: China''s exports grew in 2020, and the loss of'
\echo '    North Korea''s market took this much off that growth (rank_among_the_fallers: 1 is the partner'
\echo '    whose fall took the most):'
SELECT to_char(100 * pct_change(prev.profile, cur.profile), 'FMS990.0"%"') AS china_exports_2020,
	   to_char(100 * c.contribution, 'FMS990.00" pts"') AS north_korea_contribution,
	   (SELECT count(*) FROM contributions(prev.profile, cur.profile) AS o
		WHERE o.contribution < c.contribution) + 1 AS rank_among_the_fallers
FROM trade.profiles AS cur
JOIN trade.profiles AS prev
  ON (prev.reporter, prev.flow, prev.period) = (cur.reporter, cur.flow, '2019-01-01'),
	 contributions(prev.profile, cur.profile) AS c
WHERE (cur.reporter, cur.flow, cur.period) = (:china, 'export', '2020-01-01')
  AND c.partner = :dprk;
\echo

\echo 'Source: IMF Direction of Trade Statistics; press figures cited in data/facts'
