/*
 * tradeflow--0.1--0.2.sql: partner profiles, stored and asked again
 *
 * Version 0.2 is installed as tradeflow--0.1.sql followed by this script
 * (CREATE EXTENSION finds the path), so every object is declared once: the
 * objects of 0.1 there, the ones 0.2 adds here.  Like the install script,
 * it is written by hand, one overload at a time, with plain CREATE and a
 * COMMENT ON; test/02_catalog.sql lists every overload and fails on one
 * missing or extra (see the header of tradeflow--0.1.sql).
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION tradeflow UPDATE TO '0.2'" to load this file. \quit

--
-- trade_profile: one group's exact total per partner.  Its text form is a
-- JSON object (version, kind of totals, type of partners, then each
-- partner's total in partner order); its binary form is the image of the
-- per-partner table.  Both are validated on input.
--

CREATE TYPE trade_profile;

CREATE FUNCTION trade_profile_in(cstring)
RETURNS trade_profile
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION trade_profile_out(trade_profile)
RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION trade_profile_recv(internal)
RETURNS trade_profile
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION trade_profile_send(trade_profile)
RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE trade_profile (
	INPUT = trade_profile_in,
	OUTPUT = trade_profile_out,
	RECEIVE = trade_profile_recv,
	SEND = trade_profile_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);

COMMENT ON TYPE trade_profile IS
'partner profile: one group''s exact total per partner, stored, combined with rollup() and asked with total(), trade_share(), rank_partner(), top_partners(), hhi(), pct_change() and contributions()';
COMMENT ON FUNCTION trade_profile_in(cstring) IS 'input function of type trade_profile';
COMMENT ON FUNCTION trade_profile_out(trade_profile) IS 'output function of type trade_profile';
COMMENT ON FUNCTION trade_profile_recv(internal) IS 'binary input function of type trade_profile';
COMMENT ON FUNCTION trade_profile_send(trade_profile) IS 'binary output function of type trade_profile';

--
-- Equality, order and hashing of the stored types, on their canonical form
-- (the binary image), so that DISTINCT, GROUP BY, UNION, ORDER BY and
-- indexes work on columns of them.  The order is fixed but has no meaning.
--

CREATE FUNCTION trade_profile_eq(trade_profile, trade_profile) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_profile_ne(trade_profile, trade_profile) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_profile_lt(trade_profile, trade_profile) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_profile_le(trade_profile, trade_profile) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_profile_gt(trade_profile, trade_profile) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_profile_ge(trade_profile, trade_profile) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_profile_cmp(trade_profile, trade_profile) RETURNS integer
AS 'MODULE_PATHNAME', 'tradeflow_image_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_profile_hash(trade_profile) RETURNS integer
AS 'MODULE_PATHNAME', 'tradeflow_image_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_profile_hash_extended(trade_profile, bigint) RETURNS bigint
AS 'MODULE_PATHNAME', 'tradeflow_image_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION trade_share_state_eq(trade_share_state, trade_share_state) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_share_state_ne(trade_share_state, trade_share_state) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_share_state_lt(trade_share_state, trade_share_state) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_share_state_le(trade_share_state, trade_share_state) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_share_state_gt(trade_share_state, trade_share_state) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_share_state_ge(trade_share_state, trade_share_state) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_share_state_cmp(trade_share_state, trade_share_state) RETURNS integer
AS 'MODULE_PATHNAME', 'tradeflow_image_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_share_state_hash(trade_share_state) RETURNS integer
AS 'MODULE_PATHNAME', 'tradeflow_image_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_share_state_hash_extended(trade_share_state, bigint) RETURNS bigint
AS 'MODULE_PATHNAME', 'tradeflow_image_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION partner_totals_eq(partner_totals, partner_totals) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION partner_totals_ne(partner_totals, partner_totals) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION partner_totals_lt(partner_totals, partner_totals) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION partner_totals_le(partner_totals, partner_totals) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION partner_totals_gt(partner_totals, partner_totals) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION partner_totals_ge(partner_totals, partner_totals) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION partner_totals_cmp(partner_totals, partner_totals) RETURNS integer
AS 'MODULE_PATHNAME', 'tradeflow_image_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION partner_totals_hash(partner_totals) RETURNS integer
AS 'MODULE_PATHNAME', 'tradeflow_image_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION partner_totals_hash_extended(partner_totals, bigint) RETURNS bigint
AS 'MODULE_PATHNAME', 'tradeflow_image_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION trade_profile_eq(trade_profile, trade_profile) IS 'equality of trade_profile values (operator =): the same partners with the same totals';
COMMENT ON FUNCTION trade_profile_ne(trade_profile, trade_profile) IS 'inequality of trade_profile values (operator <>)';
COMMENT ON FUNCTION trade_profile_lt(trade_profile, trade_profile) IS 'order of trade_profile values for sorting (operator <): fixed, of no meaning';
COMMENT ON FUNCTION trade_profile_le(trade_profile, trade_profile) IS 'order of trade_profile values for sorting (operator <=)';
COMMENT ON FUNCTION trade_profile_gt(trade_profile, trade_profile) IS 'order of trade_profile values for sorting (operator >)';
COMMENT ON FUNCTION trade_profile_ge(trade_profile, trade_profile) IS 'order of trade_profile values for sorting (operator >=)';
COMMENT ON FUNCTION trade_profile_cmp(trade_profile, trade_profile) IS 'btree support function of type trade_profile';
COMMENT ON FUNCTION trade_profile_hash(trade_profile) IS 'hash support function of type trade_profile';
COMMENT ON FUNCTION trade_profile_hash_extended(trade_profile, bigint) IS 'extended hash support function of type trade_profile';
COMMENT ON FUNCTION trade_share_state_eq(trade_share_state, trade_share_state) IS 'equality of trade_share_state values (operator =): the same totals';
COMMENT ON FUNCTION trade_share_state_ne(trade_share_state, trade_share_state) IS 'inequality of trade_share_state values (operator <>)';
COMMENT ON FUNCTION trade_share_state_lt(trade_share_state, trade_share_state) IS 'order of trade_share_state values for sorting (operator <): fixed, of no meaning';
COMMENT ON FUNCTION trade_share_state_le(trade_share_state, trade_share_state) IS 'order of trade_share_state values for sorting (operator <=)';
COMMENT ON FUNCTION trade_share_state_gt(trade_share_state, trade_share_state) IS 'order of trade_share_state values for sorting (operator >)';
COMMENT ON FUNCTION trade_share_state_ge(trade_share_state, trade_share_state) IS 'order of trade_share_state values for sorting (operator >=)';
COMMENT ON FUNCTION trade_share_state_cmp(trade_share_state, trade_share_state) IS 'btree support function of type trade_share_state';
COMMENT ON FUNCTION trade_share_state_hash(trade_share_state) IS 'hash support function of type trade_share_state';
COMMENT ON FUNCTION trade_share_state_hash_extended(trade_share_state, bigint) IS 'extended hash support function of type trade_share_state';
COMMENT ON FUNCTION partner_totals_eq(partner_totals, partner_totals) IS 'equality of partner_totals values (operator =): the same partners, totals and target';
COMMENT ON FUNCTION partner_totals_ne(partner_totals, partner_totals) IS 'inequality of partner_totals values (operator <>)';
COMMENT ON FUNCTION partner_totals_lt(partner_totals, partner_totals) IS 'order of partner_totals values for sorting (operator <): fixed, of no meaning';
COMMENT ON FUNCTION partner_totals_le(partner_totals, partner_totals) IS 'order of partner_totals values for sorting (operator <=)';
COMMENT ON FUNCTION partner_totals_gt(partner_totals, partner_totals) IS 'order of partner_totals values for sorting (operator >)';
COMMENT ON FUNCTION partner_totals_ge(partner_totals, partner_totals) IS 'order of partner_totals values for sorting (operator >=)';
COMMENT ON FUNCTION partner_totals_cmp(partner_totals, partner_totals) IS 'btree support function of type partner_totals';
COMMENT ON FUNCTION partner_totals_hash(partner_totals) IS 'hash support function of type partner_totals';
COMMENT ON FUNCTION partner_totals_hash_extended(partner_totals, bigint) IS 'extended hash support function of type partner_totals';

CREATE OPERATOR = (LEFTARG = trade_profile, RIGHTARG = trade_profile, FUNCTION = trade_profile_eq,
	COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR <> (LEFTARG = trade_profile, RIGHTARG = trade_profile, FUNCTION = trade_profile_ne,
	COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR < (LEFTARG = trade_profile, RIGHTARG = trade_profile, FUNCTION = trade_profile_lt,
	COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (LEFTARG = trade_profile, RIGHTARG = trade_profile, FUNCTION = trade_profile_le,
	COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR > (LEFTARG = trade_profile, RIGHTARG = trade_profile, FUNCTION = trade_profile_gt,
	COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR >= (LEFTARG = trade_profile, RIGHTARG = trade_profile, FUNCTION = trade_profile_ge,
	COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR = (LEFTARG = trade_share_state, RIGHTARG = trade_share_state, FUNCTION = trade_share_state_eq,
	COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR <> (LEFTARG = trade_share_state, RIGHTARG = trade_share_state, FUNCTION = trade_share_state_ne,
	COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR < (LEFTARG = trade_share_state, RIGHTARG = trade_share_state, FUNCTION = trade_share_state_lt,
	COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (LEFTARG = trade_share_state, RIGHTARG = trade_share_state, FUNCTION = trade_share_state_le,
	COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR > (LEFTARG = trade_share_state, RIGHTARG = trade_share_state, FUNCTION = trade_share_state_gt,
	COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR >= (LEFTARG = trade_share_state, RIGHTARG = trade_share_state, FUNCTION = trade_share_state_ge,
	COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR = (LEFTARG = partner_totals, RIGHTARG = partner_totals, FUNCTION = partner_totals_eq,
	COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR <> (LEFTARG = partner_totals, RIGHTARG = partner_totals, FUNCTION = partner_totals_ne,
	COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR < (LEFTARG = partner_totals, RIGHTARG = partner_totals, FUNCTION = partner_totals_lt,
	COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (LEFTARG = partner_totals, RIGHTARG = partner_totals, FUNCTION = partner_totals_le,
	COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR > (LEFTARG = partner_totals, RIGHTARG = partner_totals, FUNCTION = partner_totals_gt,
	COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR >= (LEFTARG = partner_totals, RIGHTARG = partner_totals, FUNCTION = partner_totals_ge,
	COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);

--
-- Statistics of state and profile columns for ANALYZE: NULLs and width
-- only.  The standard statistics would sort a sample of up to 30,000 values
-- with the btree order above, each comparison writing two images (over a
-- minute for 40,000 profiles), for a histogram no query can use.
--

CREATE FUNCTION trade_profile_analyze(internal) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_analyze' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_share_state_analyze(internal) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_analyze' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION partner_totals_analyze(internal) RETURNS boolean
AS 'MODULE_PATHNAME', 'tradeflow_image_analyze' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION trade_profile_analyze(internal) IS 'ANALYZE function of type trade_profile: the fraction of NULLs and the width';
COMMENT ON FUNCTION trade_share_state_analyze(internal) IS 'ANALYZE function of type trade_share_state: the fraction of NULLs and the width';
COMMENT ON FUNCTION partner_totals_analyze(internal) IS 'ANALYZE function of type partner_totals: the fraction of NULLs and the width';
ALTER TYPE trade_profile SET (ANALYZE = trade_profile_analyze);
ALTER TYPE trade_share_state SET (ANALYZE = trade_share_state_analyze);
ALTER TYPE partner_totals SET (ANALYZE = partner_totals_analyze);

CREATE OPERATOR CLASS trade_profile_ops DEFAULT FOR TYPE trade_profile USING btree AS
	OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
	FUNCTION 1 trade_profile_cmp(trade_profile, trade_profile);
CREATE OPERATOR CLASS trade_profile_hash_ops DEFAULT FOR TYPE trade_profile USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 trade_profile_hash(trade_profile),
	FUNCTION 2 trade_profile_hash_extended(trade_profile, bigint);
CREATE OPERATOR CLASS trade_share_state_ops DEFAULT FOR TYPE trade_share_state USING btree AS
	OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
	FUNCTION 1 trade_share_state_cmp(trade_share_state, trade_share_state);
CREATE OPERATOR CLASS trade_share_state_hash_ops DEFAULT FOR TYPE trade_share_state USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 trade_share_state_hash(trade_share_state),
	FUNCTION 2 trade_share_state_hash_extended(trade_share_state, bigint);
CREATE OPERATOR CLASS partner_totals_ops DEFAULT FOR TYPE partner_totals USING btree AS
	OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
	FUNCTION 1 partner_totals_cmp(partner_totals, partner_totals);
CREATE OPERATOR CLASS partner_totals_hash_ops DEFAULT FOR TYPE partner_totals USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 partner_totals_hash(partner_totals),
	FUNCTION 2 partner_totals_hash_extended(partner_totals, bigint);

--
-- The trade_profile and rollup aggregates.  The profile is their state:
-- the transition and combine functions change it in place inside an
-- aggregate, and the final function makes it canonical.
--

CREATE FUNCTION trade_profile_transfn(trade_profile, text, numeric) RETURNS trade_profile
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION trade_profile_transfn(trade_profile, text, double precision) RETURNS trade_profile
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION trade_profile_transfn(trade_profile, text, bigint) RETURNS trade_profile
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION trade_profile_transfn(trade_profile, text, integer) RETURNS trade_profile
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION trade_profile_transfn(trade_profile, bigint, numeric) RETURNS trade_profile
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION trade_profile_transfn(trade_profile, bigint, double precision) RETURNS trade_profile
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION trade_profile_transfn(trade_profile, bigint, bigint) RETURNS trade_profile
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION trade_profile_transfn(trade_profile, bigint, integer) RETURNS trade_profile
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- COST: merging two per-partner tables adds every partner of one to the
-- other; with the cost of the partial states' passage through Gather, a
-- parallel plan pays it once per group and worker, so that for many groups
-- (a profile per reporter and month) serial aggregation is faster, and the
-- planner, told the cost, chooses it; for few groups it still goes parallel.
CREATE FUNCTION trade_profile_combine(trade_profile, trade_profile) RETURNS trade_profile
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 1000;

-- the same for the per-partner states of the rank_partner aggregate
ALTER FUNCTION rank_partner_combine(partner_totals, partner_totals) COST 1000;

CREATE FUNCTION trade_profile_final(trade_profile) RETURNS trade_profile
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION trade_profile_transfn(trade_profile, text, numeric) IS 'transition function of the trade_profile aggregate';
COMMENT ON FUNCTION trade_profile_transfn(trade_profile, text, double precision) IS 'transition function of the trade_profile aggregate';
COMMENT ON FUNCTION trade_profile_transfn(trade_profile, text, bigint) IS 'transition function of the trade_profile aggregate';
COMMENT ON FUNCTION trade_profile_transfn(trade_profile, text, integer) IS 'transition function of the trade_profile aggregate';
COMMENT ON FUNCTION trade_profile_transfn(trade_profile, bigint, numeric) IS 'transition function of the trade_profile aggregate';
COMMENT ON FUNCTION trade_profile_transfn(trade_profile, bigint, double precision) IS 'transition function of the trade_profile aggregate';
COMMENT ON FUNCTION trade_profile_transfn(trade_profile, bigint, bigint) IS 'transition function of the trade_profile aggregate';
COMMENT ON FUNCTION trade_profile_transfn(trade_profile, bigint, integer) IS 'transition function of the trade_profile aggregate';
COMMENT ON FUNCTION trade_profile_combine(trade_profile, trade_profile) IS
'adds the totals of the second profile to the first''s, partner by partner: the combine function of the trade_profile and rollup aggregates and the transition function of rollup';
COMMENT ON FUNCTION trade_profile_final(trade_profile) IS
'final function of the trade_profile and rollup aggregates: the canonical profile';

CREATE AGGREGATE trade_profile(partner text, value numeric) (
	SFUNC = trade_profile_transfn, STYPE = trade_profile, FINALFUNC = trade_profile_final,
	COMBINEFUNC = trade_profile_combine, PARALLEL = SAFE);
CREATE AGGREGATE trade_profile(partner text, value double precision) (
	SFUNC = trade_profile_transfn, STYPE = trade_profile, FINALFUNC = trade_profile_final,
	COMBINEFUNC = trade_profile_combine, PARALLEL = SAFE);
CREATE AGGREGATE trade_profile(partner text, value bigint) (
	SFUNC = trade_profile_transfn, STYPE = trade_profile, FINALFUNC = trade_profile_final,
	COMBINEFUNC = trade_profile_combine, PARALLEL = SAFE);
CREATE AGGREGATE trade_profile(partner text, value integer) (
	SFUNC = trade_profile_transfn, STYPE = trade_profile, FINALFUNC = trade_profile_final,
	COMBINEFUNC = trade_profile_combine, PARALLEL = SAFE);
CREATE AGGREGATE trade_profile(partner bigint, value numeric) (
	SFUNC = trade_profile_transfn, STYPE = trade_profile, FINALFUNC = trade_profile_final,
	COMBINEFUNC = trade_profile_combine, PARALLEL = SAFE);
CREATE AGGREGATE trade_profile(partner bigint, value double precision) (
	SFUNC = trade_profile_transfn, STYPE = trade_profile, FINALFUNC = trade_profile_final,
	COMBINEFUNC = trade_profile_combine, PARALLEL = SAFE);
CREATE AGGREGATE trade_profile(partner bigint, value bigint) (
	SFUNC = trade_profile_transfn, STYPE = trade_profile, FINALFUNC = trade_profile_final,
	COMBINEFUNC = trade_profile_combine, PARALLEL = SAFE);
CREATE AGGREGATE trade_profile(partner bigint, value integer) (
	SFUNC = trade_profile_transfn, STYPE = trade_profile, FINALFUNC = trade_profile_final,
	COMBINEFUNC = trade_profile_combine, PARALLEL = SAFE);

CREATE AGGREGATE rollup(trade_profile) (
	SFUNC = trade_profile_combine, STYPE = trade_profile, FINALFUNC = trade_profile_final,
	COMBINEFUNC = trade_profile_combine, PARALLEL = SAFE);

COMMENT ON AGGREGATE trade_profile(text, numeric) IS 'partner profile of the group: each partner''s exact total of value';
COMMENT ON AGGREGATE trade_profile(text, double precision) IS 'partner profile of the group: each partner''s total of value';
COMMENT ON AGGREGATE trade_profile(text, bigint) IS 'partner profile of the group: each partner''s exact total of value';
COMMENT ON AGGREGATE trade_profile(text, integer) IS 'partner profile of the group: each partner''s exact total of value';
COMMENT ON AGGREGATE trade_profile(bigint, numeric) IS 'partner profile of the group: each partner''s exact total of value';
COMMENT ON AGGREGATE trade_profile(bigint, double precision) IS 'partner profile of the group: each partner''s total of value';
COMMENT ON AGGREGATE trade_profile(bigint, bigint) IS 'partner profile of the group: each partner''s exact total of value';
COMMENT ON AGGREGATE trade_profile(bigint, integer) IS 'partner profile of the group: each partner''s exact total of value';
COMMENT ON AGGREGATE rollup(trade_profile) IS 'adds the profiles of the group partner by partner: months into years, products into all goods, shards into the whole';

--
-- Accessors of a profile
--

CREATE FUNCTION total(profile trade_profile) RETURNS numeric
AS 'MODULE_PATHNAME', 'trade_profile_total' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION partner_count(profile trade_profile) RETURNS bigint
AS 'MODULE_PATHNAME', 'trade_profile_partner_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION partner_value(profile trade_profile, partner text) RETURNS numeric
AS 'MODULE_PATHNAME', 'trade_profile_partner_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION partner_value(profile trade_profile, partner bigint) RETURNS numeric
AS 'MODULE_PATHNAME', 'trade_profile_partner_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION trade_share(profile trade_profile, partner text) RETURNS double precision
AS 'MODULE_PATHNAME', 'trade_profile_share' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_share(profile trade_profile, partner bigint) RETURNS double precision
AS 'MODULE_PATHNAME', 'trade_profile_share' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_share(profile trade_profile, partners text[]) RETURNS double precision
AS 'MODULE_PATHNAME', 'trade_profile_share_group' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION trade_share(profile trade_profile, partners bigint[]) RETURNS double precision
AS 'MODULE_PATHNAME', 'trade_profile_share_group' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rank_partner(profile trade_profile, partner text) RETURNS bigint
AS 'MODULE_PATHNAME', 'trade_profile_rank' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rank_partner(profile trade_profile, partner bigint) RETURNS bigint
AS 'MODULE_PATHNAME', 'trade_profile_rank' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION top_partners(profile trade_profile, n integer,
	OUT rank bigint, OUT partner text, OUT value numeric, OUT share double precision)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'trade_profile_top_partners' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
ROWS 10;

CREATE FUNCTION hhi(profile trade_profile, normalized boolean DEFAULT false) RETURNS double precision
AS 'MODULE_PATHNAME', 'trade_profile_hhi' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION pct_change(previous trade_profile, current trade_profile) RETURNS double precision
AS 'MODULE_PATHNAME', 'trade_profile_pct_change' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION contributions(previous trade_profile, current trade_profile,
	OUT partner text, OUT previous_value numeric, OUT current_value numeric,
	OUT change double precision, OUT contribution double precision)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'trade_profile_contributions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
ROWS 100;

COMMENT ON FUNCTION total(trade_profile) IS 'total of every partner of the profile; NULL for an empty profile';
COMMENT ON FUNCTION partner_count(trade_profile) IS 'number of partners in the profile';
COMMENT ON FUNCTION partner_value(trade_profile, text) IS 'total of the partner; NULL when the profile has no such partner';
COMMENT ON FUNCTION partner_value(trade_profile, bigint) IS 'total of the partner; NULL when the profile has no such partner';
COMMENT ON FUNCTION trade_share(trade_profile, text) IS 'share of the partner in the profile''s total; 0 when it is absent, NULL when the total is zero';
COMMENT ON FUNCTION trade_share(trade_profile, bigint) IS 'share of the partner in the profile''s total; 0 when it is absent, NULL when the total is zero';
COMMENT ON FUNCTION trade_share(trade_profile, text[]) IS 'share of a group of partners (each counted once) in the profile''s total; NULL when the total is zero';
COMMENT ON FUNCTION trade_share(trade_profile, bigint[]) IS 'share of a group of partners (each counted once) in the profile''s total; NULL when the total is zero';
COMMENT ON FUNCTION rank_partner(trade_profile, text) IS 'rank of the partner by total, largest first, ties share the lowest rank; NULL when it is absent';
COMMENT ON FUNCTION rank_partner(trade_profile, bigint) IS 'rank of the partner by total, largest first, ties share the lowest rank; NULL when it is absent';
COMMENT ON FUNCTION top_partners(trade_profile, integer) IS 'rank, partner, value and share of the partners ranked n or better (ties at the edge included)';
COMMENT ON FUNCTION hhi(trade_profile, boolean) IS 'Herfindahl-Hirschman index of the partners'' shares (0 to 1); normalized: (H - 1/n) / (1 - 1/n) over the n partners';
COMMENT ON FUNCTION pct_change(trade_profile, trade_profile) IS 'change of the total from the previous profile to the current one, as a fraction; NULL when the previous total is zero';
COMMENT ON FUNCTION contributions(trade_profile, trade_profile) IS 'for each partner of either profile: previous and current totals, its change, and its contribution to the change of the total (they add up to pct_change)';

--
-- The trade_share aggregate: a part with no rows in a group whose total is
-- not zero has share 0 (was NULL in 0.1).
--

COMMENT ON AGGREGATE trade_share(numeric, boolean) IS
'total of the rows where is_part is true divided by the total of all rows; 0 when no row is part, NULL when the total is zero';
COMMENT ON AGGREGATE trade_share(double precision, boolean) IS
'total of the rows where is_part is true divided by the total of all rows; 0 when no row is part, NULL when the total is zero';
COMMENT ON AGGREGATE trade_share(bigint, boolean) IS
'total of the rows where is_part is true divided by the total of all rows; 0 when no row is part, NULL when the total is zero';
COMMENT ON AGGREGATE trade_share(integer, boolean) IS
'total of the rows where is_part is true divided by the total of all rows; 0 when no row is part, NULL when the total is zero';

--
-- pct_change: the step as text (what drivers and BI tools send for '1 month':
-- JDBC setString, Metabase text variables; varchar arguments take it through
-- the implicit cast to text), parsed once per call site.  STABLE: interval
-- input depends on IntervalStyle.
--

CREATE FUNCTION pct_change(value numeric, period date, step text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;
CREATE FUNCTION pct_change(value double precision, period date, step text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;
CREATE FUNCTION pct_change(value bigint, period date, step text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;
CREATE FUNCTION pct_change(value numeric, period timestamp, step text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;
CREATE FUNCTION pct_change(value double precision, period timestamp, step text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;
CREATE FUNCTION pct_change(value bigint, period timestamp, step text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;
CREATE FUNCTION pct_change(value numeric, period timestamptz, step text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;
CREATE FUNCTION pct_change(value double precision, period timestamptz, step text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;
CREATE FUNCTION pct_change(value bigint, period timestamptz, step text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;

COMMENT ON FUNCTION pct_change(numeric, date, text) IS
'window function: change from the row of the same partition whose period is exactly period - step (step as text, such as ''1 month''), as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(double precision, date, text) IS
'window function: change from the row of the same partition whose period is exactly period - step (step as text, such as ''1 month''), as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(bigint, date, text) IS
'window function: change from the row of the same partition whose period is exactly period - step (step as text, such as ''1 month''), as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(numeric, timestamp, text) IS
'window function: change from the row of the same partition whose period is exactly period - step (step as text, such as ''1 month''), as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(double precision, timestamp, text) IS
'window function: change from the row of the same partition whose period is exactly period - step (step as text, such as ''1 month''), as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(bigint, timestamp, text) IS
'window function: change from the row of the same partition whose period is exactly period - step (step as text, such as ''1 month''), as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(numeric, timestamptz, text) IS
'window function: change from the row of the same partition whose period is exactly period - step (step as text, such as ''1 month''), in the session''s time zone, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(double precision, timestamptz, text) IS
'window function: change from the row of the same partition whose period is exactly period - step (step as text, such as ''1 month''), in the session''s time zone, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(bigint, timestamptz, text) IS
'window function: change from the row of the same partition whose period is exactly period - step (step as text, such as ''1 month''), in the session''s time zone, as a fraction; NULL where that period is missing';

--
-- pct_change over timestamptz periods in a named time zone: the calendar
-- arithmetic happens in time_zone, not in the session's TimeZone, so the
-- answer does not depend on who runs the query (a materialized view's
-- refresh, a BI tool's report time zone).  IMMUTABLE with an interval step.
--

CREATE FUNCTION pct_change(value numeric, period timestamptz, step interval, time_zone text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION pct_change(value double precision, period timestamptz, step interval, time_zone text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION pct_change(value bigint, period timestamptz, step interval, time_zone text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION pct_change(value numeric, period timestamptz, step text, time_zone text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;
CREATE FUNCTION pct_change(value double precision, period timestamptz, step text, time_zone text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;
CREATE FUNCTION pct_change(value bigint, period timestamptz, step text, time_zone text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;

COMMENT ON FUNCTION pct_change(numeric, timestamptz, interval, text) IS
'window function: change from the row of the same partition whose period is exactly period - step in the calendar of time_zone, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(double precision, timestamptz, interval, text) IS
'window function: change from the row of the same partition whose period is exactly period - step in the calendar of time_zone, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(bigint, timestamptz, interval, text) IS
'window function: change from the row of the same partition whose period is exactly period - step in the calendar of time_zone, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(numeric, timestamptz, text, text) IS
'window function: change from the row of the same partition whose period is exactly period - step (step as text) in the calendar of time_zone, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(double precision, timestamptz, text, text) IS
'window function: change from the row of the same partition whose period is exactly period - step (step as text) in the calendar of time_zone, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(bigint, timestamptz, text, text) IS
'window function: change from the row of the same partition whose period is exactly period - step (step as text) in the calendar of time_zone, as a fraction; NULL where that period is missing';
