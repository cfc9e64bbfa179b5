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

#include "windowapi.h"

typedef void (*TfRowVisitor) (WindowObject winobj, int64 pos, Datum value,
							  bool isnull, void *arg);

extern void TfScanPartition(WindowObject winobj, int argno,
							TfRowVisitor visit, void *arg);
extern void *TfPartitionAlloc(void *partition_local, Size size);

#endif							/* TRADEFLOW_PARTITION_SCAN_H */
