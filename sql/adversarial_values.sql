--
-- Adversarial values: partitions of one row, of a million rows, all NULL,
-- all zero, all equal; values at the limits of bigint, numeric and double
-- precision; NaN and infinities; NULL, empty and very long partners; calls
-- from where PostgreSQL gives no call expression
--
CREATE EXTENSION tradeflow;

-- pg_temp.error_of(statement): the SQLSTATE and message of the error a
-- statement raises
\i test/fixtures/error_of.psql

--
-- Small partitions: one row, all NULL, all zero, all equal, a zero total,
-- a NULL in the middle.  Every form, numeric values.
--
CREATE TABLE cases (c text, i int, partner text, v numeric, is_part boolean);
INSERT INTO cases VALUES
	('one row', 1, 'A', 5, true),
	('all NULL', 1, 'A', NULL, true), ('all NULL', 2, 'B', NULL, false),
	('all zero', 1, 'A', 0, true), ('all zero', 2, 'B', 0, false), ('all zero', 3, 'C', 0, false),
	('all equal', 1, 'A', 7, true), ('all equal', 2, 'B', 7, false), ('all equal', 3, 'C', 7, NULL),
	('zero total', 1, 'A', 5, true), ('zero total', 2, 'B', -5, false),
	('NULL inside', 1, 'A', 4, false), ('NULL inside', 2, 'B', NULL, true), ('NULL inside', 3, 'C', 6, true);

SELECT c, i, v,
	   pct_change(v) OVER w AS chg_row,
	   pct_change(v, date '2020-01-01' + i, '1 day') OVER w AS chg_day,
	   trade_share(v) OVER w AS share,
	   rank_partner(v) OVER w AS rank
FROM cases
WINDOW w AS (PARTITION BY c ORDER BY i)
ORDER BY c COLLATE "C", i;

SELECT c, trade_share(v, is_part) AS share_of_part,
	   rank_partner(partner, v, 'A') AS rank_of_a,
	   rank_partner(partner, v, 'B') AS rank_of_b
FROM cases GROUP BY c ORDER BY c COLLATE "C";

-- the same partitions with each value type, against the plain-SQL formulas
-- (numeric and integer ratios divide exact totals and differences converted
-- to double precision; double precision follows its own arithmetic)
SELECT typ,
	   bool_and(chg_row IS NOT DISTINCT FROM chg_row_sql) AS chg_row,
	   bool_and(chg_day IS NOT DISTINCT FROM chg_row_sql) AS chg_day,
	   bool_and(share IS NOT DISTINCT FROM share_sql) AS share,
	   bool_and(rank IS NOT DISTINCT FROM rank_sql) AS rank
