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

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

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
	TfSpill    *spill;			/* or, when they do not fit in work_mem,
								 * the rows that looked for a period:
								 * (position, found, change), by position */
} PeriodCache;

/* What periods are on: first days of months, midnights, or anything. */
typedef enum PeriodGrid
{
	GRID_ANY = 0,
	GRID_DAYS,
	GRID_MONTHS
} PeriodGrid;

/*
 * What a call site of the calendar-aware form keeps across its calls: its
 * argument types, the step it was last given (as an interval, and as the
 * text it was parsed from), the time zone of its arithmetic, and what it
 * found, for the notice about a step that matches no period.
 */
typedef struct PeriodCallSite
{
	TfValueType type;
	Oid			periodtype;
	bool		step_is_text;	/* the step argument is text, not interval */
	bool		has_zone;		/* a fourth argument names a time zone */
	bool		step_known;
	Interval	step;			/* the last step, checked to be positive */
	char	   *step_text;		/* the text it was given as, if any */
	Datum		zone;			/* the time zone of this row, a text */
	int64		lookups;		/* rows that looked for the period before */
	int64		matches;		/* ... and found it */
	PeriodGrid	grid;			/* what the periods of the first partition
								 * with two of them are on */
	int64		units;			/* how far apart, in months or days */
	char	   *spacing;		/* how far apart, as a step, or NULL */
	MemoryContextCallback at_end;	/* the notice, when the query ends */
} PeriodCallSite;

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

/*
 * Returns period - step, as a timestamp.  A timestamptz period with a time
 * zone of its own is moved in that zone's calendar, as
 * ((period AT TIME ZONE zone) - step) AT TIME ZONE zone would be.
 */
static Timestamp
PeriodMinusStep(const PeriodCallSite *site, Datum period, Interval *step)
{
	if (site->has_zone)
	{
		Datum		local = DirectFunctionCall2(timestamptz_zone, site->zone, period);

		local = DirectFunctionCall2(timestamp_mi_interval, local,
									IntervalPGetDatum(step));
		return DatumGetTimestampTz(DirectFunctionCall2(timestamp_zone, site->zone,
													   local));
	}
	switch (site->periodtype)
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
	elog(ERROR, "unexpected period type %u", site->periodtype);
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
PeriodMinusStepNearStart(const PeriodCallSite *site, Timestamp period,
						 Interval *step, Timestamp *earlier)
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
	switch (site->periodtype)
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
	*earlier = PeriodMinusStep(site, d, step) - cycle;
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

/* Raises the error for a period that occurs twice in a partition. */
static void
DuplicatePeriod(Oid periodtype, Timestamp period)
{
	ereport(ERROR,
			(errcode(ERRCODE_CARDINALITY_VIOLATION),
			 errmsg("pct_change found more than one row for period %s in a partition",
					PeriodText(periodtype, period)),
			 errhint("Aggregate the series to one row per period first, for example with GROUP BY and sum(), or add the columns that tell the rows apart to PARTITION BY.")));
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
			DuplicatePeriod(periodtype, scan.rows[i].period);
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

/*
 * Sets *earlier to the period a row compares with, period - step, and
 * returns true; returns false for a row that compares with none: without
 * a value or a period, with an infinite period, or one step after the
 * start of the timestamp range.
 */
static bool
EarlierPeriod(PeriodCallSite *site, bool value_null, Datum period,
			  bool period_null, Interval *step, Timestamp *earlier)
{
	Timestamp	current;

	if (value_null || period_null ||
		!PeriodTimestamp(site->periodtype, period, &current) ||
		TIMESTAMP_NOT_FINITE(current))
		return false;
	if (!StepMayLeaveRange(current, step))
	{
		*earlier = PeriodMinusStep(site, period, step);
		return true;
	}
	return PeriodMinusStepNearStart(site, current, step, earlier);
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

/*
 * Returns a row's step: its interval, parsed once per call site from a
 * step given as text (interval_in's own error for a bad one), and checked
 * to be positive.
 */
static Interval *
StepOf(PeriodCallSite *site, Datum step, bool isnull)
{
	Interval	zero;
	Interval   *interval;
	char	   *given = NULL;

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pct_change step must not be NULL"),
				 errhint("Use '1 month' for month-on-month or '1 year' for year-on-year changes.")));
	if (site->step_is_text)
	{
		given = TextDatumGetCString(step);
		if (site->step_known && strcmp(given, site->step_text) == 0)
		{
			pfree(given);
			return &site->step;
		}
		interval = DatumGetIntervalP(DirectFunctionCall3(interval_in,
														 CStringGetDatum(given),
														 ObjectIdGetDatum(InvalidOid),
														 Int32GetDatum(-1)));
	}
	else
	{
		interval = DatumGetIntervalP(step);
		if (site->step_known && memcmp(interval, &site->step, sizeof(Interval)) == 0)
			return &site->step;
	}

	memset(&zero, 0, sizeof(zero));
	if (!DatumGetBool(DirectFunctionCall2(interval_gt, IntervalPGetDatum(interval),
										  IntervalPGetDatum(&zero))))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pct_change step must be a positive interval"),
				 errdetail("The step was \"%s\".",
						   DatumGetCString(DirectFunctionCall1(interval_out,
															   IntervalPGetDatum(interval)))),
				 errhint("Use '1 month' for month-on-month or '1 year' for year-on-year changes.")));
	site->step = *interval;
	if (site->step_text != NULL)
		pfree(site->step_text);
	site->step_text = given ? MemoryContextStrdup(GetMemoryChunkContext(site), given) : NULL;
	site->step_known = true;
	return &site->step;
}

