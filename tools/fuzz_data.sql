-- tools/fuzz_data.sql: a small generated table of awkward values for the
-- fuzzers (tools/fuzz.sh), in schema "fuzz", seeded so every run sees the
-- same data.
--
--   fuzz.flows    about 600 rows: NULLs, zeros, negatives, ties, NaN and
--                 infinities, the limits of bigint and integer, numerics of
--                 1000 digits and of 1e-1000, partners as text (NULL, empty,
--                 non-ASCII, long) and bigint codes, date, timestamp and
--                 timestamptz periods with gaps, duplicates, NULLs and
--                 infinities, steps (NULL, zero, negative, mixed) and
--                 booleans with NULLs
--   fuzz.states   aggregate states of fuzz.flows by reporter, of each value
--                 type (trade_share_state, partner_totals, trade_profile)
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

DROP SCHEMA IF EXISTS fuzz CASCADE;
CREATE SCHEMA fuzz;

DO $$ BEGIN PERFORM setseed(0.31415); END $$;

CREATE TABLE fuzz.flows AS
SELECT row_number() OVER () AS id,
	   r AS reporter,
	   CASE WHEN u1 < 0.05 THEN NULL
			WHEN u1 < 0.08 THEN ''
			WHEN u1 < 0.11 THEN 'Côte d''Ivoire'
			WHEN u1 < 0.12 THEN repeat('x', 3000)
			ELSE 'P' || (1 + floor(u2 * 12))::int END AS partner,
	   CASE WHEN u1 < 0.05 THEN NULL
			WHEN u1 < 0.07 THEN -9223372036854775808
			WHEN u1 < 0.09 THEN 9223372036854775807
			ELSE 100 + floor(u2 * 12)::int END::bigint AS partner_code,
	   CASE WHEN u3 < 0.03 THEN NULL
			WHEN u3 < 0.04 THEN 'infinity'::date
			WHEN u3 < 0.05 THEN '-infinity'::date
			WHEN u3 < 0.06 THEN '4714-11-24 BC'::date
			WHEN u3 < 0.07 THEN '294276-12-31'::date
			WHEN u3 < 0.08 THEN '2020-02-29'::date
			ELSE ('2019-01-31'::date + (i % 40) * interval '1 month')::date
	   END AS period,
	   CASE WHEN u3 < 0.03 THEN NULL
			WHEN u3 < 0.04 THEN 'infinity'::timestamp
			WHEN u3 < 0.05 THEN '-infinity'::timestamp
			WHEN u3 < 0.06 THEN '4714-11-24 00:00:00 BC'::timestamp
			WHEN u3 < 0.07 THEN '294276-12-31 23:59:59.999999'::timestamp
			ELSE '2019-01-31 12:00'::timestamp + (i % 40) * interval '1 month'
	   END AS period_ts,
	   CASE WHEN u3 < 0.03 THEN NULL
			WHEN u3 < 0.04 THEN 'infinity'::timestamptz
			WHEN u3 < 0.05 THEN '-infinity'::timestamptz
			WHEN u3 < 0.06 THEN '4714-11-24 00:00:00+00 BC'::timestamptz
			WHEN u3 < 0.07 THEN '294276-12-31 23:59:59.999999+00'::timestamptz
			ELSE '2019-03-31 00:30+00'::timestamptz + (i % 40) * interval '1 day'
	   END AS period_tz,
	   v_num,
	   CASE WHEN u4 < 0.03 THEN 'NaN'::float8
			WHEN u4 < 0.05 THEN 'Infinity'
			WHEN u4 < 0.07 THEN '-Infinity'
			WHEN u4 < 0.08 THEN 1.7976931348623157e308
			WHEN u4 < 0.09 THEN -0.0
			WHEN u4 < 0.10 THEN 5e-324
			WHEN v_num = 0 OR abs(v_num) BETWEEN 1e-300 AND 1e300
				 OR v_num IN ('NaN', 'Infinity', '-Infinity') THEN v_num::float8
	   END AS v_f8,
	   CASE WHEN u4 < 0.04 THEN -9223372036854775808
			WHEN u4 < 0.08 THEN 9223372036854775807
			WHEN v_num IS NULL THEN NULL
			ELSE round(greatest(least(v_num, 1e18), -1e18)) END::bigint AS v_big,
	   CASE WHEN u4 < 0.04 THEN -2147483648
			WHEN u4 < 0.08 THEN 2147483647
			WHEN v_num IS NULL THEN NULL
			ELSE round(greatest(least(v_num, 1e9), -1e9)) END::integer AS v_int,
	   CASE WHEN u2 < 0.4 THEN true WHEN u2 < 0.9 THEN false END AS is_part,
	   (ARRAY[NULL, '0', '1 month', '1 year', '-1 month', '1 month 3 days',
			  '1 day', '3 months', '1 microsecond', '-1 day 25 hours',
			  '178000000 years', '2 months -59 days'])[1 + floor(u5 * 12)::int]::interval AS step
