-- test/50_state_types.sql: the state types trade_share_state and partner_totals
--
-- Properties: a state's text output cast back (::text::type) gives the same
-- final answer and the same text; its binary form (send, then receive through
-- COPY BINARY) too; combining the states of two halves of the rows gives the
-- answer of the whole; malformed text ('zz', '', odd lengths, every strict
-- prefix of a real state, trailing bytes, every one-digit change) and
-- malformed binary input raise an error of class 22, never crash the server.
--
-- The states are made by aggregates without a final function over the same
-- transition functions as trade_share and rank_partner
-- (test/fixtures/state_aggregates.psql).  The binary checks
-- write a file in /tmp through COPY TO PROGRAM (the test user is a
-- superuser, as in a throw-away pg_virtualenv cluster) and remove it.

\i test/fixtures/setup.psql

SELECT plan(60);

-- pg_temp.share_state(value, is_part), pg_temp.totals_state(partner, value, target)
\i test/fixtures/state_aggregates.psql

-- per group: the state of all rows, of the even and of the odd rows, and the
-- aggregate's own answer
CREATE TABLE tft.share_states AS
SELECT kind, reporter, period, st, st_even, st_odd, answer
FROM (SELECT 'numeric' AS kind, reporter, period, pg_temp.share_state(v_num, is_part) AS st,
			 pg_temp.share_state(v_num, is_part) FILTER (WHERE id % 2 = 0) AS st_even,
			 pg_temp.share_state(v_num, is_part) FILTER (WHERE id % 2 = 1) AS st_odd,
			 trade_share(v_num, is_part) AS answer
	  FROM tft.flows GROUP BY reporter, period
	  UNION ALL
	  SELECT 'float8', reporter, period, pg_temp.share_state(v_f8q, is_part),
			 pg_temp.share_state(v_f8q, is_part) FILTER (WHERE id % 2 = 0),
			 pg_temp.share_state(v_f8q, is_part) FILTER (WHERE id % 2 = 1),
			 trade_share(v_f8q, is_part)
	  FROM tft.flows GROUP BY reporter, period
	  UNION ALL
	  SELECT 'bigint', reporter, period, pg_temp.share_state(v_big, is_part),
			 pg_temp.share_state(v_big, is_part) FILTER (WHERE id % 2 = 0),
			 pg_temp.share_state(v_big, is_part) FILTER (WHERE id % 2 = 1),
			 trade_share(v_big, is_part)
	  FROM tft.flows GROUP BY reporter, period
	  UNION ALL
	  SELECT 'integer', reporter, period, pg_temp.share_state(v_int, is_part),
			 pg_temp.share_state(v_int, is_part) FILTER (WHERE id % 2 = 0),
			 pg_temp.share_state(v_int, is_part) FILTER (WHERE id % 2 = 1),
			 trade_share(v_int, is_part)
	  FROM tft.flows GROUP BY reporter, period) AS s;

CREATE TABLE tft.rank_states AS
SELECT kind, reporter, y, st, st_even, st_odd, answer
FROM (SELECT 'text/numeric' AS kind, reporter, date_trunc('year', period) AS y,
			 pg_temp.totals_state(partner, v_num, 'P03') AS st,
			 pg_temp.totals_state(partner, v_num, 'P03') FILTER (WHERE id % 2 = 0) AS st_even,
			 pg_temp.totals_state(partner, v_num, 'P03') FILTER (WHERE id % 2 = 1) AS st_odd,
			 rank_partner(partner, v_num, 'P03') AS answer
	  FROM tft.flows GROUP BY 2, 3
	  UNION ALL
	  SELECT 'text/float8', reporter, date_trunc('year', period),
			 pg_temp.totals_state(partner, v_f8q, 'P05'),
			 pg_temp.totals_state(partner, v_f8q, 'P05') FILTER (WHERE id % 2 = 0),
			 pg_temp.totals_state(partner, v_f8q, 'P05') FILTER (WHERE id % 2 = 1),
			 rank_partner(partner, v_f8q, 'P05')
	  FROM tft.flows GROUP BY 2, 3
	  UNION ALL
	  SELECT 'bigint/bigint', reporter, date_trunc('year', period),
			 pg_temp.totals_state(partner_code, v_big, 107::bigint),
			 pg_temp.totals_state(partner_code, v_big, 107::bigint) FILTER (WHERE id % 2 = 0),
			 pg_temp.totals_state(partner_code, v_big, 107::bigint) FILTER (WHERE id % 2 = 1),
			 rank_partner(partner_code, v_big, 107::bigint)
	  FROM tft.flows GROUP BY 2, 3
	  UNION ALL
	  SELECT 'bigint/integer', reporter, date_trunc('year', period),
			 pg_temp.totals_state(partner_code, v_int, 101::bigint),
			 pg_temp.totals_state(partner_code, v_int, 101::bigint) FILTER (WHERE id % 2 = 0),
			 pg_temp.totals_state(partner_code, v_int, 101::bigint) FILTER (WHERE id % 2 = 1),
			 rank_partner(partner_code, v_int, 101::bigint)
	  FROM tft.flows GROUP BY 2, 3) AS s;