/* Returns the step of the current row (see StepOf). */
static Interval *
CurrentStep(WindowObject winobj, PeriodCallSite *site)
{
	bool		isnull;
	Datum		step = WinGetFuncArgCurrent(winobj, 2, &isnull);

	return StepOf(site, step, isnull);
}

/* Sets site->zone to a row's time zone. */
static void
SetZone(PeriodCallSite *site, Datum zone, bool isnull)
{
	site->zone = zone;
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pct_change time_zone must not be NULL"),
				 errhint("Name the time zone of the periods, for example 'UTC' or 'Europe/Berlin'.")));
}

/* Sets site->zone to the time zone of the current row. */
static void
CurrentZone(WindowObject winobj, PeriodCallSite *site)
{
	bool		isnull;
	Datum		zone = WinGetFuncArgCurrent(winobj, 3, &isnull);

	SetZone(site, zone, isnull);
}

/*
 * Sets *tm to the calendar fields of a period: in the call site's time
 * zone, or the session's, for timestamptz periods.
 */
static void
PeriodFields(const PeriodCallSite *site, Timestamp period, struct pg_tm *tm,
			 fsec_t *fsec)
{
	Timestamp	local = period;

	int			tz;

	if (site->has_zone)
		local = DatumGetTimestamp(DirectFunctionCall2(timestamptz_zone, site->zone,
													  TimestampTzGetDatum(period)));
	if (timestamp2tm(local, site->periodtype == TIMESTAMPTZOID && !site->has_zone ? &tz : NULL,
					 tm, fsec, NULL, NULL) != 0)
		memset(tm, 0, sizeof(*tm));
}

/* 0001-01-01 and 10000-01-01, as timestamps */
#define SPACING_FIRST	(INT64CONST(-63082281600) * USECS_PER_SEC)
#define SPACING_END		(INT64CONST(252455616000) * USECS_PER_SEC)

/*
 * How far apart the periods of a partition are, found one period at a
 * time, in order.
 */
typedef struct SpacingScan
{
	int64		n;				/* periods from AD 1 to 9999 seen */
	Timestamp	previous;
	int64		previous_month;
	int64		months;			/* the smallest gap in months, or 0 */
	int64		usecs;			/* the smallest gap, or 0 */
	bool		month_starts;
	bool		midnights;
} SpacingScan;

