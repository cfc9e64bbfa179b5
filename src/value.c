/*-------------------------------------------------------------------------
 *
 * value.c
 *	  Values of the accepted SQL types: which type an argument has, its
 *	  conversion to double precision, ordering, and exact totals.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"

#include "tradeflow.h"

/* Returns the value type of argument argno of the current call. */
TfValueType
TfArgValueType(FunctionCallInfo fcinfo, int argno)
{
	Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, argno);

	/*
	 * Called without a call expression (as a range type's subtype_diff, say),
	 * the argument has the type the function is declared with.
	 */
	if (!OidIsValid(typid) && fcinfo->flinfo != NULL &&
		OidIsValid(fcinfo->flinfo->fn_oid))
	{
		Oid		   *argtypes;
		int			nargs;

		get_func_signature(fcinfo->flinfo->fn_oid, &argtypes, &nargs);
		if (argno < nargs)
			typid = argtypes[argno];
		pfree(argtypes);
	}

	switch (typid)
	{
		case NUMERICOID:
			return TF_NUMERIC;
		case FLOAT8OID:
			return TF_FLOAT8;
		case INT8OID:
			return TF_INT8;
		case INT4OID:
			return TF_INT4;
		case InvalidOid:
			elog(ERROR, "could not determine the type of argument %d", argno + 1);
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("tradeflow cannot use a value of type %s",
							format_type_be(typid)),
					 errhint("Values must be numeric, double precision, bigint or integer.")));
	}
	pg_unreachable();
}

/*
 * Returns TfArgValueType(fcinfo, argno), looked up on the first call of a
 * call site only.  For functions that keep nothing else in fn_extra.
 */
TfValueType
TfArgValueTypeOnce(FunctionCallInfo fcinfo, int argno)
{
	TfValueType *known = fcinfo->flinfo->fn_extra;

	if (known == NULL)
	{
		known = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(TfValueType));
		*known = TfArgValueType(fcinfo, argno);
		fcinfo->flinfo->fn_extra = known;
	}
	return *known;
}

/* Returns how values of the given type are totalled. */
TfSumKind
TfSumKindOf(TfValueType type)
{
	switch (type)
	{
		case TF_NUMERIC:
			return TF_SUM_NUMERIC;
		case TF_FLOAT8:
			return TF_SUM_FLOAT8;
		case TF_INT8:
		case TF_INT4:
			return TF_SUM_INTEGER;
	}
	elog(ERROR, "unrecognized tradeflow value type %d", (int) type);
	pg_unreachable();
}

/* Returns the SQL name of the values a sum kind totals, for messages. */
const char *
TfSumKindName(TfSumKind kind)
{
	switch (kind)
	{
		case TF_SUM_NUMERIC:
			return "numeric";
		case TF_SUM_FLOAT8:
			return "double precision";
		case TF_SUM_INTEGER:
			return "integer";
	}
	return "unknown";
}

/* Returns the value as double precision. */
float8
TfValueToFloat8(TfValueType type, Datum value)
{
	switch (type)
	{
		case TF_NUMERIC:
			{
				int128		digits;
				int			scale;

				if (TfDecimalFromDatum(value, &digits, &scale))
					return TfDecimalToFloat8(digits, scale);
				return DatumGetFloat8(DirectFunctionCall1(numeric_float8, value));
			}
		case TF_FLOAT8:
			return DatumGetFloat8(value);
		case TF_INT8:
			return (float8) DatumGetInt64(value);
		case TF_INT4:
			return (float8) DatumGetInt32(value);
	}
	elog(ERROR, "unrecognized tradeflow value type %d", (int) type);
	pg_unreachable();
}

/*
 * Returns <0, 0 or >0 as a is less than, equal to or greater than b, in
 * PostgreSQL's ordering of the type (NaN above every number).
 */