FROM (SELECT 'numeric' AS typ, pct_change(v) OVER w AS chg_row,
			 pct_change(v, date '2020-01-01' + i, '1 day') OVER w AS chg_day,
			 (v - lag(v) OVER w)::float8 / nullif(lag(v) OVER w, 0)::float8 AS chg_row_sql,
			 trade_share(v) OVER w AS share, v::float8 / nullif(sum(v) OVER p, 0)::float8 AS share_sql,
			 rank_partner(v) OVER w AS rank,
			 CASE WHEN v IS NOT NULL THEN rank() OVER (PARTITION BY c ORDER BY v DESC NULLS LAST) END AS rank_sql
	  FROM cases WINDOW w AS (PARTITION BY c ORDER BY i), p AS (PARTITION BY c)
	  UNION ALL
	  SELECT 'double precision', pct_change(v::float8) OVER w,
			 pct_change(v::float8, date '2020-01-01' + i, '1 day') OVER w,
			 v::float8 / nullif(lag(v::float8) OVER w, 0) - 1,
			 trade_share(v::float8) OVER w, v::float8 / nullif(sum(v::float8) OVER p, 0),
			 rank_partner(v::float8) OVER w,
			 CASE WHEN v IS NOT NULL THEN rank() OVER (PARTITION BY c ORDER BY v DESC NULLS LAST) END
	  FROM cases WINDOW w AS (PARTITION BY c ORDER BY i), p AS (PARTITION BY c)
	  UNION ALL
	  SELECT 'bigint', pct_change(v::bigint) OVER w,
			 pct_change(v::bigint, date '2020-01-01' + i, '1 day') OVER w,
			 (v - lag(v) OVER w)::float8 / nullif(lag(v) OVER w, 0)::float8,
			 trade_share(v::bigint) OVER w, v::float8 / nullif(sum(v) OVER p, 0)::float8,
			 rank_partner(v::bigint) OVER w,
			 CASE WHEN v IS NOT NULL THEN rank() OVER (PARTITION BY c ORDER BY v DESC NULLS LAST) END
	  FROM cases WINDOW w AS (PARTITION BY c ORDER BY i), p AS (PARTITION BY c)
	  UNION ALL
	  SELECT 'integer', pct_change(v::int) OVER w,
			 pct_change(v::int, date '2020-01-01' + i, '1 day') OVER w,
			 v::float8 / nullif(lag(v::float8) OVER w, 0) - 1,
			 trade_share(v::int) OVER w, v::float8 / nullif(sum(v) OVER p, 0)::float8,
			 rank_partner(v::int) OVER w,
			 CASE WHEN v IS NOT NULL THEN rank() OVER (PARTITION BY c ORDER BY v DESC NULLS LAST) END
	  FROM cases WINDOW w AS (PARTITION BY c ORDER BY i), p AS (PARTITION BY c)) AS t
GROUP BY typ ORDER BY typ;

SELECT typ, bool_and(share IS NOT DISTINCT FROM share_sql) AS share,
	   bool_and(rank IS NOT DISTINCT FROM rank_sql) AS rank
FROM (SELECT 'numeric' AS typ, c, trade_share(v, is_part) AS share,
			 (sum(v) FILTER (WHERE is_part))::float8 / nullif(sum(v), 0)::float8 AS share_sql,
			 rank_partner(partner, v, 'B') AS rank
	  FROM cases GROUP BY c
	  UNION ALL
	  SELECT 'double precision', c, trade_share(v::float8, is_part),
			 sum(v::float8) FILTER (WHERE is_part) / nullif(sum(v::float8), 0), rank_partner(partner, v::float8, 'B')
	  FROM cases GROUP BY c
	  UNION ALL
	  SELECT 'bigint', c, trade_share(v::bigint, is_part),
			 (sum(v) FILTER (WHERE is_part))::float8 / nullif(sum(v), 0)::float8, rank_partner(partner, v::bigint, 'B')
	  FROM cases GROUP BY c
	  UNION ALL
	  SELECT 'integer', c, trade_share(v::int, is_part),
			 (sum(v) FILTER (WHERE is_part))::float8 / nullif(sum(v), 0)::float8, rank_partner(partner, v::int, 'B')
	  FROM cases GROUP BY c) AS t
	 LEFT JOIN LATERAL (
		SELECT r AS rank_sql
		FROM (SELECT partner, rank() OVER (ORDER BY sum(v) DESC) AS r
			  FROM cases AS x WHERE x.c = t.c AND x.v IS NOT NULL GROUP BY partner) AS ranked
		WHERE partner = 'B') AS r ON true
GROUP BY typ ORDER BY typ;

--
-- A partition of a million rows: shares, ranks and changes against their
-- closed forms (g / 500000500000, 1000001 - g, 1 / (g - 1)); the partition is
-- kept in memory (with the default work_mem it is read back from disk)
--
SET work_mem = '64MB';
SELECT count(*) AS rows,
	   count(*) FILTER (WHERE share = g::float8 / 500000500000) AS shares_right,
	   count(*) FILTER (WHERE rank = 1000001 - g) AS ranks_right,
	   count(*) FILTER (WHERE chg_day IS NOT DISTINCT FROM 1::float8 / nullif(g - 1, 0)) AS day_changes_right
FROM (SELECT g, trade_share(g) OVER () AS share, rank_partner(g) OVER () AS rank,
			 pct_change(g, date '2000-01-01' + g::int, '1 day') OVER () AS chg_day
	  FROM generate_series(1::bigint, 1000000) AS g) AS t;