static void
SpacingBegin(SpacingScan *scan)
{
	memset(scan, 0, sizeof(*scan));
	scan->month_starts = true;
	scan->midnights = true;
}

/* Adds the next period, in ascending order, to a spacing scan. */
static void
SpacingAdd(const PeriodCallSite *site, SpacingScan *scan, Timestamp period)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int64		month;

	/* periods from AD 1 to 9999 only: far from the ends of the range */
	if (period < SPACING_FIRST || period >= SPACING_END)
		return;
	PeriodFields(site, period, &tm, &fsec);
	scan->midnights &= tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0 && fsec == 0;
	scan->month_starts &= scan->midnights && tm.tm_mday == 1;
	month = (int64) tm.tm_year * 12 + tm.tm_mon;
	if (scan->n > 0)
	{
		int64		m = month - scan->previous_month;
		int64		u = period - scan->previous;

		if (m > 0 && (scan->months == 0 || m < scan->months))
			scan->months = m;
		if (scan->usecs == 0 || u < scan->usecs)
			scan->usecs = u;
	}
	scan->previous_month = month;
	scan->previous = period;
	scan->n++;
}

/*
 * Sets site->spacing to how far apart the periods of a spacing scan are,
 * as the step that compares each with the one before (N months, or years,
 * when they are all first days of months, else the smallest difference)
 * and site->grid to what they are on; leaves both alone for fewer than two
 * finite periods.
 */
static void
SpacingEnd(PeriodCallSite *site, const SpacingScan *scan)
{
	int64		months = scan->months;
	int64		usecs = scan->usecs;
	char	   *spacing;
	Interval	gap;

	if (scan->n < 2)
		return;
	if (scan->month_starts && months > 0)
	{
		site->grid = GRID_MONTHS;
		site->units = months;
		if (months % 12 == 0)
			spacing = psprintf("%lld %s", (long long) (months / 12),
							   months == 12 ? "year" : "years");
		else
			spacing = psprintf("%lld %s", (long long) months,
							   months == 1 ? "month" : "months");
	}
	else if (usecs % USECS_PER_DAY == 0)
	{
		site->grid = scan->midnights ? GRID_DAYS : GRID_ANY;
		site->units = usecs / USECS_PER_DAY;
		spacing = psprintf("%lld %s", (long long) (usecs / USECS_PER_DAY),
						   usecs == USECS_PER_DAY ? "day" : "days");
	}
	else
	{
		memset(&gap, 0, sizeof(gap));
		gap.time = usecs;
		spacing = DatumGetCString(DirectFunctionCall1(interval_out,
													  IntervalPGetDatum(&gap)));
	}
	site->spacing = MemoryContextStrdup(GetMemoryChunkContext(site), spacing);
}

/* Sets site->spacing and site->grid from n periods in ascending order. */
static void
FindSpacing(PeriodCallSite *site, const PeriodValue *periods, int64 n)
{
	SpacingScan scan;
	int64		i;

	SpacingBegin(&scan);
	for (i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		SpacingAdd(site, &scan, periods[i].period);
	}
	SpacingEnd(site, &scan);
}

/*
 * Returns whether a step fits the periods of a call site: a whole number
 * of their spacing for periods on first days of months; for periods at
 * midnight, a step without hours that found a period before another or
 * moves by whole spacings; for other periods, a step that found one.
 */
static bool
StepFits(const PeriodCallSite *site, const Interval *step)
{
	switch (site->grid)
	{
		case GRID_MONTHS:
			return step->day == 0 && step->time == 0 && step->month % site->units == 0;
		case GRID_DAYS:
			/* months vary in length: a month step fits month-end series */
			return step->time == 0 &&
				(site->matches > 0 ||
				 (step->month == 0 && step->day % site->units == 0));
		case GRID_ANY:
			break;
	}
	return site->matches > 0;
}

