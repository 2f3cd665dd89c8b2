#!/usr/bin/env python3
"""bench_model.py: the transition breakdown and the `model` engine (issue 12 item 1).

Runs benchmark programs (default: lat_syscall) under TCG with -icount shift=0,sleep=off and
the transition plugin (bench/plugin/transitions.c) loaded, in the modes ring0 and ring3
(ringzero, kexec/exec at its shell) and linux, linux-nomitig (Debian's kernel with
bench/init.c, rzcases=PROGRAMS), and writes

  RESULTS/events.csv  per case and mode, per operation: instructions and every event the
                      plugin counts (syscall sysret iret swapgs wrmsr rdmsr movcr3 cli sti
                      popf lfence mfence stac clac deliveries)
  RESULTS/model.txt   the validation: the model's Linux null call against the published
                      KVM-guest figures (605 cycles default mitigations, 142 without)
  RESULTS/model.csv   contract 5 rows with engine `model`: ticks_per_op is the MODEL's
                      estimated cycles per operation for one CPU of bench/model-costs.csv
                      (ns_per_op is 0.00: the model has no time);
                      case,mode,model,iterations,0.00,CYCLES

THIS IS A MODEL, not a measurement: estimated cycles = instructions x 1 + sum over events of
count x (figure from bench/model-costs.csv). An event whose figure the table marks
"unknown" is charged only its 1 cycle as an instruction, so the figure is then a lower
bound; events.csv names the unknown events each figure contains.

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
                      [--modes ring0,ring3,linux,linux-nomitig] [--cpu zen3]
                      [--linux-append PARAMS]
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
# Published figures the model is validated against (issue 12): a Linux KVM guest's null
# system call in cycles, default mitigations and mitigations=off.
PUBLISHED_NULL = {"linux": 605.0, "linux-nomitig": 142.0}


def parse_regions(text):
    return [{k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
            for m in REGION_RE.finditer(text)]


def read_costs(path, cpu):
    """{event: (cycles or None, source)} for cpu; 'delivery' is the deliveries event."""
    costs = {}
    with open(path) as f:
        lines = [l for l in f if l.strip() and not l.startswith("#")]
    header = lines[0].strip().split(",")
    for line in lines[1:]:
        row = dict(zip(header, line.rstrip("\n").split(",", len(header) - 1)))
        if row["cpu"] != cpu:
            continue
        ev = "deliveries" if row["event"] == "delivery" else row["event"]
        costs[ev] = (None if row["cycles"] == "unknown" else float(row["cycles"]), row["source"])
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
    """(estimated cycles, unknown events present) for one operation."""
    cyc = per["insns"]
    unknown = []
    for e in EVENTS:
        n = per.get(e, 0)
        if n <= 0:
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
    ap.add_argument("--plugin", required=True)
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
    ap.add_argument("--cpu", default="zen3", help="the CPU column of the cost table for model.csv")
    ap.add_argument("--costs", default=os.path.join(HERE, "model-costs.csv"))
    a = ap.parse_args(argv)
    a.programs = a.programs.split(",")
    costs = read_costs(a.costs, a.cpu)
    logs = os.path.join(a.build, "logs")
    os.makedirs(logs, exist_ok=True)
    os.makedirs(a.results, exist_ok=True)
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
    write(a, results, costs)
    return 0


def fmt(x):
    return ("%.2f" % x).rstrip("0").rstrip(".")


def write(a, results, costs):
    ev_path = os.path.join(a.results, "events.csv")
    mo_path = os.path.join(a.results, "model.csv")
    with open(ev_path, "w") as ev, open(mo_path, "w") as mo:
        ev.write("case,mode,iterations,insns_per_op," + ",".join(EVENTS) +
                 ",model_cycles_%s,model_unknown_events,note\n" % a.cpu)
        mo.write(bh.HEADER + "\n")
        for mode, r, per, why in results:
            if per is None:
                ev.write("%s,%s,%d,,%s,,,%s\n" % (r["case"], mode, r["iterations"], "," * (len(EVENTS) - 1), why))
                continue
            cyc, unknown = model_cycles(per, costs)
            ev.write("%s,%s,%d,%s,%s,%s,%s,%s\n" % (
                r["case"], mode, r["iterations"], fmt(per["insns"]),
                ",".join(fmt(per[e]) for e in EVENTS), fmt(cyc), " ".join(unknown),
                ("lower bound: " if unknown else "") + why))
            mo.write("%s,%s,model,%d,0.00,%.1f\n" % (r["case"], mode, r["iterations"], cyc))
    lines = ["THIS IS A MODEL: estimated cycles = instructions x 1 + events x bench/model-costs.csv (CPU %s);"
             " unknown figures make it a lower bound." % a.cpu,
             "Validation against a Linux KVM guest's published null call (issue 12):"]
    for mode, pub in PUBLISHED_NULL.items():
        for m, r, per, _ in results:
            if m == mode and r["case"] == "null" and per is not None:
                cyc, unknown = model_cycles(per, costs)
                lines.append("  %s null: model %.1f cycles (%s) vs published %g: error %+.1f%%" % (
                    mode, cyc, "lower bound, unknown: " + " ".join(unknown) if unknown else "complete",
                    pub, 100.0 * (cyc - pub) / pub))
    with open(os.path.join(a.results, "model.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    for l in lines:
        bh.log("model: " + l)
    bh.log("model: wrote %s, %s and model.txt" % (ev_path, mo_path))


if __name__ == "__main__":
    sys.exit(main())
