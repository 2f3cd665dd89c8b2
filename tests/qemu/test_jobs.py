#!/usr/bin/env python3
"""test_jobs.py: job control on the console, typed as a user types it (issue 10, item 9).

One boot; every step types at the serial console and waits for what a terminal shows:

  exec/sh-*        busybox's interactive shell (`exec /bin/sh -i`): `sleep 1000000`, Ctrl-Z
                   (0x1a): the shell says it stopped, `jobs` lists it Stopped, `fg` continues
                   it (it is still running: Ctrl-C ends it), `echo $?` prints 130 and `jobs`
                   then lists nothing; again Ctrl-Z, then `bg`: `jobs` says Running, `kill
                   %1` and `wait` end it; `sleep 1000000 &`: `jobs` says Running, `kill %1`
                   ends it (Terminated), `wait` returns; `exit` gives the kernel shell back
                   (exit 0) and it still answers. (sleep 30 would end on its own: under
                   -icount with sleep=off the guest's idle time passes in a moment.)
  kexec/sh-refused `kexec /bin/sh -i` is refused: /bin/busybox is Debian's busybox-static,
                   not built with r0cc (no ringzero note), so ring 0 runs `jobs --console`
  RING/console-*   `jobs --console` (tests/semantics/jobs.c) under exec and kexec: a job in
                   the foreground stopped by Ctrl-Z, continued, ended by Ctrl-C with status
                   130; SIGTTIN and EIO for background reads, EIO in an orphaned group;
                   SIGTTOU for a background write with TOSTOP and a background tcsetpgrp;
                   TIOCSCTTY, TIOCGSID, tcgetpgrp/tcsetpgrp, TIOCNOTTY (member, leader)
  RING/double-intr `jobs --ignore-int` ignores SIGINT (double-intr-blocked: `--block-int`
                   blocks it): one Ctrl-C leaves it running (it
                   still answers a line), a second one within a second makes the kernel send
                   SIGKILL, say so ("[console] second ^C within a second: SIGKILL to process
                   group N") and the shell report "killed by SIGKILL"; the shell answers
  exec/trap-intr   the same for busybox sh running `trap '' INT` and a read loop
  RING/raw-intr    `jobs --raw` turns ISIG off: ^C is a byte it reads (twice, one at a time:
                   not killed); once it reads no more, ^C ^C (the first still unread) makes
                   the kernel send SIGKILL and say so; `stty sane` then
  host/console     the host (the reference) runs the same `jobs --console` in a
                   pseudo-terminal (Python's pty module) and types the same keys

Usage: test_jobs.py --kernel K --initrd I --results FILE --bin DIR [--log LOG]
(DIR: the semantics programs built for the host, as test_semantics.py takes them)."""
import os
import pty
import re
import select
import signal
import sys
import time

from harness import Machine, Results, Timeout, test_args

SH_PROMPT = r"\n/ # "
CTRL_C, CTRL_Z = "\x03", "\x1a"
CONSOLE_STEPS = ["ids", "fg", "ttin", "ttou", "orphan", "sctty", "notty"]


class Seq:
    """A sequence of steps on one machine: once a step fails, the rest are recorded as not
    run (the console is in an unknown state)."""

    def __init__(self, res, m, prefix):
        self.res, self.m, self.prefix, self.broken = res, m, prefix, None

    def wait(self, name, pattern, timeout=30.0, absent=None):
        """Waits for regex pattern; records name. Returns the text or None."""
        if self.broken:
            self.res.record(self.prefix + name, False, "not run: %s failed" % self.broken)
            return None
        try:
            text = self.m.wait_for(pattern, timeout)
        except Timeout as e:
            self.broken = self.prefix + name
            self.res.record(self.prefix + name, False, e)
            return None
        if absent and re.search(absent, text, re.M):
            self.res.record(self.prefix + name, False, "unexpected %r in %r" % (absent, text[-400:]))
            return text
        self.res.record(self.prefix + name, True)
        return text

    def type(self, text, enter=True):
        if not self.broken:
            self.m.type(text, enter=enter)

    def recover(self):
        """After a failure: end whatever runs (double ^C) and get the kernel shell's prompt."""
        if not self.broken:
            return
        for keys in (CTRL_C + CTRL_C, "exit\r", "exit\r"):  # a shell with stopped jobs asks twice
            self.m.type(keys, enter=False)
            try:
                self.m.wait_for(r"(^|\n)rz# ", 10)
                return
            except Timeout:
                pass


def seen(m, pattern, timeout):
    """Whether regex pattern shows in the unconsumed output within timeout (s), without
    consuming it (the step that follows checks it)."""
    rx = re.compile(pattern)
    end = time.monotonic() + timeout
    with m.cond:
        while not rx.search(m.buf, m.pos):
            left = end - time.monotonic()
            if left <= 0 or m.eof:
                return False
            m.cond.wait(left)
    return True


