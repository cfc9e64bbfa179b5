/*-------------------------------------------------------------------------
 *
 * partner_table.c
 *	  The per-partner table (see partner_table.h).
 *
 *	  A table is a flat varlena: a header, then an open-addressing hash
 *	  table of fixed-size entries, one per partner, then an arena for what
 *	  does not fit an entry (partners longer than 8 bytes, numeric totals
 *	  beyond 128 bits, and the target).  A partner's total is added to in
 *	  place; a table that runs out of buckets or arena is rebuilt, twice
 *	  as large, in the current memory context.  A canonical table (stored
 *	  profiles, and whatever an input function returns) has as few buckets
 *	  as the load factor allows, no free arena, and its partners inserted
 *	  in partner order, so that equal tables are equal byte for byte.
 *
 *	  The layout is version 2.  Version 1, the state of tradeflow 0.1's
 *	  rank_partner aggregate, is converted when it is read.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "decimal.h"
#include "partner_table.h"

#define PARTNER_TABLE_VERSION 2
#define LEGACY_VERSION 1

/* flags */
#define HAS_TARGET		0x01	/* the target is set (partner_totals) */
#define CANONICAL		0x02	/* built by TfPartnerTableCanonical */

#define INLINE_KEY_BYTES 8
#define FAR_KEY			0xFFFF	/* keylen of a key kept in the arena */
#define MIN_BUCKETS		8
#define NUMERIC_ROOM	16		/* room to grow given to a numeric total */

/*
 * What a call site of a transition function that adds rows of a partner
 * and a value to a table keeps: the types of its arguments, and how many
 * partners a group's new table is made for.
 */
typedef struct PartnerAdder
{
	int			partner_argno;
	int			value_argno;
	TfPartnerType keytype;
	TfValueType type;
	TfTotalKind kind;
	int32		expected_partners;
} PartnerAdder;

/*
 * A bucket: empty (rep 0), or a partner and its total.  Partners of up to
 * 8 bytes (ISO codes, bigint codes) are kept in the entry, longer ones in
 * the arena; so are numeric totals that do not fit an int128.
 */
typedef struct PartnerEntry
{
	uint32		hash;			/* of the partner's bytes */
	uint8		rep;			/* a TfTotalRep, or 0 for an empty bucket */
	uint8		scale;			/* TF_REP_INT128: decimal places */
	uint16		keylen;			/* bytes of an inline partner, or FAR_KEY */
	union
	{
		char		bytes[INLINE_KEY_BYTES];
		struct
		{
			int32		offset; /* in the arena */
			int32		len;
		}			far;
	}			key;
	union
	{
		int64		half[2];	/* TF_REP_INT128, high half first */
		float8		f;			/* TF_REP_FLOAT8 */
		struct
		{
			int32		offset; /* in the arena */
			int32		size;	/* bytes reserved there */
		}			numeric;	/* TF_REP_NUMERIC */
	}			total;
} PartnerEntry;

StaticAssertDecl(sizeof(PartnerEntry) == 32, "a partner entry takes 32 bytes");

struct TfPartnerTable
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;		/* PARTNER_TABLE_VERSION */
	uint8		kind;			/* a TfTotalKind */
	uint8		keytype;		/* a TfPartnerType */
	uint8		flags;
	int32		nbuckets;
	int32		npartners;
	int32		arena_used;		/* bytes of the arena in use */
	int32		target_offset;	/* HAS_TARGET: the target, in the arena */
	int32		target_len;
	int32		unused;
	PartnerEntry buckets[FLEXIBLE_ARRAY_MEMBER];
	/* the arena follows the buckets, up to the end of the varlena */
};

#define TableBytes(nbuckets, arena) \
	(offsetof(TfPartnerTable, buckets) + (Size) (nbuckets) * sizeof(PartnerEntry) + (arena))
#define MAX_BUCKETS \
	((int32) ((MaxAllocSize - offsetof(TfPartnerTable, buckets)) / sizeof(PartnerEntry)))

static inline char *
Arena(const TfPartnerTable *table)
{
	return (char *) &table->buckets[table->nbuckets];
}

static inline Size
ArenaSize(const TfPartnerTable *table)
{
	return VARSIZE(table) - TableBytes(table->nbuckets, 0);
}

/* Returns the number of buckets that holds n partners at load 3/4 or less. */
static int32
BucketsFor(int64 n)
{
	int64		nbuckets = Max((n * 4 + 2) / 3, MIN_BUCKETS);

	if (nbuckets > MAX_BUCKETS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many partners in one group"),
				 errdetail("A group holds at most %d partners.",
						   MAX_BUCKETS / 4 * 3)));
	return (int32) nbuckets;
}

/*
 * Partners as arguments
 */

/*
 * Returns the partner type of an argument of the called function, of SQL
 * type typid: a partner or an array of partners.
 */
