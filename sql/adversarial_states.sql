--
-- Adversarial state values: the text and binary I/O of both state types,
-- malformed and truncated values (each an error with its SQLSTATE), exact
-- 128-bit totals and their limits, and combining hundreds of partial states
--
CREATE EXTENSION tradeflow;

-- pg_temp.error_of(statement): the SQLSTATE and message of the error a
-- statement raises
\i test/fixtures/error_of.psql

-- pg_temp.received(image, typ): a binary image received as a value of type typ
\i test/fixtures/received.psql

-- the 128-bit integer at hexadecimal digit pos of a state's text form
CREATE FUNCTION pg_temp.int128_at(h text, pos int) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
SELECT ('x' || substr(h, pos, 16))::bit(64)::bigint::numeric * 18446744073709551616
	   + ('x' || substr(h, pos + 16, 16))::bit(64)::bigint::numeric
	   + CASE WHEN ('x' || substr(h, pos + 16, 16))::bit(64)::bigint < 0
			  THEN 18446744073709551616 ELSE 0 END
$$;

-- states without the final function, over the same transition functions:
-- pg_temp.share_state(value, is_part), pg_temp.totals_state(partner, value, target)
\i test/fixtures/state_aggregates.psql
-- the combine functions as transition functions: all states of a column into one
CREATE AGGREGATE pg_temp.combined(trade_share_state) (SFUNC = trade_share_combine, STYPE = trade_share_state);
CREATE AGGREGATE pg_temp.combined(partner_totals) (SFUNC = rank_partner_combine, STYPE = partner_totals);

--
-- Round trips.  For every kind of total and its extremes, the text form read
-- back, and the binary form (send, then receive through COPY BINARY), give
-- the same value and the same answer; the binary form is the image whose
-- hexadecimal digits are the text form.
--
CREATE TABLE share_states (name text, st trade_share_state);
INSERT INTO share_states
SELECT 'numeric, no value', pg_temp.share_state(v, true) FROM (VALUES (NULL::numeric)) AS t(v)
UNION ALL
SELECT 'numeric, part and whole', pg_temp.share_state(v, p)
FROM (VALUES (12.5::numeric, true), (-3, false), (0.001, NULL), (NULL, true)) AS t(v, p)
UNION ALL
SELECT 'numeric, 40 digits', pg_temp.share_state(v, true)
FROM (VALUES (123456789012345678901234567890.1234567890::numeric), (1)) AS t(v)
UNION ALL
SELECT 'numeric NaN', pg_temp.share_state(v, true) FROM (VALUES ('NaN'::numeric), (1)) AS t(v)
UNION ALL
SELECT 'numeric +Infinity', pg_temp.share_state(v, true) FROM (VALUES ('Infinity'::numeric), (1)) AS t(v)
UNION ALL
SELECT 'numeric -Infinity', pg_temp.share_state(v, p) FROM (VALUES ('-Infinity'::numeric, false), (1, true)) AS t(v, p)
UNION ALL
SELECT 'numeric 1e1000', pg_temp.share_state(v, true) FROM (VALUES (1e1000)) AS t(v)
UNION ALL
SELECT 'numeric 1e-1000', pg_temp.share_state(v, true) FROM (VALUES (1e-1000)) AS t(v)
UNION ALL
SELECT 'float8, part and whole', pg_temp.share_state(v, p)
FROM (VALUES (1.5::float8, true), (-0.25, false)) AS t(v, p)
UNION ALL
SELECT 'float8 NaN', pg_temp.share_state(v, true) FROM (VALUES ('NaN'::float8)) AS t(v)
UNION ALL
SELECT 'float8 +/-Infinity', pg_temp.share_state(v, p) FROM (VALUES ('Infinity'::float8, true), ('-Infinity', false)) AS t(v, p)
UNION ALL
SELECT 'float8 -0 and denormal', pg_temp.share_state(v, p) FROM (VALUES ('-0'::float8, true), (5e-324, false)) AS t(v, p)
UNION ALL
SELECT 'float8 1e308', pg_temp.share_state(v, true) FROM (VALUES (1e308::float8)) AS t(v)
UNION ALL
SELECT 'bigint, total beyond int64', pg_temp.share_state(v, true)
FROM (VALUES (9223372036854775807::bigint), (9223372036854775807), (9223372036854775807)) AS t(v)
UNION ALL
SELECT 'bigint, total below int64', pg_temp.share_state(v, true)
FROM (VALUES ('-9223372036854775808'::bigint), ('-9223372036854775808'), (-1)) AS t(v)
UNION ALL
SELECT 'integer', pg_temp.share_state(v, p) FROM (VALUES (2147483647, true), (-2147483648, false), (7, false)) AS t(v, p)
UNION ALL
SELECT 'int128 maximum', ('0103' || '0000000000000001' || '00000000000000000000000000000001' ||
	   '0000000000000001' || '7fffffffffffffffffffffffffffffff')::trade_share_state
