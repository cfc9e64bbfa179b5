-- bench/cases.sql: what the benchmark compares.
--
-- Each capability has a tradeflow form and one or more plain-SQL forms
-- that give the same result; each query returns its key columns and one
-- result column x, so that the forms can be checked equal row by row.
-- Floors (count, one GROUP BY, one window sort) say what reading and
-- sorting the rows costs at all.  psql variable: target, the partner whose
-- share and rank the aggregates compute ({target} in the queries).

\set ON_ERROR_STOP on
CREATE TABLE bench.cases (
	ord			serial,
	capability	text NOT NULL,
	form		text NOT NULL,		-- 'tradeflow', a plain-SQL form, or 'floor'
	keys		text NOT NULL,		-- the key columns the result is checked on
	parallel	boolean NOT NULL DEFAULT false,
	query		text NOT NULL
);

INSERT INTO bench.cases (capability, form, keys, query) VALUES
('floor: count(*)', 'floor', '', $$SELECT count(*) AS x FROM bench.flows$$),
('floor: sum() GROUP BY reporter, flow, period', 'floor', 'reporter, flow, period',
 $$SELECT reporter, flow, period, sum(value) AS x FROM bench.flows GROUP BY reporter, flow, period$$),
('floor: window sort per series', 'floor', 'id',
 $$SELECT id, row_number() OVER (PARTITION BY reporter, partner, flow ORDER BY period) AS x FROM bench.flows$$),
('floor: window sort per reporter, flow, period', 'floor', 'id',
 $$SELECT id, row_number() OVER (PARTITION BY reporter, flow, period) AS x FROM bench.flows$$),

-- pct_change over the previous row
('pct_change, previous row', 'tradeflow', 'id',
 $$SELECT id, pct_change(value) OVER (PARTITION BY reporter, partner, flow ORDER BY period) AS x
   FROM bench.flows$$),
('pct_change, previous row', 'v / lag(v) - 1', 'id',
 $$SELECT id, value / nullif(lag(value) OVER (PARTITION BY reporter, partner, flow ORDER BY period), 0) - 1 AS x
   FROM bench.flows$$),

-- month on month, gap-aware
('pct_change, month on month (gap-aware)', 'tradeflow', 'id',
 $$SELECT id, pct_change(value, period, '1 month') OVER (PARTITION BY reporter, partner, flow ORDER BY period) AS x
   FROM bench.flows$$),
('pct_change, month on month (gap-aware)', 'self-join on period - 1 month', 'id',
 $$SELECT c.id, c.value / nullif(p.value, 0) - 1 AS x
   FROM bench.flows c LEFT JOIN bench.flows p
	 ON p.reporter = c.reporter AND p.partner = c.partner AND p.flow = c.flow
	AND p.period = (c.period - interval '1 month')::date$$),
('pct_change, month on month (gap-aware)', 'RANGE 1 month PRECEDING frame', 'id',
 $$SELECT id, value / nullif(max(value) OVER (PARTITION BY reporter, partner, flow ORDER BY period
		RANGE BETWEEN '1 month' PRECEDING AND '1 month' PRECEDING), 0) - 1 AS x
   FROM bench.flows$$);

-- year on year: the month-on-month forms with a step of a year
INSERT INTO bench.cases (capability, form, keys, query)
SELECT 'pct_change, year on year (gap-aware)', replace(form, '1 month', '1 year'), keys,
	   replace(query, '''1 month''', '''1 year''')
FROM bench.cases WHERE capability = 'pct_change, month on month (gap-aware)'
ORDER BY ord;

INSERT INTO bench.cases (capability, form, keys, query) VALUES
-- share of the partition total
('trade_share window', 'tradeflow', 'id',
 $$SELECT id, trade_share(value) OVER (PARTITION BY reporter, flow, period) AS x FROM bench.flows$$),
('trade_share window', 'v / sum(v) OVER', 'id',
 $$SELECT id, value / nullif(sum(value) OVER (PARTITION BY reporter, flow, period), 0) AS x FROM bench.flows$$),
('trade_share window', 'join with GROUP BY totals', 'id',
 $$SELECT f.id, f.value / nullif(t.total, 0) AS x
   FROM bench.flows f
   JOIN (SELECT reporter, flow, period, sum(value) AS total
		 FROM bench.flows GROUP BY reporter, flow, period) AS t
	 ON t.reporter = f.reporter AND t.flow = f.flow AND t.period = f.period$$),

