/*-------------------------------------------------------------------------
 *
 * rank_partner.c
 *	  rank_partner: where a partner stands, as an aggregate over each
 *	  partner's total, whose state is of type partner_totals (a per-partner
 *	  table with a target), and as a window function over the whole
 *	  partition.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "partition_scan.h"
#include "partner_table.h"

#define TOTALS_TYPNAME "partner_totals"

/*
 * partner_totals: the external image is the per-partner table's, its
 * text form the image in hexadecimal.
 */

static void
TotalsWrite(Datum value, StringInfo buf)
{
	TfPartnerTableWrite(TfPartnerTableFromDatum(value, false), buf);
}

static Datum
TotalsRead(TfReader *r)
{
	TfPartnerTable *table = TfPartnerTableRead(r, true);

	TfReadEnd(r);
	return PointerGetDatum(table);
}

static const TfImageType TotalsType = {
	TOTALS_TYPNAME, TotalsRead, TotalsWrite
};

TF_HEX_IMAGE_IO(partner_totals_in, partner_totals_out,
				partner_totals_recv, partner_totals_send, TotalsType);

/*
 * The aggregate
 */

/*
 * rank_partner_transfn(state, partner, value, target): adds a row to its
 * partner's total.
 */
PG_FUNCTION_INFO_V1(rank_partner_transfn);
Datum
rank_partner_transfn(PG_FUNCTION_ARGS)
{
	return TfPartnerTableTransition(fcinfo, TOTALS_TYPNAME, 3);
}

/*
 * rank_partner_final(state): the rank of the target by total value, largest
 * first, ties sharing the lowest rank; NULL when the target has no value.
 */
PG_FUNCTION_INFO_V1(rank_partner_final);
Datum
rank_partner_final(PG_FUNCTION_ARGS)
{
	const TfPartnerTable *table = TfPartnerTableArg(fcinfo, 0, false);
	TfPartnerKey target;
	TfTotal		total;

	if (!TfPartnerTableTarget(table, &target) ||
		!TfPartnerTableGet(table, target, &total))
		PG_RETURN_NULL();
	PG_RETURN_INT64(TfPartnerTableRank(table, &total));
}

/*
 * rank_partner_combine(state, state): adds the partner totals of the
 * second state to the first's.
 */
PG_FUNCTION_INFO_V1(rank_partner_combine);
Datum
rank_partner_combine(PG_FUNCTION_ARGS)
{
	return TfPartnerTableCombine(fcinfo, TOTALS_TYPNAME);
}

/*
 * The window function
 */

/*
 * What rank_partner's window form keeps for a partition: the rank of every
 * row in an array while the partition's values fit in work_mem, else the
 * ranks of the rows with a value in a sort by position, in temporary files.
 */
typedef struct RankWindowCache
{
	bool		computed;
	int64	   *ranks;			/* rank of each row, 0 for a NULL value */
	TfSpill    *spill;			/* or (position, rank), by position */
} RankWindowCache;

typedef struct RankedValue
{
	Datum		value;
	int64		pos;
} RankedValue;

/* qsort_interruptible comparator: larger values first. */
static int
CompareDescending(const void *a, const void *b, void *arg)
{
	TfValueType type = *(TfValueType *) arg;

	return TfValueCompare(type, ((const RankedValue *) b)->value,
						  ((const RankedValue *) a)->value);
}

/* What the scan of a partition for its ranks keeps. */
typedef struct RankScan
{
	TfValueType type;
	RankedValue *values;		/* in memory: the non-NULL values */
	int64		nvalues;
	int64		nrows;
	MemoryContext valuecxt;
	bool		overflow;		/* in memory: they did not fit in work_mem */
	TfSpill    *spill;			/* or (value, position), by value */
} RankScan;

/* Bytes of the in-memory path a row takes besides its value's copy. */
#define RANK_ROW_BYTES	(sizeof(RankedValue) + sizeof(int64))

static void
RankScanRow(WindowObject winobj, int64 pos, Datum value, bool isnull, void *arg)
{
	RankScan   *scan = arg;

	if (isnull || scan->overflow)
		return;
	if (scan->spill != NULL)
	{
		Datum		row[2] = {value, Int64GetDatum(pos)};
		bool		nulls[2] = {false, false};

		TfSpillPut(scan->spill, row, nulls);
		return;
	}
	scan->values[scan->nvalues].value = TfValueCopy(scan->type, value,
													scan->valuecxt);
	scan->values[scan->nvalues].pos = pos;
	scan->nvalues++;
	/* numeric copies count too: stop when they pass work_mem */
	if (scan->type == TF_NUMERIC && scan->nvalues % 1024 == 0 &&
		!TfPartitionFits((double) MemoryContextMemAllocated(scan->valuecxt, true) +
						 scan->nrows * sizeof(int64)))
		scan->overflow = true;
}

/*
 * Ranks the partition's non-NULL values in memory, largest first, ties 1,
 * 2, 2, 4; returns false, having kept nothing, if they do not fit in
 * work_mem.
 */
