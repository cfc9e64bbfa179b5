-- test/citus/fdw.sql: tradeflow on postgres_fdw shards (test/citus.sh runs
-- it in a database "fdw" of the coordinator's server, a database without
-- Citus; the shards are databases "shard" on the two workers' servers,
-- each with tradeflow and the rows of tft.flows of its reporters:
-- test/fixtures/generated.psql is seeded, so it makes the same rows
-- everywhere).
--
-- dist.flows is partitioned by reporter, each partition a foreign table on
-- one shard, with OPTIONS (extensions 'tradeflow') on the servers; tft.flows
-- is the same rows in a local table.  PostgreSQL 15's postgres_fdw pushes
-- down whole aggregates only: GROUP BY the partition key, with partitionwise
-- aggregation, sends each tradeflow aggregate to the shards in the remote
-- SQL; GROUP BY another column fetches the rows and aggregates here.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

CREATE EXTENSION tradeflow;
CREATE EXTENSION pgtap;
CREATE EXTENSION postgres_fdw;
\i test/fixtures/generated.psql
\i test/citus/compare.psql

CREATE SCHEMA dist;
CREATE TABLE dist.flows (LIKE tft.flows) PARTITION BY RANGE (reporter);
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host '127.0.0.1', port :'shard1_port', dbname 'shard', extensions 'tradeflow');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host '127.0.0.1', port :'shard2_port', dbname 'shard', extensions 'tradeflow');
CREATE USER MAPPING FOR postgres SERVER shard1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR postgres SERVER shard2 OPTIONS (user 'postgres');
CREATE FOREIGN TABLE dist.flows_1 PARTITION OF dist.flows FOR VALUES FROM (MINVALUE) TO (:shard_split)
	SERVER shard1 OPTIONS (schema_name 'tft', table_name 'flows');
CREATE FOREIGN TABLE dist.flows_2 PARTITION OF dist.flows FOR VALUES FROM (:shard_split) TO (MAXVALUE)
	SERVER shard2 OPTIONS (schema_name 'tft', table_name 'flows');
ANALYZE dist.flows;
SET enable_partitionwise_aggregate = on;

SELECT plan(21);

SELECT is((SELECT count(*) FROM dist.flows_1) > 0 AND (SELECT count(*) FROM dist.flows_2) > 0
		  AND (SELECT count(*) FROM dist.flows) = (SELECT count(*) FROM tft.flows), true,
		  'the shards hold the rows of tft.flows, split by reporter');

CREATE TEMP TABLE aggs (expr text, name text);
INSERT INTO aggs VALUES
	('trade_share(v_num, is_part)', 'trade_share'),
	('trade_share(v_big, is_part)', 'trade_share'),
	('rank_partner(partner, v_num, ''P03'')', 'rank_partner'),
	('rank_partner(partner_code, v_int, 103)', 'rank_partner'),
	('trade_profile(partner, v_num)', 'trade_profile'),
	('trade_profile(partner_code, v_f8q)', 'trade_profile');

SELECT tft.grouped('reporter', ' (the partition key) over postgres_fdw shards equals the local table''s',
				   'Relations: Aggregate on \(dist\.flows_1.*Remote SQL: SELECT reporter, public\.%1$s\('
				   '.*Relations: Aggregate on \(dist\.flows_2.*Remote SQL: SELECT reporter, public\.%1$s\(',
				   'the whole aggregate runs on each shard (in the remote SQL)');
SELECT tft.same(format('SELECT period, %s FROM dist.flows GROUP BY period', expr),
				format('%s GROUP BY period (not the partition key) over postgres_fdw shards equals the local table''s', expr))
FROM aggs ORDER BY expr;
SELECT ok(plan !~ 'Remote SQL: [^\n]*(trade_share|rank_partner|trade_profile)\(' AND plan ~ 'Remote SQL: SELECT',
		  'GROUP BY period: PostgreSQL 15''s postgres_fdw fetches the rows, the aggregate runs here (no partial aggregate pushdown)')
FROM tft.vplan('SELECT period, trade_share(v_num, is_part) FROM dist.flows GROUP BY period') AS plan;

-- without the extension listed on the servers, nothing of tradeflow is
-- sent to the shards
ALTER SERVER shard1 OPTIONS (DROP extensions);
ALTER SERVER shard2 OPTIONS (DROP extensions);
SELECT ok(plan !~ 'Remote SQL: [^\n]*trade_share\(' AND plan ~ 'Remote SQL: SELECT',
		  'servers without OPTIONS (extensions ''tradeflow'') get no tradeflow aggregate to run')
FROM tft.vplan('SELECT reporter, trade_share(v_num, is_part) FROM dist.flows GROUP BY reporter') AS plan;
SELECT * FROM finish();
