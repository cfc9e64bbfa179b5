--
-- The aggregate state types: text and binary I/O, validation, combining
--
CREATE EXTENSION tradeflow;

-- a state's text form reads back to a state with the same answer
CREATE TABLE states AS
SELECT g,
       trade_share_transfn(trade_share_transfn(NULL, 10::numeric * g, true), 30::numeric, false) AS share,
       rank_partner_transfn(rank_partner_transfn(NULL, 'PRK', 10::numeric * g, 'PRK'), 'CHN', 25::numeric, 'PRK') AS totals
FROM generate_series(1, 3) AS g;
SELECT g, share, trade_share_final(share) AS share_final,
       trade_share_final(share::text::trade_share_state) AS round_trip,
       rank_partner_final(totals) AS rank_final,
       rank_partner_final(totals::text::partner_totals) AS rank_round_trip
FROM states ORDER BY g;

-- binary round trip through COPY, by psql into pg_regress's results/
-- directory (the Makefile's --outputdir); the file is removed after
\copy (SELECT g, share, totals FROM states) TO 'results/state_types.bin' WITH (FORMAT binary)
CREATE TABLE states_copy (LIKE states);
\copy states_copy FROM 'results/state_types.bin' WITH (FORMAT binary)
\! rm results/state_types.bin
SELECT s.g, s.share::text = c.share::text AS same_share, s.totals::text = c.totals::text AS same_totals
FROM states s JOIN states_copy c USING (g) ORDER BY g;

-- combining many partial states gives the answer of one
SELECT trade_share_final(st) AS combined,
       (SELECT sum(10 * g) FROM generate_series(1, 3) g) / (SELECT sum(10 * g + 30) FROM generate_series(1, 3) g)::float8 AS expected
FROM (SELECT trade_share_combine(trade_share_combine(
          (SELECT share FROM states WHERE g = 1), (SELECT share FROM states WHERE g = 2)),
          (SELECT share FROM states WHERE g = 3)) AS st) s;
SELECT rank_partner_final(rank_partner_combine(rank_partner_combine(
          (SELECT totals FROM states WHERE g = 1), (SELECT totals FROM states WHERE g = 2)),
          (SELECT totals FROM states WHERE g = 3))) AS prk_rank_of_60_vs_75;
SELECT trade_share_final(trade_share_combine(NULL, share)) AS null_first,
       trade_share_final(trade_share_combine(share, NULL)) AS null_second
FROM states WHERE g = 1;
SELECT trade_share_combine(NULL, NULL) IS NULL AS both_null;

-- malformed values are errors, never crashes
SELECT ''::trade_share_state;
SELECT 'zz'::trade_share_state;
SELECT '0'::trade_share_state;
SELECT '02'::trade_share_state;
SELECT '0109'::trade_share_state;
SELECT '0101'::trade_share_state;
SELECT '0101ffffffffffffffff'::trade_share_state;
SELECT left(share::text, -2)::trade_share_state FROM states WHERE g = 1;
SELECT (share::text || '00')::trade_share_state FROM states WHERE g = 1;
-- a numeric total with a digit out of range
SELECT '010100000000000000010000000a00010000000000002710000000000000000000000000000001'::trade_share_state;
-- more values in the part than in the whole
SELECT '0103000000000000000200000000000000000000000000000005000000000000000100000000000000000000000000000005'::trade_share_state;
SELECT ''::partner_totals;
SELECT '01010103'::partner_totals;
SELECT left(totals::text, -4)::partner_totals FROM states WHERE g = 1;
-- a partner listed twice
SELECT '010301000000000200000001610000000000000001000000000000000000000000000000010000000161000000000000000100000000000000000000000000000001'::partner_totals;
-- a bigint partner of the wrong size, invalid text
SELECT '01030200000000010000000461626364000000000000000100000000000000000000000000000001'::partner_totals;
SELECT '0103010000000001000000026100000000000000000100000000000000000000000000000001'::partner_totals;
SELECT '01030100000000010000000280ff00000000000000010000000000000000000000000000000001'::partner_totals;

-- states of different value types do not combine
SELECT trade_share_combine(trade_share_transfn(NULL, 1::numeric, true),
                           trade_share_transfn(NULL, 1::bigint, true));
SELECT rank_partner_combine(rank_partner_transfn(NULL, 'a', 1::numeric, 'a'),
                            rank_partner_transfn(NULL, 1::bigint, 1::numeric, 1::bigint));
SELECT trade_share_transfn(trade_share_transfn(NULL, 1::float8, true), 1::numeric, true);

-- states of different targets do not combine
SELECT rank_partner_combine(rank_partner_transfn(NULL, 'a', 1::numeric, 'a'),
                            rank_partner_transfn(NULL, 'a', 1::numeric, 'b'));

-- a stored state is kept unchanged by the aggregates that read it
CREATE TABLE kept AS SELECT trade_share_transfn(NULL, 5::numeric, true) AS st;
SELECT trade_share_final(trade_share_combine(st, st)) FROM kept;
SELECT trade_share_final(st) FROM kept;

DROP TABLE states, states_copy, kept;
DROP EXTENSION tradeflow;
