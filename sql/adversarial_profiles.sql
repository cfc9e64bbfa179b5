--
-- Adversarial partner profiles: hostile text and binary input to
-- trade_profile (truncated, huge counts, wrong versions, malformed JSON and
-- numbers, NaN, -0, numerics of a large scale, partners with NUL-like
-- bytes, invalid text and long partners), each a clean error with its
-- SQLSTATE or a correct value, never a crash
--
CREATE EXTENSION tradeflow;

-- pg_temp.error_of(statement): the SQLSTATE and message of the error a
-- statement raises
\i test/fixtures/error_of.psql
-- pg_temp.received(image, typ): a binary image received as a value of type typ
\i test/fixtures/received.psql

-- the value text s reads as, written back as text (cut to 140 characters;
-- flagged if that text does not read back as the same value), or the error
CREATE FUNCTION pg_temp.profile_error(s text) RETURNS text
LANGUAGE sql AS $$
SELECT CASE WHEN e <> 'no error' THEN e
			WHEN s::trade_profile::text::trade_profile = s::trade_profile THEN left(s::trade_profile::text, 140)
			ELSE 'does not round-trip: ' || left(s::trade_profile::text, 120) END
FROM pg_temp.error_of(format('SELECT %L::trade_profile', s)) AS e
$$;

--
-- Text: hostile JSON
--
SELECT left(s, 100) AS input, pg_temp.profile_error(s) AS error
FROM (VALUES ('{"version": 1, "values": "numeric", "partners": "text", "totals": {"a": "-0"}}'),
			 ('{"version": 1, "values": "numeric", "partners": "text", "totals": {"a": -0}}'),
			 ('{"version": 1, "values": "integer", "partners": "text", "totals": {"a": -0}}'),
			 ('{"version": 1, "values": "double precision", "partners": "text", "totals": {"a": -0.0}}'),
			 ('{"version": 1, "values": "double precision", "partners": "text", "totals": {"a": "nan"}}'),
			 ('{"version": 1, "values": "double precision", "partners": "text", "totals": {"a": NaN}}'),
			 ('{"version": 1, "values": "double precision", "partners": "text", "totals": {"a": "Infinity"}}'),
			 ('{"version": 1, "values": "numeric", "partners": "text", "totals": {"a": 1e-16383}}'),
			 ('{"version": 1, "values": "numeric", "partners": "text", "totals": {"a": 1e-16384}}'),
			 ('{"version": 1, "values": "numeric", "partners": "text", "totals": {"a": 1e131071}}'),
			 ('{"version": 1, "values": "numeric", "partners": "text", "totals": {"a": 1e131072}}'),
			 ('{"version": 1, "values": "double precision", "partners": "text", "totals": {"a": 1e-400}}'),
			 ('{"version": 1, "values": "integer", "partners": "text", "totals": {"a": 00}}'),
			 ('{"version": 1, "values": "integer", "partners": "text", "totals": {"a": +1}}'),
			 ('{"version": 1, "values": "integer", "partners": "bigint", "totals": {"-9223372036854775808": 1}}'),
			 ('{"version": 1, "values": "integer", "partners": "bigint", "totals": {"1e3": 1}}'),
			 ('{"version": 1, "values": "integer", "partners": "bigint", "totals": {"": 1}}'),
			 ('{"version": 1, "values": "integer", "partners": "text", "totals": {"\u0000": 1}}'),
			 ('{"version": 1, "values": "integer", "partners": "text", "totals": {"\ud800": 1}}'),
			 ('{"version": 1, "values": "integer", "partners": "text", "totals": {"\u0001\u001f\u007f": 1}}'),
			 ('{"version": 1, "values": "integer", "partners": "text", "totals": {"\"": 1, "\\": 2}}'),
			 ('{"version": 1, "values": "integer", "partners": "text", "totals": {"a": 1}, "totals": {}}'),
			 ('{"version": 1, "values": "integer", "partners": "text", "totals": 5}'),
			 ('{"version": 1, "values": "integer", "partners": "text"}'),
			 ('{"version": 99999999999999999999, "values": "integer", "partners": "text", "totals": {}}'),
			 ('{"version": 1, "values": "integer", "partners": "text", "totals": {}, "version": 1}'),
			 ('{"version": 1, "values": "integer", "partners": "text", "totals": {"a": 1},}'),
			 ('{"version": 1, "values": "integer", "partners": "text", "totals": {"a": 1}}}'),
			 ('"version"'),
			 ('5'),
			 (repeat('[', 100000)),
			 (repeat('{"a": ', 100000))) AS t(s);