UNION ALL
SELECT 'int128 minimum', ('0103' || '0000000000000000' || '0000000000000001' ||
						  '80000000000000000000000000000000')::trade_share_state;

SELECT name, st::text::trade_share_state::text = st::text AS text_same,
	   trade_share_state_send(st) = decode(st::text, 'hex') AS send_is_text_image,
	   pg_temp.received(trade_share_state_send(st), 'trade_share_state') = st::text AS recv_same,
	   pg_temp.error_of(format('SELECT trade_share_final(%L::trade_share_state)', st)) AS final_error
FROM share_states ORDER BY name COLLATE "C";

SELECT name, trade_share_final(st) AS share,
	   trade_share_final(pg_temp.received(trade_share_state_send(st), 'trade_share_state')::trade_share_state) AS received_share
FROM share_states WHERE name NOT IN ('numeric 1e1000', 'numeric 1e-1000') ORDER BY name COLLATE "C";

CREATE TABLE totals_states (name text, st partner_totals);
INSERT INTO totals_states
SELECT 'text partners, numeric', pg_temp.totals_state(p, v, 'PRK')
FROM (VALUES ('PRK', 10::numeric), ('CHN', 25), ('PRK', 20), ('RUS', NULL), (NULL, 99)) AS t(p, v)
UNION ALL
SELECT 'no target', pg_temp.totals_state(p, v, NULL) FROM (VALUES ('a', 1::numeric)) AS t(p, v)
UNION ALL
SELECT 'target, no partner', pg_temp.totals_state(p, v, 'a') FROM (VALUES (NULL, 1::numeric)) AS t(p, v)
UNION ALL
SELECT 'empty partner and target', pg_temp.totals_state(p, v, '') FROM (VALUES ('', 2::numeric), ('x', 1)) AS t(p, v)
UNION ALL
SELECT 'partner of 100000 characters', pg_temp.totals_state(p, v, repeat('x', 100000))
FROM (VALUES (repeat('x', 100000), 2::numeric), (repeat('x', 99999) || 'y', 3), ('x', 1)) AS t(p, v)
UNION ALL
SELECT 'non-ASCII partners', pg_temp.totals_state(p, v, 'Côte d''Ivoire')
FROM (VALUES ('Côte d''Ivoire', 2::numeric), ('Türkiye', 3), ('조선', 1)) AS t(p, v)
UNION ALL
SELECT '1000 partners', pg_temp.totals_state('P' || g, g::numeric, 'P500') FROM generate_series(1, 1000) AS g
UNION ALL
SELECT 'float8 NaN and infinities', pg_temp.totals_state(p, v, 'b')
FROM (VALUES ('a', 'NaN'::float8), ('b', 'Infinity'), ('c', '-Infinity'), ('d', 1)) AS t(p, v)
UNION ALL
SELECT 'bigint partners, beyond int64', pg_temp.totals_state(p, v, 2)
FROM (VALUES (1::bigint, 9223372036854775807::bigint), (1, 9223372036854775807), (2, 9223372036854775807),
			 ('-9223372036854775808', 1), (9223372036854775807, 0)) AS t(p, v)
