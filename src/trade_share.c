/*-------------------------------------------------------------------------
 *
 * trade_share.c
 *	  trade_share: a part's share of the whole, as a window function over
 *	  the whole partition, and as an aggregate whose state is of type
 *	  trade_share_state.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "partition_scan.h"
#include "state_io.h"
#include "total.h"

#define SHARE_TYPNAME "trade_share_state"

/*
 * The trade_share aggregate's state: a flat varlena holding two totals,
 * the part's (rows where is_part) and the whole's.  Layout version 2;
 * version 1, tradeflow 0.1's, is converted when read.
 */
#define SHARE_STATE_VERSION 2
#define SHARE_STATE_LEGACY 1

typedef struct ShareState
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;		/* SHARE_STATE_VERSION */
	uint8		kind;			/* a TfTotalKind */
	uint16		unused;
	int32		unused2;
	TfStoredTotal part;			/* followed by the whole's total */
} ShareState;

#define SharePart(state)	(&(state)->part)
#define ShareWhole(state) \
	((TfStoredTotal *) ((char *) SharePart(state) + \
						TF_STORED_TOTAL_BYTES(SharePart(state)->size)))

/*
 * Returns a new state, in the current memory context, holding the totals
 * part and whole; room says whether numeric totals get room to grow.
 */
static ShareState *
ShareStateBuild(const TfTotal *part, const TfTotal *whole, bool room)
{
	int32		partsize = TfStoredTotalSize(part, room);
	int32		wholesize = TfStoredTotalSize(whole, room);
	Size		len = offsetof(ShareState, part) + TF_STORED_TOTAL_BYTES(partsize) +
		TF_STORED_TOTAL_BYTES(wholesize);
	ShareState *state = palloc0(len);

	SET_VARSIZE(state, len);
	state->version = SHARE_STATE_VERSION;
	state->kind = (uint8) whole->kind;
	TfStoredTotalInit(SharePart(state), partsize, part);
	TfStoredTotalInit(ShareWhole(state), wholesize, whole);
	return state;
}

/* Sets part and whole to the totals of a state. */
static void
ShareStateTotals(const ShareState *state, TfTotal *part, TfTotal *whole)
{
	TfStoredTotalGet(SharePart(state), (TfTotalKind) state->kind, part);
	TfStoredTotalGet(ShareWhole(state), (TfTotalKind) state->kind, whole);
}

/*
 * Returns a detoasted state in the current layout: a state stored by
 * tradeflow 0.1 is converted.
 */
static ShareState *
ShareStateArg(void *detoasted)
{
	ShareState *state = detoasted;

	if (state->version == SHARE_STATE_LEGACY)
	{
		TfTotalKind kind = (TfTotalKind) state->kind;
		const char *stored = (const char *) SharePart(state);
		TfTotal		part;
		TfTotal		whole;

		stored += TfStoredTotalGetV1(stored, kind, &part);
		TfStoredTotalGetV1(stored, kind, &whole);
		return ShareStateBuild(&part, &whole, true);
	}
	if (state->version != SHARE_STATE_VERSION)
		elog(ERROR, "trade_share_state of unknown version %d", state->version);
	return state;
}

/*
 * Returns state after its totals were added to in place: the state itself,
 * or, when a total outgrew its space (grown_part or grown_whole not NULL,
 * holding the new total), a larger copy with the new totals.
 */
static ShareState *
ShareStateKeep(ShareState *state, const TfTotal *grown_part,
			   const TfTotal *grown_whole)
{
	TfTotal		part;
	TfTotal		whole;

	if (grown_part == NULL && grown_whole == NULL)
		return state;
	ShareStateTotals(state, &part, &whole);
	return ShareStateBuild(grown_part ? grown_part : &part,
						   grown_whole ? grown_whole : &whole, true);
}

/*
 * The external image: version (1), kind of totals, the part's total, the
 * whole's (TfTotalWrite).  Its text form is the image in hexadecimal.
 */
#define SHARE_IMAGE_VERSION 1

static void
ShareStateWrite(Datum value, StringInfo buf)
{
	ShareState *state = ShareStateArg(PG_DETOAST_DATUM(value));
	TfTotal		part;
	TfTotal		whole;

	ShareStateTotals(state, &part, &whole);
	pq_sendbyte(buf, SHARE_IMAGE_VERSION);
	pq_sendbyte(buf, state->kind);
	TfTotalWrite(buf, &part);
	TfTotalWrite(buf, &whole);
}

static Datum
ShareStateRead(TfReader *r)
{
	uint8		version = TfReadByte(r);
	uint8		kind;
	TfTotal		part;
	TfTotal		whole;

	if (version != SHARE_IMAGE_VERSION)
		TfReadInvalid(r, "The value has an unknown format version.");
	kind = TfReadByte(r);
	if (!TfTotalKindValid(kind))
		TfReadInvalid(r, "The value has an unknown kind of total.");
	TfTotalRead(r, (TfTotalKind) kind, &part);
	TfTotalRead(r, (TfTotalKind) kind, &whole);
	TfReadEnd(r);
	if (part.count > whole.count)
		TfReadInvalid(r, "The part has more values than the whole.");
	return PointerGetDatum(ShareStateBuild(&part, &whole, false));
}

static const TfImageType ShareStateType = {
	SHARE_TYPNAME, ShareStateRead, ShareStateWrite
};

TF_HEX_IMAGE_IO(trade_share_state_in, trade_share_state_out,
				trade_share_state_recv, trade_share_state_send, ShareStateType);

/*
 * The aggregate
 */

/*
 * Returns part / whole, or sets *isnull when the whole has no value or is
 * zero.  A part of no values is 0: a partner with no rows in a group whose
 * total is not zero has share 0.
 */
