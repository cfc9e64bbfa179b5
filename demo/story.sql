-- demo/story.sql: China, North Korea and the 2020 border closure, told by
-- tradeflow's functions on the real data loaded by data/load.sql.
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
\echo 'Source: IMF Direction of Trade Statistics; press figures cited in data/facts'
