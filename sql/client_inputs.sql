--
-- What drivers and BI tools send (issue 11): steps as text or varchar,
-- steps that do not fit the periods, timestamptz periods in a named time
-- zone, partners under a nondeterministic collation.
--
CREATE EXTENSION tradeflow;
CREATE TABLE monthly AS
SELECT s, d::date AS period, (100 + 7 * extract(month FROM d) + s)::numeric AS v
FROM generate_series(1, 2) AS s,
	 generate_series(date '2020-01-01', date '2021-12-01', interval '1 month') AS d
WHERE NOT (s = 2 AND d = date '2020-06-01');

-- a step as text or varchar (JDBC setString, psycopg's binary %b with a str,
-- Metabase text variables) is the interval it spells, parsed once per call site
SELECT count(*) AS rows,
	   count(*) FILTER (WHERE a IS NOT DISTINCT FROM b AND a IS NOT DISTINCT FROM c
						AND a IS NOT DISTINCT FROM d) AS same,
	   count(a) AS changes
FROM (SELECT pct_change(v, period, interval '1 month') OVER w AS a,
			 pct_change(v, period, '1 month'::text) OVER w AS b,
			 pct_change(v, period, '1 month'::varchar) OVER w AS c,
			 pct_change(v, period, 'P1M'::varchar(20)) OVER w AS d
	  FROM monthly WINDOW w AS (PARTITION BY s)) AS t;
-- the text of the step may change from row to row
SELECT s, count(x) AS changes
FROM (SELECT s, pct_change(v, period, CASE WHEN s = 1 THEN '1 month' ELSE '1 year' END::varchar)
				OVER (PARTITION BY s) AS x FROM monthly) AS t
GROUP BY s ORDER BY s;
-- a bad string gets the interval's own error; NULL and non-positive steps theirs
SELECT pct_change(v, period, '1 mnth'::varchar) OVER (PARTITION BY s) FROM monthly;
SELECT pct_change(v, period, NULL::text) OVER (PARTITION BY s) FROM monthly;
SELECT pct_change(v, period, '-1 month'::text) OVER (PARTITION BY s) FROM monthly;

-- a step that does not fit the periods gets one notice per query: 30 days
-- (a Python timedelta(days=30)) on monthly periods, a month on quarterly ones
SELECT count(x) AS changes FROM (SELECT pct_change(v, period, interval '30 days') OVER (PARTITION BY s) AS x FROM monthly) AS t;
SELECT count(x) AS changes
FROM (SELECT pct_change(v, period, '1 month') OVER (PARTITION BY s) AS x
	  FROM monthly WHERE extract(month FROM period) IN (1, 4, 7, 10)) AS t;
-- steps that fit stay silent, with gaps or too few periods to find any
SELECT count(x) AS changes FROM (SELECT pct_change(v, period, '1 month') OVER (PARTITION BY s) AS x FROM monthly) AS t;
SELECT count(x) AS changes FROM (SELECT pct_change(v, period, '2 years') OVER (PARTITION BY s) AS x FROM monthly) AS t;
SELECT count(x) AS changes FROM (SELECT pct_change(v, period, '1 month') OVER (PARTITION BY s, period) AS x FROM monthly) AS t;
-- month ends: a month step fits them, though they are 28 to 31 days apart
SELECT count(x) AS changes
FROM (SELECT pct_change(v, (period + interval '1 month' - interval '1 day')::date, '1 month')
				OVER (PARTITION BY s) AS x FROM monthly) AS t;
-- no notice after an error
SELECT pct_change(v, period, '30 days') OVER (PARTITION BY s), 1 / (v - v) FROM monthly;

-- timestamptz periods stored at midnight UTC: in the session's time zone a
-- month step misses half of them in New York; in a named time zone it does
-- not depend on the session
CREATE TABLE utc_monthly AS
SELECT s, period::timestamp AT TIME ZONE 'UTC' AS period, v FROM monthly;
SET TimeZone = 'America/New_York';
SELECT count(a) AS session_zone, count(b) AS utc, count(c) AS utc_text_step
FROM (SELECT pct_change(v, period, interval '1 month') OVER w AS a,
			 pct_change(v, period, interval '1 month', 'UTC') OVER w AS b,
			 pct_change(v, period, '1 month', 'UTC') OVER w AS c
	  FROM utc_monthly WINDOW w AS (PARTITION BY s)) AS t;
CREATE TABLE in_new_york AS
SELECT s, period, pct_change(v, period, interval '1 month', 'UTC') OVER (PARTITION BY s) AS x
FROM utc_monthly;
SET TimeZone = 'Asia/Tokyo';
CREATE TABLE in_tokyo AS
SELECT s, period, pct_change(v, period, interval '1 month', 'UTC') OVER (PARTITION BY s) AS x
FROM utc_monthly;
RESET TimeZone;
SELECT count(*) AS rows, count(*) FILTER (WHERE y.x IS NOT DISTINCT FROM t.x) AS same_in_both
FROM in_new_york AS y JOIN in_tokyo AS t USING (s, period);
-- the same as the plain SQL ((period AT TIME ZONE z) - step) AT TIME ZONE z
SELECT count(*) AS rows,
	   count(*) FILTER (WHERE abs(x - want) <= 1e-12 * abs(want) OR (x IS NULL AND want IS NULL)) AS same
FROM (SELECT x, (SELECT (c.v / p.v - 1)::float8 FROM utc_monthly AS p
				 WHERE p.s = c.s AND p.period = ((c.period AT TIME ZONE 'Europe/Berlin') - interval '1 month')
											   AT TIME ZONE 'Europe/Berlin') AS want
	  FROM (SELECT *, pct_change(v, period, interval '1 month', 'Europe/Berlin') OVER (PARTITION BY s) AS x
			FROM utc_monthly) AS c) AS t;
SELECT pct_change(v, period, interval '1 month', NULL) OVER (PARTITION BY s) FROM utc_monthly;
SELECT pct_change(v, period, interval '1 month', 'Mars/Olympus') OVER (PARTITION BY s) FROM utc_monthly;

-- partners under a nondeterministic collation: GROUP BY merges 'PRK' and
-- 'prk', tradeflow cannot tell them apart as such a collation does: refused
SELECT count(*) > 0 AS has_icu FROM pg_collation WHERE collprovider = 'i' \gset
\if :has_icu
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE c (partner text COLLATE ci, v numeric);
INSERT INTO c VALUES ('PRK', 10), ('prk', 10), ('USA', 15), ('JPN', 12);
SELECT partner, sum(v), rank() OVER (ORDER BY sum(v) DESC) FROM c GROUP BY partner ORDER BY 3;
SELECT rank_partner(partner, v, 'PRK') FROM c;
SELECT trade_profile(partner, v) FROM c;
-- a deterministic collation is GROUP BY's answer
SELECT rank_partner(partner COLLATE "C", v, 'PRK') AS rank_c,
	   rank_partner(upper(partner) COLLATE "C", v, 'PRK') AS rank_upper,
	   trade_share(v, partner = 'prk') AS share_ci
FROM c;
\endif

DROP EXTENSION tradeflow CASCADE;
