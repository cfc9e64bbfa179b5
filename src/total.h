/*-------------------------------------------------------------------------
 *
 * total.h
 *	  Exact totals of values, the changes between two totals, and the
 *	  forms a total takes inside a stored state and in a state's external
 *	  image.
 *
 *-------------------------------------------------------------------------
 */
#ifndef TRADEFLOW_TOTAL_H
#define TRADEFLOW_TOTAL_H

#include "lib/stringinfo.h"
#include "utils/numeric.h"

#include "state_io.h"
#include "value.h"

/*
 * What a total adds up, which decides how: numeric values exactly,
 * integer and bigint values exactly in 128 bits, double precision values
 * with PostgreSQL's float8 arithmetic.  The numbers are stored in states.
 */
typedef enum TfTotalKind
{
	TF_TOTAL_NUMERIC = 1,
	TF_TOTAL_FLOAT8 = 2,
	TF_TOTAL_INTEGER = 3
} TfTotalKind;

/*
 * How a total is held.  An integer total is an int128 of scale 0.  A
 * numeric total is an int128 of its display scale (digits / 10^scale)
 * while it fits 128 bits and TF_DECIMAL_MAX_SCALE places, as nearly every
 * total of money does, and a numeric otherwise (beyond that, NaN or
 * infinite).  The numbers are stored in states.
 */
typedef enum TfTotalRep
{
	TF_REP_INT128 = 1,
	TF_REP_FLOAT8 = 2,
	TF_REP_NUMERIC = 3
} TfTotalRep;

/* The total of the non-NULL values added to it, and their number. */
typedef struct TfTotal
{
	TfTotalKind kind;
	TfTotalRep	rep;
	int32		scale;			/* TF_REP_INT128: decimal places of i */
	int64		count;			/* number of values added */
	union
	{
		int128		i;			/* TF_REP_INT128 */
		float8		f;			/* TF_REP_FLOAT8 */
		Numeric		n;			/* TF_REP_NUMERIC */
	}			v;
} TfTotal;

extern TfTotalKind TfTotalKindOf(TfValueType type);
extern const char *TfTotalKindName(TfTotalKind kind);
extern bool TfTotalKindValid(int kind);
extern void TfTotalCheckKinds(TfTotalKind have, TfTotalKind added,
							  const char *typname, bool adding);
extern void TfTotalInit(TfTotal *total, TfTotalKind kind);
extern void TfTotalAddValue(TfTotal *total, TfValueType type, Datum value);
extern void TfTotalAddTotal(TfTotal *total, const TfTotal *other);
extern void TfTotalNegate(TfTotal *total);
extern bool TfTotalIsZero(const TfTotal *total);
extern float8 TfTotalToFloat8(const TfTotal *total);
extern Numeric TfTotalToNumeric(const TfTotal *total);
extern int	TfTotalCompare(const TfTotal *a, const TfTotal *b);
extern float8 TfTotalRatio(const TfTotal *part, const TfTotal *whole,
						   bool *isnull);
extern float8 TfTotalChange(const TfTotal *previous, const TfTotal *current,
							bool *isnull);
extern void TfTotalWrite(StringInfo buf, const TfTotal *total);
extern void TfTotalRead(TfReader *r, TfTotalKind kind, TfTotal *total);
extern void TfTotalWriteValue(StringInfo buf, const TfTotal *total);
extern void TfTotalReadValue(TfReader *r, TfTotalKind kind, TfTotal *total);

/*
 * A total inside a flat state: a header, then its data: an int128 as two
 * int64 (high half first, so that it needs no more than MAXALIGN), a
 * float8, or a numeric datum, which is given room to grow so that most
 * additions fit in place.
 */
typedef struct TfStoredTotal
{
	int64		count;			/* number of values added */
	int32		size;			/* bytes of data, a multiple of MAXALIGN */
	uint8		rep;			/* a TfTotalRep */
	uint8		unused;
	int16		scale;			/* TF_REP_INT128: decimal places */
	char		data[FLEXIBLE_ARRAY_MEMBER];
} TfStoredTotal;

/* the data size of a total held in 16 bytes, and the size of a whole one */
#define TF_STORED_FIXED_DATA	16
#define TF_STORED_TOTAL_BYTES(size)	(offsetof(TfStoredTotal, data) + (size))

extern int32 TfStoredTotalSize(const TfTotal *total, bool room);
extern void TfStoredTotalInit(TfStoredTotal *stored, int32 size,
							  const TfTotal *total);
extern void TfStoredTotalGet(const TfStoredTotal *stored, TfTotalKind kind,
							 TfTotal *total);
extern bool TfStoredTotalAddValue(TfStoredTotal *stored, TfTotalKind kind,
								  TfValueType type, Datum value,
								  TfTotal *grown);
extern bool TfStoredTotalAddTotal(TfStoredTotal *stored, TfTotalKind kind,
								  const TfTotal *other, TfTotal *grown);
extern Size TfStoredTotalGetV1(const char *stored, TfTotalKind kind,
							   TfTotal *total);

#endif							/* TRADEFLOW_TOTAL_H */
