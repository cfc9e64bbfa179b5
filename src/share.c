/*-------------------------------------------------------------------------
 *
 * share.c
 *	  trade_share: a part's share of the whole, as a window function over
 *	  the whole partition and as an aggregate with its state type
 *	  trade_share_state.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "tradeflow.h"

#define SHARE_STATE_VERSION 1

/* State of the trade_share aggregate. */
typedef struct ShareState
{
	TfState		common;
	TfSumKind	kind;
	TfSum		part;			/* total of the rows where is_part */
	TfSum		total;			/* total of all rows */
} ShareState;

static void ShareStateWrite(void *state, StringInfo buf);
static void *ShareStateRead(TfReader *r, MemoryContext parent);

static const TfStateMethods ShareStateMethods = {
	"trade_share_state",
	ShareStateWrite,
	ShareStateRead
};

/* Returns a new state with no values, below parent. */
static ShareState *
ShareStateCreate(TfSumKind kind, MemoryContext parent)
{
	ShareState *state = TfStateCreate(&ShareStateMethods, sizeof(ShareState),
									  parent);

	state->kind = kind;
	return state;
}

/*
 * Binary image: version byte, sum kind byte, the part's total, the whole
 * total.
 */
static void
ShareStateWrite(void *p, StringInfo buf)
{
	ShareState *state = p;

	pq_sendbyte(buf, SHARE_STATE_VERSION);
	pq_sendbyte(buf, (uint8) state->kind);
	TfWriteSum(buf, state->kind, &state->part);
	TfWriteSum(buf, state->kind, &state->total);
}

static void *
ShareStateRead(TfReader *r, MemoryContext parent)
{
	uint8		version = TfReadByte(r);
	uint8		kind;
	ShareState *state;

	if (version != SHARE_STATE_VERSION)
		TfReadInvalid(r, "The value has an unknown format version.");
	kind = TfReadByte(r);
	if (kind < TF_SUM_NUMERIC || kind > TF_SUM_INTEGER)
		TfReadInvalid(r, "The value has an unknown value type.");
	state = ShareStateCreate((TfSumKind) kind, parent);
	TfReadSum(r, state->kind, &state->part, state->common.hdr.eoh_context);
	TfReadSum(r, state->kind, &state->total, state->common.hdr.eoh_context);
	if (state->part.count > state->total.count)
		TfReadInvalid(r, "The part has more values than the whole.");
	return state;
}

/* Checks that a state holds totals of the kind the caller adds. */
static void
CheckShareKind(ShareState *state, TfSumKind kind)
{
	if (state->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot combine trade_share states of %s and %s values",
						TfSumKindName(state->kind), TfSumKindName(kind))));
}

/* Returns part / whole, or sets *isnull when either has no value or the whole is zero. */
static float8
ShareOf(TfSumKind kind, const TfSum *part, const TfSum *whole, bool *isnull)
{
	if (part->count == 0 || whole->count == 0 || TfSumIsZero(kind, whole))
	{
		*isnull = true;
		return 0.0;
	}
	return TfRatio(TfSumToFloat8(kind, part), TfSumToFloat8(kind, whole),
				   isnull);
}

/* trade_share_state_in, _out, _recv and _send */
TF_STATE_IO_FUNCTIONS(trade_share_state, ShareStateMethods);

/*
 * trade_share_transfn(state, value, is_part): adds a row to the totals.
 */
PG_FUNCTION_INFO_V1(trade_share_transfn);
Datum
trade_share_transfn(PG_FUNCTION_ARGS)
{
	TfValueType type = TfArgValueType(fcinfo, 1);
	TfSumKind	kind = TfSumKindOf(type);
	bool		in_aggregate;
	MemoryContext cxt = TfStateContext(fcinfo, &in_aggregate);
	ShareState *state;

	if (PG_ARGISNULL(0))
		state = ShareStateCreate(kind, cxt);
	else
	{
		state = TfStateForUpdate(fcinfo, &ShareStateMethods, 0, cxt,
								 in_aggregate);
		CheckShareKind(state, kind);
	}

	if (!PG_ARGISNULL(1))
	{
		Datum		value = PG_GETARG_DATUM(1);
		MemoryContext statecxt = state->common.hdr.eoh_context;

		TfSumAddValue(&state->total, type, value, statecxt);
		if (!PG_ARGISNULL(2) && PG_GETARG_BOOL(2))
			TfSumAddValue(&state->part, type, value, statecxt);
		TfStateChanged(&state->common);
	}
	return TfStateResult(&state->common, in_aggregate);
}

