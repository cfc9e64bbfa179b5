/*-------------------------------------------------------------------------
 *
 * partition_scan.c
 *	  What tradeflow's window functions share (see partition_scan.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "partition_scan.h"

/*
 * Reads argument argno of every row of the current partition, in order, and
 * calls visit for each row.  What a visit allocates in the current memory
 * context (detoasted values, say) is freed after it, so the scan uses
 * memory for one row at a time; it can be cancelled between rows.
 */
void
TfScanPartition(WindowObject winobj, int argno, TfRowVisitor visit, void *arg)
{
	MemoryContext rowcxt = AllocSetContextCreate(CurrentMemoryContext,
												 "tradeflow partition row",
												 ALLOCSET_SMALL_SIZES);
	MemoryContext oldcxt = MemoryContextSwitchTo(rowcxt);
	int64		nrows = WinGetPartitionRowCount(winobj);
	int64		pos;

	for (pos = 0; pos < nrows; pos++)
	{
		bool		isnull;
		Datum		value;

		CHECK_FOR_INTERRUPTS();
		value = WinGetFuncArgInPartition(winobj, argno, pos, WINDOW_SEEK_HEAD,
										 false, &isnull, NULL);
		visit(winobj, pos, value, isnull, arg);
		MemoryContextReset(rowcxt);
	}
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(rowcxt);
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