static float8
ShareOf(const TfTotal *part, const TfTotal *whole, bool *isnull)
{
	if (whole->count == 0 || TfTotalIsZero(whole))
	{
		*isnull = true;
		return 0.0;
	}
	return TfTotalRatio(part, whole, isnull);
}

/*
 * trade_share_transfn(state, value, is_part): adds a row to the totals.
 */
PG_FUNCTION_INFO_V1(trade_share_transfn);
Datum
trade_share_transfn(PG_FUNCTION_ARGS)
{
	TfValueType type = TfArgValueTypeOnce(fcinfo, 1);
	TfTotalKind kind = TfTotalKindOf(type);
	ShareState *state;
	TfTotal		part;
	TfTotal		whole;
	bool		part_fits = true;
	bool		whole_fits;

	if (PG_ARGISNULL(0))
	{
		TfTotalInit(&part, kind);
		state = ShareStateBuild(&part, &part, true);
	}
	else
	{
		state = ShareStateArg(TfStateArg(fcinfo, 0, true));
		TfTotalCheckKinds((TfTotalKind) state->kind, kind, SHARE_TYPNAME, true);
	}
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);

	whole_fits = TfStoredTotalAddValue(ShareWhole(state), kind, type,
									   PG_GETARG_DATUM(1), &whole);
	if (!PG_ARGISNULL(2) && PG_GETARG_BOOL(2))
		part_fits = TfStoredTotalAddValue(SharePart(state), kind, type,
										  PG_GETARG_DATUM(1), &part);
	PG_RETURN_POINTER(ShareStateKeep(state, part_fits ? NULL : &part,
									 whole_fits ? NULL : &whole));
}

/* Adds the totals of state b to those of state a; returns a, or a larger copy. */
static ShareState *
ShareStateMerge(ShareState *a, const ShareState *b)
{
	TfTotalKind kind = (TfTotalKind) a->kind;
	TfTotal		addpart;
	TfTotal		addwhole;
	TfTotal		part;
	TfTotal		whole;
	bool		part_fits;
	bool		whole_fits;

	TfTotalCheckKinds(kind, (TfTotalKind) b->kind, SHARE_TYPNAME, false);
	ShareStateTotals(b, &addpart, &addwhole);
	part_fits = TfStoredTotalAddTotal(SharePart(a), kind, &addpart, &part);
	whole_fits = TfStoredTotalAddTotal(ShareWhole(a), kind, &addwhole, &whole);
	return ShareStateKeep(a, part_fits ? NULL : &part, whole_fits ? NULL : &whole);
}

/*
 * trade_share_combine(state, state): adds two partial states.
 */
PG_FUNCTION_INFO_V1(trade_share_combine);
Datum
trade_share_combine(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return TfStateCombineNull(fcinfo);
	PG_RETURN_POINTER(ShareStateMerge(ShareStateArg(TfStateArg(fcinfo, 0, true)),
									  ShareStateArg(TfStateArg(fcinfo, 1, false))));
}

/*
 * trade_share_final(state): the part's total divided by the whole total.
 */
PG_FUNCTION_INFO_V1(trade_share_final);
Datum
trade_share_final(PG_FUNCTION_ARGS)
{
	TfTotal		part;
	TfTotal		whole;
	bool		isnull;
	float8		share;

	ShareStateTotals(ShareStateArg(TfStateArg(fcinfo, 0, false)), &part, &whole);
	share = ShareOf(&part, &whole, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(share);
}

/*
 * The window function
 */

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
	TfTotalKind kind;
	TfStoredTotal *total;		/* in totalcxt */
	MemoryContext totalcxt;
} ShareScan;

/* Returns a new stored total holding total, with room to grow, in cxt. */
static TfStoredTotal *
NewStoredTotal(MemoryContext cxt, const TfTotal *total)
{
	int32		size = TfStoredTotalSize(total, true);
	TfStoredTotal *stored = MemoryContextAlloc(cxt, TF_STORED_TOTAL_BYTES(size));

	TfStoredTotalInit(stored, size, total);
	return stored;
}

static void
ShareScanRow(WindowObject winobj, int64 pos, Datum value, bool isnull, void *arg)
{
	ShareScan  *scan = arg;
	TfTotal		grown;

	if (isnull ||
		TfStoredTotalAddValue(scan->total, scan->kind, scan->type, value, &grown))
		return;
	/* a numeric total that outgrew its space moves to a larger one */
	scan->total = NewStoredTotal(scan->totalcxt, &grown);
}

/* Computes the exact total of the partition's non-NULL values. */
static void
ShareWindowTotal(WindowObject winobj, TfValueType type, ShareWindowCache *cache)
{
	ShareScan	scan;
	TfTotal		total;

	scan.type = type;
	scan.kind = TfTotalKindOf(type);
	scan.totalcxt = AllocSetContextCreate(CurrentMemoryContext,
										  "trade_share total",
										  ALLOCSET_SMALL_SIZES);
	TfTotalInit(&total, scan.kind);
	scan.total = NewStoredTotal(scan.totalcxt, &total);
	TfScanPartition(winobj, 0, ShareScanRow, &scan);

	TfStoredTotalGet(scan.total, scan.kind, &total);
	cache->total_usable = total.count > 0 && !TfTotalIsZero(&total);
	if (cache->total_usable)
		cache->total = TfTotalToFloat8(&total);
	cache->computed = true;
	MemoryContextDelete(scan.totalcxt);
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
	TfValueType type = TfArgValueTypeOnce(fcinfo, 0);
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
	if (share == 0.0 && type != TF_FLOAT8)
		share = 0.0;			/* a numeric quotient has no -0 */
	PG_RETURN_FLOAT8(share);
}
