-- data/load.sql: load the shipped real trade data into schema "trade"
--
-- Run from the repository root (the \copy paths are relative to it):
--     psql -v ON_ERROR_STOP=1 -q -f data/load.sql
-- Plain SQL: it does not need tradeflow.  It (re)creates schema "trade",
-- dropping any existing one, in one transaction, in a few seconds.  The
-- source files, their units and quirks are described in data/SOURCES.md.
--
-- Tables:
--   trade.imf_aggregate              IMF aggregates and "not specified" rows:
--                                    exclude them from every country-level
--                                    sum, share or rank (they double-count)
--   trade.dots_annual                every DOTS reporter x counterpart,
--                                    exports FOB and imports CIF, 2016-2018
--   trade.china_dprk_annual          China's and North Korea's trade by
--                                    partner, 1960-2020
--   trade.exports_to_world_monthly   monthly exports to the world, 2020-2023
--   trade.published_facts            press figures with their sources
--   trade.national_monthly           South Korea's, the United States' and
--                                    Japan's monthly trade with China, in
--                                    the unit each country publishes

-- Quiet; leaves no setting behind (but ON_ERROR_STOP) in the session that
-- runs it or \i's it.
\set ON_ERROR_STOP 1
\set tradeflow_load_quiet :QUIET
\set QUIET on

BEGIN;
SET LOCAL client_encoding = 'UTF8';
SET LOCAL client_min_messages = warning;

DROP SCHEMA IF EXISTS trade CASCADE;
CREATE SCHEMA trade;
COMMENT ON SCHEMA trade IS
'real trade data shipped with tradeflow (data/load.sql); Source: IMF Direction of Trade Statistics, national statistics offices, press figures in data/facts';

--
-- Raw files, as text, in temporary tables
--

-- IMF DOTS bulk export: UTF-8 BOM (in the header, which is skipped), CRLF
-- line ends, a trailing empty column, one column per year
CREATE TEMP TABLE raw_bilateral (
	reporter text,
	reporter_code text,
	indicator_name text,
	indicator text,
	partner text,
	partner_code text,
	attribute text,
	y2016 text,
	y2017 text,
	y2018 text,
	empty_column text
) ON COMMIT DROP;
\copy raw_bilateral FROM 'data/imf_dots/dots_bilateral_annual_2016_2018.csv' WITH (FORMAT csv, HEADER true)
ANALYZE raw_bilateral;

CREATE TEMP TABLE raw_china_dprk (
	reporter text,
	flow text,
	partner text,
	year int,
	value_musd numeric,
	imf_estimate int
) ON COMMIT DROP;
\copy raw_china_dprk FROM 'data/imf_dots/dots_china_dprk_by_partner_annual_1960_2020.csv' WITH (FORMAT csv, HEADER true)

CREATE TEMP TABLE raw_korea (country text, month text, exports numeric, imports numeric) ON COMMIT DROP;
\copy raw_korea FROM 'data/national_monthly/korea-china-trade-data.csv' WITH (FORMAT csv, HEADER true)

CREATE TEMP TABLE raw_usa (month text, exports text, imports text, balance text) ON COMMIT DROP;
\copy raw_usa FROM 'data/national_monthly/usa-china-trade-data.csv' WITH (FORMAT csv, HEADER true, DELIMITER ';')

CREATE TEMP TABLE raw_japan (month text, exports numeric, imports numeric) ON COMMIT DROP;
\copy raw_japan FROM 'data/national_monthly/japan-china-trade-data.csv' WITH (FORMAT csv, HEADER true, DELIMITER ';')

--
-- trade.imf_aggregate
--

CREATE TABLE trade.imf_aggregate (
	name text PRIMARY KEY,
	code text
);
COMMENT ON TABLE trade.imf_aggregate IS
'IMF country groups and unallocated ("not specified") rows, by the names used in the DOTS files; summing them with countries double-counts, so country-level queries exclude them';
COMMENT ON COLUMN trade.imf_aggregate.code IS
'IMF DOTS code (NULL for a group of the monthly file with no equivalent in the annual files)';

-- Groups (World, regions, EU, ...) and unallocated rows, by their IMF codes;
-- the names are taken from the bulk export, which the other annual file
-- shares.  Former countries (USSR, Yugoslavia, ...) are countries, not here.
INSERT INTO trade.imf_aggregate (name, code)
SELECT DISTINCT name, code
FROM raw_bilateral,
	LATERAL (VALUES (reporter, reporter_code), (partner, partner_code)) AS n(name, code)
WHERE code IN ('001', '080', '092', '110', '163', '200', '205', '400', '405',
			   '505', '603', '605', '901', '903', '910', '998',
			   -- "... not specified", "Countries & Areas not specified",
			   -- "Special Categories"
			   '399', '489', '598', '799', '884', '898', '899');

-- The monthly file names the groups differently
INSERT INTO trade.imf_aggregate (name, code) VALUES
	('All Countries, excluding the IO', '001'),
	('Export earnings: fuel', '080'),
	('Export earnings: nonfuel', '092'),
	('Advanced Economies (IMF)', '110'),
	('Euro Area (Member States and Institutions of the Euro Area) changing composition', '163'),
	('Emerging and Developing Countries', '200'),
	('Developing Asia (IMF)', '505'),
	('Community of Independent States (CIS)', '901'),
	('Other Countries n.i.e. (IMF)', '910'),
	('EU (Member States and Institutions of the European Union) changing composition', '998'),
	('Europe', NULL),
	('Middle East, North Africa, Afghanistan, and Pakistan', NULL);

--
-- trade.dots_annual
--

