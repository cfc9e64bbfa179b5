/*-------------------------------------------------------------------------
 *
 * total.c
 *	  Exact totals of values (see total.h): adding values and totals up,
 *	  comparing them, the change from one to another, their conversions,
 *	  and their forms inside a stored state and in an external image.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "libpq/pqformat.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"

#include "decimal.h"
#include "total.h"

/* Returns -n. */
static Numeric
NumericNegate(Numeric n)
{
	return DatumGetNumeric(DirectFunctionCall1(numeric_uminus, NumericGetDatum(n)));
}

/* Returns the kind of total that values of the given type add up to. */
TfTotalKind
TfTotalKindOf(TfValueType type)
{
	switch (type)
	{
		case TF_NUMERIC:
			return TF_TOTAL_NUMERIC;
		case TF_FLOAT8:
			return TF_TOTAL_FLOAT8;
		case TF_INT8:
		case TF_INT4:
			return TF_TOTAL_INTEGER;
	}
	elog(ERROR, "unrecognized tradeflow value type %d", (int) type);
	pg_unreachable();
}

/* Returns the SQL name of the values a kind of total adds up, for messages. */
const char *
TfTotalKindName(TfTotalKind kind)
{
	switch (kind)
	{
		case TF_TOTAL_NUMERIC:
			return "numeric";
		case TF_TOTAL_FLOAT8:
			return "double precision";
		case TF_TOTAL_INTEGER:
			return "integer";
	}
	return "unknown";
}

/* Returns whether a number read from a state is a kind of total. */
bool
TfTotalKindValid(int kind)
{
	return kind == TF_TOTAL_NUMERIC || kind == TF_TOTAL_FLOAT8 ||
		kind == TF_TOTAL_INTEGER;
}

/*
 * Checks that what is added to a value of type typname holding totals of
 * kind have is of that kind too: values whose totals are of kind added
 * (adding is true), or another typname holding such totals (adding is
 * false, as a combine function does).
 */
void
TfTotalCheckKinds(TfTotalKind have, TfTotalKind added, const char *typname,
				  bool adding)
{
	if (have == added)
		return;
	if (adding)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot add %s values to a %s of %s totals",
						TfTotalKindName(added), typname, TfTotalKindName(have))));
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("cannot combine %s values of %s and %s totals",
					typname, TfTotalKindName(have), TfTotalKindName(added))));
}

/* Makes total the total of no values. */
void
TfTotalInit(TfTotal *total, TfTotalKind kind)
{
	memset(total, 0, sizeof(TfTotal));
	total->kind = kind;
	total->rep = (kind == TF_TOTAL_FLOAT8) ? TF_REP_FLOAT8 : TF_REP_INT128;
}

static void
TotalOutOfRange(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("total out of range"),
			 errdetail("%s", detail)));
}

/* Adds n to the number of values of total. */
static void
AddCount(TfTotal *total, int64 n)
{
	if (pg_add_s64_overflow(total->count, n, &total->count))
		TotalOutOfRange("A total adds up at most 9223372036854775807 values.");
}

/* Adds an integer to an integer total. */
static void
AddInteger(TfTotal *total, int128 n)
{
	if (__builtin_add_overflow(total->v.i, n, &total->v.i))
		TotalOutOfRange("An exact total of integer values must fit 128 bits.");
}

/*
 * Adds digits / 10^scale to a numeric total held as an int128.  Returns
 * false, leaving total alone, when the sum would not fit one.
 */
static bool
AddDecimal(TfTotal *total, int128 digits, int scale)
{
	int128		sum = total->v.i;
	int			newscale;

	if (total->rep != TF_REP_INT128)
		return false;
	if (total->count == 0)
	{
		total->v.i = digits;
		total->scale = scale;
		return true;
	}
	if (!TfDecimalAlign(&sum, total->scale, &digits, scale, &newscale) ||
		__builtin_add_overflow(sum, digits, &sum))
		return false;
	total->v.i = sum;
	total->scale = newscale;
	return true;
}

