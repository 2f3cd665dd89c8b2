#!/usr/bin/env python3
"""test_semantics.py: the test group for issue 10 (tests/semantics/): every program runs under
exec (ring 3) and kexec (ring 0) at the kernel's shell, one boot per ring, and must print
"<prog>: ring=R", each of its parts "ok", "<prog>: all ok" and end with "exit 0" and no FAIL
line. Each also runs natively on the host first (the same static binary on Linux, the
reference behaviour; cost bounds are not checked there). The machine runs under -icount (harness default), so the cost checks the programs make
with rdtsc count guest instructions, exactly and repeatably."""
import argparse
import os
import re
import subprocess
import sys

from harness import Machine, Results, Timeout, expect

RING_OF = {"exec": 3, "kexec": 0}
# program, arguments, its parts (each must print "<prog>: <part> ok"), timeout in seconds
PROGRAMS = [
    ("usertop", "", [], 30),
    ("devrw", "", ["zero-partial", "checks"], 60),
    ("litepath", "", ["restart", "efault", "stackgrow", "threadclose", "vfork", "ppid", "ppid-thread", "preempt"], 120),
    ("vmcost", "-c", ["find-free", "huge-unmap"], 240),
    ("pollwake", "-c", ["ping-pong"], 240),
    ("sigmaskwait", "", ["ppoll", "pselect"], 30),
    ("threadexit", "", ["last-thread", "thread-last"], 180),
    ("shebang", "", ["argv", "optional-arg", "line-limit", "errors", "nested", "x-bit", "busybox"], 240),
    ("filemap", "", ["shared-write", "private-cow", "two-processes", "msync", "end-of-file", "truncate-sigbus",
                     "dev-zero", "munmap-mprotect", "errors", "exec", "mremap"], 120),
    ("procfs", "", ["exe", "maps", "fd", "meminfo", "stat", "dirs"], 60),
    ("locks", "", ["getlk", "split", "setlkw", "close", "ofd", "flock", "edeadlk", "eintr"], 120),
    ("newcalls", "", ["waitid", "mremap", "pidfd", "getrandom", "sched", "timerfd", "signalfd", "eventfd",
                      "prctl"], 120),
    ("rtsignals", "", ["queue", "order", "merge", "sigwaitinfo", "tgsigqueue", "pthread-kill", "process", "limit"], 120),
    ("futexes", "", ["pi-mutex", "pi-raw", "robust-thread", "robust-process", "bitset", "requeue", "errors"], 120),
    ("rlimits", "", ["get-set", "inherit", "nofile", "nofile-big", "nproc", "as-data", "stack", "fsize"], 120),
    ("longcall", "", ["read", "write", "append", "munmap"], 240),
    ("ipc", "", ["posix-shm", "posix-sem", "msg", "sem", "shm"], 120),
    ("vdso", "", ["auxv", "agree", "monotonic", "readonly", "maps", "getcpu", "fork"], 60),
    ("jobs", "", ["ids", "kill-group", "stop-cont", "kill-stopped", "orphan"], 120),
    ("epoll", "", ["lt", "et", "oneshot", "hup", "dup-close", "fds", "nested", "pwait", "eintr", "errors", "sockets",
               "many"],
     120),
    ("sockets_inet", "", ["echo", "refused", "half-close", "reset", "sndbuf", "bufsize", "nb-accept", "nb-connect", "backlog",
                          "addrinuse", "udp", "udp-refused", "ipv6", "names", "many", "errors"], 240),
    ("sockets_unix", "", ["pair", "path", "abstract", "shutdown", "peer-close", "sndbuf", "nonblock", "rights",
                          "peercred", "peek", "dgram", "poll", "churn", "gc", "badargs", "backlog", "vanish"], 240),
]

WARM_UP = [("vmcost", "10"), ("pollwake", "10")]


def check_output(res, name, out, prog, parts, ring, status_re):
    want = [r"^%s: ring=%d$" % (prog, ring), r"^%s: all ok$" % prog, status_re]
    want += [r"^%s: %s ok$" % (prog, p) for p in parts]
    missing = [w for w in want if not re.search(w, out, re.M)]
    fails = re.findall(r"^FAIL .*$", out, re.M)
    res.check(name, not missing and not fails, "missing %s; %s; output: %r" % (missing, fails, out[-800:]))