UNION ALL
SELECT 'integer values', pg_temp.totals_state(p, v, 'a')
FROM (VALUES ('a', 2147483647), ('a', 2147483647), ('b', -2147483648)) AS t(p, v);

SELECT name, st::text::partner_totals::text = st::text AS text_same,
	   partner_totals_send(st) = decode(st::text, 'hex') AS send_is_text_image,
	   pg_temp.received(partner_totals_send(st), 'partner_totals') = st::text AS recv_same,
	   rank_partner_final(st) AS rank,
	   rank_partner_final(pg_temp.received(partner_totals_send(st), 'partner_totals')::partner_totals) AS received_rank
FROM totals_states ORDER BY name COLLATE "C";

-- a whole table through COPY BINARY and back (the file is named after the
-- server process, so that clusters running this test at once do not meet)
SELECT format('/tmp/tradeflow_adversarial_%s_table.bin', pg_backend_pid()) AS table_file \gset
COPY (SELECT name, st FROM share_states) TO :'table_file' (FORMAT binary);
CREATE TABLE share_states_copy (LIKE share_states);
COPY share_states_copy FROM :'table_file' (FORMAT binary);
COPY (SELECT name, st FROM totals_states) TO :'table_file' (FORMAT binary);
CREATE TABLE totals_states_copy (LIKE totals_states);
COPY totals_states_copy FROM :'table_file' (FORMAT binary);
SELECT (SELECT count(*) FROM share_states s JOIN share_states_copy c USING (name)
		WHERE s.st::text = c.st::text) AS shares_same,
	   (SELECT count(*) FROM totals_states s JOIN totals_states_copy c USING (name)
		WHERE s.st::text = c.st::text) AS totals_same;

--
-- Malformed text: each an error (22P02), never a crash.  Layout of a
-- trade_share_state: version 01, kind (01 numeric, 02 float8, 03 integer),
-- then the part and the whole, each a count of values (8 bytes) and, when
-- the count is not 0, a total (numeric: length and numeric's binary form;
-- float8: 8 bytes; integer: 16 bytes).
--
SELECT s, pg_temp.error_of(format('SELECT %L::trade_share_state', s)) AS error
FROM (VALUES (''), ('0'), ('zz'), ('0g'), (' 0101'), ('01 01'), ('02'), ('0104'), ('0100'), ('0101'),
			 ('01010000000000000000'),
			 ('0101000000000000000000000000000000000000'),
			 ('010100000000000000000000000000000000000000'),
			 ('0102ffffffffffffffff0000000000000000'),
			 ('0102' || '0000000000000002' || '0000000000000000' || '0000000000000001' || '0000000000000000'),
			 ('0103' || '0000000000000000' || '0000000000000001' || '7fffffffffffffffffffffffffffff'),
			 ('0103' || '0000000000000000' || '0000000000000001' || '7fffffffffffffffffffffffffffffff' || '00')) AS t(s);

-- numeric totals: length, number of digits, weight, sign, display scale, digits
SELECT what, pg_temp.error_of(format('SELECT %L::trade_share_state',
									 '01010000000000000000' || '0000000000000001' || image)) AS error
FROM (VALUES ('negative length', 'ffffffff'),
			 ('length beyond the value', '0000ffff00010000000000000001'),
			 ('shorter than its header', '00000002' || '0001'),
			 ('digits missing', '0000000a' || '0002000000000000' || '0001'),
			 ('extra byte', '0000000b' || '0001000000000000' || '000100'),
			 ('negative number of digits', '00000008' || 'ffff000000000000'),
			 ('invalid sign', '0000000a' || '0001000012340000' || '0001'),
			 ('invalid display scale', '0000000a' || '000100000000ffff' || '0001'),
			 ('digit 10000', '0000000a' || '0001000000000000' || '2710'),
			 ('negative digit', '0000000a' || '0001000000000000' || 'ffff')) AS t(what, image);