/*
 * Adds a numeric to a numeric total with numeric arithmetic, which makes
 * it a numeric, allocated in the current memory context (the old total is
 * left alone).
 */
static void
AddNumeric(TfTotal *total, Numeric num)
{
	Numeric		sum = TfTotalToNumeric(total);

	total->v.n = (sum == NULL) ? num : numeric_add_opt_error(sum, num, NULL);
	total->rep = TF_REP_NUMERIC;
}

/* Adds a double precision value to a float8 total, as sum(float8) does. */
static void
AddFloat8(TfTotal *total, float8 f)
{
	total->v.f = (total->count == 0) ? f : float8_pl(total->v.f, f);
}

/*
 * Adds a non-NULL value, of a type whose values make totals of the kind of
 * total, to total.
 */
void
TfTotalAddValue(TfTotal *total, TfValueType type, Datum value)
{
	Assert(TfTotalKindOf(type) == total->kind);
	switch (type)
	{
		case TF_NUMERIC:
			{
				int128		digits;
				int			scale;

				if (!TfDecimalFromDatum(value, &digits, &scale) ||
					!AddDecimal(total, digits, scale))
					AddNumeric(total, DatumGetNumeric(value));
				break;
			}
		case TF_FLOAT8:
			AddFloat8(total, DatumGetFloat8(value));
			break;
		case TF_INT8:
			AddInteger(total, DatumGetInt64(value));
			break;
		case TF_INT4:
			AddInteger(total, DatumGetInt32(value));
			break;
	}
	AddCount(total, 1);
}

/* Adds the total other, of the same kind, to total. */
void
TfTotalAddTotal(TfTotal *total, const TfTotal *other)
{
	Assert(other->kind == total->kind);
	if (other->count == 0)
		return;
	switch (total->kind)
	{
		case TF_TOTAL_NUMERIC:
			if (other->rep != TF_REP_INT128 ||
				!AddDecimal(total, other->v.i, other->scale))
				AddNumeric(total, TfTotalToNumeric(other));
			break;
		case TF_TOTAL_FLOAT8:
			AddFloat8(total, other->v.f);
			break;
		case TF_TOTAL_INTEGER:
			AddInteger(total, other->v.i);
			break;
	}
	AddCount(total, other->count);
}

/* Makes total its own negation, exactly. */
void
TfTotalNegate(TfTotal *total)
{
	int128		negated;

	if (total->count == 0)
		return;
	switch (total->rep)
	{
		case TF_REP_INT128:
			if (!__builtin_sub_overflow((int128) 0, total->v.i, &negated))
				total->v.i = negated;
			else if (total->kind == TF_TOTAL_INTEGER)
				TotalOutOfRange("An exact total of integer values must fit 128 bits.");
			else
			{
				total->v.n = NumericNegate(TfTotalToNumeric(total));
				total->rep = TF_REP_NUMERIC;
			}
			break;
		case TF_REP_FLOAT8:
			total->v.f = -total->v.f;
			break;
		case TF_REP_NUMERIC:
			total->v.n = NumericNegate(total->v.n);
			break;
	}
}

/* Returns true if the total of at least one value is exactly zero. */
bool
TfTotalIsZero(const TfTotal *total)
{
	if (total->count == 0)
		return false;
	if (total->rep == TF_REP_NUMERIC)
		return !numeric_is_nan(total->v.n) && !numeric_is_inf(total->v.n) &&
			DatumGetInt32(DirectFunctionCall2(numeric_cmp,
											  NumericGetDatum(total->v.n),
											  NumericGetDatum(int64_to_numeric(0)))) == 0;
	return (total->rep == TF_REP_FLOAT8) ? total->v.f == 0.0 : total->v.i == 0;
}

