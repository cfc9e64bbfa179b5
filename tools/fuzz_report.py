#!/usr/bin/env python3
"""tools/fuzz_report.py: the summary of a sqlsmith run for tools/fuzz.sh.

Usage: fuzz_report.py QUERIES PROGRESS SERVER_LOG

QUERIES is what sqlsmith --dump-all-queries wrote (queries separated by
lines holding ";"), PROGRESS its progress characters (one per query: "."
ran, "e" error, "t" timeout, "s" syntax error, "c" connection lost; this
sqlsmith reports timeouts as errors), and
SERVER_LOG the server log, written with log_line_prefix '%m [%p] %q%u@%d %e: '
and log_min_error_statement = error.  Prints the counts; exits 1 if a query
that calls tradeflow raised an internal error (SQLSTATE XX...).
"""

import collections
import re
import sys

CALLS = re.compile(r"\b(pct_change|trade_share_transfn|trade_share_combine|trade_share_final|"
                   r"trade_share_state_\w+|trade_share|rank_partner_transfn|rank_partner_combine|"
                   r"rank_partner_final|rank_partner|partner_totals_\w+)\s*\(")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \S+ \[(\d+)\] (\S*)@(\S*) ([0-9A-Z]{5}): "
                    r"(ERROR|FATAL|PANIC|STATEMENT|LOG|WARNING|DETAIL|HINT|CONTEXT):  (.*)$")


def log_errors(path, user):
    """Returns (sqlstate, level, message, statement) of each error of user."""
    errors = []
    current = None
    last_pid_error = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = RECORD.match(line)
            if not m:
                if current is not None and not TIMESTAMP.match(line):
                    current[1].append(line)
                else:
                    current = None
                continue
            pid, u, code, level, text = m.group(2), m.group(3), m.group(5), m.group(6), m.group(7)
            current = None
            if u != user:
                continue
            if level in ("ERROR", "FATAL", "PANIC"):
                e = [code, level, text, []]
                errors.append(e)
                last_pid_error[pid] = e
            elif level == "STATEMENT" and pid in last_pid_error:
                current = ("STATEMENT", last_pid_error.pop(pid)[3])
                current[1].append(text)
    return [(c, l, t, "\n".join(s)) for c, l, t, s in errors]


def main():
    queries_path, progress_path, log_path = sys.argv[1:4]
    text = open(queries_path, encoding="utf-8", errors="replace").read()
    queries = [q for q in re.split(r";\n", text) if q.strip()]
    progress = "".join(open(progress_path).read().split())
    outcome = collections.Counter(progress)

    print("queries run: %d (without an error %d, with an error %d, connections lost %d)"
          % (len(queries), outcome["."], outcome["e"] + outcome["t"] + outcome["s"] + outcome["S"],
             outcome["c"] + outcome["C"]))

    hit = ok = 0
    names = collections.Counter()
    for i, q in enumerate(queries):
        found = set(m.group(1) for m in CALLS.finditer(q))
        if not found:
            continue
        hit += 1
        if i < len(progress) and progress[i] == ".":
            ok += 1
        names.update(found)
    print("queries that call a tradeflow function: %d (of which ran without an error: %d)" % (hit, ok))
    for name, c in names.most_common():
        print("  %-26s %6d" % (name, c))

    errors = log_errors(log_path, "fuzz")
    by_code = collections.Counter(c for c, _, _, _ in errors)
    example = {}
    for c, _, t, _ in errors:
        example.setdefault(c, t)
    print("errors by SQLSTATE, from the server log (%d errors, %d kinds; the 15 most frequent):"
          % (len(errors), len(by_code)))
    for c, n in by_code.most_common(15):
        print("  %s %6d  %s" % (c, n, example[c][:90]))

    ours = [(c, t) for c, _, t, s in errors if CALLS.search(s)]
    ours_by_code = collections.Counter(c for c, _ in ours)
    ours_example = {}
    for c, t in ours:
        ours_example.setdefault(c, t)
    print("errors of queries that call tradeflow, by SQLSTATE (%d errors):" % len(ours))
    for c, n in ours_by_code.most_common():
        print("  %s %6d  %s" % (c, n, ours_example[c][:90]))

    internal = [(c, t, s) for c, l, t, s in errors if c.startswith("XX") or l != "ERROR"]
    internal_ours = [(c, t, s) for c, t, s in internal if CALLS.search(s)]
    print("internal errors (SQLSTATE XX...): %d, of which in queries that call tradeflow: %d"
          % (len(internal), len(internal_ours)))
    for c, t, _ in internal[:5]:
        print("  %s %s" % (c, t[:120]))
    for c, t, s in internal_ours[:5]:
        print("  tradeflow query: %s %s\n    %s" % (c, t[:120], s[:400].replace("\n", " ")))
    return 1 if internal_ours else 0


if __name__ == "__main__":
    sys.exit(main())
