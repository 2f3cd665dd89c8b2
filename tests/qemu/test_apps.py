#!/usr/bin/env python3
"""test_apps.py: make test-apps (issue 9). Debian's lua5.4, sqlite3 (the shell and speedtest1)
and busybox (defconfig), built unchanged with CC=r0cc (tests/apps/apps.mk), each run a script:
first natively on the host (the same static binary on Linux: the reference), then at the
kernel's shell under exec (ring 3) and kexec (ring 0), one boot per ring. Each ring's output
must equal the host's, with exit status 0 everywhere.

speedtest1 prints how long each step took; those times (the "0.123s" at the end of a line)
are removed before comparing, nothing else is.

Each runs with -v, and the kernel's count of its calls must show the ring: in ring 0 they go
through the ring-0 entry (at least 100, and more than through the syscall instruction), in
ring 3 none does (<ring>/<prog>/calls).

Results: host/<prog>, <ring>/<prog>, <ring>/<prog>/calls, <ring>/boot (when it fails),
<ring>/poweroff."""
import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile

from harness import Machine, Results, Timeout, boot, poweroff

# name, argv (DIR: a writable directory, BIN: where the programs are, APPS: the scripts),
# a line the output must contain (so that an empty or truncated run cannot pass), timeout (s)
PROGRAMS = [
    ("lua", ["BIN/lua", "APPS/script.lua", "DIR"], "primes\t2262\thash\t3685539155", 300),
    ("sqlite3", ["BIN/sqlite3", "DIR/apps.db", ".read APPS/script.sql"], "│ done   │ 5000   │", 300),
    ("speedtest1", ["BIN/speedtest1", "--size", "5", "DIR/speedtest1.db"], "990 - ANALYZE", 600),
    ("busybox", ["BIN/busybox", "sh", "APPS/script.sh", "DIR", "BIN/busybox"], "slept\ndone", 300),
]


def argv_for(argv, bin_dir, apps_dir, work_dir):
    return [a.replace("BIN", bin_dir).replace("APPS", apps_dir).replace("DIR", work_dir) for a in argv]


def normalize(name, text):
    text = text.replace("\r", "")
    if name == "speedtest1":
        text = re.sub(r"\s+[0-9]+\.[0-9]+s$", "", text, flags=re.M)
    return text


def compare(res, name, want, got):
    if want == got:
        return res.record(name, True)
    diff = list(difflib.unified_diff(want.splitlines(), got.splitlines(), "host", name, lineterm="", n=1))
    return res.record(name, False, "output differs from the host's: " + " | ".join(diff[2:14]))


def run_host(res, a):
    """The reference outputs (None for a program that failed on the host)."""
    refs = {}
    for name, argv, marker, timeout in PROGRAMS:
        with tempfile.TemporaryDirectory(prefix="ringzero-apps-") as work:
            cmd = argv_for(argv, os.path.abspath(a.bin), os.path.abspath(a.scripts), work)
            try:
                p = subprocess.run(cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, timeout=timeout, env={"PATH": "/nonexistent"})
                out, st = normalize(name, p.stdout.decode("utf-8", "replace")), p.returncode
            except subprocess.TimeoutExpired:
                res.record("host/" + name, False, "timed out after %d s" % timeout)
                refs[name] = None
                continue
        ok = res.check("host/" + name, st == 0 and marker in out,
                       "exit status %d, %s in: %r" % (st, "marker %r" % marker if marker not in out else "", out[-400:]))
        refs[name] = out if ok else None
    return refs


def run_ring(res, a, mode, refs):
    m = boot(res, mode + "/boot", a, a.log, timeout=60, mem="1G", overall=3000.0)
    if m is None:
        for name, _, _, _ in PROGRAMS:
            res.record("%s/%s" % (mode, name), False, "no boot")
        return
    with m:
        for name, argv, marker, timeout in PROGRAMS:
            words = argv_for(argv, "/bin", "/apps", "/tmp")
            command = mode + " -v " + " ".join("'%s'" % w if " " in w else w for w in words)
            try:
                out = normalize(name, m.run(command, timeout=timeout))
            except Timeout as e:
                res.record("%s/%s" % (mode, name), False, "no prompt back: %s" % e)
                return
            calls = re.search(r"^calls: (\d+) through the entry, (\d+) through the syscall instruction\n", out, re.M)
            if calls:
                out = out[:calls.start()] + out[calls.end():]
                entry, insn = int(calls.group(1)), int(calls.group(2))
                ok = entry >= 100 and entry > insn if mode == "kexec" else entry == 0 and insn >= 100
            res.check("%s/%s/calls" % (mode, name), calls and ok,
                      "calls: %s" % (calls.group(0).strip() if calls else "no 'calls:' line"))
            if refs.get(name) is None:
                res.record("%s/%s" % (mode, name), False, "no host reference to compare with")
                continue
            compare(res, "%s/%s" % (mode, name), refs[name] + "exit 0\n", out)
        poweroff(res, m, mode + "/poweroff", timeout=20)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--bin", required=True, help="the programs, run natively on the host")
    p.add_argument("--scripts", required=True, help="tests/apps: the scripts, for the host run")
    p.add_argument("--log")
    a = p.parse_args()
    a.log = a.log or os.path.splitext(a.results)[0] + ".log"
    if os.path.exists(a.log):
        os.remove(a.log)
    with Results(a.results) as res:
        refs = run_host(res, a)
        for mode in ("exec", "kexec"):
            run_ring(res, a, mode, refs)
    return 1 if res.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