CREATE TABLE trade.dots_annual (
	reporter text NOT NULL,
	reporter_code text NOT NULL,
	partner text NOT NULL,
	partner_code text NOT NULL,
	flow text NOT NULL CHECK (flow IN ('export', 'import')),
	year int NOT NULL,
	period date NOT NULL,
	value_usd numeric NOT NULL,
	imf_estimate boolean NOT NULL,
	PRIMARY KEY (reporter_code, partner_code, flow, year)
);
COMMENT ON TABLE trade.dots_annual IS
'IMF DOTS bulk export 2016-2018, every reporter x counterpart (aggregates included: see trade.imf_aggregate); exports FOB (TXG_FOB_USD) and imports CIF (TMG_CIF_USD) in US dollars; empty cells are not loaded';
COMMENT ON COLUMN trade.dots_annual.imf_estimate IS
'the IMF marked the value as its estimate ("e" in the matching Status row)';

INSERT INTO trade.dots_annual
SELECT v.reporter, v.reporter_code, v.partner, v.partner_code,
	   CASE v.indicator WHEN 'TXG_FOB_USD' THEN 'export' ELSE 'import' END,
	   y.year, make_date(y.year, 1, 1), y.value::numeric,
	   coalesce(y.status = 'e', false)
FROM raw_bilateral AS v
	LEFT JOIN raw_bilateral AS s
		ON s.attribute = 'Status'
		AND s.reporter_code = v.reporter_code
		AND s.partner_code = v.partner_code
		AND s.indicator = v.indicator,
	LATERAL (VALUES (2016, v.y2016, s.y2016),
					(2017, v.y2017, s.y2017),
					(2018, v.y2018, s.y2018)) AS y(year, value, status)
WHERE v.attribute = 'Value'
	AND v.indicator IN ('TXG_FOB_USD', 'TMG_CIF_USD')
	AND y.value <> '';

CREATE INDEX ON trade.dots_annual (partner_code, year);

--
-- trade.china_dprk_annual
--

CREATE TABLE trade.china_dprk_annual (
	reporter text NOT NULL,
	flow text NOT NULL CHECK (flow IN ('export', 'import')),
	partner text NOT NULL,
	year int NOT NULL,
	period date NOT NULL,
	value_usd numeric NOT NULL,
	imf_estimate boolean NOT NULL,
	PRIMARY KEY (reporter, flow, partner, year)
);
COMMENT ON TABLE trade.china_dprk_annual IS
'IMF DOTS country sheets of China (mainland) and North Korea by partner, 1960-2020, in US dollars (aggregates included: see trade.imf_aggregate)';

-- The file repeats every Australia row (147 identical duplicates): DISTINCT
-- keeps one.  Duplicates that differed would violate the primary key.
INSERT INTO trade.china_dprk_annual
SELECT DISTINCT reporter,
	   CASE flow WHEN 'X' THEN 'export' WHEN 'M' THEN 'import' END,
	   partner, year, make_date(year, 1, 1),
	   value_musd * 1000000,
	   imf_estimate = 1
FROM raw_china_dprk;

--
-- trade.exports_to_world_monthly
--

CREATE TABLE trade.exports_to_world_monthly (
	period date NOT NULL,
	reporter text NOT NULL,
	partner text NOT NULL,
	value_usd double precision NOT NULL,
	PRIMARY KEY (reporter, partner, period)
);
COMMENT ON TABLE trade.exports_to_world_monthly IS
'IMF DOTS monthly exports to the world, 2020-01 to 2023-03, in US dollars as published (float artefacts such as 8173840.999999999 kept); reporters include aggregates';

\copy trade.exports_to_world_monthly (period, value_usd, reporter, partner) FROM 'data/imf_dots/dots_exports_to_world_monthly_2020_2023.csv' WITH (FORMAT csv, HEADER true)

--
-- trade.published_facts
--

CREATE TABLE trade.published_facts (
	fact_id text PRIMARY KEY,
	period text,
	reporter text,
	partner text,
	flow text,
	value_usd numeric,
	comparison text,
	source_publisher text,
	source_url text,
	note text
);
COMMENT ON TABLE trade.published_facts IS
'figures on China and North Korea trade transcribed from press reports, each with its source; period is text: "2020", "2020-10", "2020-01/02", "2016-2019"';

\copy trade.published_facts FROM 'data/facts/published_facts_china_dprk.csv' WITH (FORMAT csv, HEADER true)

--
-- trade.national_monthly
--

CREATE TABLE trade.national_monthly (
	reporter text NOT NULL,
	partner text NOT NULL,
	period date NOT NULL,
	exports numeric NOT NULL,
	imports numeric NOT NULL,
	unit text NOT NULL,
	source text NOT NULL,
	PRIMARY KEY (reporter, partner, period)
);
COMMENT ON TABLE trade.national_monthly IS
'monthly trade with China as published by South Korea, the United States and Japan, 2001-2019, each in its own unit (see unit)';

INSERT INTO trade.national_monthly
SELECT 'Korea, Rep. of', 'China', to_date(month, 'YYYY.MM'), exports, imports,
	   'thousand US dollars', 'Statistics Korea (KOSIS)'
FROM raw_korea
UNION ALL
SELECT 'United States', 'China', to_date(month, 'FMMonth YYYY'),
	   replace(exports, ',', '')::numeric, replace(imports, ',', '')::numeric,
	   'million US dollars', 'US Census Bureau'
FROM raw_usa
UNION ALL
SELECT 'Japan', 'China', to_date(month, 'YYYY/MM'), exports, imports,
	   'thousand Japanese yen', 'Japan Ministry of Finance'
FROM raw_japan;

ANALYZE trade.imf_aggregate, trade.dots_annual, trade.china_dprk_annual,
	trade.exports_to_world_monthly, trade.published_facts, trade.national_monthly;

COMMIT;

\set QUIET :tradeflow_load_quiet
\unset tradeflow_load_quiet