FROM (SELECT r, i, random() AS u1, random() AS u2, random() AS u3,
			 random() AS u4, random() AS u5,
			 CASE WHEN u < 0.08 THEN NULL
				  WHEN u < 0.15 THEN 0
				  WHEN u < 0.22 THEN -round((10 ^ (random() * 7))::numeric, 2)
				  WHEN u < 0.45 THEN (1 + floor(random() * 4)::int) * 1000
				  WHEN u < 0.47 THEN 'NaN'::numeric
				  WHEN u < 0.48 THEN 'Infinity'::numeric
				  WHEN u < 0.49 THEN '-Infinity'::numeric
				  WHEN u < 0.50 THEN ('1' || repeat('0', 1000))::numeric
				  WHEN u < 0.51 THEN ('0.' || repeat('0', 999) || '1')::numeric
				  WHEN u < 0.52 THEN 1e300
				  ELSE round((10 ^ (random() * 10))::numeric, 2)
			 END AS v_num
	  FROM (SELECT r, i, random() AS u
			FROM generate_series(1, 20) AS r, generate_series(1, 30) AS i) AS s) AS g;

CREATE TABLE fuzz.states (
	reporter integer,
	share_num trade_share_state,
	share_f8 trade_share_state,
	share_int trade_share_state,
	totals_num partner_totals,
	totals_code partner_totals,
	prof_num trade_profile,
	prof_f8 trade_profile,
	prof_code trade_profile
);
INSERT INTO fuzz.states (reporter) SELECT DISTINCT reporter FROM fuzz.flows;

-- the states an aggregate over each reporter's rows reaches, one per type
-- (the rows whose values no type can total are left out)
CREATE AGGREGATE fuzz.share_state(numeric, boolean) (
	SFUNC = trade_share_transfn, STYPE = trade_share_state);
CREATE AGGREGATE fuzz.share_state(double precision, boolean) (
	SFUNC = trade_share_transfn, STYPE = trade_share_state);
CREATE AGGREGATE fuzz.share_state(bigint, boolean) (
	SFUNC = trade_share_transfn, STYPE = trade_share_state);
CREATE AGGREGATE fuzz.partner_state(text, numeric, text) (
	SFUNC = rank_partner_transfn, STYPE = partner_totals);
CREATE AGGREGATE fuzz.partner_state(bigint, bigint, bigint) (
	SFUNC = rank_partner_transfn, STYPE = partner_totals);

UPDATE fuzz.states AS s
SET share_num = (SELECT fuzz.share_state(v_num, is_part) FROM fuzz.flows f
				 WHERE f.reporter = s.reporter AND abs(v_num) < 1e200),
	share_f8 = (SELECT fuzz.share_state(v_f8, is_part) FROM fuzz.flows f
				WHERE f.reporter = s.reporter AND abs(v_f8) < 1e300),
	share_int = (SELECT fuzz.share_state(v_big, is_part) FROM fuzz.flows f
				 WHERE f.reporter = s.reporter),
	totals_num = (SELECT fuzz.partner_state(partner, v_num, 'P3') FROM fuzz.flows f
				  WHERE f.reporter = s.reporter AND abs(v_num) < 1e200),
	totals_code = (SELECT fuzz.partner_state(partner_code, v_big, 103) FROM fuzz.flows f
				   WHERE f.reporter = s.reporter),
	prof_num = (SELECT trade_profile(partner, v_num) FROM fuzz.flows f WHERE f.reporter = s.reporter),
	prof_f8 = (SELECT trade_profile(partner, v_f8) FROM fuzz.flows f
			   WHERE f.reporter = s.reporter AND abs(v_f8) < 1e300),
	prof_code = (SELECT trade_profile(partner_code, v_big) FROM fuzz.flows f WHERE f.reporter = s.reporter);

ANALYZE fuzz.flows;
ANALYZE fuzz.states;
