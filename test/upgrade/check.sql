-- test/upgrade/check.sql: what 0.1 stored reads and answers as it did,
-- with this build's library: first under 0.1's SQL objects (the library
-- replaced, the extension not updated yet), then after ALTER EXTENSION
-- tradeflow UPDATE (psql variable tf_stage: before or after).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
SET search_path = stored, public;
BEGIN;
SELECT plan(11);

SELECT is((SELECT extversion FROM pg_extension WHERE extname = 'tradeflow'),
		  CASE WHEN :'tf_stage' = 'before' THEN '0.1' ELSE '0.2' END,
		  :'tf_stage' || ': the extension''s version');
SELECT is_empty($$
	SELECT grp FROM states JOIN answers USING (grp)
	WHERE trade_share_final(s_num) IS DISTINCT FROM a_s_num
	   OR trade_share_final(s_f8) IS DISTINCT FROM a_s_f8
	   OR trade_share_final(s_int) IS DISTINCT FROM a_s_int
	   OR rank_partner_final(t_num) IS DISTINCT FROM a_t_num
	   OR rank_partner_final(t_f8) IS DISTINCT FROM a_t_f8
	   OR rank_partner_final(t_int) IS DISTINCT FROM a_t_int$$,
	:'tf_stage' || ': every stored state gives the answer 0.1 gave');
SELECT is_empty($$
	SELECT grp FROM stored_states JOIN answers USING (grp)
	WHERE trade_share_final(s_num) IS DISTINCT FROM a_s_num
	   OR rank_partner_final(t_num) IS DISTINCT FROM a_t_num$$,
	:'tf_stage' || ': the states a materialized view stored give the same answers');
SELECT is_empty($$SELECT grp FROM states JOIN answers USING (grp) WHERE s_num::text <> s_num_text$$,
	:'tf_stage' || ': a stored trade_share_state prints as 0.1 printed it');
SELECT is_empty($$SELECT grp FROM states JOIN answers USING (grp)
				  WHERE t_num::text <> t_num_text::partner_totals::text$$,
	:'tf_stage' || ': a stored partner_totals and its 0.1 text form read back the same');
SELECT is_empty($$SELECT grp FROM states JOIN answers USING (grp)
				  WHERE rank_partner_final(t_num_text::partner_totals) IS DISTINCT FROM a_t_num$$,
	:'tf_stage' || ': the text form 0.1 wrote gives the answer');
SELECT is((SELECT trade_share_final(trade_share_combine(a.s_num, b.s_num))
		   FROM states a, states b WHERE a.grp = 1 AND b.grp = 2),
		  (SELECT trade_share(v, partner LIKE 'P1%') FROM rows WHERE grp IN (1, 2)),
		  :'tf_stage' || ': two stored trade_share states combine into the share of both groups');
SELECT is((SELECT rank_partner_final(rank_partner_combine(a.t_num, b.t_num))
		   FROM states a, states b WHERE a.grp = 1 AND b.grp = 2),
		  (SELECT rank_partner(partner, v, 'P3') FROM rows WHERE grp IN (1, 2)),
		  :'tf_stage' || ': two stored partner_totals combine into the rank in both groups');
SELECT is((SELECT rank_partner_final(rank_partner_transfn(t_num, 'P3', 1e6, 'P3')) FROM states WHERE grp = 3),
		  (SELECT rank_partner(partner, v, 'P3') FROM (SELECT partner, v FROM rows WHERE grp = 3
													 UNION ALL SELECT 'P3', 1e6) AS r),
		  :'tf_stage' || ': a stored state takes more rows');
REFRESH MATERIALIZED VIEW shares;
SELECT is_empty($$SELECT grp FROM shares JOIN answers USING (grp)
				  WHERE shares.rank IS DISTINCT FROM a_t_num$$,
	:'tf_stage' || ': a materialized view refreshes to the same ranks');
SELECT :'tf_stage' = 'after' AS tf_after \gset
\if :tf_after
SELECT is((SELECT count(DISTINCT t_num) FROM (SELECT t_num FROM states UNION ALL SELECT t_num FROM stored_states) s),
		  (SELECT count(*) FROM states),
		  'after: stored states have = and hashing: DISTINCT over the table and the view');
\else
SELECT pass('before: (the stored types have no = before 0.2)');
\endif

SELECT * FROM finish();
ROLLBACK;
