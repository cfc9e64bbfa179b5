/*-------------------------------------------------------------------------
 *
 * tradeflow.h
 *	  What tradeflow's function families share: the kinds of value they
 *	  accept, exact totals, and the aggregate states kept as expanded
 *	  objects of tradeflow's own SQL types.
 *
 *-------------------------------------------------------------------------
 */
#ifndef TRADEFLOW_H
#define TRADEFLOW_H

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/expandeddatum.h"
#include "utils/numeric.h"

#ifndef HAVE_INT128
#error "tradeflow needs a compiler with a 128-bit integer type"
#endif

/*
 * The SQL types a value argument may have.  Integer types are summed
 * exactly in 128 bits, numeric exactly in numeric, double precision with
 * PostgreSQL's float8 arithmetic.
 */
typedef enum TfValueType
{
	TF_NUMERIC = 1,
	TF_FLOAT8 = 2,
	TF_INT8 = 3,
	TF_INT4 = 4
} TfValueType;

/* How values of a type are totalled; also stored in the state types. */
typedef enum TfSumKind
{
	TF_SUM_NUMERIC = 1,
	TF_SUM_FLOAT8 = 2,
	TF_SUM_INTEGER = 3
} TfSumKind;

/* An exact running total of the non-NULL values added to it. */
typedef struct TfSum
{
	int64		count;			/* number of values added */
	union
	{
		int128		i;			/* TF_SUM_INTEGER */
		float8		f;			/* TF_SUM_FLOAT8 */
		Numeric		n;			/* TF_SUM_NUMERIC; NULL while count = 0 */
	}			v;
} TfSum;

/* value.c */
extern TfValueType TfArgValueType(FunctionCallInfo fcinfo, int argno);
extern TfSumKind TfSumKindOf(TfValueType type);
extern const char *TfSumKindName(TfSumKind kind);
extern float8 TfValueToFloat8(TfValueType type, Datum value);
extern int	TfValueCompare(TfValueType type, Datum a, Datum b);
extern void TfSumInit(TfSum *sum);
extern void TfSumAddValue(TfSum *sum, TfValueType type, Datum value,
						  MemoryContext cxt);
extern void TfSumAddSum(TfSum *sum, TfSumKind kind, const TfSum *other,
						MemoryContext cxt);
extern bool TfSumIsZero(TfSumKind kind, const TfSum *sum);
extern float8 TfSumToFloat8(TfSumKind kind, const TfSum *sum);
extern int	TfSumCompare(TfSumKind kind, const TfSum *a, const TfSum *b);
extern float8 TfRatio(float8 numerator, float8 denominator, bool *isnull);
extern float8 TfChange(TfValueType type, Datum previous, Datum current,
					   bool *isnull);
extern Datum TfValueCopy(TfValueType type, Datum value, MemoryContext cxt);

/* state.c: reading and writing the binary image of a state */
typedef struct TfReader
{
	const char *data;
	int			len;
	int			cursor;
	const char *typname;		/* for error messages */
	int			errcode;		/* text or binary representation */
} TfReader;

extern uint8 TfReadByte(TfReader *r);
extern int32 TfReadInt32(TfReader *r);
extern int64 TfReadInt64(TfReader *r);
extern const char *TfReadBytes(TfReader *r, int len);
extern void TfReadEnd(TfReader *r);
extern void TfReadInvalid(TfReader *r, const char *detail) pg_attribute_noreturn();
extern void TfWriteSum(StringInfo buf, TfSumKind kind, const TfSum *sum);
extern void TfReadSum(TfReader *r, TfSumKind kind, TfSum *sum,
					  MemoryContext cxt);

/*
 * Every aggregate state starts with this header.  The state lives as an
 * expanded object while it is aggregated, so the transition functions
 * update it in place; it is flattened into its binary image only when it
 * has to leave the aggregate (to a parallel leader, a Citus coordinator,
 * a table or the client).
 */
typedef struct TfStateMethods
{
	const char *typname;
	/* append the binary image of the state to buf */
	void		(*write) (void *state, StringInfo buf);
	/* build a state below memory context parent from a binary image */
	void	   *(*read) (TfReader *r, MemoryContext parent);
} TfStateMethods;

typedef struct TfState
{
	ExpandedObjectHeader hdr;
	const TfStateMethods *methods;
	StringInfo	image;			/* cached binary image, NULL when stale */
} TfState;

extern void *TfStateCreate(const TfStateMethods *methods, Size size,
						   MemoryContext parent);
extern void TfStateChanged(TfState *state);
extern void *TfStateReadOnly(const TfStateMethods *methods, Datum d);
extern MemoryContext TfStateContext(FunctionCallInfo fcinfo,
									bool *in_aggregate);
extern void *TfStateForUpdate(FunctionCallInfo fcinfo,
							  const TfStateMethods *methods, int argno,
							  MemoryContext cxt, bool in_aggregate);
extern Datum TfStateResult(TfState *state, bool in_aggregate);
extern Datum TfStateCombine(FunctionCallInfo fcinfo,
							const TfStateMethods *methods,
							void (*merge) (void *into, void *from));
extern Datum TfStateIn(const TfStateMethods *methods, const char *str);
extern char *TfStateOut(const TfStateMethods *methods, Datum d);
extern Datum TfStateRecv(const TfStateMethods *methods, StringInfo buf);
extern bytea *TfStateSend(const TfStateMethods *methods, Datum d);

#endif							/* TRADEFLOW_H */