def run_host(res, a):
    for prog, args, parts, timeout in PROGRAMS:
        argv = [os.path.join(a.bin, prog)] + [x for x in args.split() if x != "-c"]
        try:
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=timeout)
            out = p.stdout.decode(errors="replace") + "exit %d\n" % p.returncode
        except subprocess.TimeoutExpired:
            out = "timed out"
        check_output(res, "host/%s" % prog, out, prog, parts, 3, r"^exit 0$")


def free_frames(m):
    g = re.search(r"^frames: (\d+) free", m.run("mem"), re.M)
    return int(g.group(1)) if g else None


def shell_scripts(res, m, mode):
    """`#!` scripts typed at the shell (item 7): /bin/shebang -w writes them; a script whose
    interpreter is marked runs in ring 0 under kexec, one whose interpreter is busybox
    (unmarked) is refused by kexec as an unmarked ELF is, and runs under exec."""
    d = "/tmp/sb"
    n = "%s/script-" % mode
    if expect(res, m, n + "setup", "exec /bin/shebang -w %s" % d, [r"^shebang: scripts written$", r"^exit 0$"]) is None:
        return
    ring = RING_OF[mode]
    marked = r"^ring=%d\|\[/bin/shebang\]\[--echo\]\[/tmp/sb/marked\]" % ring
    expect(res, m, n + "marked", "%s /tmp/sb/marked a b" % mode, [marked + r"\[a\]\[b\]$", r"^exit 0$"])
    expect(res, m, n + "nested", "%s /tmp/sb/nested x" % mode, [marked + r"\[/tmp/sb/nested\]\[x\]$", r"^exit 0$"])
    if mode == "exec":
        expect(res, m, n + "unmarked", "exec /tmp/sb/unmarked q", [r"^unmarked:/tmp/sb/unmarked:q$", r"^exit 0$"])
    else:
        expect(res, m, n + "unmarked", "kexec /tmp/sb/unmarked q",
               [r"^kexec: /tmp/sb/unmarked: its #! interpreter has no ringzero note \(not built with r0cc\): "
                r"run the script with exec$"], absent=[r"^unmarked:", r"^exit"])
    expect(res, m, n + "missing", "%s /tmp/sb/missing" % mode,
           [r"^%s: /tmp/sb/missing: its #! interpreter does not exist$" % mode], absent=[r"^exit"])
    expect(res, m, n + "empty", "%s /tmp/sb/empty" % mode,
           [r"^%s: /tmp/sb/empty: bad #! line: no interpreter name" % mode], absent=[r"^exit"])
    expect(res, m, n + "cleanup", "exec /bin/shebang -r %s" % d, [r"^shebang: scripts removed$", r"^exit 0$"])


