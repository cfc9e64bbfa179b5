/*-------------------------------------------------------------------------
 *
 * state_io.c
 *	  What tradeflow's stored types share (see state_io.h): reading an
 *	  external image with every read checked, the errors of malformed
 *	  input, the text and binary I/O of types whose values have an
 *	  image, their equality, order and hashing, and the state argument of
 *	  a transition or combine function.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/vacuum.h"
#include "libpq/pqformat.h"
#include "common/hashfn.h"
#include "mb/pg_wchar.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "state_io.h"
#include "value.h"

/* the most characters of a malformed input that an error message quotes */
#define QUOTED_INPUT_CHARS 40

/* Starts reading the image data[0 .. len-1]; input is its text form, if any. */
void
TfReaderInit(TfReader *r, const char *typname, const char *data, int len,
			 const char *input)
{
	r->data = data;
	r->len = len;
	r->cursor = 0;
	r->typname = typname;
	r->input = input;
}

/*
 * Raises the error for malformed text input of a type: the message quotes
 * at most the first QUOTED_INPUT_CHARS characters of the input, the detail
 * says what is wrong.
 */
void
TfInputInvalid(const char *typname, const char *input, const char *detail)
{
	int			len = strlen(input);
	int			cut = pg_mbcharcliplen(input, len, QUOTED_INPUT_CHARS);

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%.*s%s\"",
					typname, cut, input, cut < len ? "..." : ""),
			 errdetail("%s", detail)));
}

/* Raises the error for a malformed image, text or binary. */
void
TfReadInvalid(TfReader *r, const char *detail)
{
	if (r->input != NULL)
		TfInputInvalid(r->typname, r->input, detail);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid external \"%s\" value", r->typname),
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
 * Returns the value of a type whose text form is its image in
 * hexadecimal, read from argument 0 of an input function.
 */
Datum
TfHexIn(FunctionCallInfo fcinfo, const TfImageType *type)
{
	const char *input = PG_GETARG_CSTRING(0);
	size_t		ndigits = strlen(input);
	size_t		valid = strspn(input, "0123456789abcdefABCDEF");
	char	   *image;
	int			len;
	TfReader	r;

	if (valid < ndigits)
		TfInputInvalid(type->typname, input,
					   psprintf("Character %d is not a hexadecimal digit.",
								pg_mbstrlen_with_len(input, valid) + 1));
	if (ndigits % 2 != 0)
		TfInputInvalid(type->typname, input,
					   "The value has an odd number of hexadecimal digits.");
	if (ndigits / 2 > MaxAllocSize - 1)
		TfInputInvalid(type->typname, input, "The value is too long.");
	image = palloc(ndigits / 2 + 1);
	len = (int) hex_decode(input, ndigits, image);
	TfReaderInit(&r, type->typname, image, len, input);
	return type->read(&r);
}

/* Returns the hexadecimal text form of the image of argument 0. */
Datum
TfHexOut(FunctionCallInfo fcinfo, const TfImageType *type)
{
	StringInfoData buf;
	char	   *hex;

	initStringInfo(&buf);
	type->write(PG_GETARG_DATUM(0), &buf);
	hex = palloc((Size) buf.len * 2 + 1);
	hex[hex_encode(buf.data, buf.len, hex)] = '\0';
	PG_RETURN_CSTRING(hex);
}

/* Returns the value read from the rest of the binary message argument 0. */
Datum
TfImageRecv(FunctionCallInfo fcinfo, const TfImageType *type)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	TfReader	r;

	TfReaderInit(&r, type->typname, buf->data + buf->cursor,
				 buf->len - buf->cursor, NULL);
	buf->cursor = buf->len;
	return type->read(&r);
}

/* Returns the binary form, the image, of argument 0. */
Datum
TfImageSend(FunctionCallInfo fcinfo, const TfImageType *type)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	type->write(PG_GETARG_DATUM(0), &buf);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
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
 * What a combine function returns when one of its states is NULL: the
 * other state, the second as a copy, never itself (it is not the
 * aggregate's own value, which the next combine may change in place).
 */
Datum
TfStateCombineNull(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	Assert(PG_ARGISNULL(0));
	PG_RETURN_POINTER(PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(1)));
}

/*
 * Equality, order and hashing of the stored types, on their canonical
 * form: the binary image, which lists partners in order and writes each
 * total as numeric_send, float8send or an int128 would.  Two values are
 * equal when their images are; the order is the images' byte order, fixed
 * but of no meaning, for sorting and grouping.  One set of functions
 * serves every type: a call site looks its argument type's send function
 * up once.
 */

