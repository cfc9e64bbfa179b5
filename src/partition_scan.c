/*-------------------------------------------------------------------------
 *
 * partition_scan.c
 *	  What tradeflow's window functions share (see partition_scan.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "partition_scan.h"

/*
 * Reads arguments argnos[0 .. nargs - 1] of every row of the current
 * partition, in order, and calls visit for each row.  What a visit
 * allocates in the current memory context (detoasted values, say) is freed
 * after it, so the scan uses memory for one row at a time; it can be
 * cancelled between rows.  Each further argument of a row reads the row
 * again (twice, as PostgreSQL steps forward and back to it).
 *
 * The window functions that scan their partition set no mark after: the
 * partition stays in the window's tuplestore (in work_mem, or in its
 * temporary file) until it ends.  A mark moved row by row would make a
 * tuplestore in a file seek between the mark and the current row, reading
 * a block for every row.
 */
void
TfScanPartitionArgs(WindowObject winobj, int nargs, const int *argnos,
					TfRowArgsVisitor visit, void *arg)
{
	MemoryContext rowcxt = AllocSetContextCreate(CurrentMemoryContext,
												 "tradeflow partition row",
												 ALLOCSET_SMALL_SIZES);
	MemoryContext oldcxt = CurrentMemoryContext;
	int64		nrows = WinGetPartitionRowCount(winobj);
	Datum	   *values = palloc(nargs * sizeof(Datum));
	bool	   *isnull = palloc(nargs * sizeof(bool));
	int64		pos;
	int			i;

	for (pos = 0; pos < nrows; pos++)
	{
		CHECK_FOR_INTERRUPTS();
		MemoryContextSwitchTo(rowcxt);
		for (i = 0; i < nargs; i++)
			values[i] = WinGetFuncArgInPartition(winobj, argnos[i], pos,
												 WINDOW_SEEK_HEAD, false,
												 &isnull[i], NULL);
		visit(winobj, pos, values, isnull, arg);
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(rowcxt);
	}
	MemoryContextDelete(rowcxt);
	pfree(values);
	pfree(isnull);
}

/* What TfScanPartition passes through TfScanPartitionArgs. */
typedef struct OneArgVisit
{
	TfRowVisitor visit;
	void	   *arg;
} OneArgVisit;

static void
VisitOneArg(WindowObject winobj, int64 pos, const Datum *values,
			const bool *isnull, void *arg)
{
	OneArgVisit *one = arg;

	one->visit(winobj, pos, values[0], isnull[0], one->arg);
}

/*
 * Reads argument argno of every row of the current partition, in order, and
 * calls visit for each row, as TfScanPartitionArgs does.
 */
void
TfScanPartition(WindowObject winobj, int argno, TfRowVisitor visit, void *arg)
{
	OneArgVisit one = {visit, arg};

	TfScanPartitionArgs(winobj, 1, &argno, VisitOneArg, &one);
}

/*
 * Returns zeroed memory of the given size (which may exceed 1GB) that lives
 * as long as the current partition: it is allocated in the memory context
 * of partition_local, the window function's WinGetPartitionLocalMemory.
 */
