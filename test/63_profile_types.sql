-- test/63_profile_types.sql: trade_profile as a type, and the order and
-- equality of the stored types
--
-- Round trips: every profile of the generated and real data, and profiles
-- of extreme values (NaN, infinities, -0, numerics of 1000 digits or of a
-- large scale, 128-bit integers, partners with JSON escapes, non-ASCII and
-- 1000-character partners), read back from their text form and through
-- COPY BINARY (psql's \copy, through a file named after the server process)
-- are the same value (=) with the same text.  Unsorted partners in the text
-- form are read into the canonical value.  Bad text input is an error of
-- class 22 (versions, malformed JSON, duplicates, numbers out of range).
--
-- Operators: = holds exactly where the text forms are equal, <> is its
-- negation, < <= > >= follow the btree support function (the byte order of
-- the binary images); DISTINCT, GROUP BY, UNION, ORDER BY, hash and merge
-- joins and a btree index give the answers of the same queries on the text
-- forms, for trade_profile, trade_share_state and partner_totals columns.

\i test/fixtures/setup.psql

SELECT plan(79);

-- pg_temp.share_state(value, is_part), pg_temp.totals_state(partner, value, target)
\i test/fixtures/state_aggregates.psql
-- tft.profiles (kind, reporter, period, p)
\i test/fixtures/profiles.psql

CREATE TABLE tft.extremes (name text, p trade_profile);
INSERT INTO tft.extremes
SELECT 'numeric NaN and infinities', trade_profile(x, v)
FROM (VALUES ('a', 'NaN'::numeric), ('b', 'Infinity'), ('c', '-Infinity'), ('d', 1.5)) AS t(x, v)
UNION ALL
SELECT 'float8 NaN, infinities, -0, denormal', trade_profile(x, v)
FROM (VALUES ('a', 'NaN'::float8), ('b', 'Infinity'), ('c', '-Infinity'), ('d', '-0'), ('e', 5e-324), ('f', 1.7976931348623157e308)) AS t(x, v)
UNION ALL
SELECT 'float8 NaN of Infinity + -Infinity', trade_profile(x, v)
FROM (VALUES ('a', 'Infinity'::float8), ('a', '-Infinity'), ('b', 1)) AS t(x, v)
UNION ALL
SELECT 'numeric of 1000 digits and of scale 1000', trade_profile(x, v)
FROM (VALUES ('a', 1e999::numeric), ('b', 1e-1000), ('c', 0.000000000000000000000000000001), ('d', 1.500000)) AS t(x, v)
UNION ALL
SELECT 'bigint totals beyond int64', trade_profile(x, v)
FROM (VALUES ('a', 9223372036854775807::bigint), ('a', 9223372036854775807), ('b', '-9223372036854775808'), ('b', -1)) AS t(x, v)
UNION ALL
SELECT 'int128 limits', ('{"version": 1, "values": "integer", "partners": "text", "totals": {"max": '
						 || ((2::numeric ^ 127) - 1)::numeric(39)::text || ', "min": -' || (2::numeric ^ 127)::numeric(39)::text || '}}')::trade_profile
UNION ALL
SELECT 'the smallest int128 as a sum', rollup(('{"version": 1, "values": "integer", "partners": "text", "totals": {"a": -'
											   || (2::numeric ^ 126)::numeric(39)::text || '}}')::trade_profile)
FROM generate_series(1, 2)
UNION ALL
SELECT 'bigint partners', trade_profile(x, v)
FROM (VALUES ('-9223372036854775808'::bigint, 1::int), (9223372036854775807, 2), (0, 3)) AS t(x, v)
UNION ALL
SELECT 'partners with JSON escapes', trade_profile(x, v)
FROM (VALUES (E'quote " backslash \\ slash /', 1), (E'new\nline\ttab\x01', 2), ('', 3), ('Côte d''Ivoire', 4), ('조선', 5)) AS t(x, v)
UNION ALL
SELECT 'a partner of 1000 characters', trade_profile(x, v) FROM (VALUES (repeat('x', 1000), 1), ('x', 2)) AS t(x, v)
UNION ALL
SELECT '1000 partners', trade_profile('P' || g, g::numeric / 7) FROM generate_series(1, 1000) AS g
UNION ALL
SELECT 'empty', '{"version": 1, "values": "double precision", "partners": "bigint", "totals": {}}';

-- every profile, with an id
CREATE TABLE tft.all_profiles AS
SELECT row_number() OVER () AS id, p FROM (
	SELECT p FROM tft.profiles WHERE p IS NOT NULL
	UNION ALL SELECT trade_profile(partner, value_usd) FROM trade.dots_annual GROUP BY reporter_code, flow, year
	UNION ALL SELECT p FROM tft.extremes) AS s;

--
-- Round trips
--

SELECT is_empty($$SELECT id FROM tft.all_profiles WHERE p::text::trade_profile IS DISTINCT FROM p
							 OR p::text::trade_profile::text <> p::text$$,
				'every profile read back from its text form is the same profile, with the same text');
SELECT is_empty($$SELECT id FROM tft.all_profiles WHERE trade_profile_send(p::text::trade_profile) <> trade_profile_send(p)$$,
				'and the same binary form');
SELECT is((SELECT count(*) FROM tft.all_profiles), (SELECT count(*) FROM tft.profiles WHERE p IS NOT NULL) + 1350 + 12,
		  'the round trips cover every profile of the generated and real data, and the extremes');

SELECT '/tmp/tradeflow_63_' || pg_backend_pid() || '.bin' AS tf_copy_file \gset
\setenv TF_COPY_FILE :tf_copy_file
\copy (SELECT id, p FROM tft.all_profiles) TO PROGRAM 'cat > "$TF_COPY_FILE"' WITH (FORMAT binary)
CREATE TABLE tft.copied (id bigint, p trade_profile);
\copy tft.copied FROM PROGRAM 'cat "$TF_COPY_FILE"' WITH (FORMAT binary)
\! rm -f "$TF_COPY_FILE"

SELECT is_empty($$SELECT * FROM tft.all_profiles AS a FULL JOIN tft.copied AS c USING (id)
				  WHERE c.p IS DISTINCT FROM a.p OR c.p::text IS DISTINCT FROM a.p::text$$,
				'every profile through COPY BINARY (send, then receive) is the same profile, with the same text');

SELECT is((SELECT p::text FROM tft.extremes WHERE name = 'float8 NaN, infinities, -0, denormal'),
		  '{"version": 1, "values": "double precision", "partners": "text", "totals": {"a": "NaN", "b": "Infinity", "c": "-Infinity", "d": -0, "e": 5e-324, "f": 1.7976931348623157e+308}}',
		  'double precision totals: NaN and infinities as JSON strings, -0 and the extremes as float8 writes them');
SELECT is((SELECT p::text FROM tft.extremes WHERE name = 'partners with JSON escapes'),
		  E'{"version": 1, "values": "integer", "partners": "text", "totals": {"": 3, "Côte d\'Ivoire": 4, "new\\nline\\ttab\\u0001": 2, "quote \\" backslash \\\\ slash /": 1, "조선": 5}}',
		  'partners are escaped as JSON strings, in byte order');
SELECT is((SELECT array_agg(partner_value(p, x) ORDER BY x) FROM tft.extremes, unnest(ARRAY['a', 'b', 'c', 'd']) AS x
		   WHERE name = 'numeric of 1000 digits and of scale 1000'),
		  ARRAY[1e999, 1e-1000, 0.000000000000000000000000000001, 1.500000]::numeric[],
		  'numeric totals of 1000 digits, of scale 1000 and with trailing zeros read back exactly');
SELECT is((SELECT total(p) FROM tft.extremes WHERE name = 'int128 limits'), -1::numeric,
		  'totals at the 128-bit limits read back exactly (their sum is -1)');
SELECT is((SELECT partner_value(p, 'a') FROM tft.extremes WHERE name = 'the smallest int128 as a sum'), -(2::numeric ^ 127)::numeric(39),
		  'a sum of -2^127, the smallest int128, reads back from its text form');

-- a NaN is a NaN, whatever its sign bit
SELECT is((SELECT p FROM tft.extremes WHERE name = 'float8 NaN of Infinity + -Infinity'),
		  '{"version": 1, "values": "double precision", "partners": "text", "totals": {"a": "NaN", "b": 1}}'::trade_profile,
		  'the NaN of Infinity + -Infinity (negative on x86) equals the NaN read from text');
SELECT is((SELECT count(DISTINCT s) FROM (SELECT pg_temp.share_state(v, true) AS s FROM (VALUES ('Infinity'::float8), ('-Infinity')) AS t(v)
										  UNION ALL
										  SELECT pg_temp.share_state(v, true) FROM (VALUES ('NaN'::float8), ('NaN')) AS t(v)) AS u),
		  1::bigint, 'trade_share_state: the NaN of Infinity + -Infinity and the NaN of NaN + NaN are one value');

-- partners in any order are read into the canonical value
SELECT is('{"version": 1, "values": "numeric", "partners": "text", "totals": {"b": 2, "a": 1.0, "c": 3}}'::trade_profile,
		  '{"version": 1, "values": "numeric", "partners": "text", "totals": {"a": 1.0, "b": 2, "c": 3}}'::trade_profile,
		  'partners given out of order: the same profile as in order');
SELECT is(trade_profile_send('{"version": 1, "values": "integer", "partners": "bigint", "totals": {"10": 2, "9": 1, "-1": 0}}'),
		  trade_profile_send('{"version": 1, "values": "integer", "partners": "bigint", "totals": {"-1": 0, "9": 1, "10": 2}}'),
		  'bigint partners out of order: the same binary form as in order');
SELECT is('{"totals": {"a": 1}, "partners": "text", "values": "integer", "version": 1}'::trade_profile::text,
		  '{"version": 1, "values": "integer", "partners": "text", "totals": {"a": 1}}',
		  'the fields in another order: the same profile');

--
-- Bad text input: an error of class 22, never a crash
--

SELECT is(tft.sqlstate_of(format('SELECT %L::trade_profile', s)), code, format('%s: %s', code, s))
FROM (VALUES
	('22P02', ''),
	('22P02', 'null'),
	('22P02', '[]'),
	('22P02', '{'),
	('22P02', '{"version": 1, "values": "numeric", "partners": "text", "totals": {}} x'),
	('22P02', '{"version": 2, "values": "numeric", "partners": "text", "totals": {}}'),
	('22P02', '{"version": "1", "values": "numeric", "partners": "text", "totals": {}}'),
	('22P02', '{"version": 1.0, "values": "numeric", "partners": "text", "totals": {}}'),
	('22P02', '{"values": "numeric", "partners": "text", "totals": {}}'),
	('22P02', '{"version": 1, "version": 1, "values": "numeric", "partners": "text", "totals": {}}'),
	('22P02', '{"version": 1, "values": "money", "partners": "text", "totals": {}}'),
	('22P02', '{"version": 1, "values": "numeric", "partners": "uuid", "totals": {}}'),
	('22P02', '{"version": 1, "values": "numeric", "partners": "text", "totals": {}, "target": "a"}'),
	('22P02', '{"version": 1, "values": "numeric", "partners": "text", "totals": {"a": 1, "a": 2}}'),
	('22P02', '{"version": 1, "values": "numeric", "partners": "text", "totals": {"a": {"b": 1}}}'),
	('22P02', '{"version": 1, "values": "numeric", "partners": "text", "totals": {"a": [1]}}'),
	('22P02', '{"version": 1, "values": "numeric", "partners": "text", "totals": {"a": "1"}}'),
	('22P02', '{"version": 1, "values": "numeric", "partners": "text", "totals": {"a": null}}'),
	('22P02', '{"version": 1, "values": "integer", "partners": "text", "totals": {"a": 1.5}}'),
	('22P02', '{"version": 1, "values": "integer", "partners": "text", "totals": {"a": 1e3}}'),
	('22P02', '{"version": 1, "values": "integer", "partners": "text", "totals": {"a": "NaN"}}'),
	('22P02', '{"version": 1, "values": "integer", "partners": "text", "totals": {"a": 170141183460469231731687303715884105728}}'),
	('22P02', '{"version": 1, "values": "integer", "partners": "bigint", "totals": {"9223372036854775808": 1}}'),
	('22P02', '{"version": 1, "values": "integer", "partners": "bigint", "totals": {" 1": 1}}'),
	('22P02', '{"version": 1, "values": "integer", "partners": "bigint", "totals": {"1": 1, "01": 2}}'),
	('22003', '{"version": 1, "values": "numeric", "partners": "text", "totals": {"a": 1e400000}}'),
	('22003', '{"version": 1, "values": "double precision", "partners": "text", "totals": {"a": 1e400}}')
) AS t(code, s);

--
-- Operators and operator classes
--

-- 200 profiles of fewer than 50 partners, some of them twice (a copy read
-- back from text), in every pair
CREATE TABLE tft.sample AS
SELECT id, p FROM tft.all_profiles WHERE id % 14 = 0 AND partner_count(p) < 50
UNION ALL
SELECT -id, p::text::trade_profile FROM tft.all_profiles WHERE id % 70 = 0 AND partner_count(p) < 50;

SELECT is_empty($$
	SELECT a.id, b.id FROM tft.sample AS a, tft.sample AS b
	WHERE (a.p = b.p) <> (a.p::text = b.p::text) OR (a.p <> b.p) = (a.p = b.p)
$$, 'p = q exactly where their text forms are equal; <> is its negation');
SELECT is_empty($$
	SELECT a.id, b.id FROM tft.sample AS a, tft.sample AS b
	WHERE sign(trade_profile_cmp(a.p, b.p)) <> sign(CASE WHEN trade_profile_send(a.p) < trade_profile_send(b.p) THEN -1
														 WHEN trade_profile_send(a.p) > trade_profile_send(b.p) THEN 1 ELSE 0 END)
	   OR (a.p < b.p) <> (trade_profile_cmp(a.p, b.p) < 0) OR (a.p <= b.p) <> (trade_profile_cmp(a.p, b.p) <= 0)
	   OR (a.p > b.p) <> (trade_profile_cmp(a.p, b.p) > 0) OR (a.p >= b.p) <> (trade_profile_cmp(a.p, b.p) >= 0)
$$, '< <= > >= agree with the btree support function, the byte order of the binary forms');
SELECT is_empty($$
	SELECT a.id, b.id FROM tft.sample AS a, tft.sample AS b
	WHERE a.p = b.p AND (trade_profile_hash(a.p) <> trade_profile_hash(b.p)
						 OR trade_profile_hash_extended(a.p, 7) <> trade_profile_hash_extended(b.p, 7))
$$, 'equal profiles have equal hashes');

-- DISTINCT, GROUP BY, UNION, ORDER BY, joins and an index, sorting and hashing
CREATE FUNCTION tft.same_answers(query_on_type text, query_on_text text, settings text)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	differs boolean;
BEGIN
	EXECUTE settings;
	EXECUTE format('SELECT EXISTS ((%s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL %s))',
				   query_on_type, query_on_text, query_on_text, query_on_type) INTO differs;
	RESET enable_hashagg; RESET enable_sort; RESET enable_hashjoin; RESET enable_mergejoin;
	RESET enable_nestloop; RESET enable_seqscan;
	RETURN NOT differs;
END $$;

-- each column with equal values in several rows
CREATE TABLE tft.states AS
SELECT reporter, date_trunc('quarter', period) AS period, trade_profile(partner, v_num) AS p,
	   pg_temp.share_state(v_num, is_part) AS share, pg_temp.totals_state(partner, v_int, 'P03') AS totals
FROM tft.flows GROUP BY 1, 2;
INSERT INTO tft.states SELECT * FROM tft.states WHERE reporter % 3 = 0;
CREATE INDEX ON tft.states (p);
CREATE INDEX ON tft.states (share);
CREATE INDEX ON tft.states (totals);
ANALYZE tft.states;

SELECT ok(tft.same_answers(format(q, c), format(q, c || '::text'), s), format('%s, %s: %s', c, settings, q))
FROM unnest(ARRAY['p', 'share', 'totals']) AS c,
	 (VALUES ('sorting', 'SET LOCAL enable_hashagg = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_nestloop = off'),
			 ('hashing', 'SET LOCAL enable_sort = off; SET LOCAL enable_mergejoin = off; SET LOCAL enable_nestloop = off')) AS x(settings, s),
	 (VALUES ('SELECT count(DISTINCT %s)::text FROM tft.states'),
			 ('SELECT count(*)::text FROM (SELECT DISTINCT %1$s FROM tft.states) AS d'),
			 ('SELECT count(*)::text FROM tft.states GROUP BY %1$s'),
			 ('SELECT count(*)::text FROM (SELECT %1$s FROM tft.states UNION SELECT %1$s FROM tft.states WHERE reporter < 5) AS u'),
			 ('SELECT count(*)::text FROM tft.states AS a JOIN tft.states AS b ON a.%1$s = b.%1$s')) AS y(q)
ORDER BY c, settings, q;

SELECT ok((SELECT count(DISTINCT p) > 250 AND count(DISTINCT share) > 250 AND count(DISTINCT totals) > 250
				  AND count(*) > count(DISTINCT p) + 50 FROM tft.states),
		  'each column holds hundreds of different values, many of them in several rows');
SELECT is_empty($$
	SELECT * FROM (SELECT row_number() OVER (ORDER BY p, reporter, period) AS a,
						  row_number() OVER (ORDER BY trade_profile_send(p), reporter, period) AS b FROM tft.states) AS s
	WHERE a <> b
$$, 'ORDER BY p sorts as the binary forms do');
SET LOCAL enable_seqscan = off;
SELECT is_empty($$
	SELECT s.reporter, s.period FROM tft.states AS s
	WHERE (SELECT count(*) FROM tft.states AS i WHERE i.p = s.p) <> (SELECT count(*) FROM tft.states AS i WHERE i.p::text = s.p::text)
$$, 'the btree index on a profile column finds each profile''s equals');
RESET enable_seqscan;

-- ANALYZE: the fraction of NULLs and the width of state and profile
-- columns, no histogram or most common values (no comparisons of images)
CREATE TABLE tft.analyzed AS
SELECT g, CASE WHEN g % 4 <> 0 THEN trade_profile('P' || p, p::numeric) END AS profile,
	   CASE WHEN g % 4 <> 0 THEN pg_temp.totals_state('P' || p, p::numeric, 'P1') END AS state
FROM generate_series(1, 2000) AS g, generate_series(1, 3) AS p GROUP BY g;
ANALYZE tft.analyzed;
SELECT is((SELECT string_agg(format('%s %s %s %s %s', a.attname, round(st.stanullfrac::numeric, 2), st.stawidth > 0,
										st.stadistinct, st.stakind1 = 0), '; ' ORDER BY a.attnum)
		   FROM pg_statistic AS st JOIN pg_attribute AS a ON a.attrelid = st.starelid AND a.attnum = st.staattnum
		   WHERE st.starelid = 'tft.analyzed'::regclass AND a.attname IN ('profile', 'state')),
		  'profile 0.25 t 0 t; state 0.25 t 0 t',
'ANALYZE of profile and state columns: the fraction of NULLs and the width, no histogram');
SELECT is((SELECT st.stawidth FROM pg_statistic AS st JOIN pg_attribute AS a ON a.attrelid = st.starelid AND a.attnum = st.staattnum
		   WHERE st.starelid = 'tft.analyzed'::regclass AND a.attname = 'profile'),
		  (SELECT avg(pg_column_size(profile))::int FROM tft.analyzed WHERE profile IS NOT NULL),
		  'ANALYZE of a profile column: its average width');

SELECT * FROM finish();
ROLLBACK;
