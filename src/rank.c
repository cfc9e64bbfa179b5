/*-------------------------------------------------------------------------
 *
 * rank.c
 *	  rank_partner: where a partner stands, as a window function over the
 *	  whole partition and as an aggregate over per-partner totals, with its
 *	  state type partner_totals.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "tradeflow.h"

#define PARTNER_TOTALS_VERSION 1

/* Partners are text or bigint; a key holds the text's bytes or the int64. */
typedef enum PartnerKeyType
{
	PARTNER_TEXT = 1,
	PARTNER_BIGINT = 2
} PartnerKeyType;

typedef struct PartnerKey
{
	const char *data;
	int32		len;
} PartnerKey;

typedef struct PartnerEntry
{
	PartnerKey	key;
	uint32		hash;
	char		status;
	TfSum		sum;
} PartnerEntry;

#define SH_PREFIX		partnerhash
#define SH_ELEMENT_TYPE PartnerEntry
#define SH_KEY_TYPE		PartnerKey
#define SH_KEY			key
#define SH_HASH_KEY(tb, k) hash_bytes((const unsigned char *) (k).data, (k).len)
#define SH_EQUAL(tb, a, b) ((a).len == (b).len && memcmp((a).data, (b).data, (a).len) == 0)
#define SH_SCOPE		static inline
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* State of the rank_partner aggregate: each partner's total, and the target. */
typedef struct PartnerTotals
{
	TfState		common;
	TfSumKind	kind;
	PartnerKeyType keytype;
	bool		has_target;
	PartnerKey	target;
	partnerhash_hash *partners;
} PartnerTotals;

static void PartnerTotalsWrite(void *state, StringInfo buf);
static void *PartnerTotalsRead(TfReader *r, MemoryContext parent);

static const TfStateMethods PartnerTotalsMethods = {
	"partner_totals",
	PartnerTotalsWrite,
	PartnerTotalsRead
};

/* Returns a new state with no partners, below parent. */
static PartnerTotals *
PartnerTotalsCreate(TfSumKind kind, PartnerKeyType keytype, MemoryContext parent)
{
	PartnerTotals *state = TfStateCreate(&PartnerTotalsMethods,
										 sizeof(PartnerTotals), parent);

	state->kind = kind;
	state->keytype = keytype;
	state->partners = partnerhash_create(state->common.hdr.eoh_context, 64,
										 NULL);
	return state;
}

/* Returns a copy of key in the state's memory. */
static PartnerKey
CopyKey(PartnerTotals *state, PartnerKey key)
{
	char	   *data = MemoryContextAlloc(state->common.hdr.eoh_context,
										  Max(key.len, 1));

	memcpy(data, key.data, key.len);
	key.data = data;
	return key;
}

/* Returns the entry of a partner, created with no value if it is new. */
static PartnerEntry *
PartnerEntryFor(PartnerTotals *state, PartnerKey key, bool *found)
{
	PartnerEntry *entry = partnerhash_insert(state->partners, key, found);

	if (!*found)
	{
		entry->key = CopyKey(state, key);
		TfSumInit(&entry->sum);
	}
	return entry;
}

/* Returns the text of a key, for messages. */
static char *
KeyText(PartnerKeyType keytype, PartnerKey key)
{
	if (keytype == PARTNER_BIGINT)
	{
		int64		v;

		memcpy(&v, key.data, sizeof(v));
		return psprintf(INT64_FORMAT, v);
	}
	return pnstrdup(key.data, key.len);
}

/* Sets the state's target, or checks that it is the same as before. */
static void
SetTarget(PartnerTotals *state, PartnerKey target)
{
	if (!state->has_target)
	{
		state->target = CopyKey(state, target);
		state->has_target = true;
	}
	else if (!(state->target.len == target.len &&
			   memcmp(state->target.data, target.data, target.len) == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rank_partner target must be the same for all rows of a group"),
				 errdetail("Found targets \"%s\" and \"%s\".",
						   KeyText(state->keytype, state->target),
						   KeyText(state->keytype, target))));
}

