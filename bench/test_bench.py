#!/usr/bin/env python3
"""test_bench.py: the test-bench group. Checks the harness's parsing and report on canned
output (bench/testdata/: Linux console logs as the guest printed them, host and ringzero CSV
lines), and that every benchmark program and case is registered in bench.mk, init.c and the
harness, without booting anything or timing anything: takes well under a second.

    test_bench.py --results FILE      writes PASS/FAIL lines (tests/summary.sh's format)
"""
import argparse
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import bench_harness as bh  # noqa: E402

DATA = os.path.join(HERE, "testdata")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    a = ap.parse_args()
    lines = []

    def check(name, ok, why=""):
        line = "PASS bench-%s" % name if ok else "FAIL bench-%s: %s" % (name, why)
        lines.append(line)
        print(line, flush=True)

    # 1. The CSV line format of contract 5.
    good = "null,ring0,icount,20000,12.50,12.5"
    check("csv-line", len(bh.parse_csv_lines(good)) == 1, good)
    bad = ["null,ring0,icount,20000,12.50", "null,user,icount,1,1.0,1.0", "null,ring0,qemu,1,1.0,1.0",
           "x" + good[1:] + ",extra"]
    check("csv-reject", all(not bh.parse_csv_lines(b) for b in bad), "a malformed line was accepted")
    crlf = "[    0.1] noise\r\n" + good + "\r\n"
    check("csv-crlf", len(bh.parse_csv_lines(crlf)) == 1, "CRLF console line not parsed")

    # 1b. A case with no sockets on the system (bench/sock.h) is "not available", not a result,
    # not a failure note.
    na = "# unavailable lat_tcp: socket(AF_INET, SOCK_STREAM): Function not implemented"
    check("unavailable-line", bh.parse_unavailable("x\r\n" + na + "\r\n") ==
          [("lat_tcp", "socket(AF_INET, SOCK_STREAM): Function not implemented")] and not bh.parse_csv_lines(na),
          bh.parse_unavailable(na))
    console = ("=== RZBENCH CSV BEGIN ===\n# info prog=lat_sock cpl=3 at_sysinfo=no\n" + good + "\n" + na +
               "\n=== RZBENCH CSV END ===\n=== RZBENCH INFO BEGIN ===\n=== RZBENCH INFO END ===\n")
    pc = bh.parse_linux_console(console)
    summary = bh.unavailable_summary([], {("linux", "tcg"): {"parsed": pc}},
                                     {("ring0", "tcg"): {"notes": bh.unavailable_notes("ring0 tcg", na)}})
    check("unavailable-console", len(pc["rows"]) == 1 and pc["notes"] == [] and
          [c for c, _ in pc["unavailable"]] == ["lat_tcp"] and len(summary) == 2 and
          all("lat_tcp not available (socket(AF_INET" in l for l in summary), (pc, summary))

    # 2. A Linux console log (CRLF line ends, kernel messages around init's output).
    log = open(os.path.join(DATA, "linux-icount.log"), newline="").read()
    p = bh.parse_linux_console(log)
    check("console-rows", len(p["rows"]) == 21, "%d rows" % len(p["rows"]))
    check("console-complete", p["complete"], "INFO block not found")
    check("console-boot", p["boot_ns"] and p["boot_ns"] > 0, p["boot_ns"])
    check("console-uname", p["uname"] and p["uname"].startswith("Linux 6.1"), p["uname"])
    check("console-vuln", any(v.startswith("spectre_v2:") for v in p["vuln"]), p["vuln"][:3])
    check("console-mem", p["mem"] and int(p["mem"]["total_kib"]) > 0, p["mem"])
    trunc = log[:log.index("=== RZBENCH CSV END ===")]
    pt = bh.parse_linux_console(trunc)
    check("console-truncated", not pt["complete"] and pt["rows"] == [],
          "a log cut short must give no rows and be marked incomplete")

    # 3. Every program is registered everywhere: bench.mk's BENCH_PROGS, init.c's list (the
    # Linux guest) and the harness's PROGRAMS, in the same order; every case a program
    # names in its bench_init() usage string has a line in CASES.
    mk = open(os.path.join(HERE, "bench.mk")).read()
    m = re.search(r"^BENCH_PROGS\s*:=(.*)$", mk, re.M)
    mk_progs = m.group(1).split() if m else []
    init = open(os.path.join(HERE, "init.c")).read()
    m = re.search(r"programs\[\]\s*=\s*\{(.*?)\}", init, re.S)
    init_progs = re.findall(r'"(\w+)"', m.group(1)) if m else []
    check("registry-programs", mk_progs == bh.PROGRAMS == init_progs,
          "bench.mk %s, init.c %s, harness %s" % (mk_progs, init_progs, bh.PROGRAMS))
    unknown = []
    for prog in bh.PROGRAMS:
        src = open(os.path.join(HERE, prog + ".c")).read()
        m = re.search(r'bench_init\(argc, argv, "([^"]*)"\)', src)
        unknown += ["%s:%s" % (prog, c) for c in (m.group(1).split() if m else ["(no bench_init)"])
                    if c not in bh.CASE_NAMES]
    check("registry-cases", not unknown, "cases missing from CASES: %s" % unknown)

    # 4. The whole report from canned logs.
    out = tempfile.mkdtemp(prefix="bench-test-")
    try:
        build = os.path.join(out, "build")
        res = os.path.join(out, "results")
        import io
        import contextlib
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            st = bh.main(["--canned", DATA, "--build", build, "--results", res,
                          "--engines", "tcg,icount", "--kernel", ""])
        check("report-status", st == 0, "exit status %s" % st)
        csv = open(os.path.join(res, "latency.csv")).read().split("\n")
        check("report-csv-header", csv[0] == bh.HEADER, csv[0])
        rows = bh.parse_csv_lines("\n".join(csv))
        modes = {r["mode"] for r in rows}
        check("report-csv-modes", modes == {"ring0", "ring3", "linux", "linux-nomitig", "host"}, modes)
        readme = open(os.path.join(res, "README.md")).read()
        check("report-readme-tables", "## TCG time (`tcg`)" in readme and
              "## TCG instruction counts (`icount`)" in readme, "missing a table")
        # ringzero-icount.log: ring0 null 20 instructions, ring3 null 140, floor 7:
        # ring3/ring0 = 7.00x, ring0/floor = 2.86x.
        nullrow = [l for l in readme.split("\n") if l.startswith("| null |")]
        nullrow = nullrow[:2]
        check("report-ratios", len(nullrow) == 2 and "| 7.00× |" in nullrow[1] and "| 2.86× |" in nullrow[1],
              nullrow)
        missing = [l for l in readme.split("\n") if l.startswith("| floor |")]
        check("report-empty-cells", missing and "| — |" in missing[0], missing)
        machine = open(os.path.join(res, "machine.txt")).read()
        check("report-machine", "vulnerabilities/spectre_v2" in machine and "engines run: tcg, icount" in machine
              and "qemu:" in machine, "machine.txt incomplete")
        if shutil.which("gnuplot"):
            svg = os.path.join(res, "latency.svg")
            ok = os.path.exists(svg) and "<svg" in open(svg).read(2000)
            check("report-svg", ok, "no latency.svg")
    finally:
        shutil.rmtree(out, ignore_errors=True)

    # 5. Several boots of a Linux guest: per case the median, and the spread.
    def r(case, ticks, ns):
        return {"case": case, "mode": "linux", "engine": "icount", "iterations": 1, "ns": ns, "ticks": ticks}
    merged, spread = bh.merge_boots([[r("fork", 100.0, 10.0), r("null", 332.0, 5.0)],
                                     [r("fork", 107.0, 12.0), r("null", 332.0, 5.0)],
                                     [r("fork", 103.0, 11.0)]])
    check("linux-boots-median", [(m["case"], m["ticks"], m["ns"], m["boots"]) for m in merged] ==
          [("fork", 103.0, 11.0, 3), ("null", 332.0, 5.0, 2)], merged)
    check("linux-boots-spread", abs(spread["fork"][0] - 7.0 / 103.0) < 1e-9 and spread["null"] == (0.0, 0.0), spread)
    text = bh.spread_sentence({"linux_spread": {("linux", "icount"): (3, spread)}})
    same = bh.spread_sentence({"linux_spread": {("linux", "icount"): (3, {"null": (0.0, 0.1)})}})
    check("linux-boots-same", "same in every boot" in same, same)
    check("linux-boots-sentence", "booted 3 times" in text and "fork linux 6.8 %" in text, text)

    # 6. The model (bench_model.py): regions attributed to CSV rows in order (5 per case,
    # 10 for ctx), the median region scaled to the row's per-op ticks, and the cost formula:
    # instructions + events x known figures, unknown figures named, never priced.
    import bench_model as bm
    rows = [{"case": "null", "mode": "ring3", "engine": "icount", "iterations": 10, "ns": 0.0, "ticks": 33.0},
            {"case": "ctx", "mode": "ring3", "engine": "icount", "iterations": 10, "ns": 0.0, "ticks": 5.0},
            {"case": "read", "mode": "ring3", "engine": "icount", "iterations": 10, "ns": 0.0, "ticks": 35.0}]
    reg = "".join("region insns=%d syscall=10 sysret=10 lfence=%d deliveries=0\n" % (330 + i, i) for i in range(5))
    reg += "region insns=1 syscall=0\n" * 10
    reg += "".join("region insns=350 syscall=10 sysret=10 lfence=20 deliveries=0\n" for _ in range(5))
    att = bm.attribute(rows, bm.parse_regions(reg))
    null, ctx, read = att
    check("model-attribute", null[1] and abs(null[1]["insns"] - 33.0) < 1e-9 and abs(null[1]["syscall"] - 1.0) < 0.01
          and ctx[1] is None and read[1] and abs(read[1]["lfence"] - 2.0) < 1e-9, att)
    costs = {e: (None, "") for e in bm.EVENTS}
    costs["lfence"] = (3.0, "test")
    cyc, unknown = bm.model_cycles(read[1], costs)
    check("model-formula", abs(cyc - (35.0 + 2 * 3.0)) < 1e-9 and unknown == ["syscall", "sysret"], (cyc, unknown))
    short = bm.attribute(rows[:1], bm.parse_regions("\n".join(reg.split("\n")[:3])))
    check("model-short", short[0][1] is None, "a case with too few regions must not be modelled")
    # A pair row (a figure published only for a round trip) is charged once per pair, less
    # the 1 cycle per instruction already charged; what is left of a count is priced alone.
    costs[bm.PAIRS] = [("syscall", "sysret", 99.0, "test")]
    cyc, unknown = bm.model_cycles({"insns": 33.0, "syscall": 1.0, "sysret": 1.0}, costs)
    check("model-pair", abs(cyc - (33.0 + 97.0)) < 1e-9 and unknown == [], (cyc, unknown))
    cyc, unknown = bm.model_cycles({"insns": 40.0, "syscall": 2.0, "sysret": 1.0}, costs)
    check("model-pair-left", abs(cyc - (40.0 + 97.0)) < 1e-9 and unknown == ["syscall"], (cyc, unknown))
    cpus = bm.cost_cpus(os.path.join(HERE, "model-costs.csv"))
    check("model-costs-cpus", "zen3" in cpus and bm.DEFAULT_CPU in cpus, cpus)
    for cpu in cpus:
        try:
            table = bm.read_costs(os.path.join(HERE, "model-costs.csv"), cpu)
            ok = all(v[1].strip() for k, v in table.items() if k != bm.PAIRS) and \
                all(src.strip() for _, _, _, src in table[bm.PAIRS])
            why = "a row without a source"
        except SystemExit as e:
            ok, why = False, str(e)
        check("model-costs-" + cpu, ok, why)

    d = os.path.dirname(a.results)
    if d:
        os.makedirs(d, exist_ok=True)
    with open(a.results, "w") as f:
        f.write("\n".join(lines) + "\n")
    return 1 if any(l.startswith("FAIL") for l in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