TfPartnerType
TfPartnerTypeOf(FunctionCallInfo fcinfo, Oid typid)
{
	Oid			collid = PG_GET_COLLATION();

	if (typid == INT8OID || typid == INT8ARRAYOID)
		return TF_PARTNER_BIGINT;
	if (typid != TEXTOID && typid != TEXTARRAYOID)
		elog(ERROR, "function %u is declared with a partner argument of type %s",
			 fcinfo->flinfo->fn_oid, format_type_be(typid));

	/*
	 * Partners are told apart by their bytes, as GROUP BY does under every
	 * deterministic collation; under a nondeterministic one GROUP BY would
	 * merge partners that differ in bytes, so they are refused.
	 */
	if (OidIsValid(collid) && collid != DEFAULT_COLLATION_OID &&
		collid != C_COLLATION_OID && !get_collation_isdeterministic(collid))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("nondeterministic collation \"%s\" is not supported for partners",
						get_collation_name(collid)),
				 errdetail("tradeflow tells partners apart by their bytes, where this collation makes different strings equal."),
				 errhint("Compare partners under a deterministic collation, for example partner COLLATE \"C\", or normalize them first, for example with upper(partner).")));
	return TF_PARTNER_TEXT;
}

/*
 * Returns the partner argument argno; for bigint, the int64 is put in
 * *storage, which must outlive the key.
 */
TfPartnerKey
TfArgPartnerKey(FunctionCallInfo fcinfo, int argno, TfPartnerType keytype,
				int64 *storage)
{
	TfPartnerKey key;

	if (keytype == TF_PARTNER_BIGINT)
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

/*
 * Returns what the call site of a transition function whose arguments
 * partner_argno and value_argno are a partner and a value keeps, made on
 * its first call.
 */
static PartnerAdder *
AdderOf(FunctionCallInfo fcinfo, int partner_argno, int value_argno)
{
	PartnerAdder *adder = fcinfo->flinfo->fn_extra;

	if (adder == NULL)
	{
		adder = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
									   sizeof(PartnerAdder));
		adder->partner_argno = partner_argno;
		adder->value_argno = value_argno;
		adder->keytype = TfPartnerTypeOf(fcinfo, TfArgType(fcinfo, partner_argno));
		adder->type = TfArgValueType(fcinfo, value_argno);
		adder->kind = TfTotalKindOf(adder->type);
		fcinfo->flinfo->fn_extra = adder;
	}
	return adder;
}

/*
 * Returns the table of a transition function's state argument 0 (see
 * TfPartnerTableArg), checked to hold the partners and totals its rows
 * add, or a new table if the state is NULL.
 */
static TfPartnerTable *
AdderState(PartnerAdder *adder, FunctionCallInfo fcinfo,
					const char *typname)
{
	TfPartnerTable *table;

	if (PG_ARGISNULL(0))
		return TfPartnerTableNew(adder->kind, adder->keytype,
								 adder->expected_partners);
	table = TfPartnerTableArg(fcinfo, 0, true);
	TfPartnerTableCheckTypes(table, typname, adder->kind, adder->keytype);
	return table;
}

/*
 * The most partners a new table is made for: a group's table starts at
 * the size that a little more than the last table that had to grow held
 * then, so that groups like the ones before do not grow again and again as
 * their partners arrive.
 */
#define MAX_EXPECTED_PARTNERS 2048

/*
 * Adds the row of the current call, unless its partner or value is NULL,
 * to a table.  Returns the table, changed in place, or a larger copy.
 */
static TfPartnerTable *
AdderAdd(PartnerAdder *adder, TfPartnerTable *table,
				  FunctionCallInfo fcinfo)
{
	TfPartnerTable *grown;
	int64		storage;
	int32		n;

	if (PG_ARGISNULL(adder->partner_argno) || PG_ARGISNULL(adder->value_argno))
		return table;
	grown = TfPartnerTableAddValue(table,
								   TfArgPartnerKey(fcinfo, adder->partner_argno,
												   adder->keytype, &storage),
								   adder->type,
								   PG_GETARG_DATUM(adder->value_argno));
	if (grown != table)
	{
		n = grown->npartners;
		adder->expected_partners = Min(Max(adder->expected_partners, n + n / 4),
									   MAX_EXPECTED_PARTNERS);
	}
	return grown;
}

/*
 * Returns the table of argument argno, detoasted and in the current
 * layout.  For an update inside an aggregate it is the aggregate's own
 * transition value, changed in place; for an update outside one it is a
 * copy, as the argument may be a stored value.
 */
TfPartnerTable *
TfPartnerTableArg(FunctionCallInfo fcinfo, int argno, bool for_update)
{
	return TfPartnerTableFromDatum(PG_GETARG_DATUM(argno),
								   for_update && !AggCheckCallContext(fcinfo, NULL));
}

/*
 * Returns the table a transition, combine or final function returns: as
 * it is inside an aggregate, canonical outside one, where the caller may
 * store it.
 */
Datum
TfPartnerTableResult(FunctionCallInfo fcinfo, TfPartnerTable *table)
{
	if (AggCheckCallContext(fcinfo, NULL))
		PG_RETURN_POINTER(table);
	PG_RETURN_POINTER(TfPartnerTableCanonical(table));
}

/*
 * The transition function of an aggregate whose state is a per-partner
 * table of type typname and whose arguments 1 and 2 are a partner and a
 * value, and, if target_argno is not -1, argument target_argno the target:
 * adds the row to its partner's total, and sets or checks the target.
 */
