#!/usr/bin/env python3
"""test_ring0.py: the "ring0" test group: trusted programs in ring 0 through the shell's kexec.

Issue 4's Tests section, item by item (contracts 1-4 of DESIGN.md). Every program of
tests/ring0/ runs under `kexec` (ring 0) and under `exec` (ring 3) and says where it ran
from its own %cs; `kexec -v` adds the kernel's counters
("calls: N through the entry, M through the syscall instruction").

Boots (TCG, -icount shift=0,sleep=off, so a failure replays exactly):
  where    whereami in both rings, kexec -v counters, untrusted images under kexec, execve
           chains in one process, ps's RING column, the entry address for the ring-3 tests
  progs    r0signal r0fork r0vfork r0thread r0exec entryregs, each part one result, in ring 0
           and ring 3 (signals and threads in ring 3 too, with the same tests)
  faults   every fault in ring 0 and ring 3 (the shell goes on after each), the red-zone test
           under the 1 kHz timer and its control, nothing written below a ring-0 rsp, the
           ring-3 attacks (jump to the entry, forged AT_SYSINFO, forged entry pointer)
  repeat   1000 faulting ring-0 children (and 1000 in ring 3), and 1000 faulting kexec runs
           from the shell (about 15 s unloaded): the free-frame count (`mem`) comes back
  suite    the r0cc program suite (tests/progs) under kexec: output identical to exec and to
           the host's expected files, each run proving its ring (%cs via whereami -x, which
           execs the program in the same process, and the kexec -v counters)

A boot that stops answering (panic, hang) is restarted for the steps that remain, at most
MAX_REBOOTS times per boot; the transcript is in the log.

Usage: test_ring0.py --kernel ELF --initrd CPIO --results FILE [--log FILE] [--only BOOT,...]
"""
import functools
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Machine, Results, Timeout, free_frames, poweroff, step, test_args  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAX_REBOOTS = 3
# Generous: the numbers are for a loaded 2-CPU machine under TCG; a healthy run is far faster.
BOOT_TIMEOUT = 90.0
CMD_TIMEOUT = 60.0
CALLS = re.compile(r"^calls: (\d+) through the entry, (\d+) through the syscall instruction$", re.M)
RING_OF = {"kexec": 0, "exec": 3}
SIGLINE = {"null": "SIGSEGV", "ro": "SIGSEGV", "stack": "SIGSEGV", "ud2": "SIGILL", "div0": "SIGFPE",
           "int3": "SIGTRAP", "kwrite": "SIGSEGV", "nx": "SIGSEGV", "noncanon": "SIGSEGV"}


class Session:
    """One boot that is restarted when it stops answering. run() raises Timeout when the
    command got no prompt back (the machine is then dropped and the next run() boots anew)."""

    def __init__(self, res, a, log, name, overall):
        self.res, self.a, self.log, self.name, self.overall = res, a, log, name, overall
        self.m = None
        self.boots = 0
        self.dead = False

    def machine(self):
        if self.dead:
            raise Timeout("not run: %s stopped answering %d times" % (self.name, self.boots))
        if self.m is None:
            if self.boots > MAX_REBOOTS:
                self.dead = True
                raise Timeout("not run: %s stopped answering %d times" % (self.name, self.boots))
            self.boots += 1
            self.m = Machine(self.a.kernel, self.a.initrd, log=self.log, overall=self.overall)
            try:
                self.m.wait_prompt(timeout=BOOT_TIMEOUT)
            except Timeout as e:
                self.drop()
                self.dead = True
                raise Timeout("no prompt after boot %d of %s: %s" % (self.boots, self.name, e))
            if self.boots > 1:
                self.res.note("%s: booted again (%d) after the shell stopped answering" % (self.name, self.boots))
        return self.m

    def run(self, command, timeout=CMD_TIMEOUT):
        m = self.machine()
        try:
            return m.run(command, timeout=timeout)
        except Timeout:
            self.drop()
            raise

    def drop(self):
        if self.m is not None:
            self.m.close()
            self.m = None

    def poweroff(self, name):
        if self.m is None:
            return
        poweroff(self.res, self.m, name)
        self.drop()


