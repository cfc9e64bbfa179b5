/*-------------------------------------------------------------------------
 *
 * state.c
 *	  The aggregate states as expanded objects: created in the aggregate's
 *	  memory, updated in place by the transition functions, flattened into
 *	  a validated binary image when they leave the aggregate.  Also the
 *	  text (hexadecimal) and binary I/O shared by the state types.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"

#include "tradeflow.h"

/*
 * Reading a binary image.  Every read checks that the bytes are there, so
 * a truncated or malformed value raises an error, never reads past its end.
 */

/* Raises the error for a malformed state value. */
void
TfReadInvalid(TfReader *r, const char *detail)
{
	ereport(ERROR,
			(errcode(r->errcode),
			 errmsg("invalid value for type %s", r->typname),
			 errdetail("%s", detail)));
}

/* Returns the next len bytes of the image. */
const char *
TfReadBytes(TfReader *r, int len)
{
	const char *p;

	if (len < 0 || len > r->len - r->cursor)
		TfReadInvalid(r, "The value ends before its last field.");
	p = r->data + r->cursor;
	r->cursor += len;
	return p;
}

/* Returns the next byte of the image. */
uint8
TfReadByte(TfReader *r)
{
	return (uint8) *TfReadBytes(r, 1);
}

/* Returns the next big-endian 32-bit integer of the image. */
int32
TfReadInt32(TfReader *r)
{
	uint32		n;

	memcpy(&n, TfReadBytes(r, sizeof(n)), sizeof(n));
	return (int32) pg_ntoh32(n);
}

/* Returns the next big-endian 64-bit integer of the image. */
int64
TfReadInt64(TfReader *r)
{
	uint64		n;

	memcpy(&n, TfReadBytes(r, sizeof(n)), sizeof(n));
	return (int64) pg_ntoh64(n);
}

/* Checks that the whole image has been read. */
void
TfReadEnd(TfReader *r)
{
	if (r->cursor != r->len)
		TfReadInvalid(r, "The value has bytes after its last field.");
}

/*
 * A total is written as its count of values followed, when there is at
 * least one, by the total itself: a numeric in numeric's binary format
 * (length first), a float8, or a 128-bit integer as two 64-bit halves.
 */
void
TfWriteSum(StringInfo buf, TfSumKind kind, const TfSum *sum)
{
	pq_sendint64(buf, sum->count);
	if (sum->count == 0)
		return;
	switch (kind)
	{
		case TF_SUM_NUMERIC:
			{
				bytea	   *b = DatumGetByteaPP(DirectFunctionCall1(numeric_send,
																	NumericGetDatum(sum->v.n)));

				pq_sendint32(buf, VARSIZE_ANY_EXHDR(b));
				pq_sendbytes(buf, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
				break;
			}
		case TF_SUM_FLOAT8:
			pq_sendfloat8(buf, sum->v.f);
			break;
		case TF_SUM_INTEGER:
			pq_sendint64(buf, (int64) (sum->v.i >> 64));
			pq_sendint64(buf, (int64) (uint64) sum->v.i);
			break;
	}
}

/* Reads a total written by TfWriteSum, keeping a numeric total in cxt. */
void
TfReadSum(TfReader *r, TfSumKind kind, TfSum *sum, MemoryContext cxt)
{
	TfSumInit(sum);
	sum->count = TfReadInt64(r);
	if (sum->count < 0)
		TfReadInvalid(r, "A total has a negative count of values.");
	if (sum->count == 0)
		return;
	switch (kind)
	{
		case TF_SUM_NUMERIC:
			{
				int32		len = TfReadInt32(r);
				StringInfoData buf;
				Numeric		num;

				/* numeric_recv validates sign, scale and every digit */
				initStringInfo(&buf);
				appendBinaryStringInfo(&buf, TfReadBytes(r, len), len);
				num = DatumGetNumeric(DirectFunctionCall3(numeric_recv,
														  PointerGetDatum(&buf),
														  ObjectIdGetDatum(InvalidOid),
														  Int32GetDatum(-1)));
				if (buf.cursor != buf.len)
					TfReadInvalid(r, "A numeric total has bytes after its last digit.");
				sum->v.n = MemoryContextAlloc(cxt, VARSIZE(num));
				memcpy(sum->v.n, num, VARSIZE(num));
				pfree(buf.data);
				break;
			}
		case TF_SUM_FLOAT8:
			{
				union
				{
					int64		i;
					float8		f;
				}			u;

				u.i = TfReadInt64(r);
				sum->v.f = u.f;
				break;
			}
		case TF_SUM_INTEGER:
			{
				int64		hi = TfReadInt64(r);
				uint64		lo = (uint64) TfReadInt64(r);

				sum->v.i = ((int128) hi << 64) | (int128) lo;
				break;
			}
	}
}

/*
 * Expanded-object methods shared by all state types.  The flat form is a
 * varlena holding the binary image, which is cached until the state changes.
 */

static StringInfo
StateImage(TfState *state)
{
	if (state->image == NULL)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(state->hdr.eoh_context);
		StringInfo	image = makeStringInfo();

		state->methods->write(state, image);
		state->image = image;
		MemoryContextSwitchTo(oldcxt);
	}
	return state->image;
}

