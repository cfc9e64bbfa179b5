--
-- trade_share: window (share of the whole partition) and aggregate
--
CREATE EXTENSION tradeflow;

CREATE TABLE flows (reporter text, period int, partner text, value numeric);
INSERT INTO flows VALUES
  ('CHN', 2020, 'PRK', 491300000), ('CHN', 2020, 'LIE', 60000000), ('CHN', 2020, 'MCO', 40000000),
  ('CHN', 2020, 'XXX', NULL),
  ('RUS', 2020, 'PRK', 0), ('RUS', 2020, 'MCO', 0),            -- zero total
  ('USA', 2020, 'PRK', NULL),                                 -- all NULL
  ('UKR', 2020, 'PRK', 488000000),                            -- single row
  ('NEG', 2020, 'A', 100), ('NEG', 2020, 'B', -40);           -- a negative correction

-- window: share of the whole partition; NULL value, zero total and all-NULL give NULL
SELECT reporter, partner, value,
       round(trade_share(value) OVER (PARTITION BY reporter)::numeric, 6) AS share
FROM flows
ORDER BY reporter, partner;

-- independent of the window's ORDER BY and frame
SELECT reporter, partner,
       trade_share(value) OVER (PARTITION BY reporter ORDER BY value) =
       trade_share(value) OVER (PARTITION BY reporter) AS same_ordered,
       trade_share(value) OVER (PARTITION BY reporter ORDER BY partner ROWS BETWEEN CURRENT ROW AND CURRENT ROW) =
       trade_share(value) OVER (PARTITION BY reporter) AS same_framed
FROM flows
WHERE reporter = 'CHN' AND value IS NOT NULL
ORDER BY partner;

-- every value type
SELECT partner,
       trade_share(value::float8) OVER () AS f,
       trade_share(value::bigint) OVER () AS b,
       trade_share(value::int / 1000) OVER () AS i
FROM flows WHERE reporter = 'CHN' AND value IS NOT NULL
ORDER BY partner;

-- exact totals: bigint sums beyond int64, numeric sums without rounding
SELECT trade_share(v) OVER () AS big_share
FROM (VALUES (9223372036854775807::bigint), (9223372036854775807::bigint)) AS t(v);
SELECT trade_share(v) OVER () AS tiny_share
FROM (VALUES (0.000000000000000000001::numeric), (1e20::numeric), (-1e20::numeric)) AS t(v);

-- NaN and infinities follow float8 arithmetic
SELECT v, trade_share(v) OVER () AS share
FROM (VALUES (1::float8), ('NaN'), (2)) AS t(v) ORDER BY v;
SELECT v, trade_share(v) OVER () AS share
FROM (VALUES (1::float8), ('Infinity'), (2)) AS t(v) ORDER BY v;

-- aggregate: sum(value) FILTER (WHERE is_part) / sum(value)
SELECT reporter,
       round(trade_share(value, partner = 'PRK')::numeric, 6) AS prk_share,
       round((sum(value) FILTER (WHERE partner = 'PRK') / nullif(sum(value), 0))::numeric, 6) AS plain_sql
FROM flows
GROUP BY reporter
ORDER BY reporter;

-- is_part NULL counts as not part; no part gives 0 where the total is not
-- zero, NULL where it is
SELECT trade_share(v, p) AS share
FROM (VALUES (10, true), (10, NULL), (20, false)) AS t(v, p);
SELECT trade_share(v, p) AS no_part
FROM (VALUES (10, false), (20, false)) AS t(v, p);
SELECT trade_share(v, p) IS NULL AS no_part_zero_total
FROM (VALUES (10, false), (-10, false)) AS t(v, p);
SELECT trade_share(v, true) IS NULL AS no_rows FROM (SELECT 1 AS v WHERE false) s;

-- every value type in the aggregate
SELECT trade_share(value::float8, partner = 'PRK') AS f,
       trade_share(value::bigint, partner = 'PRK') AS b,
       trade_share((value / 1000)::int, partner = 'PRK') AS i
FROM flows WHERE reporter = 'CHN';
SELECT trade_share(v, v > 0) AS big_bigint
FROM (VALUES (9223372036854775807::bigint), (9223372036854775807::bigint), (-1::bigint)) AS t(v);

-- the aggregate over a window
SELECT reporter, partner,
       round(trade_share(value, partner = 'PRK') OVER (PARTITION BY reporter)::numeric, 6) AS prk_share
FROM flows WHERE reporter IN ('CHN', 'UKR')
ORDER BY reporter, partner;

-- float8 overflow of the total is an error, as in sum()
SELECT trade_share(v) OVER () FROM (VALUES (1e308::float8), (1e308)) AS t(v);
SELECT trade_share(v, true) FROM (VALUES (1e308::float8), (1e308)) AS t(v);

DROP TABLE flows;
DROP EXTENSION tradeflow;