-- a valid profile cut at every length: each prefix an error of class 22
SELECT count(*) AS prefixes, count(*) FILTER (WHERE e LIKE '22%') AS errors_22,
	   count(*) FILTER (WHERE e LIKE '{%') AS accepted
FROM (SELECT pg_temp.profile_error(left(s, n)) AS e
	  FROM (SELECT '{"version": 1, "values": "numeric", "partners": "text", "totals": {"A": -1.50, "B": 2e3, "C": 0}}' AS s) AS v,
		   generate_series(0, 93) AS n) AS t;

-- 100000 partners, and a partner of 1000000 characters
SELECT partner_count(p), total(p), partner_value(p, 'P77777'), rank_partner(p, 'P1'),
	   p = p::text::trade_profile AS round_trip
FROM (SELECT ('{"version": 1, "values": "integer", "partners": "text", "totals": {'
			  || string_agg(format('"P%s": %s', g, g), ', ') || '}}')::trade_profile AS p
	  FROM generate_series(1, 100000) AS g) AS s;
SELECT partner_count(p), length(t.partner), t.value, p = p::text::trade_profile AS round_trip
FROM (SELECT trade_profile(x, 1.5) AS p FROM (VALUES (repeat('é', 1000000))) AS v(x)) AS s,
	 LATERAL top_partners(p, 1) AS t;

