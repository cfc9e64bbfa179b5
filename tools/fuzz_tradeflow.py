#!/usr/bin/env python3
"""tools/fuzz_tradeflow.py: random calls of every tradeflow function.

Random SQL over all of PostgreSQL's functions rarely calls tradeflow's, so
this generator writes queries that call nothing else: every form of
pct_change, trade_share and rank_partner (scalar, window, aggregate, the
aggregates as window aggregates), their support functions called directly,
aggregates of one's own built from them, and the state types' text and
binary input fed with mutated and randomly built images.  Arguments take
random types (numeric, double precision, bigint, integer, smallint, real,
untyped literals), NULLs, NaN, infinities and the limits of each type;
periods are date, timestamp or timestamptz, infinite and at the ends of the
range; steps are zero, negative, NULL, mixed and huge; windows get random
PARTITION BY, ORDER BY and frames; sessions get random parallel, hash
aggregation, work_mem and TimeZone settings.

Which forms there are, and the types each takes, are read from the
catalog of the installed extension (pg_proc, pg_aggregate) when it starts,
so every overload is called, and a new one without a change here; what each
argument means (value, period, step, partner, is_part) is this file's
ROLES.  The state columns of fuzz.states are found by their types.

Queries run in batches through psql against the server that the PG*
environment variables name (tools/fuzz.sh sets it up, with schema "fuzz"
from tools/fuzz_data.sql).  Errors are expected; what must never happen is
a server crash or an error without a proper SQLSTATE (XX000, "internal
error").  Standard library only.

Usage: fuzz_tradeflow.py [--queries N] [--seed S] [--batch B] [--out DIR]
Prints a summary; exits 1 if the server crashed or raised an internal error.
"""

import argparse
import collections
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

PSQL = os.environ.get("TF_PSQL", "psql")

# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------

LITERALS = {
    "numeric": ["0", "-0", "1", "-1", "1.5", "0.001", "1000", "-2500.75",
                "'NaN'", "'Infinity'", "'-Infinity'", "1e300", "-1e300",
                "1e-300", "'1e1000'", "'-1e1000'", "'1e-1000'",
                "9223372036854775808", "123456789012345678901234567890.123",
                "7026845736", "7026845737", "NULL"],
    "double precision": ["0", "'-0'", "1", "-1", "0.5", "'NaN'",
                         "'Infinity'", "'-Infinity'", "1.7976931348623157e308",
                         "-1.7976931348623157e308", "5e-324", "2.2250738585072014e-308",
                         "1e15", "3", "NULL"],
    "bigint": ["0", "1", "-1", "9223372036854775807", "-9223372036854775808",
               "4611686018427387904", "1000", "7026845736", "NULL"],
    "integer": ["0", "1", "-1", "2147483647", "-2147483648", "1000", "NULL"],
    "smallint": ["0", "1", "-1", "32767", "-32768", "NULL"],
    "real": ["0", "1", "'NaN'", "'Infinity'", "3.4e38", "1e-45", "NULL"],
}
# types no form takes: calls with them must fail cleanly
ODD_VALUE_TYPES = ["smallint", "real", "text", "money", "boolean"]

# the columns of fuzz.flows (tools/fuzz_data.sql) by type; another type
# gets a cast
COLUMNS = {
    "numeric": ["v_num"],
    "double precision": ["v_f8"],
    "bigint": ["v_big"],
    "integer": ["v_int"],
}
PERIOD_COLUMNS = {
    "date": "period",
    "timestamp without time zone": "period_ts",
    "timestamp with time zone": "period_tz",
}
PERIOD_LITERALS = ["'2020-01-31'", "'2020-02-29'", "'2020-03-31'", "'2019-12-31'",
                   "'infinity'", "'-infinity'", "'4714-11-24 BC'",
                   "'4714-12-25 BC'", "'294276-12-31'", "'294276-11-30'",
                   "'2000-01-01'", "NULL"]
STEPS = ["'1 month'", "'1 year'", "'3 months'", "'1 day'", "'1 month 3 days'",
         "'0'", "'-1 month'", "'-1 day'", "NULL", "'1 microsecond'",
         "'-1 day 25 hours'", "'2 months -59 days'", "'1 mon -31 days'",
         "'178000000 years'", "'-178000000 years'", "'2147483647 days'",
         "'-2147483648 days'", "'2147483647 months'", "'2562047788 hours'",
         "'P1Y2M3DT4H5M6S'", "'1 year 1 second'", "'7 days'", "'30 days'",
         "'1 month -1 microsecond'", "'-2147483648 months 1 day'"]
TIMEZONES = ["UTC", "Pacific/Chatham", "America/Santiago", "Asia/Kathmandu",
             "Europe/Berlin", "America/St_Johns", "Etc/GMT+12", "Etc/GMT-14"]


def lit(r, typ):
    v = r.choice(LITERALS.get(typ, LITERALS["numeric"]))
    if v.startswith("-"):
        # a cast binds tighter than a minus sign
        return "(%s)::%s" % (v, typ)
    return "%s::%s" % (v, typ)


def value_expr(r, typ, source="flows"):
    """An expression of type typ, mostly over a row of the source."""
    k = r.random()
    if source == "flows" and k < 0.55:
        col = r.choice(COLUMNS.get(typ, ["v_num::%s" % typ]))
        if r.random() < 0.2:
            return "nullif(%s, 0)" % col
        if r.random() < 0.05:
            return "(%s * %s)" % (col, lit(r, typ))
        return col
    if source == "flows" and k < 0.6:
        # a column of another type, cast (may fail: that is fine)
        other = r.choice(list(COLUMNS))
        return "%s::%s" % (r.choice(COLUMNS[other]), typ)
    if source == "series" and k < 0.7:
        return r.choice(["v::%s" % typ, "(v * g)::%s" % typ,
                         "CASE WHEN g %% 7 = 0 THEN NULL ELSE v END::%s" % typ,
                         "(g %% 5)::%s" % typ, "(-v)::%s" % typ])
    if source == "values" and k < 0.7:
        return "v::%s" % typ
    if k < 0.9:
        return lit(r, typ)
    return "CASE WHEN random() < 0.5 THEN %s ELSE %s END" % (lit(r, typ), lit(r, typ))


def bool_expr(r, source="flows"):
    opts = ["true", "false", "NULL::boolean", "random() < 0.5"]
    if source == "flows":
        opts += ["is_part", "is_part", "partner = 'P3'", "v_num > 0",
                 "reporter %% 2 = 0", "period IS NULL"]
    elif source == "series":
        opts += ["g %% 3 = 0", "part = 1", "v > 0"]
    else:
        opts += ["p = 'A'", "v::numeric > 0"]
    return r.choice(opts).replace("%%", "%")


