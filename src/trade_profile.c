/*-------------------------------------------------------------------------
 *
 * trade_profile.c
 *	  trade_profile: one group's exact total per partner, stored, combined
 *	  and asked again.  The type and its readable text form, the
 *	  trade_profile and rollup aggregates, and the accessors: total,
 *	  partner_count, partner_value, trade_share, rank_partner,
 *	  top_partners, hhi, pct_change and contributions.
 *
 *	  A profile is a per-partner table without a target (partner_table.c);
 *	  every profile a function returns outside an aggregate is canonical.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/jsonapi.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/lsyscache.h"

#include "decimal.h"
#include "partner_table.h"

#define PROFILE_TYPNAME "trade_profile"
#define PROFILE_TEXT_VERSION 1

/*
 * The text form, version 1, is a JSON object:
 *
 *	 {"version": 1, "values": "numeric", "partners": "text",
 *	  "totals": {"CHN": 1234.50, "PRK": 0.25}}
 *
 * values is the kind of totals ("numeric", "double precision" or
 * "integer"), partners their type ("text" or "bigint", written as JSON
 * strings), and totals each partner's total in partner order: a JSON
 * number, exactly as numeric or double precision output writes it (the
 * display scale kept), or the string "NaN", "Infinity" or "-Infinity".
 */

static const char *
PartnerTypeName(TfPartnerType keytype)
{
	return keytype == TF_PARTNER_BIGINT ? "bigint" : "text";
}

/* Appends a total as a JSON value. */
static void
AppendTotal(StringInfo buf, const TfTotal *total)
{
	char		digits[TF_DECIMAL_STRING_BYTES];

	switch (total->rep)
	{
		case TF_REP_INT128:
			TfDecimalToString(total->v.i, total->scale, digits);
			appendStringInfoString(buf, digits);
			break;
		case TF_REP_FLOAT8:
			if (isnan(total->v.f) || isinf(total->v.f))
				appendStringInfo(buf, "\"%s\"", float8out_internal(total->v.f));
			else
				appendStringInfoString(buf, float8out_internal(total->v.f));
			break;
		case TF_REP_NUMERIC:
			{
				char	   *text = DatumGetCString(DirectFunctionCall1(numeric_out,
																	   NumericGetDatum(total->v.n)));

				if (numeric_is_nan(total->v.n) || numeric_is_inf(total->v.n))
					appendStringInfo(buf, "\"%s\"", text);
				else
					appendStringInfoString(buf, text);
				break;
			}
	}
}

/* Returns the text form of a profile. */
static char *
ProfileText(const TfPartnerTable *profile)
{
	TfPartnerType keytype = TfPartnerTableKeyType(profile);
	TfPartner  *list = TfPartnerTableList(profile, true);
	int32		n = TfPartnerTableCount(profile);
	StringInfoData buf;
	int32		i;

	initStringInfo(&buf);
	appendStringInfo(&buf,
					 "{\"version\": %d, \"values\": \"%s\", \"partners\": \"%s\", \"totals\": {",
					 PROFILE_TEXT_VERSION,
					 TfTotalKindName(TfPartnerTableKind(profile)),
					 PartnerTypeName(keytype));
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		escape_json(&buf, TfPartnerKeyText(keytype, list[i].key));
		appendStringInfoString(&buf, ": ");
		AppendTotal(&buf, &list[i].total);
	}
	appendStringInfoString(&buf, "}}");
	return buf.data;
}

/* A total as the text form writes it, before its kind is known. */
typedef struct ParsedTotal
{
	char	   *partner;
	char	   *token;
	JsonTokenType type;
} ParsedTotal;

/* What reading the text form keeps. */
typedef struct ProfileParse
{
	const char *input;
	int			depth;
	char	   *field;			/* the field of the outer object being read */
	bool		in_totals;
	char	   *version;
	char	   *values;
	char	   *partners;
	bool		has_totals;
	char	   *partner;		/* the partner whose total comes next */
	ParsedTotal *totals;
	int			ntotals;
	int			maxtotals;
} ProfileParse;