/*
 * At the end of the query (the call site's memory going away): the notice
 * for a step that does not fit the periods (30 days on monthly periods, a
 * month on quarterly ones), so that most changes, or all, are NULL.  Not
 * after an error.
 */
static void
StepNotice(void *arg)
{
	PeriodCallSite *site = arg;

	if (site->lookups == 0 || site->spacing == NULL || !IsTransactionState() ||
		StepFits(site, &site->step))
		return;
	ereport(NOTICE,
			(errmsg("pct_change step \"%s\" does not fit periods %s apart",
					DatumGetCString(DirectFunctionCall1(interval_out,
														IntervalPGetDatum(&site->step))),
					site->spacing),
			 errdetail("%lld of %lld rows found a period exactly one step before their own; the others got NULL.",
					   (long long) site->matches, (long long) site->lookups),
			 errhint("To compare each period with the one before it, write the step '%s'.",
					 site->spacing)));
}

/* Returns the call site's state, made on its first call. */
static PeriodCallSite *
GetPeriodCallSite(FunctionCallInfo fcinfo)
{
	PeriodCallSite *site = fcinfo->flinfo->fn_extra;

	if (site == NULL)
	{
		site = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(PeriodCallSite));
		site->type = TfArgValueType(fcinfo, 0);
		site->periodtype = TfArgType(fcinfo, 1);
		site->step_is_text = TfArgType(fcinfo, 2) != INTERVALOID;
		site->has_zone = PG_NARGS() > 3;
		site->at_end.func = StepNotice;
		site->at_end.arg = site;
		MemoryContextRegisterResetCallback(fcinfo->flinfo->fn_mcxt, &site->at_end);
		fcinfo->flinfo->fn_extra = site;
	}
	return site;
}

/*
 * A partition whose periods do not fit in work_mem is compared in
 * temporary files, by three sorts: the rows' (period, value) by period;
 * the (period - step, value, position) of the rows that look for an
 * earlier period, by that period; and what they found, (position, found,
 * change), by position, which the calls of the rows read in turn.  The
 * first two are merged: both in ascending order of period, each row that
 * looks for a period meets the row that has it, if any (two rows may look
 * for the same one: 31 March and 30 March minus a month both look for 28
 * or 29 February).
 */
typedef struct PeriodSpillScan
{
	PeriodCallSite *site;
	Interval   *step;			/* the step of every row, or NULL when rows
								 * may have steps (or time zones) of their
								 * own */
	bool		in_order;		/* period - step has the order of periods */
	TfSpill    *periods;		/* (period, value, position), by period */
	TfSpill    *lookups;		/* (period - step, value, position), by that;
								 * NULL when in_order */
	TfSpill    *found;			/* (position, found, change), by position */
} PeriodSpillScan;

static void
PeriodSpillRow(WindowObject winobj, int64 pos, const Datum *values,
			   const bool *isnull, void *arg)
{
	PeriodSpillScan *scan = arg;
	PeriodCallSite *site = scan->site;
	Timestamp	period;
	Timestamp	earlier;
	Interval   *step;

	if (isnull[1] || !PeriodTimestamp(site->periodtype, values[1], &period))
		return;
	{
		Datum		row[3] = {Int64GetDatum(period), values[0], Int64GetDatum(pos)};
		bool		nulls[3] = {false, isnull[0], false};

		TfSpillPut(scan->periods, row, nulls);
	}
	if (scan->in_order || isnull[0] || TIMESTAMP_NOT_FINITE(period))
		return;

	/*
	 * the row's own step and time zone, as its call will see them (and with
	 * the same errors, raised here for the first row that has one)
	 */
	step = scan->step;
	if (step == NULL)
	{
		step = StepOf(site, values[2], isnull[2]);
		if (site->has_zone)
			SetZone(site, values[3], isnull[3]);
	}
	if (EarlierPeriod(site, false, values[1], false, step, &earlier))
	{
		Datum		row[3] = {Int64GetDatum(earlier), values[0], Int64GetDatum(pos)};
		bool		nulls[3] = {false, false, false};

		TfSpillPut(scan->lookups, row, nulls);
	}
}