def period_expr(r, ptype, source="flows"):
    if source == "flows" and r.random() < 0.7:
        col = PERIOD_COLUMNS.get(ptype)
        if col is None or r.random() < 0.2:
            other = r.choice(list(PERIOD_COLUMNS.values()))
            return "%s::%s" % (other, ptype)
        return col
    if source == "series" and r.random() < 0.8:
        return "per::%s" % ptype
    if source == "values" and r.random() < 0.8:
        return "d::%s" % ptype
    return "%s::%s" % (r.choice(PERIOD_LITERALS), ptype)


def step_expr(r, source="flows"):
    k = r.random()
    if source == "flows" and k < 0.15:
        return "step"
    if k < 0.25:
        return "CASE WHEN random() < 0.9 THEN %s::interval ELSE %s::interval END" % (
            r.choice(STEPS), r.choice(STEPS))
    if k < 0.3:
        return "make_interval(%d, %d, 0, %d)" % (r.randint(-3, 3), r.randint(-3, 3), r.randint(-40, 40))
    return "%s::interval" % r.choice(STEPS)


def partner_expr(r, ptype, source="flows"):
    if ptype not in ("text", "bigint"):
        return "(%s)::%s" % (partner_expr(r, "bigint", source), ptype)
    if ptype == "text":
        if source == "flows":
            return r.choice(["partner", "partner", "lower(partner)", "partner || ''",
                             "reporter::text", "''", "NULL::text", "repeat(partner, 50)"])
        if source == "series":
            return r.choice(["'P' || (g %% %d)" % r.choice([1, 2, 7, 200, 5000]),
                             "md5(g::text)", "NULL::text", "chr(65 + g % 26)"])
        return r.choice(["p", "p || 'x'", "NULL::text"])
    if source == "flows":
        return r.choice(["partner_code", "partner_code", "reporter::bigint",
                         "NULL::bigint", "-9223372036854775808::bigint", "id"])
    if source == "series":
        return r.choice(["(g %% %d)::bigint" % r.choice([1, 3, 200, 20000]), "g::bigint",
                         "NULL::bigint"])
    return r.choice(["length(p)::bigint", "NULL::bigint"])


def target_expr(r, ptype, source="flows"):
    if ptype not in ("text", "bigint"):
        return "(%s)::%s" % (target_expr(r, "bigint", source), ptype)
    if ptype == "text":
        opts = ["'P3'", "'P1'", "''", "NULL::text", "'Côte d''Ivoire'", "'nobody'"]
        if source == "flows":
            opts += ["partner", "(SELECT min(partner) FROM fuzz.flows)"]
        if source == "series":
            opts += ["'P1'", "'P0'", "md5('5')"]
        if source == "values":
            opts += ["'A'", "'B'", "p"]
        return r.choice(opts)
    opts = ["103::bigint", "101::bigint", "NULL::bigint", "9223372036854775807::bigint", "0::bigint"]
    if source == "flows":
        opts += ["partner_code"]
    if source == "series":
        opts += ["1::bigint", "5::bigint"]
    return r.choice(opts)


# ---------------------------------------------------------------------------
# Row sources
# ---------------------------------------------------------------------------

def values_source(r):
    """A VALUES list of random rows: (k partition, p partner, v value, d period)."""
    n = r.randint(0, 25)
    rows = []
    for i in range(n):
        k = r.choice(["1", "2", "NULL"])
        p = r.choice(["'A'", "'B'", "'C'", "NULL", "''"])
        v = r.choice(["0", "1", "-1", "2.5", "1000", "NULL", "'NaN'", "'Infinity'",
                      "'-Infinity'", "1e300", "-7", "3", "3", "9223372036854775807"])
        d = r.choice(["'2020-01-01'", "'2020-02-01'", "'2020-03-01'", "'2021-01-01'",
                      "'2020-01-31'", "'2020-02-29'", "NULL", "'infinity'",
                      "'2020-0%d-01'" % r.randint(1, 9)])
        rows.append("(%s, %s, %s, %s)" % (k, p, v, d))
    if not rows:
        return "(SELECT NULL::int AS k, NULL::text AS p, NULL::text AS v, NULL::text AS d WHERE false)"
    return ("(SELECT k::int AS k, p::text AS p, v::text AS v, d::text AS d FROM (VALUES %s) AS x(k, p, v, d))"
            % ", ".join(rows))


def series_source(r):
    n = r.choice([1, 2, 10, 100, 1000, 5000, 20000])
    mod = r.choice([1, 2, 3, 10])
    step = r.choice(["1 day", "1 month", "1 year", "1 hour", "7 days"])
    vexpr = r.choice(["(g %% 100) - 30", "g", "g * 1000.5", "(g %% 7)",
                      "CASE WHEN g %% 11 = 0 THEN NULL ELSE g * 3 END",
                      "1e20 * g", "(g %% 3) * 1e-20", "-g", "0"]).replace("%%", "%")
    return ("(SELECT g, (g %% %d) AS part, (%s)::numeric AS v, "
            "timestamp '2000-01-31' + (g / %d) * interval '%s' AS per "
            "FROM generate_series(1, %d) AS g)" % (mod, vexpr, mod, step, n)).replace("%%", "%")


def source(r):
    k = r.random()
    if k < 0.55:
        where = r.choice(["", "", " WHERE reporter <= %d" % r.randint(1, 20),
                          " WHERE reporter = %d" % r.randint(1, 20),
                          " WHERE v_num IS NOT NULL", " WHERE false"])
        return "flows", "fuzz.flows" + where, ["reporter", "partner", "partner_code", "is_part", "reporter % 3", "period", "1", "NULL::int"], ["id", "period", "v_num", "v_f8 DESC NULLS FIRST", "partner", "random()", "period_ts", "period_tz DESC", "v_big"]
    if k < 0.8:
        return "series", series_source(r) + " AS s", ["part", "1", "g % 2", "g / 1000"], ["g", "per", "v DESC", "part", "v NULLS FIRST"]
    return "values", values_source(r) + " AS t", ["k", "p", "1"], ["d", "v", "p", "k DESC"]


def frame_clause(r, norder=1):
    if r.random() < 0.5:
        return ""
    mode = r.choice(["ROWS", "RANGE", "GROUPS"])
    if mode == "RANGE" and norder != 1 and r.random() < 0.9:
        # RANGE with an offset needs exactly one ORDER BY column
        mode = r.choice(["ROWS", "GROUPS"])
    n = r.randint(0, 3)
    offset = "%d" % n
    if mode == "RANGE" and r.random() < 0.3:
        offset = r.choice(["'1 month'", "'1 day'", "'0'"])
    starts = ["UNBOUNDED PRECEDING", "%s PRECEDING" % offset, "CURRENT ROW", "%s FOLLOWING" % offset]
    ends = ["%s PRECEDING" % offset, "CURRENT ROW", "%s FOLLOWING" % offset, "UNBOUNDED FOLLOWING"]
    if r.random() < 0.95:
        i = r.randrange(len(starts))
        start, end = starts[i], ends[r.randrange(max(i - 1, 0), len(ends))]
    else:
        start, end = r.choice(starts + ends), r.choice(starts + ends)
    exclude = r.choice(["", "", " EXCLUDE CURRENT ROW", " EXCLUDE GROUP", " EXCLUDE TIES", " EXCLUDE NO OTHERS"])
    return " %s BETWEEN %s AND %s%s" % (mode, start, end, exclude)


