-- test/citus/setup.sql: the data of test/citus.sh, made once on the
-- coordinator of a Citus cluster whose workers are added already.
--
-- Every table is made twice from the same rows: a local table on the
-- coordinator (schemas "tft" and "trade", as the pgTAP suite has them) and
-- a distributed copy in schema "dist", distributed by reporter (32 shards
-- on two workers), so that test/citus/check.sql compares, row for row,
-- what Citus answers with what PostgreSQL answers on one server.
--
--   dist.flows       tft.flows (test/fixtures/generated.psql): NULLs, zeros,
--                    negatives, ties, NaN and infinities, sums beyond
--                    int64; partner 16 is NULL
--   dist.cal         tft.cal: daily series (reporter = series) for
--                    pct_change over periods
--   dist.dots        trade.dots_annual (the real IMF DOTS data, data/load.sql)
--                    without the IMF's aggregates
--   dist.issue       the rows of the issue that brought Citus in: 200000
--                    rows, 50 reporters, 200 partners, 24 months
--   dist.partners    a reference table (on every node): partner -> region
--   dist.share_states, dist.partner_totals, dist.profiles
--                    stored states and profiles, one per reporter and
--                    period, as a user keeps them
--
-- A query over "dist." tables, with "dist." replaced by "tft.", is the same
-- query over the local tables (test/citus/compare.psql: tft.same, tft.vplan).
--
-- Also the aggregates a user writes to store states and to combine stored
-- states (tradeflow's own transition, combine and final functions).
\set ON_ERROR_STOP on
SET client_min_messages = warning;

CREATE EXTENSION tradeflow;
CREATE EXTENSION pgtap;

\i data/load.sql
\i test/fixtures/generated.psql

\i test/citus/compare.psql

-- a collation that tradeflow refuses for partners
CREATE COLLATION tft.case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

CREATE SCHEMA dist;
SET citus.shard_count = 32;

CREATE TABLE dist.flows AS SELECT * FROM tft.flows;
SELECT create_distributed_table('dist.flows', 'reporter');

CREATE TABLE dist.cal AS SELECT * FROM tft.cal;
SELECT create_distributed_table('dist.cal', 'series');

CREATE TABLE tft.dots AS
SELECT reporter, partner, partner_code::bigint AS partner_code, flow, year, period, value_usd
FROM trade.dots_annual AS d
WHERE NOT EXISTS (SELECT FROM trade.imf_aggregate AS a WHERE a.code IN (d.reporter_code, d.partner_code))
  AND partner_code ~ '^[0-9]+$';
CREATE TABLE dist.dots AS SELECT * FROM tft.dots;
SELECT create_distributed_table('dist.dots', 'reporter');

CREATE TABLE tft.issue AS
SELECT 'R' || (i % 50) AS reporter, 'P' || ((i * 7) % 200) AS partner,
	   date '2020-01-01' + ((i % 24) || ' months')::interval AS period,
	   round((exp((hashint4(i) % 1000) / 60.0))::numeric, 2) AS v
FROM generate_series(1, 200000) AS i;
CREATE TABLE dist.issue AS SELECT * FROM tft.issue;
SELECT create_distributed_table('dist.issue', 'reporter');

CREATE TABLE tft.partners AS
SELECT DISTINCT partner, partner_code,
	   CASE WHEN partner_code % 3 = 0 THEN 'north' WHEN partner_code % 3 = 1 THEN 'south' ELSE 'east' END AS region
FROM tft.flows WHERE partner IS NOT NULL;
CREATE TABLE dist.partners AS SELECT * FROM tft.partners;
SELECT create_reference_table('dist.partners');

-- what a user writes to store states (no final function) and to combine
-- stored states (tradeflow's combine functions, as transition and combine)
CREATE AGGREGATE share_state(numeric, boolean) (
	SFUNC = trade_share_transfn, STYPE = trade_share_state, COMBINEFUNC = trade_share_combine, PARALLEL = SAFE);
CREATE AGGREGATE totals_state(text, numeric, text) (
	SFUNC = rank_partner_transfn, STYPE = partner_totals, COMBINEFUNC = rank_partner_combine, PARALLEL = SAFE);
CREATE AGGREGATE combined_share(trade_share_state) (
	SFUNC = trade_share_combine, STYPE = trade_share_state, COMBINEFUNC = trade_share_combine,
	FINALFUNC = trade_share_final, PARALLEL = SAFE);
CREATE AGGREGATE combined_rank(partner_totals) (
	SFUNC = rank_partner_combine, STYPE = partner_totals, COMBINEFUNC = rank_partner_combine,
	FINALFUNC = rank_partner_final, PARALLEL = SAFE);

CREATE TABLE tft.share_states AS
SELECT reporter, period, share_state(v_num, is_part) AS state FROM tft.flows GROUP BY reporter, period;
CREATE TABLE tft.partner_totals AS
SELECT reporter, period, totals_state(partner, v_num, 'P03') AS state FROM tft.flows GROUP BY reporter, period;
CREATE TABLE tft.profiles AS
SELECT reporter, period, trade_profile(partner, v_num) AS profile FROM tft.flows GROUP BY reporter, period;
CREATE TABLE dist.share_states AS SELECT * FROM tft.share_states;
SELECT create_distributed_table('dist.share_states', 'reporter');
CREATE TABLE dist.partner_totals AS SELECT * FROM tft.partner_totals;
SELECT create_distributed_table('dist.partner_totals', 'reporter');
CREATE TABLE dist.profiles AS SELECT * FROM tft.profiles;
SELECT create_distributed_table('dist.profiles', 'reporter');

-- the local data is copied into the shards; the coordinator keeps none
SELECT truncate_local_data_after_distributing_table(t)
FROM unnest(ARRAY['dist.flows', 'dist.cal', 'dist.dots', 'dist.issue', 'dist.partners',
				  'dist.share_states', 'dist.partner_totals', 'dist.profiles']::regclass[]) AS t;
ANALYZE;
