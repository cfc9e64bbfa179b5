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

/* Partners are text or bigint. */
typedef enum PartnerKeyType
{
	PARTNER_TEXT = 1,
	PARTNER_BIGINT = 2
} PartnerKeyType;

/* A partner as the aggregate sees it: the text's bytes, or the int64's. */
typedef struct PartnerKey
{
	const char *data;
	int32		len;
} PartnerKey;

/*
 * State of the rank_partner aggregate: a flat varlena holding a hash table
 * of partners with open addressing.  After the header come nbuckets
 * offsets (0 for an empty bucket) of the partners' entries; then the
 * entries and the target, each at a MAXALIGNed offset from the start of the
 * state.  The table is updated in place; an entry whose numeric total
 * outgrows its slot moves to the free space at the end, and when that runs
 * out the state is rebuilt, compacted, twice as large.
 */
typedef struct PartnerTotals
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;
	uint8		kind;			/* a TfSumKind */
	uint8		keytype;		/* a PartnerKeyType */
	uint8		unused;
	int32		nbuckets;		/* a power of two */
	int32		npartners;
	int32		used;			/* bytes in use: free space starts here */
	int32		target;			/* offset of the target's entry, or 0 */
	int32		buckets[FLEXIBLE_ARRAY_MEMBER];
} PartnerTotals;

/* A partner: its hash and key, then (for partners, not the target) a slot. */
typedef struct PartnerEntry
{
	uint32		hash;
	int32		keylen;
	char		key[FLEXIBLE_ARRAY_MEMBER];
} PartnerEntry;

#define EntryAt(state, off) ((PartnerEntry *) ((char *) (state) + (off)))
#define EntryKeyBytes(keylen) MAXALIGN(offsetof(PartnerEntry, key) + (keylen))
#define EntrySlot(entry) \
	((TfSlot *) ((char *) (entry) + EntryKeyBytes((entry)->keylen)))
#define EntryBytes(keylen, slotsize) \
	(EntryKeyBytes(keylen) + TF_SLOT_BYTES(slotsize))
#define HeaderBytes(nbuckets) \
	MAXALIGN(offsetof(PartnerTotals, buckets) + (nbuckets) * sizeof(int32))

#define INITIAL_BUCKETS 16
#define INITIAL_SPACE 512

/* What is added to a partner's total: one value, or another total. */
typedef struct Addend
{
	TfValueType type;			/* of value; ignored for a total */
	Datum		value;
	const TfSum *sum;			/* a total, or NULL for a value */
} Addend;

static uint32
KeyHash(PartnerKey key)
{
	return hash_bytes((const unsigned char *) key.data, key.len);
}

static bool
EntryHasKey(const PartnerEntry *entry, uint32 hash, PartnerKey key)
{
	return entry->hash == hash && entry->keylen == key.len &&
		memcmp(entry->key, key.data, key.len) == 0;
}

/* Returns a new state with no partners, of the given size, in the current memory context. */
static PartnerTotals *
PartnersNew(TfSumKind kind, PartnerKeyType keytype, int32 nbuckets, Size size)
{
	PartnerTotals *state;

	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("rank_partner has too many partners in one group")));
	state = palloc0(size);
	SET_VARSIZE(state, size);
	state->version = PARTNER_TOTALS_VERSION;
	state->kind = (uint8) kind;
	state->keytype = (uint8) keytype;
	state->nbuckets = nbuckets;
	state->used = HeaderBytes(nbuckets);
	return state;
}

/*
 * Returns the bucket of a partner: the one holding its entry, or the empty
 * one where it belongs.
 */
static int32
FindBucket(const PartnerTotals *state, uint32 hash, PartnerKey key)
{
	int32		mask = state->nbuckets - 1;
	int32		b = hash & mask;

	while (state->buckets[b] != 0 &&
		   !EntryHasKey(EntryAt(state, state->buckets[b]), hash, key))
		b = (b + 1) & mask;
	return b;
}

/* Appends a copy of an entry of the given size; returns its offset. */
static int32
AppendEntry(PartnerTotals *state, const void *entry, Size bytes)
{
	int32		off = state->used;

	Assert(off + bytes <= VARSIZE(state));
	memcpy((char *) state + off, entry, bytes);
	state->used += bytes;
	return off;
}

/*
 * Returns a state with room for an entry of the given size (and for one
 * more partner, if new_partner): the state itself, or a larger, compacted
 * copy in the current memory context.
 */
