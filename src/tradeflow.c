/*-------------------------------------------------------------------------
 *
 * tradeflow.c
 *	  tradeflow: changes, shares and ranks for customs tables.  The module
 *	  magic lives here.  Each SQL family has the file of its name
 *	  (pct_change.c, trade_share.c, rank_partner.c); the mechanisms they
 *	  share have theirs: value.c (argument types and single values),
 *	  decimal.c (numerics as scaled 128-bit integers), total.c (exact
 *	  totals), partner_table.c (a group's total per partner), state_io.c
 *	  (stored values and their external images) and partition_scan.c
 *	  (window partitions).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;