def window_spec(r, parts, orders, want_order=None):
    clauses = []
    if r.random() < 0.7:
        clauses.append("PARTITION BY " + ", ".join(r.sample(parts, r.randint(1, min(2, len(parts))))))
    has_order = r.random() < 0.6 if want_order is None else want_order
    if has_order:
        order = r.sample(orders, r.randint(1, min(2, len(orders))))
        clauses.append("ORDER BY " + ", ".join(order))
        clauses.append(frame_clause(r, len(order)))
    return "(" + " ".join(c for c in clauses if c) + ")"


# ---------------------------------------------------------------------------
# Calls
# ---------------------------------------------------------------------------

def pick_type(r, declared):
    """Mostly one of the declared types; sometimes another value type, which
    resolves through a cast or fails, or a type no form takes."""
    k = r.random()
    if k < 0.02:
        return r.choice(ODD_VALUE_TYPES)
    if k < 0.2:
        return r.choice(CAT.types("value"))
    return r.choice(declared)


def typed_value(r, typ, src):
    if typ in COLUMNS:
        return value_expr(r, typ, src)
    if typ in LITERALS:
        return lit(r, typ)
    odd = {"text": "'12'::text", "money": "'1'::money", "boolean": "true"}
    if typ in odd:
        return odd[typ]
    return "(%s)::%s" % (value_expr(r, "numeric", src), typ)


def role_arg(r, role, typ, src, exact=False):
    """An argument of the given role and declared type; a value may take
    another type (pick_type) unless exact."""
    if typ == "trade_profile":
        return profile_expr(r)
    if role == "value":
        return typed_value(r, typ if exact else pick_type(r, [typ]), src)
    if role == "is_part":
        return r.choice(["true", "false", "NULL"]) if src == "const" else bool_expr(r, src)
    if role == "period":
        return period_expr(r, typ, src)
    if role == "step":
        return step_expr(r, src)
    if role == "profile":
        return profile_expr(r)
    if role == "partner" and src != "const":
        return partner_expr(r, typ, src)
    return target_expr(r, typ, src)


def profile_expr(r):
    """A trade_profile: stored, built, rolled up, NULL, or a (mutated) text
    or image literal."""
    k = r.random()
    if k < 0.3:
        return "(SELECT %s FROM fuzz.states WHERE reporter = %d)" % (
            r.choice(CAT.state_columns.get("trade_profile") or ["NULL::trade_profile"]), r.randint(0, 21))
    if k < 0.4:
        return "(SELECT trade_profile(%s, %s) FROM fuzz.flows WHERE reporter %% %d = %d)" % (
            r.choice(["partner", "partner_code", "partner_code::int"]),
            r.choice(["v_num", "v_f8", "v_big", "v_int", "v_int::smallint", "v_f8::real"]), r.randint(1, 4), r.randint(0, 3))
    if k < 0.5:
        return "(SELECT rollup(%s) FROM fuzz.states)" % r.choice(CAT.state_columns.get("trade_profile") or ["NULL::trade_profile"])
    if k < 0.55:
        return "NULL::trade_profile"
    return state_literal(r, IMAGES, "trade_profile")


def profile_call_arg(r, typ):
    """An argument of an accessor of profiles, by its declared type."""
    if typ == "trade_profile":
        return profile_expr(r)
    if typ == "text":
        return r.choice(["'P1'", "'P3'", "''", "'Côte d''Ivoire'", "NULL", "repeat('x', 3000)", "'P99'", "'103'"])
    if typ == "bigint":
        return r.choice(["103", "100", "-9223372036854775808", "9223372036854775807", "NULL", "7"]) + "::bigint"
    if typ == "text[]":
        return r.choice(["ARRAY['P1', 'P3']", "ARRAY['P1', 'P1', NULL]", "'{}'::text[]", "ARRAY[NULL]::text[]",
                         "ARRAY[['P1'], ['P2']]", "'[5:6]={P1,P2}'::text[]", "NULL::text[]"])
    if typ == "bigint[]":
        return r.choice(["ARRAY[100, 103]::bigint[]", "ARRAY[103, 103, NULL]::bigint[]", "'{}'::bigint[]",
                         "ARRAY[[100], [101]]::bigint[]", "NULL::bigint[]"])
    if typ == "integer":
        return r.choice(["0", "1", "3", "-1", "2147483647", "-2147483648", "NULL"])
    if typ == "boolean":
        return r.choice(["true", "false", "NULL"])
    return "NULL::%s" % typ


def q_profile(r):
    """A call of a function of the catalog that takes a trade_profile and
    is not a support function: the accessors."""
    name, args, retset = r.choice(CAT.profile_functions)
    call = "%s(%s)" % (name, ", ".join(profile_call_arg(r, t) for t in args))
    if retset:
        return r.choice(["SELECT * FROM %s", "SELECT count(*) FROM %s", "SELECT * FROM %s LIMIT 2"]) % call
    if r.random() < 0.3:
        # over every stored profile of the column, as a dashboard reads them
        col = r.choice(CAT.state_columns.get("trade_profile") or ["NULL::trade_profile"])
        first = ", ".join(col if i == 0 else profile_call_arg(r, t) for i, t in enumerate(args))
        return "SELECT reporter, %s(%s) FROM fuzz.states" % (name, first)
    return "SELECT %s" % call


def call_args(r, form, src):
    """The arguments of a call of a random overload of form."""
    args = r.choice(CAT.overloads(form))
    return [role_arg(r, role, typ, src) for role, typ in zip(ROLES[form], args)]


WINDOW_FORMS = [("pct_change", "w", 1), ("pct_change", "w", 3)] * 2 + [
    ("trade_share", "w", 1), ("rank_partner", "w", 1),
    ("trade_share", "a", 2), ("rank_partner", "a", 3)]
AGGREGATE_FORMS = [("trade_share", "a", 2), ("rank_partner", "a", 3), ("trade_profile", "a", 2)]


def window_call(r, src, parts, orders):
    form = r.choice(WINDOW_FORMS)
    call = "%s(%s)" % (form[0], ", ".join(call_args(r, form, src)))
    if form[1] == "a" and "is_part" in ROLES[form] and r.random() < 0.2:
        call += " FILTER (WHERE %s)" % bool_expr(r, src)
    previous_row = form == ("pct_change", "w", 1)
    spec = window_spec(r, parts, orders, want_order=r.random() < 0.85 if previous_row else None)
    return "%s OVER %s" % (call, spec)


def aggregate_call(r, src):
    form = r.choice(AGGREGATE_FORMS)
    call = "%s(%s%s" % (form[0], r.choice(["", "", "DISTINCT "]), ", ".join(call_args(r, form, src)))
    if r.random() < 0.15:
        call += " ORDER BY 1"
    call += ")"
    if r.random() < 0.2:
        call += " FILTER (WHERE %s)" % bool_expr(r, src)
    return call


