/*-------------------------------------------------------------------------
 *
 * partner_table.h
 *	  The per-partner table: one group's exact total for each partner, in
 *	  a flat value that an aggregate updates in place, that is stored as
 *	  it is, and whose external image lists the partners in order.  The
 *	  state of the rank_partner aggregate (partner_totals, which also
 *	  holds the target partner) and the partner profile (trade_profile)
 *	  are such tables.
 *
 *-------------------------------------------------------------------------
 */
#ifndef TRADEFLOW_PARTNER_TABLE_H
#define TRADEFLOW_PARTNER_TABLE_H

#include "fmgr.h"
#include "lib/stringinfo.h"

#include "state_io.h"
#include "total.h"

/* Partners are text (ISO codes, names) or bigint (M49 codes); stored in tables. */
typedef enum TfPartnerType
{
	TF_PARTNER_TEXT = 1,
	TF_PARTNER_BIGINT = 2
} TfPartnerType;

/* A partner: the text's bytes, or the bigint as an int64 in memory. */
typedef struct TfPartnerKey
{
	const char *data;
	int32		len;
} TfPartnerKey;

/* A partner of a table and its total. */
typedef struct TfPartner
{
	TfPartnerKey key;
	TfTotal		total;
} TfPartner;

typedef struct TfPartnerTable TfPartnerTable;

/* partners and targets as function arguments */
extern TfPartnerType TfPartnerTypeOf(FunctionCallInfo fcinfo, Oid typid);
extern TfPartnerKey TfArgPartnerKey(FunctionCallInfo fcinfo, int argno,
									TfPartnerType keytype, int64 *storage);
extern char *TfPartnerKeyText(TfPartnerType keytype, TfPartnerKey key);
extern int	TfPartnerKeyCompare(TfPartnerType keytype, TfPartnerKey a,
								TfPartnerKey b);

/* tables as arguments and results */
extern TfPartnerTable *TfPartnerTableArg(FunctionCallInfo fcinfo, int argno,
										 bool for_update);
extern Datum TfPartnerTableResult(FunctionCallInfo fcinfo, TfPartnerTable *table);
extern Datum TfPartnerTableTransition(FunctionCallInfo fcinfo,
									  const char *typname, int target_argno);
extern Datum TfPartnerTableCombine(FunctionCallInfo fcinfo, const char *typname);

/* tables */
extern TfPartnerTable *TfPartnerTableNew(TfTotalKind kind, TfPartnerType keytype,
										 int32 expected_partners);
extern TfPartnerTable *TfPartnerTableFromDatum(Datum d, bool copy);
extern TfTotalKind TfPartnerTableKind(const TfPartnerTable *table);
extern TfPartnerType TfPartnerTableKeyType(const TfPartnerTable *table);
extern int32 TfPartnerTableCount(const TfPartnerTable *table);
extern void TfPartnerTableCheckTypes(const TfPartnerTable *table,
									 const char *typname, TfTotalKind kind,
									 TfPartnerType keytype);
extern TfPartnerTable *TfPartnerTableAddValue(TfPartnerTable *table,
											  TfPartnerKey key,
											  TfValueType type, Datum value);
extern TfPartnerTable *TfPartnerTableAddTotal(TfPartnerTable *table,
											  TfPartnerKey key,
											  const TfTotal *total);
extern TfPartnerTable *TfPartnerTableMerge(TfPartnerTable *into,
										   const TfPartnerTable *from,
										   const char *typname);
extern bool TfPartnerTableGet(const TfPartnerTable *table, TfPartnerKey key,
							  TfTotal *total);
extern TfPartnerTable *TfPartnerTableSetTarget(TfPartnerTable *table,
											   TfPartnerKey key);
extern bool TfPartnerTableTarget(const TfPartnerTable *table, TfPartnerKey *key);
extern int64 TfPartnerTableRank(const TfPartnerTable *table, const TfTotal *total);
extern TfPartner *TfPartnerTableList(const TfPartnerTable *table, bool sorted);
extern TfPartnerTable *TfPartnerTableCanonical(const TfPartnerTable *table);
extern Size TfPartnerTableSize(const TfPartnerTable *table);

/* external image */
extern void TfPartnerTableWrite(const TfPartnerTable *table, StringInfo buf);
extern TfPartnerTable *TfPartnerTableRead(TfReader *r, bool allow_target);

#endif							/* TRADEFLOW_PARTNER_TABLE_H */