def rootfs_shell(res, m):
    """What a shell script expects of the root file system (item 8): busybox applets through
    their links in /bin (busybox picks the applet from argv[0]'s basename), and busybox ps
    and top reading /proc."""
    n = "exec/rootfs-"
    expect(res, m, n + "sh-pipe", "exec /bin/sh -c 'echo hi | cat'", [r"^hi$", r"^exit 0$"])
    expect(res, m, n + "applet-link", "exec /bin/echo linked", [r"^linked$", r"^exit 0$"])
    expect(res, m, n + "sh-link", "exec /bin/sh -c 'readlink /bin/sh; readlink /proc/self/exe; ls /dev/shm /tmp >/dev/null && echo dirs'",
           [r"^busybox$", r"^/bin/busybox$", r"^dirs$", r"^exit 0$"])
    # ps lists the kernel shell (pid 1, a kernel task: [shell]) and itself
    expect(res, m, n + "ps", "exec /bin/busybox ps",
           [r"^PID\s+USER\s+(TIME\s+)?COMMAND$", r"^\s*1 0\s+(\S+\s+)?\[shell\]$",
            r"^\s*\d+ 0\s+(\S+\s+)?/bin/busybox ps$", r"^exit 0$"])
    # a shell with a child in the background: ps shows both with their parents (busybox sh
    # runs the sleep applet by execve of /proc/self/exe, so its comm is "exe", as on Linux)
    # (the foreground sleep 1 gives the background child time to reach its execve: without
    # it, ps could see the child still a forked sh, depending on the scheduling order)
    out = expect(res, m, n + "ps-tree", "exec /bin/sh -c 'sleep 3 & sleep 1; ps -o pid,ppid,stat,comm; kill %1'",
                 [r"^\s*PID\s+PPID\s+STAT\s+COMMAND$", r"^\s*(\d+)\s+1\s+S\s+sh$",
                  r"^\s*\d+\s+\d+\s+[RS]\s+(exe|sleep)$", r"^\s*\d+\s+\d+\s+R\s+ps$"])
    if out:
        sh = re.search(r"^\s*(\d+)\s+1\s+S\s+sh$", out, re.M)
        kids = re.findall(r"^\s*\d+\s+(\d+)\s+[SR]\s+(?:exe|sleep|ps)$", out, re.M)
        res.check(n + "ps-parents", sh is not None and kids == [sh.group(1)] * 2,
                  "sleep and ps should be children of sh: %r" % out[-400:])
    expect(res, m, n + "top", "exec /bin/busybox top -n 1 -b",
           [r"^Mem: \d+K used, \d+K free", r"^Load average: \d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+$",
            r"^\s*PID\s+PPID\s+USER\s+STAT\s+VSZ", r"\s1\s+0\s+0\s+SW?\s.*\[shell\]$", r"^exit 0$"])
def named_in_ps(res, m, mode):
    """PR_SET_NAME shows in the shell's `ps` (item 10): /bin/newcalls --named leaves a child
    that renamed itself, blocked on a FIFO; --release lets it end."""
    n = "%s/ps-name-" % mode
    fifo = "/tmp/nc-fifo"
    if expect(res, m, n + "setup", "%s /bin/newcalls --named %s" % (mode, fifo),
              [r"^newcalls: named child left$", r"^exit 0$"]) is None:
        return
    expect(res, m, n + "ps", "ps", [r" nc-named$"])
    expect(res, m, n + "release", "exec /bin/newcalls --release %s" % fifo,
           [r"^newcalls: named child released$", r"^exit 0$"])


def run_mode(res, a, mode):
    with Machine(a.kernel, a.initrd, log=a.log, overall=600.0) as m:
        try:
            m.wait_prompt(timeout=90)
        except Timeout as e:
            for prog, _, _, _ in PROGRAMS:
                res.record("%s/%s" % (mode, prog), False, "no prompt: %s" % e)
            return
        # The programs leave nothing behind in the kernel (no files, no processes): once they
        # are done, every frame the kernel heap took for them (vmcost's 2 500 areas alone
        # take about 40) must be back (issue 10, item 14: no high-water mark). A small run
        # first, so that what the kernel keeps for good on first use (the page tables of
        # kernel-stack slots) is in the baseline.
        for prog, args in WARM_UP:
            m.run("%s /bin/%s %s" % (mode, prog, args), timeout=60)
        before = free_frames(m)
        for prog, args, parts, timeout in PROGRAMS:
            name = "%s/%s" % (mode, prog)
            try:
                out = m.run(("%s /bin/%s %s" % (mode, prog, args)).strip(), timeout=timeout)
            except Timeout as e:
                res.record(name, False, "no prompt back: %s" % e)
                return
            check_output(res, name, out, prog, parts, RING_OF[mode], r"^exit 0$")
        after = free_frames(m)
        res.check("%s/heap-frames-back" % mode, before is not None and after == before,
                  "free frames before the programs %s, after %s" % (before, after))
        shell_scripts(res, m, mode)
        if mode == "exec":
            rootfs_shell(res, m)
        named_in_ps(res, m, mode)
        m.type("poweroff")
        res.check("%s/poweroff" % mode, m.wait_exit(15) == 0, "bad exit status")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--bin", required=True, help="the programs, to run natively on the host")
    p.add_argument("--log")
    a = p.parse_args()
    with Results(a.results) as res:
        run_host(res, a)
        for mode in ("exec", "kexec"):
            run_mode(res, a, mode)
    return 1 if res.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
