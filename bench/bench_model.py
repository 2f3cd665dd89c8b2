#!/usr/bin/env python3
"""bench_model.py: the transition breakdown and the `model` engine (issue 12 item 1).

Runs benchmark programs (default: lat_syscall) under TCG with -icount shift=0,sleep=off and
the transition plugin (bench/plugin/transitions.c) loaded, in the modes ring0 and ring3
(ringzero, kexec/exec at its shell) and linux, linux-nomitig (Debian's kernel with
bench/init.c, rzcases=PROGRAMS), and writes

  RESULTS/events.csv  per case and mode, per operation: instructions and every event the
                      plugin counts (syscall sysret iret swapgs wrmsr rdmsr movcr3 cli sti
                      popf lfence mfence stac clac deliveries), and the model's cycles for
                      every CPU column of the cost table with the unknown events it contains
  RESULTS/model.txt   the validation: the model's Linux null and raw calls against the
                      published KVM-guest no-op system call (605 cycles default mitigations,
                      142 without; Unikraft's EuroSys'21 artifacts, see PUBLISHED), and
                      the Linux counts priced for each case the host measured against the
                      host's cycles (latency.csv's host rows); errors in %
  RESULTS/model.csv   contract 5 rows with engine `model`: ticks_per_op is the MODEL's
                      estimated cycles per operation for one CPU column (--cpu, default
                      intel: the column with the syscall+sysret round trip); ns_per_op is
                      0.00 (the model has no time): case,mode,model,iterations,0.00,CYCLES
  RESULTS/latency.csv the same `model` rows, replacing earlier ones (beside tcg, icount)
  RESULTS/README.md   a section "Estimated cycles (`model`)" between marker comments,
                      replaced on every run: per CPU column, ring0 / ring3 / linux /
                      linux-nomitig / host (measured), ratios, and the validation table

THIS IS A MODEL, not a measurement: estimated cycles = instructions x 1 + sum over events of
count x (figure from bench/model-costs.csv). An event whose figure the table marks
"unknown" is charged only its 1 cycle as an instruction, so the figure is then a lower
bound; events.csv names the unknown events each figure contains. A figure published only
for a round trip of two events (a pair row, e.g. syscall+sysret) is charged once per pair;
model_cycles() says exactly how. docs/model.md describes the engine and its assumptions.

With --from-events RESULTS/events.csv nothing runs: the counts are read back and the model
is recomputed from the cost table (make bench-model-table; seconds).

How a region becomes a case: bench/bench.h marks every timed run (REPS = 5 per case;
lat_ctx's case has two medians, so 10) with the plugin's markers, and the plugin writes one
line per region, in order. The k-th CSV line a program prints owns the next 5 (10) region
lines. Of those, the region with the median instruction count is used. Per operation: the
program's own per-op divisor (iterations, and the case's per/mult factors) is recovered
from its icount row, since under icount the timed run's ticks are its instructions:
factor = ticks_per_op / region_instructions; every count of the region is multiplied by
it. ctx (a difference of two medians) is left out.

Usage: bench_model.py --plugin SO --kernel ELF --rz-initrd CPIO --vmlinuz BZIMAGE
                      --linux-initrd CPIO [--results DIR] [--scale S] [--programs a,b]
                      [--modes ring0,ring3,linux,linux-nomitig] [--cpu intel]
                      [--linux-append PARAMS]
       bench_model.py --from-events results/events.csv [--results DIR] [--cpu intel]
"""
import argparse
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_harness as bh  # noqa: E402

EVENTS = ["syscall", "sysret", "iret", "swapgs", "wrmsr", "rdmsr", "movcr3", "cli", "sti",
          "popf", "lfence", "mfence", "stac", "clac", "deliveries"]