static void ParseInvalid(ProfileParse *parse, const char *detail) pg_attribute_noreturn();

static void
ParseInvalid(ProfileParse *parse, const char *detail)
{
	TfInputInvalid(PROFILE_TYPNAME, parse->input, detail);
}

static void
ParseObjectStart(void *state)
{
	ProfileParse *parse = state;

	parse->depth++;
	if (parse->depth == 2 && parse->field != NULL &&
		strcmp(parse->field, "totals") == 0)
	{
		if (parse->has_totals)
			ParseInvalid(parse, "The value has \"totals\" twice.");
		parse->has_totals = true;
		parse->in_totals = true;
	}
	else if (parse->depth > 1)
		ParseInvalid(parse, "Only \"totals\" is an object.");
}

static void
ParseObjectEnd(void *state)
{
	ProfileParse *parse = state;

	parse->depth--;
	parse->in_totals = false;
}

static void
ParseArrayStart(void *state)
{
	ParseInvalid(state, "The value holds no arrays.");
}

static void
ParseField(void *state, char *fname, bool isnull)
{
	ProfileParse *parse = state;

	if (parse->in_totals)
		parse->partner = fname;
	else
		parse->field = fname;
}

/* Sets *slot to a field's value, which may be given once only. */
static void
ParseOnce(ProfileParse *parse, char **slot, char *token)
{
	if (*slot != NULL)
		ParseInvalid(parse, psprintf("The value has \"%s\" twice.", parse->field));
	*slot = token;
}

static void
ParseScalar(void *state, char *token, JsonTokenType tokentype)
{
	ProfileParse *parse = state;

	if (parse->depth == 0)
		ParseInvalid(parse, "The value is not a JSON object.");
	if (parse->in_totals)
	{
		if (parse->ntotals == parse->maxtotals)
		{
			parse->maxtotals *= 2;
			parse->totals = repalloc_huge(parse->totals,
										  parse->maxtotals * sizeof(ParsedTotal));
		}
		parse->totals[parse->ntotals].partner = parse->partner;
		parse->totals[parse->ntotals].token = token;
		parse->totals[parse->ntotals].type = tokentype;
		parse->ntotals++;
		return;
	}
	if (strcmp(parse->field, "version") == 0 && tokentype == JSON_TOKEN_NUMBER)
		ParseOnce(parse, &parse->version, token);
	else if (strcmp(parse->field, "values") == 0 && tokentype == JSON_TOKEN_STRING)
		ParseOnce(parse, &parse->values, token);
	else if (strcmp(parse->field, "partners") == 0 && tokentype == JSON_TOKEN_STRING)
		ParseOnce(parse, &parse->partners, token);
	else
		ParseInvalid(parse,
					 psprintf("\"%s\" is not a field of version %d, or its value is of the wrong type.",
							  parse->field, PROFILE_TEXT_VERSION));
}

/* Returns a partner written in the text form as a key. */
static TfPartnerKey
ParsePartner(ProfileParse *parse, TfPartnerType keytype, const char *partner)
{
	TfPartnerKey key;

	if (keytype == TF_PARTNER_BIGINT)
	{
		int64	   *code = palloc(sizeof(int64));
		char	   *end;

		errno = 0;
		*code = strtoi64(partner, &end, 10);
		if (errno != 0 || end == partner || *end != '\0' || isspace((unsigned char) *partner))
			ParseInvalid(parse, psprintf("Partner \"%s\" is not a bigint.", partner));
		key.data = (const char *) code;
		key.len = sizeof(int64);
		return key;
	}
	key.data = partner;
	key.len = strlen(partner);
	return key;
}

