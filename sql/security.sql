--
-- Security: tradeflow is a trusted extension.  Its functions are pure
-- computations in C, SECURITY INVOKER, PARALLEL SAFE, with no SQL bodies
-- and no configuration of their own; its install script uses plain CREATE;
-- a non-superuser with CREATE on the database installs and uses it; objects
-- planted in the target schema make the installation fail; hostile objects
-- on the search_path change nothing the functions do, and calls made with
-- the declared types or qualified; an unqualified call whose argument types
-- another schema on the path matches better resolves to that schema's
-- function, as any PostgreSQL function call does.
--
CREATE EXTENSION tradeflow;

--
-- The catalog
--
SELECT name, version, superuser, trusted, relocatable
FROM pg_available_extension_versions WHERE name = 'tradeflow';

CREATE TEMP TABLE members AS
SELECT p.oid, p.oid::regprocedure::text AS signature, p.prokind, l.lanname, p.prosecdef,
	   p.proparallel, p.proconfig, p.proleakproof, p.proowner
FROM pg_proc AS p
	 JOIN pg_language AS l ON l.oid = p.prolang
	 JOIN pg_depend AS d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
WHERE d.refclassid = 'pg_extension'::regclass
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'tradeflow');

-- by kind and language: C functions and aggregates, none in SQL or PL/pgSQL
-- (so there is no function body whose names a search_path could redirect)
SELECT prokind, lanname, count(*) AS functions,
	   count(*) FILTER (WHERE prosecdef) AS security_definer,
	   count(*) FILTER (WHERE proparallel <> 's') AS not_parallel_safe,
	   count(*) FILTER (WHERE proconfig IS NOT NULL) AS with_settings
FROM members GROUP BY prokind, lanname ORDER BY prokind, lanname;
SELECT signature FROM members WHERE prosecdef OR proparallel <> 's' OR proconfig IS NOT NULL OR proleakproof;

