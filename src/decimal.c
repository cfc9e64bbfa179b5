/*-------------------------------------------------------------------------
 *
 * decimal.c
 *	  Numeric values as scaled 128-bit integers: reading a numeric datum
 *	  without PostgreSQL's numeric arithmetic, and turning a scaled integer
 *	  back into a numeric or a double precision value.
 *
 *	  A numeric of display scale s whose digits fit 38 decimal places is
 *	  held exactly as the integer value * 10^s.  Totals of such integers are
 *	  exact, and equal to PostgreSQL's numeric sum (whose display scale is
 *	  the largest of its inputs); everything else (NaN, infinities, larger
 *	  values, larger scales) takes PostgreSQL's numeric path.
 *
 *	  Reading relies on numeric's on-disk format, which PostgreSQL keeps
 *	  stable across releases so that pg_upgrade can keep data files: a
 *	  uint16 header (short form: sign, display scale and weight; long form:
 *	  sign and display scale, then an int16 weight), followed by base-10000
 *	  digits, most significant first, without leading or trailing zeros.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

#include "decimal.h"

/* numeric's header bits (see numeric.c) */
#define NUMERIC_SIGN_MASK			0xC000
#define NUMERIC_NEG					0x4000
#define NUMERIC_SHORT				0x8000
#define NUMERIC_SPECIAL				0xC000
#define NUMERIC_SHORT_SIGN_MASK		0x2000
#define NUMERIC_SHORT_DSCALE_MASK	0x1F80
#define NUMERIC_SHORT_DSCALE_SHIFT	7
#define NUMERIC_SHORT_WEIGHT_SIGN_MASK 0x0040
#define NUMERIC_SHORT_WEIGHT_MASK	0x003F
#define NUMERIC_DSCALE_MASK			0x3FFF
#define NBASE						10000
#define DEC_DIGITS					4

/* 10^0 .. 10^TF_DECIMAL_MAX_SCALE */
static int128 pow10_table[TF_DECIMAL_MAX_SCALE + 1];

/* Returns 10^k, for 0 <= k <= TF_DECIMAL_MAX_SCALE. */
static inline int128
Pow10(int k)
{
	if (unlikely(pow10_table[0] == 0))
	{
		int			i;

		pow10_table[0] = 1;
		for (i = 1; i <= TF_DECIMAL_MAX_SCALE; i++)
			pow10_table[i] = pow10_table[i - 1] * 10;
	}
	return pow10_table[k];
}

