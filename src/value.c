/*-------------------------------------------------------------------------
 *
 * value.c
 *	  Single values of the accepted SQL types: the type of an argument, as
 *	  the function's SQL signature declares it, and conversion, ordering,
 *	  copying and division of values.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"

#include "decimal.h"
#include "value.h"

/*
 * Returns the SQL types of the arguments of the called function, as it
 * declares them, in an array allocated in the current memory context.
 * Every tradeflow function has a signature of fixed types, so these are
 * the types of the call expression's arguments too; unlike that
 * expression, the declaration is there however the function is called:
 * from SQL, as a range type's subtype_diff, or by Citus's
 * worker_partial_agg and coord_combine_agg, which call an aggregate's
 * support functions without one.  A catalog lookup: callers keep the
 * answer for their call site.
 */
static Oid *
DeclaredArgTypes(FunctionCallInfo fcinfo, int argno)
{
	Oid		   *argtypes;
	int			nargs;

	if (fcinfo->flinfo == NULL || !OidIsValid(fcinfo->flinfo->fn_oid))
		elog(ERROR, "tradeflow function called without its catalog entry");
	get_func_signature(fcinfo->flinfo->fn_oid, &argtypes, &nargs);
	if (argno >= nargs)
		elog(ERROR, "function %u has no argument %d",
			 fcinfo->flinfo->fn_oid, argno + 1);
	return argtypes;
}

/* Returns the declared SQL type of argument argno (see DeclaredArgTypes). */
Oid
TfArgType(FunctionCallInfo fcinfo, int argno)
{
	Oid		   *argtypes = DeclaredArgTypes(fcinfo, argno);
	Oid			typid = argtypes[argno];

	pfree(argtypes);
	return typid;
}

/*
 * Returns the declared SQL type of argument argno, looked up on the first
 * call of a call site only.  For functions that keep nothing else in
 * fn_extra.
 */
Oid
TfArgTypeOnce(FunctionCallInfo fcinfo, int argno)
{
	Oid		   *argtypes = fcinfo->flinfo->fn_extra;

	if (argtypes == NULL)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		argtypes = DeclaredArgTypes(fcinfo, argno);
		MemoryContextSwitchTo(oldcxt);
		fcinfo->flinfo->fn_extra = argtypes;
	}
	return argtypes[argno];
}

/* Returns the value type of a value argument of the called function. */
static TfValueType
ValueTypeOf(FunctionCallInfo fcinfo, Oid typid)
{
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
	}
	/* only a C function declared by hand can get here */
	elog(ERROR, "function %u is declared with a value argument of type %s",
		 fcinfo->flinfo->fn_oid, format_type_be(typid));
	pg_unreachable();
}

/* Returns the value type of argument argno (see TfArgType). */
TfValueType
TfArgValueType(FunctionCallInfo fcinfo, int argno)
{
	return ValueTypeOf(fcinfo, TfArgType(fcinfo, argno));
}

/* Returns the value type of argument argno (see TfArgTypeOnce). */
TfValueType
TfArgValueTypeOnce(FunctionCallInfo fcinfo, int argno)
{
	return ValueTypeOf(fcinfo, TfArgTypeOnce(fcinfo, argno));
}

/* Returns the value as double precision, as PostgreSQL's casts do. */
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

/*
 * Returns numerator / denominator with PostgreSQL's float8 arithmetic, or
 * sets *isnull when the denominator is zero: every ratio tradeflow returns
 * is NULL, never an error or an infinity, where it would divide by zero.
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