-- the same total well formed: accepted
SELECT ('01010000000000000000' || '0000000000000001' || '0000000a' || '0001000000000000' || '2134')::trade_share_state;
SELECT trade_share_final(('0101' || '0000000000000001' || '0000000a' || '0001000000000000' || '2134' ||
						  '0000000000000001' || '0000000a' || '0001000000000000' || '2134')::trade_share_state);

-- partner_totals: version 01, kind, partner type (01 text, 02 bigint),
-- target flag, the target, the number of partners, each partner and total
SELECT what, pg_temp.error_of(format('SELECT %L::partner_totals', s)) AS error
FROM (VALUES ('empty', ''),
			 ('unknown version', '03030100' || '00000000'),
			 ('unknown kind', '01040100' || '00000000'),
			 ('unknown partner type', '01030300' || '00000000'),
			 ('target flag 2', '01030102' || '00000000'),
			 ('target without its bytes', '01030101' || '00000005' || '6162'),
			 ('negative partner count', '01030100' || 'ffffffff'),
			 ('more partners than bytes', '01030100' || '7fffffff'),
			 ('partner with no value', '01030100' || '00000001' || '00000001' || '61' || '0000000000000000'),
			 ('negative count of values', '01030100' || '00000001' || '00000001' || '61' || 'ffffffffffffffff'),
			 ('partner twice', '01030100' || '00000002' ||
				 '00000001' || '61' || '0000000000000001' || '0000000000000000' || '0000000000000001' ||
				 '00000001' || '61' || '0000000000000001' || '0000000000000000' || '0000000000000001'),
			 ('negative key length', '01030100' || '00000001' || 'ffffffff'),
			 ('bigint partner of 4 bytes', '01030200' || '00000001' || '00000004' || '00000001'),
			 ('text partner not UTF-8', '01030100' || '00000001' || '00000002' || 'c328' ||
				 '0000000000000001' || '0000000000000000' || '0000000000000001'),
			 ('text partner with a zero byte', '01030100' || '00000001' || '00000002' || '6100' ||
				 '0000000000000001' || '0000000000000000' || '0000000000000001'),
			 ('target not UTF-8', '01030101' || '00000001' || 'ff' || '00000000'),
			 ('bytes after the last partner', '01030100' || '00000000' || '00'),
			 ('odd number of digits', '01030100' || '0000000')) AS t(what, s);

-- every strict prefix of the states above (those under 1000 digits) is an
-- error, and only 22P02
SELECT typ, pg_temp.error_of(format('SELECT %L::%s', left(st, n), typ)) ~ '^22P02' AS invalid_text,
	   count(*) AS prefixes
FROM (SELECT 'trade_share_state' AS typ, st::text AS st FROM share_states
	  UNION ALL
	  SELECT 'partner_totals', st::text FROM totals_states) AS s,
	 generate_series(0, length(st) - 1) AS n
WHERE length(st) < 1000
GROUP BY 1, 2 ORDER BY 1, 2;