# harness.expect(res, s, name, command, regexes, timeout=, absent=) with this group's timeout.
expect = functools.partial(harness.expect, timeout=CMD_TIMEOUT)


def calls(out):
    """(N through the entry, M through the syscall instruction) of kexec -v / exec -v, or None."""
    g = CALLS.search(out or "")
    return (int(g.group(1)), int(g.group(2))) if g else None


def check_calls(res, name, out, mode, slow_zero=True, min_entry=1):
    """kexec -v: N >= min_entry through the entry and (slow_zero) M == 0; exec -v: N == 0, M > 0."""
    c = calls(out)
    if c is None:
        return res.record(name, False, "no 'calls: N through the entry, M through the syscall instruction' "
                          "line in %r" % (out or "")[-300:])
    n, m = c
    if mode == "kexec":
        ok = n >= min_entry and (m == 0 or not slow_zero)
        return res.check(name, ok, "calls through the entry %d (want >= %d), through syscall %d%s" %
                         (n, min_entry, m, " (want 0)" if slow_zero else ""))
    return res.check(name, n == 0 and m > 0, "ring 3: %d through the entry (want 0), %d through syscall (want > 0)"
                     % (n, m))


def untrusted_ok(out, want_lines, kexec_works):
    """kexec of an unmarked image: refused ("kexec: ..."), or run in ring 3 with want_lines.
    Never ring 0. A refusal only counts once kexec has run a marked image in ring 0 (a kexec
    that does nothing refuses everything). Returns (ok, why)."""
    if re.search(r"^ring=0|ring=0$", out, re.M):
        return False, "an unmarked image ran in ring 0: %r" % out[-300:]
    if re.search(r"^kexec: ", out, re.M):
        if not kexec_works:
            return False, "kexec refused, but it ran no marked image in ring 0 either: %r" % out[-200:]
        return True, ""
    missing = [r for r in want_lines if not re.search(r, out, re.M)]
    return not missing, "neither refused nor run in ring 3: missing %r in %r" % (missing, out[-300:])


# ---------------------------------------------------------------------------------------
# boot "where": which ring, the counters, trust at kexec, ps, the entry address

