--
-- pct_change: scalar, previous-row window and calendar-aware window
--
CREATE EXTENSION tradeflow;

-- scalar, every value type
SELECT pct_change(100::numeric, 150::numeric) AS numeric_up,
       pct_change(253000::numeric, 148000::numeric) AS numeric_down,
       pct_change(4.0::float8, 3.0::float8) AS float8,
       pct_change(2::bigint, 3::bigint) AS bigint,
       pct_change(4, 5) AS integer_via_float8;
-- zero previous gives NULL, never an error or Infinity
SELECT pct_change(0::numeric, 5::numeric) AS numeric_zero,
       pct_change(0::float8, 5::float8) AS float8_zero,
       pct_change('-0'::float8, 5::float8) AS float8_minus_zero,
       pct_change(0::bigint, 0::bigint) AS bigint_zero;
-- NULL in, NULL out
SELECT pct_change(NULL::numeric, 5::numeric) IS NULL AS a,
       pct_change(5::numeric, NULL::numeric) IS NULL AS b;
-- negative values are computed arithmetically
SELECT pct_change(-100::numeric, 50::numeric) AS neg_to_pos,
       pct_change(-100::bigint, -150::bigint) AS neg_to_neg;
-- NaN and infinities follow float8 arithmetic
SELECT pct_change('NaN'::float8, 1) AS nan_prev,
       pct_change(1, 'NaN'::float8) AS nan_cur,
       pct_change('Infinity'::float8, 1) AS inf_prev,
       pct_change(1, 'Infinity'::float8) AS inf_cur,
       pct_change('Infinity'::float8, 'Infinity'::float8) AS inf_inf,
       pct_change('NaN'::numeric, 1::numeric) AS numeric_nan,
       pct_change(1::numeric, '-Infinity'::numeric) AS numeric_ninf;
-- exact for bigint values beyond 2^53
SELECT pct_change(9007199254740993::bigint, 9007199254740993::bigint) AS same_big;

-- a monthly series with a gap (no September), zero, NULL and a duplicate-free second series
CREATE TABLE exports (partner text, period date, value numeric(18,2));
INSERT INTO exports VALUES
  ('PRK', '2020-07-01', 65865000), ('PRK', '2020-08-01', 19300000),
  ('PRK', '2020-10-01', 253000),   ('PRK', '2020-11-01', 148000),
  ('MCO', '2020-01-01', 0),        ('MCO', '2020-02-01', 5),
  ('MCO', '2020-03-01', NULL),     ('MCO', '2020-04-01', 7),
  ('MCO', '2021-02-01', 10),       ('LIE', '2020-10-01', 300000);

-- previous row, like value / lag(value) - 1
SELECT partner, period, value,
       round((pct_change(value) OVER w * 100)::numeric, 2) AS prev_row_pct
FROM exports
WINDOW w AS (PARTITION BY partner ORDER BY period)
ORDER BY partner, period;

-- calendar-aware: a gap gives NULL instead of comparing with an older month
SELECT partner, period, value,
       round((pct_change(value, period, '1 month') OVER w * 100)::numeric, 2) AS mom_pct,
       round((pct_change(value, period, '1 year') OVER w * 100)::numeric, 2) AS yoy_pct,
       round((pct_change(value, period, '3 months') OVER w * 100)::numeric, 2) AS q_pct
FROM exports
WINDOW w AS (PARTITION BY partner ORDER BY period)
ORDER BY partner, period;

-- the result does not depend on the window's ORDER BY (or its absence)
SELECT partner, period,
       round((pct_change(value, period, '1 month') OVER (PARTITION BY partner) * 100)::numeric, 2) AS unordered,
       round((pct_change(value, period, '1 month') OVER (PARTITION BY partner ORDER BY value DESC) * 100)::numeric, 2) AS by_value
FROM exports
ORDER BY partner, period;

-- all value types and period types
SELECT period::date,
       pct_change(v::float8, period, '1 month') OVER () AS f_date,
       pct_change(v::bigint, period::timestamp, '1 month') OVER () AS b_ts,
       pct_change(v::numeric, period::timestamptz, '1 month') OVER () AS n_tstz,
       pct_change(v::int, period, '1 month') OVER () AS i_date
FROM (VALUES ('2021-01-01'::date, 10), ('2021-02-01', 12), ('2021-03-01', 9), ('2021-05-01', 9)) AS t(period, v)
ORDER BY 1;