def q_window(r):
    src, frm, parts, orders = source(r)
    calls = [window_call(r, src, parts, orders) for _ in range(r.randint(1, 3))]
    sel = ", ".join("%s AS c%d" % (c, i) for i, c in enumerate(calls))
    q = "SELECT %s FROM %s" % (sel, frm)
    k = r.random()
    if k < 0.2:
        q = "SELECT count(*), count(c0), sum(c0::numeric) FROM (%s) AS w" % q
    elif k < 0.3:
        q += " LIMIT %d" % r.randint(0, 5)
    elif k < 0.35:
        q = "SELECT * FROM (%s) AS w WHERE c0 IS NOT NULL ORDER BY 1 LIMIT 3" % q
    return q


def q_aggregate(r):
    src, frm, parts, orders = source(r)
    calls = [aggregate_call(r, src) for _ in range(r.randint(1, 3))]
    sel = ", ".join(calls)
    k = r.random()
    if k < 0.3:
        return "SELECT %s FROM %s" % (sel, frm)
    keys = r.sample(parts, r.randint(1, min(2, len(parts))))
    if r.random() < 0.15:
        # many groups: with a small work_mem, hash aggregation spills states
        keys = [{"flows": "id", "series": "g", "values": "v"}[src]]
    grouping = r.choice(["GROUP BY %s", "GROUP BY %s", "GROUP BY ROLLUP (%s)",
                         "GROUP BY CUBE (%s)", "GROUP BY GROUPING SETS ((%s), ())"]) % ", ".join(keys)
    q = "SELECT %s, %s FROM %s %s" % (", ".join(keys), sel, frm, grouping)
    if r.random() < 0.2:
        q += " HAVING %s IS NOT NULL" % calls[0]
    return q


def q_scalar(r):
    out = []
    for _ in range(r.randint(1, 4)):
        a, b = call_args(r, ("pct_change", "f", 2), "flows")
        if r.random() < 0.1:
            a, b = r.choice(["1", "'1'", "NULL", "1.5", "'NaN'"]), r.choice(["2", "'2'", "NULL", "1e400"])
        out.append("pct_change(%s, %s)" % (a, b))
    if r.random() < 0.5:
        return "SELECT %s FROM fuzz.flows%s" % (", ".join(out), r.choice(["", " WHERE reporter = 3", " LIMIT 50"]))
    return "SELECT %s" % ", ".join(out).replace("v_num", "1.5::numeric").replace("v_f8", "2.5::float8") \
        .replace("v_big", "7::bigint").replace("v_int", "3")


# --- states ----------------------------------------------------------------

class Images:
    """Binary images of the state types: valid ones from the server, mutated
    ones, and ones built at random from the format's structure."""

    def __init__(self, r, pools):
        self.r = r
        self.pools = {typ: [bytes.fromhex(h) for h in hexes] for typ, hexes in pools.items()}
        # images built from the structure of the formats this file knows
        self.builders = {"trade_share_state": self.build_share, "partner_totals": self.build_totals}

    def numeric_image(self):
        r = self.r
        nd = r.choice([0, 1, 2, 3, r.randint(0, 40)])
        if r.random() < 0.05:
            nd = r.choice([-1, 32767, 1000])
        weight = r.choice([0, 1, -1, 100, -100, 32767, -32768, r.randint(-50, 50)])
        sign = r.choice([0x0000, 0x4000, 0xC000, 0xD000, 0xF000, 0x0000, 0x4000,
                         r.randint(0, 0xFFFF)])
        dscale = r.choice([0, 2, 10, 0x3FFF, 0x4000, r.randint(0, 0xFFFF)])
        digits = [r.choice([0, 1, 9999, 10000, 65535, r.randint(0, 9999)]) for _ in range(max(nd, 0) if nd < 100 else 3)]
        body = struct.pack(">hhHH", nd, weight, sign, dscale) + b"".join(struct.pack(">H", d) for d in digits)
        if r.random() < 0.05:
            body = body[:r.randint(0, len(body))]
        ln = len(body) if r.random() < 0.9 else r.choice([-1, 0, len(body) + 2, 2 ** 31 - 1])
        return struct.pack(">i", ln) + body

    def sum_image(self, kind):
        r = self.r
        count = r.choice([0, 1, 2, 5, 1000, -1, 2 ** 63 - 1, -2 ** 63, 1, 1])
        out = struct.pack(">q", count)
        if count == 0 and r.random() < 0.9:
            return out
        if kind == 1:
            out += self.numeric_image()
        elif kind == 2:
            out += struct.pack(">d", r.choice([0.0, -0.0, 1.5, -3.0, float("nan"), float("inf"),
                                               float("-inf"), 1.7976931348623157e308, 5e-324]))
        else:
            hi = r.choice([0, -1, 2 ** 63 - 1, -2 ** 63, 1])
            lo = r.choice([0, 1, 2 ** 64 - 1, 2 ** 63, 12345])
            out += struct.pack(">qQ", hi, lo)
        return out

    def key_image(self, keytype):
        r = self.r
        if keytype == 2:
            ln = 8 if r.random() < 0.9 else r.choice([0, 4, 7, 9, -1])
            return struct.pack(">i", ln) + struct.pack(">q", r.choice([0, 1, 103, -2 ** 63, 2 ** 63 - 1]))[:max(ln, 0)]
        text = r.choice([b"P1", b"P3", b"", b"C\xc3\xb4te", b"\xff\xfe", b"a\x00b", b"x" * 300,
                         b"\xc3", b"P1", b"P1"])
        ln = len(text) if r.random() < 0.95 else r.choice([-1, len(text) + 1, 2 ** 31 - 1])
        return struct.pack(">i", ln) + text

    def build_share(self):
        r = self.r
        version = 1 if r.random() < 0.95 else r.choice([0, 2, 255])
        kind = r.choice([1, 2, 3]) if r.random() < 0.95 else r.choice([0, 4, 255])
        img = bytes([version, kind]) + self.sum_image(kind) + self.sum_image(kind)
        return img

    def build_totals(self):
        r = self.r
        version = 1 if r.random() < 0.95 else r.choice([0, 2])
        kind = r.choice([1, 2, 3]) if r.random() < 0.95 else r.choice([0, 4])
        keytype = r.choice([1, 2]) if r.random() < 0.95 else r.choice([0, 3])
        has_target = r.choice([0, 1]) if r.random() < 0.95 else 2
        img = bytes([version, kind, keytype, has_target])
        if has_target:
            img += self.key_image(keytype)
        n = r.choice([0, 1, 2, 3, 20, 300])
        declared = n if r.random() < 0.9 else r.choice([-1, n + 1, 2 ** 31 - 1])
        img += struct.pack(">i", declared)
        for _ in range(n):
            img += self.key_image(keytype) + self.sum_image(kind)
        return img

    def mutate(self, img):
        r = self.r
        b = bytearray(img)
        for _ in range(r.randint(1, 4)):
            op = r.random()
            if op < 0.4 and b:
                i = r.randrange(len(b))
                b[i] = r.choice([0, 1, 0x7F, 0x80, 0xFF, r.randrange(256)])
            elif op < 0.55 and b:
                del b[r.randrange(len(b)):]
            elif op < 0.7:
                b += bytes(r.randrange(256) for _ in range(r.randint(1, 8)))
            elif op < 0.85 and len(b) > 8:
                i = r.randrange(len(b) - 8)
                b[i:i + 4] = struct.pack(">i", r.choice([-1, 0, 2 ** 31 - 1, -2 ** 31, 8, 16]))
            elif b:
                i, j = sorted(r.randrange(len(b)) for _ in range(2))
                b[i:i] = b[i:j]
        return bytes(b)

    def image(self, typ):
        r = self.r
        pool = self.pools.get(typ, [])
        k = r.random()
        if k < 0.3 and pool:
            return r.choice(pool)
        if (k < 0.65 or typ not in self.builders) and pool:
            return self.mutate(r.choice(pool))
        if typ not in self.builders:
            return self.mutate(b"\x01")
        built = self.builders[typ]()
        return self.mutate(built) if r.random() < 0.2 else built


