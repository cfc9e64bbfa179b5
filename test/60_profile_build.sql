-- test/60_profile_build.sql: building partner profiles, and rolling them up
--
-- For every overload of trade_profile(partner, value) (text and bigint
-- partners; numeric, double precision, bigint and integer values, and
-- smallint and real, which resolve to the double precision form as the
-- common rules say), the monthly profiles of the generated data hold
-- exactly the partner sums of plain SQL: each partner's sum(value) GROUP BY
-- reporter, period, partner over the rows with a partner and a value
-- (exactly, numeric display scale included, for the exact kinds; within
-- tft.close for double precision, whose sums may be taken in another
-- order), no partner more, no partner less; a group without such a row has
-- no profile (NULL, like sum()).  rollup() of the monthly profiles equals
-- trade_profile() over the union of their rows: years, halves of the rows,
-- the whole.  The same on the real IMF data.

\i test/fixtures/setup.psql

SELECT plan(60);

-- the overloads, as (name, partner expression, value expression, exact)
CREATE TABLE tft.kinds (name text PRIMARY KEY, partner text, value text, exact boolean, values_kind text);
INSERT INTO tft.kinds VALUES
	('text/numeric', 'partner', 'v_num', true, 'numeric'),
	('text/float8', 'partner', 'v_f8', false, 'double precision'),
	('text/float8 quarters', 'partner', 'v_f8q', true, 'double precision'),
	('text/bigint', 'partner', 'v_big', true, 'integer'),
	('text/integer', 'partner', 'v_int', true, 'integer'),
	('text/smallint', 'partner', '(v_int % 30000)::smallint', true, 'double precision'),
	('text/real', 'partner', 'v_f8q::real', false, 'double precision'),
	('bigint/numeric', 'partner_code', 'v_num', true, 'numeric'),
	('bigint/bigint', 'partner_code', 'v_big', true, 'integer'),
	('integer/integer', 'partner_code::integer', 'v_int', true, 'integer'),
	('bigint/float8 quarters', 'partner_code', 'v_f8q', true, 'double precision');

-- per kind: the monthly profiles, the plain sums per partner, and the rows
-- with their year and a half (odd or even id)
CREATE TABLE tft.built (kind text, reporter int, period date, p trade_profile);
CREATE TABLE tft.plain (kind text, reporter int, period date, partner text, s numeric, sf float8);
CREATE TABLE tft.rows (kind text, reporter int, period date, half int, partner text, v numeric, vf float8);

DO $$
DECLARE
	k record;
BEGIN
	FOR k IN SELECT * FROM tft.kinds LOOP
		EXECUTE format('INSERT INTO tft.rows SELECT %L, reporter, period, id %% 2, (%s)::text, (%s)::numeric, (%s)::float8 FROM tft.flows',
					   k.name, k.partner, CASE WHEN k.values_kind = 'double precision' THEN 'NULL' ELSE k.value END, k.value);
		EXECUTE format('INSERT INTO tft.built SELECT %L, reporter, period, trade_profile(%s, %s) FROM tft.flows GROUP BY reporter, period',
					   k.name, k.partner, k.value);
		EXECUTE format('INSERT INTO tft.plain SELECT %L, reporter, period, (%s)::text, sum(%s), sum((%s)::float8) FROM tft.flows
						WHERE %s IS NOT NULL AND %s IS NOT NULL GROUP BY 1, 2, 3, 4',
					   k.name, k.partner, k.value, k.value, k.partner, k.value);
	END LOOP;
END $$;

-- every partner of every profile, with its value
CREATE TABLE tft.cells AS
SELECT kind, reporter, period, t.partner, t.value
FROM tft.built, LATERAL top_partners(p, 2147483647) AS t;

SELECT ok((SELECT count(*) FROM tft.built) = 11 * 888 AND (SELECT count(*) FROM tft.plain) > 11 * 8000,
		  'every kind has a profile (or NULL) for each of the 888 groups, and plain sums for most cells');

-- the partner values, exactly for the exact kinds
SELECT is_empty(format($$
	(SELECT reporter, period, partner, value::text FROM tft.cells WHERE kind = %1$L
	 EXCEPT ALL
	 SELECT reporter, period, partner, s::text FROM tft.plain WHERE kind = %1$L)
	UNION ALL
	(SELECT reporter, period, partner, s::text FROM tft.plain WHERE kind = %1$L
	 EXCEPT ALL
	 SELECT reporter, period, partner, value::text FROM tft.cells WHERE kind = %1$L)$$, name),
	format('%s: each partner''s value is its exact sum(value), scale included, and no partner is missing or extra', name))
FROM tft.kinds WHERE exact AND values_kind <> 'double precision' ORDER BY name;

