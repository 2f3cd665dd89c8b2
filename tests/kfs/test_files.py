#!/usr/bin/env python3
"""test_files.py: the "files" test group. Boots ringzero under QEMU (harness.py) and runs the
file layer's programs through the shell: /bin/fstest (files, directories, descriptors,
pipes between processes, SIGPIPE, poll/select, devices, termios, bad pointers; each of its
"ok"/"not ok" lines becomes a test fstest/NAME) and /bin/ttytest (canonical input with
echo, erase and kill, ^D, ^C, raw mode), busybox on the writable tree, and busybox sh
running /etc/kfs/sh.sh (pipelines, redirections, a loop of forks; each "sh-ok NAME" line
becomes a test sh/NAME).

Usage: test_files.py --kernel ELF --initrd CPIO --results FILE [--log FILE]
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "qemu"))
from harness import Results, Timeout, boot, poweroff, test_args  # noqa: E402


def main():
    a = test_args()
    with Results(a.results) as res:
        m = boot(res, "boot", a, a.log, overall=120.0)
        if m is None:
            return 1
        with m:
            for name, fn in TESTS:
                try:
                    fn(m, res)
                except (Timeout, AssertionError) as e:
                    res.record(name, False, e)
                    if isinstance(e, Timeout):
                        return 1
            poweroff(res, m, "poweroff")
    return 1 if res.failed() else 0


def fstest(m, res):
    out = m.run("exec /bin/fstest", timeout=60)
    n = 0
    for line in out.splitlines():
        g = re.match(r"^(not )?ok (\S+?):?( .*)?$", line)
        if g:
            n += 1
            res.check("fstest/" + g.group(2), not g.group(1), line)
    res.check("fstest-summary", re.search(r"^fstest: \d+ passed, 0 failed$", out, re.M) and n > 40,
              "summary: " + out[-300:])
    res.check("fstest-exit", re.search(r"^exit 0$", out, re.M), out[-200:])


def tty_canonical(m, res):
    m.type("exec /bin/ttytest")
    m.wait_for(r"ttytest ready isatty=1 80x24\r?\n")
    m.type("hello")                         # echo, CR -> NL, ONLCR on the echo
    out = m.wait_for(r"got \[.*\]\r?\n")
    res.check("tty-echo-line", re.search(r"^hello\r?\n", out, re.M) and "got [hello\\n]" in out, repr(out))
    m.type("abd\x7fc")                      # DEL erases with "\b \b"
    out = m.wait_for(r"got \[.*\]\r?\n")
    res.check("tty-erase", "\b \b" in out and "got [abc\\n]" in out, repr(out))
    m.type("junk\x15ok")                    # ^U kills the line
    out = m.wait_for(r"got \[.*\]\r?\n")
    res.check("tty-kill", "got [ok\\n]" in out, repr(out))
    m.type("part\x04", enter=False)         # ^D sends a partial line without newline
    out = m.wait_for(r"got \[.*\]\r?\n")
    res.check("tty-eof-partial", "got [part]" in out, repr(out))
    m.type("\x04", enter=False)             # ^D on an empty line: end of file
    out = m.wait_prompt()
    res.check("tty-eof", "ttytest eof" in out and re.search(r"^exit 0", out, re.M), repr(out))


def tty_interrupt(m, res):
    m.type("exec /bin/ttytest")
    m.wait_for(r"ttytest ready")
    m.type("typed but not sent\x03", enter=False)
    out = m.wait_prompt()
    res.check("tty-ctrl-c", "^C" in out and re.search(r"killed by SIGINT", out) and "got [" not in out, repr(out))
    out = m.run("echo still alive")
    res.check("tty-after-ctrl-c", "still alive" in out, repr(out))


def tty_raw(m, res):
    m.type("exec /bin/ttytest raw")
    m.wait_for(r"raw ready")
    m.type("x\x03y", enter=False)           # no echo, no signal, no line editing
    out = m.wait_prompt()
    res.check("tty-raw", re.search(r"raw: 120 3 121", out) and "xy" not in out, repr(out))


def tty_poll(m, res):
    m.type("exec /bin/ttytest poll")
    out = m.wait_for(r"poll waiting")
    res.check("tty-poll-timeout", "poll timeout=0" in out, repr(out))
    m.type("p")
    out = m.wait_prompt()
    res.check("tty-poll-ready", "poll ready 1 revents=1" in out and "got [p\\n]" in out, repr(out))


def busybox(m, res):
    out = m.run("exec /bin/busybox mkdir -p /tmp/bb/sub")
    res.check("busybox-mkdir-p", re.search(r"^exit 0", out, re.M), repr(out))
    out = m.run("exec /bin/busybox cp /etc/motd /tmp/bb/sub/copy")
    res.check("busybox-cp", re.search(r"^exit 0", out, re.M), repr(out))
    out = m.run("exec /bin/busybox cat /tmp/bb/sub/copy")
    res.check("busybox-cp-cat", "Welcome to ringzero" in out, repr(out))
    out = m.run("exec /bin/busybox ls -R /tmp/bb")
    res.check("busybox-ls-R", "copy" in out and "sub" in out, repr(out))
    out = m.run("exec /bin/busybox rm -r /tmp/bb")
    res.check("busybox-rm", re.search(r"^exit 0", out, re.M), repr(out))
    out = m.run("ls /tmp")
    res.check("busybox-rm-r", "bb" not in out, repr(out))


def shell_script(m, res):
    out = m.run("exec /bin/sh /etc/kfs/sh.sh", timeout=60)
    n = 0
    for line in out.splitlines():
        g = re.match(r"^sh-(ok|fail) ([^:]+)(:.*)?$", line)
        if g:
            n += 1
            res.check("sh/" + g.group(2), g.group(1) == "ok", line)
    res.check("sh-script-complete", "sh-done" in out and n >= 11 and re.search(r"^exit 0$", out, re.M),
              out[-300:])


TESTS = [("fstest", fstest), ("tty-canonical", tty_canonical), ("tty-interrupt", tty_interrupt),
         ("tty-raw", tty_raw), ("tty-poll", tty_poll), ("busybox", busybox), ("shell-script", shell_script)]

if __name__ == "__main__":
    sys.exit(main())