RESET work_mem;
SELECT trade_share(g, g <= 1000) = 500500::float8 / 500000500000 AS share_right,
	   rank_partner(g % 1000, g, 999::bigint) AS rank_of_999
FROM generate_series(1::bigint, 1000000) AS g;

--
-- bigint at its limits: exact differences and totals
--
SELECT pct_change('-9223372036854775808'::bigint, 9223372036854775807) AS min_to_max,
	   pct_change(9223372036854775807::bigint, '-9223372036854775808') AS max_to_min,
	   pct_change(-1::bigint, 9223372036854775807) AS minus_1_to_max,
	   pct_change(9223372036854775806::bigint, 9223372036854775807) AS max_minus_1_to_max,
	   pct_change(0::bigint, 9223372036854775807) AS from_zero;
SELECT v, trade_share(v) OVER () AS share, v::float8 / (sum(v::numeric) OVER ())::float8 AS share_sql,
	   rank_partner(v) OVER () AS rank, pct_change(v) OVER (ORDER BY i) AS chg
FROM (VALUES (1, 9223372036854775807::bigint), (2, 9223372036854775807), (3, 9223372036854775806),
			 (4, '-9223372036854775808'), (5, 1)) AS t(i, v)
ORDER BY i;

--
-- numeric at its limits
--
-- totals beyond numeric's range: numeric's own error
SELECT pg_temp.error_of($$SELECT trade_share(v) OVER () FROM (VALUES (9e131071), (9e131071)) AS t(v)$$) AS share_window,
	   pg_temp.error_of($$SELECT trade_share(v, true) FROM (VALUES (9e131071), (9e131071)) AS t(v)$$) AS share_agg,
	   pg_temp.error_of($$SELECT rank_partner('a', v, 'a') FROM (VALUES (9e131071), (9e131071)) AS t(v)$$) AS rank_agg,
	   pg_temp.error_of($$SELECT sum(v) FROM (VALUES (9e131071), (9e131071)) AS t(v)$$) AS plain_sum;
-- ratios of values beyond double precision's range: PostgreSQL's conversion error
SELECT pg_temp.error_of($$SELECT pct_change(1e400, 2e400)$$) AS change_huge,
	   pg_temp.error_of($$SELECT pct_change(1e-400, 2e-400)$$) AS change_tiny,
	   pg_temp.error_of($$SELECT trade_share(v) OVER () FROM (VALUES (1e400), (1e400)) AS t(v)$$) AS share_huge,
	   pg_temp.error_of($$SELECT trade_share(v, true) FROM (VALUES (1e-400)) AS t(v)$$) AS share_tiny;
-- ranks need no conversion: they stay exact
SELECT v, rank_partner(n) OVER () AS rank
FROM (VALUES ('1e400', 1e400), ('1e400 + 1', 1e400 + 1), ('-1e400', -1e400), ('1e-400', 1e-400), ('0', 0)) AS t(v, n)
ORDER BY rank;
SELECT rank_partner(p, v, 'b') AS rank_of_b, rank_partner(p, v, 'c') AS rank_of_c
FROM (VALUES ('a', 1e400), ('b', 1e400), ('b', 1e-400), ('c', 1e400 + 1e-400), ('c', 1e-400)) AS t(p, v);
-- a long exact change: 40 digits
SELECT pct_change(1234567890123456789012345678901234567890::numeric, 1234567890123456789012345678901234567891);

--
-- NaN and infinities, double precision and numeric: PostgreSQL's arithmetic
--
CREATE TABLE specials (i int, v float8);
INSERT INTO specials VALUES (1, 'NaN'), (2, 'Infinity'), (3, '-Infinity'), (4, 1), (5, 0), (6, '-0'),
	(7, 'Infinity'), (8, 1e308), (9, 'NaN');
SELECT a.v AS previous, b.v AS current, pct_change(a.v, b.v) AS chg,
	   pct_change(a.v, b.v) IS NOT DISTINCT FROM b.v / nullif(a.v, 0) - 1 AS same_as_sql,
	   pct_change(a.v::numeric, b.v::numeric) AS chg_numeric