/*
 * Reads the next row of the sort by period into *period, raising the
 * error for a period that occurs twice, and adds it to the spacing scan
 * (if any); returns false after the last.
 */
static bool
NextPeriod(PeriodSpillScan *scan, SpacingScan *spacing, Timestamp *period,
		   bool first)
{
	Timestamp	previous = *period;

	if (!TfSpillNext(scan->periods))
		return false;
	*period = DatumGetInt64(scan->periods->slot->tts_values[0]);
	if (!first && *period == previous)
		DuplicatePeriod(scan->site->periodtype, *period);
	if (spacing != NULL)
		SpacingAdd(scan->site, spacing, *period);
	return true;
}

/*
 * Whether period - step, for this one step, never puts two periods in the
 * other order and is always before the period: no part of the step is
 * negative, and it moves dates, timestamps by days and times, or
 * timestamptz periods by a time without days or months (which move in a
 * time zone's calendar, where a change of clocks can turn an order
 * around).  Months move timestamps out of order when they end a month:
 * 30 March 14:00 is before 31 March 13:00, but both minus a month are on
 * 29 February, the first after the second.
 */
static bool
StepKeepsOrder(const PeriodCallSite *site, const Interval *step)
{
	if (step->month < 0 || step->day < 0 || step->time < 0)
		return false;
	if (site->periodtype == DATEOID)
		return true;
	if (site->periodtype == TIMESTAMPOID)
		return step->month == 0;
	return !site->has_zone && step->month == 0 && step->day == 0;
}

/* Returns a period kept as a timestamp as a Datum of its own type. */
static Datum
PeriodDatum(Oid periodtype, Timestamp period)
{
	if (periodtype == DATEOID)
		return DateADTGetDatum((DateADT) (period / USECS_PER_DAY));
	return TimestampGetDatum(period);
}

/*
 * Adds what a row that looked for a period found to the sort by position:
 * earlier is the row found (its value in column 1), or NULL.
 */
static void
PutFound(PeriodSpillScan *scan, Datum pos, TupleTableSlot *earlier,
		 Datum value)
{
	Datum		row[3] = {pos, BoolGetDatum(earlier != NULL), (Datum) 0};
	bool		nulls[3] = {false, false, true};

	if (earlier != NULL && !earlier->tts_isnull[1])
	{
		bool		isnull;
		float8		change = ValueChange(scan->site->type, earlier->tts_values[1],
										 value, &isnull);

		row[2] = Float8GetDatum(change);
		nulls[2] = isnull;
	}
	TfSpillPut(scan->found, row, nulls);
}

/*
 * Merges the sort by period - step with the sort by period, then reads the
 * rest of the periods (for duplicates and the spacing).
 */
static void
MergeLookups(PeriodSpillScan *scan, SpacingScan *spacing, MemoryContext rowcxt)
{
	Timestamp	period = 0;
	bool		more = NextPeriod(scan, spacing, &period, true);

	while (TfSpillNext(scan->lookups))
	{
		TupleTableSlot *lookup = scan->lookups->slot;
		Timestamp	earlier = DatumGetInt64(lookup->tts_values[0]);

		while (more && period < earlier)
			more = NextPeriod(scan, spacing, &period, false);
		PutFound(scan, lookup->tts_values[2],
				 more && period == earlier ? scan->periods->slot : NULL,
				 lookup->tts_values[1]);
		MemoryContextReset(rowcxt);
	}
	while (more)
	{
		more = NextPeriod(scan, spacing, &period, false);
		MemoryContextReset(rowcxt);
	}
}