def boot_where(res, a, log, state):
    s = Session(res, a, log, "where", overall=600)
    for mode in ("exec", "kexec"):
        r = RING_OF[mode]
        out = expect(res, s, "%s/whereami" % mode, "%s /bin/whereami" % mode,
                     [r"^ring=%d sysinfo=%s$" % (r, "yes" if r == 0 else "no"), r"^exit 0$"])
        if mode == "kexec":
            state["kexec_works"] = bool(out and re.search(r"^ring=0 sysinfo=yes$", out, re.M))
        expect(res, s, "%s/whereami-pie" % mode, "%s /bin/whereami-pie" % mode,
               [r"^ring=%d sysinfo=%s$" % (r, "yes" if r == 0 else "no"), r"^exit 0$"])

    # the entry address, for the ring-3 attacks; kexec -v counters on a trusted program
    out = expect(res, s, "kexec-v/whereami-entry-address", "kexec -v /bin/whereami -a",
                 [r"^ring=0 sysinfo=yes$", r"^entry=0x[0-9a-f]+$", r"^exit 0$"])
    g = re.search(r"^entry=(0x[0-9a-f]+)$", out or "", re.M)
    if g:
        state["entry"] = g.group(1)
        addr = int(g.group(1), 16)
        res.check("kexec/entry-is-kernel-address", addr >= 0xffff800000000000,
                  "AT_SYSINFO %#x is not in the kernel's half" % addr)
    else:
        res.record("kexec/entry-is-kernel-address", False, "no entry= line from kexec /bin/whereami -a")
    if out is not None:
        check_calls(res, "kexec-v/whereami-counters-entry-only", out, "kexec")
    out = expect(res, s, "exec-v/whereami", "exec -v /bin/whereami", [r"^ring=3 sysinfo=no$", r"^exit 0$"])
    if out is not None:
        check_calls(res, "exec-v/whereami-counters-syscall-only", out, "exec")

    # the counters to the call: leaf path (getppid, clock_gettime), lite path (read) and full
    # path (umask); with "fork", in a child whose calls count for its parent at its exit
    counts = {}
    for mode, k, fork in (("kexec", 0, ""), ("kexec", 100, ""), ("exec", 0, ""), ("exec", 100, ""),
                          ("kexec", 0, " fork"), ("kexec", 100, " fork")):
        out = expect(res, s, "%s-v/callcount-%d%s" % (mode, k, fork.replace(" ", "-")),
                     "%s -v /bin/callcount %d%s" % (mode, k, fork),
                     [r"^callcount: ring=%d K=%d$" % (RING_OF[mode], k), r"^exit 0$"])
        counts[mode, k, fork] = calls(out)
    c = counts
    if all(c.values()):
        base = c["kexec", 0, ""][0]
        res.check("kexec-v/leaf-and-full-calls-counted-exactly",
                  c["kexec", 0, ""][1] == 0 and c["kexec", 100, ""] == (base + 400, 0),
                  "kexec -v callcount 0: %r, 100: %r (want (%d, 0))" % (c["kexec", 0, ""], c["kexec", 100, ""], base + 400))
        res.check("exec-v/calls-counted-exactly",
                  c["exec", 0, ""] == (0, base) and c["exec", 100, ""] == (0, base + 400),
                  "exec -v callcount 0: %r, 100: %r (want (0, %d) and (0, %d): the same calls as in ring 0)"
                  % (c["exec", 0, ""], c["exec", 100, ""], base, base + 400))
        f0, f100 = c["kexec", 0, " fork"], c["kexec", 100, " fork"]
        res.check("kexec-v/child-calls-counted-exactly",
                  f0[1] == 0 and f100 == (f0[0] + 400, 0),
                  "kexec -v callcount 0 fork: %r, 100 fork: %r (want the second 400 more through the entry)"
                  % (f0, f100))
    else:
        res.record("kexec-v/leaf-and-full-calls-counted-exactly", False, "no counters: %r" % c)

    # syscall at CPL 0: the slow path works, returns to CPL 0, and is counted exactly
    out = expect(res, s, "kexec-v/entryregs-raw-syscall", "kexec -v /bin/entryregs 10",
                 [r"^entryregs: ring=0$", r"^entryregs: raw ok$", r"^entryregs: all ok$", r"^exit 0$"])
    c = calls(out)
    res.check("kexec-v/slow-path-counted-exactly", c is not None and c[1] == 10 and c[0] > 0,
              "want 'calls: N>0 through the entry, 10 through the syscall instruction', got %r" % (c,))

    # trust at kexec (contract 3): unmarked images never run in ring 0
    for name, cmd, want in (
            ("whereami-nonote", "kexec /bin/whereami-nonote", [r"^ring=3 sysinfo=no$", r"^exit 0$"]),
            ("rawring-nostartfiles", "kexec /bin/rawring", [r"^rawring: ring=3$", r"^exit 3$"]),
            ("busybox-sh", "kexec /bin/sh -c /bin/whereami", [r"^ring=3 sysinfo=no$", r"^exit 0$"])):
        def go(name=name, cmd=cmd, want=want):
            out = s.run(cmd)
            ok, why = untrusted_ok(out, want, state.get("kexec_works"))
            res.check("kexec/untrusted-%s-not-ring0" % name, ok, why)
        step(res, "kexec/untrusted-%s-not-ring0" % name, go)

    # execve in one process (the running task changes ring, or keeps it)
    expect(res, s, "kexec/execve-marked-stays-ring0", "kexec /bin/whereami -x /bin/whereami",
           [r"\Aring=0 sysinfo=yes\nring=0 sysinfo=yes\n", r"^exit 0$"])
    expect(res, s, "kexec/execve-unmarked-drops-to-ring3", "kexec /bin/whereami -x /bin/whereami-nonote",
           [r"\Aring=0 sysinfo=yes\nring=3 sysinfo=no\n", r"^exit 0$"])
    expect(res, s, "kexec/execve-unmarked-then-marked-stays-ring3",
           "kexec /bin/whereami -x /bin/whereami-nonote -x /bin/whereami",
           [r"\Aring=0 sysinfo=yes\nring=3 sysinfo=no\nring=3 sysinfo=no\n", r"^exit 0$"])
    expect(res, s, "exec/execve-marked-from-ring3-stays-ring3", "exec /bin/whereami -x /bin/whereami",
           [r"\Aring=3 sysinfo=no\nring=3 sysinfo=no\n", r"^exit 0$"])

    # ps shows the ring of a live process
    for mode in ("kexec", "exec"):
        name = "%s/ps-ring-column" % mode

        def go(mode=mode, name=name):
            out = s.run("%s /bin/linger" % mode)
            g = re.search(r"^linger: child (\d+)$", out, re.M)
            if not g:
                raise AssertionError("no 'linger: child N' in %r" % out[-300:])
            pid = g.group(1)
            ps = s.run("ps")
            row = re.search(r"^\s*%s\s+\d+\s+[RSZ]\s+(\d+)\s" % pid, ps, re.M)
            hdr = re.search(r"^\s*PID\s+PPID\s+S\s+RING\b", ps, re.M)
            s.run("exec /bin/busybox kill -9 %s" % pid)
            res.check(name, hdr and row and int(row.group(1)) == RING_OF[mode],
                      "process %s (%s) not shown with RING %d in %r" % (pid, mode, RING_OF[mode], ps[-500:]))
        step(res, name, go)
    s.poweroff("where/poweroff")