-- every byte of six states replaced by each of eight bytes: the value is
-- either invalid (22P02) or a valid state whose text form is canonical
-- (reads back unchanged) and whose final and combine functions work, or
-- raise a range error (22003) for totals beyond double precision or counts
-- beyond bigint
CREATE FUNCTION pg_temp.use_state(s text, typ text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	IF typ = 'trade_share_state' THEN
		IF s::trade_share_state::text::trade_share_state::text <> s::trade_share_state::text THEN
			RETURN 'not canonical';
		END IF;
		PERFORM trade_share_final(s::trade_share_state),
				trade_share_final(trade_share_combine(s::trade_share_state, s::trade_share_state));
	ELSE
		IF s::partner_totals::text::partner_totals::text <> s::partner_totals::text THEN
			RETURN 'not canonical';
		END IF;
		PERFORM rank_partner_final(s::partner_totals),
				rank_partner_final(rank_partner_combine(s::partner_totals, s::partner_totals));
	END IF;
	RETURN 'valid, canonical, usable';
EXCEPTION WHEN OTHERS THEN
	RETURN 'valid, canonical, then ' || SQLSTATE;
END $$;

CREATE TABLE seeds AS
SELECT 'trade_share_state' AS typ,
	   trade_share_transfn(trade_share_transfn(NULL, 12.5::numeric, true), -3::numeric, false)::text AS st
UNION ALL SELECT 'trade_share_state', trade_share_transfn(NULL, 1.5::float8, true)::text
UNION ALL SELECT 'trade_share_state', trade_share_transfn(NULL, 7::bigint, false)::text
UNION ALL SELECT 'partner_totals', rank_partner_transfn(rank_partner_transfn(NULL, 'ab', 1.25::numeric, 'ab'), 'c', 2::numeric, 'ab')::text
UNION ALL SELECT 'partner_totals', rank_partner_transfn(rank_partner_transfn(NULL, 5::bigint, 1::bigint, 5::bigint), 6::bigint, 2::bigint, 5::bigint)::text
UNION ALL SELECT 'partner_totals', rank_partner_transfn(NULL, 'x', 1::float8, NULL)::text;

CREATE TABLE mutants AS
SELECT typ, overlay(st PLACING b FROM 2 * i + 1 FOR 2) AS m
FROM seeds, generate_series(0, length(st) / 2 - 1) AS i,
	 unnest(ARRAY['00', '01', '27', '7f', '80', 'c0', 'd0', 'ff']) AS b;

SELECT typ, CASE WHEN e = 'no error' THEN pg_temp.use_state(m, typ) ELSE left(e, 5) END AS outcome,
	   count(*)
FROM (SELECT typ, m, pg_temp.error_of(format('SELECT %L::%s', m, typ)) AS e FROM mutants) AS x
GROUP BY 1, 2 ORDER BY 1, 2;

--
-- Malformed binary: the same reader, with SQLSTATE 22P03
--
SELECT what, pg_temp.received(image, typ) AS received
FROM (VALUES ('empty', '\x'::bytea, 'trade_share_state'),
			 ('version only', '\x01', 'trade_share_state'),
			 ('unknown version', '\x0203000000000000000000000000000000', 'trade_share_state'),
			 ('unknown kind', '\x0107000000000000000000000000000000', 'trade_share_state'),
			 ('negative count', '\x0103ffffffffffffffff0000000000000000', 'trade_share_state'),
			 ('truncated total', '\x0103000000000000000100', 'trade_share_state'),
			 ('part more than whole', '\x0102' || '\x0000000000000002000000000000000000000000000000010000000000000000'::bytea, 'trade_share_state'),
			 ('numeric digit 10000', '\x010100000000000000000000000000000001' || '\x0000000a00010000000000002710'::bytea, 'trade_share_state'),
			 ('numeric invalid sign', '\x010100000000000000000000000000000001' || '\x0000000a00010000abcd00000001'::bytea, 'trade_share_state'),
			 ('trailing byte', '\x01030000000000000000000000000000000000', 'trade_share_state'),
			 ('empty', '\x', 'partner_totals'),
			 ('unknown partner type', '\x0103090000000000', 'partner_totals'),
			 ('partner twice', '\x0103010000000002' ||
				 '\x00000001610000000000000001000000000000000000000000000000010000000161000000000000000100000000000000000000000000000001'::bytea,
				 'partner_totals'),
			 ('partner not UTF-8', '\x010301000000000100000001ff000000000000000100000000000000000000000000000001', 'partner_totals'),
			 ('key length beyond the value', '\x01030100000000010fffffff61', 'partner_totals'),
			 ('trailing byte', '\x010301000000000000', 'partner_totals')) AS t(what, image, typ);

-- every strict prefix of the binary image of two states
SELECT typ, left(pg_temp.received(substr(image, 1, n), typ), 5) AS error, count(*) AS prefixes
FROM (SELECT 'trade_share_state' AS typ, trade_share_state_send(st) AS image
	  FROM share_states WHERE name = 'numeric, part and whole'
	  UNION ALL
	  SELECT 'partner_totals', partner_totals_send(st) FROM totals_states WHERE name = 'text partners, numeric') AS s,
	 generate_series(0, length(image) - 1) AS n
GROUP BY 1, 2 ORDER BY 1, 2;

--
-- Exact totals of bigint and integer values in 128 bits
--
-- 1000 values near the bigint maximum (the part) and 999 near its minimum:
-- the state's totals (read from its text form) equal the numeric sums
-- exactly, and the share divides them converted to double precision
SELECT pg_temp.int128_at(st::text, 21) AS part, pg_temp.int128_at(st::text, 21) = part AS part_exact,
	   pg_temp.int128_at(st::text, 69) AS whole, pg_temp.int128_at(st::text, 69) = whole AS whole_exact,
	   trade_share_final(st) = part::float8 / whole::float8 AS share_of_exact_totals
FROM (SELECT pg_temp.share_state(v, v > 0) AS st, sum(v::numeric) FILTER (WHERE v > 0) AS part,
			 sum(v::numeric) AS whole
	  FROM (SELECT 9223372036854775807 - g AS v FROM generate_series(1, 1000) AS g
			UNION ALL
			SELECT '-9223372036854775808'::bigint + g FROM generate_series(1, 999) AS g) AS t) AS s;

-- totals that differ by 1 beyond 2^64 are ranked apart (in double precision
-- they would tie): A = 3 x max, B = 3 x max - 1
SELECT rank_partner(p, v, 'A') AS a_rank, rank_partner(p, v, 'B') AS b_rank,
	   (SELECT sum(v)::float8 FROM (VALUES (9223372036854775807::bigint), (9223372036854775807), (9223372036854775807)) AS x(v)) =
	   (SELECT sum(v)::float8 FROM (VALUES (9223372036854775807::bigint), (9223372036854775807), (9223372036854775806)) AS x(v)) AS tie_in_float8
FROM (VALUES ('A', 9223372036854775807::bigint), ('A', 9223372036854775807), ('A', 9223372036854775807),
			 ('B', 9223372036854775807), ('B', 9223372036854775807), ('B', 9223372036854775806)) AS t(p, v);

-- the 128-bit limits: a total may reach them, not pass them (22003)
SELECT pg_temp.int128_at(st::text, 69) AS int128_max,
	   pg_temp.int128_at(trade_share_transfn(trade_share_transfn(st, -1::bigint, false), 1::bigint, false)::text, 69)
	   AS max_minus_1_plus_1
FROM share_states WHERE name = 'int128 maximum';
SELECT pg_temp.error_of($$SELECT trade_share_transfn(st, 1::bigint, false) FROM share_states WHERE name = 'int128 maximum'$$) AS past_max,
	   pg_temp.error_of($$SELECT trade_share_transfn(st, -1::bigint, true) FROM share_states WHERE name = 'int128 minimum'$$) AS past_min,
	   pg_temp.error_of($$SELECT trade_share_combine(st, st) FROM share_states WHERE name = 'int128 maximum'$$) AS max_plus_max,
	   pg_temp.error_of($$SELECT trade_share_combine(st, st) FROM share_states WHERE name = 'int128 minimum'$$) AS min_plus_min;
SELECT pg_temp.int128_at(trade_share_transfn(st, 9223372036854775807::bigint, true)::text, 69) AS min_plus_bigint_max
FROM share_states WHERE name = 'int128 minimum';
-- a partner's total too
SELECT pg_temp.error_of($$SELECT rank_partner_transfn(('01030100' || '00000001' || '00000001' || '61' || '0000000000000001' ||
										'7fffffffffffffffffffffffffffffff')::partner_totals, 'a', 1::bigint, NULL)$$) AS partner_total_past_max,
	   pg_temp.error_of($$SELECT rank_partner_combine(st, st)
						FROM (SELECT ('01030100' || '00000001' || '00000001' || '61' || '0000000000000001' ||
									  '80000000000000000000000000000000')::partner_totals AS st) AS s$$) AS partner_total_min_plus_min;
-- the count of values is a bigint: it may not pass its maximum either
SELECT pg_temp.error_of($$SELECT trade_share_transfn(('0103' || '0000000000000000' || '7fffffffffffffff' ||
													 '0000000000000000000000000000000a')::trade_share_state, 1::bigint, false)$$) AS count_past_max;

--
-- Combining many partial states
--
-- 100000 rows in 1000 groups; the states of the groups, combined in either
-- order, are the state of all rows, byte for byte (the text form of a
-- partner_totals lists the partners in order, so equal states look equal)
CREATE TABLE flows AS
SELECT g, (g * 7919) % 1000 AS grp, (g * 7919) % 10 AS grp10, 'P' || (g % 97) AS partner, g % 97 AS partner_no,
	   ((g * 31) % 1000)::numeric / 8 AS v_num, ((g * 31) % 1000)::float8 / 4 AS v_f8,
	   9223372036854775807 - g AS v_big, (g * 31) % 1000 AS v_int,
	   CASE g % 3 WHEN 0 THEN true WHEN 1 THEN false END AS is_part
FROM generate_series(1, 100000) AS g;
CREATE TABLE partials AS
SELECT grp, pg_temp.share_state(v_num, is_part) AS s_num, pg_temp.share_state(v_f8, is_part) AS s_f8,
	   pg_temp.share_state(v_big, is_part) AS s_big, pg_temp.share_state(v_int, is_part) AS s_int,
	   pg_temp.totals_state(partner, v_num, 'P5') AS t_num, pg_temp.totals_state(partner, v_f8, 'P5') AS t_f8,
	   pg_temp.totals_state(partner_no::bigint, v_big, 5::bigint) AS t_big
FROM flows GROUP BY grp;
SELECT count(*) AS partial_states,
	   pg_temp.combined(s_num ORDER BY grp)::text = (SELECT pg_temp.share_state(v_num, is_part) FROM flows)::text AS s_num,
	   pg_temp.combined(s_f8 ORDER BY grp DESC)::text = (SELECT pg_temp.share_state(v_f8, is_part) FROM flows)::text AS s_f8,
	   pg_temp.combined(s_big ORDER BY grp)::text = (SELECT pg_temp.share_state(v_big, is_part) FROM flows)::text AS s_big,
	   pg_temp.combined(s_int ORDER BY grp DESC)::text = (SELECT pg_temp.share_state(v_int, is_part) FROM flows)::text AS s_int,
	   pg_temp.combined(t_num ORDER BY grp)::text = (SELECT pg_temp.totals_state(partner, v_num, 'P5') FROM flows)::text AS t_num,
	   pg_temp.combined(t_f8 ORDER BY grp DESC)::text = (SELECT pg_temp.totals_state(partner, v_f8, 'P5') FROM flows)::text AS t_f8,
	   pg_temp.combined(t_big ORDER BY grp)::text = (SELECT pg_temp.totals_state(partner_no::bigint, v_big, 5::bigint) FROM flows)::text AS t_big
FROM partials;
-- the combined answers against plain SQL
SELECT trade_share_final(pg_temp.combined(s_big)) =
	   (SELECT (sum(v_big::numeric) FILTER (WHERE is_part))::float8 / sum(v_big::numeric)::float8 FROM flows) AS share_big,
	   rank_partner_final(pg_temp.combined(t_num)) AS rank_num,
	   (SELECT r FROM (SELECT partner, rank() OVER (ORDER BY sum(v_num) DESC) AS r FROM flows GROUP BY partner) AS x
		WHERE partner = 'P5') AS rank_num_sql
FROM partials;
-- NULL states and states of no value among them change nothing
SELECT pg_temp.combined(s ORDER BY n)::text = (SELECT pg_temp.share_state(v_num, is_part) FROM flows)::text AS same
FROM (SELECT grp AS n, s_num AS s FROM partials
	  UNION ALL SELECT -g, NULL FROM generate_series(1, 300) AS g
	  UNION ALL SELECT 1000 + g, st FROM share_states, generate_series(1, 300) AS g
	  WHERE name = 'numeric, no value') AS t;
-- a group whose states hold different kinds of totals is an error
SELECT pg_temp.error_of($$SELECT pg_temp.combined(s) FROM (SELECT s_num FROM partials UNION ALL SELECT s_big FROM partials) AS t(s)$$) AS mixed_kinds;

-- partition-wise aggregation: one partial state per partition and group,
-- 64 partitions combined per group, the same answers as without
CREATE TABLE flows_parted (LIKE flows) PARTITION BY HASH (g);
SELECT format('CREATE TABLE flows_parted_%s PARTITION OF flows_parted FOR VALUES WITH (MODULUS 64, REMAINDER %s)', r, r)
FROM generate_series(0, 63) AS r \gexec
INSERT INTO flows_parted SELECT * FROM flows;
ANALYZE flows_parted;
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
-- the combine function of partner_totals says it is costly, so that many
-- groups aggregate without partial states; here they are to be combined
ALTER FUNCTION rank_partner_combine(partner_totals, partner_totals) COST 1;
CREATE FUNCTION pg_temp.plan_lines(query text, pattern text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	line text;
	n bigint := 0;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
		IF line ~ pattern THEN
			n := n + 1;
		END IF;
	END LOOP;
	RETURN n;
END $$;
\set parted_query 'SELECT grp10, trade_share(v_num, is_part) AS s_num, trade_share(v_big, is_part) AS s_big, trade_share(v_f8, is_part) AS s_f8, rank_partner(partner, v_num, ''P5'') AS r_num, rank_partner(partner_no::bigint, v_big, 5::bigint) AS r_big FROM flows_parted GROUP BY 1'
SELECT pg_temp.plan_lines(:'parted_query', 'Partial HashAggregate') AS partial_aggregates,
	   pg_temp.plan_lines(:'parted_query', 'Finalize') AS finalize;
CREATE TABLE parted_answers AS :parted_query;
RESET enable_partitionwise_aggregate;
SELECT pg_temp.plan_lines(:'parted_query', 'Partial') AS partial_aggregates_without;
CREATE TABLE whole_answers AS :parted_query;
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE (p.s_num, p.s_big, p.s_f8, p.r_num, p.r_big) IS NOT DISTINCT FROM
						(w.s_num, w.s_big, w.s_f8, w.r_num, w.r_big)) AS same_answers
FROM parted_answers AS p JOIN whole_answers AS w USING (grp10);
RESET max_parallel_workers_per_gather;

-- remove the COPY files
DO $$
BEGIN
	EXECUTE format('COPY (SELECT WHERE false) TO PROGRAM %L',
				   format('rm -f /tmp/tradeflow_adversarial_%s.bin /tmp/tradeflow_adversarial_%s_table.bin',
						  pg_backend_pid(), pg_backend_pid()));
END $$;

DROP TABLE share_states, share_states_copy, totals_states, totals_states_copy, seeds, mutants,
	flows, partials, flows_parted, parted_answers, whole_answers;
-- with the aggregates made on tradeflow's functions
SET client_min_messages = warning;
DROP EXTENSION tradeflow CASCADE;