/*
 * For a step that keeps the order of periods (StepKeepsOrder): reads the
 * sort by period once, and finds each row's period - step among the rows
 * read before it, which a tuplestore keeps from the earliest period still
 * looked for on (a step's worth of rows: in work_mem, unless a step spans
 * more rows than fit).
 */
static void
MergeInOrder(PeriodSpillScan *scan, SpacingScan *spacing, Interval *step,
			 MemoryContext rowcxt)
{
	PeriodCallSite *site = scan->site;
	TupleTableSlot *row = scan->periods->slot;
	MemoryContext mergecxt = MemoryContextGetParent(rowcxt);
	MemoryContext oldcxt = MemoryContextSwitchTo(mergecxt);
	TupleTableSlot *candidate = MakeSingleTupleTableSlot(row->tts_tupleDescriptor,
														 &TTSOpsMinimalTuple);
	Tuplestorestate *before = tuplestore_begin_heap(false, false, work_mem);
	Timestamp	period = 0;
	Timestamp	candidate_period = 0;
	Timestamp	last_earlier = DT_NOBEGIN;
	bool		has_candidate = false;
	bool		first = true;

	MemoryContextSwitchTo(oldcxt);
	tuplestore_set_eflags(before, 0);
	while (NextPeriod(scan, spacing, &period, first))
	{
		Timestamp	earlier;

		first = false;

		tuplestore_puttupleslot(before, row);
		if (!row->tts_isnull[1] && !TIMESTAMP_NOT_FINITE(period) &&
			EarlierPeriod(site, false, PeriodDatum(site->periodtype, period),
						  false, step, &earlier))
		{
			if (earlier < last_earlier)
				elog(ERROR, "pct_change periods minus a step out of order");
			last_earlier = earlier;
			/* the row itself is after earlier: there is always a candidate */
			/* (the candidate's copy lives as long as the merge) */
			MemoryContextSwitchTo(mergecxt);
			while (!has_candidate || candidate_period < earlier)
			{
				if (!tuplestore_gettupleslot(before, true, true, candidate))
					elog(ERROR, "pct_change lost a period");
				slot_getallattrs(candidate);
				candidate_period = DatumGetInt64(candidate->tts_values[0]);
				has_candidate = true;
			}
			MemoryContextSwitchTo(oldcxt);
			PutFound(scan, row->tts_values[2],
					 candidate_period == earlier ? candidate : NULL,
					 row->tts_values[1]);
			tuplestore_trim(before);
		}
		MemoryContextReset(rowcxt);
	}
	tuplestore_end(before);
	ExecDropSingleTupleTableSlot(candidate);
}

static void
PeriodSpillCompute(WindowObject winobj, FunctionCallInfo fcinfo,
				   PeriodCallSite *site, Interval *step, PeriodCache *cache)
{
	MemoryContext querycxt = fcinfo->flinfo->fn_mcxt;
	Oid			valuetype = TfArgType(fcinfo, 0);
	Oid			period_types[3] = {INT8OID, valuetype, INT8OID};
	Oid			found_types[3] = {INT8OID, BOOLOID, FLOAT8OID};
	bool		ascending = false;
	int			argnos[4] = {0, 1, 2, 3};
	PeriodSpillScan scan;
	SpacingScan spacing;
	SpacingScan *spacingp = site->spacing == NULL ? &spacing : NULL;
	MemoryContext rowcxt;
	MemoryContext oldcxt;
	bool		zone_null;
	Datum		zone = (Datum) 0;

	/* the zone of the current row, for the spacing, as in memory */
	if (site->has_zone)
		zone = WinGetFuncArgCurrent(winobj, 3, &zone_null);

	/*
	 * a step (and time zone) that is a constant or a parameter is the
	 * current row's for every row: only values and periods are read
	 */
	memset(&scan, 0, sizeof(scan));
	scan.site = site;
	if (get_fn_expr_arg_stable(fcinfo->flinfo, 2) &&
		(!site->has_zone || get_fn_expr_arg_stable(fcinfo->flinfo, 3)))
		scan.step = step;
	scan.in_order = scan.step != NULL && StepKeepsOrder(site, step);
	scan.periods = TfSpillBegin(cache, querycxt, 3, period_types, 1, &ascending);
	if (!scan.in_order)
		scan.lookups = TfSpillBegin(cache, querycxt, 3, period_types, 1, &ascending);
	TfScanPartitionArgs(winobj, scan.step != NULL ? 2 : site->has_zone ? 4 : 3,
						argnos, PeriodSpillRow, &scan);
	if (site->has_zone)
		SetZone(site, zone, zone_null);
	TfSpillSort(scan.periods);
	if (!scan.in_order)
		TfSpillSort(scan.lookups);

	scan.found = TfSpillBegin(cache, querycxt, 3, found_types, 1, &ascending);
	SpacingBegin(&spacing);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "pct_change row",
								   ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(rowcxt);
	if (scan.in_order)
		MergeInOrder(&scan, spacingp, step, rowcxt);
	else
		MergeLookups(&scan, spacingp, rowcxt);
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(rowcxt);
	TfSpillEnd(scan.periods);
	if (scan.lookups != NULL)
		TfSpillEnd(scan.lookups);
	if (spacingp != NULL)
		SpacingEnd(site, spacingp);
	TfSpillSort(scan.found);
	cache->spill = scan.found;
}