static bool
RankWindowInMemory(WindowObject winobj, TfValueType type, RankWindowCache *cache)
{
	int64		nrows = WinGetPartitionRowCount(winobj);
	RankScan	scan;
	int64		i;

	if (!TfPartitionFits((double) nrows * RANK_ROW_BYTES))
		return false;
	memset(&scan, 0, sizeof(scan));
	scan.type = type;
	scan.nrows = nrows;
	scan.valuecxt = AllocSetContextCreate(CurrentMemoryContext,
										  "rank_partner values",
										  ALLOCSET_DEFAULT_SIZES);
	scan.values = MemoryContextAllocHuge(scan.valuecxt,
										 Max(nrows, 1) * sizeof(RankedValue));
	TfScanPartition(winobj, 0, RankScanRow, &scan);
	if (scan.overflow)
	{
		MemoryContextDelete(scan.valuecxt);
		return false;
	}

	/* a partition of millions of rows takes seconds: it can be cancelled */
	qsort_interruptible(scan.values, scan.nvalues, sizeof(RankedValue),
						CompareDescending, &type);

	cache->ranks = TfPartitionAlloc(cache, nrows * sizeof(int64));
	for (i = 0; i < scan.nvalues; i++)
	{
		RankedValue *v = &scan.values[i];

		CHECK_FOR_INTERRUPTS();
		if (i > 0 && TfValueCompare(type, v[-1].value, v->value) == 0)
			cache->ranks[v->pos] = cache->ranks[v[-1].pos];
		else
			cache->ranks[v->pos] = i + 1;
	}

	MemoryContextDelete(scan.valuecxt);
	return true;
}

/*
 * Ranks the partition's non-NULL values as RankWindowInMemory does, in
 * temporary files: sorts (value, position) by value, largest first, ranks
 * them in that order and sorts (position, rank) back by position, for the
 * calls of the rows to read in turn.
 */
static void
RankWindowSpill(WindowObject winobj, FunctionCallInfo fcinfo, TfValueType type,
				RankWindowCache *cache)
{
	MemoryContext querycxt = fcinfo->flinfo->fn_mcxt;
	Oid			byvalue_types[2] = {TfArgTypeOnce(fcinfo, 0), INT8OID};
	Oid			byposition_types[2] = {INT8OID, INT8OID};
	bool		descending = true;
	bool		ascending = false;
	RankScan	scan;
	MemoryContext rowcxt;
	MemoryContext previouscxt;
	MemoryContext oldcxt;
	Datum		previous = (Datum) 0;
	int64		i = 0;
	int64		rank = 0;

	memset(&scan, 0, sizeof(scan));
	scan.type = type;
	scan.spill = TfSpillBegin(cache, querycxt, 2, byvalue_types, 1, &descending);
	TfScanPartition(winobj, 0, RankScanRow, &scan);
	TfSpillSort(scan.spill);

	cache->spill = TfSpillBegin(cache, querycxt, 2, byposition_types, 1, &ascending);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "rank_partner row",
								   ALLOCSET_SMALL_SIZES);
	previouscxt = AllocSetContextCreate(CurrentMemoryContext,
										"rank_partner previous value",
										ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(rowcxt);
	while (TfSpillNext(scan.spill))
	{
		Datum		value = scan.spill->slot->tts_values[0];
		Datum		row[2];
		bool		nulls[2] = {false, false};

		i++;
		if (i == 1 || TfValueCompare(type, previous, value) != 0)
		{
			rank = i;
			MemoryContextReset(previouscxt);
			previous = TfValueCopy(type, value, previouscxt);
		}
		row[0] = scan.spill->slot->tts_values[1];
		row[1] = Int64GetDatum(rank);
		TfSpillPut(cache->spill, row, nulls);
		MemoryContextReset(rowcxt);
	}
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(rowcxt);
	MemoryContextDelete(previouscxt);
	TfSpillEnd(scan.spill);
	TfSpillSort(cache->spill);
}

/*
 * rank_partner(value) OVER (PARTITION BY ...): rank of this row's value in
 * its whole partition, largest first; needs no ORDER BY.
 */
PG_FUNCTION_INFO_V1(rank_partner_window);
Datum
rank_partner_window(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	int64		pos = WinGetCurrentPosition(winobj);
	TfValueType type = TfArgValueTypeOnce(fcinfo, 0);
	RankWindowCache *cache;

	cache = WinGetPartitionLocalMemory(winobj, sizeof(RankWindowCache));
	if (!cache->computed)
	{
		if (!RankWindowInMemory(winobj, type, cache))
			RankWindowSpill(winobj, fcinfo, type, cache);
		cache->computed = true;
	}

	/*
	 * No mark is set (see TfScanPartition): the partition stays in the
	 * window's tuplestore until it ends.
	 */

	if (cache->spill != NULL)
	{
		if (!TfSpillSeek(cache->spill, pos))
			PG_RETURN_NULL();
		PG_RETURN_INT64(DatumGetInt64(cache->spill->slot->tts_values[1]));
	}
	if (cache->ranks[pos] == 0)
		PG_RETURN_NULL();
	PG_RETURN_INT64(cache->ranks[pos]);
}
