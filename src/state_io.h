/*-------------------------------------------------------------------------
 *
 * state_io.h
 *	  What tradeflow's stored types share: flat values that an aggregate
 *	  updates in place, and external images that are read byte by byte,
 *	  each read checked, so that a malformed value is an error, never a
 *	  crash.
 *
 *-------------------------------------------------------------------------
 */
#ifndef TRADEFLOW_STATE_IO_H
#define TRADEFLOW_STATE_IO_H

#include "fmgr.h"
#include "lib/stringinfo.h"

/* An external image being read, and what its errors say. */
typedef struct TfReader
{
	const char *data;
	int			len;
	int			cursor;
	const char *typname;		/* the type being read */
	const char *input;			/* its text form, or NULL for binary input */
} TfReader;

extern void TfReaderInit(TfReader *r, const char *typname, const char *data,
						 int len, const char *text);
extern uint8 TfReadByte(TfReader *r);
extern int32 TfReadInt32(TfReader *r);
extern int64 TfReadInt64(TfReader *r);
extern const char *TfReadBytes(TfReader *r, int len);
extern void TfReadEnd(TfReader *r);
extern void TfReadInvalid(TfReader *r, const char *detail) pg_attribute_noreturn();
extern void TfInputInvalid(const char *typname, const char *text,
						   const char *detail) pg_attribute_noreturn();

/*
 * A type whose values have an external image: its name, and how a value
 * is read (fully validated) from a whole image and written as one.
 */
typedef struct TfImageType
{
	const char *typname;
	Datum		(*read) (TfReader *r);
	void		(*write) (Datum value, StringInfo buf);
} TfImageType;

extern Datum TfHexIn(FunctionCallInfo fcinfo, const TfImageType *type);
extern Datum TfHexOut(FunctionCallInfo fcinfo, const TfImageType *type);
extern Datum TfImageRecv(FunctionCallInfo fcinfo, const TfImageType *type);
extern Datum TfImageSend(FunctionCallInfo fcinfo, const TfImageType *type);

/*
 * Defines the input, output, receive and send functions, named in full,
 * of a type whose text form is its image in hexadecimal (the aggregate
 * states of tradeflow 0.1).
 */
#define TF_HEX_IMAGE_IO(in, out, recv, send, type) \
PG_FUNCTION_INFO_V1(in); \
Datum in(PG_FUNCTION_ARGS) { return TfHexIn(fcinfo, &(type)); } \
PG_FUNCTION_INFO_V1(out); \
Datum out(PG_FUNCTION_ARGS) { return TfHexOut(fcinfo, &(type)); } \
PG_FUNCTION_INFO_V1(recv); \
Datum recv(PG_FUNCTION_ARGS) { return TfImageRecv(fcinfo, &(type)); } \
PG_FUNCTION_INFO_V1(send); \
Datum send(PG_FUNCTION_ARGS) { return TfImageSend(fcinfo, &(type)); } \
extern int	no_such_variable

extern void *TfStateArg(FunctionCallInfo fcinfo, int argno, bool for_update);
extern Datum TfStateCombineNull(FunctionCallInfo fcinfo);

#endif							/* TRADEFLOW_STATE_IO_H */