--
-- Binary: every image is validated.  Layout: version 02, kind (01 numeric,
-- 02 double precision, 03 integer), partners (01 text, 02 bigint), flags
-- (00: no target), the number of partners, then each partner (its length
-- and bytes, or 8 for a bigint and its 8 bytes) and its total (numeric: its
-- length and numeric's binary form; 8 bytes; 16 bytes).
--
SELECT trade_profile_send(p) AS image
FROM (VALUES ('{"version": 1, "values": "integer", "partners": "text", "totals": {"a": 1, "b": -2}}'::trade_profile)) AS t(p);

SELECT what, pg_temp.received(decode(image, 'hex'), 'trade_profile') AS received
FROM (VALUES
	('valid', '02030100' || '00000002' || '00000001' || '61' || '0000000000000000' || '0000000000000001'
			  || '00000001' || '62' || 'ffffffffffffffff' || 'fffffffffffffffe'),
	('partners out of order', '02030100' || '00000002' || '00000001' || '62' || '0000000000000000' || '0000000000000001'
			  || '00000001' || '61' || '0000000000000000' || '0000000000000002'),
	('partner twice', '02030100' || '00000002' || '00000001' || '61' || '0000000000000000' || '0000000000000001'
			  || '00000001' || '61' || '0000000000000000' || '0000000000000002'),
	('empty', ''),
	('version 0', '00030100' || '00000000'),
	('version 3', '03030100' || '00000000'),
	('version 255', 'ff030100' || '00000000'),
	('kind 0', '02000100' || '00000000'),
	('kind 4', '02040100' || '00000000'),
	('partner type 3', '02030300' || '00000000'),
	('a target', '02030101' || '00000001' || '61' || '00000000'),
	('flags 2', '02030102' || '00000000'),
	('no count', '02030100'),
	('negative count', '02030100' || 'ffffffff'),
	('huge count', '02030100' || '7fffffff' || '00000001' || '61' || '0000000000000000' || '0000000000000001'),
	('count beyond the partners', '02030100' || '00000002' || '00000001' || '61' || '0000000000000000' || '0000000000000001'),
	('trailing byte', '02030100' || '00000000' || '00'),
	('negative partner length', '02030100' || '00000001' || 'ffffffff' || '0000000000000000' || '0000000000000001'),
	('huge partner length', '02030100' || '00000001' || '7fffffff' || '61'),
	('partner with a NUL byte', '02030100' || '00000001' || '00000002' || '6100' || '0000000000000000' || '0000000000000001'),
	('partner not UTF-8', '02030100' || '00000001' || '00000002' || 'c328' || '0000000000000000' || '0000000000000001'),
	('bigint partner of 4 bytes', '02030200' || '00000001' || '00000004' || '00000001' || '0000000000000000' || '0000000000000001'),
	('bigint partner', '02030200' || '00000001' || '00000008' || '8000000000000000' || '0000000000000000' || '0000000000000001'),
	('integer total cut short', '02030100' || '00000001' || '00000001' || '61' || '00000000000000000000'),
	('float8 -0', '02020100' || '00000001' || '00000001' || '61' || '8000000000000000'),
	('float8 NaN with a payload', '02020100' || '00000001' || '00000001' || '61' || '7ff0000000000001'),
	('float8 -NaN', '02020100' || '00000001' || '00000001' || '61' || 'fff8000000000000'),
	('numeric 1.50', '02010100' || '00000001' || '00000001' || '61' || '0000000c' || '0002000000000002' || '00011388'),
	('numeric NaN', '02010100' || '00000001' || '00000001' || '61' || '00000008' || '00000000c0000000'),
	('numeric -Infinity', '02010100' || '00000001' || '00000001' || '61' || '00000008' || '00000000f0000000'),
	('numeric, length beyond the image', '02010100' || '00000001' || '00000001' || '61' || '0000ffff' || '00010000'),
	('numeric, negative length', '02010100' || '00000001' || '00000001' || '61' || 'ffffffff'),
	('numeric, wrong number of digits', '02010100' || '00000001' || '00000001' || '61' || '0000000a' || '0002000000000000' || '0001'),
	('numeric, invalid sign', '02010100' || '00000001' || '00000001' || '61' || '0000000a' || '0001000012340000' || '0001'),
	('numeric, digit 10000', '02010100' || '00000001' || '00000001' || '61' || '0000000a' || '0001000000000000' || '2710'),
	('numeric, display scale 16384', '02010100' || '00000001' || '00000001' || '61' || '0000000a' || '0001000000004000' || '0001')
) AS t(what, image);

-- a NaN of any bits is the one NaN: equal, and one value for DISTINCT
SELECT count(DISTINCT p) AS distinct_profiles, bool_and(p = '{"version": 1, "values": "double precision", "partners": "text", "totals": {"a": "NaN"}}') AS all_equal
FROM (SELECT pg_temp.received(decode(image, 'hex'), 'trade_profile')::trade_profile AS p
	  FROM (VALUES ('02020100' || '00000001' || '00000001' || '61' || '7ff8000000000000'),
				   ('02020100' || '00000001' || '00000001' || '61' || 'fff8000000000000'),
				   ('02020100' || '00000001' || '00000001' || '61' || '7ff0000000000001')) AS t(image)) AS s;

-- every prefix and every one-byte change of a real image: errors or values, no crash
SELECT count(*) AS prefixes, count(*) FILTER (WHERE r LIKE '22%') AS errors_22
FROM (SELECT pg_temp.received(substr(i, 1, n), 'trade_profile') AS r
	  FROM (SELECT trade_profile_send(trade_profile(x, v)) AS i
			FROM (VALUES ('CHN', 1.25), ('PRK', -3), ('USA', 1e30)) AS t(x, v)) AS s,
		   generate_series(0, length(i) - 1) AS n) AS t;
SELECT count(*) AS mutations, count(*) FILTER (WHERE r LIKE '22%') AS errors_22,
	   count(*) FILTER (WHERE r LIKE '{%') AS values_read,
	   count(*) FILTER (WHERE r NOT LIKE '22%' AND r NOT LIKE '{%') AS other
FROM (SELECT pg_temp.received(set_byte(i, n, b), 'trade_profile') AS r
	  FROM (SELECT trade_profile_send(trade_profile(x, v)) AS i
			FROM (VALUES (7::bigint, 1::bigint), (9, -1)) AS t(x, v)) AS s,
		   generate_series(0, length(i) - 1) AS n, unnest(ARRAY[0, 1, 127, 128, 255]) AS b) AS t;

DROP EXTENSION tradeflow;