int
TfValueCompare(TfValueType type, Datum a, Datum b)
{
	switch (type)
	{
		case TF_NUMERIC:
			return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, b));
		case TF_FLOAT8:
			return float8_cmp_internal(DatumGetFloat8(a), DatumGetFloat8(b));
		case TF_INT8:
			{
				int64		x = DatumGetInt64(a),
							y = DatumGetInt64(b);

				return (x > y) - (x < y);
			}
		case TF_INT4:
			{
				int32		x = DatumGetInt32(a),
							y = DatumGetInt32(b);

				return (x > y) - (x < y);
			}
	}
	elog(ERROR, "unrecognized tradeflow value type %d", (int) type);
	pg_unreachable();
}

/*
 * Returns a copy of a non-NULL value that lives in cxt (a numeric is also
 * detoasted).
 */
Datum
TfValueCopy(TfValueType type, Datum value, MemoryContext cxt)
{
	if (type == TF_NUMERIC)
	{
		Numeric		num = DatumGetNumeric(value);
		Numeric		copy = MemoryContextAlloc(cxt, VARSIZE(num));

		memcpy(copy, num, VARSIZE(num));
		return NumericGetDatum(copy);
	}
#ifndef USE_FLOAT8_BYVAL
	if (type == TF_INT8 || type == TF_FLOAT8)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(cxt);
		Datum		copy = datumCopy(value, false, sizeof(int64));

		MemoryContextSwitchTo(oldcxt);
		return copy;
	}
#endif
	return value;
}

/* Makes sum the total of no values. */
void
TfSumInit(TfSum *sum)
{
	memset(sum, 0, sizeof(TfSum));
}

static void
TotalOutOfRange(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("tradeflow total is out of range")));
}

/* Adds n to the count of values of sum. */
static void
AddCount(TfSum *sum, int64 n)
{
	if (pg_add_s64_overflow(sum->count, n, &sum->count))
		TotalOutOfRange();
}

/* Adds an integer to an integer total. */
static void
AddInteger(TfSum *sum, int128 n)
{
	if (__builtin_add_overflow(sum->v.i, n, &sum->v.i))
		TotalOutOfRange();
}

/*
 * Adds digits / 10^scale to a numeric total still held as a scaled
 * integer.  Returns false, leaving sum alone, when the total would not fit.
 */
static bool
AddDecimal(TfSum *sum, int128 digits, int scale)
{
	int128		total = sum->v.i;
	int			newscale;

	if (sum->n != NULL)
		return false;
	if (sum->count == 0)
	{
		sum->v.i = digits;
		sum->scale = scale;
		return true;
	}
	if (!TfDecimalAlign(&total, sum->scale, &digits, scale, &newscale) ||
		__builtin_add_overflow(total, digits, &total))
		return false;
	sum->v.i = total;
	sum->scale = newscale;
	return true;
}

/* Returns a numeric total as a numeric (NULL for a total of no values). */
Numeric
TfSumNumeric(const TfSum *sum)
{
	if (sum->count == 0)
		return NULL;
	if (sum->n != NULL)
		return sum->n;
	return TfDecimalToNumeric(sum->v.i, sum->scale);
}

/*
 * Adds a numeric to a numeric total with numeric arithmetic.  The new total
 * is allocated in the current memory context; the old one is left alone.
 */
static void
AddNumeric(TfSum *sum, Numeric num)
{
	Numeric		total = TfSumNumeric(sum);

	sum->n = total == NULL ? num : numeric_add_opt_error(total, num, NULL);
}

/* Adds a double precision value to a float8 total, like sum(float8). */
static void
AddFloat8(TfSum *sum, float8 f)
{
	sum->v.f = sum->count == 0 ? f : float8_pl(sum->v.f, f);
}

/*
 * Adds a non-NULL value of the given type to sum.  A new numeric total is
 * allocated in the current memory context; the old one is left alone.
 */
void
TfSumAddValue(TfSum *sum, TfValueType type, Datum value)
{
	switch (type)
	{
		case TF_NUMERIC:
			{
				int128		digits;
				int			scale;

				if (!TfDecimalFromDatum(value, &digits, &scale) ||
					!AddDecimal(sum, digits, scale))
					AddNumeric(sum, DatumGetNumeric(value));
				break;
			}
		case TF_FLOAT8:
			AddFloat8(sum, DatumGetFloat8(value));
			break;
		case TF_INT8:
			AddInteger(sum, DatumGetInt64(value));
			break;
		case TF_INT4:
			AddInteger(sum, DatumGetInt32(value));
			break;
	}
	AddCount(sum, 1);
}