Datum
TfPartnerTableTransition(FunctionCallInfo fcinfo, const char *typname,
						 int target_argno)
{
	PartnerAdder *adder = AdderOf(fcinfo, 1, 2);
	TfPartnerTable *table;
	int64		storage;

	/* without a target to keep, a group has no table until it has a value */
	if (target_argno < 0 && PG_ARGISNULL(0) &&
		(PG_ARGISNULL(adder->partner_argno) || PG_ARGISNULL(adder->value_argno)))
		PG_RETURN_NULL();
	table = AdderState(adder, fcinfo, typname);
	if (target_argno >= 0 && !PG_ARGISNULL(target_argno))
		table = TfPartnerTableSetTarget(table,
										TfArgPartnerKey(fcinfo, target_argno,
														adder->keytype, &storage));
	return TfPartnerTableResult(fcinfo, AdderAdd(adder, table, fcinfo));
}

/*
 * The combine function of a per-partner table type typname: adds the
 * partner totals (and target) of the second table to the first's.
 */
Datum
TfPartnerTableCombine(FunctionCallInfo fcinfo, const char *typname)
{
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return TfStateCombineNull(fcinfo);
	return TfPartnerTableResult(fcinfo,
								TfPartnerTableMerge(TfPartnerTableArg(fcinfo, 0, true),
													TfPartnerTableArg(fcinfo, 1, false),
													typname));
}

/* Returns a partner as text. */
char *
TfPartnerKeyText(TfPartnerType keytype, TfPartnerKey key)
{
	if (keytype == TF_PARTNER_BIGINT)
	{
		int64		v;

		memcpy(&v, key.data, sizeof(v));
		return psprintf(INT64_FORMAT, v);
	}
	return pnstrdup(key.data, key.len);
}

/* Returns <0, 0 or >0 as partner a comes before, with or after b. */
int
TfPartnerKeyCompare(TfPartnerType keytype, TfPartnerKey a, TfPartnerKey b)
{
	int			cmp;

	if (keytype == TF_PARTNER_BIGINT)
	{
		int64		x,
					y;

		memcpy(&x, a.data, sizeof(x));
		memcpy(&y, b.data, sizeof(y));
		return (x > y) - (x < y);
	}
	cmp = memcmp(a.data, b.data, Min(a.len, b.len));
	if (cmp != 0)
		return cmp;
	return (a.len > b.len) - (a.len < b.len);
}

/*
 * Entries
 */

static inline uint32
KeyHash(TfPartnerKey key)
{
	return hash_bytes((const unsigned char *) key.data, key.len);
}

static inline TfPartnerKey
EntryKey(const TfPartnerTable *table, const PartnerEntry *entry)
{
	TfPartnerKey key;

	if (entry->keylen == FAR_KEY)
	{
		key.data = Arena(table) + entry->key.far.offset;
		key.len = entry->key.far.len;
	}
	else
	{
		key.data = entry->key.bytes;
		key.len = entry->keylen;
	}
	return key;
}

static inline int128
EntryInt128(const PartnerEntry *entry)
{
	return (int128) (((uint128) (uint64) entry->total.half[0] << 64) |
					 (uint64) entry->total.half[1]);
}

static inline void
SetEntryInt128(PartnerEntry *entry, int128 value)
{
	entry->total.half[0] = (int64) (value >> 64);
	entry->total.half[1] = (int64) (uint64) value;
}

/*
 * Sets total to the total of an entry.  The table keeps whether a partner
 * has values, not how many: the count is 1.  A numeric points into the
 * table.
 */
static void
EntryTotal(const TfPartnerTable *table, const PartnerEntry *entry, TfTotal *total)
{
	TfTotalInit(total, (TfTotalKind) table->kind);
	total->count = 1;
	total->rep = (TfTotalRep) entry->rep;
	switch (total->rep)
	{
		case TF_REP_INT128:
			total->v.i = EntryInt128(entry);
			total->scale = entry->scale;
			break;
		case TF_REP_FLOAT8:
			total->v.f = entry->total.f;
			break;
		case TF_REP_NUMERIC:
			total->v.n = (Numeric) (Arena(table) + entry->total.numeric.offset);
			break;
	}
}

/*
 * Returns the first bucket after bucket b (-1 to start) that holds a
 * partner, or -1 after the last: the loop over a table's partners is
 *	 for (b = NextPartner(table, -1); b >= 0; b = NextPartner(table, b))
 */
static inline int32
NextPartner(const TfPartnerTable *table, int32 b)
{
	while (++b < table->nbuckets)
	{
		if (table->buckets[b].rep != 0)
			return b;
	}
	return -1;
}

/*
 * Returns the bucket of a partner: the one holding it, or the empty one
 * where it belongs.  The table is never full, so the search ends.
 */
static int32
FindBucket(const TfPartnerTable *table, uint32 hash, TfPartnerKey key)
{
	int32		b = (int32) (((uint64) hash * (uint64) table->nbuckets) >> 32);

	for (;;)
	{
		const PartnerEntry *entry = &table->buckets[b];

		if (entry->rep == 0)
			return b;
		if (entry->hash == hash)
		{
			TfPartnerKey other = EntryKey(table, entry);

			if (other.len == key.len && memcmp(other.data, key.data, key.len) == 0)
				return b;
		}
		if (++b == table->nbuckets)
			b = 0;
	}
}