REGION_RE = re.compile(r"^region (.*)$", re.M)
REPS = 5
PAIRS = "+pairs"
# Published figures the model is validated against (issue 12 quotes them): Kuenzer et al.,
# "Unikraft: Fast, Specialized Unikernels the Easy Way" (EuroSys 2021), Table 1, from its
# artifacts (github.com/unikraft/eurosys21-artifacts, experiments/tab_01_bincompat-syscalls,
# results/table.txt, medians in TSC cycles): a no-op system call (number 500, added to Linux
# 5.11, called by an inline `syscall` in a loop) in a KVM guest, 605 with default
# mitigations and 142 with mitigations=off, and a call of a noinline function, 6. The closest
# cases here: `raw` (getppid by an inline syscall), `null` (getppid through libc), `floor`
# (an indirect call in a loop). (mode, case, cycles, what)
PUBLISHED = [("linux", "raw", 605.0, "no-op syscall, KVM guest, default mitigations"),
             ("linux", "null", 605.0, "no-op syscall, KVM guest, default mitigations"),
             ("linux-nomitig", "raw", 142.0, "no-op syscall, KVM guest, mitigations=off"),
             ("linux-nomitig", "null", 142.0, "no-op syscall, KVM guest, mitigations=off"),
             ("ring0", "floor", 6.0, "function call, KVM guest")]
# The cost-table column whose figures become the contract-5 `model` rows.
DEFAULT_CPU = "intel"