-- the install scripts: the psql guard, plain CREATE, nothing that changes
-- privileges or settings.  They are read where the server found the
-- extension: its share directory, or, when Debian's extension_destdir is set
-- (a package's tests before it is installed), that directory below it first
SELECT f AS script,
	   s ~ '\\echo Use "(CREATE EXTENSION tradeflow|ALTER EXTENSION tradeflow UPDATE[^"]*)"[^\n]*\\quit' AS has_guard,
	   (SELECT count(*) FROM regexp_matches(s, 'create\s+or\s+replace', 'gi')) AS create_or_replace,
	   (SELECT count(*) FROM regexp_matches(s, 'security\s+definer', 'gi')) AS security_definer,
	   (SELECT count(*) FROM regexp_matches(s, '\m(language\s+(sql|plpgsql)|begin\s+atomic)\M', 'gi')) AS sql_bodies,
	   (SELECT count(*) FROM regexp_matches(s, '\m(set\s+search_path|set_config|grant|revoke|alter\s+(role|system|default))\M', 'gi')) AS settings_or_grants,
	   (SELECT count(*) FROM regexp_matches(s, '^CREATE (FUNCTION|TYPE|AGGREGATE)', 'gn')) AS creates
FROM (SELECT d.dir
	  FROM (SELECT setting || '/extension' AS dir FROM pg_config WHERE name = 'SHAREDIR') AS s,
		   LATERAL (VALUES (1, coalesce(current_setting('extension_destdir', true), '') || s.dir),
						   (2, s.dir)) AS d(preference, dir)
	  WHERE (pg_stat_file(d.dir || '/tradeflow.control', true)).size IS NOT NULL
	  ORDER BY d.preference LIMIT 1) AS c,
	 pg_ls_dir(c.dir) AS f,
	 pg_read_file(c.dir || '/' || f) AS s
WHERE f ~ '^tradeflow--.*\.sql$'
ORDER BY f;

DROP EXTENSION tradeflow;

--
-- A non-superuser installs and uses it
--
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_tradeflow_owner;
DROP ROLE IF EXISTS regress_tradeflow_other;
DROP ROLE IF EXISTS regress_tradeflow_plain;
RESET client_min_messages;
CREATE ROLE regress_tradeflow_owner;
CREATE ROLE regress_tradeflow_other;
CREATE ROLE regress_tradeflow_plain;
SELECT format('GRANT CREATE ON DATABASE %I TO regress_tradeflow_owner, regress_tradeflow_other',
			  current_database()) \gexec

-- without CREATE on the database: not allowed
SET ROLE regress_tradeflow_plain;
CREATE EXTENSION tradeflow;
RESET ROLE;

-- with it: installed, owned by the user, its objects owned by the bootstrap
-- superuser (so the user cannot alter them)
SET ROLE regress_tradeflow_owner;
CREATE SCHEMA tf;
CREATE EXTENSION tradeflow SCHEMA tf;
SELECT e.extname, e.extowner::regrole AS owner, e.extnamespace::regnamespace AS schema,
	   (SELECT bool_and(p.proowner = 10) FROM pg_proc AS p
		JOIN pg_depend AS d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
		WHERE d.refobjid = e.oid) AS functions_owned_by_bootstrap_superuser
FROM pg_extension AS e WHERE e.extname = 'tradeflow';
ALTER FUNCTION tf.pct_change(numeric, numeric) SECURITY DEFINER;
ALTER FUNCTION tf.pct_change(numeric, numeric) SET search_path = public;
CREATE OR REPLACE FUNCTION tf.pct_change(previous numeric, current numeric) RETURNS double precision
LANGUAGE sql AS 'SELECT 42::float8';
GRANT USAGE ON SCHEMA tf TO PUBLIC;

-- the data every result below is computed from
CREATE TABLE tf.flows (id int, reporter text, partner text, partner_no bigint, target text, target_no bigint,
					   period date, ts timestamp, tstz timestamptz, step interval, v_num numeric, v_f8 float8,
					   v_big bigint, v_int int, prev_num numeric, prev_f8 float8, prev_big bigint, is_part boolean);
SET TimeZone = 'UTC';
INSERT INTO tf.flows
SELECT g, 'R' || (g % 3), 'P' || (g % 5), g % 5, 'P2', 2, date '2020-01-01' + (g / 3) * interval '1 month',
	   timestamp '2020-01-01' + (g / 3) * interval '1 month', timestamptz '2020-01-01 00:00+00' + (g / 3) * interval '1 month',
	   '1 month', (g * 7 % 11) * 1.25, (g * 7 % 11) * 1.25, g * 7 % 11 * 1000000000000, g * 7 % 11,
	   g % 4, g % 4, g % 4, g % 2 = 0
FROM generate_series(1, 60) AS g;
GRANT SELECT ON tf.flows TO PUBLIC;
INSERT INTO tf.flows (id, reporter, partner, partner_no, target, target_no, period, ts, tstz, step, v_num, v_f8, v_big, v_int, is_part)
VALUES (61, 'R0', NULL, NULL, 'P2', 2, '2030-01-01', '2030-01-01', '2030-01-01 00:00+00', '1 month', NULL, NULL, NULL, NULL, true),
	   (62, 'R1', 'p2', 7, 'P2', 2, '2030-01-01', '2030-01-01', '2030-01-01 00:00+00', '1 month', 1e20, 'NaN', 0, 0, NULL);

-- every form, the support functions and the state types, in one query whose
-- text keeps the placeholder @ for the schema of the three functions; the
-- support functions are always called as tf.*
CREATE TEMP TABLE fingerprint (q text);
INSERT INTO fingerprint VALUES ($q$
SELECT 'rows' AS form, f.id AS id, NULL::text AS grp,
	   @pct_change(f.prev_num, f.v_num) AS r1, @pct_change(f.prev_f8, f.v_f8) AS r2, @pct_change(f.prev_big, f.v_big) AS r3,
	   @pct_change(f.v_num) OVER w AS r4, @pct_change(f.v_f8) OVER w AS r5, @pct_change(f.v_big) OVER w AS r6,
	   @pct_change(f.v_num, f.period, f.step) OVER p AS r7, @pct_change(f.v_f8, f.ts, f.step) OVER p AS r8,
	   @pct_change(f.v_big, f.tstz, f.step) OVER p AS r9,
	   @trade_share(f.v_num) OVER p AS r10, @trade_share(f.v_f8) OVER p AS r11, @trade_share(f.v_big) OVER p AS r12,
	   @trade_share(f.v_int) OVER p AS r13,
	   @rank_partner(f.v_num) OVER p::pg_catalog.float8 AS r14, @rank_partner(f.v_f8) OVER p::pg_catalog.float8 AS r15,
	   @rank_partner(f.v_big) OVER p::pg_catalog.float8 AS r16,
	   @trade_share(f.v_num, f.is_part) OVER w AS r17, @rank_partner(f.partner, f.v_big, f.target) OVER w::pg_catalog.float8 AS r18,
	   tf.trade_share_transfn(NULL, f.v_num, f.is_part)::pg_catalog.text::tf.trade_share_state::pg_catalog.text AS s1,
	   tf.rank_partner_transfn(NULL, f.partner_no, f.v_int, f.target_no)::pg_catalog.text::tf.partner_totals::pg_catalog.text AS s2
FROM tf.flows AS f
WINDOW p AS (PARTITION BY f.reporter), w AS (PARTITION BY f.reporter ORDER BY f.period, f.id)
UNION ALL
SELECT 'groups', NULL, f.reporter,
	   @trade_share(f.v_num, f.is_part), @trade_share(f.v_f8, f.is_part), @trade_share(f.v_big, f.is_part),
	   @trade_share(f.v_int, f.is_part),
	   @rank_partner(f.partner, f.v_num, f.target)::pg_catalog.float8, @rank_partner(f.partner, f.v_f8, f.target)::pg_catalog.float8,
	   @rank_partner(f.partner, f.v_big, f.target)::pg_catalog.float8, @rank_partner(f.partner, f.v_int, f.target)::pg_catalog.float8,
	   @rank_partner(f.partner_no, f.v_num, f.target_no)::pg_catalog.float8, @rank_partner(f.partner_no, f.v_f8, f.target_no)::pg_catalog.float8,
	   @rank_partner(f.partner_no, f.v_big, f.target_no)::pg_catalog.float8, @rank_partner(f.partner_no, f.v_int, f.target_no)::pg_catalog.float8,
	   tf.trade_share_final(tf.trade_share_combine(tf.trade_share_transfn(NULL, pg_catalog.min(f.v_num), true),
												   tf.trade_share_transfn(NULL, pg_catalog.max(f.v_num), false))),
	   tf.rank_partner_final(tf.rank_partner_combine(tf.rank_partner_transfn(NULL, 'a'::pg_catalog.text, pg_catalog.max(f.v_big), 'a'::pg_catalog.text),
													 tf.rank_partner_transfn(NULL, 'b'::pg_catalog.text, pg_catalog.min(f.v_big), 'a'::pg_catalog.text)))::pg_catalog.float8,
	   tf.trade_share_final(tf.trade_share_combine(NULL, tf.trade_share_transfn(NULL, pg_catalog.max(f.v_f8), true))),
	   tf.rank_partner_final(tf.rank_partner_transfn(NULL, pg_catalog.max(f.partner), pg_catalog.max(f.v_num), pg_catalog.max(f.partner)))::pg_catalog.float8,
	   NULL, NULL,
	   tf.trade_share_state_send(tf.trade_share_transfn(NULL, pg_catalog.sum(f.v_big), true))::pg_catalog.text,
	   tf.partner_totals_send(tf.rank_partner_transfn(NULL, pg_catalog.max(f.partner), pg_catalog.sum(f.v_num), NULL))::pg_catalog.text
FROM tf.flows AS f GROUP BY f.reporter
$q$);
GRANT SELECT ON fingerprint TO PUBLIC;

SELECT format('CREATE TEMP TABLE %I AS %s', t, replace(q, '@', p))
FROM fingerprint,
	 (VALUES ('results_clean', 'tf.')) AS v(t, p) \gexec
SELECT count(*) AS rows, count(r7) AS changes_by_month, count(r18) AS ranks_by_target FROM results_clean;

-- another non-superuser uses it, with the same results, and cannot drop it
SET ROLE regress_tradeflow_other;
SELECT format('CREATE TEMP TABLE %I AS %s', t, replace(q, '@', p))
FROM fingerprint,
	 (VALUES ('results_other', 'tf.')) AS v(t, p) \gexec
GRANT SELECT ON results_other TO regress_tradeflow_owner;
DROP EXTENSION tradeflow;
SET ROLE regress_tradeflow_owner;
SELECT (SELECT count(*) FROM (TABLE results_clean EXCEPT ALL TABLE results_other) AS x) +
	   (SELECT count(*) FROM (TABLE results_other EXCEPT ALL TABLE results_clean) AS x) AS differences;

--
-- An object planted in the schema the extension is installed into makes
-- the installation fail (CREATE, never CREATE OR REPLACE), and stays as it
-- was
--
SET ROLE regress_tradeflow_other;
CREATE SCHEMA planted;
CREATE FUNCTION planted.trade_share_final(anyelement) RETURNS double precision
LANGUAGE sql AS 'SELECT 42::float8';
CREATE FUNCTION planted.pct_change(previous numeric, current numeric) RETURNS double precision
LANGUAGE sql AS 'SELECT 42::float8';
GRANT USAGE, CREATE ON SCHEMA planted TO regress_tradeflow_owner;
SET ROLE regress_tradeflow_owner;
DROP EXTENSION tradeflow;
CREATE EXTENSION tradeflow SCHEMA planted;
SELECT p.oid::regprocedure AS planted, p.proowner::regrole AS owner, l.lanname
FROM pg_proc AS p JOIN pg_language AS l ON l.oid = p.prolang
WHERE p.pronamespace = 'planted'::regnamespace ORDER BY p.oid::regprocedure::text;
SELECT count(*) AS tradeflow_installed FROM pg_extension WHERE extname = 'tradeflow';

--
-- Hostile objects on the search_path: another user's schema, placed first,
-- with its own sum, arithmetic and comparison operators, cast-like
-- functions, functions named like the PostgreSQL functions tradeflow calls
-- internally and like tradeflow's own support functions (over types of the
-- same names, then over tradeflow's types).  Installing tradeflow with that
-- search_path and using it through it gives the results of a clean one.
--
SET ROLE regress_tradeflow_other;
CREATE SCHEMA hostile;
GRANT USAGE ON SCHEMA hostile TO PUBLIC;
SET search_path = hostile, pg_catalog;
CREATE FUNCTION hostile.wrong_numeric(numeric, numeric) RETURNS numeric LANGUAGE sql AS 'SELECT 42::pg_catalog.numeric';
CREATE FUNCTION hostile.wrong_float8(float8, float8) RETURNS float8 LANGUAGE sql AS 'SELECT 42::pg_catalog.float8';
CREATE FUNCTION hostile.wrong_bigint(bigint, bigint) RETURNS bigint LANGUAGE sql AS 'SELECT 42::pg_catalog.int8';
CREATE FUNCTION hostile.wrong_date(date, interval) RETURNS timestamp LANGUAGE sql AS $$SELECT '2000-01-01'::pg_catalog.timestamp$$;
SELECT format('CREATE OPERATOR hostile.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = hostile.%s)', o, t, t, f)
FROM unnest(ARRAY['+', '-', '*', '/']) AS o,
	 (VALUES ('numeric', 'wrong_numeric'), ('double precision', 'wrong_float8'), ('bigint', 'wrong_bigint')) AS v(t, f) \gexec
SELECT format('CREATE FUNCTION hostile.wrong_compare(%s, %s) RETURNS boolean LANGUAGE sql AS %L', t, t, 'SELECT true')
FROM unnest(ARRAY['numeric', 'double precision', 'bigint', 'integer', 'text', 'date', 'interval']) AS t \gexec
SELECT format('CREATE OPERATOR hostile.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = hostile.wrong_compare)', o, t, t)
FROM unnest(ARRAY['=', '<>', '<', '>', '<=', '>=']) AS o,
	 unnest(ARRAY['numeric', 'double precision', 'bigint', 'integer', 'text', 'date', 'interval']) AS t \gexec
CREATE OPERATOR hostile.- (LEFTARG = date, RIGHTARG = interval, FUNCTION = hostile.wrong_date);
CREATE AGGREGATE hostile.sum(numeric) (SFUNC = hostile.wrong_numeric, STYPE = numeric, INITCOND = '42');
CREATE AGGREGATE hostile.sum(double precision) (SFUNC = hostile.wrong_float8, STYPE = float8, INITCOND = '42');
CREATE AGGREGATE hostile.sum(bigint) (SFUNC = hostile.wrong_bigint, STYPE = bigint, INITCOND = '42');
CREATE FUNCTION hostile."numeric"(bigint) RETURNS numeric LANGUAGE sql AS 'SELECT 42::pg_catalog.numeric';
CREATE FUNCTION hostile.float8(numeric) RETURNS float8 LANGUAGE sql AS 'SELECT 42::pg_catalog.float8';
CREATE FUNCTION hostile.int8(numeric) RETURNS bigint LANGUAGE sql AS 'SELECT 42::pg_catalog.int8';
SELECT format('CREATE FUNCTION hostile.%s RETURNS %s LANGUAGE sql AS %L', f, r, 'SELECT NULL::' || r)
FROM (VALUES ('numeric_add(numeric, numeric)', 'numeric'), ('numeric_sub(numeric, numeric)', 'numeric'),
			 ('numeric_cmp(numeric, numeric)', 'integer'), ('numeric_float8(numeric)', 'double precision'),
			 ('float8pl(float8, float8)', 'double precision'), ('float8mi(float8, float8)', 'double precision'),
			 ('float8div(float8, float8)', 'double precision'), ('btfloat8cmp(float8, float8)', 'integer'),
			 ('date_mi_interval(date, interval)', 'timestamp'),
			 ('timestamp_mi_interval(timestamp, interval)', 'timestamp'),
			 ('timestamptz_mi_interval(timestamptz, interval)', 'timestamptz'),
			 ('interval_gt(interval, interval)', 'boolean'), ('hash_bytes(bytea)', 'integer')) AS v(f, r) \gexec
-- types named like tradeflow's, with support functions over them
CREATE TYPE hostile.trade_share_state AS (part numeric, whole numeric);
CREATE TYPE hostile.partner_totals AS (partner text, total numeric);
CREATE FUNCTION hostile.trade_share_transfn(hostile.trade_share_state, numeric, boolean) RETURNS hostile.trade_share_state
LANGUAGE sql AS 'SELECT ROW(42, 1)::hostile.trade_share_state';
CREATE FUNCTION hostile.trade_share_final(hostile.trade_share_state) RETURNS double precision
LANGUAGE sql AS 'SELECT 42::pg_catalog.float8';
CREATE FUNCTION hostile.rank_partner_final(hostile.partner_totals) RETURNS bigint
LANGUAGE sql AS 'SELECT 42::pg_catalog.int8';

-- the owner installs tradeflow with the hostile schema first on its path
SET ROLE regress_tradeflow_owner;
SET search_path = hostile, pg_catalog, tf;
CREATE EXTENSION tradeflow SCHEMA tf;
-- every aggregate and type is bound to tradeflow's own functions
SELECT count(*) AS aggregates,
	   count(*) FILTER (WHERE s.pronamespace = 'tf'::regnamespace AND c.pronamespace = 'tf'::regnamespace
						AND fn.pronamespace = 'tf'::regnamespace
						AND a.aggtranstype IN (SELECT oid FROM pg_type WHERE typnamespace = 'tf'::regnamespace))
	   AS bound_to_tf
FROM pg_aggregate AS a
	 JOIN pg_proc AS ag ON ag.oid = a.aggfnoid AND ag.pronamespace = 'tf'::regnamespace
	 JOIN pg_proc AS s ON s.oid = a.aggtransfn
	 JOIN pg_proc AS c ON c.oid = a.aggcombinefn
	 JOIN pg_proc AS fn ON fn.oid = a.aggfinalfn;
SELECT t.typname, count(*) FILTER (WHERE p.pronamespace = 'tf'::regnamespace) AS io_functions_in_tf
FROM pg_type AS t
	 JOIN pg_proc AS p ON p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend)
