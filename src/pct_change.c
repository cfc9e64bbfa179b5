/*-------------------------------------------------------------------------
 *
 * pct_change.c
 *	  pct_change: change between periods, as a scalar, as a window function
 *	  over the previous row, and as a calendar-aware window function that
 *	  compares each period with the period exactly one step earlier.  The
 *	  arithmetic is that of totals (TfTotalChange), so that values and
 *	  partner profiles change alike.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "decimal.h"
#include "partition_scan.h"
#include "total.h"

/* Makes total the total of one non-NULL value. */
static void
ValueTotal(TfTotal *total, TfValueType type, Datum value)
{
	TfTotalInit(total, TfTotalKindOf(type));
	TfTotalAddValue(total, type, value);
}

/*
 * Returns the change from previous to current, or sets *isnull when
 * previous is zero.
 */
static float8
ValueChange(TfValueType type, Datum previous, Datum current, bool *isnull)
{
	TfTotal		p;
	TfTotal		c;

	ValueTotal(&p, type, previous);
	ValueTotal(&c, type, current);
	return TfTotalChange(&p, &c, isnull);
}

/*
 * pct_change(previous, current): current / previous - 1.
 */
PG_FUNCTION_INFO_V1(pct_change);
Datum
pct_change(PG_FUNCTION_ARGS)
{
	TfValueType type = TfArgValueTypeOnce(fcinfo, 0);
	bool		isnull;
	float8		change = ValueChange(type, PG_GETARG_DATUM(0), PG_GETARG_DATUM(1),
									 &isnull);

	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(change);
}

/*
 * The previous-row form keeps the value of the row it was last called for,
 * so that the next row need not read it from the partition again.  Numeric
 * values are kept when they are small, as almost all are; others are read
 * again.
 */
#define KEPT_VALUE_BYTES 48

typedef struct KeptValue
{
	int64		pos;			/* the row's position, or -1 */
	bool		isnull;
	Datum		value;			/* by value, or pointing to bytes */
	union
	{
		char		data[KEPT_VALUE_BYTES];
		double		align;
	}			bytes;
} KeptValue;

/* Keeps the value of row pos in kept, if it can. */
static void
KeepValue(KeptValue *kept, TfValueType type, int64 pos, Datum value, bool isnull)
{
	kept->pos = pos;
	kept->isnull = isnull;
	if (isnull)
		return;
	if (type == TF_NUMERIC)
	{
		struct varlena *v = (struct varlena *) DatumGetPointer(value);

		if ((VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v)) ||
			VARSIZE_ANY(v) > KEPT_VALUE_BYTES)
		{
			kept->pos = -1;
			return;
		}
		memcpy(kept->bytes.data, v, VARSIZE_ANY(v));
		kept->value = PointerGetDatum(kept->bytes.data);
	}
	else if (type == TF_INT4 || FLOAT8PASSBYVAL)
		kept->value = value;
	else
	{
		memcpy(kept->bytes.data, DatumGetPointer(value), sizeof(int64));
		kept->value = PointerGetDatum(kept->bytes.data);
	}
}

/*
 * pct_change(value) OVER (...): change from the previous row of the window
 * ordering.
 */
PG_FUNCTION_INFO_V1(pct_change_window);
Datum
pct_change_window(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	TfValueType type = TfArgValueTypeOnce(fcinfo, 0);
	KeptValue  *kept = WinGetPartitionLocalMemory(winobj, sizeof(KeptValue));
	int64		pos = WinGetCurrentPosition(winobj);
	Datum		previous;
	Datum		current;
	bool		previous_null;
	bool		current_null;
	bool		isout = false;
	bool		isnull;
	float8		change;

	current = WinGetFuncArgCurrent(winobj, 0, &current_null);
	if (pos > 0 && kept->pos == pos - 1)
	{
		previous = kept->value;
		previous_null = kept->isnull;
	}
	else
	{
		/* the first row, or a value that was not kept */
		previous = WinGetFuncArgInPartition(winobj, 0, -1, WINDOW_SEEK_CURRENT,
											false, &previous_null, &isout);
	}
	/* only this row may be read again, by the next call */
	WinSetMarkPosition(winobj, pos);

	isnull = isout || previous_null || current_null;
	if (!isnull)
		change = ValueChange(type, previous, current, &isnull);
	KeepValue(kept, type, pos, current, current_null);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(change);
}