/* Writes a key: its length, then the text's bytes or the big-endian int64. */
static void
WriteKey(StringInfo buf, PartnerKeyType keytype, PartnerKey key)
{
	pq_sendint32(buf, key.len);
	if (keytype == PARTNER_BIGINT)
	{
		int64		v;

		memcpy(&v, key.data, sizeof(v));
		pq_sendint64(buf, v);
	}
	else
		pq_sendbytes(buf, key.data, key.len);
}

/* Reads a key, checking that it is a valid text or bigint of this state. */
static PartnerKey
ReadKey(TfReader *r, PartnerKeyType keytype)
{
	PartnerKey	key;

	key.len = TfReadInt32(r);
	if (keytype == PARTNER_BIGINT)
	{
		int64	   *v = palloc(sizeof(int64));

		if (key.len != sizeof(int64))
			TfReadInvalid(r, "A bigint partner does not have 8 bytes.");
		*v = TfReadInt64(r);
		key.data = (const char *) v;
		return key;
	}
	key.data = TfReadBytes(r, key.len);
	if (memchr(key.data, '\0', key.len) != NULL ||
			 !pg_verify_mbstr(GetDatabaseEncoding(), key.data, key.len, true))
		TfReadInvalid(r, "A partner is not valid text in the database encoding.");
	return key;
}

/*
 * Binary image: version byte, sum kind byte, partner type byte, target flag
 * byte, the target if there is one, the number of partners, then each
 * partner and its total.
 */
static void
PartnerTotalsWrite(void *p, StringInfo buf)
{
	PartnerTotals *state = p;
	partnerhash_iterator it;
	PartnerEntry *entry;

	pq_sendbyte(buf, PARTNER_TOTALS_VERSION);
	pq_sendbyte(buf, (uint8) state->kind);
	pq_sendbyte(buf, (uint8) state->keytype);
	pq_sendbyte(buf, state->has_target ? 1 : 0);
	if (state->has_target)
		WriteKey(buf, state->keytype, state->target);
	pq_sendint32(buf, state->partners->members);
	partnerhash_start_iterate(state->partners, &it);
	while ((entry = partnerhash_iterate(state->partners, &it)) != NULL)
	{
		WriteKey(buf, state->keytype, entry->key);
		TfWriteSum(buf, state->kind, &entry->sum);
	}
}

static void *
PartnerTotalsRead(TfReader *r, MemoryContext parent)
{
	uint8		version = TfReadByte(r);
	uint8		kind;
	uint8		keytype;
	uint8		has_target;
	int32		npartners;
	PartnerTotals *state;
	int32		i;

	if (version != PARTNER_TOTALS_VERSION)
		TfReadInvalid(r, "The value has an unknown format version.");
	kind = TfReadByte(r);
	if (kind < TF_SUM_NUMERIC || kind > TF_SUM_INTEGER)
		TfReadInvalid(r, "The value has an unknown value type.");
	keytype = TfReadByte(r);
	if (keytype != PARTNER_TEXT && keytype != PARTNER_BIGINT)
		TfReadInvalid(r, "The value has an unknown partner type.");
	has_target = TfReadByte(r);
	if (has_target > 1)
		TfReadInvalid(r, "The value has an invalid target flag.");

	state = PartnerTotalsCreate((TfSumKind) kind, (PartnerKeyType) keytype,
								parent);
	if (has_target)
		SetTarget(state, ReadKey(r, state->keytype));

	npartners = TfReadInt32(r);
	if (npartners < 0)
		TfReadInvalid(r, "The value has a negative number of partners.");
	for (i = 0; i < npartners; i++)
	{
		PartnerKey	key = ReadKey(r, state->keytype);
		bool		found;
		PartnerEntry *entry;

		CHECK_FOR_INTERRUPTS();
		entry = PartnerEntryFor(state, key, &found);
		if (found)
			TfReadInvalid(r, "The value lists a partner twice.");
		TfReadSum(r, state->kind, &entry->sum, state->common.hdr.eoh_context);
		if (entry->sum.count == 0)
			TfReadInvalid(r, "The value lists a partner without a value.");
	}
	return state;
}

