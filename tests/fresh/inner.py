#!/usr/bin/env python3
"""inner.py: the README's two commands as a new user types them, run by tests/fresh/test-fresh.sh
inside the fresh Debian root, from the top of the cloned checkout.

Usage: inner.py LOGDIR

1. `make run`: builds what is missing (the bootstrap installs Debian packages, musl is fetched
   and built), boots the kernel with its console on stdio. Waits for the `rz# ` prompt
   (RUN_TIMEOUT seconds, default 3600), types `poweroff`, and expects make to exit with 0.
2. `make -j2 test`: expects exit status 0 and an `N passed, N failed` line (TEST_TIMEOUT).

Every output line is written to LOGDIR/run.log or LOGDIR/test.log with the seconds since the
command started; progress lines are shown on the terminal. LOGDIR/times.txt gets each
phase's duration, measured from make's own progress lines (the bootstrap's apt-get, musl's
fetch and build). Exit status 0 only if both commands succeeded.
"""
import os
import re
import select
import signal
import subprocess
import sys
import time

SAY = re.compile(r"^  ([A-Z][A-Z0-9]*) +\S")
SUMMARY = re.compile(r"^\d+ passed, \d+ failed$")


class Run:
    """One command with its output read as it comes, timestamped into a log."""

    def __init__(self, args, log, show):
        self.t0 = time.monotonic()
        self.log = open(log, "w")
        self.show = show
        self.lines = []         # (seconds, line)
        self.partial = ""
        self.log.write("# %s\n" % " ".join(args))
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def now(self):
        return time.monotonic() - self.t0

    def _line(self, line):
        t = self.now()
        self.lines.append((t, line))
        self.log.write("[%7.1f] %s\n" % (t, line))
        self.log.flush()
        if self.show(line):
            print("  %s | %s" % (os.path.basename(self.log.name)[:-4], line), flush=True)

    def pump(self, until, timeout):
        """Reads output until until(partial line) is true or the command's output ends.
        Returns True if until matched, False at the end of output; raises at the timeout."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while True:
            if until is not None and until(self.partial):
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], min(left, 5.0))
            if not ready:
                continue
            data = os.read(fd, 4096)
            if not data:
                if self.partial:
                    self._line(self.partial)
                    self.partial = ""
                return False
            text = self.partial + data.decode("utf-8", "replace").replace("\r", "")
            *done, self.partial = text.split("\n")
            for line in done:
                self._line(line)

    def type(self, text):
        self.log.write("[%7.1f] >>> typed %r\n" % (self.now(), text))
        for ch in text:
            self.proc.stdin.write(ch.encode())
            self.proc.stdin.flush()
            time.sleep(0.02)

    def finish(self, timeout):
        """Reads to the end and waits for the exit status (killing the group at the timeout)."""
        try:
            self.pump(None, timeout)
            return self.proc.wait(timeout=30)
        except (TimeoutError, subprocess.TimeoutExpired):
            self.kill()
            return None

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()

    def span(self, start_re):
        """Seconds from the first line matching start_re to the next progress line of make."""
        for i, (t, line) in enumerate(self.lines):
            if re.search(start_re, line):
                for t2, line2 in self.lines[i + 1:]:
                    if SAY.match(line2):
                        return t2 - t
                return None
        return None


def fmt(seconds):
    if seconds is None:
        return "-"
    return "%.1fs" % seconds if seconds < 10 else "%ds" % round(seconds)


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) == 2 else 2
    logdir = sys.argv[1]
    os.makedirs(logdir, exist_ok=True)
    run_timeout = float(os.environ.get("RUN_TIMEOUT", "3600"))
    test_timeout = float(os.environ.get("TEST_TIMEOUT", "3600"))
    times = []
    ok = True

    # 1. make run, fed at its console.
    print("inner: make run (builds everything first: apt, musl, kernel; then boots)", flush=True)
    r = Run(["make", "run"], os.path.join(logdir, "run.log"),
            show=lambda l: not l.startswith(("Get:", "Selecting", "Preparing", "Unpacking", "Setting up",
                                             "Processing", "(Reading")))
    prompt_at = None
    try:
        if r.pump(lambda p: p.endswith("rz# "), run_timeout):
            prompt_at = r.now()
            r._line(r.partial)
            r.partial = ""
            r.type("poweroff\r")
            status = r.finish(120)
            if status != 0:
                print("inner: make run: after poweroff, exit status %s (expected 0)" % status, flush=True)
                ok = False
        else:
            status = r.proc.wait()
            print("inner: make run ended (status %s) without reaching the rz# prompt" % status, flush=True)
            ok = False
    except TimeoutError:
        r.kill()
        print("inner: make run: no rz# prompt within %ds" % run_timeout, flush=True)
        ok = False
    total_run = r.now()
    times.append(("apt-get (the bootstrap, in make run)", r.span(r"^  CHECK +Debian packages for build")))
    times.append(("musl: fetch (Debian source package)", r.span(r"^  FETCH +musl")))
    times.append(("musl: build", r.span(r"^  MUSL +building")))
    boot = None
    for t, line in r.lines:
        if line.startswith("qemu-run: accelerator"):
            boot = (prompt_at - t) if prompt_at is not None else None
    times.append(("make run: to the rz# prompt", prompt_at))
    times.append(("  of which QEMU boot to the prompt", boot))
    times.append(("make run: total, with poweroff", total_run))
    print("inner: make run %s in %s" % ("passed" if ok else "FAILED", fmt(total_run)), flush=True)

    # 2. make -j2 test.
    print("inner: make -j2 test", flush=True)
    t = Run(["make", "-j2", "test"], os.path.join(logdir, "test.log"),
            show=lambda l: bool(re.match(r"^  TEST ", l) or l.startswith(("FAIL", "Failures", "bootstrap:",
                                "fetch-source:", "make:")) or SUMMARY.match(l) or l.startswith("  ") and "FAIL" in l))
    status = t.finish(test_timeout)
    summary = [l for _, l in t.lines if SUMMARY.match(l)]
    if status != 0 or not summary:
        print("inner: make -j2 test: exit status %s%s" % (status, "" if summary else ", no summary line"), flush=True)
        ok = False
    times.append(("make -j2 test", t.now()))

    with open(os.path.join(logdir, "times.txt"), "w") as f:
        for name, secs in times:
            f.write("%-40s %s\n" % (name, fmt(secs)))
    print("inner: %s" % (summary[-1] if summary else "no summary line"), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
