-- test/02_catalog.sql: the declarations of every tradeflow object
--
-- Every function of the API exists with its signature; every function is
-- PARALLEL SAFE and has a comment; every function is IMMUTABLE except the
-- pct_change window functions over timestamptz periods, which are STABLE
-- (timestamptz arithmetic depends on TimeZone); the window functions are
-- window functions; every aggregate has a combine function and a state type
-- of tradeflow's own (not internal); the types have comments.
--
-- tf_api below is the one place the tests list the overloads (every value,
-- period and partner type of every function): the extension must have
-- exactly these, no more and no fewer.  The install script, written by
-- hand, is kept in step with it (its header says how); the README's
-- reference says the same in words.

\set tf_data off
\i test/fixtures/setup.psql

SELECT plan(96);

CREATE TABLE tf_functions AS
SELECT p.oid, p.oid::regprocedure::text AS signature, p.proname::text AS name, p.prokind,
	   p.provolatile, p.proparallel, p.proisstrict, p.prorettype::regtype::text AS returns,
	   (SELECT array_agg(t::regtype::text ORDER BY n) FROM unnest(p.proargtypes) WITH ORDINALITY AS u(t, n)) AS args
FROM pg_proc AS p
	JOIN pg_depend AS d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
		AND d.refclassid = 'pg_extension'::regclass
		AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'tradeflow');

-- the API: name, argument types, kind (f function, w window, a aggregate), result
CREATE TABLE tf_api (name text, args text[], kind "char", returns text);
INSERT INTO tf_api
SELECT 'pct_change', ARRAY[t, t], 'f', 'double precision'
FROM unnest(ARRAY['numeric', 'double precision', 'bigint']) AS t
UNION ALL
SELECT 'pct_change', ARRAY[t], 'w', 'double precision'
FROM unnest(ARRAY['numeric', 'double precision', 'bigint']) AS t
UNION ALL
SELECT 'pct_change', ARRAY[t, p, 'interval'], 'w', 'double precision'
FROM unnest(ARRAY['numeric', 'double precision', 'bigint']) AS t,
	 unnest(ARRAY['date', 'timestamp without time zone', 'timestamp with time zone']) AS p
UNION ALL
-- 0.2: the step as text, and timestamptz periods in a named time zone
SELECT 'pct_change', ARRAY[t, p, 'text'], 'w', 'double precision'
FROM unnest(ARRAY['numeric', 'double precision', 'bigint']) AS t,
	 unnest(ARRAY['date', 'timestamp without time zone', 'timestamp with time zone']) AS p
UNION ALL
SELECT 'pct_change', ARRAY[t, 'timestamp with time zone', s, 'text'], 'w', 'double precision'
FROM unnest(ARRAY['numeric', 'double precision', 'bigint']) AS t,
	 unnest(ARRAY['interval', 'text']) AS s
UNION ALL
SELECT 'trade_share', ARRAY[t], 'w', 'double precision'
FROM unnest(ARRAY['numeric', 'double precision', 'bigint', 'integer']) AS t
UNION ALL
SELECT 'trade_share', ARRAY[t, 'boolean'], 'a', 'double precision'
FROM unnest(ARRAY['numeric', 'double precision', 'bigint', 'integer']) AS t
UNION ALL
SELECT 'rank_partner', ARRAY[t], 'w', 'bigint'
FROM unnest(ARRAY['numeric', 'double precision', 'bigint']) AS t
UNION ALL
SELECT 'rank_partner', ARRAY[p, t, p], 'a', 'bigint'
FROM unnest(ARRAY['text', 'bigint']) AS p,
	 unnest(ARRAY['numeric', 'double precision', 'bigint', 'integer']) AS t
UNION ALL
SELECT 'trade_share_transfn', ARRAY['trade_share_state', t, 'boolean'], 'f', 'trade_share_state'
FROM unnest(ARRAY['numeric', 'double precision', 'bigint', 'integer']) AS t
UNION ALL
SELECT 'rank_partner_transfn', ARRAY['partner_totals', p, t, p], 'f', 'partner_totals'
FROM unnest(ARRAY['text', 'bigint']) AS p,
	 unnest(ARRAY['numeric', 'double precision', 'bigint', 'integer']) AS t
UNION ALL
VALUES ('trade_share_combine', ARRAY['trade_share_state', 'trade_share_state'], 'f', 'trade_share_state'),
	   ('trade_share_final', ARRAY['trade_share_state'], 'f', 'double precision'),
	   ('rank_partner_combine', ARRAY['partner_totals', 'partner_totals'], 'f', 'partner_totals'),
	   ('rank_partner_final', ARRAY['partner_totals'], 'f', 'bigint'),
	   ('trade_share_state_in', ARRAY['cstring'], 'f', 'trade_share_state'),
	   ('trade_share_state_out', ARRAY['trade_share_state'], 'f', 'cstring'),
	   ('trade_share_state_recv', ARRAY['internal'], 'f', 'trade_share_state'),
	   ('trade_share_state_send', ARRAY['trade_share_state'], 'f', 'bytea'),
	   ('partner_totals_in', ARRAY['cstring'], 'f', 'partner_totals'),
	   ('partner_totals_out', ARRAY['partner_totals'], 'f', 'cstring'),
	   ('partner_totals_recv', ARRAY['internal'], 'f', 'partner_totals'),
	   ('partner_totals_send', ARRAY['partner_totals'], 'f', 'bytea')