/* Returns the offset of size free bytes of the arena, or -1 if there are none. */
static int32
ArenaAlloc(TfPartnerTable *table, Size size)
{
	int32		offset = table->arena_used;

	size = MAXALIGN(size);
	if (offset + size > ArenaSize(table))
		return -1;
	table->arena_used += size;
	return offset;
}

/* Returns the arena bytes a total needs, with room to grow or not. */
static Size
TotalArenaBytes(const TfTotal *total, bool room)
{
	if (total->rep != TF_REP_NUMERIC)
		return 0;
	return MAXALIGN(VARSIZE(total->v.n)) + (room ? NUMERIC_ROOM : 0);
}

/* Returns the arena bytes a partner needs. */
static Size
KeyArenaBytes(TfPartnerKey key)
{
	return key.len > INLINE_KEY_BYTES ? MAXALIGN(key.len) : 0;
}

/*
 * Sets the total of an occupied (or about to be) entry.  Returns false,
 * changing nothing, when a numeric total needs arena space there is not.
 */
static bool
SetEntryTotal(TfPartnerTable *table, PartnerEntry *entry, const TfTotal *total,
			  bool room)
{
	switch (total->rep)
	{
		case TF_REP_INT128:
			SetEntryInt128(entry, total->v.i);
			break;
		case TF_REP_FLOAT8:
			entry->total.half[1] = 0;
			entry->total.f = total->v.f;
			break;
		case TF_REP_NUMERIC:
			{
				Size		len = VARSIZE(total->v.n);
				char	   *data;

				if (entry->rep != TF_REP_NUMERIC || len > entry->total.numeric.size)
				{
					Size		size = TotalArenaBytes(total, room);
					int32		offset = ArenaAlloc(table, size);

					if (offset < 0)
						return false;
					entry->total.numeric.offset = offset;
					entry->total.numeric.size = size;
				}
				data = Arena(table) + entry->total.numeric.offset;
				memmove(data, total->v.n, len);
				memset(data + len, 0, entry->total.numeric.size - len);
				break;
			}
	}
	entry->rep = (uint8) total->rep;
	entry->scale = (total->rep == TF_REP_INT128) ? (uint8) total->scale : 0;
	return true;
}

/*
 * Puts a new partner into an empty bucket.  The caller has made sure that
 * the arena has room for it.
 */
static void
FillEntry(TfPartnerTable *table, int32 b, uint32 hash, TfPartnerKey key,
		  const TfTotal *total, bool room)
{
	PartnerEntry *entry = &table->buckets[b];

	Assert(entry->rep == 0);
	entry->hash = hash;
	if (key.len > INLINE_KEY_BYTES)
	{
		int32		offset = ArenaAlloc(table, key.len);

		memcpy(Arena(table) + offset, key.data, key.len);
		entry->keylen = FAR_KEY;
		entry->key.far.offset = offset;
		entry->key.far.len = key.len;
	}
	else
	{
		entry->keylen = (uint16) key.len;
		memcpy(entry->key.bytes, key.data, key.len);
	}
	if (!SetEntryTotal(table, entry, total, room))
		elog(ERROR, "partner table has no room for a partner's total");
	table->npartners++;
}

/*
 * Tables
 */

/* Returns a new table with no partners, of the given size, zeroed. */
static TfPartnerTable *
Allocate(TfTotalKind kind, TfPartnerType keytype, int32 nbuckets, Size arena)
{
	Size		size = TableBytes(nbuckets, MAXALIGN(arena));
	TfPartnerTable *table;

	if (nbuckets > MAX_BUCKETS || size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many partners in one group"),
				 errdetail("The partners and totals of a group must fit 1 GB.")));
	table = palloc0(size);
	SET_VARSIZE(table, size);
	table->version = PARTNER_TABLE_VERSION;
	table->kind = (uint8) kind;
	table->keytype = (uint8) keytype;
	table->nbuckets = nbuckets;
	return table;
}

/*
 * Returns a new table with no partners and room for about
 * expected_partners partners of up to 8 bytes, in the current memory
 * context.
 */
TfPartnerTable *
TfPartnerTableNew(TfTotalKind kind, TfPartnerType keytype, int32 expected_partners)
{
	return Allocate(kind, keytype, BucketsFor(expected_partners), 0);
}

/* Sets the target of a table that has room for it in its arena. */
static void
PutTarget(TfPartnerTable *table, TfPartnerKey key)
{
	int32		offset = ArenaAlloc(table, key.len);

	Assert(offset >= 0);
	memcpy(Arena(table) + offset, key.data, key.len);
	table->target_offset = offset;
	table->target_len = key.len;
	table->flags |= HAS_TARGET;
}

/*
 * Returns the arena bytes the partners and target of a table take when
 * they are copied into a new table, where numeric totals get room to grow.
 */
static Size
LiveArenaBytes(const TfPartnerTable *table)
{
	Size		live = (table->flags & HAS_TARGET) ? MAXALIGN(table->target_len) : 0;
	int32		b;

	for (b = NextPartner(table, -1); b >= 0; b = NextPartner(table, b))
	{
		const PartnerEntry *entry = &table->buckets[b];
		TfTotal		total;

		EntryTotal(table, entry, &total);
		live += KeyArenaBytes(EntryKey(table, entry)) +
			TotalArenaBytes(&total, true);
	}
	return live;
}

