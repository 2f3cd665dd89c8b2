#!/usr/bin/env python3
"""test_plugin.py: the "plugin" test group: bench/plugin/transitions.so counts the events of
a guest program that performs a known number of each (tests/plugin/plugin-events.c).

One boot (TCG, -icount, the plugin loaded with out=FILE); /bin/plugin-events runs under
exec (ring 3) then kexec (ring 0). After each run the plugin's region lines (one per marked
region, in order) are read from FILE and checked exactly:

  ring 3: sys    syscall=10, one return to ring 3 per call (sysret + iret = 10)
          fence  lfence=10 mfence=10 popf=10
          pf     deliveries=10 (the smallest of three regions: a timer tick may fall in one)
          known  the profile (syms= the kernel's and the program's nm -n): fn 50 plugin_known5
  ring 0: sys    syscall=0 sysret=0 iret=0 swapgs=0 (the entry is a call)
          fence  lfence=10 mfence=10 popf=10
          irq    cli=10 sti=10
          pf     deliveries=10
          known  fn 50 plugin_known5
          sys    the profile names sys_getppid (10 calls: a multiple of 10 instructions)

Usage: test_plugin.py --kernel ELF --initrd CPIO --results FILE --plugin SO --prog ELF [--log FILE]
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Results, boot, poweroff, step, test_args  # noqa: E402

REGION_RE = re.compile(r"^region (.*)$", re.M)
PROG = "plugin-events"


def parse_fns(text):
    """The profile's function lines of each region, in order -> list of {function: count}."""
    out = []
    for line in text.splitlines():
        if line.startswith("region "):
            out.append({})
        elif line.startswith("fn ") and out:
            _, n, name = line.split(" ", 2)
            out[-1][name] = int(n)
    return out


def parse(text):
    """The plugin's region lines -> list of {name: count}."""
    out = []
    for m in REGION_RE.finditer(text):
        out.append({k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())})
    return out


def check_run(res, m, outfile, ring, cmd):
    name = "plugin-%s" % ring
    before = len(parse(open(outfile).read()))
    fbefore = len(parse_fns(open(outfile).read()))
    text = m.run(cmd, timeout=30)
    names = re.findall(r"^region (\w+)$", text, re.M)
    res.check(name + "-ran", "plugin-events: done" in text and names, repr(text))
    regions = parse(open(outfile).read())[before:]
    if not res.check(name + "-regions", len(regions) == len(names),
                     "%d plugin regions for guest regions %s" % (len(regions), names)):
        return
    res.note("%s: %s" % (ring, "; ".join("%s %s" % (n, r) for n, r in zip(names, regions))))
    fns = parse_fns(open(outfile).read())[fbefore:]
    try:
        check_counts(res, name, ring, names, regions)
        check_profile(res, name, ring, names, fns)
    except (KeyError, IndexError, ValueError) as e:
        res.record(name + "-counts", False, "missing field or region: %r" % e)


def check_counts(res, name, ring, names, regions):
    by = {}
    for n, r in zip(names, regions):
        by.setdefault(n, []).append(r)
    sys_ = by["sys"][0]
    if ring == "ring3":
        res.check(name + "-syscall-10", sys_["syscall"] == 10, sys_)
        res.check(name + "-return-10", sys_["sysret"] + sys_["iret"] == 10, sys_)
    else:
        res.check(name + "-entry-no-transition",
                  all(sys_[k] == 0 for k in ("syscall", "sysret", "iret", "swapgs")), sys_)
        irq = by.get("irq", [{}])[0]
        res.check(name + "-cli-sti-10", irq.get("cli") == 10 and irq.get("sti") == 10, irq)
    f = by["fence"][0]
    res.check(name + "-fences-10", f["lfence"] == 10 and f["mfence"] == 10 and f["popf"] == 10, f)
    pf = min(r["deliveries"] for r in by["pf"])
    res.check(name + "-page-faults-10", pf == 10, [r["deliveries"] for r in by["pf"]])


def check_profile(res, name, ring, names, fns):
    by = dict(zip(names, fns))
    known = by["known"]
    res.check(name + "-profile-known-50", known.get("plugin_known5") == 50, known)
    if ring == "ring0":
        n = by["sys"].get("sys_getppid", 0)
        res.check(name + "-profile-kernel-symbol", n > 0 and n % 10 == 0, by["sys"])


def nm(elf, path):
    with open(path, "w") as f:
        subprocess.run(["nm", "-n", "-S", elf], stdout=f, check=True)
    return path


def main():
    def extra(ap):
        ap.add_argument("--plugin", required=True)
        ap.add_argument("--prog", required=True, help="/bin/%s's ELF (for its symbols)" % PROG)
    a = test_args(__doc__, extra)
    outfile = os.path.splitext(a.results)[0] + "-regions.txt"
    open(outfile, "w").close()
    base = os.path.splitext(a.results)[0]
    syms = [nm(a.kernel, base + "-kernel.nm"), nm(a.prog, base + "-prog.nm")]
    with Results(a.results) as res:
        m = boot(res, "plugin-boot", a, a.log, overall=120,
                 extra_args=["-plugin", "%s,arg=out=%s" % (os.path.abspath(a.plugin), outfile) +
                             "".join(",arg=syms=%s" % os.path.abspath(p) for p in syms)])
        if m is None:
            return 1
        with m:
            res.record("plugin-boot", True)
            step(res, "plugin-ring3", lambda: check_run(res, m, outfile, "ring3", "exec /bin/plugin-events"))
            step(res, "plugin-ring0", lambda: check_run(res, m, outfile, "ring0", "kexec /bin/plugin-events"))
            poweroff(res, m, "plugin-poweroff")
    return 1 if res.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