/* Sets total to a total of the given kind written in the text form. */
static void
ParseTotal(ProfileParse *parse, TfTotalKind kind, const ParsedTotal *parsed,
		   TfTotal *total)
{
	const char *token = parsed->token;
	bool		special = parsed->type == JSON_TOKEN_STRING &&
		(strcmp(token, "NaN") == 0 || strcmp(token, "Infinity") == 0 ||
		 strcmp(token, "-Infinity") == 0);

	if (parsed->type != JSON_TOKEN_NUMBER &&
		!(special && kind != TF_TOTAL_INTEGER))
		ParseInvalid(parse,
					 psprintf("The total of partner \"%s\" is not a number of the profile's values.",
							  parsed->partner));
	TfTotalInit(total, kind);
	total->count = 1;
	switch (kind)
	{
		case TF_TOTAL_NUMERIC:
			{
				Datum		n = DirectFunctionCall3(numeric_in, CStringGetDatum(token),
													ObjectIdGetDatum(InvalidOid),
													Int32GetDatum(-1));

				if (!TfDecimalFromDatum(n, &total->v.i, &total->scale))
				{
					total->rep = TF_REP_NUMERIC;
					total->v.n = DatumGetNumeric(n);
				}
				break;
			}
		case TF_TOTAL_FLOAT8:
			total->v.f = float8in_internal((char *) token, NULL, "double precision",
										   token);
			break;
		case TF_TOTAL_INTEGER:
			{
				bool		negative = *token == '-';
				const char *p = token + negative;
				int128		value = 0;

				/*
				 * accumulated with the sign of the total, so that the
				 * smallest int128, whose magnitude is not an int128, reads
				 */
				for (; *p != '\0'; p++)
				{
					int			digit = *p - '0';

					if (!isdigit((unsigned char) *p) ||
						__builtin_mul_overflow(value, 10, &value) ||
						(negative ? __builtin_sub_overflow(value, digit, &value) :
						 __builtin_add_overflow(value, digit, &value)))
						ParseInvalid(parse,
									 psprintf("The total of partner \"%s\" is not an integer of 128 bits.",
											  parsed->partner));
				}
				total->v.i = value;
				break;
			}
	}
}

/* Returns the kind of totals named in the text form. */
static TfTotalKind
ParseKind(ProfileParse *parse)
{
	TfTotalKind kinds[] = {TF_TOTAL_NUMERIC, TF_TOTAL_FLOAT8, TF_TOTAL_INTEGER};
	int			i;

	for (i = 0; i < lengthof(kinds); i++)
	{
		if (strcmp(parse->values, TfTotalKindName(kinds[i])) == 0)
			return kinds[i];
	}
	ParseInvalid(parse, "\"values\" is not \"numeric\", \"double precision\" or \"integer\".");
}

/* Returns the canonical profile its text form describes, fully validated. */
static TfPartnerTable *
ProfileFromText(const char *input)
{
	ProfileParse parse;
	JsonSemAction sem;
	JsonLexContext *lex;
	JsonParseErrorType error;
	TfPartnerType keytype;
	TfTotalKind kind;
	TfPartnerTable *profile;
	int			i;

	memset(&parse, 0, sizeof(parse));
	parse.input = input;
	parse.maxtotals = 16;
	parse.totals = palloc(parse.maxtotals * sizeof(ParsedTotal));
	memset(&sem, 0, sizeof(sem));
	sem.semstate = &parse;
	sem.object_start = ParseObjectStart;
	sem.object_end = ParseObjectEnd;
	sem.array_start = ParseArrayStart;
	sem.object_field_start = ParseField;
	sem.scalar = ParseScalar;

	lex = makeJsonLexContextCstringLen(pstrdup(input), strlen(input),
									   GetDatabaseEncoding(), true);
	error = pg_parse_json(lex, &sem);
	if (error != JSON_SUCCESS)
		ParseInvalid(&parse, json_errdetail(error, lex));

	if (parse.version == NULL || parse.values == NULL ||
		parse.partners == NULL || !parse.has_totals)
		ParseInvalid(&parse, "The value must have \"version\", \"values\", \"partners\" and \"totals\".");
	if (strcmp(parse.version, "1") != 0)
		ParseInvalid(&parse, "The value has an unknown format version.");
	kind = ParseKind(&parse);
	if (strcmp(parse.partners, "text") == 0)
		keytype = TF_PARTNER_TEXT;
	else if (strcmp(parse.partners, "bigint") == 0)
		keytype = TF_PARTNER_BIGINT;
	else
		ParseInvalid(&parse, "\"partners\" is not \"text\" or \"bigint\".");

	profile = TfPartnerTableNew(kind, keytype, parse.ntotals);
	for (i = 0; i < parse.ntotals; i++)
	{
		TfPartnerKey key = ParsePartner(&parse, keytype, parse.totals[i].partner);
		TfTotal		total;

		CHECK_FOR_INTERRUPTS();
		if (TfPartnerTableGet(profile, key, &total))
			ParseInvalid(&parse, psprintf("Partner \"%s\" is listed twice.",
										  parse.totals[i].partner));
		ParseTotal(&parse, kind, &parse.totals[i], &total);
		profile = TfPartnerTableAddTotal(profile, key, &total);
	}
	return TfPartnerTableCanonical(profile);
}