def parse_regions(text):
    return [{k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
            for m in REGION_RE.finditer(text)]


def cost_cpus(path):
    """The CPU columns of the cost table, in the order they first appear."""
    out = []
    for row in cost_rows(path):
        if row["cpu"] not in out:
            out.append(row["cpu"])
    return out


def cost_rows(path):
    with open(path) as f:
        lines = [l for l in f if l.strip() and not l.startswith("#")]
    header = lines[0].strip().split(",")
    return [dict(zip(header, l.rstrip("\n").split(",", len(header) - 1))) for l in lines[1:]]


def read_costs(path, cpu):
    """{event: (cycles or None, source)} for cpu ('delivery' is the deliveries event), and
    under the key PAIRS a list of (a, b, cycles, source): a figure published only for a
    round trip of two events (e.g. syscall+sysret), charged per pair (model_cycles)."""
    costs = {PAIRS: []}
    for row in cost_rows(path):
        if row["cpu"] != cpu:
            continue
        names = ["deliveries" if e == "delivery" else e for e in row["event"].split("+")]
        bad = [e for e in names if e not in EVENTS]
        if bad or len(names) > 2:
            raise SystemExit("bench_model: %s: unknown event %s" % (path, row["event"]))
        cyc = None if row["cycles"] == "unknown" else float(row["cycles"])
        if len(names) == 2:
            if cyc is None:
                raise SystemExit("bench_model: %s: a pair row needs a figure (%s)" % (path, row["event"]))
            costs[PAIRS].append((names[0], names[1], cyc, row["source"]))
        else:
            costs[names[0]] = (cyc, row["source"])
    missing = [e for e in EVENTS if e not in costs]
    if missing:
        raise SystemExit("bench_model: %s has no row for %s on %s" % (path, ", ".join(missing), cpu))
    return costs


def regions_per_case(case):
    return 2 * REPS if case == "ctx" else REPS


def attribute(rows, regions):
    """Pairs every CSV row with its regions; returns [(row, per_op_counts or None, why)]."""
    out, i = [], 0
    for r in rows:
        k = regions_per_case(r["case"])
        mine = regions[i:i + k]
        i += k
        if len(mine) < k:
            out.append((r, None, "the plugin wrote %d regions, %d expected" % (len(mine), k)))
            continue
        if r["case"] == "ctx":
            out.append((r, None, "a difference of two medians: not modelled"))
            continue
        med = sorted(mine, key=lambda g: g["insns"])[k // 2]
        if med["insns"] == 0:
            out.append((r, None, "empty region"))
            continue
        factor = r["ticks"] / med["insns"]
        per = {"insns": med["insns"] * factor}
        per.update({e: med.get(e, 0) * factor for e in EVENTS})
        out.append((r, per, ""))
    if i != len(regions):
        for j in range(len(out)):
            r, per, why = out[j]
            if per is not None:
                out[j] = (r, per, "region count mismatch (%d regions, %d used): check" % (len(regions), i))
    return out


def model_cycles(per, costs):
    """(estimated cycles, unknown events present) for one operation.

    Every instruction costs 1 cycle. An event with a figure adds it (the figure is the
    event's cost beyond its 1 cycle as an instruction; a delivery is not an instruction, so
    its figure is its whole cost). A pair row (a+b, cycles of one measured round trip) is
    charged min(count a, count b) times, each time its figure minus the cycles the
    instructions among a and b were already charged (1 each; a delivery 0); the counts it
    used are then not charged again. What is left of an event after its pairs is charged
    its own figure, or named as unknown."""
    cyc = per["insns"]
    left = {e: per.get(e, 0) for e in EVENTS}
    for a, b, pc, _ in costs.get(PAIRS, []):
        n = min(left[a], left[b])
        if n <= 0:
            continue
        cyc += n * (pc - sum(1 for e in (a, b) if e != "deliveries"))
        left[a] -= n
        left[b] -= n
    unknown = []
    for e in EVENTS:
        n = left[e]
        if n <= 1e-9:
            continue
        c, _ = costs[e]
        if c is None:
            unknown.append(e)
        else:
            cyc += n * c
    return cyc, unknown


def plugin_args(plugin, outfile):
    return ["-plugin", "%s,arg=out=%s" % (os.path.abspath(plugin), os.path.abspath(outfile))]


def run_ringzero(a, mode, regfile, logpath):
    """Rows and regions of a.programs at ringzero's shell in mode (ring0/ring3)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("rz_qemu_harness",
                                                  os.path.join(bh.ROOT, "tests", "qemu", "harness.py"))
    qh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(qh)
    open(regfile, "w").close()
    extra = ["-cpu", bh.ICOUNT_CPU] + bh.ICOUNT_RTC + plugin_args(a.plugin, regfile)
    shell_cmd = "kexec" if mode == "ring0" else "exec"
    rows = []
    if os.path.exists(logpath):
        os.unlink(logpath)
    with qh.Machine(a.kernel, a.rz_initrd, log=logpath, mem=bh.MEM, icount=True,
                    overall=60 + 600 * len(a.programs), extra_args=extra) as m:
        m.wait_prompt(timeout=60)
        for prog in a.programs:
            out = m.run("%s /bin/%s %s icount %g" % (shell_cmd, prog, mode, a.scale), timeout=600)
            rows += bh.parse_csv_lines(out)
            bh.log("  %s %s: %d cases" % (mode, prog, len(bh.parse_csv_lines(out))))
        m.type("poweroff")
        try:
            m.wait_exit(20)
        except qh.Timeout:
            pass
    return rows, parse_regions(open(regfile).read())


def run_linux(a, mode, regfile, logpath):
    open(regfile, "w").close()
    bh.LINUX_EXTRA_QEMU[:] = plugin_args(a.plugin, regfile)
    os.environ["BENCH_LINUX_APPEND"] = " rzcases=" + ",".join(a.programs) + \
        ("" if not a.linux_append else " " + a.linux_append)
    parsed, _, _, _ = bh.boot_linux_once(a.vmlinuz, a.linux_initrd, mode, "icount", a.scale,
                                         logpath, 600 * len(a.programs))
    return parsed["rows"], parse_regions(open(regfile).read())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plugin")
    ap.add_argument("--kernel")
    ap.add_argument("--rz-initrd")
    ap.add_argument("--vmlinuz")
    ap.add_argument("--linux-initrd")
    ap.add_argument("--results", default=os.path.join(bh.ROOT, "results"))
    ap.add_argument("--build", default=os.path.join(bh.ROOT, "build", "bench"))
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--programs", default="lat_syscall")
    ap.add_argument("--modes", default="ring0,ring3,linux,linux-nomitig")
    ap.add_argument("--linux-append", default="",
                    help="more kernel parameters for the Linux guests (an experiment, e.g. pti=on: "
                         "the rows keep their mode label, so write them to another --results)")
    ap.add_argument("--cpu", default=DEFAULT_CPU,
                    help="the CPU column of the cost table whose figures become the `model` rows")
    ap.add_argument("--costs", default=os.path.join(HERE, "model-costs.csv"))
    ap.add_argument("--from-events", metavar="CSV",
                    help="run nothing: take the per-operation counts from an events.csv written "
                         "earlier and recompute the model from the cost table (seconds)")
    a = ap.parse_args(argv)
    a.programs = a.programs.split(",")
    tables = {c: read_costs(a.costs, c) for c in cost_cpus(a.costs)}
    if a.cpu not in tables:
        raise SystemExit("bench_model: no column %s in %s" % (a.cpu, a.costs))
    os.makedirs(a.results, exist_ok=True)
    if a.from_events:
        results = read_events(a.from_events)
        bh.log("model: %d rows of counts from %s" % (len(results), a.from_events))
    else:
        if not a.plugin:
            raise SystemExit("bench_model: --plugin is needed (or --from-events)")
        results = run_all(a)
    write(a, results, tables)
    return 0


def run_all(a):
    logs = os.path.join(a.build, "logs")
    os.makedirs(logs, exist_ok=True)
    results = []
    for mode in a.modes.split(","):
        regfile = os.path.join(logs, "model-%s-regions.txt" % mode)
        logpath = os.path.join(logs, "model-%s.log" % mode)
        bh.log("model: %s (icount + plugin, scale %g, %s)" % (mode, a.scale, ",".join(a.programs)))
        try:
            if mode in ("ring0", "ring3"):
                rows, regions = run_ringzero(a, mode, regfile, logpath)
            else:
                rows, regions = run_linux(a, mode, regfile, logpath)
        except Exception as e:  # noqa: BLE001
            bh.log("model: %s failed: %s" % (mode, e))
            continue
        rows = [r for r in rows if r["engine"] == "icount"]
        results += [(mode,) + t for t in attribute(rows, regions)]
    return results


def read_events(path):
    """[(mode, row, per or None, why)] from an events.csv this program wrote."""
    out = []
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    header = lines[0].split(",")
    for line in lines[1:]:
        d = dict(zip(header, line.split(",")))
        row = {"case": d["case"], "mode": d["mode"], "engine": "icount",
               "iterations": int(d["iterations"]), "ns": 0.0, "ticks": 0.0}
        if not d.get("insns_per_op"):
            out.append((d["mode"], row, None, d.get("note", "")))
            continue
        per = {"insns": float(d["insns_per_op"])}
        per.update({e: float(d[e] or 0) for e in EVENTS})
        row["ticks"] = per["insns"]
        note = d.get("note", "")
        out.append((d["mode"], row, per, "" if note.startswith("lower bound") else note))
    return out


def fmt(x):
    return ("%.2f" % x).rstrip("0").rstrip(".")


def cyc_text(cyc, unknown):
    """A model figure as the README shows it: '≥' marks a lower bound."""
    return ("≥" if unknown else "") + bh.fmt(cyc)


def host_ticks(results_dir):
    """{case: TSC cycles per operation} of the host rows in latency.csv (measured natively)."""
    out = {}
    path = os.path.join(results_dir, "latency.csv")
    if os.path.exists(path):
        for r in bh.parse_csv_lines(open(path).read()):
            if r["mode"] == "host" and r["engine"] == "native":
                out[r["case"]] = r["ticks"]
    return out


def validate(results, tables, host):
    """{cpu: [(what, model cycles, unknown, reference, error %)]}: the cases of PUBLISHED
    (the Linux guest's raw and null calls, the floor) against the published figures, and
    the Linux counts priced for the host's cases against the host's measured cycles."""
    val = {}
    for cpu, costs in tables.items():
        v = []
        for mode, case, pub, what in PUBLISHED:
            for m, r, per, _ in results:
                if m == mode and r["case"] == case and per is not None:
                    cyc, unk = model_cycles(per, costs)
                    v.append(("%s %s vs published %g (%s)" % (mode, case, pub, what), cyc, unk, pub,
                              100.0 * (cyc - pub) / pub))
        for m, r, per, _ in results:
            if m == "linux" and per is not None and r["case"] in host and r["case"] != "floor":
                cyc, unk = model_cycles(per, costs)
                ref = host[r["case"]]
                v.append(("host %s vs measured %s" % (r["case"], bh.fmt(ref)), cyc, unk, ref, 100.0 * (cyc - ref) / ref))
        val[cpu] = v
    return val


def write(a, results, tables):
    cpus = list(tables)
    ev_path = os.path.join(a.results, "events.csv")
    mo_path = os.path.join(a.results, "model.csv")
    with open(ev_path, "w") as ev, open(mo_path, "w") as mo:
        ev.write("case,mode,iterations,insns_per_op," + ",".join(EVENTS) + "," +
                 ",".join("model_cycles_%s,model_unknown_%s" % (c, c) for c in cpus) + ",note\n")
        mo.write(bh.HEADER + "\n")
        for mode, r, per, why in results:
            if per is None:
                ev.write("%s,%s,%d,%s%s,%s\n" % (r["case"], mode, r["iterations"], "," * len(EVENTS),
                                                  ",," * len(cpus), why))
                continue
            # a column's figure is a lower bound exactly when its model_unknown_<cpu> is not empty
            figs = [model_cycles(per, tables[c]) for c in cpus]
            ev.write("%s,%s,%d,%s,%s,%s,%s\n" % (
                r["case"], mode, r["iterations"], fmt(per["insns"]), ",".join(fmt(per[e]) for e in EVENTS),
                ",".join("%s,%s" % (fmt(c), " ".join(u)) for c, u in figs), why))
            cyc, _ = model_cycles(per, tables[a.cpu])
            mo.write("%s,%s,model,%d,0.00,%.1f\n" % (r["case"], mode, r["iterations"], cyc))
    host = host_ticks(a.results)
    val = validate(results, tables, host)
    lines = ["THIS IS A MODEL: estimated cycles = instructions x 1 + events x bench/model-costs.csv; "
             "unknown figures make a figure a lower bound (named). model.csv and latency.csv's "
             "`model` rows use the column %s." % a.cpu,
             "Validation (error = (model - reference) / reference):"]
    for cpu in cpus:
        for what, cyc, unk, _, err in val[cpu]:
            lines.append("  %s: %s: model %.1f cycles (%s): error %+.1f%%" % (
                cpu, what, cyc, "lower bound, unknown: " + " ".join(unk) if unk else "complete", err))
    with open(os.path.join(a.results, "model.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    merge_latency(a.results, results, tables[a.cpu])
    merge_readme(a, results, tables, val, host)
    for l in lines:
        bh.log("model: " + l)
    bh.log("model: wrote %s, %s, model.txt, and the model rows of latency.csv and README.md" % (ev_path, mo_path))


def merge_latency(results_dir, results, costs):
    """Replaces the `model` rows of latency.csv (contract 5) with this run's."""
    path = os.path.join(results_dir, "latency.csv")
    if not os.path.exists(path):
        return
    keep = [l for l in open(path).read().split("\n") if l and l.split(",")[2:3] != ["model"]]
    for mode, r, per, _ in results:
        if per is not None:
            cyc, _ = model_cycles(per, costs)
            keep.append("%s,%s,model,%d,0.00,%.1f" % (r["case"], mode, r["iterations"], cyc))
    with open(path, "w") as f:
        f.write("\n".join(keep) + "\n")


README_BEGIN = "<!-- model: written by bench/bench_model.py; do not edit by hand -->"
README_END = "<!-- /model -->"


def readme_section(a, results, tables, val, host):
    cpus = list(tables)
    modes = ["ring0", "ring3", "linux", "linux-nomitig"]
    per = {(m, r["case"]): p for m, r, p, _ in results if p is not None}
    cases = []
    for _, r, p, _ in results:
        if p is not None and r["case"] not in cases:
            cases.append(r["case"])
    out = [README_BEGIN, "## Estimated cycles (`model`): a model, not a measurement", "",
           "Written by `bench/bench_model.py` (`make bench-model`). **These figures are estimated, "
           "not measured**: estimated cycles per operation = the operation's guest instructions "
           "(icount, 1 cycle each) + each privileged or serialising event on its path (counted by "
           "the TCG plugin bench/plugin/transitions.c) × that event's cost from "
           "[bench/model-costs.csv](../bench/model-costs.csv), which names the source of every "
           "figure. `≥` marks a lower bound: an event with no published figure is charged only "
           "its 1 cycle and named in [events.csv](events.csv) (the counts per operation). The "
           "model assumes 1 cycle per ordinary instruction (real cores retire several per cycle, "
           "so ordinary code is overestimated), no cache or TLB misses, no branch mispredictions, "
           "and the mitigations the guests actually ran under TCG (no page-table isolation, no "
           "`verw`, no IBRS: the counts contain none). The `model` rows of "
           "[latency.csv](latency.csv) use the column `%s`. See docs/model.md." % a.cpu, ""]
    for cpu in cpus:
        out += ["### CPU column `%s`" % cpu, "",
                "| case | ring0 | ring3 | linux | linux-nomitig | host (measured) | ring3/ring0 | linux/ring0 |",
                "|---|--:|--:|--:|--:|--:|--:|--:|"]
        for c in cases:
            v = {}
            cells = []
            for m in modes:
                p = per.get((m, c))
                if p is None:
                    cells.append("—")
                    v[m] = None
                    continue
                cyc, unk = model_cycles(p, tables[cpu])
                v[m] = (cyc, unk)
                cells.append(cyc_text(cyc, unk))

            def rat(x, y):
                """x / y; a lower bound over an exact figure is a lower bound, an exact
                figure over a lower bound an upper bound, two lower bounds neither."""
                if not x or not y:
                    return "—"
                s = bh.ratio(x[0], y[0])
                if x[1] and y[1]:
                    return s + "?"
                return ("≥" if x[1] else "≤" if y[1] else "") + s
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                c, cells[0], cells[1], cells[2], cells[3], bh.fmt(host.get(c)),
                rat(v["ring3"], v["ring0"]), rat(v["linux"], v["ring0"])))
        out.append("")
    out += ["A ratio is `≥` when its numerator is a lower bound, `≤` when its denominator is, and "
            "marked `?` when both are: then it is not a bound either way. The host column is "
            "measured (TSC cycles, natively), not modelled.", "",
            "### Validation", "",
            "| CPU column | what | model | reference | error |", "|---|---|--:|--:|--:|"]
    for cpu in cpus:
        for what, cyc, unk, ref, err in val[cpu]:
            # every row for the column of the `model` rows; the null call for the others
            if cpu == a.cpu or "published" in what or what.startswith("host null "):
                out.append("| %s | %s | %s | %s | %+.0f %% |" % (cpu, what, cyc_text(cyc, unk), bh.fmt(ref), err))
    out += ["", "The published figures are Unikraft's (Kuenzer et al., EuroSys 2021, Table 1; "
            "github.com/unikraft/eurosys21-artifacts, experiments/tab_01_bincompat-syscalls/"
            "results/table.txt): a no-op system call added to Linux 5.11, called by an inline "
            "`syscall` in a loop, in a KVM guest, 605 TSC cycles with default mitigations and 142 "
            "with `mitigations=off`, and a noinline function call, 6; `raw` (an inline `syscall` "
            "of getppid) is the closest case here, `floor` (an indirect call in the loop) the "
            "closest to the function call. The host rows price the Linux guest's counts (Debian's 6.1 kernel under TCG) against "
            "this machine's own Linux, measured natively (another kernel, with its own "
            "mitigations, on the CPU in machine.txt). An error of a lower bound (`≥`) is itself "
            "only a bound. [model.txt](model.txt) has every row; docs/model.md discusses the "
            "errors.",
            README_END]
    return "\n".join(out)


def merge_readme(a, results, tables, val, host):
    path = os.path.join(a.results, "README.md")
    if not os.path.exists(path):
        return
    text = open(path).read()
    sec = readme_section(a, results, tables, val, host)
    if README_BEGIN in text and README_END in text:
        i = text.index(README_BEGIN)
        j = text.index(README_END) + len(README_END)
        text = text[:i] + sec + text[j:]
    elif "\n## Plot" in text:
        i = text.index("\n## Plot") + 1
        text = text[:i] + sec + "\n\n" + text[i:]
    else:
        text = text.rstrip("\n") + "\n\n" + sec + "\n"
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    sys.exit(main())