SELECT ok((SELECT count(*) FILTER (WHERE answer IS NOT NULL) > 1000 AND count(*) FILTER (WHERE answer IS NULL) > 5
		   FROM tft.share_states)
		  AND (SELECT count(DISTINCT answer) > 5 AND count(*) FILTER (WHERE answer IS NULL) > 0
			   FROM tft.rank_states),
		  'fixtures: states with and without answers, ranks that vary');

--
-- the states give the aggregates' answers
--

SELECT is_empty($$
	SELECT kind, reporter, period FROM tft.share_states
	WHERE trade_share_final(st) IS DISTINCT FROM answer
$$, 'trade_share_final(state) = trade_share(...) for every group and value type');
SELECT is_empty($$
	SELECT kind, reporter, y FROM tft.rank_states
	WHERE rank_partner_final(st) IS DISTINCT FROM answer
$$, 'rank_partner_final(state) = rank_partner(...) for every group and partner/value type');

--
-- text round trip
--

SELECT is_empty($$
	SELECT kind, reporter, period FROM tft.share_states
	WHERE trade_share_final(st::text::trade_share_state) IS DISTINCT FROM trade_share_final(st)
$$, 'trade_share_state: ::text::trade_share_state gives the same final answer');
SELECT is_empty($$
	SELECT kind, reporter, period FROM tft.share_states
	WHERE st::text::trade_share_state::text IS DISTINCT FROM st::text
$$, 'trade_share_state: the text form survives a round trip');
SELECT is_empty($$
	SELECT kind, reporter, y FROM tft.rank_states
	WHERE rank_partner_final(st::text::partner_totals) IS DISTINCT FROM rank_partner_final(st)
$$, 'partner_totals: ::text::partner_totals gives the same final answer');
SELECT is_empty($$
	SELECT kind, count(*) AS states, min(st::text) AS example FROM tft.rank_states
	WHERE st::text::partner_totals::text IS DISTINCT FROM st::text GROUP BY kind
$$, 'partner_totals: the text form survives a round trip');

-- a state stored in a table and read back
CREATE TABLE tft.stored (kind text, reporter int, period date, st trade_share_state);
INSERT INTO tft.stored SELECT kind, reporter, period, st FROM tft.share_states;
SELECT is_empty($$
	SELECT kind, reporter, period FROM tft.stored JOIN tft.share_states AS s USING (kind, reporter, period)
	WHERE trade_share_final(tft.stored.st) IS DISTINCT FROM s.answer
$$, 'trade_share_state stored in a table column gives the same answer');

--
-- binary round trip: send, then receive through COPY BINARY
--

-- a file in COPY BINARY format with one bytea field per row, each holding
-- the binary form of a value
CREATE FUNCTION tft.copy_binary_file(images bytea[])
RETURNS bytea LANGUAGE sql IMMUTABLE
AS $$
	SELECT '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
		   || coalesce((SELECT string_agg('\x0001'::bytea || int4send(length(i)) || i, ''::bytea ORDER BY n)
						FROM unnest(images) WITH ORDINALITY AS u(i, n)), ''::bytea)
		   || '\xffff'::bytea
$$;

-- loads images into table tab (one column of the state type) through COPY
-- BINARY, i.e. the type's receive function; returns the SQLSTATE of the
-- error, NULL if it loaded
CREATE FUNCTION tft.copy_in(tab text, images bytea[])
RETURNS text LANGUAGE plpgsql
AS $$
DECLARE
	path text := '/tmp/tradeflow_pgtap_' || pg_backend_pid() || '.bin';
	state text;