/*
 * The calendar-aware form reads its partition once and keeps each row's
 * period (as a timestamp) and value, sorted by period.
 */
typedef struct PeriodValue
{
	int128		digits;			/* a numeric value as digits / 10^scale */
	Timestamp	period;
	Datum		value;			/* else by value, or a copy in the
								 * partition's memory */
	int32		scale;
	bool		decoded;		/* digits and scale hold the value */
	bool		isnull;
	bool		hasperiod;		/* while scanning: the row has a period */
} PeriodValue;

typedef struct PeriodCache
{
	bool		computed;
	int64		nperiods;
	PeriodValue *periods;		/* sorted by period, no two equal */
	bool		step_checked;
	Interval	step;			/* the last step found valid */
} PeriodCache;

/*
 * Sets *ts to a date, timestamp or timestamptz period as a timestamp.
 * Returns false for a date beyond the range of timestamps (after AD
 * 294276), which cannot be compared with.
 */
static bool
PeriodTimestamp(Oid periodtype, Datum period, Timestamp *ts)
{
	if (periodtype == DATEOID)
	{
		int			overflow;

		*ts = date2timestamp_opt_overflow(DatumGetDateADT(period), &overflow);
		return overflow == 0;
	}
	*ts = DatumGetTimestamp(period);
	return true;
}

/*
 * Returns whether period - step might fall outside the range of timestamps,
 * where PostgreSQL's date arithmetic raises an error: for a period that
 * close to 4714 BC (or, for a step with negative parts, to AD 294276).
 * Months count as 31 days and two days are added for time zones, so the
 * test errs on the side of true, and only within a step of the range's ends.
 */
static bool
StepMayLeaveRange(Timestamp period, const Interval *step)
{
	int128		back_days = Max((int128) step->month, 0) * 31 +
		Max((int128) step->day, 0) + 2;
	int128		forward_days = Max(-(int128) step->month, 0) * 31 +
		Max(-(int128) step->day, 0);
	int128		lowest = (int128) period - back_days * USECS_PER_DAY -
		Max((int128) step->time, 0);
	int128		highest = (int128) period + (forward_days + 2) * USECS_PER_DAY +
		Max(-(int128) step->time, 0);

	if (lowest < MIN_TIMESTAMP)
		return true;
	return (forward_days > 0 || step->time < 0) && highest >= END_TIMESTAMP;
}

/* Returns period - step, as a timestamp. */
static Timestamp
PeriodMinusStep(Oid periodtype, Datum period, Interval *step)
{
	switch (periodtype)
	{
		case DATEOID:
			return DatumGetTimestamp(DirectFunctionCall2(date_mi_interval, period,
														 IntervalPGetDatum(step)));
		case TIMESTAMPOID:
			return DatumGetTimestamp(DirectFunctionCall2(timestamp_mi_interval, period,
														 IntervalPGetDatum(step)));
		case TIMESTAMPTZOID:
			return DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval, period,
														   IntervalPGetDatum(step)));
	}
	elog(ERROR, "unexpected period type %u", periodtype);
	pg_unreachable();
}

/*
 * Sets *earlier to period - step for a period within a step of 4714 BC, the
 * start of the timestamp range, where PostgreSQL's own arithmetic may raise
 * an error on the way, and returns whether the result is in the range.  The
 * Gregorian calendar repeats itself every 400 years (146097 days, a whole
 * number of weeks), and so do time zones before their first transition, so
 * the arithmetic is done on the period 400 years later and the result moved
 * back.  Steps of 200 years or more, and periods near AD 294276, get false.
 */
static bool
PeriodMinusStepNearStart(Oid periodtype, Timestamp period, Interval *step,
						 Timestamp *earlier)
{
	const int64 cycle_days = 146097;
	const int64 cycle = cycle_days * USECS_PER_DAY;
	int128		reach_days = Abs((int128) step->month) * 31 +
		Abs((int128) step->day) + Abs((int128) step->time) / USECS_PER_DAY + 2;
	Timestamp	later;
	Datum		d;

	if (reach_days >= cycle_days / 2 ||
		(int128) period - MIN_TIMESTAMP >= (int128) cycle / 2)
		return false;
	later = period + cycle;
	switch (periodtype)
	{
		case DATEOID:
			d = DateADTGetDatum((DateADT) (later / USECS_PER_DAY));
			break;
		case TIMESTAMPTZOID:
			d = TimestampTzGetDatum(later);
			break;
		default:
			d = TimestampGetDatum(later);
			break;
	}
	*earlier = PeriodMinusStep(periodtype, d, step) - cycle;
	return *earlier >= MIN_TIMESTAMP;
}