static void
ShareStateMerge(void *into, void *from)
{
	ShareState *a = into;
	ShareState *b = from;
	MemoryContext cxt = a->common.hdr.eoh_context;

	CheckShareKind(a, b->kind);
	TfSumAddSum(&a->part, a->kind, &b->part, cxt);
	TfSumAddSum(&a->total, a->kind, &b->total, cxt);
}

/*
 * trade_share_combine(state, state): adds two partial states.
 */
PG_FUNCTION_INFO_V1(trade_share_combine);
Datum
trade_share_combine(PG_FUNCTION_ARGS)
{
	return TfStateCombine(fcinfo, &ShareStateMethods, ShareStateMerge);
}

/*
 * trade_share_final(state): the part's total divided by the whole total.
 */
PG_FUNCTION_INFO_V1(trade_share_final);
Datum
trade_share_final(PG_FUNCTION_ARGS)
{
	ShareState *state = TfStateReadOnly(&ShareStateMethods, PG_GETARG_DATUM(0));
	bool		isnull;
	float8		share = ShareOf(state->kind, &state->part, &state->total,
								&isnull);

	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(share);
}

/* What trade_share's window form keeps for a partition. */
typedef struct ShareWindowCache
{
	bool		computed;
	bool		total_usable;	/* the partition has a non-zero total */
	float8		total;
} ShareWindowCache;

/* What the scan of a partition for its total keeps. */
typedef struct ShareScan
{
	TfValueType type;
	TfSum		total;
	MemoryContext sumcxt;
} ShareScan;

static void
ShareScanRow(WindowObject winobj, int64 pos, Datum value, bool isnull, void *arg)
{
	ShareScan  *scan = arg;

	if (!isnull)
		TfSumAddValue(&scan->total, scan->type, value, scan->sumcxt);
}

/* Computes the exact total of the partition's non-NULL values. */
static void
ShareWindowTotal(WindowObject winobj, TfValueType type, ShareWindowCache *cache)
{
	TfSumKind	kind = TfSumKindOf(type);
	ShareScan	scan;

	scan.type = type;
	TfSumInit(&scan.total);
	scan.sumcxt = AllocSetContextCreate(CurrentMemoryContext,
										"trade_share total",
										ALLOCSET_SMALL_SIZES);
	TfScanPartition(winobj, 0, ShareScanRow, &scan);

	cache->total_usable = scan.total.count > 0 &&
		!TfSumIsZero(kind, &scan.total);
	if (cache->total_usable)
		cache->total = TfSumToFloat8(kind, &scan.total);
	cache->computed = true;
	MemoryContextDelete(scan.sumcxt);
}

/*
 * trade_share(value) OVER (PARTITION BY ...): this row's value divided by
 * the total of its whole partition, computed once per partition.
 */
PG_FUNCTION_INFO_V1(trade_share_window);
Datum
trade_share_window(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	TfValueType type = TfArgValueType(fcinfo, 0);
	ShareWindowCache *cache;
	Datum		value;
	bool		isnull;
	float8		share;

	cache = WinGetPartitionLocalMemory(winobj, sizeof(ShareWindowCache));
	if (!cache->computed)
		ShareWindowTotal(winobj, type, cache);

	/* only the current row is read from now on */
	WinSetMarkPosition(winobj, WinGetCurrentPosition(winobj));

	value = WinGetFuncArgCurrent(winobj, 0, &isnull);
	if (isnull || !cache->total_usable)
		PG_RETURN_NULL();
	share = TfRatio(TfValueToFloat8(type, value), cache->total, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(share);
}
