/*-------------------------------------------------------------------------
 *
 * partition_scan.h
 *	  What tradeflow's window functions share: reading the rows of their
 *	  whole partition once, when they are first called for it, and memory
 *	  that lives as long as the partition.
 *
 *-------------------------------------------------------------------------
 */
#ifndef TRADEFLOW_PARTITION_SCAN_H
#define TRADEFLOW_PARTITION_SCAN_H

#include "executor/tuptable.h"
#include "utils/tuplesort.h"
#include "windowapi.h"

typedef void (*TfRowVisitor) (WindowObject winobj, int64 pos, Datum value,
							  bool isnull, void *arg);

typedef void (*TfRowArgsVisitor) (WindowObject winobj, int64 pos,
								  const Datum *values, const bool *isnull,
								  void *arg);

extern void TfScanPartition(WindowObject winobj, int argno,
							TfRowVisitor visit, void *arg);
extern void TfScanPartitionArgs(WindowObject winobj, int nargs,
								const int *argnos, TfRowArgsVisitor visit,
								void *arg);
extern void *TfPartitionAlloc(void *partition_local, Size size);
extern bool TfPartitionFits(double bytes);

/*
 * A sort of rows of a few columns, PostgreSQL's tuplesort: in memory up to
 * work_mem, in temporary files beyond.  It lives until it is ended or the
 * partition it was begun for ends, whichever comes first.
 */
typedef struct TfSpill
{
	MemoryContext cxt;			/* the sort's, a child of the query's */
	Tuplesortstate *sort;		/* NULL once ended */
	TupleTableSlot *slot;		/* the row last put or read */
	bool		has_row;		/* TfSpillSeek: slot holds a row read */
	int64		sought;			/* TfSpillSeek: the position last sought */
	MemoryContextCallback at_partition_end;
} TfSpill;

extern TfSpill *TfSpillBegin(void *partition_local, MemoryContext querycxt,
							 int ncolumns, const Oid *types,
							 int nkeys, const bool *descending);
extern void TfSpillPut(TfSpill *spill, const Datum *values, const bool *isnull);
extern void TfSpillSort(TfSpill *spill);
extern bool TfSpillNext(TfSpill *spill);
extern bool TfSpillSeek(TfSpill *spill, int64 pos);
extern void TfSpillEnd(TfSpill *spill);

#endif							/* TRADEFLOW_PARTITION_SCAN_H */
