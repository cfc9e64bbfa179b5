-- test/65_profile_refresh.sql: keeping stored profiles fresh
--
-- The refresh pattern: a table of monthly profiles, keyed by reporter and
-- month; a trigger on the raw rows records the months that change; the
-- refresh recomputes only those months with INSERT ... ON CONFLICT DO
-- UPDATE (writing only the profiles that really changed), deletes the
-- months left without data, and rolls the changed years up from the
-- months.  After revisions, new partners, partners leaving, a new month and
-- a deleted month, the stored monthly and yearly profiles equal those built
-- from the raw rows from scratch, and the answers read from them equal the
-- plain-SQL answers on the raw rows.

\i test/fixtures/setup.psql

SELECT plan(14);

CREATE TABLE tft.raw AS SELECT reporter, partner, period, v_num AS value FROM tft.flows;

-- the stored profiles
CREATE TABLE tft.monthly (reporter int, period date, profile trade_profile NOT NULL, PRIMARY KEY (reporter, period));
CREATE TABLE tft.yearly (reporter int, year date, profile trade_profile NOT NULL, PRIMARY KEY (reporter, year));

-- the months whose rows changed since the last refresh
CREATE TABLE tft.changed (reporter int, period date, PRIMARY KEY (reporter, period));
CREATE FUNCTION tft.note_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		INSERT INTO tft.changed VALUES (OLD.reporter, OLD.period) ON CONFLICT DO NOTHING;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO tft.changed VALUES (NEW.reporter, NEW.period) ON CONFLICT DO NOTHING;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER note_change AFTER INSERT OR UPDATE OR DELETE ON tft.raw FOR EACH ROW EXECUTE FUNCTION tft.note_change();

-- the refresh: the changed months, then their years; returns how many
-- monthly profiles it wrote (inserted or changed) and deleted
CREATE FUNCTION tft.refresh(OUT written bigint, OUT deleted bigint) LANGUAGE plpgsql AS $$
BEGIN
	WITH w AS (
		INSERT INTO tft.monthly
		SELECT c.reporter, c.period, trade_profile(r.partner, r.value)
		FROM tft.changed AS c JOIN tft.raw AS r USING (reporter, period)
		GROUP BY 1, 2
		HAVING trade_profile(r.partner, r.value) IS NOT NULL
		ON CONFLICT (reporter, period) DO UPDATE SET profile = EXCLUDED.profile
			WHERE monthly.profile IS DISTINCT FROM EXCLUDED.profile
		RETURNING 1)
	SELECT count(*) INTO written FROM w;
	WITH d AS (
		DELETE FROM tft.monthly AS m USING tft.changed AS c
		WHERE m.reporter = c.reporter AND m.period = c.period
		  AND NOT EXISTS (SELECT FROM tft.raw AS r WHERE r.reporter = m.reporter AND r.period = m.period
						  AND r.partner IS NOT NULL AND r.value IS NOT NULL)
		RETURNING 1)
	SELECT count(*) INTO deleted FROM d;

	INSERT INTO tft.yearly
	SELECT m.reporter, date_trunc('year', m.period)::date, rollup(m.profile)
	FROM tft.monthly AS m
	WHERE (m.reporter, date_trunc('year', m.period)) IN (SELECT reporter, date_trunc('year', period) FROM tft.changed)
	GROUP BY 1, 2
	ON CONFLICT (reporter, year) DO UPDATE SET profile = EXCLUDED.profile
		WHERE yearly.profile IS DISTINCT FROM EXCLUDED.profile;
	DELETE FROM tft.yearly AS y
	WHERE (y.reporter, y.year) IN (SELECT reporter, date_trunc('year', period) FROM tft.changed)
	  AND NOT EXISTS (SELECT FROM tft.monthly AS m WHERE m.reporter = y.reporter AND date_trunc('year', m.period) = y.year);
	DELETE FROM tft.changed;
END $$;

-- what a build from scratch gives
CREATE VIEW tft.monthly_fresh AS
SELECT reporter, period, trade_profile(partner, value) AS profile FROM tft.raw GROUP BY 1, 2
HAVING trade_profile(partner, value) IS NOT NULL;
CREATE VIEW tft.yearly_fresh AS
SELECT reporter, date_trunc('year', period)::date AS year, trade_profile(partner, value) AS profile FROM tft.raw GROUP BY 1, 2
HAVING trade_profile(partner, value) IS NOT NULL;

-- the first load: every month is new
INSERT INTO tft.changed SELECT DISTINCT reporter, period FROM tft.raw;
SELECT is((SELECT written FROM tft.refresh()), (SELECT count(*) FROM tft.monthly_fresh),
		  'the first refresh writes every month that has data');
SELECT set_eq('SELECT * FROM tft.monthly', 'SELECT * FROM tft.monthly_fresh', 'the monthly profiles are those built from scratch');
SELECT set_eq('SELECT * FROM tft.yearly', 'SELECT * FROM tft.yearly_fresh',
			  'the yearly profiles, rollup() of the months, are those built from the year''s rows');