# ---------------------------------------------------------------------------------------
# boot "progs": the special cases, part by part, in both rings

PARTS = {
    "r0signal": ["handler-ring", "computation", "blocking-eintr", "blocking-restart", "sigaltstack",
                 "altstack-overflow"],
    "r0fork": ["child-ring", "cow", "regs", "grandchild", "many"],
    "r0vfork": ["vfork-exit", "vfork-execve", "vfork-execve-fail", "posix_spawn", "system", "popen-r",
                "popen-w", "popen-untrusted-parent"],
    "r0thread": ["create-join", "tid-at-start", "mutex", "condvar", "detach", "futex", "cleartid", "tls"],
    "r0exec": ["trusted", "trusted-pie", "untrusted-stripped", "untrusted-raw", "ring3-execs-marked",
               "busybox-sh", "marked-execs-marked", "marked-execs-unmarked"],
    "entryregs": ["entry", "entry-df", "entry-args", "full", "full-df", "lite", "lite-df", "leaf-write", "raw"],
}


def run_parts(res, s, mode, prog, timeout=180.0):
    r = RING_OF[mode]
    base = "%s/%s" % (mode, prog)
    try:
        out = s.run("kexec -v /bin/%s" % prog if mode == "kexec" else "exec /bin/%s" % prog, timeout=timeout)
    except Timeout as e:
        for part in PARTS[prog]:
            res.record("%s/%s" % (base, part), False, e)
        res.record(base + "/exit-0", False, e)
        return
    tail = out[-400:]
    ring_ok = re.search(r"^%s: ring=%d$" % (prog, r), out, re.M)
    res.check(base + "/runs-in-ring-%d" % r, ring_ok, "no '%s: ring=%d' in %r" % (prog, r, out[:300]))
    fails = re.findall(r"^FAIL .*$", out, re.M)
    for part in PARTS[prog]:
        g = re.search(r"^%s: %s (ok|FAILED)$" % (prog, re.escape(part)), out, re.M)
        if g and g.group(1) == "ok":
            res.record("%s/%s" % (base, part), True)
        elif g:
            res.record("%s/%s" % (base, part), False, "; ".join(fails)[:250] or tail)
        else:
            res.record("%s/%s" % (base, part), False, "not reached; output ends %r" % tail)
    res.check(base + "/exit-0", re.search(r"^%s: all ok$" % prog, out, re.M) and re.search(r"^exit 0$", out, re.M),
              "want '%s: all ok' and 'exit 0' in %r" % (prog, tail))
    if mode == "kexec":
        # r0vfork starts busybox sh (ring 3): whether its calls count is the kernel's choice
        check_calls(res, base + "/counters", out, "kexec", slow_zero=prog not in ("r0vfork", "entryregs"))