FROM specials AS a, specials AS b
WHERE a.i IN (1, 2, 3, 4, 5) AND b.i IN (1, 2, 3, 4, 5)
ORDER BY a.i, b.i;
SELECT pg_temp.error_of($$SELECT pct_change(1e-308::float8, 1e308::float8)$$) AS chg_overflow,
	   pg_temp.error_of($$SELECT 1e308::float8 / 1e-308::float8 - 1$$) AS plain_sql;
-- windows over each set of specials
SELECT set, i, v, trade_share(v) OVER w AS share,
	   v / nullif(sum(v) OVER w, 0) AS share_sql,
	   rank_partner(v) OVER w AS rank,
	   pct_change(v) OVER (PARTITION BY set ORDER BY i) AS chg
FROM (SELECT 'NaN' AS set, i, v FROM specials WHERE i IN (1, 4)
	  UNION ALL SELECT '+Infinity', i, v FROM specials WHERE i IN (2, 4, 5)
	  UNION ALL SELECT '+/-Infinity', i, v FROM specials WHERE i IN (2, 3, 4)
	  UNION ALL SELECT 'zeros', i, v FROM specials WHERE i IN (5, 6)) AS t
WINDOW w AS (PARTITION BY set)
ORDER BY set COLLATE "C", i;
SELECT pg_temp.error_of($$SELECT trade_share(v) OVER () FROM specials WHERE i IN (4, 8)$$) AS one_1e308,
	   pg_temp.error_of($$SELECT trade_share(v) OVER () FROM (SELECT v FROM specials WHERE i = 8 UNION ALL SELECT 1e308) AS t$$) AS two_1e308,
	   pg_temp.error_of($$SELECT sum(v) FROM (SELECT v FROM specials WHERE i = 8 UNION ALL SELECT 1e308) AS t$$) AS plain_sum;
-- all of them in one partition: the ranks of PostgreSQL's ordering (NaN first)
SELECT v, rank_partner(v) OVER () AS rank, rank() OVER (ORDER BY v DESC) AS rank_sql
FROM specials ORDER BY rank, i;
SELECT v, rank_partner(v::numeric) OVER () AS rank
FROM (VALUES ('NaN'::numeric), ('Infinity'), ('-Infinity'), (0), ('NaN')) AS t(v) ORDER BY rank;
-- aggregates: NaN and infinities sum as sum() does
SELECT trade_share(v, i = 4) AS share_nan_in_whole, rank_partner(i::text, v, '4') AS rank_of_1
FROM specials WHERE i IN (1, 4);
SELECT trade_share(v, i = 2) AS inf_of_inf_minus_inf, rank_partner(p, v, 'b') AS rank_of_b
FROM (SELECT i, CASE WHEN i = 4 THEN 'b' ELSE 'a' END AS p, v FROM specials WHERE i IN (2, 3, 4)) AS t;
SELECT trade_share(v, true) AS share_numeric_inf, rank_partner('a', v, 'a') AS rank
FROM (VALUES ('Infinity'::numeric), (1)) AS t(v);

--
-- Partners and targets: NULL, empty, long, alike
--
SELECT rank_partner(p, v, 'x') AS null_partner_skipped,
	   rank_partner(p, v, NULL) AS null_target,
	   rank_partner(p, v, '') AS empty_target,
	   rank_partner(p, v, 'absent') AS absent_target
FROM (VALUES (NULL, 100), ('x', 1), ('', 2), ('y', NULL)) AS t(p, v);
SELECT rank_partner(p, v, t) AS target_set_by_one_row
FROM (VALUES ('a', 1, NULL), ('b', 2, 'a'), ('c', 3, NULL)) AS t(p, v, t);
SELECT pg_temp.error_of($$SELECT rank_partner(p, v, t) FROM (VALUES ('a', 1, ''), ('b', 2, 'a')) AS t(p, v, t)$$) AS empty_and_a;
SELECT rank_partner(p, v, repeat('x', 100000)) AS long_target,
	   rank_partner(p, v, repeat('x', 99999) || 'y') AS long_target_alike,
	   rank_partner(p, v, repeat('x', 99999)) AS long_target_prefix