WHERE t.typnamespace = 'tf'::regnamespace AND t.typtype = 'b' AND t.typcategory <> 'A'
GROUP BY t.typname ORDER BY t.typname;

-- then the hostile user adds support-function lookalikes over tradeflow's types
SET ROLE regress_tradeflow_other;
SET search_path = hostile, pg_catalog;
SELECT format('CREATE FUNCTION hostile.%s(%s) RETURNS %s LANGUAGE sql AS %L', f, a, r, 'SELECT ' || v)
FROM (VALUES ('trade_share_transfn', 'tf.trade_share_state, numeric, boolean', 'tf.trade_share_state', 'NULL::tf.trade_share_state'),
			 ('trade_share_transfn', 'tf.trade_share_state, double precision, boolean', 'tf.trade_share_state', 'NULL::tf.trade_share_state'),
			 ('trade_share_transfn', 'tf.trade_share_state, bigint, boolean', 'tf.trade_share_state', 'NULL::tf.trade_share_state'),
			 ('trade_share_transfn', 'tf.trade_share_state, integer, boolean', 'tf.trade_share_state', 'NULL::tf.trade_share_state'),
			 ('trade_share_combine', 'tf.trade_share_state, tf.trade_share_state', 'tf.trade_share_state', '$2'),
			 ('trade_share_final', 'tf.trade_share_state', 'double precision', '42::pg_catalog.float8'),
			 ('trade_share_state_send', 'tf.trade_share_state', 'bytea', '''\x42''::pg_catalog.bytea'),
			 ('rank_partner_transfn', 'tf.partner_totals, text, numeric, text', 'tf.partner_totals', 'NULL::tf.partner_totals'),
			 ('rank_partner_transfn', 'tf.partner_totals, bigint, bigint, bigint', 'tf.partner_totals', 'NULL::tf.partner_totals'),
			 ('rank_partner_combine', 'tf.partner_totals, tf.partner_totals', 'tf.partner_totals', '$2'),
			 ('rank_partner_final', 'tf.partner_totals', 'bigint', '42::pg_catalog.int8'),
			 ('partner_totals_send', 'tf.partner_totals', 'bytea', '''\x42''::pg_catalog.bytea')) AS v(f, a, r, v) \gexec

-- the owner's results under three search_paths: clean; hostile first with
-- tradeflow on the path (the three functions called unqualified); hostile
-- first without tradeflow's schema (called as tf.*)
SET ROLE regress_tradeflow_owner;
RESET search_path;
SELECT format('CREATE TEMP TABLE %I AS %s', 'results_reinstalled', replace(q, '@', 'tf.')) FROM fingerprint \gexec
SET search_path = hostile, pg_catalog, tf;
-- the hostile operators and sum are in force here
SELECT 1::numeric + 1::numeric AS one_plus_one, sum(x) AS sum_of_1_and_2,
	   'a'::text = 'b'::text AS a_equals_b, date '2020-03-01' - interval '1 month' AS march_minus_a_month
FROM (VALUES (1::numeric), (2)) AS t(x);
-- and so is any function the user calls unqualified that the hostile
-- schema also has: qualify the support functions, or keep such schemas off
-- the search_path (PostgreSQL's advice for any function)
SELECT trade_share_final(tf.trade_share_transfn(NULL, 1::numeric, true)) AS unqualified_support_call,
	   tf.trade_share_final(tf.trade_share_transfn(NULL, 1::numeric, true)) AS qualified;
SELECT format('CREATE TEMP TABLE %I AS %s', 'results_hostile_on_path', replace(q, '@', '')) FROM fingerprint \gexec
SET search_path = hostile, pg_catalog;
SELECT format('CREATE TEMP TABLE %I AS %s', 'results_hostile_off_path', replace(q, '@', 'tf.')) FROM fingerprint \gexec
RESET search_path;
SELECT 'reinstalled' AS search_path, (SELECT count(*) FROM results_reinstalled) AS rows,
	   (SELECT count(*) FROM (TABLE results_clean EXCEPT ALL TABLE results_reinstalled) AS x) +
	   (SELECT count(*) FROM (TABLE results_reinstalled EXCEPT ALL TABLE results_clean) AS x) AS differences
UNION ALL
SELECT 'hostile first, tf on the path', (SELECT count(*) FROM results_hostile_on_path),
	   (SELECT count(*) FROM (TABLE results_clean EXCEPT ALL TABLE results_hostile_on_path) AS x) +
	   (SELECT count(*) FROM (TABLE results_hostile_on_path EXCEPT ALL TABLE results_clean) AS x)
UNION ALL
SELECT 'hostile first, tf off the path', (SELECT count(*) FROM results_hostile_off_path),
	   (SELECT count(*) FROM (TABLE results_clean EXCEPT ALL TABLE results_hostile_off_path) AS x) +
	   (SELECT count(*) FROM (TABLE results_hostile_off_path EXCEPT ALL TABLE results_clean) AS x);

--
-- A schema placed after tradeflow's on the search_path decides calls too:
-- PostgreSQL picks the best match among every function of that name on the
-- path, and an exact match of argument types beats tradeflow's signature
-- wherever it is.  Another role's pct_change(text, text) takes calls with
-- two string literals (which tradeflow refuses as ambiguous), and its
-- rank_partner(varchar, numeric, text) takes a varchar partner column
-- (tradeflow's signature takes text); both run as the caller.  Calls with
-- the types tradeflow declares, and schema-qualified calls, are unaffected.
-- Hence the rule in doc/security.md: no schema others can create objects in
-- on the search_path of a role that calls tradeflow, before or after its
-- schema.
--
SET ROLE regress_tradeflow_other;
CREATE SCHEMA capture;
GRANT USAGE ON SCHEMA capture TO PUBLIC;
CREATE FUNCTION capture.pct_change(previous text, current text) RETURNS double precision
LANGUAGE sql AS 'SELECT 42::pg_catalog.float8';
CREATE FUNCTION capture.rank_step(bigint, varchar, numeric, text) RETURNS bigint
LANGUAGE sql AS 'SELECT 42::pg_catalog.int8';
CREATE AGGREGATE capture.rank_partner(varchar, numeric, text) (SFUNC = capture.rank_step, STYPE = bigint);
SET ROLE regress_tradeflow_owner;
CREATE TEMP TABLE varchar_flows (partner varchar(3), code char(3), value numeric);
INSERT INTO varchar_flows VALUES ('P1', 'P1', 300), ('P2', 'P2', 200), ('P3', 'P3', 250);
SET search_path = tf, capture;
SELECT pct_change('100', '110') AS string_literals,
	   pct_change(100::numeric, 110::numeric) AS numeric_arguments,
	   tf.pct_change('100'::numeric, '110'::numeric) AS qualified;
SELECT rank_partner(partner, value, 'P3') AS varchar_partner,
	   rank_partner(partner::text, value, 'P3') AS text_partner,
	   rank_partner(code, value, 'P3') AS char_partner,
	   tf.rank_partner(partner, value, 'P3') AS qualified
FROM varchar_flows;
-- without that schema on the path, string literals are refused as ambiguous
SET search_path = tf;
SELECT pct_change('100', '110');
RESET search_path;

-- clean up
RESET ROLE;
RESET TimeZone;
SET client_min_messages = warning;
DROP EXTENSION tradeflow CASCADE;
DROP OWNED BY regress_tradeflow_owner, regress_tradeflow_other;
DROP ROLE regress_tradeflow_owner, regress_tradeflow_other, regress_tradeflow_plain;
RESET client_min_messages;