PG_FUNCTION_INFO_V1(trade_profile_in);
Datum
trade_profile_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(ProfileFromText(PG_GETARG_CSTRING(0)));
}

PG_FUNCTION_INFO_V1(trade_profile_out);
Datum
trade_profile_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(ProfileText(TfPartnerTableArg(fcinfo, 0, false)));
}

/*
 * The binary form is the per-partner table's image (without a target).
 */
static Datum
ProfileRead(TfReader *r)
{
	TfPartnerTable *profile = TfPartnerTableRead(r, false);

	TfReadEnd(r);
	return PointerGetDatum(profile);
}

static void
ProfileWrite(Datum value, StringInfo buf)
{
	TfPartnerTableWrite(TfPartnerTableFromDatum(value, false), buf);
}

static const TfImageType ProfileImage = {
	PROFILE_TYPNAME, ProfileRead, ProfileWrite
};

PG_FUNCTION_INFO_V1(trade_profile_recv);
Datum
trade_profile_recv(PG_FUNCTION_ARGS)
{
	return TfImageRecv(fcinfo, &ProfileImage);
}

/*
 * The aggregates
 */

/*
 * trade_profile_transfn(profile, partner, value): adds a row to its
 * partner's total.
 */
PG_FUNCTION_INFO_V1(trade_profile_transfn);
Datum
trade_profile_transfn(PG_FUNCTION_ARGS)
{
	return TfPartnerTableTransition(fcinfo, PROFILE_TYPNAME, -1);
}

/*
 * trade_profile_combine(profile, profile): adds the totals of the second
 * profile to the first's, partner by partner.  The combine function of
 * both aggregates, and the transition function of rollup.
 */
PG_FUNCTION_INFO_V1(trade_profile_combine);
Datum
trade_profile_combine(PG_FUNCTION_ARGS)
{
	return TfPartnerTableCombine(fcinfo, PROFILE_TYPNAME);
}

/* trade_profile_final(profile): the canonical profile. */
PG_FUNCTION_INFO_V1(trade_profile_final);
Datum
trade_profile_final(PG_FUNCTION_ARGS)
{
	TfPartnerTable *profile = TfPartnerTableArg(fcinfo, 0, false);

	PG_RETURN_POINTER(TfPartnerTableCanonical(profile));
}

PG_FUNCTION_INFO_V1(trade_profile_send);
Datum
trade_profile_send(PG_FUNCTION_ARGS)
{
	return TfImageSend(fcinfo, &ProfileImage);
}

/*
 * The accessors
 */