void *
TfPartitionAlloc(void *partition_local, Size size)
{
	return MemoryContextAllocExtended(GetMemoryChunkContext(partition_local),
									  Max(size, 1),
									  MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
}

/*
 * Returns whether arrays of the given size, kept for a partition, fit in
 * work_mem.  Past it, the window functions sort in temporary files
 * instead, as PostgreSQL's own sorts do; their arrays are sorted, not
 * hashed, so hash_mem_multiplier does not apply.
 */
bool
TfPartitionFits(double bytes)
{
	return bytes <= (double) work_mem * 1024.0;
}

/*
 * The end of the partition's memory: ends the sort, unless the transaction
 * is being aborted.  Then the sort's memory may be gone already (the
 * query's memory is deleted children first, and the sort's is younger than
 * the partition's) and its temporary files are closed by the resource
 * owner, as those of PostgreSQL's own sorts are.
 */
static void
SpillAtPartitionEnd(void *arg)
{
	TfSpill    *spill = arg;

	if (!IsTransactionState())
	{
		spill->sort = NULL;
		return;
	}
	TfSpillEnd(spill);
}

/*
 * Begins a sort of rows of the given column types, ordered by their first
 * nkeys columns (ascending, or descending where descending says so; keys
 * are never NULL), in work_mem.  querycxt, which must outlive the
 * partition, holds the sort; partition_local (the window function's
 * WinGetPartitionLocalMemory), whose memory holds the TfSpill, ties its
 * end, and the removal of its temporary files, to the end of the
 * partition.
 */
TfSpill *
TfSpillBegin(void *partition_local, MemoryContext querycxt, int ncolumns,
			 const Oid *types, int nkeys, const bool *descending)
{
	MemoryContext cxt = AllocSetContextCreate(querycxt, "tradeflow spill",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext oldcxt = MemoryContextSwitchTo(cxt);
	TfSpill    *spill = MemoryContextAllocZero(GetMemoryChunkContext(partition_local),
											   sizeof(TfSpill));
	TupleDesc	desc = CreateTemplateTupleDesc(ncolumns);
	AttrNumber *attnums = palloc(nkeys * sizeof(AttrNumber));
	Oid		   *operators = palloc(nkeys * sizeof(Oid));
	Oid		   *collations = palloc0(nkeys * sizeof(Oid));
	bool	   *nullsfirst = palloc0(nkeys * sizeof(bool));
	int			i;

	for (i = 0; i < ncolumns; i++)
		TupleDescInitEntry(desc, i + 1, NULL, types[i], -1, 0);
	for (i = 0; i < nkeys; i++)
	{
		TypeCacheEntry *entry = lookup_type_cache(types[i],
												  TYPECACHE_LT_OPR | TYPECACHE_GT_OPR);

		attnums[i] = i + 1;
		operators[i] = descending[i] ? entry->gt_opr : entry->lt_opr;
		if (!OidIsValid(operators[i]))
			elog(ERROR, "type %u has no ordering operator", types[i]);
	}
	spill->cxt = cxt;
	spill->sought = -1;
	spill->slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	spill->sort = tuplesort_begin_heap(desc, nkeys, attnums, operators,
									   collations, nullsfirst, work_mem,
									   NULL, TUPLESORT_NONE);
	MemoryContextSwitchTo(oldcxt);

	spill->at_partition_end.func = SpillAtPartitionEnd;
	spill->at_partition_end.arg = spill;
	MemoryContextRegisterResetCallback(GetMemoryChunkContext(partition_local),
									   &spill->at_partition_end);
	return spill;
}

/* Adds a row to a sort that has not been sorted yet. */
void
TfSpillPut(TfSpill *spill, const Datum *values, const bool *isnull)
{
	TupleTableSlot *slot = spill->slot;
	int			n = slot->tts_tupleDescriptor->natts;

	ExecClearTuple(slot);
	memcpy(slot->tts_values, values, n * sizeof(Datum));
	memcpy(slot->tts_isnull, isnull, n * sizeof(bool));
	ExecStoreVirtualTuple(slot);
	tuplesort_puttupleslot(spill->sort, slot);
}

/* Sorts the rows put, which can be cancelled. */
void
TfSpillSort(TfSpill *spill)
{
	tuplesort_performsort(spill->sort);
}

/*
 * Reads the next row of a sorted sort into spill->slot's tts_values and
 * tts_isnull, valid until the next read; returns false after the last.
 */
bool
TfSpillNext(TfSpill *spill)
{
	CHECK_FOR_INTERRUPTS();
	if (!tuplesort_gettupleslot(spill->sort, true, false, spill->slot, NULL))
		return false;
	slot_getallattrs(spill->slot);
	return true;
}

/*
 * For a sort of rows whose first column is a position in the partition
 * (int8), sorted by it, read as the window function is called for each row
 * in turn: reads on to the row of position pos, and returns whether there
 * is one (then in spill->slot).  The sort ends after its last row.
 */
bool
TfSpillSeek(TfSpill *spill, int64 pos)
{
	if (pos < spill->sought)
		elog(ERROR, "tradeflow window function called for row " INT64_FORMAT " after row " INT64_FORMAT,
			 pos, spill->sought);
	spill->sought = pos;
	for (;;)
	{
		int64		at;

		if (!spill->has_row)
		{
			if (spill->sort == NULL)
				return false;
			if (!TfSpillNext(spill))
			{
				TfSpillEnd(spill);
				return false;
			}
			spill->has_row = true;
		}
		at = DatumGetInt64(spill->slot->tts_values[0]);
		if (at >= pos)
			return at == pos;
		spill->has_row = false;
	}
}

/* Ends a sort, removing its temporary files; nothing if ended already. */
void
TfSpillEnd(TfSpill *spill)
{
	if (spill->sort == NULL)
		return;
	tuplesort_end(spill->sort);
	spill->sort = NULL;
	spill->slot = NULL;
	MemoryContextDelete(spill->cxt);
}