/* Adds the total other, of the same kind, to sum, as TfSumAddValue does. */
void
TfSumAddSum(TfSum *sum, TfSumKind kind, const TfSum *other)
{
	if (other->count == 0)
		return;
	switch (kind)
	{
		case TF_SUM_NUMERIC:
			if (other->n != NULL || !AddDecimal(sum, other->v.i, other->scale))
				AddNumeric(sum, TfSumNumeric(other));
			break;
		case TF_SUM_FLOAT8:
			AddFloat8(sum, other->v.f);
			break;
		case TF_SUM_INTEGER:
			AddInteger(sum, other->v.i);
			break;
	}
	AddCount(sum, other->count);
}

/*
 * Totals inside flat states are kept in slots: a header, then 16 bytes for
 * an integer or float8 total, or room for a numeric.  A numeric slot is
 * given some room to grow, so that most additions fit in place.
 */

/* Returns the data size of a slot that holds sum, with room to grow or not. */
int32
TfSlotDataSize(TfSumKind kind, const TfSum *sum, bool room)
{
	int32		size = TF_SLOT_FIXED_DATA;

	if (kind == TF_SUM_NUMERIC && sum->n != NULL)
		size = MAXALIGN(VARSIZE(sum->n)) + (room ? TF_SLOT_FIXED_DATA : 0);
	return Max(size, TF_SLOT_FIXED_DATA);
}

/*
 * A 128-bit total in a slot is two int64, high half first, so that it
 * needs no more than MAXALIGN alignment.
 */
static inline int128
SlotInt128(const TfSlot *slot)
{
	int64		half[2];

	memcpy(half, slot->data, sizeof(half));
	return (int128) (((uint128) (uint64) half[0] << 64) | (uint64) half[1]);
}

static inline void
SetSlotInt128(TfSlot *slot, int128 value)
{
	int64		half[2];

	half[0] = (int64) (value >> 64);
	half[1] = (int64) (uint64) value;
	memcpy(slot->data, half, sizeof(half));
}

/* Makes slot an empty slot of the given data size. */
void
TfSlotInit(TfSlot *slot, int32 size)
{
	memset(slot, 0, TF_SLOT_BYTES(size));
	slot->size = size;
}

/*
 * Sets sum to the total held in slot.  A numeric total points into the
 * slot: it is valid while the slot is.
 */
void
TfSlotGet(const TfSlot *slot, TfSumKind kind, TfSum *sum)
{
	TfSumInit(sum);
	sum->count = slot->count;
	if (kind == TF_SUM_FLOAT8)
		memcpy(&sum->v.f, slot->data, sizeof(float8));
	else if (kind == TF_SUM_NUMERIC && slot->form == 0)
	{
		if (slot->count > 0)
			sum->n = (Numeric) slot->data;
	}
	else
	{
		sum->v.i = SlotInt128(slot);
		if (kind == TF_SUM_NUMERIC)
			sum->scale = slot->form - 1;
	}
}

/* Stores sum in slot, if it fits there; returns whether it did. */
bool
TfSlotPut(TfSlot *slot, TfSumKind kind, const TfSum *sum)
{
	if (kind == TF_SUM_FLOAT8)
		memcpy(slot->data, &sum->v.f, sizeof(float8));
	else if (kind == TF_SUM_NUMERIC && sum->n != NULL)
	{
		Size		len = VARSIZE(sum->n);

		if (len > slot->size)
			return false;
		memmove(slot->data, sum->n, len);
		memset(slot->data + len, 0, slot->size - len);
		slot->form = 0;
	}
	else
	{
		SetSlotInt128(slot, sum->v.i);
		if (kind == TF_SUM_NUMERIC)
			slot->form = 1 + sum->scale;
	}
	slot->count = sum->count;
	return true;
}