/* Sets *total to the total of every partner of a profile. */
static void
ProfileTotal(const TfPartnerTable *profile, TfTotal *total)
{
	TfPartner  *list = TfPartnerTableList(profile, false);
	int32		i;

	TfTotalInit(total, TfPartnerTableKind(profile));
	for (i = 0; i < TfPartnerTableCount(profile); i++)
		TfTotalAddTotal(total, &list[i].total);
	pfree(list);
}

/* Returns whether a total can divide: it has a value and is not zero. */
static bool
UsableWhole(const TfTotal *total)
{
	return total->count > 0 && !TfTotalIsZero(total);
}

/*
 * Returns part / whole, where whole has a value and is not zero, as the
 * result of the calling function: NULL where the division in double
 * precision would be by zero.
 */
static Datum
ShareResult(FunctionCallInfo fcinfo, const TfTotal *part, const TfTotal *whole)
{
	bool		isnull;
	float8		share = TfTotalRatio(part, whole, &isnull);

	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(share);
}

/* Returns the partner type of argument argno of an accessor. */
static TfPartnerType
PartnerArgType(FunctionCallInfo fcinfo, int argno)
{
	return TfPartnerTypeOf(fcinfo, TfArgTypeOnce(fcinfo, argno));
}

/*
 * Returns the profile argument 0 of an accessor whose argument 1 is a
 * partner or an array of partners, checked to hold partners of that type,
 * and sets *keytype to it.
 */
static TfPartnerTable *
ProfileForPartners(FunctionCallInfo fcinfo, TfPartnerType *keytype)
{
	TfPartnerTable *profile = TfPartnerTableArg(fcinfo, 0, false);

	*keytype = PartnerArgType(fcinfo, 1);
	if (TfPartnerTableKeyType(profile) != *keytype)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot look up %s partners in a trade_profile of %s partners",
						PartnerTypeName(*keytype),
						PartnerTypeName(TfPartnerTableKeyType(profile)))));
	return profile;
}

/*
 * Sets *profile to the profile argument 0 of an accessor and *total to the
 * total of its partner argument 1; returns false, leaving *total alone, if
 * the profile has no such partner.
 */
static bool
LookUpPartner(FunctionCallInfo fcinfo, TfPartnerTable **profile, TfTotal *total)
{
	TfPartnerType keytype;
	int64		storage;

	*profile = ProfileForPartners(fcinfo, &keytype);
	return TfPartnerTableGet(*profile, TfArgPartnerKey(fcinfo, 1, keytype, &storage),
							 total);
}

/* total(profile): the total of every partner; NULL for an empty profile. */
PG_FUNCTION_INFO_V1(trade_profile_total);
Datum
trade_profile_total(PG_FUNCTION_ARGS)
{
	TfTotal		total;

	ProfileTotal(TfPartnerTableArg(fcinfo, 0, false), &total);
	if (total.count == 0)
		PG_RETURN_NULL();
	PG_RETURN_NUMERIC(TfTotalToNumeric(&total));
}

/* partner_count(profile): the number of partners. */
PG_FUNCTION_INFO_V1(trade_profile_partner_count);
Datum
trade_profile_partner_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(TfPartnerTableCount(TfPartnerTableArg(fcinfo, 0, false)));
}

/* partner_value(profile, partner): the partner's total; NULL when absent. */
PG_FUNCTION_INFO_V1(trade_profile_partner_value);
Datum
trade_profile_partner_value(PG_FUNCTION_ARGS)
{
	TfPartnerTable *profile;
	TfTotal		total;

	if (!LookUpPartner(fcinfo, &profile, &total))
		PG_RETURN_NULL();
	PG_RETURN_NUMERIC(TfTotalToNumeric(&total));
}

/*
 * trade_share(profile, partner): the partner's share of the total; NULL
 * when the total is zero or the profile empty.  An absent partner counts as
 * 0: its share is 0, or NaN where the total is NaN, as float8 arithmetic
 * (and the group form, and the trade_share aggregate) has it.
 */