BEGIN
	EXECUTE format('COPY (SELECT %L) TO PROGRAM %L',
				   translate(encode(tft.copy_binary_file(images), 'base64'), E'\n', ''),
				   'base64 -d > ' || path);
	BEGIN
		EXECUTE format('COPY %s FROM %L (FORMAT binary)', tab, path);
	EXCEPTION WHEN OTHERS THEN
		state := SQLSTATE;
	END;
	EXECUTE format('COPY tft.nothing FROM PROGRAM %L', 'rm -f ' || path);
	RETURN state;
END
$$;
CREATE TABLE tft.nothing (x text);

CREATE TABLE tft.share_received (st trade_share_state);
CREATE TABLE tft.rank_received (st partner_totals);

SELECT is(tft.copy_in('tft.share_received',
					  (SELECT array_agg(trade_share_state_send(st) ORDER BY kind, reporter, period) FROM tft.share_states)),
		  NULL, 'trade_share_state: the send output of every state is received back');
SELECT bag_eq($$SELECT trade_share_final(st) FROM tft.share_received$$,
			  $$SELECT trade_share_final(st) FROM tft.share_states$$,
			  'trade_share_state: the received states give the same answers');
SELECT bag_eq($$SELECT st::text FROM tft.share_received$$, $$SELECT st::text FROM tft.share_states$$,
			  'trade_share_state: the received states have the same text');

SELECT is(tft.copy_in('tft.rank_received',
					  (SELECT array_agg(partner_totals_send(st) ORDER BY kind, reporter, y) FROM tft.rank_states)),
		  NULL, 'partner_totals: the send output of every state is received back');
SELECT bag_eq($$SELECT rank_partner_final(st) FROM tft.rank_received$$,
			  $$SELECT rank_partner_final(st) FROM tft.rank_states$$,
			  'partner_totals: the received states give the same answers');
SELECT is_empty($$
	SELECT count(*) AS differing, min(t) AS example
	FROM (SELECT st::text AS t FROM tft.rank_received EXCEPT ALL SELECT st::text FROM tft.rank_states) AS d
	HAVING count(*) > 0
$$, 'partner_totals: the received states have the same text');

SELECT is(encode(trade_share_state_send(st), 'hex'), st::text,
		  'trade_share_state: the text form is the hexadecimal image of the binary form')
FROM tft.share_states WHERE kind = 'numeric' AND answer IS NOT NULL ORDER BY reporter, period LIMIT 1;

--
-- combine
--

SELECT is_empty($$
	SELECT kind, reporter, period FROM tft.share_states
	WHERE trade_share_final(trade_share_combine(st_even, st_odd)) IS DISTINCT FROM answer
$$, 'trade_share_final(combine(even rows, odd rows)) = the answer of all rows');
SELECT is_empty($$
	SELECT kind, reporter, period FROM tft.share_states
	WHERE trade_share_final(trade_share_combine(NULL, st)) IS DISTINCT FROM answer
	   OR trade_share_final(trade_share_combine(st, NULL)) IS DISTINCT FROM answer
$$, 'trade_share_combine with a NULL state on either side');
SELECT is_empty($$
	SELECT kind, reporter, period FROM tft.share_states
	WHERE trade_share_final(trade_share_combine(st_even::text::trade_share_state, st_odd::text::trade_share_state))
		IS DISTINCT FROM answer
$$, 'combining states read from text = the answer of all rows');
SELECT is_empty($$
	SELECT kind, reporter, y FROM tft.rank_states
	WHERE rank_partner_final(rank_partner_combine(st_even, st_odd)) IS DISTINCT FROM answer
$$, 'rank_partner_final(combine(even rows, odd rows)) = the answer of all rows');
SELECT is_empty($$
	SELECT kind, reporter, y FROM tft.rank_states
	WHERE rank_partner_final(rank_partner_combine(NULL, st)) IS DISTINCT FROM answer
	   OR rank_partner_final(rank_partner_combine(st, NULL)) IS DISTINCT FROM answer
$$, 'rank_partner_combine with a NULL state on either side');
SELECT is_empty($$
	SELECT kind, reporter, y FROM tft.rank_states
	WHERE rank_partner_final(rank_partner_combine(st_odd::text::partner_totals, st_even::text::partner_totals))
		IS DISTINCT FROM answer
$$, 'combining partner_totals read from text = the answer of all rows');