/* Returns the text of a period kept as a timestamp, for messages. */
static char *
PeriodText(Oid periodtype, Timestamp period)
{
	if (periodtype == DATEOID && !TIMESTAMP_NOT_FINITE(period))
		return DatumGetCString(DirectFunctionCall1(date_out,
												   DateADTGetDatum((DateADT) (period / USECS_PER_DAY))));
	if (periodtype == TIMESTAMPTZOID)
		return DatumGetCString(DirectFunctionCall1(timestamptz_out,
												   TimestampTzGetDatum(period)));
	return DatumGetCString(DirectFunctionCall1(timestamp_out,
											   TimestampGetDatum(period)));
}

/* qsort_interruptible comparator: earlier periods first. */
static int
ComparePeriods(const void *a, const void *b, void *arg)
{
	Timestamp	x = ((const PeriodValue *) a)->period;
	Timestamp	y = ((const PeriodValue *) b)->period;

	return (x > y) - (x < y);
}

/* What the scan of a partition for its periods and values keeps. */
typedef struct PeriodScan
{
	TfValueType type;
	Oid			periodtype;
	PeriodValue *rows;			/* by position in the partition */
	MemoryContext valuecxt;		/* the partition's memory */
} PeriodScan;

static void
PeriodScanPeriod(WindowObject winobj, int64 pos, Datum period, bool isnull,
				 void *arg)
{
	PeriodScan *scan = arg;
	PeriodValue *p = &scan->rows[pos];

	p->hasperiod = !isnull && PeriodTimestamp(scan->periodtype, period, &p->period);
}

static void
PeriodScanValue(WindowObject winobj, int64 pos, Datum value, bool isnull,
				void *arg)
{
	PeriodScan *scan = arg;
	PeriodValue *p = &scan->rows[pos];

	p->isnull = isnull;
	if (isnull || !p->hasperiod)
		return;
	/* numerics are kept as scaled integers where they fit, not copied */
	if (scan->type == TF_NUMERIC)
		p->decoded = TfDecimalFromDatum(value, &p->digits, &p->scale);
	if (!p->decoded)
		p->value = TfValueCopy(scan->type, value, scan->valuecxt);
}

/*
 * Reads the partition's periods, then its values (each a pass in row
 * order), sorts the rows with a period by period and rejects a period that
 * occurs twice.
 */
static void
PeriodCacheCompute(WindowObject winobj, TfValueType type, Oid periodtype,
				   PeriodCache *cache)
{
	int64		nrows = WinGetPartitionRowCount(winobj);
	PeriodScan	scan;
	int64		nperiods = 0;
	int64		i;

	scan.type = type;
	scan.periodtype = periodtype;
	scan.rows = TfPartitionAlloc(cache, nrows * sizeof(PeriodValue));
	scan.valuecxt = GetMemoryChunkContext(cache);
	TfScanPartition(winobj, 1, PeriodScanPeriod, &scan);
	TfScanPartition(winobj, 0, PeriodScanValue, &scan);

	for (i = 0; i < nrows; i++)
	{
		if (scan.rows[i].hasperiod)
			scan.rows[nperiods++] = scan.rows[i];
	}

	/*
	 * rows usually come ordered by period: the sort notices that quickly;
	 * when they do not, it takes seconds over millions, and can be cancelled
	 */
	qsort_interruptible(scan.rows, nperiods, sizeof(PeriodValue),
						ComparePeriods, NULL);
	for (i = 1; i < nperiods; i++)
	{
		if (scan.rows[i].period == scan.rows[i - 1].period)
			ereport(ERROR,
					(errcode(ERRCODE_CARDINALITY_VIOLATION),
					 errmsg("pct_change found more than one row for period %s in a partition",
							PeriodText(periodtype, scan.rows[i].period)),
					 errhint("Aggregate the series to one row per period first, for example with GROUP BY and sum(), or add the columns that tell the rows apart to PARTITION BY.")));
	}

	cache->periods = scan.rows;
	cache->nperiods = nperiods;
	cache->computed = true;
}

/*
 * Returns the change from a kept row's value to current, or sets *isnull
 * when the kept value is zero.
 */