PG_FUNCTION_INFO_V1(trade_profile_share);
Datum
trade_profile_share(PG_FUNCTION_ARGS)
{
	TfPartnerTable *profile;
	TfTotal		whole;
	TfTotal		part;
	bool		found = LookUpPartner(fcinfo, &profile, &part);

	ProfileTotal(profile, &whole);
	if (!UsableWhole(&whole))
		PG_RETURN_NULL();
	if (!found)
	{
		TfTotalInit(&part, whole.kind);
		part.count = 1;
	}
	return ShareResult(fcinfo, &part, &whole);
}

/*
 * trade_share(profile, partners[]): the share of a group of partners, each
 * counted once (NULL elements and absent partners add nothing).
 */
PG_FUNCTION_INFO_V1(trade_profile_share_group);
Datum
trade_profile_share_group(PG_FUNCTION_ARGS)
{
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(1);
	TfPartnerType keytype;
	TfPartnerTable *profile;
	TfPartnerTable *seen;
	TfTotal		whole;
	TfTotal		part;
	Datum	   *elements;
	bool	   *nulls;
	int			nelements;
	int16		elmlen;
	bool		elmbyval;
	char		elmalign;
	int			i;

	profile = ProfileForPartners(fcinfo, &keytype);
	ProfileTotal(profile, &whole);
	if (!UsableWhole(&whole))
		PG_RETURN_NULL();

	get_typlenbyvalalign(ARR_ELEMTYPE(array), &elmlen, &elmbyval, &elmalign);
	deconstruct_array(array, ARR_ELEMTYPE(array), elmlen, elmbyval, elmalign,
					  &elements, &nulls, &nelements);
	TfTotalInit(&part, whole.kind);
	part.count = 1;
	/* the partners already counted, so that each counts once */
	seen = TfPartnerTableNew(TF_TOTAL_INTEGER, keytype, nelements);
	for (i = 0; i < nelements; i++)
	{
		TfPartnerKey key;
		TfTotal		total;
		int64		code;

		if (nulls[i])
			continue;
		CHECK_FOR_INTERRUPTS();
		if (keytype == TF_PARTNER_BIGINT)
		{
			code = DatumGetInt64(elements[i]);
			key.data = (const char *) &code;
			key.len = sizeof(int64);
		}
		else
		{
			key.data = VARDATA_ANY(elements[i]);
			key.len = VARSIZE_ANY_EXHDR(elements[i]);
		}
		if (TfPartnerTableGet(seen, key, &total))
			continue;
		seen = TfPartnerTableAddValue(seen, key, TF_INT8, Int64GetDatum(1));
		if (TfPartnerTableGet(profile, key, &total))
			TfTotalAddTotal(&part, &total);
	}
	return ShareResult(fcinfo, &part, &whole);
}

/*
 * rank_partner(profile, partner): the partner's rank by total, largest
 * first, ties sharing the lowest rank; NULL when it is absent.
 */
PG_FUNCTION_INFO_V1(trade_profile_rank);
Datum
trade_profile_rank(PG_FUNCTION_ARGS)
{
	TfPartnerTable *profile;
	TfTotal		total;

	if (!LookUpPartner(fcinfo, &profile, &total))
		PG_RETURN_NULL();
	PG_RETURN_INT64(TfPartnerTableRank(profile, &total));
}

/* qsort_interruptible comparator: larger totals first, then partner order. */
static int
CompareLargestFirst(const void *a, const void *b, void *arg)
{
	const TfPartner *x = a;
	const TfPartner *y = b;
	int			cmp = TfTotalCompare(&y->total, &x->total);

	if (cmp != 0)
		return cmp;
	return TfPartnerKeyCompare(*(TfPartnerType *) arg, x->key, y->key);
}

/*
 * top_partners(profile, n): rank, partner, value and share of the partners
 * ranked n or better (ties at the edge included, like rank() <= n), by
 * rank, then partner order.
 */
