-- test/01_extension.sql: CREATE EXTENSION, DROP EXTENSION, re-create, relocate
--
-- CREATE EXTENSION tradeflow creates only extension members; DROP EXTENSION
-- leaves nothing behind (no function, aggregate, type, comment or
-- dependency); creating it again gives the same objects; it can be created
-- in another schema, moved with ALTER EXTENSION ... SET SCHEMA
-- (relocatable), and works there without being on the search_path.

\set tf_extension off
\set tf_data off
\i test/fixtures/setup.psql

SELECT plan(37);

SELECT hasnt_extension('tradeflow', 'tradeflow is not installed at the start');

-- the catalogs before (the test's own objects are named tf_*)
CREATE TABLE tf_before AS
SELECT 'pg_proc'::regclass AS catalog, oid FROM pg_proc
UNION ALL SELECT 'pg_type'::regclass, oid FROM pg_type
UNION ALL SELECT 'pg_aggregate'::regclass, aggfnoid FROM pg_aggregate
UNION ALL SELECT 'pg_description'::regclass, objoid FROM pg_description;

CREATE VIEW tf_new AS
SELECT 'pg_proc'::regclass AS catalog, oid, proname::text AS name FROM pg_proc
WHERE oid NOT IN (SELECT oid FROM tf_before WHERE catalog = 'pg_proc'::regclass) AND proname !~ '^tf_'
UNION ALL
SELECT 'pg_type'::regclass, oid, typname::text FROM pg_type
WHERE oid NOT IN (SELECT oid FROM tf_before WHERE catalog = 'pg_type'::regclass) AND typname !~ '^_?tf_'
UNION ALL
SELECT 'pg_aggregate'::regclass, aggfnoid, aggfnoid::regproc::text FROM pg_aggregate
WHERE aggfnoid NOT IN (SELECT oid FROM tf_before WHERE catalog = 'pg_aggregate'::regclass)
UNION ALL
SELECT 'pg_description'::regclass, objoid, coalesce(description, '') FROM pg_description
WHERE objoid NOT IN (SELECT oid FROM tf_before WHERE catalog = 'pg_description'::regclass);

SELECT lives_ok('CREATE EXTENSION tradeflow', 'CREATE EXTENSION tradeflow');
SELECT has_extension('tradeflow', 'tradeflow is installed');
SELECT is((SELECT extversion FROM pg_extension WHERE extname = 'tradeflow'), '0.2', 'version 0.2');

-- the members, by catalog
CREATE TABLE tf_members AS
SELECT classid::regclass AS catalog, objid,
	   pg_describe_object(classid, objid, objsubid) AS description
FROM pg_depend
WHERE refclassid = 'pg_extension'::regclass
	AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'tradeflow')
	AND deptype = 'e';

