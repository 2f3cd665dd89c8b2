#!/usr/bin/env python3
"""harness.py: drives ringzero under QEMU over its serial console (python3 stdlib only).

Boots the kernel through tests/qemu/qemu-run with the console on QEMU's stdio (pipes),
TCG with -icount shift=0,sleep=off (deterministic: a failing run replays exactly), waits
for the prompt, types commands one character at a time ending with Enter (CR, as a
terminal sends it), and collects each command's output up to the next prompt. Every
command has its own timeout and the whole session has an overall deadline after which
QEMU is killed. A transcript of everything the console printed is kept in LOG.

Used as a library by test groups (see test_kernel.py):

    with Results(path) as res:
        with Machine(kernel, initrd, log=...) as m:
            m.wait_prompt()
            out = m.run("ls /")
            res.check("ls-root", "etc/" in out, "no etc/ in: " + out)

Results prints "PASS name" / "FAIL name: why" to the terminal and writes the same lines
to the results file (the format tests/summary.sh counts).

What every test script shares lives here once: test_args() (--kernel --initrd --results
--log), boot() (a Machine at its first prompt, or a FAIL), step() (a Timeout or an
AssertionError is that test's FAIL), expect() (a command whose output must match regexes),
poweroff() and free_frames().

As a command, it runs case files against one boot:

    harness.py --kernel K --initrd I --results FILE [--log LOG] [--mem 256M] CASEFILE...

A case file has one test per line, "name | command | regex" (blank lines and lines
starting with # are ignored): the command is typed at the prompt and the test passes when
the regex (Python re, multiline) matches its output. After the last case the harness types
poweroff and records "poweroff" as passed when qemu-run exits with status 0. Exit status:
0 when nothing failed.
"""
import argparse
import codecs
import os
import signal
import re
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
QEMU_RUN = os.path.join(HERE, "qemu-run")
PROMPT = "rz# "


class Timeout(Exception):
    pass