UNION ALL
-- 0.2: partner profiles
SELECT 'trade_profile', ARRAY[p, t], 'a', 'trade_profile'
FROM unnest(ARRAY['text', 'bigint']) AS p,
	 unnest(ARRAY['numeric', 'double precision', 'bigint', 'integer']) AS t
UNION ALL
SELECT 'trade_profile_transfn', ARRAY['trade_profile', p, t], 'f', 'trade_profile'
FROM unnest(ARRAY['text', 'bigint']) AS p,
	 unnest(ARRAY['numeric', 'double precision', 'bigint', 'integer']) AS t
UNION ALL
SELECT f, ARRAY['trade_profile', p], 'f', r
FROM unnest(ARRAY['text', 'bigint']) AS p,
	 (VALUES ('partner_value', 'numeric'), ('trade_share', 'double precision'),
			 ('rank_partner', 'bigint')) AS a(f, r)
UNION ALL
SELECT 'trade_share', ARRAY['trade_profile', p || '[]'], 'f', 'double precision'
FROM unnest(ARRAY['text', 'bigint']) AS p
UNION ALL
VALUES ('rollup', ARRAY['trade_profile'], 'a', 'trade_profile'),
	   ('trade_profile_combine', ARRAY['trade_profile', 'trade_profile'], 'f', 'trade_profile'),
	   ('trade_profile_final', ARRAY['trade_profile'], 'f', 'trade_profile'),
	   ('trade_profile_in', ARRAY['cstring'], 'f', 'trade_profile'),
	   ('trade_profile_out', ARRAY['trade_profile'], 'f', 'cstring'),
	   ('trade_profile_recv', ARRAY['internal'], 'f', 'trade_profile'),
	   ('trade_profile_send', ARRAY['trade_profile'], 'f', 'bytea'),
	   ('total', ARRAY['trade_profile'], 'f', 'numeric'),
	   ('partner_count', ARRAY['trade_profile'], 'f', 'bigint'),
	   ('top_partners', ARRAY['trade_profile', 'integer'], 'f', 'record'),
	   ('hhi', ARRAY['trade_profile', 'boolean'], 'f', 'double precision'),
	   ('pct_change', ARRAY['trade_profile', 'trade_profile'], 'f', 'double precision'),
	   ('contributions', ARRAY['trade_profile', 'trade_profile'], 'f', 'record')
UNION ALL
-- equality, order and hashing of the three stored types
SELECT s || '_' || f, CASE WHEN f = 'hash' THEN ARRAY[s] WHEN f = 'hash_extended' THEN ARRAY[s, 'bigint'] ELSE ARRAY[s, s] END,
	   'f', CASE f WHEN 'cmp' THEN 'integer' WHEN 'hash' THEN 'integer' WHEN 'hash_extended' THEN 'bigint' ELSE 'boolean' END
