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

/*
 * State of the trade_share aggregate: a flat varlena holding two totals,
 * the part's (rows where is_part) and the whole's, each in a slot.
 */
typedef struct ShareState
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;
	uint8		kind;			/* a TfSumKind */
	uint16		unused;
	int32		unused2;
	TfSlot		part;			/* followed by the whole's slot */
} ShareState;

#define SharePart(state)	(&(state)->part)
#define ShareWhole(state) \
	((TfSlot *) ((char *) SharePart(state) + TF_SLOT_BYTES(SharePart(state)->size)))

/*
 * Returns a new state, in the current memory context, holding the totals
 * part and whole; room says whether numeric slots get room to grow.
 */
static ShareState *
ShareStateBuild(TfSumKind kind, const TfSum *part, const TfSum *whole, bool room)
{
	int32		partsize = TfSlotDataSize(kind, part, room);
	int32		wholesize = TfSlotDataSize(kind, whole, room);
	Size		len = offsetof(ShareState, part) + TF_SLOT_BYTES(partsize) +
		TF_SLOT_BYTES(wholesize);
	ShareState *state = palloc0(len);

	SET_VARSIZE(state, len);
	state->version = SHARE_STATE_VERSION;
	state->kind = (uint8) kind;
	TfSlotInit(SharePart(state), partsize);
	TfSlotPut(SharePart(state), kind, part);
	TfSlotInit(ShareWhole(state), wholesize);
	TfSlotPut(ShareWhole(state), kind, whole);
	return state;
}

/* Returns a new state with no values. */
static ShareState *
ShareStateEmpty(TfSumKind kind)
{
	TfSum		none;

	TfSumInit(&none);
	return ShareStateBuild(kind, &none, &none, true);
}

/*
 * Returns state after its totals were added to in place: the state itself,
 * or, when a total outgrew its slot (grown_part or grown_whole not NULL,
 * holding the new total), a larger copy with the new totals.
 */
static ShareState *
ShareStateKeep(ShareState *state, const TfSum *grown_part,
			   const TfSum *grown_whole)
{
	TfSumKind	kind = (TfSumKind) state->kind;
	TfSum		part;
	TfSum		whole;

	if (grown_part == NULL && grown_whole == NULL)
		return state;
	if (grown_part != NULL)
		part = *grown_part;
	else
		TfSlotGet(SharePart(state), kind, &part);
	if (grown_whole != NULL)
		whole = *grown_whole;
	else
		TfSlotGet(ShareWhole(state), kind, &whole);
	return ShareStateBuild(kind, &part, &whole, true);
}

/*
 * Adds a value to the part (if is_part) and to the whole of state, in place
 * where the totals still fit; returns the state, or a larger copy.
 */
static ShareState *
ShareStateAdd(ShareState *state, TfValueType type, Datum value, bool is_part)
{
	TfSumKind	kind = (TfSumKind) state->kind;
	TfSum		part;
	TfSum		whole;
	bool		part_fits = true;
	bool		whole_fits;

	whole_fits = TfSlotAddValue(ShareWhole(state), kind, type, value, &whole);
	if (is_part)
		part_fits = TfSlotAddValue(SharePart(state), kind, type, value, &part);
	return ShareStateKeep(state, part_fits ? NULL : &part,
						  whole_fits ? NULL : &whole);
}

/* Binary image: version byte, sum kind byte, the part's total, the whole's. */
static void
ShareStateWrite(const void *p, StringInfo buf)
{
	const ShareState *state = p;
	TfSumKind	kind = (TfSumKind) state->kind;
	TfSum		sum;

	pq_sendbyte(buf, SHARE_STATE_VERSION);
	pq_sendbyte(buf, (uint8) kind);
	TfSlotGet(SharePart(state), kind, &sum);
	TfWriteSum(buf, kind, &sum);
	TfSlotGet(ShareWhole(state), kind, &sum);
	TfWriteSum(buf, kind, &sum);
}

static void *
ShareStateRead(TfReader *r)
{
	uint8		version = TfReadByte(r);
	uint8		kind;
	TfSum		part;
	TfSum		whole;

	if (version != SHARE_STATE_VERSION)
		TfReadInvalid(r, "The value has an unknown format version.");
	kind = TfReadByte(r);
	if (kind < TF_SUM_NUMERIC || kind > TF_SUM_INTEGER)
		TfReadInvalid(r, "The value has an unknown value type.");
	TfReadSum(r, (TfSumKind) kind, &part);
	TfReadSum(r, (TfSumKind) kind, &whole);
	if (part.count > whole.count)
		TfReadInvalid(r, "The part has more values than the whole.");
	return ShareStateBuild((TfSumKind) kind, &part, &whole, false);
}

static const TfStateMethods ShareStateMethods = {
	"trade_share_state",
	ShareStateWrite,
	ShareStateRead
};