class Machine:
    def __init__(self, kernel, initrd, log=None, mem="256M", icount=True, overall=45.0, extra_args=(),
                 net=False, net_port=0):
        args = [QEMU_RUN, "-display", "none", "-serial", "stdio", "-monitor", "none",
                "-kernel", kernel, "-initrd", initrd]
        if icount:
            args += ["-icount", "shift=0,sleep=off"]
        args += list(extra_args)
        # net: the virtio-net device on QEMU's user network, as `make run NET=1` (qemu-run
        # builds the arguments for both); net_port 0: no host port forward.
        env = dict(os.environ, RZ_ACCEL="tcg", RZ_MEM=mem, RZ_NET="1" if net else "0",
                   RZ_NET_PORT=str(net_port))
        self.log = open(log, "a") if log else None
        if self.log:
            self.log.write("\n=== boot: %s\n" % " ".join(args))
        self.start = time.monotonic()
        self.deadline = self.start + overall
        # Its own session: qemu-run is a script, and killing it alone would leave QEMU
        # running; _kill ends the whole group.
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, start_new_session=True)
        self.buf = ""          # everything printed so far, CRs removed
        self.pos = 0           # how much of buf has been consumed by waits
        self.stderr = ""
        self.cond = threading.Condition()
        self.eof = False
        self.reader = threading.Thread(target=self._read, args=(self.proc.stdout, False), daemon=True)
        self.ereader = threading.Thread(target=self._read, args=(self.proc.stderr, True), daemon=True)
        self.reader.start()
        self.ereader.start()
        self.watchdog = threading.Timer(overall, self._kill)
        self.watchdog.daemon = True
        self.watchdog.start()

    def _read(self, f, is_err):
        # Incremental: a UTF-8 character split between two reads is decoded whole.
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        while True:
            data = os.read(f.fileno(), 4096)
            with self.cond:
                if not data:
                    if not is_err:
                        self.eof = True
                    self.cond.notify_all()
                    return
                text = decoder.decode(data).replace("\r", "")
                if is_err:
                    self.stderr += text
                else:
                    self.buf += text
                    if self.log:
                        self.log.write(text)
                        self.log.flush()
                self.cond.notify_all()

    def _kill(self):
        """Ends qemu-run and the QEMU it started (their process group), even after
        qemu-run itself has gone."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def wait_for(self, pattern, timeout=10.0):
        """Waits until regex `pattern` appears in the unconsumed output; returns the text up to
        and including the match and consumes it. Raises Timeout."""
        rx = re.compile(pattern)
        end = min(time.monotonic() + timeout, self.deadline)
        with self.cond:
            while True:
                m = rx.search(self.buf, self.pos)
                if m:
                    text = self.buf[self.pos:m.end()]
                    self.pos = m.end()
                    return text
                left = end - time.monotonic()
                if left <= 0 or self.eof:
                    why = "QEMU exited" if self.eof else "timeout"
                    raise Timeout("%s waiting for %r; got %r" % (why, pattern, self.buf[self.pos:][-300:]))
                self.cond.wait(left)

    def wait_prompt(self, timeout=10.0):
        """Output up to (not including) the next prompt at the start of a line."""
        text = self.wait_for(r"(^|\n)" + re.escape(PROMPT), timeout)
        return text[: -len(PROMPT)]

    def type(self, text, enter=True):
        """Types text one character at a time, as a user would, then Enter (CR)."""
        for ch in text + ("\r" if enter else ""):
            self.proc.stdin.write(ch.encode("latin-1"))
            self.proc.stdin.flush()

    def run(self, command, timeout=10.0):
        """Types a command and returns its output (without the echoed command line)."""
        self.type(command)
        out = self.wait_prompt(timeout)
        first_nl = out.find("\n")
        return out[first_nl + 1:] if first_nl >= 0 else ""

    def wait_exit(self, timeout=10.0):
        """QEMU's (qemu-run's) exit status, or raises Timeout."""
        try:
            return self.proc.wait(timeout=max(0.0, min(timeout, self.deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            raise Timeout("QEMU still running after %.0f s" % timeout)

    def elapsed(self):
        return time.monotonic() - self.start

    def close(self):
        self.watchdog.cancel()
        if self.proc.poll() is None:
            self._kill()
        self.proc.wait()
        self.reader.join(2)
        self.ereader.join(2)
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except OSError:
                pass
        if self.log:
            if self.stderr:
                self.log.write("\n=== qemu-run stderr:\n" + self.stderr)
            self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class Results:
    """Collects PASS/FAIL lines into a results file and shows them on the terminal."""

    def __init__(self, path):
        self.path = path
        self.lines = []

    def record(self, name, ok, why=""):
        line = "PASS %s" % name if ok else "FAIL %s: %s" % (name, " ".join(str(why).split())[:300])
        self.lines.append(line)
        print(line, flush=True)
        return ok

    def note(self, text):
        """An informational line ("# text"): shown and kept in the file, not counted."""
        self.lines.append("# " + text)
        print("# " + text, flush=True)

    def check(self, name, cond, why):
        return self.record(name, bool(cond), why)

    def failed(self):
        return sum(1 for l in self.lines if l.startswith("FAIL"))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        d = os.path.dirname(self.path)
        if d:
            os.makedirs(d, exist_ok=True)
        with open(self.path, "w") as f:
            f.write("".join(l + "\n" for l in self.lines))
        return False


def test_args(description=None, extra=None):
    """Parses the options every QEMU test script takes: --kernel ELF --initrd CPIO --results
    FILE [--log FILE] (default: FILE with .log), plus what extra(parser) adds. The log starts
    empty. Returns the parsed arguments; a.log is the log's path."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--log")
    if extra:
        extra(ap)
    a = ap.parse_args()
    a.log = a.log or os.path.splitext(a.results)[0] + ".log"
    if os.path.exists(a.log):
        os.remove(a.log)
    return a