static float8
PeriodChange(TfValueType type, const PeriodValue *previous, Datum current,
			 bool *isnull)
{
	TfTotal		p;
	TfTotal		c;

	if (!previous->decoded)
		return ValueChange(type, previous->value, current, isnull);
	TfTotalInit(&p, TF_TOTAL_NUMERIC);
	p.count = 1;
	p.v.i = previous->digits;
	p.scale = previous->scale;
	ValueTotal(&c, type, current);
	return TfTotalChange(&p, &c, isnull);
}

/* Returns the cached row of the given period, or NULL if there is none. */
static PeriodValue *
FindPeriod(PeriodCache *cache, Timestamp period)
{
	int64		lo = 0;
	int64		hi = cache->nperiods - 1;

	while (lo <= hi)
	{
		int64		mid = lo + (hi - lo) / 2;
		Timestamp	p = cache->periods[mid].period;

		if (p == period)
			return &cache->periods[mid];
		if (p < period)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* Checks that the step is a positive interval (remembering the last one). */
static void
CheckStep(PeriodCache *cache, Interval *step)
{
	Interval	zero;

	if (cache->step_checked && memcmp(&cache->step, step, sizeof(Interval)) == 0)
		return;
	memset(&zero, 0, sizeof(zero));
	if (!DatumGetBool(DirectFunctionCall2(interval_gt, IntervalPGetDatum(step),
										  IntervalPGetDatum(&zero))))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pct_change step must be a positive interval"),
				 errdetail("The step was \"%s\".",
						   DatumGetCString(DirectFunctionCall1(interval_out,
															   IntervalPGetDatum(step)))),
				 errhint("Use '1 month' for month-on-month or '1 year' for year-on-year changes.")));
	cache->step = *step;
	cache->step_checked = true;
}

/* The argument types of a call site of the calendar-aware form. */
typedef struct PeriodCallSite
{
	TfValueType type;
	Oid			periodtype;
} PeriodCallSite;

/*
 * pct_change(value, period, step) OVER (PARTITION BY ...): change from the
 * row of the same partition whose period is exactly period - step; NULL
 * where that period is missing, so a gap never compares with an older one.
 */
PG_FUNCTION_INFO_V1(pct_change_period);
Datum
pct_change_period(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	PeriodCallSite *site = fcinfo->flinfo->fn_extra;
	TfValueType type;
	Oid			periodtype;
	PeriodCache *cache;
	Datum		value;
	Datum		period;
	Datum		step;
	bool		value_null;
	bool		period_null;
	bool		step_null;
	bool		isnull;
	Timestamp	current;
	Timestamp	earlier;
	PeriodValue *previous;
	float8		change;

	if (site == NULL)
	{
		site = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(PeriodCallSite));
		site->type = TfArgValueType(fcinfo, 0);
		site->periodtype = TfArgType(fcinfo, 1);
		fcinfo->flinfo->fn_extra = site;
	}
	type = site->type;
	periodtype = site->periodtype;
	cache = WinGetPartitionLocalMemory(winobj, sizeof(PeriodCache));

	step = WinGetFuncArgCurrent(winobj, 2, &step_null);
	if (step_null)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pct_change step must not be NULL"),
				 errhint("Use '1 month' for month-on-month or '1 year' for year-on-year changes.")));
	CheckStep(cache, DatumGetIntervalP(step));

	if (!cache->computed)
		PeriodCacheCompute(winobj, type, periodtype, cache);

	/* only the current row is read from now on */
	WinSetMarkPosition(winobj, WinGetCurrentPosition(winobj));

	value = WinGetFuncArgCurrent(winobj, 0, &value_null);
	period = WinGetFuncArgCurrent(winobj, 1, &period_null);
	if (value_null || period_null ||
		!PeriodTimestamp(periodtype, period, &current) ||
		TIMESTAMP_NOT_FINITE(current))
		PG_RETURN_NULL();

	if (!StepMayLeaveRange(current, DatumGetIntervalP(step)))
		earlier = PeriodMinusStep(periodtype, period, DatumGetIntervalP(step));
	else if (!PeriodMinusStepNearStart(periodtype, current,
									   DatumGetIntervalP(step), &earlier))
		PG_RETURN_NULL();
	previous = FindPeriod(cache, earlier);
	if (previous == NULL || previous->isnull)
		PG_RETURN_NULL();

	change = PeriodChange(type, previous, value, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(change);
}