-- combining the states of every group of a reporter, one by one in period
-- order, = the reporter's answer
SELECT is_empty($$
	WITH RECURSIVE numbered AS (
		SELECT kind, reporter, st, row_number() OVER (PARTITION BY kind, reporter ORDER BY period) AS n
		FROM tft.share_states),
	s AS (
		SELECT kind, reporter, n, st FROM numbered WHERE n = 1
		UNION ALL
		SELECT s.kind, s.reporter, m.n, trade_share_combine(s.st, m.st)
		FROM s JOIN numbered AS m ON m.kind = s.kind AND m.reporter = s.reporter AND m.n = s.n + 1)
	SELECT s.kind, s.reporter FROM s
		JOIN (SELECT kind, reporter, max(n) AS n FROM numbered GROUP BY 1, 2) AS last USING (kind, reporter, n)
		JOIN (SELECT 'numeric' AS kind, reporter, trade_share(v_num, is_part) AS answer FROM tft.flows GROUP BY reporter
			  UNION ALL SELECT 'bigint', reporter, trade_share(v_big, is_part) FROM tft.flows GROUP BY reporter
			  UNION ALL SELECT 'integer', reporter, trade_share(v_int, is_part) FROM tft.flows GROUP BY reporter
			  UNION ALL SELECT 'float8', reporter, trade_share(v_f8q, is_part) FROM tft.flows GROUP BY reporter) AS a
			USING (kind, reporter)
	WHERE trade_share_final(s.st) IS DISTINCT FROM a.answer
$$, 'combining the states of all periods one by one = the answer of the reporter');

-- states of different value or partner types do not mix: an error, no crash
SELECT ok(tft.sqlstate_of($$SELECT trade_share_combine(a.st, b.st) FROM tft.share_states AS a, tft.share_states AS b
						   WHERE a.kind = 'numeric' AND b.kind = 'float8'$$) !~ '^XX',
		  'combining numeric and float8 trade_share states raises a user error');
SELECT ok(tft.sqlstate_of($$SELECT trade_share_transfn(st, 1::numeric, true) FROM tft.share_states WHERE kind = 'integer'$$)
		  IS DISTINCT FROM 'XX000',
		  'feeding a numeric value to an integer trade_share state: no crash, no internal error');
SELECT ok(tft.sqlstate_of($$SELECT rank_partner_combine(a.st, b.st) FROM tft.rank_states AS a, tft.rank_states AS b
						   WHERE a.kind = 'text/numeric' AND b.kind = 'bigint/bigint'$$) !~ '^XX',
		  'combining text and bigint partner states raises a user error');
SELECT ok(tft.sqlstate_of($$SELECT rank_partner_transfn(st, 5::bigint, 1::bigint, 5::bigint) FROM tft.rank_states WHERE kind = 'text/numeric'$$)
		  IS DISTINCT FROM 'XX000',
		  'feeding a bigint partner to a text partner state: no crash, no internal error');

--
-- malformed text
--

SELECT throws_ok(format('SELECT %L::trade_share_state', t), NULL,
				 format('trade_share_state: %L raises an error', t))
FROM unnest(ARRAY['zz', '', '0', '01', 'xyz0', '\x0101']) AS t;
SELECT throws_ok(format('SELECT %L::partner_totals', t), NULL,
				 format('partner_totals: %L raises an error', t))
FROM unnest(ARRAY['zz', '', '0', '01']) AS t;

-- a real state: truncated, extended, changed in its first byte
CREATE TABLE tft.samples AS
SELECT 'trade_share_state' AS typ, kind, st::text AS t, 'trade_share_final' AS fin
FROM (SELECT DISTINCT ON (kind) kind, st FROM tft.share_states WHERE answer IS NOT NULL
	  ORDER BY kind, reporter, period) AS s
UNION ALL
SELECT 'partner_totals', kind, st::text, 'rank_partner_final'
FROM (SELECT DISTINCT ON (kind) kind, st FROM tft.rank_states WHERE answer IS NOT NULL
	  ORDER BY kind, reporter, y) AS s;

SELECT is((SELECT count(*) FROM tft.samples), 8::bigint, 'fixtures: a state of every kind');