static PartnerTotals *
MakeRoom(PartnerTotals *state, Size bytes, bool new_partner)
{
	int32		nbuckets = state->nbuckets;
	Size		live = 0;
	PartnerTotals *grown;
	int32		b;

	if (new_partner && (state->npartners + 1) * 4 > nbuckets * 3)
		nbuckets *= 2;
	else if (state->used + bytes <= VARSIZE(state))
		return state;

	for (b = 0; b < state->nbuckets; b++)
	{
		if (state->buckets[b] != 0)
		{
			PartnerEntry *entry = EntryAt(state, state->buckets[b]);

			live += EntryBytes(entry->keylen, EntrySlot(entry)->size);
		}
	}
	if (state->target != 0)
		live += EntryKeyBytes(EntryAt(state, state->target)->keylen);

	grown = PartnersNew((TfSumKind) state->kind,
						(PartnerKeyType) state->keytype, nbuckets,
						2 * (HeaderBytes(nbuckets) + live + bytes));
	if (state->target != 0)
	{
		PartnerEntry *target = EntryAt(state, state->target);

		grown->target = AppendEntry(grown, target, EntryKeyBytes(target->keylen));
	}
	for (b = 0; b < state->nbuckets; b++)
	{
		PartnerEntry *entry;
		PartnerKey	key;

		if (state->buckets[b] == 0)
			continue;
		CHECK_FOR_INTERRUPTS();
		entry = EntryAt(state, state->buckets[b]);
		key.data = entry->key;
		key.len = entry->keylen;
		grown->buckets[FindBucket(grown, entry->hash, key)] =
			AppendEntry(grown, entry,
						EntryBytes(entry->keylen, EntrySlot(entry)->size));
	}
	grown->npartners = state->npartners;
	return grown;
}

/* Appends an entry for a partner with the total sum; returns its offset. */
static int32
AppendPartner(PartnerTotals *state, uint32 hash, PartnerKey key,
			  const TfSum *sum, int32 slotsize)
{
	PartnerEntry *entry = EntryAt(state, state->used);

	entry->hash = hash;
	entry->keylen = key.len;
	memcpy(entry->key, key.data, key.len);
	TfSlotInit(EntrySlot(entry), slotsize);
	TfSlotPut(EntrySlot(entry), (TfSumKind) state->kind, sum);
	state->used += EntryBytes(key.len, slotsize);
	return (char *) entry - (char *) state;
}

/*
 * Adds to the total of a partner, creating its entry if it is new.  Returns
 * the state, changed in place, or a larger copy.
 */
