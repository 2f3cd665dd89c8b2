#!/usr/bin/env python3
"""test_kernel.py: the "kernel" test group. Boots ringzero under QEMU (TCG, -icount) and
checks the boot banner, the shell's commands and poweroff; a second, short boot checks
that a fault in the kernel is reported (vector, RIP with symbol, CR2) and ends QEMU with
qemu-run's panic status.

Then the case files given with --cases (harness.py's "name | command | regex" format, one
boot for all of them) are run, their tests named "cases/NAME".

Usage: test_kernel.py --kernel ELF --initrd CPIO --results FILE [--log FILE] [--cases FILE...]
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Results, boot, poweroff, read_cases, run_cases, step, test_args  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    a = test_args(extra=lambda ap: ap.add_argument("--cases", nargs="*", default=[]))
    log = a.log
    with open(os.path.join(ROOT, "kernel/rootfs/etc/motd")) as f:
        motd = f.read()

    with Results(a.results) as res:
        session(res, a, log, motd)
        fatal(res, a, log, "kernel-page-fault", "fault-test",
              ["#PF page fault", "<cmd_fault_test+", "CR2 00000000dead0000", "not present, read, kernel",
               "handled on the interrupted stack", "backtrace:", "shell_run+"])
        fatal(res, a, log, "kernel-stack-overflow", "overflow-test",
              ["#DF double fault", "<recurse+", "handled on the IST1 stack", "more times", "cmd_overflow_test+"])
        memsize(res, a, log, "64M", 64)
        memsize(res, a, log, "4G", 4096)
        if a.cases:
            run_cases(res, a.kernel, a.initrd, read_cases(a.cases), log=log, prefix="cases/")
    return 1 if res.failed() else 0


def session(res, a, log, motd):
    m = boot(res, "boot-to-prompt", a, log)
    if m is None:
        return
    with m:
        banner = m.banner
        t = m.elapsed()
        res.record("boot-to-prompt", True)
        g = re.search(r"boot: (\d+) TSC ticks", banner)
        res.note("boot-to-prompt: %.3f s wall clock from starting QEMU (TCG, -icount), %s guest instructions from reset"
                 % (t, g.group(1) if g else "?"))
        res.check("banner", re.search(r"ringzero \S+", banner) and "mem: " in banner and "accel: tcg" in banner,
                  "banner lacks version/mem/accel lines: " + banner[-300:])
        res.check("banner-cpu-features", re.search(r"features:.*smep.*smap.*umip.*fsgsbase.*pcid.*x2apic.*invtsc", banner),
                  "no CPU feature line")
        res.check("wx-ok", "W^X ok" in banner, "paging line does not say W^X ok")
        res.check("heap-selftest", "heap: self-test ok" in banner, "no 'heap: self-test ok' line")
        res.check("console-irq", "interrupt-driven" in banner, "console input is not interrupt-driven")
        res.check("initramfs-loaded", re.search(r"initramfs: \d+ entries", banner), "no initramfs line")

        def help_():
            out = m.run("help")
            missing = [c for c in ("help", "ls", "cat", "mem", "poweroff", "exec", "kexec") if not re.search(r"^\s+%s\b" % c, out, re.M)]
            res.check("help-lists-commands", not missing, "missing %s in %r" % (missing, out))
        step(res, "help-lists-commands", help_)

        def ls_():
            out = m.run("ls /")
            missing = [d for d in ("bin/", "dev/", "etc/", "tmp/") if d not in out]
            res.check("ls-root", not missing, "missing %s in %r" % (missing, out))
        step(res, "ls-root", ls_)

        def ls_etc():
            out = m.run("ls /etc")
            res.check("ls-etc", re.search(r"^-rw-r--r--\s+%d motd$" % len(motd), out, re.M), repr(out))
        step(res, "ls-etc", ls_etc)

        def cat_():
            out = m.run("cat /etc/motd")
            res.check("cat-motd", out == motd, "expected %r, got %r" % (motd, out))
        step(res, "cat-motd", cat_)

        def cat_missing():
            out = m.run("cat /no/such")
            res.check("cat-missing", out.strip() == "cat: /no/such: no such file or directory", repr(out))
        step(res, "cat-missing", cat_missing)

        def unknown():
            out = m.run("frobnicate now")
            res.check("unknown-command", out == "frobnicate: unknown command (try help)\n", repr(out))
        step(res, "unknown-command", unknown)

        def empty():
            out = m.run("")
            res.check("empty-line", out == "", repr(out))
        step(res, "empty-line", empty)

        def backspace():
            m.type("cax\x7f\x7fat /etc/motd")  # "ca", two deletes -> "c", then "at /etc/motd"
            out = m.wait_prompt()
            res.check("line-editing-backspace", out.endswith(motd) and "\b \b" in out, repr(out))
        step(res, "line-editing-backspace", backspace)

        def typeahead():
            m.type("echo one\recho two\recho three")  # all at once, before any prompt comes back
            outs = [m.wait_prompt(), m.wait_prompt(), m.wait_prompt()]
            res.check("typeahead", [o.split("\n")[1] for o in outs] == ["one", "two", "three"], repr(outs))
        step(res, "typeahead", typeahead)

        def mem():
            out = m.run("mem")
            g = re.search(r"frames: (\d+) free / (\d+) total", out)
            res.check("mem", g and 0 < int(g.group(1)) <= int(g.group(2)), repr(out))
        step(res, "mem", mem)

        def exec_hello():
            out = m.run("exec /bin/hello")
            res.check("exec-hello", re.search(r"^hello from ring 3.*\nexit 3$", out, re.M), repr(out))
        step(res, "exec-hello", exec_hello)

        def poweroff():
            m.type("poweroff")
            m.wait_for("powering off")
            st = m.wait_exit(10)
            res.check("poweroff-exit-0", st == 0, "qemu-run exit status %s; stderr %r" % (st, m.stderr[-200:]))
        step(res, "poweroff-exit-0", poweroff)


def fatal(res, a, log, name, command, expect):
    """Boots, runs a hidden command that faults in the kernel, checks the report and that
    qemu-run ends with the panic status 3."""
    m = boot(res, name + "-report", a, log, timeout=15, overall=20)
    if m is None:
        return
    with m:
        def run():
            m.type(command)
            out = m.wait_for(r"kernel panic[^\n]*\n", timeout=10)
            st = m.wait_exit(10)
            missing = [e for e in expect if e not in out]
            res.check(name + "-report", not missing, "missing %r in %r" % (missing, out[-600:]))
            res.check(name + "-exit-status", st == 3, "qemu-run exit status %s (want 3: panic)" % st)
        step(res, name + "-report", run)


def memsize(res, a, log, mem, mib):
    """Boots with another RAM size; mem must report it and poweroff still works."""
    m = boot(res, "mem-%s" % mem, a, log, timeout=15, mem=mem, overall=20)
    if m is None:
        return
    with m:
        def run():
            out = m.run("mem")
            g = re.search(r"RAM (\d+) MiB", out)
            res.check("mem-%s" % mem, g and mib - 2 <= int(g.group(1)) <= mib, repr(out))
            poweroff(res, m, "poweroff-%s" % mem)
        step(res, "mem-%s" % mem, run)


if __name__ == "__main__":
    sys.exit(main())