-- (which overloads there are is test/02_catalog.sql's to say)
SELECT ok((SELECT count(*) FROM tf_members WHERE catalog = 'pg_proc'::regclass) > 0,
		  'functions and aggregates are members');
SELECT is((SELECT count(*) FROM tf_members WHERE catalog = 'pg_type'::regclass), 3::bigint,
		  '3 types are members');
SELECT set_eq($$SELECT catalog::text, count(*) FROM tf_members
				WHERE catalog NOT IN ('pg_proc'::regclass, 'pg_type'::regclass) GROUP BY 1$$,
			  $$VALUES ('pg_operator', 18::bigint), ('pg_opclass', 6), ('pg_opfamily', 6)$$,
			  'the other members are the operators, operator classes and families of the 3 types');
SELECT set_eq($$SELECT oid FROM tf_new WHERE catalog = 'pg_proc'::regclass$$,
			  $$SELECT objid FROM tf_members WHERE catalog = 'pg_proc'::regclass$$,
			  'every function created is a member');
SELECT set_eq($$SELECT oid FROM tf_new WHERE catalog = 'pg_aggregate'::regclass$$,
			  $$SELECT objid FROM tf_members JOIN pg_aggregate ON aggfnoid = objid$$,
			  'every aggregate created is a member');
SELECT set_eq($$SELECT name FROM tf_new WHERE catalog = 'pg_type'::regclass$$,
			  ARRAY['trade_share_state', '_trade_share_state', 'partner_totals', '_partner_totals',
					'trade_profile', '_trade_profile'],
			  'the three types and their array types created');
SELECT set_eq($$SELECT proname::text FROM pg_proc JOIN tf_members ON catalog = 'pg_proc'::regclass AND objid = pg_proc.oid$$,
			  ARRAY['pct_change', 'trade_share', 'rank_partner',
					'trade_share_transfn', 'trade_share_combine', 'trade_share_final',
					'rank_partner_transfn', 'rank_partner_combine', 'rank_partner_final',
					'trade_share_state_in', 'trade_share_state_out', 'trade_share_state_recv', 'trade_share_state_send',
					'partner_totals_in', 'partner_totals_out', 'partner_totals_recv', 'partner_totals_send',
					'trade_profile', 'rollup', 'trade_profile_transfn', 'trade_profile_combine', 'trade_profile_final',
					'trade_profile_in', 'trade_profile_out', 'trade_profile_recv', 'trade_profile_send',
					'total', 'partner_count', 'partner_value', 'top_partners', 'hhi', 'contributions']
			  || ARRAY(SELECT t || '_' || f
					   FROM unnest(ARRAY['trade_share_state', 'partner_totals', 'trade_profile']) AS t,
							unnest(ARRAY['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'cmp', 'hash', 'hash_extended', 'analyze']) AS f),
			  'the member functions have the names of the API');

CREATE TABLE tf_first AS
SELECT oid, oid::regprocedure::text AS signature FROM pg_proc
WHERE oid IN (SELECT objid FROM tf_members WHERE catalog = 'pg_proc'::regclass)
UNION ALL
SELECT oid, typname::text FROM pg_type
WHERE oid IN (SELECT objid FROM tf_members WHERE catalog = 'pg_type'::regclass)
   OR typelem IN (SELECT objid FROM tf_members WHERE catalog = 'pg_type'::regclass);

-- a query that uses all three, against the plain-SQL formulas
CREATE TABLE tf_sample AS
SELECT * FROM (VALUES (1, date '2020-01-01', 2.0), (2, date '2020-02-01', 6.0), (3, date '2020-04-01', 6.0)) AS t(i, p, v);

CREATE FUNCTION tf_sample_want()
RETURNS TABLE (share float8, rk bigint, chg float8, cal float8, part float8, prk bigint)
LANGUAGE sql
AS $$
	SELECT (v / sum(v) OVER ())::float8, rank() OVER (ORDER BY v DESC),
		   (v / lag(v) OVER (ORDER BY i) - 1)::float8,
		   (SELECT (t.v / q.v - 1)::float8 FROM tf_sample AS q WHERE q.p = t.p - interval '1 month'),
		   ((coalesce(sum(v) FILTER (WHERE i = 1) OVER (), 0)) / sum(v) OVER ())::float8,
		   (SELECT r FROM (SELECT i, rank() OVER (ORDER BY v DESC) AS r FROM tf_sample) AS x WHERE x.i = 2)
	FROM tf_sample AS t ORDER BY i
$$;

SELECT results_eq($$
	SELECT trade_share(v) OVER (), rank_partner(v) OVER (), pct_change(v) OVER (ORDER BY i),
		   pct_change(v, p, '1 month') OVER (),
		   trade_share(v, i = 1) OVER (), rank_partner(i::text, v, '2') OVER ()
	FROM tf_sample ORDER BY i
$$, 'SELECT * FROM tf_sample_want()', 'the functions work after CREATE EXTENSION');

--
-- DROP EXTENSION leaves nothing behind
--

SELECT lives_ok('DROP EXTENSION tradeflow', 'DROP EXTENSION tradeflow');
SELECT hasnt_extension('tradeflow', 'tradeflow is gone');
SELECT is_empty($$SELECT oid, signature FROM tf_first WHERE oid IN (SELECT oid FROM pg_proc UNION ALL SELECT oid FROM pg_type)$$,
				'no function, aggregate or type of the extension is left');
SELECT is_empty($$SELECT oid::regprocedure FROM pg_proc
				  WHERE proname IN ('pct_change', 'trade_share', 'rank_partner', 'trade_profile', 'rollup',
									'total', 'partner_count', 'partner_value', 'top_partners', 'hhi', 'contributions')
					 OR proname ~ '^(trade_share|rank_partner|partner_totals|trade_profile)_'$$,
				'no function with a tradeflow name is left');
SELECT is_empty($$SELECT typname FROM pg_type WHERE typname ~ '^_?(trade_share_state|partner_totals|trade_profile)$'$$,
				'no type with a tradeflow name is left');
SELECT is_empty($$SELECT oid::regoperator FROM pg_operator
				  WHERE oprleft IN (SELECT oid FROM tf_first) OR oprright IN (SELECT oid FROM tf_first)$$,
				'no operator of a tradeflow type is left');
SELECT is_empty($$SELECT * FROM pg_description WHERE objoid IN (SELECT oid FROM tf_first)$$,
				'no comment is left');
SELECT is_empty($$SELECT * FROM pg_depend WHERE objid IN (SELECT oid FROM tf_first) OR refobjid IN (SELECT oid FROM tf_first)$$,
				'no dependency is left');
SELECT is_empty('SELECT * FROM tf_new',
				'no function, type, aggregate or comment created since the start is left');

--
-- re-create
--

SELECT lives_ok('CREATE EXTENSION tradeflow', 'CREATE EXTENSION tradeflow again');
SELECT set_eq($$SELECT oid::regprocedure::text FROM pg_proc
				WHERE oid IN (SELECT objid FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
							  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'tradeflow'))$$,
			  $$SELECT signature FROM tf_first WHERE signature LIKE '%(%'$$,
			  're-created with the same functions and aggregates');
SELECT is((SELECT trade_share(v, p) FROM (VALUES (1::bigint, true), (3, false)) AS t(v, p)), 0.25::float8,
		  'the functions work after re-creating');

-- a column of a state type keeps the extension from being dropped
CREATE TABLE tf_keeps (st trade_share_state);
SELECT throws_ok('DROP EXTENSION tradeflow', '2BP01', NULL,
				 'DROP EXTENSION refuses while a column has a tradeflow type');
SELECT lives_ok('DROP EXTENSION tradeflow CASCADE', 'DROP EXTENSION ... CASCADE');
SELECT hasnt_column('tf_keeps', 'st', 'CASCADE dropped the column');
SELECT is_empty($$SELECT typname FROM pg_type WHERE typname ~ '^_?(trade_share_state|partner_totals|trade_profile)$'$$,
				'no type with a tradeflow name is left after CASCADE');

--
-- another schema, relocation
--

CREATE SCHEMA tf_elsewhere;
CREATE SCHEMA tf_moved;
SET LOCAL search_path = public;

SELECT lives_ok('CREATE EXTENSION tradeflow SCHEMA tf_elsewhere', 'CREATE EXTENSION tradeflow SCHEMA tf_elsewhere');
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace = 'tf_elsewhere'::regnamespace),
		  (SELECT count(*) FROM tf_first WHERE signature LIKE '%(%'),
		  'every function is in schema tf_elsewhere');
SELECT results_eq($$
	SELECT tf_elsewhere.trade_share(v) OVER (), tf_elsewhere.rank_partner(v) OVER (),
		   tf_elsewhere.pct_change(v) OVER (ORDER BY i), tf_elsewhere.pct_change(v, p, '1 month') OVER (),
		   tf_elsewhere.trade_share(v, i = 1) OVER (), tf_elsewhere.rank_partner(i::text, v, '2') OVER ()
	FROM tf_sample ORDER BY i
$$, 'SELECT * FROM tf_sample_want()', 'in a schema off the search_path the functions work, schema-qualified');
SELECT is(tf_elsewhere.trade_share_final(
			  tf_elsewhere.trade_share_transfn(NULL, 2.0, true)::text::tf_elsewhere.trade_share_state),
		  1::float8, 'a state cast from text in a schema off the search_path');

SELECT lives_ok('ALTER EXTENSION tradeflow SET SCHEMA tf_moved', 'ALTER EXTENSION tradeflow SET SCHEMA (relocatable)');
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace = 'tf_moved'::regnamespace),
		  (SELECT count(*) FROM tf_first WHERE signature LIKE '%(%'),
		  'every function moved to schema tf_moved');
SELECT results_eq($$
	SELECT tf_moved.trade_share(v) OVER (), tf_moved.rank_partner(v) OVER (),
		   tf_moved.pct_change(v) OVER (ORDER BY i), tf_moved.pct_change(v, p, '1 month') OVER (),
		   tf_moved.trade_share(v, i = 1) OVER (), tf_moved.rank_partner(i::text, v, '2') OVER ()
	FROM tf_sample ORDER BY i
$$, 'SELECT * FROM tf_sample_want()', 'after ALTER EXTENSION ... SET SCHEMA the functions work');

SELECT lives_ok('DROP EXTENSION tradeflow', 'DROP EXTENSION tradeflow from schema tf_moved');
SELECT is_empty($$SELECT oid::regprocedure FROM pg_proc
				  WHERE proname IN ('pct_change', 'trade_share', 'rank_partner', 'trade_profile', 'rollup',
									'total', 'partner_count', 'partner_value', 'top_partners', 'hhi', 'contributions')
					 OR proname ~ '^(trade_share|rank_partner|partner_totals|trade_profile)_'$$,
				'no function with a tradeflow name is left');

SELECT * FROM finish();
ROLLBACK;
