"""test/clients.py: tradeflow from Python client code, with psycopg 3 over
the extended protocol (every query here sends its parameters separately),
as users bind steps, targets and periods.  Run by test/clients.sh in a
throw-away cluster (the libpq environment names it); needs a database in
which tradeflow can be created.

Each answer is checked against plain SQL computed in the same connection.
Prints TAP lines ("ok N - ..."); the last line is "N passed, M failed".
"""

import datetime
import sys

import psycopg
from psycopg import errors, sql
from psycopg.adapt import Dumper
from psycopg.pq import Format
from psycopg.types.numeric import Int4, Int8
from psycopg.types.string import StrBinaryDumperVarchar, StrDumperVarchar

passed = 0
failed = 0


def tap(ok, description, diagnostic=None):
    """One TAP line; the diagnostic, if any, as comments when it failed."""
    global passed, failed
    if ok:
        passed += 1
        print(f"ok {passed + failed} - {description}")
    else:
        failed += 1
        print(f"not ok {passed + failed} - {description}")
        if diagnostic is not None:
            for line in str(diagnostic).splitlines():
                print(f"#   {line}")


class Varchar(str):
    """A str that psycopg binds as varchar, as pgJDBC's setString does."""


class Profile(bytes):
    """A trade_profile in its binary form (trade_profile_send)."""


def rows(conn, query, params=None, **kwargs):
    return conn.execute(query, params, **kwargs).fetchall()


def one(conn, query, params=None):
    return conn.execute(query, params).fetchone()[0]


conn = psycopg.connect(autocommit=True)
conn.adapters.register_dumper(Varchar, StrDumperVarchar)
conn.adapters.register_dumper(Varchar, StrBinaryDumperVarchar)
notices = []
# a notice's fields are readable during the handler's call only
conn.add_notice_handler(lambda n: notices.append(
    (n.severity_nonlocalized, n.message_primary, n.message_detail, n.message_hint)))

conn.execute("SET client_min_messages = notice")
conn.execute("CREATE EXTENSION IF NOT EXISTS tradeflow")
conn.execute("""
    CREATE TEMP TABLE monthly AS
    SELECT 'P' || p AS partner, p::bigint AS code,
           (date '2019-01-01' + make_interval(months => m))::date AS period,
           ((p * 31 + m * 17) % 89 + 1) * 10.5 AS value
    FROM generate_series(1, 6) AS p, generate_series(0, 35) AS m
    WHERE (p + m) % 11 <> 0""")
conn.execute("""
    CREATE TEMP TABLE daily AS
    SELECT date '2020-01-01' + d AS period, (d * 13 % 41 + 1)::numeric AS value
    FROM generate_series(0, 90) AS d
    WHERE d % 9 <> 4""")
# monthly periods stored at midnight UTC, as a BI import stores them
conn.execute("""
    CREATE TEMP TABLE stamped AS
    SELECT partner, period::timestamp AT TIME ZONE 'UTC' AS period, value FROM monthly""")

# plain SQL: the change from the row exactly one step before, in SQL text
plain_change = """
    SELECT c.partner, c.period,
           ((c.value - p.value) / p.value)::double precision AS change
    FROM monthly AS c LEFT JOIN monthly AS p
      ON p.partner = c.partner AND p.period = c.period - interval {step}
    ORDER BY 1, 2"""
with_step = """
    SELECT partner, period,
           pct_change(value, period, {step}) OVER (PARTITION BY partner) AS change
    FROM monthly
    ORDER BY 1, 2"""