def sleep_then_ctrl_z(s, m, prefix):
    """`sleep 1000000` in the foreground, stopped by ^Z."""
    s.type("sleep 1000000")
    s.wait(prefix + "running", r"sleep 1000000\n")
    # The echo of Enter comes from busybox's line editor, before it puts the terminal back
    # in canonical mode with ISIG and gives the job the terminal: a ^Z typed in that moment
    # is only a byte for the line editor (which ignores it), or a SIGTSTP for the shell's
    # own group, as on Linux. So: a pause, and ^Z again while the shell says nothing.
    time.sleep(1.5)
    for _ in range(6):
        s.type(CTRL_Z, enter=False)
        if seen(m, r"Stopped", 4):
            break
    s.wait(prefix + "ctrl-z-stopped", r"\[1\]\+ +Stopped +sleep 1000000[\s\S]*?" + SH_PROMPT)


def kill_and_wait(res, s, prefix):
    """kill %1 and wait: the shell reports it Terminated (after kill's prompt or wait's)."""
    s.type("kill %1")
    killed = s.wait(prefix + "kill", r"kill %1[\s\S]*?" + SH_PROMPT, absent=r"can't kill")
    s.type("wait")
    waited = s.wait(prefix + "wait", r"wait[\s\S]*?" + SH_PROMPT)
    if not s.broken:
        both = (killed or "") + (waited or "")
        res.check(s.prefix + prefix + "terminated", re.search(r"\[1\]\+ +Terminated +sleep 1000000\n", both),
                  "no 'Terminated' in %r" % both[-300:])


def busybox_shell(res, m):
    s = Seq(res, m, "exec/sh-")
    s.type("exec /bin/sh -i")
    s.wait("start", SH_PROMPT)
    sleep_then_ctrl_z(s, m, "")
    s.type("jobs")
    s.wait("jobs-stopped", r"jobs\n\[1\]\+ +Stopped +sleep 1000000[\s\S]*?" + SH_PROMPT)
    s.type("fg")
    # fg names the job and gives it the terminal; no prompt comes while it runs
    s.wait("fg", r"fg\nsleep 1000000\n")
    time.sleep(1.5)  # fg prints the job before it gives it the terminal
    s.type(CTRL_C, enter=False)
    s.wait("ctrl-c", r"\^C[\s\S]*?" + SH_PROMPT, absent=r"/ # [\s\S]*\^C")  # no prompt before ^C
    s.type("echo $?")
    s.wait("status-130", r"echo \$\?\n130[\s\S]*?" + SH_PROMPT)
    s.type("jobs")
    s.wait("jobs-empty", r"jobs\n/ # ")
    # ^Z, then bg: it runs in the background
    sleep_then_ctrl_z(s, m, "bg-")
    s.type("bg")
    s.wait("bg-resumed", r"bg\n\[1\] sleep 1000000[\s\S]*?" + SH_PROMPT)
    s.type("jobs")
    s.wait("bg-jobs-running", r"jobs\n\[1\]\+ +Running +sleep 1000000[\s\S]*?" + SH_PROMPT)
    kill_and_wait(res, s, "bg-")
    # started in the background with &
    s.type("sleep 1000000 &")
    s.wait("amp", r"sleep 1000000 &[\s\S]*?" + SH_PROMPT)
    s.type("jobs")
    s.wait("jobs-running", r"jobs\n\[1\]\+ +Running +sleep 1000000[\s\S]*?" + SH_PROMPT)
    kill_and_wait(res, s, "")
    s.type("jobs")
    s.wait("jobs-none", r"jobs\n/ # ", absent=r"Running|Stopped")
    s.type("exit")
    s.wait("exit", r"exit\nexit 0\nrz# ")
    s.type("echo still here")
    s.wait("kernel-shell-answers", r"echo still here\nstill here\nrz# ")
    s.recover()


def console_prog(res, m, mode):
    s = Seq(res, m, "%s/console-" % mode)
    s.type("%s /bin/jobs --console" % mode)
    s.wait("ids", r"jobs: console: ids ok\n")
    s.wait("ready", r"jobs: console: type \^Z\n")
    s.type(CTRL_Z, enter=False)
    s.wait("ctrl-z-stopped", r"jobs: console: stopped by SIGTSTP\n")
    s.wait("continued", r"jobs: console: continued; type \^C\n")
    s.type(CTRL_C, enter=False)
    s.wait("ctrl-c-130", r"jobs: console: ended by SIGINT, status 130\n")
    for step in CONSOLE_STEPS[1:]:
        s.wait(step, r"jobs: console: %s ok\n" % step)
    s.wait("exit", r"jobs: console: all ok\nexit 0\nrz# ")
    s.recover()