SELECT throws_ok(format('SELECT %s(%L::%s)', fin, left(t, -2), typ), NULL,
				 format('%s (%s): the text of a real state without its last byte raises an error', typ, kind))
FROM tft.samples ORDER BY typ, kind;
SELECT throws_ok(format('SELECT %s(%L::%s)', fin, t || '00', typ), NULL,
				 format('%s (%s): the text of a real state with a byte appended raises an error', typ, kind))
FROM tft.samples ORDER BY typ, kind;

-- every strict prefix, every one-digit change, random text: an error of
-- class 22 (data exception) or a value, never a crash or an internal error
CREATE FUNCTION tft.try(sql text, OUT state text)
LANGUAGE plpgsql
AS $$
BEGIN
	EXECUTE sql;
EXCEPTION WHEN OTHERS THEN
	state := SQLSTATE;
END
$$;

CREATE TABLE tft.prefixes AS
SELECT typ, kind, n, tft.try(format('SELECT %s(%L::%s)', fin, left(t, n), typ)) AS state
FROM tft.samples, generate_series(0, length(t) - 1) AS n;

SELECT is_empty($$SELECT typ, kind, state, count(*) AS cases, min(n) AS shortest
				  FROM tft.prefixes WHERE state IS NULL OR state !~ '^22' GROUP BY 1, 2, 3$$,
				'every strict prefix of the text of a real state raises an error of class 22');

CREATE TABLE tft.mutants AS
SELECT typ, kind, n, d, tft.try(format('SELECT %s(%L::%s), %L::%s::text',
									   fin, m, typ, m, typ)) AS state
FROM tft.samples, generate_series(1, length(t)) AS n, unnest(ARRAY['0', '7', 'f']) AS d,
	 LATERAL (SELECT overlay(t placing d from n for 1) AS m) AS x
WHERE substr(t, n, 1) <> d;

SELECT is_empty($$SELECT typ, kind, state, count(*) AS cases, min(n) AS first_position
				  FROM tft.mutants WHERE state !~ '^22' GROUP BY 1, 2, 3$$,
				'states with one hex digit changed (every position, three digits): a value or an error of class 22');
SELECT ok((SELECT count(*) FILTER (WHERE state IS NOT NULL) > 100 FROM tft.mutants),
		  'many of the changed states are rejected');

DO $$ BEGIN PERFORM setseed(0.31); END $$;
CREATE TABLE tft.garbage AS
SELECT typ, i, tft.try(format('SELECT %L::%s::text', g, typ)) AS state
FROM unnest(ARRAY['trade_share_state', 'partner_totals']) AS typ, generate_series(1, 300) AS i,
	 LATERAL (SELECT string_agg(substr('0123456789abcdef', 1 + (random() * 15)::int, 1), '') AS g
			  FROM generate_series(1, 2 * (1 + (random() * 60)::int) + i * 0)) AS x;
SELECT is_empty($$SELECT typ, state, count(*) AS cases FROM tft.garbage
				  WHERE state IS NULL OR state !~ '^22' GROUP BY 1, 2$$,
				'random hex strings raise an error of class 22');

--
-- malformed binary input (the receive functions)
--

CREATE TABLE tft.recv_prefixes AS
SELECT typ, kind, n,
	   tft.copy_in(CASE typ WHEN 'trade_share_state' THEN 'tft.share_received' ELSE 'tft.rank_received' END,
				   ARRAY[substr(decode(t, 'hex'), 1, n)]) AS state
FROM tft.samples, generate_series(0, length(t) / 2 - 1) AS n
WHERE kind IN ('numeric', 'bigint/bigint');
SELECT is_empty($$SELECT typ, kind, state, count(*) AS cases, min(n) AS shortest
				  FROM tft.recv_prefixes WHERE state IS NULL OR state !~ '^22' GROUP BY 1, 2, 3$$,
				'binary input: every strict prefix of a real state raises an error of class 22');
SELECT is(tft.copy_in('tft.share_received', ARRAY[decode((SELECT t FROM tft.samples WHERE kind = 'numeric') || '00', 'hex')])
		  ~ '^22', true, 'binary input: a real state with a byte appended raises an error of class 22');

SELECT ok((SELECT 1) = 1, 'the server is still up');

SELECT * FROM finish();
ROLLBACK;