SELECT is_empty(format($$
	SELECT * FROM (SELECT reporter, period, partner, value::float8 AS value FROM tft.cells WHERE kind = %1$L) AS c
		FULL JOIN (SELECT reporter, period, partner, sf FROM tft.plain WHERE kind = %1$L) AS s
		USING (reporter, period, partner)
	WHERE NOT (%2$s)$$, name,
	CASE WHEN exact THEN 'c.value = s.sf' ELSE 'tft.close(c.value, s.sf)' END),
	format('%s: each partner''s value is its sum(value::float8)%s, and no partner is missing or extra', name,
		   CASE WHEN exact THEN ' exactly' ELSE ' (within 1e-12 relative; NaN and infinities alike)' END))
FROM tft.kinds WHERE values_kind = 'double precision' ORDER BY name;

-- a group without a row that has both a partner and a value has no profile
SELECT is_empty(format($$
	SELECT reporter, period FROM tft.built WHERE kind = %1$L AND p IS NULL
	EXCEPT
	SELECT reporter, period FROM tft.rows WHERE kind = %1$L
	GROUP BY 1, 2 HAVING count(*) FILTER (WHERE partner IS NOT NULL AND vf IS NOT NULL) = 0
	UNION ALL
	(SELECT reporter, period FROM tft.rows WHERE kind = %1$L
	 GROUP BY 1, 2 HAVING count(*) FILTER (WHERE partner IS NOT NULL AND vf IS NOT NULL) = 0
	 EXCEPT
	 SELECT reporter, period FROM tft.built WHERE kind = %1$L AND p IS NULL)$$, name),
	format('%s: the profile is NULL exactly where no row has both a partner and a value', name))
FROM tft.kinds ORDER BY name;

SELECT ok((SELECT count(*) FILTER (WHERE p IS NULL) FROM tft.built WHERE kind = 'text/numeric') BETWEEN 1 AND 10,
		  'a few groups have no profile (reporter 92: all values NULL)');

-- the profile's kind of values and type of partners, in its text form
SELECT is_empty($$
	SELECT k.name, b.p::text FROM tft.built AS b JOIN tft.kinds AS k ON k.name = b.kind
	WHERE b.p IS NOT NULL
	  AND NOT (b.p::text::json ->> 'values' = k.values_kind AND (b.p::text::json ->> 'version')::int = 1
			   AND b.p::text::json ->> 'partners' = CASE WHEN k.partner = 'partner' THEN 'text' ELSE 'bigint' END)
$$, 'the text form names version 1, the kind of values (numeric, double precision, integer) and the partners'' type');

-- partners with a sum of zero or a negative sum are kept; a NULL partner is not a partner
SELECT ok((SELECT count(*) FROM tft.cells WHERE kind = 'text/numeric' AND value = 0) > 0
		  AND (SELECT count(*) FROM tft.cells WHERE kind = 'text/numeric' AND value < 0) > 0
		  AND NOT EXISTS (SELECT FROM tft.cells WHERE partner IS NULL),
		  'partners whose sum is zero or negative are in the profile; no NULL partner is');
SELECT is((SELECT p::text FROM tft.built WHERE kind = 'text/numeric' AND reporter = 99),
		  '{"version": 1, "values": "numeric", "partners": "text", "totals": {"P01": 9, "P02": 9, "P03": -1}}',
		  'reporter 99: the text form lists the partners in order with their totals');
SELECT is((SELECT array_agg(value ORDER BY partner) FROM tft.cells WHERE kind = 'text/bigint' AND reporter = 99),
		  ARRAY[9000000000000000000, 9000000000000000000, -1]::numeric[],
		  'reporter 99, bigint: totals near the int64 limit are kept exactly');
SELECT is((SELECT total(p) FROM tft.built WHERE kind = 'text/bigint' AND reporter = 99),
		  17999999999999999999::numeric, 'reporter 99, bigint: total beyond int64 is exact');

-- total and partner_count against plain SQL, every kind
SELECT is_empty(format($$
	SELECT * FROM (SELECT reporter, period, total(p) AS t, total(p)::float8 AS tf, partner_count(p) AS n
				   FROM tft.built WHERE kind = %1$L) AS b
		FULL JOIN (SELECT reporter, period, sum(v) FILTER (WHERE partner IS NOT NULL) AS s,
						  sum(vf) FILTER (WHERE partner IS NOT NULL) AS sf,
						  count(DISTINCT partner) FILTER (WHERE vf IS NOT NULL) AS n
				   FROM tft.rows WHERE kind = %1$L GROUP BY 1, 2) AS r USING (reporter, period)
	WHERE b.n IS DISTINCT FROM nullif(r.n, 0) OR NOT %2$s$$, name,
	CASE WHEN values_kind <> 'double precision' THEN '(b.t IS NOT DISTINCT FROM r.s)'
		 ELSE 'tft.close(b.tf, r.sf)' END),
	format('%s: total(p) = sum(value) and partner_count(p) = count(DISTINCT partner) of the rows with a partner', name))