PG_FUNCTION_INFO_V1(trade_profile_top_partners);
Datum
trade_profile_top_partners(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TfPartnerTable *profile = TfPartnerTableArg(fcinfo, 0, false);
	int32		limit = PG_GETARG_INT32(1);
	TfPartnerType keytype = TfPartnerTableKeyType(profile);
	int32		n = TfPartnerTableCount(profile);
	TfPartner  *list;
	TfTotal		whole;
	bool		usable;
	int32		i;
	int64		rank = 0;

	if (limit < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("top_partners n must not be negative")));
	InitMaterializedSRF(fcinfo, 0);
	ProfileTotal(profile, &whole);
	usable = UsableWhole(&whole);

	list = TfPartnerTableList(profile, false);
	qsort_interruptible(list, n, sizeof(TfPartner), CompareLargestFirst, &keytype);
	for (i = 0; i < n; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		if (i == 0 || TfTotalCompare(&list[i - 1].total, &list[i].total) != 0)
			rank = i + 1;
		if (rank > limit)
			break;
		values[0] = Int64GetDatum(rank);
		values[1] = CStringGetTextDatum(TfPartnerKeyText(keytype, list[i].key));
		values[2] = NumericGetDatum(TfTotalToNumeric(&list[i].total));
		nulls[3] = !usable;
		if (usable)
			values[3] = Float8GetDatum(TfTotalRatio(&list[i].total, &whole,
													&nulls[3]));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * hhi(profile, normalized): the Herfindahl-Hirschman index, the sum of
 * the partners' squared shares (0 to 1), or, normalized, (H - 1/n) /
 * (1 - 1/n) over the n partners; NULL where the total is zero, the
 * profile is empty, or (normalized) it has one partner.
 */
PG_FUNCTION_INFO_V1(trade_profile_hhi);
Datum
trade_profile_hhi(PG_FUNCTION_ARGS)
{
	TfPartnerTable *profile = TfPartnerTableArg(fcinfo, 0, false);
	bool		normalized = PG_GETARG_BOOL(1);
	int32		n = TfPartnerTableCount(profile);
	TfPartner  *list;
	TfTotal		whole;
	float8		total;
	float8		hhi = 0.0;
	int32		i;
	bool		isnull;

	ProfileTotal(profile, &whole);
	if (!UsableWhole(&whole) || (normalized && n < 2))
		PG_RETURN_NULL();
	total = TfTotalToFloat8(&whole);
	list = TfPartnerTableList(profile, true);
	for (i = 0; i < n; i++)
	{
		float8		share = TfRatio(TfTotalToFloat8(&list[i].total), total, &isnull);

		if (isnull)
			PG_RETURN_NULL();
		hhi = float8_pl(hhi, float8_mul(share, share));
	}
	if (normalized)
		hhi = (hhi - 1.0 / n) / (1.0 - 1.0 / n);
	PG_RETURN_FLOAT8(hhi);
}

/* Returns profile argument argno, checked to be comparable with argument 0's. */
static TfPartnerTable *
ComparableProfile(FunctionCallInfo fcinfo, const TfPartnerTable *first, int argno)
{
	TfPartnerTable *profile = TfPartnerTableArg(fcinfo, argno, false);

	TfTotalCheckKinds(TfPartnerTableKind(first), TfPartnerTableKind(profile),
					  PROFILE_TYPNAME, false);
	if (TfPartnerTableKeyType(first) != TfPartnerTableKeyType(profile))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot combine %s values of text and bigint partners",
						PROFILE_TYPNAME)));
	return profile;
}

/*
 * pct_change(previous, current): the change of the total from one profile
 * to the other; NULL when previous is empty or its total zero, or current
 * is empty.
 */