# types whose text form is JSON (not the hexadecimal image), and their
# stored texts; IMAGES: the Images of the run
JSON_TEXT_TYPES = ["trade_profile"]
TEXTS = {}
IMAGES = None


def mutate_text(r, text):
    """A text form changed a little: cut, a character replaced, a piece
    repeated, or a hostile token put in."""
    t = text
    for _ in range(r.randint(1, 3)):
        op = r.random()
        i = r.randrange(len(t) + 1)
        if op < 0.25:
            t = t[:i]
        elif op < 0.5 and t:
            t = t[:i] + r.choice('{}[]":,0-9eE.+ \\') + t[i + 1:]
        elif op < 0.65:
            j = r.randrange(i, len(t) + 1)
            t = t[:j] + t[i:j] + t[j:]
        else:
            t = t[:i] + r.choice(['"NaN"', '"-Infinity"', "-0", "1e400", "1e-400", "99999999999999999999999999999999999999999",
                                  '"version": 2', '"P1": 1', '"\\u0000"', "null", "[1]", '{"a": 1}',
                                  "170141183460469231731687303715884105728"]) + t[i:]
    return t


def text_literal(r, typ):
    text = r.choice(TEXTS.get(typ) or ["{}"])
    if r.random() < 0.6:
        text = mutate_text(r, text)
    return "%s::%s" % ("'" + text.replace("'", "''") + "'", typ)


def state_literal(r, images, typ):
    if typ in JSON_TEXT_TYPES:
        return text_literal(r, typ)
    k = r.random()
    if k < 0.85:
        return "'%s'::%s" % (images.image(typ).hex(), typ)
    if k < 0.9:
        return "'%s'::%s" % (images.image(typ).hex().upper()[:-1], typ)
    return "'%s'::%s" % (r.choice(["", "zz", "0", " 01", "0101", "01 01"]), typ)


def state_expr(r, images, typ):
    k = r.random()
    col = CAT.state_columns.get(typ)
    if k < 0.3 and col:
        return "(SELECT %s FROM fuzz.states WHERE reporter = %d)" % (r.choice(col), r.randint(0, 21))
    if k < 0.45:
        return "NULL::%s" % typ
    if k < 0.55:
        return "encode(%s, 'hex')::%s" % (r.choice([
            "gen_random_uuid()::text::bytea", "'\\x0101'::bytea",
            "decode(md5(random()::text), 'hex')", "'\\x01010000000000000000'::bytea"]), typ)
    return state_literal(r, images, typ)


def finished(agg, expr):
    """expr, a state of agg's type, through agg's final function (or as text)."""
    if agg.final:
        return "%s(%s)" % (agg.final, expr)
    return "(%s)::text" % expr


def q_state_io(r, images):
    typ = r.choice(CAT.state_types)
    agg = CAT.states[typ]
    k = r.random()
    s = state_expr(r, images, typ)
    if k < 0.4:
        return "SELECT %s::text" % s
    if k < 0.6:
        return "SELECT %s" % finished(agg, s)
    if k < 0.8 and agg.combine:
        return "SELECT %s" % finished(agg, "%s(%s, %s)" % (agg.combine, s, state_expr(r, images, typ)))
    one = r.choice(CAT.aggregates_of(typ))
    args = [role_arg(r, role, t, "const") for role, t in zip(roles_of(one), one.args)]
    return "SELECT %s" % finished(agg, "%s(%s, %s)" % (one.transfn, s, ", ".join(args)))


def q_support_agg(r, images):
    """Aggregates of one's own over the support functions (setup_script)."""
    k = r.random()
    merged = [t for t in CAT.state_types if CAT.states[t].combine and CAT.state_columns.get(t)]
    if k < 0.5 and merged:
        # the combine functions as transition functions, over stored states
        over = ""
        if r.random() < 0.4:
            over = " OVER " + window_spec(r, ["reporter % 2", "1"], ["reporter", "reporter DESC"])
        typ = r.choice(merged)
        return "SELECT %s FROM fuzz.states" % finished(
            CAT.states[typ], "fuzz.merged(%s)%s" % (r.choice(CAT.state_columns[typ]), over))
    src, frm = "flows", "fuzz.flows"
    over = ""
    if r.random() < 0.4:
        over = " OVER " + window_spec(r, ["reporter", "partner", "1"], ["id", "period", "v_num"])
    agg = r.choice(CAT.aggregates)
    # an initial state given as text (of the matching kind, or not), or a
    # moving-aggregate form whose "inverse" adds again
    kind = "init_" if r.random() < 0.7 and images.pools.get(agg.stype) else "moving_"
    args = [role_arg(r, role, t, src, exact=True) for role, t in zip(roles_of(agg), agg.args)]
    return "SELECT fuzz.%s%s(%s)%s FROM %s" % (kind, agg.name, ", ".join(args), over, frm)


# --- binary input through COPY ---------------------------------------------

def copy_binary_file(path, images_list):
    with open(path, "wb") as f:
        f.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0))
        for img in images_list:
            f.write(struct.pack(">h", 1) + struct.pack(">i", len(img)) + img)
        f.write(struct.pack(">h", -1))


# ---------------------------------------------------------------------------
# Sessions and batches
# ---------------------------------------------------------------------------

def session_settings(r):
    s = ["SET statement_timeout = '5s'", "SET TimeZone = '%s'" % r.choice(TIMEZONES)]
    if r.random() < 0.4:
        s += ["SET parallel_setup_cost = 0", "SET parallel_tuple_cost = 0",
              "SET min_parallel_table_scan_size = 0", "SET max_parallel_workers_per_gather = 2"]
        if r.random() < 0.5:
            s.append("SET force_parallel_mode = %s" % r.choice(["on", "regress"]))
    if r.random() < 0.3:
        s.append("SET enable_hashagg = off")
    if r.random() < 0.3:
        s.append("SET work_mem = '64kB'")
    if r.random() < 0.2:
        s.append("SET enable_sort = off")
    if r.random() < 0.2:
        s.append("SET jit = off")
    return s