-- rank within the partition
('rank_partner window', 'tradeflow', 'id',
 $$SELECT id, rank_partner(value) OVER (PARTITION BY reporter, flow, period) AS x FROM bench.flows$$),
('rank_partner window', 'rank() OVER', 'id',
 $$SELECT id, CASE WHEN value IS NOT NULL THEN
		rank() OVER (PARTITION BY reporter, flow, period ORDER BY value DESC NULLS LAST) END AS x
   FROM bench.flows$$),

-- share and rank together
('trade_share + rank_partner, one window', 'tradeflow', 'id',
 $$SELECT id, trade_share(value) OVER w + rank_partner(value) OVER w AS x
   FROM bench.flows WINDOW w AS (PARTITION BY reporter, flow, period)$$),
('trade_share + rank_partner, one window', 'sum() OVER + rank() OVER', 'id',
 $$SELECT id, value / nullif(sum(value) OVER (PARTITION BY reporter, flow, period), 0) +
		CASE WHEN value IS NOT NULL THEN
		rank() OVER (PARTITION BY reporter, flow, period ORDER BY value DESC NULLS LAST) END AS x
   FROM bench.flows$$),

-- share of one partner, aggregate
('trade_share aggregate', 'tradeflow', 'reporter, flow, period',
 $$SELECT reporter, flow, period, trade_share(value, partner = {target}) AS x
   FROM bench.flows GROUP BY reporter, flow, period$$),
('trade_share aggregate', 'sum() FILTER / sum()', 'reporter, flow, period',
 $$SELECT reporter, flow, period,
		sum(value) FILTER (WHERE partner = {target}) / nullif(sum(value), 0) AS x
   FROM bench.flows GROUP BY reporter, flow, period$$),

-- rank of one partner, aggregate
('rank_partner aggregate', 'tradeflow', 'reporter, flow, period',
 $$SELECT reporter, flow, period, rank_partner(partner, value, {target}) AS x
   FROM bench.flows GROUP BY reporter, flow, period$$),
('rank_partner aggregate', 'GROUP BY partner, rank() in a subquery', 'reporter, flow, period',
 $$SELECT reporter, flow, period, x FROM (
	 SELECT reporter, flow, period, partner,
			rank() OVER (PARTITION BY reporter, flow, period ORDER BY total DESC) AS x
	 FROM (SELECT reporter, flow, period, partner, sum(value) AS total
		   FROM bench.flows WHERE value IS NOT NULL
		   GROUP BY reporter, flow, period, partner) AS t) AS r
   WHERE partner = {target}$$),
('rank_partner aggregate', 'GROUP BY partner, join, count larger', 'reporter, flow, period',
 $$WITH t AS (SELECT reporter, flow, period, partner, sum(value) AS total
			  FROM bench.flows WHERE value IS NOT NULL
			  GROUP BY reporter, flow, period, partner)
   SELECT o.reporter, o.flow, o.period, 1 + count(*) FILTER (WHERE a.total > o.total) AS x
   FROM t AS o JOIN t AS a USING (reporter, flow, period)
   WHERE o.partner = {target}
   GROUP BY o.reporter, o.flow, o.period$$);

UPDATE bench.cases SET query = replace(query, '{target}', quote_literal(:'target'));

-- the window forms again on rows already in index order, without a sort
INSERT INTO bench.cases (capability, form, keys, query)
SELECT capability || ' (index order)', form, keys,
	   replace(query, 'bench.flows',
			   CASE WHEN capability LIKE '%series' OR capability LIKE 'pct_change%'
					THEN 'bench.flows_by_series' ELSE 'bench.flows_by_group' END)
FROM bench.cases
WHERE (capability LIKE 'floor: window sort%' OR capability LIKE 'pct_change%' OR
	   capability LIKE '%window' OR capability LIKE '%one window')
ORDER BY ord;

-- the aggregates again, with two parallel workers
INSERT INTO bench.cases (capability, form, keys, parallel, query)
SELECT capability, form, keys, true, query FROM bench.cases
WHERE capability IN ('floor: sum() GROUP BY reporter, flow, period',
					 'trade_share aggregate', 'rank_partner aggregate')
ORDER BY ord;