def boot(res, name, a, log, timeout=20.0, **machine_args):
    """Boots a.kernel/a.initrd (Machine's keyword arguments: mem, overall, ...) and waits for
    the first prompt. Returns the Machine (use it in a with block; m.banner is what the boot
    printed), or None after recording FAIL name when no prompt came."""
    m = Machine(a.kernel, a.initrd, log=log, **machine_args)
    try:
        m.banner = m.wait_prompt(timeout=timeout)
    except Timeout as e:
        m.close()
        res.record(name, False, e)
        return None
    return m


def step(res, name, fn):
    """Runs fn; a Timeout (or QEMU's exit) or an AssertionError in it is a FAIL of name."""
    try:
        fn()
    except (Timeout, AssertionError) as e:
        res.record(name, False, e)


def expect(res, m, name, command, regexes, timeout=20.0, absent=()):
    """Runs command at m (anything with run(command, timeout=)); every regex (multiline)
    must match its output, no regex of absent may. Returns the output, or None after a
    Timeout (recorded as the FAIL of name)."""
    try:
        out = m.run(command, timeout=timeout)
    except Timeout as e:
        res.record(name, False, e)
        return None
    missing = [r for r in regexes if not re.search(r, out, re.M)]
    present = [r for r in absent if re.search(r, out, re.M)]
    why = []
    if missing:
        why.append("missing %r" % missing)
    if present:
        why.append("unexpected %r" % present)
    res.check(name, not why, "%s in %r" % ("; ".join(why), out[-600:]))
    return out


def poweroff(res, m, name=None, timeout=10.0):
    """Types poweroff; with a name, records whether qemu-run then exits with status 0."""
    m.type("poweroff")
    try:
        st = m.wait_exit(timeout)
    except Timeout as e:
        if name:
            res.record(name, False, e)
        return
    if name:
        res.check(name, st == 0, "qemu-run exit status %s" % st)


def free_frames(m):
    """The free-frame count the shell's mem prints (raises AssertionError without one)."""
    g = re.search(r"frames: (\d+) free", m.run("mem"))
    if not g:
        raise AssertionError("mem printed no 'frames: N free'")
    return int(g.group(1))


def read_cases(paths):
    """Parses case files into [name, command, regex] triples."""
    cases = []
    for path in paths:
        with open(path) as f:
            for n, line in enumerate(f, 1):
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                parts = [p.strip() for p in line.rstrip("\n").split("|", 2)]
                if len(parts) != 3 or not parts[0]:
                    raise ValueError("%s:%d: expected 'name | command | regex'" % (path, n))
                cases.append(parts)
    return cases


def run_cases(res, kernel, initrd, cases, log=None, mem="256M", timeout=10.0, overall=50.0, prefix=""):
    """Boots once, runs the cases in order, then poweroff; records into res."""
    with Machine(kernel, initrd, log=log, mem=mem, overall=overall) as m:
        try:
            m.wait_prompt(timeout=20)
        except Timeout as e:
            for name, _, _ in cases:
                res.record(prefix + name, False, "no prompt after boot: %s" % e)
            return
        for i, (name, command, rx) in enumerate(cases):
            try:
                out = m.run(command, timeout=timeout)
                res.check(prefix + name, re.search(rx, out, re.M), "no match for %r in %r" % (rx, out[-300:]))
            except Timeout as e:
                res.record(prefix + name, False, e)
                for rest, _, _ in cases[i + 1:]:
                    res.record(prefix + rest, False, "not run: the shell stopped answering")
                return
        poweroff(res, m, prefix + "poweroff", timeout)


def main():
    import sys

    def extra(ap):
        ap.add_argument("--mem", default="256M")
        ap.add_argument("--timeout", type=float, default=10.0, help="per command, seconds")
        ap.add_argument("--overall", type=float, default=50.0, help="whole boot, seconds")
        ap.add_argument("cases", nargs="+")
    a = test_args("run shell case files against ringzero under QEMU", extra)
    try:
        cases = read_cases(a.cases)
    except ValueError as e:
        sys.exit(str(e))
    with Results(a.results) as res:
        run_cases(res, a.kernel, a.initrd, cases, log=a.log, mem=a.mem, timeout=a.timeout, overall=a.overall)
    return 1 if res.failed() else 0


if __name__ == "__main__":
    raise SystemExit(main())