FROM (VALUES (repeat('x', 100000), 5), (repeat('x', 99999) || 'y', 6), (repeat('x', 99999), 4),
			 ('', 7), (NULL, 100)) AS t(p, v);
SELECT pg_temp.error_of($$SELECT rank_partner(p, v, t) FROM (VALUES ('a', 1, repeat('x', 100000)), ('b', 2, repeat('x', 99999) || 'y')) AS t(p, v, t)$$) AS long_targets_differ;
SELECT rank_partner(p, v, 'prk') AS lower_case, rank_partner(p, v, 'PRK') AS upper_case,
	   rank_partner(p, v, 'PRK ') AS trailing_space
FROM (VALUES ('PRK', 1), ('prk', 2), ('PRK ', 3)) AS t(p, v);
SELECT rank_partner(p, v, 5::bigint) AS bigint_partner, rank_partner(p, v, NULL::bigint) AS null_bigint_target,
	   rank_partner(p, v, '-9223372036854775808'::bigint) AS min_partner
FROM (VALUES (5::bigint, 1), (NULL, 9), ('-9223372036854775808', 2)) AS t(p, v);
-- 20000 partners of 1000 characters in one group
SELECT rank_partner(repeat('p', 995) || lpad(g::text, 5, '0'), g, repeat('p', 995) || '00006') AS rank
FROM generate_series(1, 20000) AS g;

--
-- Argument types: integer, smallint and real resolve to a form that takes
-- them; domains over the accepted types are their base types
--
CREATE DOMAIN usd AS numeric CHECK (VALUE >= 0);
CREATE DOMAIN usd_cents AS bigint;
CREATE DOMAIN month AS date;
SELECT pct_change(1::smallint, 3::smallint) AS smallint, pct_change(2::real, 3::real) AS real,
	   pct_change(4, 5) AS integer, pct_change('1', 2) AS unknown_and_integer;
-- two untyped literals could be numbers or partner profiles: give one a type
SELECT pct_change('1', '2');
SELECT pct_change('1'::numeric, '2') AS unknown;
SELECT v, pct_change(v::usd) OVER (ORDER BY p) AS chg, pct_change(v::usd_cents, p::month, '1 month') OVER () AS mom,
	   trade_share(v::usd) OVER () AS share, rank_partner(v::usd_cents) OVER () AS rank
FROM (VALUES (date '2020-01-01', 2), ('2020-02-01', 3)) AS t(p, v) ORDER BY p;
SELECT trade_share(v::usd, v > 2) AS share, rank_partner(p::text, v::usd_cents, 'b') AS rank,
	   trade_share(v::smallint, true) AS share_smallint
FROM (VALUES ('a', 2), ('b', 3)) AS t(p, v);

--
-- Called without a call expression: pct_change as the subtype difference
-- of a range type, which GiST indexes call on their own
--
CREATE TYPE float8range_chg AS RANGE (subtype = float8, subtype_diff = pct_change);
CREATE TYPE numrange_chg AS RANGE (subtype = numeric, subtype_diff = pct_change);
CREATE TABLE ranges AS
SELECT float8range_chg(g, g + 1) AS f, numrange_chg(g, g + 2) AS n FROM generate_series(1, 2000) AS g;
CREATE INDEX ON ranges USING gist (f);
CREATE INDEX ON ranges USING gist (n);
INSERT INTO ranges SELECT float8range_chg(g, g + 1), numrange_chg(g, g + 2) FROM generate_series(2001, 3000) AS g;
SET enable_seqscan = off;
SELECT count(*) FROM ranges WHERE f && float8range_chg(100, 102);
SELECT count(*) FROM ranges WHERE n && numrange_chg(100, 102);
RESET enable_seqscan;

DROP TABLE cases, specials, ranges;
DROP TYPE float8range_chg, numrange_chg;
DROP DOMAIN usd, usd_cents, month;
DROP EXTENSION tradeflow;