/*
 * Adds a non-NULL value to the total in slot.  Returns false, with the new
 * total in *grown (a numeric allocated in the current memory context), when
 * it no longer fits the slot, which is then left unchanged.
 */
bool
TfSlotAddValue(TfSlot *slot, TfSumKind kind, TfValueType type, Datum value,
			   TfSum *grown)
{
	int128		digits;
	int			scale;

	/* the common case: a numeric of the total's scale, added in place */
	if (type == TF_NUMERIC && slot->form > 0 && slot->count < PG_INT64_MAX &&
		TfDecimalFromDatum(value, &digits, &scale) && scale == slot->form - 1)
	{
		int128		total;

		if (!__builtin_add_overflow(SlotInt128(slot), digits, &total))
		{
			SetSlotInt128(slot, total);
			slot->count++;
			return true;
		}
	}
	TfSlotGet(slot, kind, grown);
	TfSumAddValue(grown, type, value);
	return TfSlotPut(slot, kind, grown);
}

/* Adds the total other to the total in slot, as TfSlotAddValue does. */
bool
TfSlotAddSum(TfSlot *slot, TfSumKind kind, const TfSum *other, TfSum *grown)
{
	TfSlotGet(slot, kind, grown);
	TfSumAddSum(grown, kind, other);
	return TfSlotPut(slot, kind, grown);
}

/* Returns true if the total of at least one value is exactly zero. */
bool
TfSumIsZero(TfSumKind kind, const TfSum *sum)
{
	if (sum->count == 0)
		return false;
	switch (kind)
	{
		case TF_SUM_NUMERIC:
			if (sum->n == NULL)
				return sum->v.i == 0;
			return !numeric_is_nan(sum->n) && !numeric_is_inf(sum->n) &&
				DatumGetInt32(DirectFunctionCall2(numeric_cmp,
												  NumericGetDatum(sum->n),
												  NumericGetDatum(int64_to_numeric(0)))) == 0;
		case TF_SUM_FLOAT8:
			return sum->v.f == 0.0;
		case TF_SUM_INTEGER:
			return sum->v.i == 0;
	}
	return false;
}

/* Returns the total as double precision (0 for a total of no values). */
float8
TfSumToFloat8(TfSumKind kind, const TfSum *sum)
{
	if (sum->count == 0)
		return 0.0;
	switch (kind)
	{
		case TF_SUM_NUMERIC:
			if (sum->n == NULL)
				return TfDecimalToFloat8(sum->v.i, sum->scale);
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8,
													  NumericGetDatum(sum->n)));
		case TF_SUM_FLOAT8:
			return sum->v.f;
		case TF_SUM_INTEGER:
			return (float8) sum->v.i;
	}
	return 0.0;
}

/*
 * Returns <0, 0 or >0 as total a is less than, equal to or greater than
 * total b, both of at least one value, in PostgreSQL's ordering.
 */
int
TfSumCompare(TfSumKind kind, const TfSum *a, const TfSum *b)
{
	switch (kind)
	{
		case TF_SUM_NUMERIC:
			{
				int128		x = a->v.i,
							y = b->v.i;
				int			scale;

				if (a->n == NULL && b->n == NULL &&
					TfDecimalAlign(&x, a->scale, &y, b->scale, &scale))
					return (x > y) - (x < y);
				return DatumGetInt32(DirectFunctionCall2(numeric_cmp,
														 NumericGetDatum(TfSumNumeric(a)),
														 NumericGetDatum(TfSumNumeric(b))));
			}
		case TF_SUM_FLOAT8:
			return float8_cmp_internal(a->v.f, b->v.f);
		case TF_SUM_INTEGER:
			return (a->v.i > b->v.i) - (a->v.i < b->v.i);
	}
	return 0;
}

/*
 * Returns <0, 0 or >0 as the total in slot a is less than, equal to or
 * greater than the total in slot b, both of at least one value.
 */