def boot_progs(res, a, log, state):
    s = Session(res, a, log, "progs", overall=1500)
    for prog in ("r0fork", "r0vfork", "r0exec", "r0thread", "r0signal", "entryregs"):
        for mode in ("exec", "kexec"):
            run_parts(res, s, mode, prog)
    s.poweroff("progs/poweroff")


# ---------------------------------------------------------------------------------------
# boot "faults": faults, red zone, below-rsp, ring-3 attacks

def boot_faults(res, a, log, state):
    s = Session(res, a, log, "faults", overall=1200)
    for mode in ("exec", "kexec"):
        for what, sig in SIGLINE.items():
            expect(res, s, "%s/fault-%s-%s" % (mode, what, sig), "%s /bin/fault %s" % (mode, what),
                   [r"^fault: %s$" % what, r"^killed by %s$" % sig], absent=[r"survived"])
        # the shell goes on: a program runs normally after all those faults
        r = RING_OF[mode]
        expect(res, s, "%s/shell-goes-on-after-faults" % mode, "%s /bin/whereami" % mode,
               [r"^ring=%d sysinfo=%s$" % (r, "yes" if r == 0 else "no"), r"^exit 0$"])

    # the red zone under the 1 kHz timer: many interrupts land during the run
    for mode in ("exec", "kexec"):
        r = RING_OF[mode]
        v = "-v " if mode == "kexec" else ""
        out = expect(res, s, "%s/redzone-1khz-timer" % mode, "%s %s/bin/redzone-timed 1000000" % (mode, v),
                     [r"^redzone: 1000000 calls, 0 words lost$", r"^exit 0$"], timeout=240)
        g = re.search(r"^redzone-timed: (\d+) ms$", out or "", re.M)
        res.check("%s/redzone-many-timer-interrupts" % mode, g and int(g.group(1)) >= 100,
                  "the run took %s ms: fewer than 100 ticks of the 1 kHz timer" % (g.group(1) if g else "?"))
        if mode == "kexec" and out is not None:
            check_calls(res, "kexec-v/redzone-counters", out, "kexec", min_entry=1000000)
        expect(res, s, "%s/redzone-plain" % mode, "%s /bin/redzone 200000" % mode,
               [r"^redzone: 200000 calls, 0 words lost$", r"^exit 0$"], timeout=120)
        expect(res, s, "%s/redzone-control-loses-words" % mode, "%s /bin/redzone-timed-control 1000" % mode,
               [r"^redzone-control: 1000 calls, words lost$", r"^exit 0$"])
        out = expect(res, s, "%s/nothing-written-below-rsp" % mode, "%s /bin/belowsp" % mode,
                     [r"^belowsp: ring=%d$" % r, r"^belowsp: \d+ ms, 0 words changed$", r"^exit 0$"], timeout=240)
        g = re.search(r"^belowsp: (\d+) ms", out or "", re.M)
        res.check("%s/belowsp-many-timer-interrupts" % mode, g and int(g.group(1)) >= 100,
                  "the spin took %s ms: fewer than 100 ticks" % (g.group(1) if g else "?"))

    # ring 3 attacks (contract 3)
    entry = state.get("entry")
    if entry is None:
        # kexec gave no address; the tests still run, against the start of the kernel image
        res.note("no entry address from kexec /bin/whereami -a: using 0xffffffff80200000 for the ring-3 attacks")
        entry_arg = "0xffffffff80200000"
    else:
        entry_arg = entry
    expect(res, s, "exec/jump-to-entry-sigsegv", "exec /bin/jump_entry %s" % entry_arg,
           [r"^jump_entry: ring=3$", r"^killed by SIGSEGV$"], absent=[r"returned"])
    res.check("exec/jump-to-entry-address-known", entry is not None,
              "no entry address from a ring-0 whereami (kexec) to jump to")
    expect(res, s, "kexec/call-entry-directly-works", "kexec /bin/jump_entry",
           [r"^jump_entry: ring=0$", r"^jump_entry: getppid through the entry ok$", r"^exit 0$"])
    expect(res, s, "exec/forge-auxv-then-exec-marked", "exec /bin/forge auxv %s" % entry_arg,
           [r"^forge: ring=3$", r"^ring=3 sysinfo=no$", r"^exit 0$"], absent=[r"ring=0", r"^FAIL"])
    expect(res, s, "exec/forge-entry-pointer-sigsegv", "exec /bin/forge sysinfo %s" % entry_arg,
           [r"^forge: ring=3$", r"^killed by SIGSEGV$"], absent=[r"survived"])
    expect(res, s, "exec/forge-own-entry-stays-ring3", "exec /bin/forge own",
           [r"^forge: own entry ok ring=3$", r"^exit 0$"])
    expect(res, s, "kexec/own-entry-stays-ring0", "kexec /bin/forge own",
           [r"^forge: own entry ok ring=0$", r"^exit 0$"])
    expect(res, s, "exec/kernel-write-from-ring3", "exec /bin/fault kwrite %s" % entry_arg,
           [r"^killed by SIGSEGV$"], absent=[r"survived"])
    s.poweroff("faults/poweroff")