static PartnerTotals *
AddToPartner(PartnerTotals *state, PartnerKey key, const Addend *add)
{
	TfSumKind	kind = (TfSumKind) state->kind;
	uint32		hash = KeyHash(key);
	int32		b = FindBucket(state, hash, key);
	bool		is_new = state->buckets[b] == 0;
	TfSum		grown;
	int32		slotsize;

	if (!is_new)
	{
		TfSlot	   *slot = EntrySlot(EntryAt(state, state->buckets[b]));

		if (add->sum != NULL ? TfSlotAddSum(slot, kind, add->sum, &grown) :
			TfSlotAddValue(slot, kind, add->type, add->value, &grown))
			return state;
		/* the total outgrew its slot: the entry moves to a larger one */
	}
	else
	{
		TfSumInit(&grown);
		if (add->sum != NULL)
			TfSumAddSum(&grown, kind, add->sum);
		else
			TfSumAddValue(&grown, add->type, add->value);
	}

	slotsize = TfSlotDataSize(kind, &grown, true);
	state = MakeRoom(state, EntryBytes(key.len, slotsize), is_new);
	b = FindBucket(state, hash, key);
	state->buckets[b] = AppendPartner(state, hash, key, &grown, slotsize);
	if (is_new)
		state->npartners++;
	return state;
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

/* Returns the target of a state that has one. */
static PartnerKey
TargetKey(const PartnerTotals *state)
{
	PartnerEntry *target = EntryAt(state, state->target);
	PartnerKey	key;

	key.data = target->key;
	key.len = target->keylen;
	return key;
}

/*
 * Sets the state's target, or checks that it is the same as before.
 * Returns the state, or a larger copy.
 */
static PartnerTotals *
SetTarget(PartnerTotals *state, PartnerKey key)
{
	PartnerEntry *target;

	if (state->target != 0)
	{
		PartnerKey	old = TargetKey(state);

		if (old.len != key.len || memcmp(old.data, key.data, key.len) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("rank_partner target must be the same for all rows of a group"),
					 errdetail("Found targets \"%s\" and \"%s\".",
							   KeyText((PartnerKeyType) state->keytype, old),
							   KeyText((PartnerKeyType) state->keytype, key))));
		return state;
	}
	state = MakeRoom(state, EntryKeyBytes(key.len), false);
	target = EntryAt(state, state->used);
	target->hash = KeyHash(key);
	target->keylen = key.len;
	memcpy(target->key, key.data, key.len);
	state->target = state->used;
	state->used += EntryKeyBytes(key.len);
	return state;
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
/* qsort comparator: entries in the order of their keys' bytes. */
static int
CompareEntries(const void *a, const void *b)
{
	const PartnerEntry *x = *(PartnerEntry *const *) a;
	const PartnerEntry *y = *(PartnerEntry *const *) b;
	int			cmp = memcmp(x->key, y->key, Min(x->keylen, y->keylen));

	if (cmp != 0)
		return cmp;
	return (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

static void
PartnerTotalsWrite(const void *p, StringInfo buf)
{
	const PartnerTotals *state = p;
	PartnerKeyType keytype = (PartnerKeyType) state->keytype;
	PartnerEntry **entries = palloc(Max(state->npartners, 1) * sizeof(PartnerEntry *));
	int32		n = 0;
	int32		b;
	int32		i;

	pq_sendbyte(buf, PARTNER_TOTALS_VERSION);
	pq_sendbyte(buf, state->kind);
	pq_sendbyte(buf, state->keytype);
	pq_sendbyte(buf, state->target != 0 ? 1 : 0);
	if (state->target != 0)
		WriteKey(buf, keytype, TargetKey(state));
	pq_sendint32(buf, state->npartners);

	/* partners in the order of their keys, so equal states look the same */
	for (b = 0; b < state->nbuckets; b++)
	{
		if (state->buckets[b] != 0)
			entries[n++] = EntryAt(state, state->buckets[b]);
	}
	Assert(n == state->npartners);
	qsort(entries, n, sizeof(PartnerEntry *), CompareEntries);
	for (i = 0; i < n; i++)
	{
		PartnerEntry *entry = entries[i];
		PartnerKey	key;
		TfSum		sum;

		key.data = entry->key;
		key.len = entry->keylen;
		WriteKey(buf, keytype, key);
		TfSlotGet(EntrySlot(entry), (TfSumKind) state->kind, &sum);
		TfWriteSum(buf, (TfSumKind) state->kind, &sum);
	}
}

static void *
PartnerTotalsRead(TfReader *r)
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

	state = PartnersNew((TfSumKind) kind, (PartnerKeyType) keytype,
						INITIAL_BUCKETS,
						HeaderBytes(INITIAL_BUCKETS) + INITIAL_SPACE);
	if (has_target)
		state = SetTarget(state, ReadKey(r, (PartnerKeyType) keytype));

	npartners = TfReadInt32(r);
	if (npartners < 0)
		TfReadInvalid(r, "The value has a negative number of partners.");
	for (i = 0; i < npartners; i++)
	{
		PartnerKey	key = ReadKey(r, (PartnerKeyType) keytype);
		TfSum		sum;
		Addend		add;

		CHECK_FOR_INTERRUPTS();
		TfReadSum(r, (TfSumKind) kind, &sum);
		if (sum.count == 0)
			TfReadInvalid(r, "The value lists a partner without a value.");
		if (state->buckets[FindBucket(state, KeyHash(key), key)] != 0)
			TfReadInvalid(r, "The value lists a partner twice.");
		add.sum = &sum;
		state = AddToPartner(state, key, &add);
	}
	return state;
}

static const TfStateMethods PartnerTotalsMethods = {
	"partner_totals",
	PartnerTotalsWrite,
	PartnerTotalsRead
};

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
CheckPartnerTypes(const PartnerTotals *state, TfSumKind kind,
				  PartnerKeyType keytype)
{
	if (state->version != PARTNER_TOTALS_VERSION)
		elog(ERROR, "partner_totals of unknown version %d", state->version);
	if (state->kind != kind || state->keytype != keytype)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot combine partner_totals of different partner or value types")));
}

/*
 * What the transition function keeps between calls: the types of its
 * arguments, and the size a group's new state starts at: that of the last
 * state that had to grow, up to MAX_HINT_SIZE, so that groups like the ones
 * before it are not copied to larger states over and over as their
 * partners arrive.
 */
#define MAX_HINT_SIZE (32 * 1024)

typedef struct PartnersHint
{
	PartnerKeyType keytype;
	TfValueType type;
	int32		nbuckets;
	Size		size;
} PartnersHint;

/* Returns what the calling aggregate's transition function keeps. */
static PartnersHint *
GetHint(FunctionCallInfo fcinfo)
{
	PartnersHint *hint = fcinfo->flinfo->fn_extra;

	if (hint == NULL)
	{
		hint = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(PartnersHint));
		hint->keytype = ArgKeyType(fcinfo, 1);
		hint->type = TfArgValueType(fcinfo, 2);
		hint->nbuckets = INITIAL_BUCKETS;
		hint->size = HeaderBytes(INITIAL_BUCKETS) + INITIAL_SPACE;
		fcinfo->flinfo->fn_extra = hint;
	}
	return hint;
}

/*
 * rank_partner_transfn(state, partner, value, target): adds a row to its
 * partner's total.
 */
PG_FUNCTION_INFO_V1(rank_partner_transfn);
Datum
rank_partner_transfn(PG_FUNCTION_ARGS)
{
	PartnersHint *hint = GetHint(fcinfo);
	PartnerKeyType keytype = hint->keytype;
	TfValueType type = hint->type;
	TfSumKind	kind = TfSumKindOf(type);
	PartnerTotals *state;
	PartnerTotals *given;
	int64		storage;

	if (PG_ARGISNULL(0))
		state = PartnersNew(kind, keytype, hint->nbuckets, hint->size);
	else
	{
		state = TfStateArg(fcinfo, 0, true);
		CheckPartnerTypes(state, kind, keytype);
	}

	if (!PG_ARGISNULL(3))
		state = SetTarget(state, ArgKey(fcinfo, 3, keytype, &storage));

	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
	{
		Addend		add;

		add.type = type;
		add.value = PG_GETARG_DATUM(2);
		add.sum = NULL;
		given = state;
		state = AddToPartner(state, ArgKey(fcinfo, 1, keytype, &storage), &add);
		if (state != given && VARSIZE(state) <= MAX_HINT_SIZE)
		{
			hint->nbuckets = state->nbuckets;
			hint->size = VARSIZE(state);
		}
	}
	PG_RETURN_POINTER(state);
}

static void *
PartnerTotalsMerge(void *into, const void *from)
{
	PartnerTotals *state = into;
	const PartnerTotals *other = from;
	TfSumKind	kind = (TfSumKind) other->kind;
	int32		b;

	CheckPartnerTypes(other, kind, (PartnerKeyType) other->keytype);
	CheckPartnerTypes(state, kind, (PartnerKeyType) other->keytype);
	if (other->target != 0)
		state = SetTarget(state, TargetKey(other));
	for (b = 0; b < other->nbuckets; b++)
	{
		PartnerEntry *entry;
		PartnerKey	key;
		TfSum		sum;
		Addend		add;

		if (other->buckets[b] == 0)
			continue;
		CHECK_FOR_INTERRUPTS();
		entry = EntryAt(other, other->buckets[b]);
		key.data = entry->key;
		key.len = entry->keylen;
		TfSlotGet(EntrySlot(entry), kind, &sum);
		add.sum = &sum;
		state = AddToPartner(state, key, &add);
	}
	return state;
}

/*
 * rank_partner_combine(state, state): merges the partner totals of two
 * partial states.
 */
PG_FUNCTION_INFO_V1(rank_partner_combine);
Datum
rank_partner_combine(PG_FUNCTION_ARGS)
{
	return TfStateCombine(fcinfo, PartnerTotalsMerge);
}

/*
 * rank_partner_final(state): the rank of the target by total value, largest
 * first, ties sharing the lowest rank; NULL when the target has no value.
 */
PG_FUNCTION_INFO_V1(rank_partner_final);
Datum
rank_partner_final(PG_FUNCTION_ARGS)
{
	const PartnerTotals *state = TfStateArg(fcinfo, 0, false);
	TfSumKind	kind = (TfSumKind) state->kind;
	PartnerKey	target;
	int32		tb;
	const TfSlot *target_slot;
	int64		rank = 1;
	int32		b;

	CheckPartnerTypes(state, kind, (PartnerKeyType) state->keytype);
	if (state->target == 0)
		PG_RETURN_NULL();
	target = TargetKey(state);
	tb = FindBucket(state, KeyHash(target), target);
	if (state->buckets[tb] == 0)
		PG_RETURN_NULL();
	target_slot = EntrySlot(EntryAt(state, state->buckets[tb]));

	for (b = 0; b < state->nbuckets; b++)
	{
		if (state->buckets[b] == 0)
			continue;
		CHECK_FOR_INTERRUPTS();
		if (TfSlotCompare(EntrySlot(EntryAt(state, state->buckets[b])),
						  target_slot, kind) > 0)
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