/* Reads the uint16 at p, which need not be aligned. */
static inline uint16
ReadUint16(const char *p)
{
	uint16		v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Sets *digits and *scale to a numeric datum as a scaled integer, digits /
 * 10^scale, with scale its display scale.  Returns false, leaving them
 * alone, for NaN, infinities, and values whose digits or scale do not fit
 * TF_DECIMAL_MAX_SCALE decimal places.  The datum may be short-headed (as
 * stored in a tuple); it is read in place, not copied.
 */
bool
TfDecimalFromDatum(Datum value, int128 *digits, int *scale)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(value);
	const char *p;
	int			len;
	uint16		header;
	bool		negative;
	int			dscale;
	int			weight;
	int			ndigits;
	int			exponent;
	int			last = 0;
	int128		acc = 0;
	int			i;

	if (VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v))
		return false;			/* toasted: let numeric's own code read it */
	p = VARDATA_ANY(v);
	len = VARSIZE_ANY_EXHDR(v);
	if (len < (int) sizeof(uint16))
		return false;
	header = ReadUint16(p);
	if ((header & NUMERIC_SIGN_MASK) == NUMERIC_SPECIAL)
		return false;
	if ((header & NUMERIC_SIGN_MASK) == NUMERIC_SHORT)
	{
		negative = (header & NUMERIC_SHORT_SIGN_MASK) != 0;
		dscale = (header & NUMERIC_SHORT_DSCALE_MASK) >> NUMERIC_SHORT_DSCALE_SHIFT;
		weight = (header & NUMERIC_SHORT_WEIGHT_MASK);
		if (header & NUMERIC_SHORT_WEIGHT_SIGN_MASK)
			weight |= ~NUMERIC_SHORT_WEIGHT_MASK;
		p += sizeof(uint16);
		len -= sizeof(uint16);
	}
	else
	{
		if (len < (int) (2 * sizeof(uint16)))
			return false;
		negative = (header & NUMERIC_SIGN_MASK) == NUMERIC_NEG;
		dscale = header & NUMERIC_DSCALE_MASK;
		weight = (int16) ReadUint16(p + sizeof(uint16));
		p += 2 * sizeof(uint16);
		len -= 2 * sizeof(uint16);
	}
	if (dscale > TF_DECIMAL_MAX_SCALE)
		return false;
	ndigits = len / (int) sizeof(int16);
	if (ndigits > 9)
		return false;			/* 36 digits always fit acc below */

	if (ndigits == 0)
	{
		*digits = 0;
		*scale = dscale;
		return true;
	}

	/* acc = every digit but the last, read as one integer */
	for (i = 0; i < ndigits; i++)
	{
		last = (int16) ReadUint16(p + i * sizeof(int16));
		if (last < 0 || last >= NBASE)
			return false;
		if (i < ndigits - 1)
			acc = acc * NBASE + last;
	}

	/*
	 * Append the last digit, making acc value * 10^dscale.  That digit may
	 * reach past the display scale, by at most three decimal places, which
	 * must be zero; they are dropped from it alone, without dividing 128-bit
	 * numbers.
	 */
	exponent = DEC_DIGITS * (weight - ndigits + 1) + dscale;
	if (exponent < 0)
	{
		static const int pow10_small[] = {1, 10, 100, 1000};

		if (exponent < -(DEC_DIGITS - 1) || last % pow10_small[-exponent] != 0)
			return false;
		acc = acc * (NBASE / pow10_small[-exponent]) + last / pow10_small[-exponent];
		exponent = 0;
	}
	else
		acc = acc * NBASE + last;
	if (exponent > 0)
	{
		if (exponent > TF_DECIMAL_MAX_SCALE ||
			__builtin_mul_overflow(acc, Pow10(exponent), &acc) ||
			acc >= Pow10(TF_DECIMAL_MAX_SCALE))
			return false;
	}
	*digits = negative ? -acc : acc;
	*scale = dscale;
	return true;
}

/*
 * Brings a and b, of scales ascale and bscale, to the larger of the two
 * scales, which is returned in *scale.  Returns false on overflow.
 */
bool
TfDecimalAlign(int128 *a, int ascale, int128 *b, int bscale, int *scale)
{
	if (ascale < bscale)
	{
		*scale = bscale;
		return !__builtin_mul_overflow(*a, Pow10(bscale - ascale), a);
	}
	*scale = ascale;
	if (bscale < ascale)
		return !__builtin_mul_overflow(*b, Pow10(ascale - bscale), b);
	return true;
}

/*
 * Writes digits / 10^scale in decimal, with scale places after the point,
 * into buf, which has room for TF_DECIMAL_STRING_BYTES bytes.
 */
void
TfDecimalToString(int128 digits, int scale, char *buf)
{
	char		rev[48];
	int			n = 0;
	uint128		mag = digits < 0 ? -(uint128) digits : (uint128) digits;
	char	   *out = buf;

	do
	{
		rev[n++] = '0' + (int) (mag % 10);
		mag /= 10;
	} while (mag != 0);
	while (n <= scale)
		rev[n++] = '0';
	if (digits < 0)
		*out++ = '-';
	while (n > 0)
	{
		if (n == scale)
			*out++ = '.';
		*out++ = rev[--n];
	}
	*out = '\0';
}

/* Returns digits / 10^scale as a numeric of display scale scale. */
Numeric
TfDecimalToNumeric(int128 digits, int scale)
{
	char		buf[TF_DECIMAL_STRING_BYTES];

	TfDecimalToString(digits, scale, buf);
	return DatumGetNumeric(DirectFunctionCall3(numeric_in,
											   CStringGetDatum(buf),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

/*
 * Returns digits / 10^scale as double precision, correctly rounded, which
 * is what PostgreSQL's numeric to double precision cast gives.
 */
float8
TfDecimalToFloat8(int128 digits, int scale)
{
	static const double exact_pow10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
	};
	const int128 exact_limit = (int128) 1 << 53;
	char		buf[TF_DECIMAL_STRING_BYTES];

	/* both operands exact in double precision: one correctly rounded divide */
	if (digits <= exact_limit && digits >= -exact_limit &&
		scale < (int) lengthof(exact_pow10))
		return (double) (int64) digits / exact_pow10[scale];
	TfDecimalToString(digits, scale, buf);
	return strtod(buf, NULL);
}
