-- test/upgrade/store.sql: what users of tradeflow 0.1 store, written by
-- the 0.1 build (test/upgrade.sh): the aggregates' states, as tables and
-- a materialized view hold them (each state as 0.1 laid it out in memory),
-- their text forms, and the answers 0.1 gave.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION tradeflow VERSION '0.1';
CREATE SCHEMA stored;
SET search_path = stored, public;

-- aggregates that return the states
CREATE AGGREGATE share_state(numeric, boolean) (sfunc = trade_share_transfn, stype = trade_share_state);
CREATE AGGREGATE share_state(double precision, boolean) (sfunc = trade_share_transfn, stype = trade_share_state);
CREATE AGGREGATE share_state(bigint, boolean) (sfunc = trade_share_transfn, stype = trade_share_state);
CREATE AGGREGATE totals_state(text, numeric, text) (sfunc = rank_partner_transfn, stype = partner_totals);
CREATE AGGREGATE totals_state(bigint, double precision, bigint) (sfunc = rank_partner_transfn, stype = partner_totals);
CREATE AGGREGATE totals_state(text, bigint, text) (sfunc = rank_partner_transfn, stype = partner_totals);

-- rows: groups with numeric totals of mixed scales, totals beyond 128 bits,
-- NULLs, partners longer than 8 bytes, bigint partners
CREATE TABLE rows AS
SELECT g % 7 AS grp,
	   'P' || (g % 13) || CASE WHEN g % 5 = 0 THEN ' with a long name' ELSE '' END AS partner,
	   (g % 13)::bigint AS code,
	   CASE WHEN g % 17 = 0 THEN 1e40 + g WHEN g % 11 = 0 THEN NULL
			ELSE round((g * 7.31)::numeric, g % 3) END AS v
FROM generate_series(1, 3000) AS g;

CREATE TABLE states AS
SELECT grp,
	   share_state(v, partner LIKE 'P1%') AS s_num,
	   share_state(v::float8, partner LIKE 'P1%') AS s_f8,
	   share_state(round(v / 1e30)::bigint, partner LIKE 'P1%') FILTER (WHERE v < 1e20) AS s_int,
	   totals_state(partner, v, 'P3') AS t_num,
	   totals_state(code, v::float8, 3) AS t_f8,
	   totals_state(partner, round(v)::bigint, 'P3') FILTER (WHERE v < 1e20) AS t_int
FROM rows GROUP BY grp;

CREATE TABLE answers AS
SELECT grp,
	   trade_share_final(s_num) AS a_s_num, trade_share_final(s_f8) AS a_s_f8,
	   trade_share_final(s_int) AS a_s_int, rank_partner_final(t_num) AS a_t_num,
	   rank_partner_final(t_f8) AS a_t_f8, rank_partner_final(t_int) AS a_t_int,
	   s_num::text AS s_num_text, t_num::text AS t_num_text
FROM states;

CREATE MATERIALIZED VIEW shares AS
SELECT grp, trade_share(v, partner LIKE 'P1%') AS share, rank_partner(partner, v, 'P3') AS rank
FROM rows GROUP BY grp;
CREATE MATERIALIZED VIEW stored_states AS SELECT * FROM states;