-- changes: a revision, a new partner, a partner leaving, a value set to what it was,
-- a new month, a month deleted, a month whose rows all become NULL
UPDATE tft.raw SET value = value * 2 + 1 WHERE reporter = 3 AND period = '2020-05-01' AND partner = 'P04';
INSERT INTO tft.raw VALUES (4, 'P77', '2019-02-01', 123.45), (4, 'P77', '2019-02-01', 0.55);
DELETE FROM tft.raw WHERE reporter = 5 AND period = '2018-07-01' AND partner = 'P03';
UPDATE tft.raw SET value = value WHERE reporter = 7 AND period = '2017-01-01';
INSERT INTO tft.raw SELECT reporter, partner, '2022-01-01', value FROM tft.raw WHERE period = '2021-12-01';
DELETE FROM tft.raw WHERE reporter = 6 AND period = '2017-03-01';
UPDATE tft.raw SET value = NULL WHERE reporter = 8 AND period = '2016-04-01';

SELECT ok((SELECT count(*) FROM tft.raw WHERE reporter = 3 AND period = '2020-05-01' AND partner = 'P04') > 0
		  AND (SELECT count(*) FROM tft.monthly WHERE reporter = 5 AND period = '2018-07-01'
			   AND partner_value(profile, 'P03') IS NOT NULL) = 1
		  AND (SELECT count(*) FROM tft.monthly WHERE (reporter, period) IN ((6, '2017-03-01'), (8, '2016-04-01'))) = 2,
		  'the changed months had the rows that changed');
SELECT set_ne('SELECT * FROM tft.monthly', 'SELECT * FROM tft.monthly_fresh', 'before the refresh, the stored profiles are stale');

SELECT results_eq('SELECT written, deleted FROM tft.refresh()',
				  $$SELECT (SELECT count(*) FROM tft.monthly_fresh WHERE period = '2022-01-01') + 3, 2::bigint$$,
				  'the refresh writes the new month''s profiles and the 3 changed ones (not the month set to what it was), and deletes 2');
SELECT set_eq('SELECT * FROM tft.monthly', 'SELECT * FROM tft.monthly_fresh',
			  'after the refresh, the monthly profiles are those built from scratch');
SELECT set_eq('SELECT * FROM tft.yearly', 'SELECT * FROM tft.yearly_fresh',
			  'and the yearly profiles, 2022 included, those built from the year''s rows');
SELECT is((SELECT partner_value(profile, 'P77') FROM tft.monthly WHERE reporter = 4 AND period = '2019-02-01'), 124.00,
		  'the new partner is in its month, with the exact sum of its rows');
SELECT is((SELECT count(*) FROM tft.changed), 0::bigint, 'the refresh empties the list of changed months');
SELECT results_eq('SELECT written, deleted FROM tft.refresh()', 'VALUES (0::bigint, 0::bigint)',
				  'a refresh without changes writes nothing');

-- the answers read from the stored profiles are the plain-SQL answers on the raw rows
SELECT is_empty($$
	SELECT reporter, year FROM tft.yearly AS y
		FULL JOIN (SELECT reporter, date_trunc('year', period)::date AS year,
						  trade_share(value, partner = 'P03') AS share, rank_partner(partner, value, 'P03') AS rnk,
						  sum(value) AS total
				   FROM tft.raw WHERE partner IS NOT NULL GROUP BY 1, 2 HAVING count(value) > 0) AS r USING (reporter, year)
	WHERE trade_share(y.profile, 'P03') IS DISTINCT FROM r.share OR rank_partner(y.profile, 'P03') IS DISTINCT FROM r.rnk
	   OR total(y.profile) IS DISTINCT FROM r.total
$$, 'each year''s share, rank and total of P03 from the stored profiles = the aggregates on the raw rows');
SELECT is_empty($$
	SELECT y.reporter, y.year FROM tft.yearly AS y JOIN tft.yearly AS b ON b.reporter = y.reporter AND b.year = y.year - interval '1 year'
	WHERE NOT tft.close(pct_change(b.profile, y.profile),
						((SELECT sum(value) FROM tft.raw WHERE reporter = y.reporter AND partner IS NOT NULL
						  AND date_trunc('year', period) = y.year)
						 - (SELECT sum(value) FROM tft.raw WHERE reporter = y.reporter AND partner IS NOT NULL
							AND date_trunc('year', period) = b.year))
						/ nullif((SELECT sum(value) FROM tft.raw WHERE reporter = y.reporter AND partner IS NOT NULL
								  AND date_trunc('year', period) = b.year), 0)::float8)
$$, 'each year''s change on the year before, from the stored profiles = the change of sum(value) on the raw rows');
SELECT is((SELECT count(*) FROM tft.yearly WHERE year = '2022-01-01'), 12::bigint, 'the new year has a profile for every reporter');

SELECT * FROM finish();
ROLLBACK;