/* Returns the total as double precision (0 for a total of no values). */
float8
TfTotalToFloat8(const TfTotal *total)
{
	if (total->count == 0)
		return 0.0;
	switch (total->rep)
	{
		case TF_REP_INT128:
			return TfDecimalToFloat8(total->v.i, total->scale);
		case TF_REP_FLOAT8:
			return total->v.f;
		case TF_REP_NUMERIC:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8,
													  NumericGetDatum(total->v.n)));
	}
	return 0.0;
}

/*
 * Returns the total as a numeric, NULL for a total of no values.  A
 * double precision total becomes the numeric of its shortest exact
 * decimal form (float8out's), so that no digit is lost.
 */
Numeric
TfTotalToNumeric(const TfTotal *total)
{
	if (total->count == 0)
		return NULL;
	switch (total->rep)
	{
		case TF_REP_INT128:
			return TfDecimalToNumeric(total->v.i, total->scale);
		case TF_REP_FLOAT8:
			return DatumGetNumeric(DirectFunctionCall3(numeric_in,
													   CStringGetDatum(float8out_internal(total->v.f)),
													   ObjectIdGetDatum(InvalidOid),
													   Int32GetDatum(-1)));
		case TF_REP_NUMERIC:
			return total->v.n;
	}
	return NULL;
}

/*
 * Returns <0, 0 or >0 as total a is less than, equal to or greater than
 * total b, both of at least one value, in PostgreSQL's ordering of their
 * values (NaN above every number).
 */
int
TfTotalCompare(const TfTotal *a, const TfTotal *b)
{
	int128		x = a->v.i,
				y = b->v.i;
	int			scale;

	if (a->kind == TF_TOTAL_FLOAT8)
		return float8_cmp_internal(a->v.f, b->v.f);
	if (a->rep == TF_REP_INT128 && b->rep == TF_REP_INT128 &&
		TfDecimalAlign(&x, a->scale, &y, b->scale, &scale))
		return (x > y) - (x < y);
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp,
											 NumericGetDatum(TfTotalToNumeric(a)),
											 NumericGetDatum(TfTotalToNumeric(b))));
}

/*
 * Returns numerator / denominator, exact values converted to double
 * precision, as TfRatio does, but 0 where the exact quotient is 0: never
 * the -0 of a zero divided by a negative number, which numeric has not.
 */
static float8
ExactRatio(float8 numerator, float8 denominator, bool *isnull)
{
	float8		ratio = TfRatio(numerator, denominator, isnull);

	return (ratio == 0.0) ? 0.0 : ratio;
}

/*
 * Returns the change from previous to current (both of at least one value)
 * as a fraction, current / previous - 1, or sets *isnull when previous is
 * zero.
 *
 * double precision totals use PostgreSQL's float8 arithmetic on exactly
 * that formula, as plain SQL would.  For exact totals the difference is
 * taken exactly first and divided by previous in double precision, so that
 * a change between two close values keeps its digits (7026845736 against
 * 7026845737 is -1.4231136379364065e-10, not a number made of rounding
 * error).
 */
float8
TfTotalChange(const TfTotal *previous, const TfTotal *current, bool *isnull)
{
	int128		p = previous->v.i,
				c = current->v.i;
	int			scale;
	Numeric		pn;
	Numeric		cn;
	float8		pf;

	if (previous->kind == TF_TOTAL_FLOAT8)
	{
		float8		ratio = TfRatio(current->v.f, previous->v.f, isnull);

		return *isnull ? 0.0 : float8_mi(ratio, 1.0);
	}

	/* the exact difference in 128 bits, when both fit there */
	if (previous->rep == TF_REP_INT128 && current->rep == TF_REP_INT128 &&
		TfDecimalAlign(&p, previous->scale, &c, current->scale, &scale) &&
		!__builtin_sub_overflow(c, p, &c))
		return ExactRatio(TfDecimalToFloat8(c, scale), TfDecimalToFloat8(p, scale),
						  isnull);

	pn = TfTotalToNumeric(previous);
	cn = TfTotalToNumeric(current);
	pf = TfTotalToFloat8(previous);

	/* NaN and infinities: float8 arithmetic on the formula */
	if (numeric_is_nan(pn) || numeric_is_inf(pn) ||
		numeric_is_nan(cn) || numeric_is_inf(cn))
	{
		float8		ratio = TfRatio(TfTotalToFloat8(current), pf, isnull);

		return *isnull ? 0.0 : float8_mi(ratio, 1.0);
	}
	return ExactRatio(DatumGetFloat8(DirectFunctionCall1(numeric_float8,
														 NumericGetDatum(numeric_sub_opt_error(cn, pn, NULL)))),
					  pf, isnull);
}

