/*-------------------------------------------------------------------------
 *
 * state.c
 *	  What the aggregate state types share.  A state is a flat varlena that
 *	  the transition and combine functions update in place when called as
 *	  an aggregate, so a real state type costs no copy per row and no
 *	  memory context per group.  Its external form, for text and binary
 *	  I/O, is a portable binary image (hexadecimal in text) that is
 *	  validated byte by byte on input.
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
																	NumericGetDatum(TfSumNumeric(sum))));

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
 * Reads a total written by TfWriteSum; a numeric total is allocated in the
 * current memory context.
 */
void
TfReadSum(TfReader *r, TfSumKind kind, TfSum *sum)
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
				Numeric		n;

				initStringInfo(&buf);
				appendBinaryStringInfo(&buf, TfReadBytes(r, len), len);
				CheckNumericImage(r, buf.data, len);
				n = DatumGetNumeric(DirectFunctionCall3(numeric_recv,
														PointerGetDatum(&buf),
														ObjectIdGetDatum(InvalidOid),
														Int32GetDatum(-1)));
				/* held as a scaled integer where it fits, as when summed */
				if (!TfDecimalFromDatum(NumericGetDatum(n), &sum->v.i, &sum->scale))
					sum->n = n;
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

				sum->v.i = (int128) (((uint128) (uint64) hi << 64) | lo);
				break;
			}
	}
}

/*
 * Returns the state argument argno.  For an update inside an aggregate it
 * is the aggregate's own transition value, changed in place; for an update
 * outside one it is a copy, as the argument may be a stored value.
 */
void *
TfStateArg(FunctionCallInfo fcinfo, int argno, bool for_update)
{
	Datum		d = PG_GETARG_DATUM(argno);

	if (for_update && !AggCheckCallContext(fcinfo, NULL))
		return PG_DETOAST_DATUM_COPY(d);
	return PG_DETOAST_DATUM(d);
}

/*
 * The combine function of a state type: merges the second state into the
 * first.  When the first is NULL the result is a copy of the second, never
 * the second itself.
 */
Datum
TfStateCombine(FunctionCallInfo fcinfo,
			   void *(*merge) (void *into, const void *from))
{
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(1)));
	PG_RETURN_POINTER(merge(TfStateArg(fcinfo, 0, true),
							PG_DETOAST_DATUM(PG_GETARG_DATUM(1))));
}

/* Returns a state read from its external image, fully validated. */
static Datum
StateFromImage(const TfStateMethods *methods, const char *data, int len,
			   int errcode)
{
	TfReader	r;
	void	   *state;

	r.data = data;
	r.len = len;
	r.cursor = 0;
	r.typname = methods->typname;
	r.errcode = errcode;
	state = methods->read(&r);
	TfReadEnd(&r);
	return PointerGetDatum(state);
}

/* Returns the external image of a state. */
static StringInfo
StateImage(const TfStateMethods *methods, Datum d)
{
	StringInfo	image = makeStringInfo();

	methods->write(PG_DETOAST_DATUM(d), image);
	return image;
}

/*
 * Text I/O: the hexadecimal form of the binary image.
 */

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
	return StateFromImage(methods, data, slen / 2,
						  ERRCODE_INVALID_TEXT_REPRESENTATION);
}

/* Returns the text form of a state. */
char *
TfStateOut(const TfStateMethods *methods, Datum d)
{
	static const char hex[] = "0123456789abcdef";
	StringInfo	image = StateImage(methods, d);
	const char *data = image->data;
	int			len = image->len;
	char	   *str;
	int			i;

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

	return StateFromImage(methods, data, len,
						  ERRCODE_INVALID_BINARY_REPRESENTATION);
}

/* Returns the binary form of a state. */
bytea *
TfStateSend(const TfStateMethods *methods, Datum d)
{
	StringInfo	image = StateImage(methods, d);
	bytea	   *result = palloc(VARHDRSZ + image->len);

	SET_VARSIZE(result, VARHDRSZ + image->len);
	memcpy(VARDATA(result), image->data, image->len);
	return result;
}