int
TfSlotCompare(const TfSlot *a, const TfSlot *b, TfSumKind kind)
{
	TfSum		x,
				y;

	/* totals held as 128-bit integers of one scale compare as they are */
	if (kind == TF_SUM_INTEGER || (kind == TF_SUM_NUMERIC && a->form > 0 &&
								   a->form == b->form))
	{
		int128		x = SlotInt128(a),
					y = SlotInt128(b);

		return (x > y) - (x < y);
	}
	TfSlotGet(a, kind, &x);
	TfSlotGet(b, kind, &y);
	return TfSumCompare(kind, &x, &y);
}

/*
 * Returns the change from previous to current as a fraction, current /
 * previous - 1, or sets *isnull when previous is zero.
 *
 * double precision values use PostgreSQL's float8 arithmetic on exactly
 * that formula, as plain SQL would.  For numeric and integer values the
 * difference is taken exactly first and divided by previous in double
 * precision, so that a change between two close values keeps its digits
 * (7026845736 against 7026845737 is -1.4231136379364065e-10, not a number
 * made of rounding error).
 */
float8
TfChange(TfValueType type, Datum previous, Datum current, bool *isnull)
{
	switch (type)
	{
		case TF_FLOAT8:
			{
				float8		ratio = TfRatio(DatumGetFloat8(current),
											DatumGetFloat8(previous), isnull);

				return *isnull ? 0.0 : float8_mi(ratio, 1.0);
			}
		case TF_INT8:
		case TF_INT4:
			{
				int64		p = (type == TF_INT8) ? DatumGetInt64(previous) :
				DatumGetInt32(previous);
				int64		c = (type == TF_INT8) ? DatumGetInt64(current) :
				DatumGetInt32(current);

				return TfRatio((float8) ((int128) c - (int128) p), (float8) p,
							   isnull);
			}
		case TF_NUMERIC:
			{
				int128		pd,
							cd;
				int			ps,
							cs;
				float8		change;
				Numeric		p;
				Numeric		c;
				float8		pf;

				/* the exact difference in 128 bits, when both fit there */
				if (TfDecimalFromDatum(previous, &pd, &ps) &&
					TfDecimalFromDatum(current, &cd, &cs) &&
					TfDecimalChange(pd, ps, cd, cs, &change, isnull))
					return change;

				p = DatumGetNumeric(previous);
				c = DatumGetNumeric(current);
				pf = TfValueToFloat8(TF_NUMERIC, previous);

				/* NaN and infinities: float8 arithmetic on the formula */
				if (numeric_is_nan(p) || numeric_is_inf(p) ||
					numeric_is_nan(c) || numeric_is_inf(c))
					return TfChange(TF_FLOAT8, Float8GetDatum(pf),
									Float8GetDatum(TfValueToFloat8(TF_NUMERIC, current)),
									isnull);
				return TfRatio(DatumGetFloat8(DirectFunctionCall1(numeric_float8,
																  NumericGetDatum(numeric_sub_opt_error(c, p, NULL)))),
							   pf, isnull);
			}
	}
	elog(ERROR, "unrecognized tradeflow value type %d", (int) type);
	pg_unreachable();
}

/*
 * Sets *change to the change from previous to current, numerics read as
 * digits / 10^scale, as TfChange computes it.  Returns false, setting
 * nothing, when their exact difference does not fit 128 bits.
 */
bool
TfDecimalChange(int128 previous, int previous_scale, int128 current,
				int current_scale, float8 *change, bool *isnull)
{
	int			scale;

	if (!TfDecimalAlign(&previous, previous_scale, &current, current_scale, &scale) ||
		__builtin_sub_overflow(current, previous, &current))
		return false;
	*change = TfRatio(TfDecimalToFloat8(current, scale),
					  TfDecimalToFloat8(previous, scale), isnull);
	return true;
}

/*
 * Returns numerator / denominator with PostgreSQL's float8 arithmetic, or
 * sets *isnull when the denominator is zero.
 */
float8
TfRatio(float8 numerator, float8 denominator, bool *isnull)
{
	if (denominator == 0.0)
	{
		*isnull = true;
		return 0.0;
	}
	*isnull = false;
	return float8_div(numerator, denominator);
}