FROM tft.kinds WHERE name IN ('text/numeric', 'text/float8', 'text/bigint', 'bigint/bigint', 'integer/integer') ORDER BY name;

--
-- rollup
--

-- per kind: the yearly profiles as rollup() of the monthly ones, and
-- straight from the rows
CREATE TABLE tft.years AS
SELECT kind, reporter, date_trunc('year', period) AS y, rollup(p) AS rolled
FROM tft.built GROUP BY 1, 2, 3;
DO $$
DECLARE
	k record;
BEGIN
	ALTER TABLE tft.years ADD COLUMN direct trade_profile;
	FOR k IN SELECT * FROM tft.kinds LOOP
		EXECUTE format('UPDATE tft.years SET direct = d.p FROM (SELECT reporter, date_trunc(''year'', period) AS y, trade_profile(%s, %s) AS p
						FROM tft.flows GROUP BY 1, 2) AS d WHERE years.kind = %L AND d.reporter = years.reporter AND d.y = years.y',
					   k.partner, k.value, k.name);
	END LOOP;
END $$;

SELECT is_empty(format($$
	SELECT reporter, y FROM tft.years WHERE kind = %L AND rolled IS DISTINCT FROM direct$$, name),
	format('%s: rollup() of the monthly profiles = trade_profile() of the year''s rows (operator =)', name))
FROM tft.kinds WHERE exact ORDER BY name;

SELECT is_empty($$
	SELECT y.reporter, y.y, r.partner, r.value, d.value
	FROM tft.years AS y,
		 LATERAL (SELECT partner, value::float8 AS value FROM top_partners(y.rolled, 2147483647)) AS r
		 FULL JOIN LATERAL (SELECT partner, value::float8 AS value FROM top_partners(y.direct, 2147483647)) AS d USING (partner)
	WHERE y.kind = 'text/float8' AND NOT tft.close(r.value, d.value)
$$, 'text/float8: rollup() of the monthly profiles = trade_profile() of the year''s rows, each partner within 1e-12');

SELECT ok((SELECT count(*) FROM tft.years WHERE rolled IS NOT NULL AND kind = 'text/numeric') >= 12 * 6
		  AND (SELECT count(DISTINCT rolled) FROM tft.years WHERE kind = 'text/numeric') >= 12 * 6,
		  'the yearly profiles exist and differ from each other');

-- halves of the rows, rolled up, and everything of a reporter at once
SELECT is_empty($$
	WITH halves AS (SELECT reporter, id % 2 AS half, trade_profile(partner, v_num) AS p FROM tft.flows GROUP BY 1, 2)
	SELECT reporter FROM (SELECT reporter, rollup(p) AS p FROM halves GROUP BY 1) AS h
		FULL JOIN (SELECT reporter, trade_profile(partner, v_num) AS p FROM tft.flows GROUP BY 1) AS w USING (reporter)
	WHERE h.p IS DISTINCT FROM w.p
$$, 'rollup() of the profiles of the odd and even rows = trade_profile() of all rows');
SELECT is_empty($$
	SELECT reporter FROM (SELECT reporter, rollup(rolled) AS p FROM tft.years WHERE kind = 'bigint/bigint' GROUP BY 1) AS r
		FULL JOIN (SELECT reporter, trade_profile(partner_code, v_big) AS p FROM tft.flows GROUP BY 1) AS w USING (reporter)
	WHERE r.p IS DISTINCT FROM w.p
$$, 'rollup() of rollups (months, years, all) = trade_profile() of all rows, bigint/bigint');

-- NULL profiles are skipped; none at all gives NULL
SELECT is((SELECT rollup(p) FROM tft.built WHERE kind = 'text/numeric' AND reporter = 92), NULL,
		  'rollup() of NULL profiles only is NULL');
SELECT is((SELECT rollup(p) FROM tft.built WHERE false), NULL, 'rollup() of no rows is NULL');
SELECT is((SELECT trade_profile(partner, v_num) FROM tft.flows WHERE false), NULL, 'trade_profile() of no rows is NULL');
SELECT is((SELECT trade_profile(partner, v_num) FROM tft.flows WHERE partner IS NULL AND v_num IS NOT NULL), NULL,
		  'trade_profile() of rows without a partner is NULL');
SELECT is((SELECT rollup(p) FROM (SELECT p FROM tft.built WHERE kind = 'text/numeric' AND reporter = 94
								  UNION ALL SELECT NULL) AS s)::text,
		  '{"version": 1, "values": "numeric", "partners": "text", "totals": {"P01": 7}}',
		  'rollup() skips a NULL profile');