/*
 * Returns a copy of a table with the given number of buckets and an arena
 * with room for extra more bytes (and as much again to grow), in the
 * current memory context.
 */
static TfPartnerTable *
Rebuild(const TfPartnerTable *table, int32 nbuckets, Size extra)
{
	TfPartnerTable *grown = Allocate((TfTotalKind) table->kind,
									 (TfPartnerType) table->keytype, nbuckets,
									 2 * (LiveArenaBytes(table) + extra));
	TfPartnerKey target;
	int32		b;

	if (TfPartnerTableTarget(table, &target))
		PutTarget(grown, target);
	for (b = NextPartner(table, -1); b >= 0; b = NextPartner(table, b))
	{
		const PartnerEntry *entry = &table->buckets[b];
		TfPartnerKey key;
		TfTotal		total;

		CHECK_FOR_INTERRUPTS();
		key = EntryKey(table, entry);
		EntryTotal(table, entry, &total);
		FillEntry(grown, FindBucket(grown, entry->hash, key), entry->hash, key,
				  &total, true);
	}
	return grown;
}

/*
 * Returns the table with a new partner and its total: the table itself, or
 * a larger copy.
 */
static TfPartnerTable *
InsertPartner(TfPartnerTable *table, uint32 hash, TfPartnerKey key,
			  const TfTotal *total)
{
	Size		extra = KeyArenaBytes(key) + TotalArenaBytes(total, true);

	if ((int64) (table->npartners + 1) * 4 > (int64) table->nbuckets * 3)
		table = Rebuild(table, BucketsFor((int64) table->npartners * 2 + 1), extra);
	else if (table->arena_used + extra > ArenaSize(table))
		table = Rebuild(table, table->nbuckets, extra);
	table->flags &= ~CANONICAL;
	FillEntry(table, FindBucket(table, hash, key), hash, key, total, true);
	return table;
}

/*
 * Returns the table with the total of the partner in bucket b set: the
 * table itself, or a larger copy.
 */
static TfPartnerTable *
StoreTotal(TfPartnerTable *table, int32 b, const TfTotal *total)
{
	TfPartnerKey key;
	uint32		hash;

	table->flags &= ~CANONICAL;
	if (SetEntryTotal(table, &table->buckets[b], total, true))
		return table;
	/* a numeric total outgrew its space: move to a larger arena */
	key = EntryKey(table, &table->buckets[b]);
	hash = table->buckets[b].hash;
	table = Rebuild(table, table->nbuckets, TotalArenaBytes(total, true));
	b = FindBucket(table, hash, key);
	if (!SetEntryTotal(table, &table->buckets[b], total, true))
		elog(ERROR, "partner table has no room for a partner's total");
	return table;
}

/*
 * Adds a value to an entry's total where that needs no arithmetic beyond
 * an int128 or float8 addition; returns false where it does.
 */
static inline bool
AddInPlace(PartnerEntry *entry, TfValueType type, Datum value)
{
	int128		addend;
	int128		sum;
	int			scale;

	switch (type)
	{
		case TF_NUMERIC:
			if (entry->rep != TF_REP_INT128 ||
				!TfDecimalFromDatum(value, &addend, &scale) ||
				scale != entry->scale)
				return false;
			break;
		case TF_INT8:
			addend = DatumGetInt64(value);
			break;
		case TF_INT4:
			addend = DatumGetInt32(value);
			break;
		case TF_FLOAT8:
			entry->total.f = float8_pl(entry->total.f, DatumGetFloat8(value));
			return true;
		default:
			return false;
	}
	if (__builtin_add_overflow(EntryInt128(entry), addend, &sum))
		return false;
	SetEntryInt128(entry, sum);
	return true;
}

/*
 * Adds a non-NULL value to the total of a partner, which is added if it is
 * new.  The value's type must make totals of the table's kind.  Returns
 * the table, changed in place, or a larger copy.
 */
TfPartnerTable *
TfPartnerTableAddValue(TfPartnerTable *table, TfPartnerKey key,
					   TfValueType type, Datum value)
{
	uint32		hash = KeyHash(key);
	int32		b = FindBucket(table, hash, key);
	PartnerEntry *entry = &table->buckets[b];
	TfTotal		total;

	if (entry->rep != 0)
	{
		if (AddInPlace(entry, type, value))
		{
			table->flags &= ~CANONICAL;
			return table;
		}
		EntryTotal(table, entry, &total);
		TfTotalAddValue(&total, type, value);
		return StoreTotal(table, b, &total);
	}
	TfTotalInit(&total, (TfTotalKind) table->kind);
	TfTotalAddValue(&total, type, value);
	return InsertPartner(table, hash, key, &total);
}

/*
 * Adds a total of the table's kind to the total of a partner, as
 * TfPartnerTableAddValue does.  A total of no values adds nothing.
 */
TfPartnerTable *
TfPartnerTableAddTotal(TfPartnerTable *table, TfPartnerKey key,
					   const TfTotal *total)
{
	uint32		hash = KeyHash(key);
	int32		b = FindBucket(table, hash, key);
	TfTotal		sum;

	if (total->count == 0)
		return table;
	if (table->buckets[b].rep != 0)
	{
		EntryTotal(table, &table->buckets[b], &sum);
		TfTotalAddTotal(&sum, total);
		return StoreTotal(table, b, &sum);
	}
	return InsertPartner(table, hash, key, total);
}