/*
 * Returns part / whole as a fraction, or sets *isnull when whole is zero
 * in double precision.  For exact totals the result is what the numeric
 * division gives in double precision: 0 is never -0.
 */
float8
TfTotalRatio(const TfTotal *part, const TfTotal *whole, bool *isnull)
{
	if (whole->kind == TF_TOTAL_FLOAT8)
		return TfRatio(part->v.f, whole->v.f, isnull);
	return ExactRatio(TfTotalToFloat8(part), TfTotalToFloat8(whole), isnull);
}

/*
 * The image of a total: its number of values, then, when there is at least
 * one, its value (see TfTotalWriteValue).
 */
void
TfTotalWrite(StringInfo buf, const TfTotal *total)
{
	pq_sendint64(buf, total->count);
	if (total->count > 0)
		TfTotalWriteValue(buf, total);
}

/*
 * The image of the value of a total of at least one value: a numeric in
 * numeric's binary format (length first), a float8, or a 128-bit integer as
 * two 64-bit halves, high half first.
 */
void
TfTotalWriteValue(StringInfo buf, const TfTotal *total)
{
	switch (total->kind)
	{
		case TF_TOTAL_NUMERIC:
			{
				bytea	   *b = DatumGetByteaPP(DirectFunctionCall1(numeric_send,
																	NumericGetDatum(TfTotalToNumeric(total))));

				pq_sendint32(buf, VARSIZE_ANY_EXHDR(b));
				pq_sendbytes(buf, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
				break;
			}
		case TF_TOTAL_FLOAT8:
			/*
			 * one NaN: float8 arithmetic makes NaNs of either sign (Infinity
			 * + -Infinity is -NaN on x86), which print and compare alike,
			 * and the image is what equality and hashing compare
			 */
			pq_sendfloat8(buf, isnan(total->v.f) ? get_float8_nan() : total->v.f);
			break;
		case TF_TOTAL_INTEGER:
			pq_sendint64(buf, (int64) (total->v.i >> 64));
			pq_sendint64(buf, (int64) (uint64) total->v.i);
			break;
	}
}

/*
 * Checks a numeric in numeric's binary format (as numeric_send writes it:
 * number of digits, weight, sign, display scale, then the base-10000
 * digits), so that numeric_recv will accept it.
 */
static void
CheckNumericImage(TfReader *r, const char *data, int len)
{
	uint16		field[4];
	int			ndigits;
	int			i;

	if (len < (int) sizeof(field))
		TfReadInvalid(r, "A numeric total is shorter than its header.");
	for (i = 0; i < 4; i++)
	{
		memcpy(&field[i], data + 2 * i, sizeof(uint16));
		field[i] = pg_ntoh16(field[i]);
	}
	ndigits = (int16) field[0];
	if (ndigits < 0 || len != (int) sizeof(field) + 2 * ndigits)
		TfReadInvalid(r, "A numeric total has a wrong number of digits.");
	if (field[2] != 0x0000 && field[2] != 0x4000 && field[2] != 0xC000 &&
		field[2] != 0xD000 && field[2] != 0xF000)
		TfReadInvalid(r, "A numeric total has an invalid sign.");
	if (field[3] > 0x3FFF)
		TfReadInvalid(r, "A numeric total has an invalid scale.");
	for (i = 0; i < ndigits; i++)
	{
		uint16		digit;

		memcpy(&digit, data + sizeof(field) + 2 * i, sizeof(uint16));
		if (pg_ntoh16(digit) >= 10000)
			TfReadInvalid(r, "A numeric total has an invalid digit.");
	}
}

/*
 * Reads the image of a total of the given kind (see TfTotalWrite), fully
 * validated; a numeric is allocated in the current memory context.
 */
void
TfTotalRead(TfReader *r, TfTotalKind kind, TfTotal *total)
{
	int64		count = TfReadInt64(r);

	if (count < 0)
		TfReadInvalid(r, "A total has a negative number of values.");
	if (count == 0)
		TfTotalInit(total, kind);
	else
		TfTotalReadValue(r, kind, total);
	total->count = count;
}

/*
 * Reads the image of the value of a total (see TfTotalWriteValue), fully
 * validated, as a total of one value; a numeric is allocated in the current
 * memory context.
 */
void
TfTotalReadValue(TfReader *r, TfTotalKind kind, TfTotal *total)
{
	TfTotalInit(total, kind);
	total->count = 1;
	switch (kind)
	{
		case TF_TOTAL_NUMERIC:
			{
				int32		len = TfReadInt32(r);
				StringInfoData buf;
				Numeric		n;

				initStringInfo(&buf);
				appendBinaryStringInfo(&buf, TfReadBytes(r, len), len);
				CheckNumericImage(r, buf.data, len);
				n = DatumGetNumeric(DirectFunctionCall3(numeric_recv,
														PointerGetDatum(&buf),
														ObjectIdGetDatum(InvalidOid),
														Int32GetDatum(-1)));
				/* held as an int128 where it fits, as when added up */
				if (!TfDecimalFromDatum(NumericGetDatum(n), &total->v.i, &total->scale))
				{
					total->rep = TF_REP_NUMERIC;
					total->v.n = n;
				}
				break;
			}
		case TF_TOTAL_FLOAT8:
			{
				union
				{
					int64		i;
					float8		f;
				}			u;

				u.i = TfReadInt64(r);
				total->v.f = u.f;
				break;
			}
		case TF_TOTAL_INTEGER:
			{
				int64		hi = TfReadInt64(r);
				uint64		lo = (uint64) TfReadInt64(r);

				total->v.i = (int128) (((uint128) (uint64) hi << 64) | lo);
				break;
			}
	}
}

/* Returns the data size of a stored total that holds total, with room to grow or not. */
int32
TfStoredTotalSize(const TfTotal *total, bool room)
{
	if (total->rep == TF_REP_NUMERIC)
		return MAXALIGN(VARSIZE(total->v.n)) + (room ? TF_STORED_FIXED_DATA : 0);
	return TF_STORED_FIXED_DATA;
}

static inline int128
StoredInt128(const TfStoredTotal *stored)
{
	int64		half[2];

	memcpy(half, stored->data, sizeof(half));
	return (int128) (((uint128) (uint64) half[0] << 64) | (uint64) half[1]);
}

static inline void
SetStoredInt128(TfStoredTotal *stored, int128 value)
{
	int64		half[2];

	half[0] = (int64) (value >> 64);
	half[1] = (int64) (uint64) value;
	memcpy(stored->data, half, sizeof(half));
}

/* Stores total in stored, if its data fits there; returns whether it did. */
static bool
StoredPut(TfStoredTotal *stored, const TfTotal *total)
{
	switch (total->rep)
	{
		case TF_REP_INT128:
			SetStoredInt128(stored, total->v.i);
			break;
		case TF_REP_FLOAT8:
			memcpy(stored->data, &total->v.f, sizeof(float8));
			break;
		case TF_REP_NUMERIC:
			{
				Size		len = VARSIZE(total->v.n);

				if (len > stored->size)
					return false;
				memmove(stored->data, total->v.n, len);
				memset(stored->data + len, 0, stored->size - len);
				break;
			}
	}
	stored->rep = (uint8) total->rep;
	stored->scale = (int16) total->scale;
	stored->count = total->count;
	return true;
}

/*
 * Makes stored, of the given data size (at least TfStoredTotalSize(total)),
 * hold total.
 */
void
TfStoredTotalInit(TfStoredTotal *stored, int32 size, const TfTotal *total)
{
	memset(stored, 0, TF_STORED_TOTAL_BYTES(size));
	stored->size = size;
	if (!StoredPut(stored, total))
		elog(ERROR, "stored total of %d bytes cannot hold its total", size);
}

/*
 * Sets total to the total held in stored.  A numeric total points into
 * stored: it is valid while stored is.
 */
void
TfStoredTotalGet(const TfStoredTotal *stored, TfTotalKind kind, TfTotal *total)
{
	TfTotalInit(total, kind);
	total->count = stored->count;
	total->rep = (TfTotalRep) stored->rep;
	total->scale = stored->scale;
	switch (total->rep)
	{
		case TF_REP_INT128:
			total->v.i = StoredInt128(stored);
			break;
		case TF_REP_FLOAT8:
			memcpy(&total->v.f, stored->data, sizeof(float8));
			break;
		case TF_REP_NUMERIC:
			total->v.n = (Numeric) stored->data;
			break;
	}
}

/*
 * Adds a non-NULL value to the total in stored.  Returns false, with the
 * new total in *grown (a numeric allocated in the current memory context),
 * when it no longer fits, leaving stored unchanged.
 */
bool
TfStoredTotalAddValue(TfStoredTotal *stored, TfTotalKind kind, TfValueType type,
					  Datum value, TfTotal *grown)
{
	int128		digits;
	int			scale;

	/* the common case: a numeric of the total's scale, added in place */
	if (type == TF_NUMERIC && stored->rep == TF_REP_INT128 &&
		stored->count > 0 && stored->count < PG_INT64_MAX &&
		TfDecimalFromDatum(value, &digits, &scale) && scale == stored->scale)
	{
		int128		sum;

		if (!__builtin_add_overflow(StoredInt128(stored), digits, &sum))
		{
			SetStoredInt128(stored, sum);
			stored->count++;
			return true;
		}
	}
	TfStoredTotalGet(stored, kind, grown);
	TfTotalAddValue(grown, type, value);
	return StoredPut(stored, grown);
}

/* Adds the total other to the total in stored, as TfStoredTotalAddValue does. */
bool
TfStoredTotalAddTotal(TfStoredTotal *stored, TfTotalKind kind,
					  const TfTotal *other, TfTotal *grown)
{
	TfStoredTotalGet(stored, kind, grown);
	TfTotalAddTotal(grown, other);
	return StoredPut(stored, grown);
}

/*
 * Sets total to a total stored by tradeflow 0.1, whose stored totals had
 * the header count (int64), size (int32) and form (int32): form 0 for a
 * numeric datum, 1 + the scale of an int128 for other numeric totals, and
 * 0 for the rest.  Returns the bytes the stored total takes.  Only the
 * conversion of values stored by 0.1 reads this layout.
 */
Size
TfStoredTotalGetV1(const char *stored, TfTotalKind kind, TfTotal *total)
{
	int64		count;
	int32		size;
	int32		form;
	const char *data = stored + 16;

	memcpy(&count, stored, sizeof(count));
	memcpy(&size, stored + 8, sizeof(size));
	memcpy(&form, stored + 12, sizeof(form));
	TfTotalInit(total, kind);
	total->count = count;
	if (kind == TF_TOTAL_FLOAT8)
		memcpy(&total->v.f, data, sizeof(float8));
	else if (kind == TF_TOTAL_NUMERIC && form == 0)
	{
		if (count > 0)
		{
			total->rep = TF_REP_NUMERIC;
			total->v.n = (Numeric) data;
		}
	}
	else
	{
		int64		half[2];

		memcpy(half, data, sizeof(half));
		total->v.i = (int128) (((uint128) (uint64) half[0] << 64) | (uint64) half[1]);
		if (kind == TF_TOTAL_NUMERIC)
			total->scale = form - 1;
	}
	return 16 + size;
}