/* partner_totals_in, _out, _recv and _send */
TF_STATE_IO_FUNCTIONS(partner_totals, PartnerTotalsMethods);

/* Returns the partner type of argument argno. */
static PartnerKeyType
ArgKeyType(FunctionCallInfo fcinfo, int argno)
{
	Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, argno);

	if (typid == TEXTOID)
		return PARTNER_TEXT;
	if (typid == INT8OID)
		return PARTNER_BIGINT;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("rank_partner cannot use a partner of type %s",
					format_type_be(typid)),
			 errhint("Partners must be text or bigint.")));
	pg_unreachable();
}

/*
 * Returns the key of partner argument argno; for bigint, the int64 is put
 * in *storage, which must outlive the key.
 */
static PartnerKey
ArgKey(FunctionCallInfo fcinfo, int argno, PartnerKeyType keytype,
	   int64 *storage)
{
	PartnerKey	key;

	if (keytype == PARTNER_BIGINT)
	{
		*storage = PG_GETARG_INT64(argno);
		key.data = (const char *) storage;
		key.len = sizeof(int64);
	}
	else
	{
		text	   *t = PG_GETARG_TEXT_PP(argno);

		key.data = VARDATA_ANY(t);
		key.len = VARSIZE_ANY_EXHDR(t);
	}
	return key;
}

/* Checks that a state holds partners and totals of the caller's types. */
static void
CheckPartnerTypes(PartnerTotals *state, TfSumKind kind, PartnerKeyType keytype)
{
	if (state->kind != kind || state->keytype != keytype)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot combine partner_totals of different partner or value types")));
}

/*
 * rank_partner_transfn(state, partner, value, target): adds a row to its
 * partner's total.
 */
PG_FUNCTION_INFO_V1(rank_partner_transfn);
Datum
rank_partner_transfn(PG_FUNCTION_ARGS)
{
	PartnerKeyType keytype = ArgKeyType(fcinfo, 1);
	TfValueType type = TfArgValueType(fcinfo, 2);
	TfSumKind	kind = TfSumKindOf(type);
	bool		in_aggregate;
	MemoryContext cxt = TfStateContext(fcinfo, &in_aggregate);
	PartnerTotals *state;
	bool		changed = false;
	int64		storage;

	if (PG_ARGISNULL(0))
		state = PartnerTotalsCreate(kind, keytype, cxt);
	else
	{
		state = TfStateForUpdate(fcinfo, &PartnerTotalsMethods, 0, cxt,
								 in_aggregate);
		CheckPartnerTypes(state, kind, keytype);
	}

	if (!PG_ARGISNULL(3))
	{
		bool		had_target = state->has_target;

		SetTarget(state, ArgKey(fcinfo, 3, keytype, &storage));
		changed = !had_target;
	}

	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
	{
		bool		found;
		PartnerEntry *entry = PartnerEntryFor(state,
											  ArgKey(fcinfo, 1, keytype, &storage),
											  &found);

		TfSumAddValue(&entry->sum, type, PG_GETARG_DATUM(2),
					  state->common.hdr.eoh_context);
		changed = true;
	}

	if (changed)
		TfStateChanged(&state->common);
	return TfStateResult(&state->common, in_aggregate);
}

static void
PartnerTotalsMerge(void *into, void *from)
{
	PartnerTotals *a = into;
	PartnerTotals *b = from;
	partnerhash_iterator it;
	PartnerEntry *entry;

	CheckPartnerTypes(a, b->kind, b->keytype);
	if (b->has_target)
		SetTarget(a, b->target);
	partnerhash_start_iterate(b->partners, &it);
	while ((entry = partnerhash_iterate(b->partners, &it)) != NULL)
	{
		bool		found;
		PartnerEntry *mine = PartnerEntryFor(a, entry->key, &found);

		CHECK_FOR_INTERRUPTS();
		TfSumAddSum(&mine->sum, a->kind, &entry->sum,
					a->common.hdr.eoh_context);
	}
}

