/*-------------------------------------------------------------------------
 *
 * value.h
 *	  The SQL types a value argument may have, and what every function
 *	  family does with single values: find an argument's type, convert,
 *	  order and copy values, divide.
 *
 *-------------------------------------------------------------------------
 */
#ifndef TRADEFLOW_VALUE_H
#define TRADEFLOW_VALUE_H

#include "fmgr.h"

#ifndef HAVE_INT128
#error "tradeflow needs a compiler with a 128-bit integer type"
#endif

/*
 * The SQL types a value argument may have.  integer and bigint values are
 * added up exactly in 128 bits, numeric exactly, double precision with
 * PostgreSQL's float8 arithmetic.
 */
typedef enum TfValueType
{
	TF_NUMERIC = 1,
	TF_FLOAT8 = 2,
	TF_INT8 = 3,
	TF_INT4 = 4
} TfValueType;

extern Oid	TfArgType(FunctionCallInfo fcinfo, int argno);
extern Oid	TfArgTypeOnce(FunctionCallInfo fcinfo, int argno);
extern TfValueType TfArgValueType(FunctionCallInfo fcinfo, int argno);
extern TfValueType TfArgValueTypeOnce(FunctionCallInfo fcinfo, int argno);
extern float8 TfValueToFloat8(TfValueType type, Datum value);
extern int	TfValueCompare(TfValueType type, Datum a, Datum b);
extern Datum TfValueCopy(TfValueType type, Datum value, MemoryContext cxt);
extern float8 TfRatio(float8 numerator, float8 denominator, bool *isnull);

#endif							/* TRADEFLOW_VALUE_H */
