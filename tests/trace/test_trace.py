#!/usr/bin/env python3
"""test_trace.py: the "trace" test group (issue 13 item 2): `exec -t` and `kexec -t`.

/bin/trace_prog (tests/trace/trace_prog.c) makes known calls. Its trace, normalized (pids
become P1, P2... in order of appearance, addresses of 5+ hex digits 0xADDR, the ring tag R),
must equal tests/trace/expected.txt under exec -t (ring 3), under kexec -t (ring 0), and
in the file written by `-t -o FILE`; the host's `strace -f` of the same binary must print
the same lines for the calls both print (strace's interleaving is per pid, so the lines
are compared pid by pid). Lines are compared in order within each pid.

Usage: test_trace.py --kernel ELF --initrd CPIO --results FILE --prog BIN --expected FILE
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "qemu"))
from harness import Results, boot, expect, poweroff, step, test_args  # noqa: E402

# The calls strace on the host and the tracer both print for trace_prog (rt_sigprocmask's
# sets are decoded by strace only; the first execve, strace's own, is dropped: the kernel's
# tracer is attached after it).
COMMON = ["execve", "arch_prctl", "set_tid_address", "chdir", "openat", "fcntl", "write", "close", "read",
          "writev", "readv", "lseek", "fstat", "stat", "newfstatat", "mmap", "mprotect", "munmap", "getpid", "kill", "fork", "vfork", "clone", "gettid", "wait4", "unlink", "exit_group"]
# strace shows a number it does not know whatever -e says; so does the tracer.
UNKNOWN = ["syscall_0x1f3"]
KLINE = re.compile(r"^\[pid (\d+) r(\d)\] (.*)$")
HLINE = re.compile(r"^(\d+) +(.*)$")
CMD_TIMEOUT = 60.0
LEAF_BOUND = 40  # getppid's loop iteration with the lfence/rdtsc around the loop amortized
# Where pids appear in the lines (they are small numbers in the kernel, like fds): the
# results of these calls and wait4's first argument.
PID_RESULT = re.compile(r"^((?:getpid|gettid|getppid|fork|vfork|clone|set_tid_address|wait4)\(.*\) = )(\d+)$")
PID_ARG = re.compile(r"^((?:wait4|kill)\()(\d+)")
PID_SI = re.compile(r"(si_pid=)(\d+)")


def normalize(entries, workdir=None, prog=None):
    """entries: (pid, ring, text). Returns lines "[pid Pn rR] text" grouped by pid (in the
    order pids first appear, each pid's lines in order), with pids, addresses and the
    working directory made comparable."""
    order, by_pid = [], {}
    for pid, ring, text in entries:
        if pid not in by_pid:
            order.append(pid)
            by_pid[pid] = []
        by_pid[pid].append((ring, text))
    names = {pid: "P%d" % (i + 1) for i, pid in enumerate(order)}
    out = []
    for pid in order:
        for ring, text in by_pid[pid]:
            text = re.sub(r"\s+= ", " = ", text)
            text = re.sub(r"0x[0-9a-f]{5,}", "0xADDR", text)
            if workdir:
                text = text.replace('"%s"' % workdir, '"/tmp"')
            if prog:  # the host's path of the binary, whole (a path) or cut at 32 (argv)
                text = text.replace('"%s"' % prog, '"/bin/trace_prog"')
                text = text.replace('"%s"...' % prog[:32], '"/bin/trace_prog"')
            text = re.sub(r"/\* \d+ vars? \*/", "/* N vars */", text)
            text = PID_RESULT.sub(lambda m: m.group(1) + names.get(m.group(2), "P?"), text)
            text = PID_ARG.sub(lambda m: m.group(1) + names.get(m.group(2), "P?"), text)
            text = PID_SI.sub(lambda m: m.group(1) + names.get(m.group(2), "P?"), text)
            out.append("[pid %s r%s] %s" % (names[pid], ring, text))
    return out


def kernel_lines(output):
    """The tracer's lines of a console transcript (or a trace file)."""
    entries = []
    for line in output.splitlines():
        m = KLINE.match(line.strip())
        if m:
            entries.append((m.group(1), "R", m.group(3)))
    return normalize(entries)


def host_lines(path, workdir, prog):
    """strace -f -o's file: pid-prefixed lines; an <unfinished ...> call is joined with its
    <... resumed> end; SIGCHLD's delivery is dropped (the kernel discards an ignored signal
    at once, strace shows it)."""
    entries, pending = [], {}
    for line in open(path):
        m = HLINE.match(line.rstrip("\n"))
        if not m:
            continue
        pid, text = m.groups()
        if text.startswith("--- SIGCHLD"):
            continue  # discarded at once by the kernel (ignored by default), shown by strace
        if text.endswith(" <unfinished ...>"):
            head = text[: -len(" <unfinished ...>")].rstrip()
            pending[pid] = head + " " if head.endswith(",") else head
            continue
        r = re.match(r"<\.\.\. \w+ resumed>(.*)$", text)
        if r:
            text = pending.pop(pid, "") + r.group(1)
        text = re.sub(r"si_uid=\d+", "si_uid=0", text)  # the kernel's only user is root
        if not entries and text.startswith("execve("):
            continue  # strace's own exec of the program
        entries.append((pid, "R", text))
    return normalize(entries, workdir, prog)


def call_name(line):
    text = line.split("] ", 1)[1]
    return text[:3] if text[:3] in ("+++", "---") else text.split("(", 1)[0]


def common(lines):
    return [l for l in lines if call_name(l) in COMMON + UNKNOWN + ["+++", "---"]]


def diff(got, want):
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return "line %d: got %r, want %r" % (i + 1, g, w)
    if len(got) != len(want):
        return "%d lines, want %d (first extra: %r)" % (len(got), len(want),
                                                       (got[len(want):] or want[len(got):])[0])
    return ""


def check_lines(res, name, got, want):
    why = diff(got, want)
    res.check(name, not why and got, why or "no trace lines")


def host_strace(res, a, want):
    """The same binary under the host's strace -f, for the calls both print."""
    if not shutil.which("strace"):
        res.record("trace-host-strace", False, "strace is not installed (toolchain/bootstrap.sh test)")
        return
    d = tempfile.mkdtemp(prefix="rz-trace-")
    try:
        log = os.path.join(d, "strace.txt")
        work = os.path.join(d, "work")
        os.mkdir(work)
        prog = os.path.abspath(a.prog)
        p = subprocess.run(["strace", "-f", "-o", log, "-e", "trace=" + ",".join(COMMON), prog, work],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        res.check("trace-host-run", p.returncode == 0 and b"trace_prog: ok" in p.stdout,
                  "status %d, output %r %r" % (p.returncode, p.stdout, p.stderr[-300:]))
        check_lines(res, "trace-host-strace", host_lines(log, work, prog), common(want))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def traced_run(res, m, cmd, ring, want):
    """cmd (exec -t or kexec -t of trace_prog) at the shell: its trace equals the expected
    one, every line with the ring's tag, and the program itself passed."""
    tag = cmd.split()[0]
    out = expect(res, m, "trace-%s-runs" % tag, cmd, [r"^trace_prog: ok$", r"^exit 0$"], timeout=CMD_TIMEOUT)
    if out is None:
        return
    rings = set(re.findall(r"^\[pid \d+ r(\d)\]", out, re.M))
    res.check("trace-%s-ring" % tag, rings == {str(ring)}, "ring tags %r, want r%d" % (rings, ring))
    check_lines(res, "trace-%s-expected" % tag, kernel_lines(out), want)


def out_file(res, m, want):
    """-o FILE: nothing on the console, the same lines in the file."""
    out = expect(res, m, "trace-o-runs", "kexec -t -o /tmp/t.txt /bin/trace_prog",
                 [r"^trace_prog: ok$", r"^exit 0$"], timeout=CMD_TIMEOUT, absent=[r"^\[pid "])
    if out is None:
        return
    out = expect(res, m, "trace-o-cat", "cat /tmp/t.txt", [r"^\[pid \d+ r0\] getpid\(\) = \d+$"],
                 timeout=CMD_TIMEOUT)
    if out is not None:
        check_lines(res, "trace-o-expected", kernel_lines(out), want)
    expect(res, m, "trace-o-bad", "exec -t -o /dev/null /bin/trace_prog", [r"^trace: /dev/null: not a regular file$"],
           absent=[r"^trace_prog", r"^\[pid "])


def leafcost(res, m, name):
    """Instructions per getppid (the leaf path) of an untraced ring-0 program: within the
    bench's bound of the ring-0 null call (32, the loop included)."""
    out = expect(res, m, name, "kexec /bin/trace_prog leafcost", [r"^leafcost \d+$"], timeout=CMD_TIMEOUT)
    n = re.search(r"^leafcost (\d+)$", out or "", re.M)
    if not n:
        return None
    res.check(name + "-bound", int(n.group(1)) <= LEAF_BOUND, "%s instructions > %d" % (n.group(1), LEAF_BOUND))
    return int(n.group(1))


def main():
    def extra(ap):
        ap.add_argument("--prog", required=True)
        ap.add_argument("--expected", required=True)
    a = test_args(__doc__, extra)
    want = [l.rstrip("\n") for l in open(a.expected) if l.startswith("[pid ")]
    with Results(a.results) as res:
        host_strace(res, a, want)
        m = boot(res, "trace-boot", a, a.log, timeout=90.0, overall=600.0)
        if m is None:
            return 1
        with m:
            before = leafcost(res, m, "trace-leafcost-before")
            step(res, "trace-exec", lambda: traced_run(res, m, "exec -t /bin/trace_prog", 3, want))
            step(res, "trace-kexec", lambda: traced_run(res, m, "kexec -t /bin/trace_prog", 0, want))
            step(res, "trace-o", lambda: out_file(res, m, want))
            expect(res, m, "trace-off", "kexec -v /bin/trace_prog", [r"^trace_prog: ok$", r"^calls: \d+"],
                   absent=[r"^\[pid "], timeout=CMD_TIMEOUT)
            after = leafcost(res, m, "trace-leafcost-after")
            res.check("trace-leafcost-unchanged", before is not None and before == after,
                      "getppid in ring 0: %s instructions before tracing, %s after" % (before, after))
            # a fatal signal: strace's "+++ killed by" line; stdio's writev decoded
            expect(res, m, "trace-killed", "kexec -t /bin/segv null",
                   [r'^\[pid \d+ r0\] writev\(1, \[\{iov_base="segv: null", iov_len=10\}, '
                    r'\{iov_base="\\n", iov_len=1\}\], 2\) = 11$',
                    r"^\[pid \d+ r0\] --- SIGSEGV \{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL\} ---$",
                    r"^\[pid \d+ r0\] \+\+\+ killed by SIGSEGV( \(core dumped\))? \+\+\+$",
                    r"^killed by SIGSEGV$"], timeout=CMD_TIMEOUT)
            expect(res, m, "trace-usage", "exec -t", [r"^usage: exec \[-v\] \[-t \[-o FILE\]\]"])
            poweroff(res, m, "trace-poweroff")
    return 1 if res.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