# ---------------------------------------------------------------------------------------
# boot "repeat": 1000 faults, the free-frame count comes back

def boot_repeat(res, a, log, state):
    s = Session(res, a, log, "repeat", overall=2400)
    for mode in ("kexec", "exec"):
        name = "%s/faults-1000-frames-unchanged" % mode

        def go(mode=mode, name=name):
            s.run("%s /bin/faultloop 18" % mode, timeout=120)  # warm-up: heap caches settle
            before = free_frames(s)
            t0 = time.monotonic()
            out = s.run("%s /bin/faultloop 1000" % mode, timeout=900)
            res.note("%s faultloop 1000: %.1f s" % (mode, time.monotonic() - t0))
            after = free_frames(s)
            ran = res.check("%s/faults-1000-signals" % mode,
                            re.search(r"^faultloop: ring=%d$" % RING_OF[mode], out, re.M) and
                            re.search(r"^faultloop: 1000 faults, 0 wrong$", out, re.M) and
                            re.search(r"^exit 0$", out, re.M), repr(out[-400:]))
            res.check(name, ran and before == after and before > 0,
                      "free frames %d before, %d after%s" % (before, after, "" if ran else " (and the faults did not run)"))
        step(res, name, go)

    name = "kexec/faults-1000-shell-runs-frames-unchanged"

    def shell_runs():
        kinds = list(SIGLINE)
        for i in range(len(kinds)):          # warm-up
            s.run("kexec /bin/fault %s" % kinds[i])
        before = free_frames(s)
        t0 = time.monotonic()
        bad = []
        for i in range(1000):
            what = kinds[i % len(kinds)]
            out = s.run("kexec /bin/fault %s" % what)
            if not re.search(r"^killed by %s$" % SIGLINE[what], out, re.M):
                bad.append("%d %s: %r" % (i, what, out[-120:]))
        after = free_frames(s)
        res.note("1000 kexec runs of /bin/fault: %.1f s" % (time.monotonic() - t0))
        ran = res.check("kexec/faults-1000-shell-runs-signals", not bad, "%d wrong: %s" % (len(bad), "; ".join(bad[:3])))
        res.check(name, ran and before == after and before > 0,
                  "free frames %d before, %d after%s" % (before, after, "" if ran else " (and the faults did not run)"))
    step(res, name, shell_runs)
    s.poweroff("repeat/poweroff")