-- month ends: '2020-03-31' - '1 month' is '2020-02-29', so it compares with that date only
SELECT period, pct_change(v, period, '1 month') OVER () AS mom
FROM (VALUES ('2020-02-29'::date, 10.0), ('2020-03-31', 11.0), ('2020-04-30', 12.1)) AS t(period, v)
ORDER BY period;

-- NULL periods give NULL and are never compared with; single-row and all-NULL partitions
SELECT p, period, pct_change(v, period, '1 day') OVER (PARTITION BY p) AS chg
FROM (VALUES (1, NULL::date, 5), (1, '2020-01-02', 6), (2, '2020-01-01', 7),
             (3, '2020-01-01', NULL), (3, '2020-01-02', NULL)) AS t(p, period, v)
ORDER BY p, period;

-- infinite periods have no earlier period
SELECT period, pct_change(v, period, '1 month') OVER () AS chg
FROM (VALUES ('infinity'::date, 5), ('-infinity', 6), ('2020-01-01', 7)) AS t(period, v)
ORDER BY period;

-- periods at the ends of the timestamp range: the earlier period where it is in the range, else NULL, never an error
SELECT p, pct_change(v, p, '1 day') OVER () AS chg
FROM (VALUES ('4714-11-24 BC'::timestamp, 1), ('4714-11-25 BC', 2), ('294276-12-30', 5),
             ('2020-01-01', 3), ('2020-01-02', 4)) AS t(p, v)
ORDER BY p;
SELECT p, pct_change(v, p, '1 year') OVER () AS chg
FROM (VALUES ('5874897-12-31'::date, 1), ('5874896-12-31', 2), ('2020-01-01', 3), ('2021-01-01', 4)) AS t(p, v)
ORDER BY p;
SELECT pct_change(v, p, '1000000 years') OVER () AS huge_step
FROM (VALUES ('2020-01-01'::date, 1)) AS t(p, v);

-- errors: duplicate periods in a partition, bad steps
SELECT pct_change(v, period, '1 month') OVER (PARTITION BY p)
FROM (VALUES (1, '2020-01-01'::date, 5), (1, '2020-02-01', 6), (1, '2020-02-01', 7)) AS t(p, period, v);
SELECT pct_change(v, period, '1 month') OVER (PARTITION BY p)
FROM (VALUES (1, '2020-01-01 10:00'::timestamp, 5), (1, '2020-01-01 10:00', 6)) AS t(p, period, v);
SELECT pct_change(value, period, NULL) OVER () FROM exports;
SELECT pct_change(value, period, '-1 month') OVER () FROM exports;
SELECT pct_change(value, period, '0 days') OVER () FROM exports;
-- duplicates in different partitions are fine
SELECT p, pct_change(v, period, '1 month') OVER (PARTITION BY p)
FROM (VALUES (1, '2020-01-01'::date, 5), (2, '2020-01-01', 6)) AS t(p, period, v)
ORDER BY p;

-- a mixed step is allowed: it must only be positive
SELECT period, pct_change(v, period, '1 month 1 day') OVER () AS chg
FROM (VALUES ('2020-01-01'::date, 5), ('2020-02-02', 6)) AS t(period, v)
ORDER BY period;

-- the three forms agree with their plain-SQL formulations on this table
SELECT count(*) AS mismatches
FROM (
  SELECT e.partner, e.period,
         pct_change(e.value) OVER w AS prev_row,
         e.value / nullif(lag(e.value) OVER w, 0) - 1 AS sql_prev_row,
         pct_change(e.value, e.period, '1 month') OVER w AS mom,
         (SELECT e.value / nullif(p.value, 0) - 1 FROM exports p
           WHERE p.partner = e.partner AND p.period = e.period - interval '1 month') AS sql_mom
  FROM exports e
  WINDOW w AS (PARTITION BY e.partner ORDER BY e.period)
) s
WHERE (prev_row IS NULL) <> (sql_prev_row IS NULL)
   OR abs(prev_row - sql_prev_row::float8) > 1e-12
   OR (mom IS NULL) <> (sql_mom IS NULL)
   OR abs(mom - sql_mom::float8) > 1e-12;

DROP TABLE exports;
DROP EXTENSION tradeflow;