/*
 * pct_change(value, period, step [, time_zone]) OVER (PARTITION BY ...):
 * change from the row of the same partition whose period is exactly
 * period - step; NULL where that period is missing, so a gap never
 * compares with an older one.  The step is an interval or its text; with a
 * time zone, timestamptz periods are moved in that zone's calendar.
 */
PG_FUNCTION_INFO_V1(pct_change_period);
Datum
pct_change_period(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	PeriodCallSite *site = GetPeriodCallSite(fcinfo);
	PeriodCache *cache = WinGetPartitionLocalMemory(winobj, sizeof(PeriodCache));
	Interval   *step = CurrentStep(winobj, site);
	int64		pos = WinGetCurrentPosition(winobj);
	Datum		value;
	Datum		period;
	bool		value_null;
	bool		period_null;
	bool		isnull;
	Timestamp	earlier;
	PeriodValue *previous;
	float8		change;

	if (site->has_zone)
		CurrentZone(winobj, site);
	if (!cache->computed)
	{
		if (TfPartitionFits((double) WinGetPartitionRowCount(winobj) * sizeof(PeriodValue)))
		{
			PeriodCacheCompute(winobj, site->type, site->periodtype, cache);
			if (site->spacing == NULL)
				FindSpacing(site, cache->periods, cache->nperiods);
		}
		else
			PeriodSpillCompute(winobj, fcinfo, site, step, cache);
		cache->computed = true;
	}

	/*
	 * No mark is set (see TfScanPartition): the partition stays in the
	 * window's tuplestore until it ends.
	 */

	if (cache->spill != NULL)
	{
		TupleTableSlot *found;

		if (!TfSpillSeek(cache->spill, pos))
			PG_RETURN_NULL();
		found = cache->spill->slot;
		site->lookups++;
		if (!DatumGetBool(found->tts_values[1]))
			PG_RETURN_NULL();
		site->matches++;
		if (found->tts_isnull[2])
			PG_RETURN_NULL();
		PG_RETURN_FLOAT8(DatumGetFloat8(found->tts_values[2]));
	}

	value = WinGetFuncArgCurrent(winobj, 0, &value_null);
	period = WinGetFuncArgCurrent(winobj, 1, &period_null);
	if (!EarlierPeriod(site, value_null, period, period_null, step, &earlier))
		PG_RETURN_NULL();
	site->lookups++;
	previous = FindPeriod(cache, earlier);
	if (previous == NULL)
		PG_RETURN_NULL();
	site->matches++;
	if (previous->isnull)
		PG_RETURN_NULL();

	change = PeriodChange(site->type, previous, value, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(change);
}