# ---------------------------------------------------------------------------------------
# boot "suite": tests/progs under kexec, against exec and the host

SUITE = ["t_stdio", "t_malloc", "t_string", "t_time", "t_fileio", "t_process", "t_vfork", "t_pipe",
         "t_signal", "t_signal-pie", "t_thread", "t_thread-pie", "t_cancel", "t_jmp", "t_env"]


def suite_command(mode, prog):
    """What runs prog in mode: whereami -x execs it in the same process after printing the
    process's ring; t_env gets run.sh's arguments and environment through envexec (r0cc, so
    ring 0 is kept; busybox env would drop to ring 3)."""
    v = "-v " if mode == "kexec" else ""
    if prog == "t_env":
        return "%s %s/bin/whereami -x /bin/envexec 'RINGZERO_TEST=hello world=1' -- /progs/t_env a b 'c d'" % (mode, v)
    return "%s %s/bin/whereami -x /progs/%s" % (mode, v, prog)


def suite_body(out):
    """The program's own output: without the whereami line, the shell's exit and calls lines and
    the kernel's [syscall] log lines. Returns (whereami line, body, exit line)."""
    lines = out.split("\n")
    first = lines[0] if lines else ""
    rest = [l for l in lines[1:] if not l.startswith("[syscall] ") and not CALLS.match(l) and l != ""]
    exit_line = rest[-1] if rest else ""
    body = "".join(l + "\n" for l in rest[:-1])
    return first, body, exit_line


def boot_suite(res, a, log, state):
    s = Session(res, a, log, "suite", overall=1800)
    for p in SUITE:
        with open(os.path.join(ROOT, "tests/progs/expected/%s.out" % p.replace("-pie", ""))) as f:
            want = f.read()
        got, raw = {}, {}
        for mode in ("exec", "kexec"):
            r = RING_OF[mode]
            name = "%s/suite/%s" % (mode, p)
            try:
                out = s.run(suite_command(mode, p), timeout=180)
            except Timeout as e:
                res.record(name, False, e)
                continue
            raw[mode] = out
            first, body, exit_line = suite_body(out)
            got[mode] = body
            want_first = "ring=%d sysinfo=%s" % (r, "yes" if r == 0 else "no")
            res.check(name, first == want_first and exit_line == "exit 0" and body == want,
                      "ring line %r (want %r), %r, output %s: want %r got %r" %
                      (first, want_first, exit_line, "equal" if body == want else "differs", want[-150:], body[-250:]))
            if mode == "kexec":
                # t_vfork runs busybox sh (ring 3) for system() and popen()
                check_calls(res, "kexec-v/suite/%s/counters" % p, out, "kexec", slow_zero=p != "t_vfork")
        if "exec" in got and "kexec" in got:
            res.check("suite/%s/kexec-identical-to-exec" % p, got["exec"] == got["kexec"],
                      "exec printed %r, kexec %r" % (got["exec"][-150:], raw["kexec"][-200:]))
        else:
            res.record("suite/%s/kexec-identical-to-exec" % p, False, "a run did not finish")
    s.poweroff("suite/poweroff")


BOOTS = [("where", boot_where), ("progs", boot_progs), ("faults", boot_faults), ("repeat", boot_repeat),
         ("suite", boot_suite)]


def main():
    a = test_args(extra=lambda ap: ap.add_argument(
        "--only", help="comma-separated boots: " + ",".join(n for n, _ in BOOTS)))
    log = a.log
    only = set(a.only.split(",")) if a.only else None
    state = {}
    with Results(a.results) as res:
        for name, fn in BOOTS:
            if only is None or name in only or (name == "where" and "faults" in only):
                fn(res, a, log, state)
    return 1 if res.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
