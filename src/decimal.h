/*-------------------------------------------------------------------------
 *
 * decimal.h
 *	  Numeric values as scaled 128-bit integers, digits / 10^scale: the
 *	  fast path of exact numeric totals, comparisons and differences.
 *
 *-------------------------------------------------------------------------
 */
#ifndef TRADEFLOW_DECIMAL_H
#define TRADEFLOW_DECIMAL_H

#include "utils/numeric.h"

/* the largest scale, and number of digits, a scaled integer holds */
#define TF_DECIMAL_MAX_SCALE 38

extern bool TfDecimalFromDatum(Datum value, int128 *digits, int *scale);
extern bool TfDecimalAlign(int128 *a, int ascale, int128 *b, int bscale,
						   int *scale);
/* room for the decimal text of any int128 at any scale up to the maximum */
#define TF_DECIMAL_STRING_BYTES 80

extern void TfDecimalToString(int128 digits, int scale, char *buf);
extern Numeric TfDecimalToNumeric(int128 digits, int scale);
extern float8 TfDecimalToFloat8(int128 digits, int scale);

#endif							/* TRADEFLOW_DECIMAL_H */