static Size
StateGetFlatSize(ExpandedObjectHeader *eohptr)
{
	return VARHDRSZ + StateImage((TfState *) eohptr)->len;
}

static void
StateFlattenInto(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	StringInfo	image = StateImage((TfState *) eohptr);

	Assert(allocated_size == VARHDRSZ + image->len);
	SET_VARSIZE(result, allocated_size);
	memcpy(VARDATA(result), image->data, image->len);
}

static const ExpandedObjectMethods StateEOHMethods = {
	StateGetFlatSize,
	StateFlattenInto
};

/*
 * Returns a new, zeroed state of the given size in a memory context of its
 * own below parent.
 */
void *
TfStateCreate(const TfStateMethods *methods, Size size, MemoryContext parent)
{
	MemoryContext objcxt = AllocSetContextCreate(parent, "tradeflow state",
												 ALLOCSET_SMALL_SIZES);
	TfState    *state = MemoryContextAllocZero(objcxt, size);

	EOH_init_header(&state->hdr, &StateEOHMethods, objcxt);
	state->methods = methods;
	return state;
}

/* Notes that the state has changed, so its cached image is stale. */
void
TfStateChanged(TfState *state)
{
	if (state->image != NULL)
	{
		pfree(state->image->data);
		pfree(state->image);
		state->image = NULL;
	}
}

/* Returns a new state in parent read from a binary image. */
static void *
StateFromImage(const TfStateMethods *methods, const char *data, int len,
			   int errcode, MemoryContext parent)
{
	TfReader	r;
	void	   *state;

	r.data = data;
	r.len = len;
	r.cursor = 0;
	r.typname = methods->typname;
	r.errcode = errcode;
	state = methods->read(&r, parent);
	TfReadEnd(&r);
	return state;
}

/* Returns the state held in an expanded datum, checking its type. */
static TfState *
ExpandedState(const TfStateMethods *methods, Datum d)
{
	ExpandedObjectHeader *eoh = DatumGetEOHP(d);

	if (eoh->eoh_methods != &StateEOHMethods ||
		((TfState *) eoh)->methods != methods)
		elog(ERROR, "expanded object is not a %s", methods->typname);
	return (TfState *) eoh;
}

/* Returns a new copy, in parent, of the state datum d (flat or expanded). */
static void *
StateCopy(const TfStateMethods *methods, Datum d, MemoryContext parent)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		StringInfo	image = StateImage(ExpandedState(methods, d));

		return StateFromImage(methods, image->data, image->len,
							  ERRCODE_DATA_CORRUPTED, parent);
	}
	else
	{
		struct varlena *flat = PG_DETOAST_DATUM_PACKED(d);

		return StateFromImage(methods, VARDATA_ANY(flat),
							  VARSIZE_ANY_EXHDR(flat),
							  ERRCODE_DATA_CORRUPTED, parent);
	}
}

/*
 * Returns the state of datum d for reading only: the expanded object itself
 * or a state read from the flat value into the current memory context.
 */
void *
TfStateReadOnly(const TfStateMethods *methods, Datum d)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return ExpandedState(methods, d);
	return StateCopy(methods, d, CurrentMemoryContext);
}

/*
 * Returns the memory context new states of this call belong to: the
 * aggregate's when called as an aggregate, else the current one.
 */
MemoryContext
TfStateContext(FunctionCallInfo fcinfo, bool *in_aggregate)
{
	MemoryContext aggcxt;

	*in_aggregate = AggCheckCallContext(fcinfo, &aggcxt) != 0;
	return *in_aggregate ? aggcxt : CurrentMemoryContext;
}

/*
 * Returns the non-NULL state argument argno, ready to be changed: the
 * aggregate's own expanded object when it is one (updated in place), else
 * a copy in cxt.
 */
void *
TfStateForUpdate(FunctionCallInfo fcinfo, const TfStateMethods *methods,
				 int argno, MemoryContext cxt, bool in_aggregate)
{
	Datum		d = PG_GETARG_DATUM(argno);

	if (in_aggregate && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)))
	{
		TfState    *state = ExpandedState(methods, d);

		if (MemoryContextGetParent(state->hdr.eoh_context) == cxt)
			return state;
	}
	return StateCopy(methods, d, cxt);
}

