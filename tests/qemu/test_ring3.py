#!/usr/bin/env python3
"""test_ring3.py: the "ring3" test group: programs in ring 3 through the shell's exec.

Two boots (TCG, -icount): the first runs the process-core test programs from
tests/kernel-progs/ (hello, bad pointers, faults -> signals, fork/wait, copy-on-write,
brk/mmap/mprotect, signals, hostile arguments, Ctrl-C, timer preemption), the second the stress cases (a fork bomb
then the shell still works, 1000 fork/exit cycles leave the free-frame count unchanged) and
Debian's busybox-static.

Usage: test_ring3.py --kernel ELF --initrd CPIO --results FILE [--log FILE]
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Results, boot, expect, free_frames, poweroff, step, test_args  # noqa: E402


def boot_basic(res, a, log):
    m = boot(res, "ring3-boot", a, log, overall=120)
    if m is None:
        return
    with m:
        res.record("ring3-boot", True)
        expect(res, m, "hello-exit-3", "exec /bin/hello one two",
               [r"^hello from ring 3, pid \d+, argc 3 \[one\] \[two\]$", r"^exit 3$"])
        expect(res, m, "exec-missing-file", "exec /bin/nope", [r"\Aexec: /bin/nope: no such file or directory\n\Z"])
        expect(res, m, "exec-not-elf", "exec /etc/motd", [r"\Aexec: /etc/motd: [^\n]+\n\Z"])
        expect(res, m, "exec-directory", "exec /etc", [r"\Aexec: /etc: [^\n]+\n\Z"])
        expect(res, m, "bad-pointers-efault", "exec /bin/badptr",
               [r"^badptr: 0 failures$", r"^exit 0$"] +
               [r"^%s-%s: EFAULT$" % (c, k) for c in ("read", "write", "open", "stat", "pipe", "wait4")
                for k in ("kernel", "unmapped", "straddle")] +
               [r"^%s-null: EFAULT$" % c for c in ("read", "write", "open", "stat", "pipe")])
        for what, sig in (("null", "SIGSEGV"), ("kernel", "SIGSEGV"), ("write-ro", "SIGSEGV"),
                          ("exec-nx", "SIGSEGV"), ("stack", "SIGSEGV"), ("jump-kernel", "SIGSEGV"),
                          ("ud2", "SIGILL"), ("div0", "SIGFPE"), ("int3", "SIGTRAP")):
            expect(res, m, "fault-%s-%s" % (what, sig), "exec /bin/segv " + what,
                   [r"^killed by %s$" % sig, r"\A(?!.*survived)"])
        expect(res, m, "hostile-arguments", "exec /bin/hostile",
               [r"^sigreturn-garbage: signal 11$", r"^sigreturn-noncanonical-rip: signal 11$",
                r"^handler-noncanonical: signal 11$", r"^clone-bad-tls: exit 0$", r"^arch_prctl-kernel-fs: exit 0$",
                r"^execve-bad-pointers: exit 0$", r"^mmap-bad-arguments: exit 0$", r"^unknown-syscall: exit 0$",
                r"^cli-in-ring3: signal 11$", r"^wait4-bad-options: exit 0$", r"^hostile: done$", r"^exit 0$"])
        expect(res, m, "timer-preemption-1khz", "exec /bin/preempt", [r"^preempt: ok", r"^exit 0$"])
        expect(res, m, "fork-wait-vfork", "exec /bin/forkwait", [r"^forkwait: ok$", r"^exit 0$"])
        expect(res, m, "copy-on-write", "exec /bin/cow", [r"^cow: ok$", r"^exit 0$"])
        expect(res, m, "brk-mmap-mprotect", "exec /bin/memtest", [r"^memtest: ok$", r"^exit 0$"], timeout=30)
        expect(res, m, "signals", "exec /bin/sigtest", [r"^sigtest: ok$", r"^exit 0$"])

        def ctrl_c():
            m.type("exec /bin/spin")
            m.wait_for("spinning", timeout=10)
            m.type("\x03", enter=False)
            out = m.wait_prompt(timeout=10)
            res.check("ctrl-c-sigint", re.search(r"^killed by SIGINT$", out, re.M), repr(out))
        step(res, "ctrl-c-sigint", ctrl_c)
        expect(res, m, "ps-after", "ps", [r"^\s+1\s+0 R\s+0\s+\d+\s+\d+ shell$"])
        poweroff(res, m, "ring3-poweroff")


def boot_stress(res, a, log):
    m = boot(res, "stress-boot", a, log, overall=150)
    if m is None:
        return
    with m:
        expect(res, m, "fork-bomb-eagain", "exec /bin/forkbomb",
               [r"^forkbomb: \d+ children, then EAGAIN; reaped \d+$", r"^exit 0$"], timeout=60)
        expect(res, m, "shell-after-fork-bomb", "exec /bin/hello", [r"^exit 3$"])

        def cycles():
            m.run("exec /bin/forkloop 10", timeout=20)  # warm-up: heap caches settle
            before = free_frames(m)
            out = m.run("exec /bin/forkloop 1000", timeout=90)
            after = free_frames(m)
            res.check("fork-exit-1000-cycles", re.search(r"^forkloop: 1000 cycles, 0 bad$", out, re.M), repr(out))
            res.check("fork-exit-1000-frames-unchanged", before == after and before > 0,
                      "free frames %d before, %d after" % (before, after))
        step(res, "fork-exit-1000-cycles", cycles)
        expect(res, m, "busybox-echo", "exec /bin/busybox echo hello busybox", [r"^hello busybox$", r"^exit 0$"])
        expect(res, m, "busybox-ls-root", "exec /bin/busybox ls /", [r"\bbin\b", r"\betc\b", r"\btmp\b", r"^exit 0$"])
        expect(res, m, "busybox-sh-pipe", "exec /bin/sh -c 'echo a | busybox wc -c'", [r"^2$", r"^exit 0$"])
        expect(res, m, "busybox-sh-100-children",
               "exec /bin/sh -c 'i=0; while [ $i -lt 100 ]; do busybox true; i=$((i+1)); done; echo done $i'",
               [r"^done 100$", r"^exit 0$"], timeout=60)
        poweroff(res, m, "stress-poweroff")


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The r0cc program suite in ring 3 (tests/progs/expected/<name>.out), each with the command
# line that gives it what tests/progs/run.sh gives it on the host. t_env needs arguments and
# an environment: busybox env (a glibc program) sets them and execs it.
PROGS = ["t_stdio", "t_malloc", "t_string", "t_time", "t_fileio", "t_process", "t_vfork", "t_pipe",
         "t_signal", "t_signal-pie", "t_thread", "t_thread-pie", "t_cancel", "t_jmp", "t_env"]
COMMAND = {"t_env": "exec /bin/busybox env -i 'RINGZERO_TEST=hello world=1' /progs/t_env a b 'c d'"}


def boot_progs(res, a, log):
    m = boot(res, "progs-boot", a, log, overall=120)
    if m is None:
        return
    with m:
        for p in PROGS:
            with open(os.path.join(ROOT, "tests/progs/expected/%s.out" % p.replace("-pie", ""))) as f:
                want = f.read()

            def go():
                out = m.run(COMMAND.get(p, "exec /progs/%s" % p), timeout=30)
                lines = [l for l in out.split("\n") if not l.startswith("[syscall] ")]
                got = "\n".join(lines)
                ok = got.endswith("exit 0\n") and got[: -len("exit 0\n")] == want
                res.check("progs/" + p, ok, "want %r got %r" % (want[-200:], got[-300:]))
            step(res, "progs/" + p, go)
        poweroff(res, m)


def main():
    a = test_args()
    log = a.log
    with Results(a.results) as res:
        boot_basic(res, a, log)
        boot_stress(res, a, log)
        if os.path.isdir(os.path.join(ROOT, "build/kernel-progs/root/progs")):
            boot_progs(res, a, log)
        else:
            res.record("progs", False, "build/kernel-progs/root/progs is missing: the suite was not built")
    return 1 if res.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
