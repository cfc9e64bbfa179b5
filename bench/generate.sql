-- bench/generate.sql: a seeded, realistic customs table for the benchmark.
--
-- psql variables: rows (approximate row count), type (numeric, float8 or
-- bigint), seed (0 to 1).  Creates bench.flows: reporters x partners x 2
-- flows x 120 months with about 5% of months missing, heavy-tailed values
-- spanning about ten orders of magnitude (a log-normal scale per reporter,
-- partner and flow, times monthly noise), about 1% zeros, 0.5% NULLs and
-- values rounded to thousands (ties).  Rows are stored in the order
-- customs releases arrive in: by period, then reporter.  The code columns
-- use the "C" collation, as ASCII code columns best do: sorts by them then
-- use abbreviated keys instead of the locale's string comparison, which
-- would add the same cost to every form of every window query.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

SELECT setseed(:seed);

-- as many reporters as partners: rows = n * n * 2 flows * 120 months * 0.95
SELECT greatest(2, round(sqrt(:rows / (2 * 120 * 0.95))))::int AS n \gset

CREATE TABLE bench.pairs AS
SELECT r, p, f,
	   -- Box-Muller: a standard normal, for a log-normal pair scale
	   exp(3.0 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS scale
FROM generate_series(1, :n) AS r, generate_series(1, :n) AS p,
	 (VALUES ('X'), ('M')) AS flows(f)
WHERE r <> p OR :n = 2;

CREATE TABLE bench.flows (
	id			bigint GENERATED ALWAYS AS IDENTITY,
	reporter	text COLLATE "C" NOT NULL,
	partner		text COLLATE "C" NOT NULL,
	flow		text COLLATE "C" NOT NULL,
	period		date NOT NULL,
	value		:type
);

INSERT INTO bench.flows (reporter, partner, flow, period, value)
SELECT 'R' || lpad(r::text, 3, '0'), 'P' || lpad(p::text, 3, '0'), f,
	   (date '2015-01-01' + make_interval(months => m))::date,
	   CAST(CASE WHEN u < 0.005 THEN NULL
				 WHEN u < 0.015 THEN 0
				 WHEN u < 0.045 THEN round(v, -3)
				 ELSE round(v, 2) END AS :type)
FROM (SELECT r, p, f, m, random() AS u,
			 least(scale * 1e5 * (0.5 + random()), 1e14)::numeric AS v
	  FROM bench.pairs, generate_series(0, 119) AS m
	  WHERE random() >= 0.05) AS g
ORDER BY m, r, f, p;

DROP TABLE bench.pairs;

-- The same rows stored in the order of an index on a window's partition
-- keys, as a table clustered on such an index is: PostgreSQL then reads
-- the rows in order instead of sorting them.
CREATE TABLE bench.flows_by_series AS
SELECT * FROM bench.flows ORDER BY reporter, partner, flow, period;
CREATE INDEX ON bench.flows_by_series (reporter, partner, flow, period);
CREATE TABLE bench.flows_by_group AS
SELECT * FROM bench.flows ORDER BY reporter, flow, period, partner;
CREATE INDEX ON bench.flows_by_group (reporter, flow, period);

VACUUM (FREEZE, ANALYZE) bench.flows;
VACUUM (FREEZE, ANALYZE) bench.flows_by_series;
VACUUM (FREEZE, ANALYZE) bench.flows_by_group;