SELECT is((SELECT rollup(p) FROM (VALUES ('{"version": 1, "values": "numeric", "partners": "text", "totals": {}}'::trade_profile),
										  ('{"version": 1, "values": "numeric", "partners": "text", "totals": {"A": 1.5}}')) AS t(p))::text,
		  '{"version": 1, "values": "numeric", "partners": "text", "totals": {"A": 1.5}}',
		  'rollup() with an empty profile');

-- profiles of different kinds or partner types do not add up
SELECT is(tft.sqlstate_of($$SELECT rollup(p) FROM tft.built WHERE kind IN ('text/numeric', 'text/float8') AND reporter = 1$$),
		  '42804', 'rollup() of numeric and double precision profiles is an error (42804)');
SELECT is(tft.sqlstate_of($$SELECT rollup(p) FROM tft.built WHERE kind IN ('text/bigint', 'bigint/bigint') AND reporter = 1$$),
		  '42804', 'rollup() of text-partner and bigint-partner profiles is an error (42804)');

--
-- The real IMF data: yearly profiles of every reporter and flow
--

CREATE TABLE tft.real_built AS
SELECT reporter_code, flow, year, trade_profile(partner_code, value_usd) AS p,
	   trade_profile(partner_code::bigint, value_usd) AS pb,
	   trade_profile(partner, value_usd::float8) AS pf
FROM trade.dots_annual GROUP BY 1, 2, 3;

SELECT is_empty($$
	(SELECT reporter_code, flow, year, t.partner, t.value::text FROM tft.real_built, LATERAL top_partners(p, 2147483647) AS t
	 EXCEPT ALL
	 SELECT reporter_code, flow, year, partner_code, sum(value_usd)::text FROM trade.dots_annual GROUP BY 1, 2, 3, 4)
	UNION ALL
	(SELECT reporter_code, flow, year, partner_code, sum(value_usd)::text FROM trade.dots_annual GROUP BY 1, 2, 3, 4
	 EXCEPT ALL
	 SELECT reporter_code, flow, year, t.partner, t.value::text FROM tft.real_built, LATERAL top_partners(p, 2147483647) AS t)
$$, 'real data: each partner''s value is its exact sum(value_usd), in each of the 1350 yearly profiles');
SELECT is_empty($$
	SELECT reporter_code, flow, year FROM tft.real_built AS b
		JOIN (SELECT reporter_code, flow, year, sum(value_usd) AS s, count(*) AS n
			  FROM trade.dots_annual GROUP BY 1, 2, 3) AS d USING (reporter_code, flow, year)
	WHERE total(b.pb) <> d.s OR partner_count(b.pb) <> d.n
	   OR (SELECT array_agg(partner::bigint ORDER BY partner::bigint) FROM top_partners(b.pb, 2147483647))
		  <> (SELECT array_agg(partner::bigint ORDER BY partner::bigint) FROM top_partners(b.p, 2147483647))
$$, 'real data, bigint partners: the same partners, total = sum(value_usd), partner_count = count(*)');
SELECT is_empty($$
	SELECT reporter_code, flow, year, t.partner FROM tft.real_built, LATERAL top_partners(pf, 2147483647) AS t
		FULL JOIN LATERAL (SELECT partner, sum(value_usd::float8) AS s FROM trade.dots_annual AS d
						   WHERE d.reporter_code = real_built.reporter_code AND d.flow = real_built.flow
							 AND d.year = real_built.year GROUP BY partner) AS s USING (partner)
	WHERE NOT tft.close(t.value::float8, s.s)
$$, 'real data, double precision: each partner''s value is its sum(value_usd::float8)');
SELECT is_empty($$
	SELECT reporter_code, flow FROM (SELECT reporter_code, flow, rollup(p) AS p FROM tft.real_built GROUP BY 1, 2) AS r
		FULL JOIN (SELECT reporter_code, flow, trade_profile(partner_code, value_usd) AS p
				   FROM trade.dots_annual GROUP BY 1, 2) AS w USING (reporter_code, flow)
	WHERE r.p IS DISTINCT FROM w.p
$$, 'real data: rollup() of the yearly profiles = trade_profile() of every year''s rows, per reporter and flow');
SELECT is((SELECT count(*) FROM tft.real_built WHERE partner_count(p) > 100), 
		  (SELECT count(*) FROM (SELECT 1 FROM trade.dots_annual GROUP BY reporter_code, flow, year HAVING count(*) > 100) AS s),
		  'real data: the profiles with more than 100 partners are those of the groups with more than 100 rows');

SELECT * FROM finish();
ROLLBACK;