/* Returns the image of argument argno, by the send function of its type. */
static bytea *
ArgImage(FunctionCallInfo fcinfo, int argno)
{
	FmgrInfo   *send = fcinfo->flinfo->fn_extra;

	if (send == NULL)
	{
		Oid			sendfn;
		bool		isvarlena;

		getTypeBinaryOutputInfo(TfArgType(fcinfo, 0), &sendfn, &isvarlena);
		send = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(FmgrInfo));
		fmgr_info_cxt(sendfn, send, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = send;
	}
	return SendFunctionCall(send, PG_GETARG_DATUM(argno));
}

/*
 * Returns <0, 0 or >0 as the image of argument 0 sorts before, with or
 * after that of argument 1.  The images are freed: sorts call this many
 * times in one memory context.
 */
static int
CompareImages(FunctionCallInfo fcinfo)
{
	bytea	   *a = ArgImage(fcinfo, 0);
	bytea	   *b = ArgImage(fcinfo, 1);
	int			alen = VARSIZE(a) - VARHDRSZ;
	int			blen = VARSIZE(b) - VARHDRSZ;
	int			cmp = memcmp(VARDATA(a), VARDATA(b), Min(alen, blen));

	if (cmp == 0)
		cmp = (alen > blen) - (alen < blen);
	pfree(a);
	pfree(b);
	return cmp;
}

/* Defines the comparison function name, true where op holds of the images. */
#define IMAGE_COMPARISON(name, op) \
PG_FUNCTION_INFO_V1(name); \
Datum name(PG_FUNCTION_ARGS) { PG_RETURN_BOOL(CompareImages(fcinfo) op 0); } \
extern int	no_such_variable

IMAGE_COMPARISON(tradeflow_image_eq, ==);
IMAGE_COMPARISON(tradeflow_image_ne, !=);
IMAGE_COMPARISON(tradeflow_image_lt, <);
IMAGE_COMPARISON(tradeflow_image_le, <=);
IMAGE_COMPARISON(tradeflow_image_gt, >);
IMAGE_COMPARISON(tradeflow_image_ge, >=);

/* The btree support function: <0, 0 or >0. */
PG_FUNCTION_INFO_V1(tradeflow_image_cmp);
Datum
tradeflow_image_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(CompareImages(fcinfo));
}

/* The hash support function: the hash of the image. */
PG_FUNCTION_INFO_V1(tradeflow_image_hash);
Datum
tradeflow_image_hash(PG_FUNCTION_ARGS)
{
	bytea	   *image = ArgImage(fcinfo, 0);
	Datum		hash = hash_any((unsigned char *) VARDATA(image),
								VARSIZE(image) - VARHDRSZ);

	pfree(image);
	return hash;
}

/* The extended hash support function: the hash of the image, with a seed. */
PG_FUNCTION_INFO_V1(tradeflow_image_hash_extended);
Datum
tradeflow_image_hash_extended(PG_FUNCTION_ARGS)
{
	bytea	   *image = ArgImage(fcinfo, 0);
	Datum		hash = hash_any_extended((unsigned char *) VARDATA(image),
										 VARSIZE(image) - VARHDRSZ,
										 PG_GETARG_INT64(1));

	pfree(image);
	return hash;
}

/*
 * Statistics of a column of a stored type, for ANALYZE: the fraction of
 * NULLs and the average width, which the planner uses to size sorts and
 * hash tables, and no histogram or most common values.  PostgreSQL's
 * standard statistics would sort the sample with the btree order above,
 * each comparison writing two images: minutes for a table of tens of
 * thousands of profiles, for statistics no query uses (nobody filters by
 * a profile's place in a meaningless order).
 */
static void
ComputeWidthStats(VacAttrStats *stats, AnalyzeAttrFetchFunc fetch,
				  int samplerows, double totalrows)
{
	int			nulls = 0;
	double		width = 0;
	int			i;

	for (i = 0; i < samplerows; i++)
	{
		bool		isnull;
		Datum		value;

		vacuum_delay_point();
		value = fetch(stats, i, &isnull);
		if (isnull)
			nulls++;
		else
			width += VARSIZE_ANY(DatumGetPointer(value));
	}
	stats->stats_valid = true;
	stats->stanullfrac = samplerows > 0 ? (float4) nulls / samplerows : 0;
	stats->stawidth = samplerows > nulls ? (int32) (width / (samplerows - nulls)) : 0;
	stats->stadistinct = 0.0;	/* unknown */
}

/* The ANALYZE function of the stored types (CREATE TYPE ... ANALYZE). */
PG_FUNCTION_INFO_V1(tradeflow_image_analyze);
Datum
tradeflow_image_analyze(PG_FUNCTION_ARGS)
{
	VacAttrStats *stats = (VacAttrStats *) PG_GETARG_POINTER(0);

	if (stats->attr->attstattarget < 0)
		stats->attr->attstattarget = default_statistics_target;
	stats->compute_stats = ComputeWidthStats;
	stats->minrows = 300 * stats->attr->attstattarget;
	PG_RETURN_BOOL(true);
}