/*
 * rank_partner_combine(state, state): merges the partner totals of two
 * partial states.
 */
PG_FUNCTION_INFO_V1(rank_partner_combine);
Datum
rank_partner_combine(PG_FUNCTION_ARGS)
{
	return TfStateCombine(fcinfo, &PartnerTotalsMethods, PartnerTotalsMerge);
}

/*
 * rank_partner_final(state): the rank of the target by total value, largest
 * first, ties sharing the lowest rank; NULL when the target has no value.
 */
PG_FUNCTION_INFO_V1(rank_partner_final);
Datum
rank_partner_final(PG_FUNCTION_ARGS)
{
	PartnerTotals *state = TfStateReadOnly(&PartnerTotalsMethods,
										   PG_GETARG_DATUM(0));
	PartnerEntry *target;
	partnerhash_iterator it;
	PartnerEntry *entry;
	int64		rank = 1;

	if (!state->has_target)
		PG_RETURN_NULL();
	target = partnerhash_lookup(state->partners, state->target);
	if (target == NULL)
		PG_RETURN_NULL();

	partnerhash_start_iterate(state->partners, &it);
	while ((entry = partnerhash_iterate(state->partners, &it)) != NULL)
	{
		CHECK_FOR_INTERRUPTS();
		if (TfSumCompare(state->kind, &entry->sum, &target->sum) > 0)
			rank++;
	}
	PG_RETURN_INT64(rank);
}

/* What rank_partner's window form keeps for a partition. */
typedef struct RankWindowCache
{
	bool		computed;
	int64	   *ranks;			/* rank of each row, 0 for a NULL value */
} RankWindowCache;

typedef struct RankedValue
{
	Datum		value;
	int64		pos;
} RankedValue;

/* qsort_arg comparator: larger values first. */
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
	RankedValue *values;		/* the non-NULL values */
	int64		nvalues;
	MemoryContext valuecxt;
} RankScan;

static void
RankScanRow(WindowObject winobj, int64 pos, Datum value, bool isnull, void *arg)
{
	RankScan   *scan = arg;

	if (isnull)
		return;
	scan->values[scan->nvalues].value = TfValueCopy(scan->type, value,
													scan->valuecxt);
	scan->values[scan->nvalues].pos = pos;
	scan->nvalues++;
}

/* Ranks the partition's non-NULL values, largest first, ties 1, 2, 2, 4. */
static void
RankWindowCompute(WindowObject winobj, TfValueType type, RankWindowCache *cache)
{
	int64		nrows = WinGetPartitionRowCount(winobj);
	RankScan	scan;
	int64		i;

	scan.type = type;
	scan.nvalues = 0;
	scan.valuecxt = AllocSetContextCreate(CurrentMemoryContext,
										  "rank_partner values",
										  ALLOCSET_DEFAULT_SIZES);
	scan.values = MemoryContextAllocHuge(scan.valuecxt,
										 Max(nrows, 1) * sizeof(RankedValue));
	TfScanPartition(winobj, 0, RankScanRow, &scan);

	qsort_arg(scan.values, scan.nvalues, sizeof(RankedValue),
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
	cache->computed = true;
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
	RankWindowCache *cache;
	int64		pos = WinGetCurrentPosition(winobj);

	cache = WinGetPartitionLocalMemory(winobj, sizeof(RankWindowCache));
	if (!cache->computed)
		RankWindowCompute(winobj, TfArgValueType(fcinfo, 0), cache);

	/* only the current row's position is needed from now on */
	WinSetMarkPosition(winobj, pos);

	if (cache->ranks[pos] == 0)
		PG_RETURN_NULL();
	PG_RETURN_INT64(cache->ranks[pos]);
}
