#!/usr/bin/env python3
"""profile.py: where a benchmark case's instructions go, per function, per operation
(issue 12 item 3's tool; bench/profile.sh is its front, `make bench-profile` builds what
it needs).

Boots ringzero under TCG with -icount shift=0,sleep=off and the transition plugin
(bench/plugin/transitions.c) loaded with syms= the kernel's and the program's symbol
tables (`nm -n`), runs PROG (default lat_syscall) with only the named cases in RING
(kexec = ring0, exec = ring3), and for each case takes the timed region with the median
instruction count (bench.h marks REPS = 5 per case) and prints, per operation (the
region's counts x ticks_per_op / region instructions, as bench_model.py does):

    CASE RING: N instructions per operation (icount row: T)
        COUNT  FUNCTION
        ...

Counts are deterministic (icount): an unchanged kernel and program give the same figures
at every run. FUNCTION is the text symbol holding the instruction (kernel or program;
"?" for none: e.g. the vDSO). A timer interrupt inside a timed run shows up as its
handlers' functions in that region; the median region normally has none.

Usage: profile.py --plugin SO --kernel ELF --initrd CPIO --prog ELF [--scale S]
                  [--top N] CASE[,CASE...] RING
"""
import argparse
import importlib.util
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_harness as bh  # noqa: E402

REPS = 5


def parse_blocks(text):
    """The plugin's output -> [(region {name: count}, [(count, function)])]."""
    blocks = []
    for line in text.splitlines():
        if line.startswith("region "):
            blocks.append(({k: int(v) for k, v in (kv.split("=") for kv in line[7:].split())}, []))
        elif line.startswith("fn ") and blocks:
            _, n, name = line.split(" ", 2)
            blocks[-1][1].append((int(n), name))
    return blocks


def per_op(row, blocks):
    """(instructions per op, [(count per op, function)]) from a case's REPS regions."""
    med = sorted(blocks, key=lambda b: b[0]["insns"])[len(blocks) // 2]
    factor = row["ticks"] / med[0]["insns"]
    return med[0]["insns"] * factor, [(n * factor, f) for n, f in med[1]]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--prog", required=True, help="the program's ELF (in the image as /bin/NAME)")
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--work", default=os.path.join(bh.ROOT, "build", "bench", "profile"))
    ap.add_argument("cases")
    ap.add_argument("ring", choices=["ring0", "ring3"])
    a = ap.parse_args(argv)
    os.makedirs(a.work, exist_ok=True)
    nm = []
    for elf in (a.kernel, a.prog):
        path = os.path.join(a.work, os.path.basename(elf) + ".nm")
        with open(path, "w") as f:
            subprocess.run(["nm", "-n", "-S", elf], stdout=f, check=True)
        nm.append(path)
    regfile = os.path.join(a.work, "regions-%s.txt" % a.ring)
    open(regfile, "w").close()
    spec = importlib.util.spec_from_file_location("rz_qemu_harness",
                                                  os.path.join(bh.ROOT, "tests", "qemu", "harness.py"))
    qh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(qh)
    plugin = "%s,arg=out=%s" % (os.path.abspath(a.plugin), os.path.abspath(regfile)) + \
        "".join(",arg=syms=%s" % os.path.abspath(p) for p in nm)
    extra = ["-cpu", bh.ICOUNT_CPU] + bh.ICOUNT_RTC + ["-plugin", plugin]
    cases = a.cases.split(",")
    cmd = "%s /bin/%s %s icount %g %s" % ("kexec" if a.ring == "ring0" else "exec",
                                          os.path.basename(a.prog), a.ring, a.scale, " ".join(cases))
    with qh.Machine(a.kernel, a.initrd, log=os.path.join(a.work, "console.log"), mem=bh.MEM,
                    icount=True, overall=600, extra_args=extra) as m:
        m.wait_prompt(timeout=60)
        out = m.run(cmd, timeout=500)
        m.type("poweroff")
        try:
            m.wait_exit(20)
        except qh.Timeout:
            pass
    rows = [r for r in bh.parse_csv_lines(out) if r["engine"] == "icount"]
    blocks = parse_blocks(open(regfile).read())
    if len(blocks) != REPS * len(rows) or not rows:
        sys.exit("profile: %d CSV rows and %d regions (%d expected); output:\n%s" %
                 (len(rows), len(blocks), REPS * len(rows), out))
    for i, row in enumerate(rows):
        total, fns = per_op(row, blocks[REPS * i:REPS * (i + 1)])
        print("%s %s: %.1f instructions per operation (icount row: %.1f)" % (
            row["case"], a.ring, total, row["ticks"]))
        for n, f in fns[:a.top]:
            print("  %8.2f  %s" % (n, f))
    return 0


if __name__ == "__main__":
    sys.exit(main())
