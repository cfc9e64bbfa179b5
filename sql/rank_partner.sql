--
-- rank_partner: window (rank in the partition) and aggregate (rank of a target)
--
CREATE EXTENSION tradeflow;

CREATE TABLE flows (reporter text, partner text, m49 int, product text, value numeric);
INSERT INTO flows VALUES
  ('CHN', 'USA', 840, '85', 300), ('CHN', 'USA', 840, '84', 200),
  ('CHN', 'JPN', 392, '85', 250), ('CHN', 'KOR', 410, '85', 250),
  ('CHN', 'PRK', 408, '27', 100), ('CHN', 'PRK', 408, '10', NULL),
  ('CHN', 'LIE', 438, '71', 120), ('CHN', 'MCO', 492, '71', NULL),
  ('CHN', NULL, NULL, '99', 1000),
  ('RUS', 'PRK', 408, '27', -5), ('RUS', 'CHN', 156, '27', 7);

-- window: largest first, ties share the lowest rank, NULL values get NULL
SELECT reporter, partner, product, value,
       rank_partner(value) OVER (PARTITION BY reporter) AS rnk,
       rank() OVER (PARTITION BY reporter ORDER BY value DESC NULLS LAST) AS plain_rank
FROM flows
WHERE value IS NOT NULL OR partner = 'MCO'
ORDER BY reporter, value DESC NULLS LAST, partner, product;

-- shares one window clause (and one sort) with trade_share
EXPLAIN (COSTS OFF)
SELECT rank_partner(value) OVER w, trade_share(value) OVER w
FROM flows WINDOW w AS (PARTITION BY reporter);

-- every value type; all-NULL and single-row partitions
SELECT v, rank_partner(v::float8) OVER () AS f, rank_partner(v::bigint) OVER () AS b,
       rank_partner(v::int) OVER () AS i
FROM (VALUES (3), (1), (3), (2), (NULL)) AS t(v)
ORDER BY v;
SELECT rank_partner(v) OVER () FROM (VALUES (NULL::numeric), (NULL)) AS t(v);
SELECT rank_partner(v) OVER () FROM (VALUES (42::numeric)) AS t(v);
-- NaN ranks above every number, as in ORDER BY
SELECT v, rank_partner(v) OVER () AS r, rank() OVER (ORDER BY v DESC) AS plain
FROM (VALUES (1::float8), ('NaN'), ('Infinity'), ('-Infinity'), ('NaN')) AS t(v)
ORDER BY r, v;
-- numeric ranks are exact where double precision would tie
SELECT v, rank_partner(v) OVER () AS r
FROM (VALUES (1.00000000000000000001::numeric), (1.00000000000000000002)) AS t(v)
ORDER BY v;

-- aggregate: rank of the target by summed value (USA 500, JPN 250, KOR 250, LIE 120, PRK 100)
SELECT rank_partner(partner, value, 'PRK') AS prk,
       rank_partner(partner, value, 'USA') AS usa,
       rank_partner(partner, value, 'KOR') AS kor,
       rank_partner(partner, value, 'JPN') AS jpn,
       rank_partner(partner, value, 'MCO') AS mco_only_null,
       rank_partner(partner, value, 'FRA') AS absent,
       rank_partner(partner, value, NULL) AS null_target
FROM flows WHERE reporter = 'CHN';

-- per group, and against the plain-SQL formulation
SELECT f.reporter, rank_partner(f.partner, f.value, 'PRK') AS prk,
       (SELECT r FROM (SELECT partner, rank() OVER (ORDER BY sum(value) DESC) AS r
                       FROM flows g WHERE g.reporter = f.reporter AND g.value IS NOT NULL
                         AND g.partner IS NOT NULL
                       GROUP BY partner) s WHERE s.partner = 'PRK') AS plain_sql
FROM flows f
GROUP BY f.reporter
ORDER BY f.reporter;

-- integer partners (M49 codes) and every value type
SELECT rank_partner(m49, value, 408) AS numeric_v,
       rank_partner(m49, value::float8, 408) AS float8_v,
       rank_partner(m49::bigint, value::bigint, 408::bigint) AS bigint_v,
       rank_partner(m49, value::int, 408) AS int_v,
       rank_partner(partner, value::int, 'PRK') AS text_int_v
FROM flows WHERE reporter = 'CHN';

-- exact sums: two partners whose totals differ beyond double precision
SELECT rank_partner(p, v, 'a') AS a, rank_partner(p, v, 'b') AS b
FROM (VALUES ('a', 1e20::numeric), ('a', 1), ('b', 1e20)) AS t(p, v);
SELECT rank_partner(p, v, 'a') AS a, rank_partner(p, v, 'b') AS b
FROM (VALUES ('a', 9223372036854775807::bigint), ('a', 1), ('b', 9223372036854775807)) AS t(p, v);

-- the aggregate over a window
SELECT partner, value, rank_partner(partner, value, 'KOR') OVER (ORDER BY value DESC NULLS LAST, partner) AS running
FROM flows WHERE reporter = 'CHN' AND partner IS NOT NULL
ORDER BY value DESC NULLS LAST, partner;

-- empty strings and long strings are partners like any other
SELECT rank_partner(p, v, '') AS empty, rank_partner(p, v, repeat('x', 10000)) AS long
FROM (VALUES ('', 5), (repeat('x', 10000), 6)) AS t(p, v);

-- the target must be the same on every row of a group
SELECT rank_partner(partner, value, partner) FROM flows WHERE reporter = 'CHN';

DROP TABLE flows;
DROP EXTENSION tradeflow;
