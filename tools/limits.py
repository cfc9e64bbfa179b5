#!/usr/bin/env python3
"""tools/limits.py: cancellation latency and peak memory of tradeflow's
window functions and aggregates over one large partition.

Usage: limits.py [--tables T1,T2] [--cancel-table T] [--fractions F,...]
                 [--timeouts S,...] [--only NAME,...]

Run by tools/limits.sh, against the server the PG* environment variables
name, as a user who may read the backends' /proc entries (root or the
server's owner).  Each measurement runs in a new session, so the backend's
peak memory belongs to that query alone:

  memory   each query runs to the end; /proc/<backend>/status is sampled
           every 10 ms (RssAnon: the backend's private memory, without the
           shared buffers it touches) and VmHWM read after it.
  cancel   each query runs with statement_timeout set to fixed values
           (--timeouts), to fractions of its full run time (--fractions)
           and, for the functions that read their partition into memory,
           to just after the backend stopped both reading and growing
           (where they sort it; /proc/<backend>/io and status, sampled),
           so the timeout falls in each phase: reading the partition,
           sorting, the per-row calls.  The latency is the time from the
           timeout to the error reaching the client, in wall-clock seconds
           and in CPU seconds the backend spent after the timeout (the
           latter does not depend on how busy the machine is).
Standard library only.
"""

import argparse
import os
import select
import subprocess
import sys
import time

PSQL = os.environ.get("TF_PSQL", "psql")
TICK = os.sysconf("SC_CLK_TCK")

QUERIES = [
    ("pct_change previous row",
     "SELECT sum(x) FROM (SELECT pct_change(value) OVER (ORDER BY id) AS x FROM {t}) AS s"),
    ("pct_change calendar-aware",
     "SELECT sum(x) FROM (SELECT pct_change(value, period, '1 day') OVER () AS x FROM {t}) AS s"),
    ("trade_share window",
     "SELECT sum(x) FROM (SELECT trade_share(value) OVER () AS x FROM {t}) AS s"),
    ("trade_share aggregate",
     "SELECT trade_share(value, partner = 'P7') FROM {t}"),
    ("rank_partner window",
     "SELECT sum(x) FROM (SELECT rank_partner(value) OVER () AS x FROM {t}) AS s"),
    ("rank_partner aggregate",
     "SELECT rank_partner(partner, value, 'P7') FROM {t}"),
    # 100000 partners instead of 200: the state grows with the partners
    ("rank_partner aggregate, 100000 partners",
     "SELECT rank_partner((id % 100000)::bigint, value, 7::bigint) FROM {t}"),
    # the same rows in 10 partitions: what a partition holds is freed at its end
    ("rank_partner window, 10 partitions",
     "SELECT sum(x) FROM (SELECT rank_partner(value) OVER (PARTITION BY id % 10) AS x FROM {t}) AS s"),
    ("pct_change calendar, 10 partitions",
     "SELECT sum(x) FROM (SELECT pct_change(value, period, '1 day') OVER (PARTITION BY id % 10) AS x "
     "FROM {t}) AS s"),
    # for comparison: PostgreSQL's own window machinery over the same rows
    ("(core) count(*) OVER ()",
     "SELECT sum(x) FROM (SELECT count(*) OVER () AS x FROM {t}) AS s"),
    ("(core) rank() OVER (ORDER BY value DESC)",
     "SELECT sum(x) FROM (SELECT rank() OVER (ORDER BY value DESC) AS x FROM {t}) AS s"),
]

SESSION = ("SET max_parallel_workers_per_gather = 0; SET jit = off; "
           "SET client_min_messages = warning;")


def proc_status(pid):
    fields = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if v.strip().endswith("kB"):
                    fields[k] = int(v.split()[0])
    except OSError:
        pass
    return fields