FROM unnest(ARRAY['trade_share_state', 'partner_totals', 'trade_profile']) AS s,
	 unnest(ARRAY['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'cmp', 'hash', 'hash_extended']) AS f
UNION ALL
-- their ANALYZE functions
SELECT s || '_analyze', ARRAY['internal'], 'f', 'boolean'
FROM unnest(ARRAY['trade_share_state', 'partner_totals', 'trade_profile']) AS s;

SELECT is((SELECT count(*) FROM tf_api), 140::bigint, 'the API lists 140 functions');

-- every function of the API, by pgTAP's has_function (the user-facing ones)
SELECT has_function(name, args, format('%s(%s) exists', name, array_to_string(args, ', ')))
FROM tf_api WHERE name IN ('pct_change', 'trade_share', 'rank_partner', 'trade_profile', 'rollup', 'total',
						   'partner_count', 'partner_value', 'top_partners', 'hhi', 'contributions')
ORDER BY name, kind, args;

SELECT set_eq($$SELECT name, args, prokind, returns FROM tf_functions$$,
			  $$SELECT name, args, kind, returns FROM tf_api$$,
			  'the extension''s functions are exactly those of the API (names, arguments, kinds, results)');

SELECT is_empty($$SELECT signature, proparallel FROM tf_functions WHERE proparallel <> 's'$$,
				'every function is PARALLEL SAFE');
SELECT is_empty($$SELECT signature FROM tf_functions WHERE obj_description(oid, 'pg_proc') IS NULL
				  OR obj_description(oid, 'pg_proc') = ''$$,
				'every function has a comment');
SELECT is_empty($$
	SELECT signature, provolatile FROM tf_functions
	WHERE provolatile <> CASE WHEN name = 'pct_change' AND args[3] = 'text' THEN 's'
							  WHEN name = 'pct_change' AND args[2] = 'timestamp with time zone'
								   AND cardinality(args) = 3 THEN 's'
							  ELSE 'i' END
$$, 'every function is IMMUTABLE except pct_change with a text step (interval input depends on IntervalStyle) or over timestamptz periods in the session''s time zone, which are STABLE');
SELECT volatility_is('pct_change', ARRAY[t, 'timestamp with time zone', 'interval', 'text'], 'immutable',
					 format('pct_change(%s, timestamptz, interval, time_zone) is IMMUTABLE', t))
FROM unnest(ARRAY['numeric', 'double precision', 'bigint']) AS t;

SELECT volatility_is('pct_change', ARRAY[t, 'timestamp with time zone', 'interval'], 'stable',
					 format('pct_change(%s, timestamptz, interval) is STABLE', t))
FROM unnest(ARRAY['numeric', 'double precision', 'bigint']) AS t;
SELECT volatility_is('pct_change', ARRAY[t, 'date', 'interval'], 'immutable',
					 format('pct_change(%s, date, interval) is IMMUTABLE', t))
FROM unnest(ARRAY['numeric', 'double precision', 'bigint']) AS t;

SELECT is_empty($$SELECT signature FROM tf_functions WHERE prokind = 'f' AND name = 'pct_change' AND NOT proisstrict$$,
				'the scalar pct_change is STRICT');
SELECT is_empty($$SELECT signature FROM tf_functions WHERE name ~ '_(in|out|recv|send|final)$' AND NOT proisstrict$$,
				'the I/O and final functions are STRICT');
SELECT is_empty($$SELECT signature FROM tf_functions WHERE name ~ '_(transfn|combine)$' AND proisstrict$$,
				'the transition and combine functions are not STRICT (they start from a NULL state)');
SELECT is_empty($$SELECT signature FROM tf_functions
				  WHERE 'trade_profile' = ANY (args) AND prokind = 'f' AND name !~ '_(transfn|combine)$' AND NOT proisstrict$$,
				'the accessors of trade_profile, its I/O, comparison and final functions are STRICT');

SELECT is_empty($$
	SELECT a.aggfnoid::regprocedure
	FROM pg_aggregate AS a JOIN tf_functions AS f ON f.oid = a.aggfnoid
	WHERE a.aggcombinefn = 0 OR a.aggkind <> 'n'
	   OR a.aggtranstype NOT IN ('trade_share_state'::regtype, 'partner_totals'::regtype, 'trade_profile'::regtype)
	   OR a.aggfinalfn = 0 OR a.aggfinalmodify <> 'r'
$$, 'every aggregate has a combine function, a final function that does not modify the state, and a state type of its own');
SELECT is((SELECT count(*) FROM pg_aggregate WHERE aggfnoid IN (SELECT oid FROM tf_functions)), 21::bigint,
		  '21 aggregates');

SELECT is_empty($$
	SELECT t FROM unnest(ARRAY['trade_share_state', 'partner_totals', 'trade_profile']) AS t
	WHERE obj_description(t::regtype, 'pg_type') IS NULL
$$, 'the three types have a comment');
SELECT is_empty($$
	SELECT typname FROM pg_type WHERE typname IN ('trade_share_state', 'partner_totals', 'trade_profile')
	AND (typinput::text <> typname || '_in' OR typoutput::text <> typname || '_out'
		 OR typreceive::text <> typname || '_recv' OR typsend::text <> typname || '_send'
		 OR typlen <> -1 OR typstorage <> 'x' OR typalign <> 'd')
$$, 'the three types are variable-length, double-aligned, with text and binary I/O');
SELECT set_eq($$
	SELECT t::text, am.amname::text FROM pg_opclass AS c JOIN pg_am AS am ON am.oid = c.opcmethod
		JOIN unnest(ARRAY['trade_share_state', 'partner_totals', 'trade_profile']::regtype[]) AS t ON c.opcintype = t
	WHERE c.opcdefault
$$, $$SELECT t, am FROM unnest(ARRAY['trade_share_state', 'partner_totals', 'trade_profile']) AS t,
	  unnest(ARRAY['btree', 'hash']) AS am$$,
	  'each type has default btree and hash operator classes');
SELECT ok(obj_description((SELECT oid FROM pg_extension WHERE extname = 'tradeflow'), 'pg_extension') IS NOT NULL,
		  'the extension has a comment');

SELECT * FROM finish();
ROLLBACK;
