--
-- window_spill: past work_mem, the rank_partner and calendar-aware
-- pct_change window forms sort in temporary files, which PostgreSQL counts
-- in pg_stat_database (temp_files, temp_bytes) as it counts its own sorts'
-- (and log_temp_files logs); the answers equal plain SQL
-- (test/70_window_spill.sql compares every value and period type).
--
CREATE EXTENSION tradeflow;
SET max_parallel_workers_per_gather = 0;

-- 3 partitions of 20000 rows; a row of rank_partner takes 24 bytes in
-- memory, one of pct_change 48, so each partition spills at 64kB
CREATE TABLE spill AS
SELECT i % 3 AS g, date '1950-01-01' + i / 3 AS period,
	   CASE WHEN i % 50 = 0 THEN NULL ELSE (i * 7919) % 10007 END::float8 AS value
FROM generate_series(0, 59999) AS i;
ANALYZE spill;

-- the server's count of temporary files so far: a statement's statistics
-- are flushed when the session goes idle after it, at once when forced
CREATE VIEW temp AS
SELECT temp_files AS files, temp_bytes AS bytes
FROM pg_stat_database WHERE datname = current_database();

SET work_mem = '64kB';

-- PostgreSQL's own window over the same partitions: its tuplestore spills
SELECT files AS f0, bytes AS b0 FROM temp \gset
SELECT pg_stat_force_next_flush(),
	   (SELECT sum(x) FROM (SELECT count(*) OVER (PARTITION BY g) AS x FROM spill) AS s) AS total;
SELECT files - :f0 AS core_files, bytes - :b0 AS core_bytes FROM temp \gset
SELECT :core_files > 0 AS core_window_spills;

-- rank_partner: two more sorts per partition, by value and by position
SELECT files AS f0, bytes AS b0 FROM temp \gset
SELECT pg_stat_force_next_flush(),
	   (SELECT count(*) FROM (
			SELECT rank_partner(value) OVER (PARTITION BY g) AS got,
				   CASE WHEN value IS NOT NULL
						THEN rank() OVER (PARTITION BY g ORDER BY value DESC NULLS LAST) END AS want
			FROM spill) AS s
		WHERE got IS DISTINCT FROM want) AS mismatches;
SELECT files - :f0 - :core_files >= 6 AS rank_partner_sorts_in_files,
	   bytes - :b0 > :core_bytes AS rank_partner_bytes_counted
FROM temp;

-- pct_change: three more, by period, by period - step and by position
SELECT files AS f0, bytes AS b0 FROM temp \gset
SELECT pg_stat_force_next_flush(),
	   (SELECT count(*) FROM (
			SELECT c.g, pct_change(c.value, c.period, '1 day') OVER (PARTITION BY c.g) AS got,
				   c.value / nullif(p.value, 0) - 1 AS want
			FROM spill AS c LEFT JOIN spill AS p ON p.g = c.g AND p.period = c.period - 1) AS s
		WHERE got IS DISTINCT FROM want) AS mismatches;
SELECT files - :f0 - :core_files >= 9 AS pct_change_sorts_in_files,
	   bytes - :b0 > :core_bytes AS pct_change_bytes_counted
FROM temp;

-- in work_mem, no temporary file at all
SET work_mem = '64MB';
SELECT files AS f0 FROM temp \gset
SELECT pg_stat_force_next_flush(),
	   (SELECT sum(x) FROM (SELECT rank_partner(value) OVER (PARTITION BY g)
								   + pct_change(value, period, '1 day') OVER (PARTITION BY g) AS x
							FROM spill) AS s) IS NOT NULL AS answered;
SELECT files - :f0 AS files_in_memory FROM temp;
RESET work_mem;

DROP VIEW temp;
DROP TABLE spill;
DROP EXTENSION tradeflow;
