/*
 * tradeflow--0.1.sql: changes, shares and ranks for customs tables
 *
 * This script is written by hand: every overload of every function and
 * aggregate (one per value type, period type and partner type) is declared
 * on its own, with plain CREATE and a COMMENT ON.  test/02_catalog.sql keeps
 * it in step: it lists every overload of the API (name, argument types,
 * kind, result) and compares the list with the extension's members in
 * pg_proc, so an overload missing here or one here that the list lacks
 * fails the test.  Add or remove an overload in both in the same commit
 * (and say it in the README's reference, which describes in words which
 * value types each function takes).
 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION tradeflow" to load this file. \quit

--
-- State types of the aggregates.  They are real types (not "internal"), so
-- Citus pushes partial aggregation down to its workers and combines the
-- states on the coordinator (it does not for a pseudo-type state).
-- postgres_fdw in PostgreSQL 15 pushes down whole aggregates only, never
-- partial ones, and only when the foreign server lists the extension
-- (OPTIONS (extensions 'tradeflow')).  Their text form is the hexadecimal
-- image of their binary form; both are validated byte by byte on input.
--

CREATE TYPE trade_share_state;

CREATE FUNCTION trade_share_state_in(cstring)
RETURNS trade_share_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION trade_share_state_out(trade_share_state)
RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION trade_share_state_recv(internal)
RETURNS trade_share_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION trade_share_state_send(trade_share_state)
RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE trade_share_state (
	INPUT = trade_share_state_in,
	OUTPUT = trade_share_state_out,
	RECEIVE = trade_share_state_recv,
	SEND = trade_share_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);

COMMENT ON TYPE trade_share_state IS
'state of the trade_share aggregate: exact totals of the part and of the whole';

CREATE TYPE partner_totals;

CREATE FUNCTION partner_totals_in(cstring)
RETURNS partner_totals
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION partner_totals_out(partner_totals)
RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION partner_totals_recv(internal)
RETURNS partner_totals
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION partner_totals_send(partner_totals)
RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE partner_totals (
	INPUT = partner_totals_in,
	OUTPUT = partner_totals_out,
	RECEIVE = partner_totals_recv,
	SEND = partner_totals_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);

COMMENT ON TYPE partner_totals IS
'state of the rank_partner aggregate: the exact total of each partner and the target partner';

COMMENT ON FUNCTION trade_share_state_in(cstring) IS 'input function of type trade_share_state';
COMMENT ON FUNCTION trade_share_state_out(trade_share_state) IS 'output function of type trade_share_state';
COMMENT ON FUNCTION trade_share_state_recv(internal) IS 'binary input function of type trade_share_state';
COMMENT ON FUNCTION trade_share_state_send(trade_share_state) IS 'binary output function of type trade_share_state';
COMMENT ON FUNCTION partner_totals_in(cstring) IS 'input function of type partner_totals';
COMMENT ON FUNCTION partner_totals_out(partner_totals) IS 'output function of type partner_totals';
COMMENT ON FUNCTION partner_totals_recv(internal) IS 'binary input function of type partner_totals';
COMMENT ON FUNCTION partner_totals_send(partner_totals) IS 'binary output function of type partner_totals';

--
-- pct_change: change between periods
--

-- scalar: current / previous - 1
CREATE FUNCTION pct_change(previous numeric, current numeric)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION pct_change(previous double precision, current double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION pct_change(previous bigint, current bigint)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pct_change(numeric, numeric) IS
'change from previous to current as a fraction (current / previous - 1); NULL when previous is zero';
COMMENT ON FUNCTION pct_change(double precision, double precision) IS
'change from previous to current as a fraction (current / previous - 1); NULL when previous is zero';
COMMENT ON FUNCTION pct_change(bigint, bigint) IS
'change from previous to current as a fraction (current / previous - 1); NULL when previous is zero';

-- window: change from the previous row of the window ordering
CREATE FUNCTION pct_change(value numeric)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_window' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION pct_change(value double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_window' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION pct_change(value bigint)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_window' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pct_change(numeric) IS
'window function: change from the previous row of the window ordering as a fraction; NULL on the first row and where the previous value is NULL or zero';
COMMENT ON FUNCTION pct_change(double precision) IS
'window function: change from the previous row of the window ordering as a fraction; NULL on the first row and where the previous value is NULL or zero';
COMMENT ON FUNCTION pct_change(bigint) IS
'window function: change from the previous row of the window ordering as a fraction; NULL on the first row and where the previous value is NULL or zero';

-- window, calendar-aware: change from the row whose period is period - step
CREATE FUNCTION pct_change(value numeric, period date, step interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION pct_change(value double precision, period date, step interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION pct_change(value bigint, period date, step interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION pct_change(value numeric, period timestamp, step interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION pct_change(value double precision, period timestamp, step interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION pct_change(value bigint, period timestamp, step interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

-- timestamptz arithmetic depends on the TimeZone setting, hence STABLE
CREATE FUNCTION pct_change(value numeric, period timestamptz, step interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;

CREATE FUNCTION pct_change(value double precision, period timestamptz, step interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;

CREATE FUNCTION pct_change(value bigint, period timestamptz, step interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pct_change_period' LANGUAGE C WINDOW STABLE PARALLEL SAFE;

COMMENT ON FUNCTION pct_change(numeric, date, interval) IS
'window function: change from the row of the same partition whose period is exactly period - step, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(double precision, date, interval) IS
'window function: change from the row of the same partition whose period is exactly period - step, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(bigint, date, interval) IS
'window function: change from the row of the same partition whose period is exactly period - step, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(numeric, timestamp, interval) IS
'window function: change from the row of the same partition whose period is exactly period - step, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(double precision, timestamp, interval) IS
'window function: change from the row of the same partition whose period is exactly period - step, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(bigint, timestamp, interval) IS
'window function: change from the row of the same partition whose period is exactly period - step, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(numeric, timestamptz, interval) IS
'window function: change from the row of the same partition whose period is exactly period - step, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(double precision, timestamptz, interval) IS
'window function: change from the row of the same partition whose period is exactly period - step, as a fraction; NULL where that period is missing';
COMMENT ON FUNCTION pct_change(bigint, timestamptz, interval) IS
'window function: change from the row of the same partition whose period is exactly period - step, as a fraction; NULL where that period is missing';

--
-- trade_share: a part's share of the whole
--

-- window: this row's value divided by the exact total of its partition
CREATE FUNCTION trade_share(value numeric)
RETURNS double precision
AS 'MODULE_PATHNAME', 'trade_share_window' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION trade_share(value double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'trade_share_window' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION trade_share(value bigint)
RETURNS double precision
AS 'MODULE_PATHNAME', 'trade_share_window' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION trade_share(value integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'trade_share_window' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION trade_share(numeric) IS
'window function: this row''s value divided by the total of its whole partition; NULL where the value is NULL or the total is zero';
COMMENT ON FUNCTION trade_share(double precision) IS
'window function: this row''s value divided by the total of its whole partition; NULL where the value is NULL or the total is zero';
COMMENT ON FUNCTION trade_share(bigint) IS
'window function: this row''s value divided by the total of its whole partition; NULL where the value is NULL or the total is zero';
COMMENT ON FUNCTION trade_share(integer) IS
'window function: this row''s value divided by the total of its whole partition; NULL where the value is NULL or the total is zero';

-- aggregate: total where is_part divided by the total of all rows
CREATE FUNCTION trade_share_transfn(trade_share_state, numeric, boolean)
RETURNS trade_share_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION trade_share_transfn(trade_share_state, double precision, boolean)
RETURNS trade_share_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION trade_share_transfn(trade_share_state, bigint, boolean)
RETURNS trade_share_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION trade_share_transfn(trade_share_state, integer, boolean)
RETURNS trade_share_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION trade_share_combine(trade_share_state, trade_share_state)
RETURNS trade_share_state
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION trade_share_final(trade_share_state)
RETURNS double precision
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION trade_share_transfn(trade_share_state, numeric, boolean) IS
'transition function of the trade_share aggregate';
COMMENT ON FUNCTION trade_share_transfn(trade_share_state, double precision, boolean) IS
'transition function of the trade_share aggregate';
COMMENT ON FUNCTION trade_share_transfn(trade_share_state, bigint, boolean) IS
'transition function of the trade_share aggregate';
COMMENT ON FUNCTION trade_share_transfn(trade_share_state, integer, boolean) IS
'transition function of the trade_share aggregate';
COMMENT ON FUNCTION trade_share_combine(trade_share_state, trade_share_state) IS
'combine function of the trade_share aggregate: adds two partial states';
COMMENT ON FUNCTION trade_share_final(trade_share_state) IS
'final function of the trade_share aggregate: the part''s total divided by the whole total';

CREATE AGGREGATE trade_share(value numeric, is_part boolean) (
	SFUNC = trade_share_transfn,
	STYPE = trade_share_state,
	FINALFUNC = trade_share_final,
	COMBINEFUNC = trade_share_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE trade_share(value double precision, is_part boolean) (
	SFUNC = trade_share_transfn,
	STYPE = trade_share_state,
	FINALFUNC = trade_share_final,
	COMBINEFUNC = trade_share_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE trade_share(value bigint, is_part boolean) (
	SFUNC = trade_share_transfn,
	STYPE = trade_share_state,
	FINALFUNC = trade_share_final,
	COMBINEFUNC = trade_share_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE trade_share(value integer, is_part boolean) (
	SFUNC = trade_share_transfn,
	STYPE = trade_share_state,
	FINALFUNC = trade_share_final,
	COMBINEFUNC = trade_share_combine,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE trade_share(numeric, boolean) IS
'total of the rows where is_part is true divided by the total of all rows; NULL when the part has no value or the total is zero';
COMMENT ON AGGREGATE trade_share(double precision, boolean) IS
'total of the rows where is_part is true divided by the total of all rows; NULL when the part has no value or the total is zero';
COMMENT ON AGGREGATE trade_share(bigint, boolean) IS
'total of the rows where is_part is true divided by the total of all rows; NULL when the part has no value or the total is zero';
COMMENT ON AGGREGATE trade_share(integer, boolean) IS
'total of the rows where is_part is true divided by the total of all rows; NULL when the part has no value or the total is zero';

--
-- rank_partner: where a partner stands
--

-- window: rank of this row's value in its partition, largest first
CREATE FUNCTION rank_partner(value numeric)
RETURNS bigint
AS 'MODULE_PATHNAME', 'rank_partner_window' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rank_partner(value double precision)
RETURNS bigint
AS 'MODULE_PATHNAME', 'rank_partner_window' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rank_partner(value bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'rank_partner_window' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rank_partner(numeric) IS
'window function: rank of this row''s value in its whole partition, largest first, ties share the lowest rank; NULL for NULL values';
COMMENT ON FUNCTION rank_partner(double precision) IS
'window function: rank of this row''s value in its whole partition, largest first, ties share the lowest rank; NULL for NULL values';
COMMENT ON FUNCTION rank_partner(bigint) IS
'window function: rank of this row''s value in its whole partition, largest first, ties share the lowest rank; NULL for NULL values';

-- aggregate: rank of target among the partners by summed value
CREATE FUNCTION rank_partner_transfn(partner_totals, text, numeric, text)
RETURNS partner_totals
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rank_partner_transfn(partner_totals, text, double precision, text)
RETURNS partner_totals
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rank_partner_transfn(partner_totals, text, bigint, text)
RETURNS partner_totals
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rank_partner_transfn(partner_totals, text, integer, text)
RETURNS partner_totals
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rank_partner_transfn(partner_totals, bigint, numeric, bigint)
RETURNS partner_totals
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rank_partner_transfn(partner_totals, bigint, double precision, bigint)
RETURNS partner_totals
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rank_partner_transfn(partner_totals, bigint, bigint, bigint)
RETURNS partner_totals
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rank_partner_transfn(partner_totals, bigint, integer, bigint)
RETURNS partner_totals
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rank_partner_combine(partner_totals, partner_totals)
RETURNS partner_totals
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION rank_partner_final(partner_totals)
RETURNS bigint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rank_partner_transfn(partner_totals, text, numeric, text) IS
'transition function of the rank_partner aggregate';
COMMENT ON FUNCTION rank_partner_transfn(partner_totals, text, double precision, text) IS
'transition function of the rank_partner aggregate';
COMMENT ON FUNCTION rank_partner_transfn(partner_totals, text, bigint, text) IS
'transition function of the rank_partner aggregate';
COMMENT ON FUNCTION rank_partner_transfn(partner_totals, text, integer, text) IS
'transition function of the rank_partner aggregate';
COMMENT ON FUNCTION rank_partner_transfn(partner_totals, bigint, numeric, bigint) IS
'transition function of the rank_partner aggregate';
COMMENT ON FUNCTION rank_partner_transfn(partner_totals, bigint, double precision, bigint) IS
'transition function of the rank_partner aggregate';
COMMENT ON FUNCTION rank_partner_transfn(partner_totals, bigint, bigint, bigint) IS
'transition function of the rank_partner aggregate';
COMMENT ON FUNCTION rank_partner_transfn(partner_totals, bigint, integer, bigint) IS
'transition function of the rank_partner aggregate';
COMMENT ON FUNCTION rank_partner_combine(partner_totals, partner_totals) IS
'combine function of the rank_partner aggregate: merges the partner totals of two partial states';
COMMENT ON FUNCTION rank_partner_final(partner_totals) IS
'final function of the rank_partner aggregate: the rank of the target partner by total value';

CREATE AGGREGATE rank_partner(partner text, value numeric, target text) (
	SFUNC = rank_partner_transfn,
	STYPE = partner_totals,
	FINALFUNC = rank_partner_final,
	COMBINEFUNC = rank_partner_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE rank_partner(partner text, value double precision, target text) (
	SFUNC = rank_partner_transfn,
	STYPE = partner_totals,
	FINALFUNC = rank_partner_final,
	COMBINEFUNC = rank_partner_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE rank_partner(partner text, value bigint, target text) (
	SFUNC = rank_partner_transfn,
	STYPE = partner_totals,
	FINALFUNC = rank_partner_final,
	COMBINEFUNC = rank_partner_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE rank_partner(partner text, value integer, target text) (
	SFUNC = rank_partner_transfn,
	STYPE = partner_totals,
	FINALFUNC = rank_partner_final,
	COMBINEFUNC = rank_partner_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE rank_partner(partner bigint, value numeric, target bigint) (
	SFUNC = rank_partner_transfn,
	STYPE = partner_totals,
	FINALFUNC = rank_partner_final,
	COMBINEFUNC = rank_partner_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE rank_partner(partner bigint, value double precision, target bigint) (
	SFUNC = rank_partner_transfn,
	STYPE = partner_totals,
	FINALFUNC = rank_partner_final,
	COMBINEFUNC = rank_partner_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE rank_partner(partner bigint, value bigint, target bigint) (
	SFUNC = rank_partner_transfn,
	STYPE = partner_totals,
	FINALFUNC = rank_partner_final,
	COMBINEFUNC = rank_partner_combine,
	PARALLEL = SAFE
);

CREATE AGGREGATE rank_partner(partner bigint, value integer, target bigint) (
	SFUNC = rank_partner_transfn,
	STYPE = partner_totals,
	FINALFUNC = rank_partner_final,
	COMBINEFUNC = rank_partner_combine,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE rank_partner(text, numeric, text) IS
'rank of target among the partners of the group by each partner''s summed value, largest first; NULL when target has no value';
COMMENT ON AGGREGATE rank_partner(text, double precision, text) IS
'rank of target among the partners of the group by each partner''s summed value, largest first; NULL when target has no value';
COMMENT ON AGGREGATE rank_partner(text, bigint, text) IS
'rank of target among the partners of the group by each partner''s summed value, largest first; NULL when target has no value';
COMMENT ON AGGREGATE rank_partner(text, integer, text) IS
'rank of target among the partners of the group by each partner''s summed value, largest first; NULL when target has no value';
COMMENT ON AGGREGATE rank_partner(bigint, numeric, bigint) IS
'rank of target among the partners of the group by each partner''s summed value, largest first; NULL when target has no value';
COMMENT ON AGGREGATE rank_partner(bigint, double precision, bigint) IS
'rank of target among the partners of the group by each partner''s summed value, largest first; NULL when target has no value';
COMMENT ON AGGREGATE rank_partner(bigint, bigint, bigint) IS
'rank of target among the partners of the group by each partner''s summed value, largest first; NULL when target has no value';
COMMENT ON AGGREGATE rank_partner(bigint, integer, bigint) IS
'rank of target among the partners of the group by each partner''s summed value, largest first; NULL when target has no value';