PG_FUNCTION_INFO_V1(trade_profile_pct_change);
Datum
trade_profile_pct_change(PG_FUNCTION_ARGS)
{
	TfPartnerTable *previous = TfPartnerTableArg(fcinfo, 0, false);
	TfPartnerTable *current = ComparableProfile(fcinfo, previous, 1);
	TfTotal		p;
	TfTotal		c;
	bool		isnull;
	float8		change;

	ProfileTotal(previous, &p);
	ProfileTotal(current, &c);
	if (p.count == 0 || c.count == 0)
		PG_RETURN_NULL();
	change = TfTotalChange(&p, &c, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(change);
}

/*
 * Puts a row of contributions for one partner, present in previous (p),
 * current (c) or both, into the result; whole is the previous total.  A
 * partner absent from one side has no value there (NULL) but counts as 0 in
 * its change and its contribution.
 */
static void
PutContribution(ReturnSetInfo *rsinfo, TfPartnerType keytype, TfPartnerKey key,
				const TfTotal *p, const TfTotal *c, const TfTotal *whole)
{
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};
	TfTotal		difference;

	values[0] = CStringGetTextDatum(TfPartnerKeyText(keytype, key));
	nulls[1] = p == NULL;
	if (p != NULL)
		values[1] = NumericGetDatum(TfTotalToNumeric(p));
	nulls[2] = c == NULL;
	if (c != NULL)
		values[2] = NumericGetDatum(TfTotalToNumeric(c));
	/* its own change: -1 for a partner that left, NULL for one that entered */
	nulls[3] = p == NULL;
	if (p != NULL)
	{
		TfTotal		none;

		TfTotalInit(&none, p->kind);
		values[3] = Float8GetDatum(TfTotalChange(p, c != NULL ? c : &none, &nulls[3]));
	}

	/* (current - previous) / previous total, an absent side counting as 0 */
	TfTotalInit(&difference, whole->kind);
	if (c != NULL)
		TfTotalAddTotal(&difference, c);
	if (p != NULL)
	{
		TfTotal		negated = *p;

		TfTotalNegate(&negated);
		TfTotalAddTotal(&difference, &negated);
	}
	nulls[4] = !UsableWhole(whole);
	if (!nulls[4])
		values[4] = Float8GetDatum(TfTotalRatio(&difference, whole, &nulls[4]));
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * contributions(previous, current): for each partner of either profile,
 * in partner order, its previous and current totals, its own change, and
 * its contribution to the change of the total, in fractions of the
 * previous total, a partner absent from one side counting as 0 there; the
 * contributions add up to pct_change(previous, current).
 */
PG_FUNCTION_INFO_V1(trade_profile_contributions);
Datum
trade_profile_contributions(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TfPartnerTable *previous = TfPartnerTableArg(fcinfo, 0, false);
	TfPartnerTable *current = ComparableProfile(fcinfo, previous, 1);
	TfPartnerType keytype = TfPartnerTableKeyType(previous);
	TfPartner  *p = TfPartnerTableList(previous, true);
	TfPartner  *c = TfPartnerTableList(current, true);
	int32		np = TfPartnerTableCount(previous);
	int32		nc = TfPartnerTableCount(current);
	int32		i = 0;
	int32		j = 0;
	TfTotal		whole;

	InitMaterializedSRF(fcinfo, 0);
	ProfileTotal(previous, &whole);

	/* both lists are in partner order: merge them */
	while (i < np || j < nc)
	{
		int			cmp;

		CHECK_FOR_INTERRUPTS();
		if (i == np)
			cmp = 1;
		else if (j == nc)
			cmp = -1;
		else
			cmp = TfPartnerKeyCompare(keytype, p[i].key, c[j].key);
		if (cmp < 0)
		{
			PutContribution(rsinfo, keytype, p[i].key, &p[i].total, NULL, &whole);
			i++;
		}
		else if (cmp > 0)
		{
			PutContribution(rsinfo, keytype, c[j].key, NULL, &c[j].total, &whole);
			j++;
		}
		else
		{
			PutContribution(rsinfo, keytype, p[i].key, &p[i].total, &c[j].total,
							&whole);
			i++;
			j++;
		}
	}
	return (Datum) 0;
}