/* Sets *total to a partner's total; returns false if the table has no such partner. */
bool
TfPartnerTableGet(const TfPartnerTable *table, TfPartnerKey key, TfTotal *total)
{
	const PartnerEntry *entry = &table->buckets[FindBucket(table, KeyHash(key), key)];

	if (entry->rep == 0)
		return false;
	EntryTotal(table, entry, total);
	return true;
}

/* Sets *key to the target of a table; returns false if it has none. */
bool
TfPartnerTableTarget(const TfPartnerTable *table, TfPartnerKey *key)
{
	if (!(table->flags & HAS_TARGET))
		return false;
	key->data = Arena(table) + table->target_offset;
	key->len = table->target_len;
	return true;
}

/*
 * Sets the target of a table (the partner rank_partner ranks), or checks
 * that it is the one set before.  Returns the table, or a larger copy.
 */
TfPartnerTable *
TfPartnerTableSetTarget(TfPartnerTable *table, TfPartnerKey key)
{
	TfPartnerKey old;

	if (TfPartnerTableTarget(table, &old))
	{
		if (old.len != key.len || memcmp(old.data, key.data, key.len) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("rank_partner target must be the same for all rows of a group"),
					 errdetail("Found targets \"%s\" and \"%s\".",
							   TfPartnerKeyText((TfPartnerType) table->keytype, old),
							   TfPartnerKeyText((TfPartnerType) table->keytype, key))));
		return table;
	}
	if (table->arena_used + MAXALIGN(key.len) > ArenaSize(table))
		table = Rebuild(table, table->nbuckets, MAXALIGN(key.len));
	table->flags &= ~CANONICAL;
	PutTarget(table, key);
	return table;
}

/*
 * Checks that two tables hold partners of one type and totals of one kind,
 * so that they can be combined.
 */
static void
CheckSameTypes(const TfPartnerTable *a, const TfPartnerTable *b,
			   const char *typname)
{
	TfTotalCheckKinds((TfTotalKind) a->kind, (TfTotalKind) b->kind, typname, false);
	if (a->keytype != b->keytype)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot combine %s values of text and bigint partners",
						typname)));
}

/*
 * Checks that a table holds totals of the given kind and partners of the
 * given type: those its caller adds to it.
 */
void
TfPartnerTableCheckTypes(const TfPartnerTable *table, const char *typname,
						 TfTotalKind kind, TfPartnerType keytype)
{
	TfTotalCheckKinds((TfTotalKind) table->kind, kind, typname, true);
	if (table->keytype != keytype)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot add %s partners to a %s of %s partners",
						keytype == TF_PARTNER_TEXT ? "text" : "bigint", typname,
						keytype == TF_PARTNER_TEXT ? "bigint" : "text")));
}

/*
 * Adds every partner's total of from (and its target) to into.  Returns
 * into, changed in place, or a larger copy.
 */
TfPartnerTable *
TfPartnerTableMerge(TfPartnerTable *into, const TfPartnerTable *from,
					const char *typname)
{
	TfPartnerKey target;
	int32		b;

	CheckSameTypes(into, from, typname);
	if (TfPartnerTableTarget(from, &target))
		into = TfPartnerTableSetTarget(into, target);
	for (b = NextPartner(from, -1); b >= 0; b = NextPartner(from, b))
	{
		const PartnerEntry *entry = &from->buckets[b];
		TfTotal		total;

		CHECK_FOR_INTERRUPTS();
		EntryTotal(from, entry, &total);
		into = TfPartnerTableAddTotal(into, EntryKey(from, entry), &total);
	}
	return into;
}

TfTotalKind
TfPartnerTableKind(const TfPartnerTable *table)
{
	return (TfTotalKind) table->kind;
}

TfPartnerType
TfPartnerTableKeyType(const TfPartnerTable *table)
{
	return (TfPartnerType) table->keytype;
}

int32
TfPartnerTableCount(const TfPartnerTable *table)
{
	return table->npartners;
}

Size
TfPartnerTableSize(const TfPartnerTable *table)
{
	return VARSIZE(table);
}

/*
 * Returns the rank a total would have among the partners of a table:
 * 1 + the number of partners with a larger total (ties share the lowest
 * rank).
 */
