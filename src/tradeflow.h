/*-------------------------------------------------------------------------
 *
 * tradeflow.h
 *	  What tradeflow's function families share: the kinds of value they
 *	  accept, exact totals, and the aggregate states of tradeflow's own SQL
 *	  types, flat values updated in place.
 *
 *-------------------------------------------------------------------------
 */
#ifndef TRADEFLOW_H
#define TRADEFLOW_H

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/numeric.h"
#include "windowapi.h"

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

/*
 * An exact running total of the non-NULL values added to it.  A numeric
 * total is kept as the integer total * 10^scale while that fits 128 bits
 * (see decimal.c), and as a numeric n otherwise.
 */
typedef struct TfSum
{
	int64		count;			/* number of values added */
	union
	{
		int128		i;			/* TF_SUM_INTEGER, TF_SUM_NUMERIC scaled */
		float8		f;			/* TF_SUM_FLOAT8 */
	}			v;
	Numeric		n;				/* TF_SUM_NUMERIC beyond 128 bits, or NULL */
	int32		scale;			/* TF_SUM_NUMERIC: display scale of v.i */
} TfSum;

/*
 * A total stored inside a flat state: its count of values, then its data:
 * an int128 as two int64 (high half first), a float8, or a numeric datum.
 */
typedef struct TfSlot
{
	int64		count;			/* number of values added */
	int32		size;			/* bytes of data, a multiple of MAXALIGN */
	int32		form;			/* numeric: 0 for a numeric datum, else 1 +
								 * the scale of a scaled int128; else 0 */
	char		data[FLEXIBLE_ARRAY_MEMBER];
} TfSlot;

#define TF_SLOT_FIXED_DATA	16
#define TF_SLOT_BYTES(size)	(offsetof(TfSlot, data) + (size))

/* decimal.c: numeric values as scaled 128-bit integers */
#define TF_DECIMAL_MAX_SCALE 38

extern bool TfDecimalFromDatum(Datum value, int128 *digits, int *scale);
extern bool TfDecimalAlign(int128 *a, int ascale, int128 *b, int bscale,
						   int *scale);
extern Numeric TfDecimalToNumeric(int128 digits, int scale);
extern float8 TfDecimalToFloat8(int128 digits, int scale);

/* value.c */
extern TfValueType TfArgValueType(FunctionCallInfo fcinfo, int argno);
extern TfValueType TfArgValueTypeOnce(FunctionCallInfo fcinfo, int argno);
extern TfSumKind TfSumKindOf(TfValueType type);
extern const char *TfSumKindName(TfSumKind kind);
extern float8 TfValueToFloat8(TfValueType type, Datum value);
extern int	TfValueCompare(TfValueType type, Datum a, Datum b);
extern void TfSumInit(TfSum *sum);
extern void TfSumAddValue(TfSum *sum, TfValueType type, Datum value);
extern void TfSumAddSum(TfSum *sum, TfSumKind kind, const TfSum *other);
extern int32 TfSlotDataSize(TfSumKind kind, const TfSum *sum, bool room);
extern void TfSlotInit(TfSlot *slot, int32 size);
extern void TfSlotGet(const TfSlot *slot, TfSumKind kind, TfSum *sum);
extern bool TfSlotPut(TfSlot *slot, TfSumKind kind, const TfSum *sum);
extern bool TfSlotAddValue(TfSlot *slot, TfSumKind kind, TfValueType type,
						   Datum value, TfSum *grown);
extern bool TfSlotAddSum(TfSlot *slot, TfSumKind kind, const TfSum *other,
						 TfSum *grown);
extern bool TfSumIsZero(TfSumKind kind, const TfSum *sum);
extern float8 TfSumToFloat8(TfSumKind kind, const TfSum *sum);
extern Numeric TfSumNumeric(const TfSum *sum);
extern int	TfSumCompare(TfSumKind kind, const TfSum *a, const TfSum *b);
extern int	TfSlotCompare(const TfSlot *a, const TfSlot *b, TfSumKind kind);
extern float8 TfRatio(float8 numerator, float8 denominator, bool *isnull);
extern float8 TfChange(TfValueType type, Datum previous, Datum current,
					   bool *isnull);
extern bool TfDecimalChange(int128 previous, int previous_scale, int128 current,
							int current_scale, float8 *change, bool *isnull);
extern Datum TfValueCopy(TfValueType type, Datum value, MemoryContext cxt);

/* window.c */
typedef void (*TfRowVisitor) (WindowObject winobj, int64 pos, Datum value,
							  bool isnull, void *arg);
extern void TfScanPartition(WindowObject winobj, int argno,
							TfRowVisitor visit, void *arg);
extern void *TfPartitionAlloc(void *partition_local, Size size);

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
extern void TfReadSum(TfReader *r, TfSumKind kind, TfSum *sum);

/*
 * A state type: its name, how its external binary image is written from
 * a state and how a state is read (and validated) from one.
 */
typedef struct TfStateMethods
{
	const char *typname;
	void		(*write) (const void *state, StringInfo buf);
	void	   *(*read) (TfReader *r);
} TfStateMethods;

extern void *TfStateArg(FunctionCallInfo fcinfo, int argno, bool for_update);
extern Datum TfStateCombine(FunctionCallInfo fcinfo,
							void *(*merge) (void *into, const void *from));
extern Datum TfStateIn(const TfStateMethods *methods, const char *str);
extern char *TfStateOut(const TfStateMethods *methods, Datum d);
extern Datum TfStateRecv(const TfStateMethods *methods, StringInfo buf);
extern bytea *TfStateSend(const TfStateMethods *methods, Datum d);

/*
 * Defines the input, output, receive and send functions of the state type
 * typname, whose methods are the TfStateMethods methods.
 */
#define TF_STATE_IO_FUNCTIONS(typname, methods) \
PG_FUNCTION_INFO_V1(typname##_in); \
Datum \
typname##_in(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_DATUM(TfStateIn(&(methods), PG_GETARG_CSTRING(0))); \
} \
PG_FUNCTION_INFO_V1(typname##_out); \
Datum \
typname##_out(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_CSTRING(TfStateOut(&(methods), PG_GETARG_DATUM(0))); \
} \
PG_FUNCTION_INFO_V1(typname##_recv); \
Datum \
typname##_recv(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_DATUM(TfStateRecv(&(methods), (StringInfo) PG_GETARG_POINTER(0))); \
} \
PG_FUNCTION_INFO_V1(typname##_send); \
Datum \
typname##_send(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BYTEA_P(TfStateSend(&(methods), PG_GETARG_DATUM(0))); \
} \
extern int	no_such_variable

#endif							/* TRADEFLOW_H */