def q_misc(r, serial):
    """Rescans, windows over aggregates, generic plans, scroll cursors."""
    k = r.random()
    parts, orders = ["reporter", "partner", "1"], ["id", "period", "v_num"]
    if k < 0.3:
        # a window over each reporter in turn: the WindowAgg is rescanned
        call = window_call(r, "flows", ["partner", "1"], orders)
        inner = "SELECT sum(x::numeric) AS total, count(x) AS n FROM (SELECT %s AS x FROM fuzz.flows WHERE reporter = r.n) AS s" % call
        if r.random() < 0.5:
            return "SELECT r.n, l.* FROM generate_series(1, %d) AS r(n), LATERAL (%s) AS l" % (r.randint(1, 21), inner)
        return "SELECT r.n, (SELECT total FROM (%s) AS l) FROM generate_series(1, %d) AS r(n)" % (inner, r.randint(1, 21))
    if k < 0.55:
        # window functions over aggregated rows
        typ = r.choice(CAT.types("value"))
        agg = r.choice(["sum(%s)", "max(%s)", "min(%s)"]) % r.choice(COLUMNS.get(typ, ["v_num::%s" % typ]))
        if typ == "integer" and agg.startswith("sum"):
            agg = "sum(v_int)::bigint"
        calls = [r.choice(["trade_share(%s) OVER w" % agg, "rank_partner(%s) OVER w" % agg,
                           "pct_change(%s) OVER (ORDER BY reporter)" % agg,
                           "pct_change(%s, max(period), %s) OVER w" % (agg, step_expr(r, "none")),
                           "trade_share(%s, bool_or(is_part)) OVER w" % agg,
                           "rank_partner(min(partner), %s, 'P3') OVER w" % agg])
                 for _ in range(r.randint(1, 3))]
        grouping = r.choice(["reporter", "reporter, partner", "ROLLUP (reporter, partner)", "CUBE (reporter)"])
        return "SELECT %s FROM fuzz.flows GROUP BY %s WINDOW w AS %s" % (
            ", ".join(calls), grouping, window_spec(r, ["reporter % 3", "1"], ["reporter"]))
    if k < 0.8:
        # a prepared statement with parameters, as a generic plan
        typ = r.choice(CAT.types("value"))
        ptype = r.choice(CAT.types("period"))
        body = r.choice([
            "SELECT pct_change($1, v_num::%(t)s) FROM fuzz.flows",
            "SELECT pct_change(v_num::%(t)s * $1, period::%(p)s, $2) OVER (PARTITION BY reporter) FROM fuzz.flows",
            "SELECT trade_share($1 + v_big::%(t)s, is_part) FROM fuzz.flows GROUP BY reporter",
            "SELECT rank_partner(partner, $1, 'P3') FROM fuzz.flows GROUP BY reporter",
            "SELECT rank_partner($1) OVER (), trade_share($1) OVER () FROM fuzz.flows"]) % {"t": typ, "p": ptype}
        name = "p%d" % serial
        return ("PREPARE %s(%s, interval) AS %s; SET plan_cache_mode = force_generic_plan; "
                "EXECUTE %s(%s, %s); EXECUTE %s(%s, %s); DEALLOCATE %s; RESET plan_cache_mode") % (
            name, typ, body, name, lit(r, typ), "%s::interval" % r.choice(STEPS), name, lit(r, typ),
            "%s::interval" % r.choice(STEPS), name)
    # a scroll cursor over window functions, read back and forth
    return ("BEGIN; DECLARE c%d SCROLL CURSOR FOR %s; FETCH %d FROM c%d; FETCH BACKWARD %d FROM c%d; "
            "MOVE ABSOLUTE %d IN c%d; FETCH ALL FROM c%d; ROLLBACK") % (
        serial, q_window(r), r.randint(0, 50), serial, r.randint(0, 20), serial, r.randint(-5, 50),
        serial, serial)


def make_query(r, images, serial=0):
    k = r.random()
    if k < 0.10 and CAT.profile_functions:
        return q_profile(r)
    if k < 0.38:
        return q_window(r)
    if k < 0.58:
        return q_aggregate(r)
    if k < 0.66:
        return q_scalar(r)
    if k < 0.82:
        return q_state_io(r, images)
    if k < 0.90:
        return q_support_agg(r, images)
    return q_misc(r, serial)


LOCATION_RE = re.compile(r"^LOCATION:  ([^,]+), ([^:]+):(\d+)")
# an error raised in one of these files is tradeflow's, else PostgreSQL's
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "src")
TRADEFLOW_FILES = {f for f in os.listdir(SRC) if f.endswith(".c")} if os.path.isdir(SRC) else set()
ERROR_RE = re.compile(r"^psql:[^:]*:(\d+): (ERROR|FATAL|PANIC):  ([0-9A-Z]{5}): (.*)$")
LOST_RE = re.compile(r"server closed the connection unexpectedly|connection to server was lost|"
                     r"terminating connection because of crash|could not connect to server|"
                     r"no connection to the server")