int64
TfPartnerTableRank(const TfPartnerTable *table, const TfTotal *total)
{
	int64		rank = 1;
	int32		b;

	for (b = NextPartner(table, -1); b >= 0; b = NextPartner(table, b))
	{
		const PartnerEntry *entry = &table->buckets[b];
		TfTotal		other;

		/* totals held as int128s of one scale compare as they are */
		if (entry->rep == TF_REP_INT128 && total->rep == TF_REP_INT128 &&
			entry->scale == total->scale)
		{
			rank += EntryInt128(entry) > total->v.i;
			continue;
		}
		if ((b & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		EntryTotal(table, entry, &other);
		rank += TfTotalCompare(&other, total) > 0;
	}
	return rank;
}

/* qsort_interruptible comparator: partners in partner order. */
static int
ComparePartnerOrder(const void *a, const void *b, void *arg)
{
	return TfPartnerKeyCompare(*(TfPartnerType *) arg,
						   ((const TfPartner *) a)->key,
						   ((const TfPartner *) b)->key);
}

/*
 * Returns the partners of a table with their totals, in partner order if
 * sorted is true, in an array of TfPartnerTableCount elements (at least
 * one).  Partners and numeric totals point into the table.
 */
TfPartner *
TfPartnerTableList(const TfPartnerTable *table, bool sorted)
{
	TfPartner  *list = palloc_extended(Max(table->npartners, 1) * sizeof(TfPartner),
									   MCXT_ALLOC_HUGE);
	TfPartnerType keytype = (TfPartnerType) table->keytype;
	int32		n = 0;
	int32		b;

	for (b = NextPartner(table, -1); b >= 0; b = NextPartner(table, b))
	{
		const PartnerEntry *entry = &table->buckets[b];

		list[n].key = EntryKey(table, entry);
		EntryTotal(table, entry, &list[n].total);
		n++;
	}
	Assert(n == table->npartners);
	if (sorted)
		qsort_interruptible(list, n, sizeof(TfPartner), ComparePartnerOrder,
							&keytype);
	return list;
}

/*
 * Returns the canonical copy of a table, in the current memory context:
 * partners inserted in partner order into as few buckets as the load
 * factor allows, totals held as int128s wherever they fit, no free space,
 * and every unused byte zero, so that two tables of the same partners,
 * totals and target are equal byte for byte.
 */
TfPartnerTable *
TfPartnerTableCanonical(const TfPartnerTable *table)
{
	TfPartner  *list;
	TfPartnerTable *canonical;
	TfPartnerKey target;
	Size		arena = 0;
	int32		i;

	if (table->flags & CANONICAL)
		return (TfPartnerTable *) table;
	list = TfPartnerTableList(table, true);
	for (i = 0; i < table->npartners; i++)
	{
		TfTotal    *total = &list[i].total;

		if (total->rep == TF_REP_NUMERIC &&
			TfDecimalFromDatum(NumericGetDatum(total->v.n), &total->v.i,
							   &total->scale))
			total->rep = TF_REP_INT128;
		arena += KeyArenaBytes(list[i].key) + TotalArenaBytes(total, false);
	}
	if (TfPartnerTableTarget(table, &target))
		arena += MAXALIGN(target.len);

	canonical = Allocate((TfTotalKind) table->kind,
						 (TfPartnerType) table->keytype,
						 BucketsFor(table->npartners), arena);
	if (TfPartnerTableTarget(table, &target))
		PutTarget(canonical, target);
	for (i = 0; i < table->npartners; i++)
	{
		uint32		hash = KeyHash(list[i].key);

		CHECK_FOR_INTERRUPTS();
		FillEntry(canonical, FindBucket(canonical, hash, list[i].key), hash,
				  list[i].key, &list[i].total, false);
	}
	Assert(canonical->arena_used == ArenaSize(canonical));
	canonical->flags |= CANONICAL;
	pfree(list);
	return canonical;
}

/*
 * Version 1: the state of tradeflow 0.1's rank_partner aggregate, stored
 * as it was in memory.  Its header was followed by nbuckets offsets (0 for
 * an empty bucket) of variable-size entries: hash (uint32), key length
 * (int32), key, then, from the next MAXALIGNed offset, a version 1 stored
 * total (see TfStoredTotalGetV1).  The target was such an entry without a
 * total.
 */
typedef struct LegacyTable
{
	int32		vl_len_;
	uint8		version;
	uint8		kind;
	uint8		keytype;
	uint8		unused;
	int32		nbuckets;
	int32		npartners;
	int32		used;
	int32		target;			/* offset of the target's entry, or 0 */
	int32		buckets[FLEXIBLE_ARRAY_MEMBER];
} LegacyTable;

#define LEGACY_KEY_BYTES(keylen) MAXALIGN(2 * sizeof(int32) + (keylen))

/* Returns the key of a version 1 entry. */
static TfPartnerKey
LegacyKey(const LegacyTable *legacy, int32 offset)
{
	const char *entry = (const char *) legacy + offset;
	TfPartnerKey key;

	memcpy(&key.len, entry + sizeof(uint32), sizeof(int32));
	key.data = entry + 2 * sizeof(int32);
	return key;
}

/* Returns a table of the partners, totals and target of a version 1 table. */
static TfPartnerTable *
FromLegacy(const LegacyTable *legacy)
{
	TfTotalKind kind = (TfTotalKind) legacy->kind;
	TfPartnerTable *table = TfPartnerTableNew(kind,
											  (TfPartnerType) legacy->keytype,
											  legacy->npartners);
	int32		b;

	if (legacy->target != 0)
		table = TfPartnerTableSetTarget(table, LegacyKey(legacy, legacy->target));
	for (b = 0; b < legacy->nbuckets; b++)
	{
		TfPartnerKey key;
		TfTotal		total;

		if (legacy->buckets[b] == 0)
			continue;
		key = LegacyKey(legacy, legacy->buckets[b]);
		TfStoredTotalGetV1(key.data - 2 * sizeof(int32) + LEGACY_KEY_BYTES(key.len),
						   kind, &total);
		table = TfPartnerTableAddTotal(table, key, &total);
	}
	return table;
}

/*
 * Returns the table a datum holds, detoasted (and copied, if copy is true,
 * so that it can be changed), in the current layout.
 */
TfPartnerTable *
TfPartnerTableFromDatum(Datum d, bool copy)
{
	TfPartnerTable *table = (TfPartnerTable *) (copy ? PG_DETOAST_DATUM_COPY(d) :
												PG_DETOAST_DATUM(d));

	if (table->version == LEGACY_VERSION)
		return FromLegacy((const LegacyTable *) table);
	if (table->version != PARTNER_TABLE_VERSION)
		elog(ERROR, "partner table of unknown version %d", table->version);
	return table;
}

/*
 * The external image of a table, version 2: version, kind of totals, type
 * of partners and flags (1: a target follows), one byte each; the target;
 * the number of partners; then each partner, in partner order, and its
 * total's value (TfTotalWriteValue).  A partner is its length, then the
 * text's bytes or the big-endian int64.  Version 1 (tradeflow 0.1's
 * partner_totals) had a number of values before each total.
 */
static void
WriteKey(StringInfo buf, TfPartnerType keytype, TfPartnerKey key)
{
	pq_sendint32(buf, key.len);
	if (keytype == TF_PARTNER_BIGINT)
	{
		int64		v;

		memcpy(&v, key.data, sizeof(v));
		pq_sendint64(buf, v);
	}
	else
		pq_sendbytes(buf, key.data, key.len);
}

/* Reads a partner, checking that it is a valid text or bigint. */
static TfPartnerKey
ReadKey(TfReader *r, TfPartnerType keytype)
{
	TfPartnerKey key;

	key.len = TfReadInt32(r);
	if (keytype == TF_PARTNER_BIGINT)
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

void
TfPartnerTableWrite(const TfPartnerTable *table, StringInfo buf)
{
	TfPartnerType keytype = (TfPartnerType) table->keytype;
	TfPartner  *list = TfPartnerTableList(table, true);
	TfPartnerKey target;
	bool		has_target = TfPartnerTableTarget(table, &target);
	int32		i;

	pq_sendbyte(buf, PARTNER_TABLE_VERSION);
	pq_sendbyte(buf, table->kind);
	pq_sendbyte(buf, table->keytype);
	pq_sendbyte(buf, has_target ? 1 : 0);
	if (has_target)
		WriteKey(buf, keytype, target);
	pq_sendint32(buf, table->npartners);
	for (i = 0; i < table->npartners; i++)
	{
		WriteKey(buf, keytype, list[i].key);
		TfTotalWriteValue(buf, &list[i].total);
	}
	pfree(list);
}

/*
 * Reads the image of a table, version 1 or 2, fully validated, and returns
 * the canonical table.  A target is accepted only if allow_target is true.
 */
TfPartnerTable *
TfPartnerTableRead(TfReader *r, bool allow_target)
{
	uint8		version = TfReadByte(r);
	uint8		kind;
	uint8		keytype;
	uint8		flags;
	int32		npartners;
	TfPartnerTable *table;
	int32		i;

	if (version != LEGACY_VERSION && version != PARTNER_TABLE_VERSION)
		TfReadInvalid(r, "The value has an unknown format version.");
	kind = TfReadByte(r);
	if (!TfTotalKindValid(kind))
		TfReadInvalid(r, "The value has an unknown kind of total.");
	keytype = TfReadByte(r);
	if (keytype != TF_PARTNER_TEXT && keytype != TF_PARTNER_BIGINT)
		TfReadInvalid(r, "The value has an unknown partner type.");
	flags = TfReadByte(r);
	if (flags > 1 || (flags == 1 && !allow_target))
		TfReadInvalid(r, "The value has invalid flags.");

	/* no more partners than the image has bytes for: 5 bytes at least each */
	npartners = 0;
	table = TfPartnerTableNew((TfTotalKind) kind, (TfPartnerType) keytype, 0);
	if (flags == 1)
		table = TfPartnerTableSetTarget(table, ReadKey(r, (TfPartnerType) keytype));
	npartners = TfReadInt32(r);
	if (npartners < 0)
		TfReadInvalid(r, "The value has a negative number of partners.");
	if (npartners > (r->len - r->cursor) / 5)
		TfReadInvalid(r, "The value ends before its last partner.");
	if (npartners > 0)
		table = Rebuild(table, BucketsFor(npartners), 0);
	for (i = 0; i < npartners; i++)
	{
		TfPartnerKey key = ReadKey(r, (TfPartnerType) keytype);
		TfTotal		total;

		CHECK_FOR_INTERRUPTS();
		if (version == LEGACY_VERSION)
		{
			TfTotalRead(r, (TfTotalKind) kind, &total);
			if (total.count == 0)
				TfReadInvalid(r, "The value lists a partner without a value.");
		}
		else
			TfTotalReadValue(r, (TfTotalKind) kind, &total);
		if (TfPartnerTableGet(table, key, &total))
			TfReadInvalid(r, "The value lists a partner twice.");
		table = TfPartnerTableAddTotal(table, key, &total);
	}
	return TfPartnerTableCanonical(table);
}