def double_intr(res, m, mode, command, ready, answer, name):
    s = Seq(res, m, "%s/%s-" % (mode, name))
    s.type(command)
    s.wait("ready", ready)
    s.type(CTRL_C, enter=False)
    s.type("ping")
    s.wait("one-ctrl-c-survived", answer)
    s.type(CTRL_C + CTRL_C, enter=False)
    s.wait("message", r"\[console\] second \^C within a second: SIGKILL to process group \d+\n")
    s.wait("killed", r"killed by SIGKILL\nrz# ")
    s.type("echo still here")
    s.wait("kernel-shell-answers", r"echo still here\nstill here\nrz# ")
    s.recover()


def raw_mode(res, m, mode):
    """A program with ISIG off gets ^C as a byte while it reads; once it reads no more, a
    second ^C while the first waits unread makes the kernel send SIGKILL."""
    s = Seq(res, m, "%s/raw-intr-" % mode)
    s.type("%s /bin/jobs --raw" % mode)
    s.wait("ready", r"jobs: raw: reading\n")
    for i in (1, 2):  # each read before the next comes: nothing is killed
        s.type(CTRL_C, enter=False)
        s.wait("byte-%d" % i, r"jobs: raw: byte 3\n")
    s.type("q", enter=False)
    s.wait("not-reading", r"jobs: raw: not reading\n")
    s.type(CTRL_C + CTRL_C, enter=False)
    s.wait("message", r"\[console\] \^C twice, unread \(the terminal is in raw mode\): SIGKILL to process group \d+\n")
    s.wait("killed", r"killed by SIGKILL\nrz# ")
    s.type("exec /bin/stty sane")  # the terminal stays raw after it, as on Linux
    s.wait("stty-sane", r"exit 0\nrz# ")
    s.recover()


def host_console(res, prog):
    """jobs --console on the host in a pseudo-terminal: the reference for the console steps."""
    pid, fd = pty.fork()
    if pid == 0:
        # a terminal's session starts with the default actions (make run in the background
        # by a shell without job control passes SIGINT and SIGQUIT ignored)
        for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
            signal.signal(sig, signal.SIG_DFL)
        os.execv(prog, [prog, "--console"])
    buf = b""
    end = time.monotonic() + 60
    keys = [(rb"type \^Z", CTRL_Z), (rb"type \^C", CTRL_C)]
    while time.monotonic() < end and not re.search(rb"all ok|FAILED", buf):
        if keys and re.search(keys[0][0], buf):
            os.write(fd, keys.pop(0)[1].encode())
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            buf += data
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    out = buf.decode(errors="replace").replace("\r", "")
    want = [r"ended by SIGINT, status 130"] + [r"jobs: console: %s ok" % p for p in CONSOLE_STEPS] + ["all ok"]
    missing = [w for w in want if not re.search(w, out)]
    res.check("host/console", not missing, "output %r; missing %r" % (out[-400:], missing))


def main():
    a = test_args(__doc__.split("\n")[0], lambda ap: ap.add_argument("--bin", required=True))
    with Results(a.results) as res:
        host_console(res, os.path.join(a.bin, "jobs"))
        with Machine(a.kernel, a.initrd, log=a.log, overall=600.0) as m:
            try:
                m.wait_prompt(timeout=90)
            except Timeout as e:
                res.record("boot", False, e)
                return 1
            busybox_shell(res, m)
            s = Seq(res, m, "kexec/")
            s.type("kexec /bin/sh -i")
            s.wait("sh-refused", r"kexec: /bin/sh: no ringzero note: not built with r0cc \(run it in ring 3 with exec\)\nrz# ")
            s.recover()
            for mode in ("exec", "kexec"):
                console_prog(res, m, mode)
                double_intr(res, m, mode, "%s /bin/jobs --ignore-int" % mode, r"jobs: ignoring SIGINT\n",
                            r"jobs: still here: ping\n", "double-intr")
                double_intr(res, m, mode, "%s /bin/jobs --block-int" % mode, r"jobs: blocking SIGINT\n",
                            r"jobs: still here: ping\n", "double-intr-blocked")
                raw_mode(res, m, mode)
            double_intr(res, m, "exec", "exec /bin/sh -c 'trap \"\" INT; echo trapped; while read x; do echo still:$x; done'",
                        r"\ntrapped\n", r"still:ping\n", "trap-intr")
            m.type("poweroff")
            try:
                res.check("poweroff", m.wait_exit(15) == 0, "bad exit status")
            except Timeout as e:
                res.record("poweroff", False, e)
    return 1 if res.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