def close(a, b):
    """Two lists of (..., change) rows agree, changes to 1e-12."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x[:-1] != y[:-1] or (x[-1] is None) != (y[-1] is None):
            return False
        if x[-1] is not None and abs(x[-1] - y[-1]) > 1e-12 * max(1, abs(y[-1])):
            return False
    return True


def step_query(placeholder):
    return sql.SQL(with_step.format(step=placeholder))


truth = rows(conn, plain_change.format(step="'1 month'"))
tap(sum(r[2] is not None for r in truth) > 100, "the monthly data has month-on-month changes to find")

# 1. steps as strings: unknown (%s), text (%b), varchar in text and binary
for label, placeholder, value in [
        ("a str bound with %s", "%s", "1 month"),
        ("a str bound with %b (binary text)", "%b", "1 month"),
        ("a str bound as varchar (JDBC setString)", "%t", Varchar("1 month")),
        ("a str bound as binary varchar", "%b", Varchar("1 month"))]:
    try:
        got = rows(conn, step_query(placeholder), (value,))
        tap(close(got, truth), f"pct_change step as {label} gives the plain-SQL changes")
    except psycopg.Error as e:
        tap(False, f"pct_change step as {label} gives the plain-SQL changes", e)

# 2. a timedelta of 30 days on monthly data: NULL but after 30-day months,
# and a NOTICE with the step to write
notices.clear()
got = rows(conn, step_query("%s"), (datetime.timedelta(days=30),))
days_30 = rows(conn, plain_change.format(step="'30 days'"))
tap(close(got, days_30) and sum(r[2] is None for r in got) > 2 * sum(r[2] is not None for r in got),
    "a timedelta(days=30) step on monthly periods gives the plain-SQL '30 days' changes: mostly NULL")
tap(len(notices) == 1 and notices[0][0] == "NOTICE"
    and "does not fit" in (notices[0][1] or "")
    and "write the step '1 month'" in (notices[0][3] or ""),
    "... and one NOTICE, reaching the psycopg notice handler, whose hint writes '1 month'",
    notices)

notices.clear()
daily_truth = rows(conn, """
    SELECT c.period, ((c.value - p.value) / p.value)::double precision
    FROM daily AS c LEFT JOIN daily AS p ON p.period = c.period - 1
    ORDER BY 1""")
got = rows(conn, "SELECT period, pct_change(value, period, %s) OVER () FROM daily ORDER BY 1",
           (datetime.timedelta(days=1),))
tap(close(got, daily_truth) and sum(r[1] is not None for r in got) > 50,
    "a timedelta(days=1) step on daily periods gives the plain-SQL changes")
tap(notices == [], "... and no NOTICE", notices)

# 3. targets: varchar for text partners, an int for bigint partners
rank_truth = rows(conn, """
    SELECT period, (SELECT count(*) + 1 FROM monthly AS o
                    WHERE o.period = t.period AND o.value > t.value)
    FROM monthly AS t WHERE partner = 'P3' ORDER BY 1""")
for label, query, target in [
        ("a varchar target for text partners",
         "SELECT period, rank_partner(partner, value, %t) FROM monthly GROUP BY 1"
         " HAVING bool_or(partner = 'P3') ORDER BY 1", Varchar("P3")),
        ("an int target for bigint partners",
         "SELECT period, rank_partner(code, value, %s) FROM monthly GROUP BY 1"
         " HAVING bool_or(code = 3) ORDER BY 1", Int4(3)),
        ("a bigint target for bigint partners, in binary",
         "SELECT period, rank_partner(code, value, %b) FROM monthly GROUP BY 1"
         " HAVING bool_or(code = 3) ORDER BY 1", Int8(3))]:
    try:
        got = rows(conn, query, (target,))
        tap(got == rank_truth, f"rank_partner with {label} gives the plain-SQL ranks",
            got[:3])
    except psycopg.Error as e:
        tap(False, f"rank_partner with {label} gives the plain-SQL ranks", e)

# 4. timestamptz periods with a time_zone argument: the session's TimeZone
# does not matter; without it, it does
zoned = sql.SQL("""
    SELECT partner, period,
           pct_change(value, period, %s, 'UTC') OVER (PARTITION BY partner) AS change
    FROM stamped ORDER BY 1, 2""")
session = sql.SQL("""
    SELECT count(change) FROM (
        SELECT pct_change(value, period, %s) OVER (PARTITION BY partner) AS change
        FROM stamped) AS s""")
answers = {}
for zone in ("UTC", "America/New_York", "Asia/Tokyo"):
    conn.execute(sql.SQL("SET TimeZone = {}").format(sql.Literal(zone)))
    answers[zone] = ([(p, t.astimezone(datetime.timezone.utc), c)
                      for p, t, c in rows(conn, zoned, ("1 month",))],
                     one(conn, session, ("1 month",)))
conn.execute("SET TimeZone = 'UTC'")
utc = [(p, datetime.datetime.combine(d, datetime.time(), datetime.timezone.utc), c)
       for p, d, c in truth]
tap(all(close(a[0], utc) for a in answers.values()),
    "pct_change(value, timestamptz, step, 'UTC') gives the plain-SQL changes under "
    "TimeZone UTC, America/New_York and Asia/Tokyo")
tap(answers["America/New_York"][1] < answers["UTC"][1],
    "... where the form without time_zone loses changes under America/New_York",
    {z: a[1] for z, a in answers.items()})

# 5. prepared statements: the generic plan (after 5 executions) answers the same
conn.execute("DEALLOCATE ALL")
query = step_query("%s")
results = [rows(conn, query, ("1 month",), prepare=True) for _ in range(8)]
generic = one(conn, """
    SELECT coalesce(max(generic_plans), 0) FROM pg_prepared_statements
    WHERE statement LIKE '%pct_change(value, period, $1)%'""")
tap(generic > 0 and all(close(r, truth) for r in results),
    "a prepared pct_change executed 8 times, on its generic plan too, gives the plain-SQL changes",
    f"generic plans: {generic}")
results = [rows(conn, "SELECT period, rank_partner(partner, value, %s) FROM monthly GROUP BY 1"
                      " HAVING bool_or(partner = 'P3') ORDER BY 1", (Varchar("P3"),), prepare=True)
           for _ in range(8)]
tap(all(r == rank_truth for r in results),
    "a prepared rank_partner with a varchar target executed 8 times gives the plain-SQL ranks")

# 6. binary results: numeric, and trade_profile through its send/recv
conn.execute("""
    CREATE TEMP TABLE profiles AS
    SELECT period, trade_profile(partner, value) AS profile FROM monthly GROUP BY period""")
profile_oid = one(conn, "SELECT 'trade_profile'::regtype::oid")


class ProfileBinaryDumper(Dumper):
    format = Format.BINARY
    oid = profile_oid

    def dump(self, obj):
        return bytes(obj)


conn.adapters.register_dumper(Profile, ProfileBinaryDumper)
text_rows = rows(conn, "SELECT period, total(profile), profile::text FROM profiles ORDER BY 1")
binary_rows = rows(conn, "SELECT period, total(profile), profile FROM profiles ORDER BY 1", binary=True)
sent = rows(conn, "SELECT trade_profile_send(profile) FROM profiles ORDER BY period")
tap([r[:2] for r in binary_rows] == [r[:2] for r in text_rows],
    "numeric totals read in binary equal the same totals read as text")
tap([bytes(r[2]) for r in binary_rows] == [bytes(s[0]) for s in sent],
    "a trade_profile column read in binary is its trade_profile_send image")
back = rows(conn, "SELECT (%b)::text", (Profile(binary_rows[0][2]),))
tap(back[0][0] == text_rows[0][2],
    "a trade_profile sent back as a binary parameter (trade_profile_recv) reads as the same profile")
tap(one(conn, "SELECT count(*) FROM profiles WHERE profile = %b AND period = %s",
        (Profile(binary_rows[5][2]), binary_rows[5][0])) == 1,
    "... and equals the stored one (=)")

# 7. COPY of profiles in binary, out and back in
with conn.cursor() as cur:
    with cur.copy("COPY profiles (period, profile) TO STDOUT (FORMAT binary)") as copy:
        image = b"".join(bytes(block) for block in copy)
conn.execute("CREATE TEMP TABLE copied (LIKE profiles)")
with conn.cursor() as cur:
    with cur.copy("COPY copied (period, profile) FROM STDIN (FORMAT binary)") as copy:
        copy.write(image)
tap(one(conn, """
    SELECT count(*) = (SELECT count(*) FROM profiles)
           AND NOT EXISTS ((SELECT * FROM profiles EXCEPT ALL SELECT * FROM copied)
                           UNION ALL (SELECT * FROM copied EXCEPT ALL SELECT * FROM profiles))
    FROM copied"""),
    "binary COPY of a profile table out and back in keeps every profile")
tap(one(conn, """
    SELECT bool_and(total(c.profile) = s.total AND hhi(c.profile) IS NOT NULL)
    FROM copied AS c JOIN (SELECT period, sum(value) AS total FROM monthly GROUP BY 1) AS s USING (period)"""),
    "... and the copied profiles' totals are the plain-SQL sums")

# 8. errors arrive as psycopg exceptions with their SQLSTATE
for label, query, params, expected in [
        ("a step '1 fortnight' bound as str", step_query("%s"), ("1 fortnight",),
         errors.InvalidDatetimeFormat),
        ("a step '1 fortnight' bound as varchar", step_query("%t"), (Varchar("1 fortnight"),),
         errors.InvalidDatetimeFormat),
        ("a negative timedelta step", step_query("%s"), (datetime.timedelta(days=-30),),
         errors.InvalidParameterValue),
        ("duplicate periods in a partition",
         "SELECT pct_change(value, period, %s) OVER () FROM monthly", ("1 month",),
         errors.CardinalityViolation)]:
    try:
        conn.execute(query, params).fetchall()
        tap(False, f"{label} raises {expected.__name__} ({expected.sqlstate})", "no error")
    except psycopg.Error as e:
        tap(type(e) is expected and e.sqlstate == expected.sqlstate,
            f"{label} raises {expected.__name__} ({expected.sqlstate})",
            f"{type(e).__name__} {e.sqlstate}: {e}")
tap(one(conn, "SELECT 1") == 1, "the connection is usable after the errors")

conn.close()
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
