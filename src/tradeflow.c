/*-------------------------------------------------------------------------
 *
 * tradeflow.c
 *	  tradeflow: changes, shares and ranks for customs tables.  The module
 *	  magic lives here; the functions are in change.c (pct_change),
 *	  share.c (trade_share) and rank.c (rank_partner).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;