def run_script(script, timeout):
    """Runs a psql script; returns (exit code, stderr)."""
    try:
        p = subprocess.run([PSQL, "-X", "-q", "-o", "/dev/null", "-v", "VERBOSITY=verbose",
                            "-v", "ON_ERROR_STOP=0", "-f", script],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        return -1, (e.stderr or b"").decode("utf-8", "replace") + "\nbatch timed out\n"


def wait_for_server(limit=120):
    for _ in range(limit):
        p = subprocess.run([PSQL, "-X", "-Atqc", "SELECT 1"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
        if p.returncode == 0:
            return True
        time.sleep(1)
    return False


def query_fetch(sql):
    p = subprocess.run([PSQL, "-X", "-Atq", "-c", sql], stdout=subprocess.PIPE, check=True)
    return p.stdout.decode().split("\n")


# ---------------------------------------------------------------------------
# The catalog
# ---------------------------------------------------------------------------

# What the arguments of each form mean, by name, kind (f function, w window
# function, a aggregate) and number of arguments; the types come from the
# catalog.
ROLES = {
    ("pct_change", "f", 2): ("value", "value"),
    ("pct_change", "w", 1): ("value",),
    ("pct_change", "w", 3): ("value", "period", "step"),
    ("trade_share", "w", 1): ("value",),
    ("trade_share", "a", 2): ("value", "is_part"),
    ("rank_partner", "w", 1): ("value",),
    ("rank_partner", "a", 3): ("partner", "value", "target"),
    ("trade_profile", "a", 2): ("partner", "value"),
    ("rollup", "a", 1): ("profile",),
}

CATALOG_SQL = """
SELECT p.proname, p.prokind,
       array_to_string(ARRAY(SELECT format_type(t, NULL)
                             FROM unnest(p.proargtypes) WITH ORDINALITY AS u(t, n) ORDER BY n), ','),
       coalesce(a.aggtransfn::regproc::text, ''), coalesce(format_type(a.aggtranstype, NULL), ''),
       coalesce(a.aggcombinefn::regproc::text, ''), coalesce(a.aggfinalfn::regproc::text, '')
FROM pg_proc AS p
     JOIN pg_depend AS d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
         AND d.refclassid = 'pg_extension'::regclass
     JOIN pg_extension AS e ON e.oid = d.refobjid
     LEFT JOIN pg_aggregate AS a ON a.aggfnoid = p.oid
WHERE e.extname = 'tradeflow'
ORDER BY 1, 2, 3
"""

PROFILE_FUNCTIONS_SQL = """
SELECT p.proname, array_to_string(ARRAY(SELECT format_type(t, NULL)
                                        FROM unnest(p.proargtypes) WITH ORDINALITY AS u(t, n) ORDER BY n), ','),
       p.proretset
FROM pg_proc AS p
     JOIN pg_depend AS d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
         AND d.refclassid = 'pg_extension'::regclass
     JOIN pg_extension AS e ON e.oid = d.refobjid
WHERE e.extname = 'tradeflow' AND p.prokind = 'f' AND 'trade_profile'::regtype = ANY (p.proargtypes)
  AND p.proname !~ '^trade_profile_'
ORDER BY 1, 2
"""

STATE_COLUMNS_SQL = """
SELECT format_type(atttypid, NULL), attname FROM pg_attribute
WHERE attrelid = 'fuzz.states'::regclass AND attnum > 0 AND NOT attisdropped
ORDER BY attnum
"""

Aggregate = collections.namedtuple("Aggregate", "name args transfn stype combine final")


class Catalog:
    """tradeflow's functions and aggregates as the server lists them, and
    the columns of fuzz.states by state type."""

    def __init__(self, rows, columns):
        self.forms = collections.defaultdict(list)
        self.aggregates = []
        self.states = {}
        for row in rows:
            name, kind, args, transfn, stype, combine, final = row.split("|")
            args = tuple(args.split(",")) if args else ()
            self.forms[(name, kind, len(args))].append(args)
            if kind == "a":
                agg = Aggregate(name, args, transfn, stype,
                                None if combine in ("", "-") else combine,
                                None if final in ("", "-") else final)
                self.aggregates.append(agg)
                self.states.setdefault(stype, agg)
        self.state_types = sorted(self.states)
        self.state_columns = collections.defaultdict(list)
        for row in columns:
            typ, col = row.split("|")
            if typ in self.states:
                self.state_columns[typ].append(col)
        missing = [form for form in ROLES if form not in self.forms]
        if missing:
            sys.exit("tradeflow is not installed, or lacks %s" % ", ".join("%s (%s, %d)" % f for f in missing))
        names = {form[0] for form in ROLES}
        self.unknown = sorted(form for form in self.forms if form[0] in names and form not in ROLES)

    def overloads(self, form):
        return self.forms[form]

    def types(self, role):
        """Every type an argument of this role takes in some form."""
        return sorted({args[i] for form, roles in ROLES.items() for args in self.forms[form]
                       for i, ro in enumerate(roles) if ro == role and args[i] not in JSON_TEXT_TYPES})

    def aggregates_of(self, stype):
        return [a for a in self.aggregates if a.stype == stype]

    @classmethod
    def load(cls):
        cat = cls([row for row in query_fetch(CATALOG_SQL) if row],
                  [row for row in query_fetch(STATE_COLUMNS_SQL) if row])
        # the functions that take a profile (accessors), as (name, args, returns a set)
        cat.profile_functions = []
        for row in query_fetch(PROFILE_FUNCTIONS_SQL):
            if row:
                name, args, retset = row.split("|")
                cat.profile_functions.append((name, tuple(args.split(",")), retset == "t"))
        return cat


CAT = None


def roles_of(agg):
    """The roles of an aggregate's arguments (a boolean picks the part)."""
    form = (agg.name, "a", len(agg.args))
    if form in ROLES:
        return ROLES[form]
    return tuple("is_part" if t == "boolean" else "value" for t in agg.args)


def recv_table(typ):
    return "fuzz.recv_" + re.sub(r"\W", "_", typ)


def setup_script(r, pools):
    """Aggregates of one's own over the support functions, and the tables
    that receive binary COPY input, for every state type and aggregate of
    the catalog."""
    out = ["SET client_min_messages = warning;",
           "DO $$ DECLARE f regprocedure; BEGIN"
           " FOR f IN SELECT oid FROM pg_proc WHERE pronamespace = 'fuzz'::regnamespace AND prokind = 'a'"
           " AND proname ~ '^(merged|init_|moving_)' LOOP EXECUTE 'DROP AGGREGATE ' || f; END LOOP; END $$;"]
    for typ in CAT.state_types:
        agg = CAT.states[typ]
        if agg.combine:
            # the combine function as a transition function, over stored states
            out.append("CREATE AGGREGATE fuzz.merged(%s) (SFUNC = %s, STYPE = %s, COMBINEFUNC = %s, "
                       "PARALLEL = SAFE);" % (typ, agg.combine, typ, agg.combine))
        out.append("CREATE TABLE IF NOT EXISTS %s (s %s);" % (recv_table(typ), typ))
    for agg in CAT.aggregates:
        args = ", ".join(agg.args)
        final = ", FINALFUNC = %s" % agg.final if agg.final else ""
        if pools.get(agg.stype):
            # an initial state given as text, of the matching kind or not,
            # with or without the final function
            init = r.choice(TEXTS[agg.stype] if agg.stype in JSON_TEXT_TYPES else pools[agg.stype])
            out.append("CREATE AGGREGATE fuzz.init_%s(%s) (SFUNC = %s, STYPE = %s%s, INITCOND = '%s');" % (
                agg.name, args, agg.transfn, agg.stype, final if r.random() < 0.7 else "",
                init.replace("'", "''")))
        # a moving-aggregate form whose "inverse" adds again: wrong sums, never a crash
        out.append("CREATE AGGREGATE fuzz.moving_%s(%s) (SFUNC = %s, STYPE = %s%s, MSFUNC = %s, "
                   "MINVFUNC = %s, MSTYPE = %s%s);" % (
                       agg.name, args, agg.transfn, agg.stype, final, agg.transfn, agg.transfn,
                       agg.stype, ", MFINALFUNC = %s" % agg.final if agg.final else ""))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--queries", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=250)
    ap.add_argument("--out", default=None, help="directory for the queries that crashed or failed internally")
    args = ap.parse_args()

    r = random.Random(args.seed)
    out = args.out or tempfile.mkdtemp(prefix="tradeflow-fuzz-")
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="tradeflow-fuzz-work-")
    os.chmod(work, 0o755)
    try:
        return fuzz(args, r, out, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def fuzz(args, r, out, work):
    """Runs the batches; returns the exit status."""

    global CAT
    CAT = Catalog.load()
    print("forms from the catalog: %s" % ", ".join(
        "%s %s: %d" % (name, {"f": "function", "w": "window", "a": "aggregate"}[kind], len(CAT.forms[(name, kind, n)]))
        for name, kind, n in ROLES), file=sys.stderr)
    print("functions of profiles from the catalog: %s" % ", ".join(
        "%s(%s)" % (name, ", ".join(args)) for name, args, _ in CAT.profile_functions), file=sys.stderr)
    if CAT.unknown:
        print("forms this file gives no roles, not called: %s" % ", ".join(
            "%s (%s, %d arguments)" % f for f in CAT.unknown), file=sys.stderr)

    # the stored states of each type, as text
    pools = {}
    for typ, cols in CAT.state_columns.items():
        pools[typ] = [h for h in query_fetch(
            "SELECT s FROM fuzz.states, LATERAL (VALUES %s) AS v(s) WHERE s IS NOT NULL"
            % ", ".join("(encode(%s_send(%s), 'hex'))" % (typ, c) for c in cols)) if h]
    images = Images(r, pools)
    # the text forms of the stored values whose text form is not their image
    for typ in JSON_TEXT_TYPES:
        TEXTS[typ] = [t for t in query_fetch(
            "SELECT s FROM fuzz.states, LATERAL (VALUES %s) AS v(s) WHERE s IS NOT NULL"
            % ", ".join("(%s::text)" % c for c in CAT.state_columns.get(typ, []))) if t] or ["{}"]
    global IMAGES
    IMAGES = images

    setup = os.path.join(work, "setup.sql")
    with open(setup, "w") as f:
        f.write(setup_script(r, pools))
    rc, err = run_script(setup, 120)
    if rc != 0 or "ERROR" in err:
        print(err)
        sys.exit(2)

    counts = collections.Counter()
    examples = {}
    internal = []
    crashes = []
    errors = []
    nqueries = nerrors = nrecv = 0
    started = time.time()
    batchno = 0

    while nqueries < args.queries:
        batchno += 1
        n = min(args.batch, args.queries - nqueries)
        lines = ["SET application_name = 'tradeflow-fuzz'"] + session_settings(r)
        queries = []
        for i in range(n):
            if r.random() < 0.01:
                # binary output: the send functions
                typ = r.choice(CAT.state_types)
                q = "\\copy (SELECT %s, %s) TO '/dev/null' WITH (FORMAT binary)" % (
                    state_expr(r, images, typ), state_expr(r, images, typ))
            elif r.random() < 0.03:
                # binary input: COPY of a few images, one of which may be bad
                typ = r.choice(CAT.state_types)
                path = os.path.join(work, "recv%d_%d.bin" % (batchno, i))
                copy_binary_file(path, [images.image(typ) for _ in range(r.randint(1, 3))])
                os.chmod(path, 0o644)
                q = "\\copy %s FROM '%s' WITH (FORMAT binary)" % (recv_table(typ), path)
                nrecv += 1
            else:
                q = make_query(r, images, batchno * 100000 + i)
            queries.append(q)
        script = os.path.join(work, "batch.sql")
        linemap = {}
        with open(script, "w") as f:
            lineno = 0
            for s in lines:
                f.write(s + ";\n")
                lineno += 1
            for i, q in enumerate(queries):
                text = q if q.startswith("\\") else "/* q%d.%d */ %s;" % (batchno, i, q)
                f.write(text + "\n")
                lineno += 1
                linemap[lineno] = i
            f.write("TRUNCATE %s;\n" % ", ".join(recv_table(t) for t in CAT.state_types))
        rc, err = run_script(script, 600)
        nqueries += n
        current = None
        for line in err.split("\n") + [""]:
            m = ERROR_RE.match(line)
            loc = LOCATION_RE.match(line)
            if loc and current is not None:
                current[3] = loc.group(2)
                current[4] = "%s, %s" % (loc.group(1), loc.group(2))
                continue
            if not m:
                continue
            if current is not None:
                errors.append(tuple(current))
            q = queries[linemap.get(int(m.group(1)), 0)]
            current = [m.group(3), m.group(2), m.group(4), "", "", q]
        if current is not None:
            errors.append(tuple(current))
        for code, level, msg, cfile, where, q in errors[nerrors:]:
            origin = "tradeflow" if cfile in TRADEFLOW_FILES else "postgres"
            counts[(code, origin)] += 1
            examples.setdefault((code, origin), (msg, where, q))
            if code.startswith("XX") or level != "ERROR":
                internal.append((code, "%s (%s)" % (msg, where), q))
        nerrors = len(errors)
        if rc not in (0, 1) or LOST_RE.search(err):
            # find the query that lost the connection: run them one by one
            wait_for_server()
            culprit = None
            for q in queries:
                one = os.path.join(work, "one.sql")
                with open(one, "w") as f:
                    f.write(";\n".join(lines) + ";\n" + (q if q.startswith("\\") else q + ";") + "\n")
                orc, oerr = run_script(one, 120)
                if orc not in (0, 1) or LOST_RE.search(oerr):
                    culprit = q
                    wait_for_server()
                    break
            crashes.append((culprit, err[-2000:]))
            path = os.path.join(out, "crash%d.sql" % len(crashes))
            with open(path, "w") as f:
                f.write(";\n".join(lines) + ";\n" + (culprit or "-- not reproduced one by one") + ";\n")
        print("  %d queries, %d errors, %d crashes, %d internal errors (%.0fs)"
              % (nqueries, nerrors, len(crashes), len(internal), time.time() - started),
              file=sys.stderr, flush=True)

    for i, (code, msg, q) in enumerate(internal):
        with open(os.path.join(out, "internal%d.sql" % (i + 1)), "w") as f:
            f.write("-- %s: %s\n%s;\n" % (code, msg, q))

    print("focused queries run: %d (%d of them binary COPY input of state images)" % (nqueries, nrecv))
    print("focused queries that failed with an error: %d" % nerrors)
    print("focused errors by SQLSTATE (raised by tradeflow's code or by PostgreSQL's):")
    for (code, origin), c in sorted(counts.items(), key=lambda kv: -kv[1]):
        print("  %s %-9s %6d  %s" % (code, origin, c, examples[(code, origin)][0][:100]))
    with open(os.path.join(out, "errors.txt"), "w") as f:
        for (code, origin), (msg, where, q) in sorted(examples.items()):
            f.write("%s %s %s\n  %s\n  at %s\n  %s\n\n" % (code, origin, counts[(code, origin)], msg, where, q))
    print("focused server crashes (connection lost): %d" % len(crashes))
    for culprit, _ in crashes:
        print("  crash: %s" % (culprit or "(not reproduced one by one)")[:300])
    print("focused internal errors (SQLSTATE XX...): %d" % len(internal))
    for code, msg, q in internal[:20]:
        print("  %s %s\n    %s" % (code, msg[:150], q[:300]))
    if crashes or internal:
        print("reproducers: %s" % out)
    return 1 if crashes or internal else 0


if __name__ == "__main__":
    sys.exit(main())