def proc_rchar(pid):
    """Bytes the process has read, from files or the page cache."""
    try:
        with open("/proc/%d/io" % pid) as f:
            for line in f:
                if line.startswith("rchar:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def proc_cpu(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) / TICK
    except (OSError, IndexError):
        return None


class Session:
    """A psql session whose backend can be watched while a query runs."""

    def __init__(self):
        self.p = subprocess.Popen([PSQL, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=0"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, bufsize=0)
        self.buf = b""
        self.send(SESSION)
        self.pid = int(self.ask("SELECT pg_backend_pid();")[0])

    def send(self, sql):
        self.p.stdin.write(sql.encode() + b"\n")

    def ask(self, sql, watch=None):
        """Runs sql; returns its output lines.  watch() is called every
        10 ms until the output is complete."""
        marker = "@@done@@"
        if not sql.rstrip().endswith(";"):
            sql += ";"
        self.send(sql + "\n\\echo " + marker)
        out = []
        while True:
            r, _, _ = select.select([self.p.stdout], [], [], 0.01)
            if watch:
                watch()
            if not r:
                continue
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError("psql ended: %s" % self.buf.decode(errors="replace"))
            self.buf += chunk
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                line = line.decode(errors="replace")
                if line == marker:
                    return out
                out.append(line)

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(timeout=30)
        except Exception:
            self.p.kill()


def measure_memory(sql):
    s = Session()
    base = proc_status(s.pid)
    peak = {"anon": base.get("RssAnon", 0)}
    samples = []

    def watch():
        a = proc_status(s.pid).get("RssAnon")
        if a:
            samples.append((time.monotonic() - t0, a, proc_rchar(s.pid)))
        if a and a > peak["anon"]:
            peak["anon"] = a
    t0 = time.monotonic()
    out = s.ask(sql, watch)
    elapsed = time.monotonic() - t0
    after = proc_status(s.pid)
    s.close()
    failed = [line for line in out if "ERROR" in line]
    return {"seconds": elapsed, "anon_mb": (peak["anon"] - base.get("RssAnon", 0)) / 1024.0,
            "hwm_mb": after.get("VmHWM", 0) / 1024.0, "base_hwm_mb": base.get("VmHWM", 0) / 1024.0,
            "error": failed[0] if failed else None,
            "sort": sort_start(samples, base.get("RssAnon", 0))}


def sort_start(samples, base):
    """Returns when the backend first went quiet for 0.3 s, neither reading
    (its tuplestore's temporary files) nor growing, after its memory had
    grown by more than 50 MB: where a window function that has read its
    partition into memory sorts it."""
    for i, (t, anon, rchar) in enumerate(samples):
        if anon - base < 50 * 1024:
            continue
        window = [(a, c) for u, a, c in samples[i:] if u <= t + 0.3]
        if samples[-1][0] >= t + 0.3 and max(a for a, _ in window) - anon < 1024 and \
                max(c for _, c in window) == rchar:
            return t
    return None


def measure_cancel(sql, timeout):
    s = Session()
    s.ask("SET statement_timeout = %d;" % int(timeout * 1000))
    state = {"t0": None, "cpu_at_timeout": None}

    def watch():
        if state["cpu_at_timeout"] is None and time.monotonic() - state["t0"] >= timeout:
            state["cpu_at_timeout"] = proc_cpu(s.pid)
    cpu0 = proc_cpu(s.pid)
    state["t0"] = time.monotonic()
    out = s.ask(sql, watch)
    elapsed = time.monotonic() - state["t0"]
    cpu_end = proc_cpu(s.pid)
    s.close()
    cancelled = any("canceling statement due to statement timeout" in line for line in out)
    cpu_after = None
    if cancelled and state["cpu_at_timeout"] is not None and cpu_end is not None:
        cpu_after = cpu_end - state["cpu_at_timeout"]
    return {"cancelled": cancelled, "seconds": elapsed, "late": elapsed - timeout,
            "cpu_total": (cpu_end - cpu0) if cpu_end is not None and cpu0 is not None else None,
            "cpu_after": cpu_after, "out": out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", default="tf_1m,tf_10m")
    ap.add_argument("--cancel-table", default="tf_10m")
    ap.add_argument("--timeouts", default="1,2")
    ap.add_argument("--fractions", default="0.1,0.3,0.5,0.7,0.9")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    tables = [t for t in args.tables.split(",") if t]
    only = [o for o in args.only.split(",") if o]
    queries = [(n, q) for n, q in QUERIES if not only or any(o in n for o in only)]

    full = {}
    sorts = {}
    print("Peak memory of the backend, one query per session (max_parallel_workers_per_gather = 0, jit off):")
    print("  %-40s %-7s %9s %12s %10s" % ("function", "rows", "time s", "peak anon MB", "VmHWM MB"))
    for name, sql in queries:
        for t in tables:
            m = measure_memory(sql.format(t=t))
            full[(name, t)] = m["seconds"]
            sorts[(name, t)] = m["sort"]
            print("  %-40s %-7s %9.1f %12.1f %10.1f%s" % (
                name, t.replace("tf_", ""), m["seconds"], m["anon_mb"], m["hwm_mb"],
                "  " + m["error"] if m["error"] else ""), flush=True)

    print()
    print("Cancellation (statement_timeout) over %s: latency = time from the timeout to the error" % args.cancel_table)
    print("  %-40s %9s %9s %11s %9s" % ("function", "timeout s", "late s", "CPU after s", "result"))
    worst = {}
    for name, sql in queries:
        if "partitions" in name or "partners" in name:
            continue
        total = full.get((name, args.cancel_table))
        points = [float(x) for x in args.timeouts.split(",") if x]
        if total:
            points += [round(total * float(f), 2) for f in args.fractions.split(",") if f]
        if sorts.get((name, args.cancel_table)) is not None:
            # just after the partition has been read: in the sort
            points += [round(sorts[(name, args.cancel_table)] + d, 2) for d in (0.1, 0.5)]
        for timeout in sorted(set(points)):
            if total and timeout >= total:
                continue
            c = measure_cancel(sql.format(t=args.cancel_table), timeout)
            result = "cancelled" if c["cancelled"] else "finished" if not any("ERROR" in x for x in c["out"]) \
                else "error: " + next(x for x in c["out"] if "ERROR" in x)
            cpu_after = "%.2f" % c["cpu_after"] if c["cpu_after"] is not None else "-"
            print("  %-40s %9.2f %9.2f %11s %9s" % (name, timeout, c["late"], cpu_after, result), flush=True)
            if c["cancelled"]:
                w = worst.setdefault(name, [0.0, 0.0])
                w[0] = max(w[0], c["late"])
                w[1] = max(w[1], c["cpu_after"] or 0.0)
    print()
    print("Worst cancellation latency per function (wall s, backend CPU s after the timeout):")
    for name, _ in queries:
        if name in worst:
            print("  %-40s %6.2f %6.2f" % (name, worst[name][0], worst[name][1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