/*
 * Returns the datum for a changed state: the read-write expanded object
 * inside an aggregate, so that the next call updates it in place, and a
 * flat value otherwise.
 */
Datum
TfStateResult(TfState *state, bool in_aggregate)
{
	Size		size;
	void	   *flat;

	if (in_aggregate)
		return EOHPGetRWDatum(&state->hdr);
	size = EOH_get_flat_size(&state->hdr);
	flat = palloc(size);
	EOH_flatten_into(&state->hdr, flat, size);
	return PointerGetDatum(flat);
}

/*
 * The combine function of a state type: merges the second state into the
 * first.  When the first is NULL the second is copied into the aggregate's
 * memory, never returned as it is.
 */
Datum
TfStateCombine(FunctionCallInfo fcinfo, const TfStateMethods *methods,
			   void (*merge) (void *into, void *from))
{
	bool		in_aggregate;
	MemoryContext cxt = TfStateContext(fcinfo, &in_aggregate);
	TfState    *into;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		into = TfStateForUpdate(fcinfo, methods, 0, cxt, in_aggregate);
	}
	else if (PG_ARGISNULL(0))
		into = StateCopy(methods, PG_GETARG_DATUM(1), cxt);
	else
	{
		into = TfStateForUpdate(fcinfo, methods, 0, cxt, in_aggregate);
		merge(into, TfStateReadOnly(methods, PG_GETARG_DATUM(1)));
		TfStateChanged(into);
	}
	return TfStateResult(into, in_aggregate);
}

/*
 * Text I/O: the hexadecimal form of the binary image.
 */

/* Returns the flat form of a state just read, and frees the state. */
static Datum
FlatImage(TfState *state)
{
	Datum		flat = TfStateResult(state, false);

	DeleteExpandedObject(EOHPGetRWDatum(&state->hdr));
	return flat;
}

static int
HexValue(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Returns the flat state read from its text form, fully validated. */
Datum
TfStateIn(const TfStateMethods *methods, const char *str)
{
	size_t		slen = strlen(str);
	char	   *data;
	size_t		i;

	if (slen % 2 != 0 || slen / 2 > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"",
						methods->typname, str),
				 errdetail("A state value is an even number of hexadecimal digits.")));
	data = palloc(slen / 2 + 1);
	for (i = 0; i < slen / 2; i++)
	{
		int			hi = HexValue(str[2 * i]);
		int			lo = HexValue(str[2 * i + 1]);

		if (hi < 0 || lo < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"",
							methods->typname, str),
					 errdetail("A state value is an even number of hexadecimal digits.")));
		data[i] = (char) ((hi << 4) | lo);
	}
	return FlatImage(StateFromImage(methods, data, slen / 2,
									ERRCODE_INVALID_TEXT_REPRESENTATION,
									CurrentMemoryContext));
}

/* Returns the binary image of a state datum (flat or expanded). */
static void
StateBytes(const TfStateMethods *methods, Datum d, const char **data, int *len)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		StringInfo	image = StateImage(ExpandedState(methods, d));

		*data = image->data;
		*len = image->len;
	}
	else
	{
		struct varlena *flat = PG_DETOAST_DATUM_PACKED(d);

		*data = VARDATA_ANY(flat);
		*len = VARSIZE_ANY_EXHDR(flat);
	}
}

/* Returns the text form of a state. */
char *
TfStateOut(const TfStateMethods *methods, Datum d)
{
	static const char hex[] = "0123456789abcdef";
	const char *data;
	int			len;
	char	   *str;
	int			i;

	StateBytes(methods, d, &data, &len);
	str = palloc((Size) len * 2 + 1);
	for (i = 0; i < len; i++)
	{
		str[2 * i] = hex[(unsigned char) data[i] >> 4];
		str[2 * i + 1] = hex[(unsigned char) data[i] & 0x0F];
	}
	str[2 * len] = '\0';
	return str;
}

/* Returns the flat state read from the rest of a binary message. */
Datum
TfStateRecv(const TfStateMethods *methods, StringInfo buf)
{
	int			len = buf->len - buf->cursor;
	const char *data = pq_getmsgbytes(buf, len);

	return FlatImage(StateFromImage(methods, data, len,
									ERRCODE_INVALID_BINARY_REPRESENTATION,
									CurrentMemoryContext));
}

/* Returns the binary form of a state. */
bytea *
TfStateSend(const TfStateMethods *methods, Datum d)
{
	const char *data;
	int			len;
	bytea	   *result;

	StateBytes(methods, d, &data, &len);
	result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), data, len);
	return result;
}