/* Checks that a state holds totals of the kind the caller adds. */
static void
CheckShareKind(const ShareState *state, TfSumKind kind)
{
	if (state->version != SHARE_STATE_VERSION)
		elog(ERROR, "trade_share_state of unknown version %d", state->version);
	if (state->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot combine trade_share states of %s and %s values",
						TfSumKindName((TfSumKind) state->kind),
						TfSumKindName(kind))));
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
	TfValueType type = TfArgValueTypeOnce(fcinfo, 1);
	TfSumKind	kind = TfSumKindOf(type);
	ShareState *state;

	if (PG_ARGISNULL(0))
		state = ShareStateEmpty(kind);
	else
	{
		state = TfStateArg(fcinfo, 0, true);
		CheckShareKind(state, kind);
	}

	if (!PG_ARGISNULL(1))
		state = ShareStateAdd(state, type, PG_GETARG_DATUM(1),
							  !PG_ARGISNULL(2) && PG_GETARG_BOOL(2));
	PG_RETURN_POINTER(state);
}

static void *
ShareStateMerge(void *into, const void *from)
{
	ShareState *a = into;
	const ShareState *b = from;
	TfSumKind	kind = (TfSumKind) b->kind;
	TfSum		addpart;
	TfSum		addwhole;
	TfSum		part;
	TfSum		whole;
	bool		part_fits;
	bool		whole_fits;

	CheckShareKind(b, kind);
	CheckShareKind(a, kind);
	TfSlotGet(SharePart(b), kind, &addpart);
	TfSlotGet(ShareWhole(b), kind, &addwhole);
	part_fits = TfSlotAddSum(SharePart(a), kind, &addpart, &part);
	whole_fits = TfSlotAddSum(ShareWhole(a), kind, &addwhole, &whole);
	return ShareStateKeep(a, part_fits ? NULL : &part,
						  whole_fits ? NULL : &whole);
}

/*
 * trade_share_combine(state, state): adds two partial states.
 */
PG_FUNCTION_INFO_V1(trade_share_combine);
Datum
trade_share_combine(PG_FUNCTION_ARGS)
{
	return TfStateCombine(fcinfo, ShareStateMerge);
}

/*
 * trade_share_final(state): the part's total divided by the whole total.
 */
PG_FUNCTION_INFO_V1(trade_share_final);
Datum
trade_share_final(PG_FUNCTION_ARGS)
{
	const ShareState *state = TfStateArg(fcinfo, 0, false);
	TfSumKind	kind = (TfSumKind) state->kind;
	TfSum		part;
	TfSum		whole;
	bool		isnull;
	float8		share;

	CheckShareKind(state, kind);
	TfSlotGet(SharePart(state), kind, &part);
	TfSlotGet(ShareWhole(state), kind, &whole);
	share = ShareOf(kind, &part, &whole, &isnull);
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
	TfSumKind	kind;
	TfSlot	   *total;			/* in totalcxt */
	MemoryContext totalcxt;
} ShareScan;

static void
ShareScanRow(WindowObject winobj, int64 pos, Datum value, bool isnull, void *arg)
{
	ShareScan  *scan = arg;
	TfSum		grown;

	if (isnull ||
		TfSlotAddValue(scan->total, scan->kind, scan->type, value, &grown))
		return;
	/* a numeric total that outgrew its slot moves to a larger one */
	scan->total = MemoryContextAlloc(scan->totalcxt,
									 TF_SLOT_BYTES(TfSlotDataSize(scan->kind, &grown, true)));
	TfSlotInit(scan->total, TfSlotDataSize(scan->kind, &grown, true));
	TfSlotPut(scan->total, scan->kind, &grown);
}

/* Computes the exact total of the partition's non-NULL values. */
static void
ShareWindowTotal(WindowObject winobj, TfValueType type, ShareWindowCache *cache)
{
	ShareScan	scan;
	TfSum		total;

	scan.type = type;
	scan.kind = TfSumKindOf(type);
	scan.totalcxt = AllocSetContextCreate(CurrentMemoryContext,
										  "trade_share total",
										  ALLOCSET_SMALL_SIZES);
	scan.total = MemoryContextAlloc(scan.totalcxt,
									TF_SLOT_BYTES(TF_SLOT_FIXED_DATA));
	TfSlotInit(scan.total, TF_SLOT_FIXED_DATA);
	TfScanPartition(winobj, 0, ShareScanRow, &scan);

	TfSlotGet(scan.total, scan.kind, &total);
	cache->total_usable = total.count > 0 && !TfSumIsZero(scan.kind, &total);
	if (cache->total_usable)
		cache->total = TfSumToFloat8(scan.kind, &total);
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
	PG_RETURN_FLOAT8(share);
}
