#!/usr/bin/env python3
"""bench_harness.py: runs the benchmarks in every mode and engine and writes results/ (stdlib only).

Called by bench/run.sh (make bench). One run:

  1. engines: tcg (plain TCG, wall-clock ns) and icount (TCG with -icount shift=0,sleep=off:
     a tick is one guest instruction) always; kvm (-enable-kvm -cpu host) only when
     /proc/cpuinfo has vmx or svm and /dev/kvm is readable and writable. The reason for
     each engine that did not run is recorded.
  2. host: every program natively (mode host, engine native).
  3. linux, linux-nomitig: Debian's stock kernel booted by QEMU with the initramfs of
     bench/init.c, once per engine, default mitigations and mitigations=off.
  4. ring0, ring3: ringzero booted by tests/qemu/harness.py, each program typed at its
     shell with kexec (ring 0) or exec (ring 3) -- see run_ringzero(), the hook. Until the
     shell can run a program, the modes are reported as not run, with the reason.
  5. results/latency.csv, results/README.md (one table per engine), results/latency.svg
     (gnuplot), results/machine.txt.

The QEMU configuration is the one tests/qemu/qemu-run gives ringzero: -M microvm -m 256M
-no-reboot, -accel tcg -cpu max (or -enable-kvm -cpu host). Console logs of every boot are
kept in BUILD/logs/.

--canned DIR skips steps 1-4 and reads DIR/*.log instead: MODE-ENGINE.log are Linux console
logs as the guest prints them, host-native.log and ringzero*.log hold CSV lines (used by
test_bench.py).
"""
import argparse
import glob
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# The socket programs (and app_redis, which needs sockets and epoll) come last: a mode whose
# sockets hang loses only their rows.
PROGRAMS = ["lat_syscall", "lat_mem", "lat_pipe", "lat_ctx", "lat_sig", "lat_proc", "bw_file",
            "app_busybox", "lat_sock", "bw_sock", "app_redis", "app_nginx"]
# Cases in report order, with what one operation is.
CASES = [
    ("floor", "indirect call of a function returning a constant (the loop)"),
    ("null", "getppid()"),
    ("raw", "getppid() by an inline syscall instruction (bypasses the entry)"),
    ("read", "read 1 byte from /dev/zero"),
    ("write", "write 1 byte to /dev/null"),
    ("clock", "clock_gettime(CLOCK_MONOTONIC) (vDSO on Linux and ringzero)"),
    ("open", "open + close /dev/null"),
    ("stat", "stat /dev/null"),
    ("fstat", "fstat"),
    ("mmap", "mmap 4 KiB + touch + munmap"),
    ("brk", "brk grow 4 KiB + touch + shrink"),
    ("pipe", "pipe round trip between two processes"),
    ("ctx", "context switch (sched_yield ping-pong, per switch)"),
    ("sig_install", "sigaction"),
    ("sig_catch", "kill(getpid(), SIGUSR1) + handler + sigreturn"),
    ("fork", "fork + _exit + wait"),
    ("exec", "fork + execve + _exit + wait"),
    ("spawn", "posix_spawn + wait"),
    ("thread", "pthread_create + join"),
    ("copy_1b", "16 MiB /dev/zero -> /dev/null, 1 B reads and writes"),
    ("copy_4k", "16 MiB /dev/zero -> /dev/null, 4 KiB reads and writes"),
    ("dd_1b", "one whole run of busybox (r0cc) `dd if=/dev/zero of=/dev/null bs=1 count=65536`: "
              "fork + execve + 128 Ki read/write calls + exit + wait"),
    ("sha256", "one whole run of busybox (r0cc) `sha256sum` of a 1 MiB file in /tmp: "
               "fork + execve + 256 reads of 4 KiB + hashing + exit + wait"),
    ("lat_unix", "1-byte round trip over an AF_UNIX stream socketpair between two processes"),
    ("lat_tcp", "1-byte round trip over a TCP connection on loopback (TCP_NODELAY)"),
    ("lat_connect", "TCP connect on loopback, the server accepts and closes, the client reads "
                    "the end of stream and closes"),
    ("bw_unix", "one 64 KiB write through an AF_UNIX stream socket to another process (and its reads)"),
    ("bw_tcp", "one 64 KiB write through a TCP connection on loopback to another process (and its reads)"),
    ("redis_get", "one redis GET (redis-benchmark -c 1 over TCP loopback; the whole system: client, "
                  "redis-server and kernel; the benchmark's start amortized over the run)"),
    ("redis_set", "one redis SET, as redis_get"),
    ("redis_get_c50", "one redis GET, redis-benchmark -c 50 (50 connections) over TCP"),
    ("redis_get_p16", "one redis GET, redis-benchmark -P 16 (16 requests pipelined) over TCP"),
    ("redis_get_unix", "one redis GET, -c 1 over the Unix socket"),
    ("redis_set_unix", "one redis SET, -c 1 over the Unix socket"),
    ("nginx_small", "one nginx GET of a 612-byte static file on a new TCP loopback connection "
                    "(connect, request, the whole reply checked, close; client, nginx and kernel)"),
    ("nginx_small_ka", "one nginx GET of the 612-byte file on a kept-alive connection"),
]
CASE_NAMES = [c for c, _ in CASES]
# A case the system has no sockets for (bench/sock.h): "# unavailable CASE: WHAT: ERROR".
UNAVAIL_RE = re.compile(r"^# unavailable ([a-z0-9_]+): (.*)$", re.M)
INFO_RE = re.compile(r"^# info prog=\S+ cpl=(\d) at_sysinfo=\S+", re.M)
MODES = ["ring0", "ring3", "linux", "linux-nomitig", "host"]
ENGINES = ["tcg", "icount", "kvm"]
HEADER = "case,mode,engine,iterations,ns_per_op,ticks_per_op"
CSV_RE = re.compile(r"^([a-z0-9_]+),(ring0|ring3|linux|linux-nomitig|host),(tcg|icount|kvm|native),"
                    r"(\d+),([0-9.]+),([0-9.]+)$")

# Iteration scales (multiplying each case's base count in bench.h's programs). The base
# counts are sized for TCG; the host is ~20x faster.
FULL = {"guest": 5.0, "host": 25.0}
QUICK = {"guest": 0.2, "host": 1.0}

MEM = "256M"


def log(msg):
    print("bench: " + msg, flush=True)


# The QEMU currently running, killed when the harness is interrupted or terminated, so that
# no emulator is left spinning without its reader.
CHILD = {"proc": None}


def qemu_children(pid):
    """PIDs of the qemu-system processes started by process pid (tests/qemu/qemu-run runs
    QEMU as its child, so killing qemu-run alone would leave QEMU running)."""
    try:
        kids = open("/proc/%d/task/%d/children" % (pid, pid)).read().split()
    except OSError:
        return []
    out = []
    for k in kids:
        try:
            if b"qemu-system" in open("/proc/%s/cmdline" % k, "rb").read():
                out.append(int(k))
        except OSError:
            pass
    return out


def kill_pids(pids):
    for pid in pids:
        try:
            if b"qemu-system" in open("/proc/%d/cmdline" % pid, "rb").read():
                os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def on_signal(signum, frame):  # noqa: ARG001
    p = CHILD["proc"]
    if p is not None and p.poll() is None:
        kill_pids(qemu_children(p.pid))
        p.kill()
    kill_pids(CHILD.get("qemu", []))
    log("interrupted (signal %d)" % signum)
    sys.exit(128 + signum)


def load_average():
    try:
        return open("/proc/loadavg").read().split()[:3]
    except OSError:
        return ["?", "?", "?"]


# --- engines --------------------------------------------------------------------------

def detect_engines():
    """Returns (list of engines to run, {engine: reason})."""
    why = {"tcg": "always (TCG, -cpu max): wall-clock time under emulation",
           "icount": "always (TCG, -cpu %s, -icount shift=0,sleep=off, %s): ticks are guest instructions" % (
                  ICOUNT_CPU, " ".join(ICOUNT_RTC))}
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        flags = ""
    hw = re.search(r"^flags\s*:.*\b(vmx|svm)\b", flags, re.M)
    kvm_ok = os.path.exists("/dev/kvm") and os.access("/dev/kvm", os.R_OK | os.W_OK)
    if hw and kvm_ok:
        why["kvm"] = "ran: /proc/cpuinfo has %s and /dev/kvm is usable (-enable-kvm -cpu host)" % hw.group(1)
        return ["tcg", "icount", "kvm"], why
    parts = []
    if not hw:
        parts.append("/proc/cpuinfo has neither vmx nor svm (no hardware virtualization; "
                     "a /dev/kvm here would be PVM, which cannot run these guests)")
    if not kvm_ok:
        parts.append("/dev/kvm is missing or not readable and writable")
    why["kvm"] = "not run: " + "; ".join(parts)
    return ["tcg", "icount"], why


# Under icount the guest is deterministic except for RDRAND/RDSEED, which return the host's
# entropy: Debian's kernel then makes different random choices every boot (address-space
# layout, slab freelists, ...) and the instruction counts vary by up to a few per cent.
# Without the two instructions it seeds from deterministic sources, and two runs print
# identical counts. Every mode's icount boot uses this CPU model.
ICOUNT_CPU = "max,-rdrand,-rdseed"
# The other source: the RTC. By default it follows the host's clock, so a kernel that reads
# it at boot (both do: ringzero polls its update-in-progress bit, Linux seeds from it) runs a
# different number of instructions each boot, and the timer's phase relative to the
# benchmarks moves. Under icount the RTC starts at a fixed date and follows the virtual
# clock.
ICOUNT_RTC = ["-rtc", "base=2026-01-01T00:00:00,clock=vm"]


def accel_args(engine):
    if engine == "kvm":
        return ["-enable-kvm", "-cpu", "host"]
    if engine == "icount":
        return ["-accel", "tcg", "-cpu", ICOUNT_CPU, "-icount", "shift=0,sleep=off"] + ICOUNT_RTC
    return ["-accel", "tcg", "-cpu", "max"]


# --- parsing --------------------------------------------------------------------------

def parse_csv_lines(text):
    """CSV result lines found anywhere in text (other lines ignored)."""
    rows = []
    for line in text.replace("\r", "").split("\n"):
        m = CSV_RE.match(line.strip())
        if m:
            rows.append({"case": m.group(1), "mode": m.group(2), "engine": m.group(3),
                         "iterations": int(m.group(4)), "ns": float(m.group(5)),
                         "ticks": float(m.group(6))})
    return rows


def parse_unavailable(text):
    """[(case, why)] of the cases a program reported as not available (bench/sock.h)."""
    return [(m.group(1), m.group(2).strip()) for m in UNAVAIL_RE.finditer(text.replace("\r", ""))]


def unavailable_notes(where, text):
    """The notes for the not-available cases in text, e.g. 'ring0 icount: lat_tcp not available
    (socket(AF_INET, SOCK_STREAM): Function not implemented)'."""
    return ["%s: %s not available (%s)" % (where, c, why) for c, why in parse_unavailable(text)]


def parse_linux_console(text):
    """Parses a Linux guest's console log (bench/init.c's output)."""
    text = text.replace("\r", "")
    out = {"rows": [], "notes": [], "unavailable": [], "boot_ns": None, "uname": None, "cmdline": None,
           "mem": None, "vuln": [], "complete": False}
    m = re.search(r"^RZBENCH boot_ns=(\d+)", text, re.M)
    if m:
        out["boot_ns"] = int(m.group(1))
    m = re.search(r"=== RZBENCH CSV BEGIN ===\n(.*?)=== RZBENCH CSV END ===", text, re.S)
    if m:
        out["rows"] = parse_csv_lines(m.group(1))
        out["notes"] = [l.strip() for l in m.group(1).split("\n")
                        if l.strip() and not CSV_RE.match(l.strip()) and not l.startswith("# info ")
                        and not UNAVAIL_RE.match(l.strip())]
        out["unavailable"] = parse_unavailable(m.group(1))
    m = re.search(r"=== RZBENCH INFO BEGIN ===\n(.*?)=== RZBENCH INFO END ===", text, re.S)
    if m:
        out["complete"] = True
        for line in m.group(1).split("\n"):
            if line.startswith("uname: "):
                out["uname"] = line[7:]
            elif line.startswith("cmdline: "):
                out["cmdline"] = line[9:]
            elif line.startswith("mem: "):
                kv = dict(x.split("=") for x in line[5:].split())
                out["mem"] = kv
            elif line.startswith("vuln "):
                out["vuln"].append(line[5:])
    return out


def merge_boots(boot_rows):
    """Rows of several boots of one guest (a list per boot) -> (rows, spread): per case the
    median of ns and of ticks over the boots that printed it, and spread[case] = (ticks
    spread, ns spread), each (max - min) / median. The order is the first boot's."""
    by = {}
    order = []
    for rows in boot_rows:
        for r in rows:
            if r["case"] not in by:
                order.append(r["case"])
            by.setdefault(r["case"], []).append(r)
    out, spread = [], {}
    for c in order:
        rs = by[c]
        med = dict(rs[0])
        med["ns"] = statistics.median(r["ns"] for r in rs)
        med["ticks"] = statistics.median(r["ticks"] for r in rs)
        med["boots"] = len(rs)
        out.append(med)

        def rel(vals, m):
            return (max(vals) - min(vals)) / m if m else 0.0
        spread[c] = (rel([r["ticks"] for r in rs], med["ticks"]), rel([r["ns"] for r in rs], med["ns"]))
    return out, spread


# --- running --------------------------------------------------------------------------

def run_host(bindir, scale, logdir):
    """Every program natively; returns (rows, notes)."""
    rows, notes, text = [], [], ""
    for prog in PROGRAMS:
        path = os.path.abspath(os.path.join(bindir, prog))
        t0 = time.monotonic()
        p = subprocess.run([path, "host", "native", "%g" % scale], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=600)
        got = parse_csv_lines(p.stdout)
        text += p.stdout + p.stderr
        rows += got
        notes += unavailable_notes("host", p.stdout)
        if p.returncode != 0:
            notes.append("host %s: exit status %d: %s" % (prog, p.returncode, p.stderr.strip()[:200]))
        log("  host native %-12s %2d cases  %5.1f s" % (prog, len(got), time.monotonic() - t0))
    with open(os.path.join(logdir, "host-native.log"), "w") as f:
        f.write(text)
    return rows, notes


LINUX_APPEND = "console=ttyS0 quiet panic=-1"
# Each Linux guest is booted this many times and every figure is the median over the boots,
# the spreads written to linux-spread.csv: issue 12 reported Linux's counts moving by 2-7 %
# between boots (fork, exec, thread, brk); with -rdrand,-rdseed and the fixed RTC, three
# QUICK boots per mode gave identical counts (2026-12-02), and the spreads say which holds.
# Under icount the full run of 071e92d had every count identical in all three boots, so
# icount guests boot twice (the spreads still show whether they repeat), tcg guests three
# times (their times move with the host's load).
LINUX_BOOTS = 3
LINUX_BOOTS_ICOUNT = 2
# ringzero's tcg boots too: in two full runs (2026-12-02) the first ringzero boot after the
# Linux guests ran every case 1.7-1.8x slower (sha256 included, which makes no system call)
# while the same boot alone, minutes later, did not; the median of three boots keeps one
# such boot out. Its icount counts repeat exactly: one boot.
RZ_TCG_BOOTS = 3
# Extra QEMU arguments for every Linux guest boot (bench/bench_model.py adds -plugin).
LINUX_EXTRA_QEMU = []


# A Linux guest that has printed nothing after this long is stuck in early boot (seen
# about one boot in ten under TCG on a loaded machine, before the kernel's first message):
# it is killed and booted again, at most LINUX_ATTEMPTS times in all.
LINUX_SILENT_LIMIT = 180
# Under plain TCG the guest's TSC is the host's, but on a loaded machine Linux's calibration
# of it against the PIT fails ("tsc: Unable to calibrate against PIT", then "Marking TSC
# unstable") and the boot crawls or stalls before its first line (every boot, 2026-12-02,
# load 10-16). So the tcg boots are told the host's TSC frequency (tsc_early_khz=), measured
# from the host rows of this run (rdtsc ticks per ns). icount boots need nothing: their
# clocks are virtual.
TSC_KHZ = {"khz": None}
LINUX_ATTEMPTS = 3


def host_tsc_khz(rows):
    """The host's TSC frequency in kHz: the median of ticks/ns over the host rows (rdtsc
    ticks and clock_gettime ns of the same loops), or None without usable rows."""
    ratios = sorted(r["ticks"] / r["ns"] for r in rows
                    if r["mode"] == "host" and r["ns"] > 50 and r["ticks"] > 0)
    if not ratios:
        return None
    return int(round(ratios[len(ratios) // 2] * 1e6))


def boot_linux(vmlinuz, initrd, mode, engine, scale, logpath, timeout):
    """boot_linux_once, again when the guest stayed silent; returns (parsed, cmdline, wall)."""
    for attempt in range(1, LINUX_ATTEMPTS + 1):
        parsed, cmd, wall, silent = boot_linux_once(vmlinuz, initrd, mode, engine, scale, logpath, timeout)
        if not silent:
            break
        log("  %s %s: no output in %d s (attempt %d of %d): killed%s" % (
            mode, engine, LINUX_SILENT_LIMIT, attempt, LINUX_ATTEMPTS,
            ", booting again" if attempt < LINUX_ATTEMPTS else ""))
        parsed["notes"].append("boot %d printed nothing in %d s and was killed" % (attempt, LINUX_SILENT_LIMIT))
    return parsed, cmd, wall


def boot_linux_once(vmlinuz, initrd, mode, engine, scale, logpath, timeout):
    """Boots Debian's kernel with bench/init.c as /init; returns (parsed, cmdline, wall,
    silent): silent when it printed nothing in LINUX_SILENT_LIMIT seconds and was killed."""
    append = LINUX_APPEND + os.environ.get("BENCH_LINUX_APPEND", "")
    if mode == "linux-nomitig":
        append += " mitigations=off"
    if engine == "tcg" and TSC_KHZ["khz"]:
        append += " tsc_early_khz=%d" % TSC_KHZ["khz"]
    append += " rzmode=%s rzengine=%s rzscale=%g" % (mode, engine, scale)
    cmd = ["qemu-system-x86_64", "-M", "microvm", "-m", MEM] + accel_args(engine) + \
          ["-nographic", "-no-reboot", "-kernel", vmlinuz, "-initrd", initrd, "-append", append] + \
          LINUX_EXTRA_QEMU
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    CHILD["proc"] = proc
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    chunks, wall_init, ncsv = [], None, 0
    silent = []

    def kill_if_silent():
        if not chunks:
            silent.append(True)
            proc.kill()
    watchdog = threading.Timer(LINUX_SILENT_LIMIT, kill_if_silent)
    watchdog.start()
    try:
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace")
            chunks.append(line)
            if wall_init is None and line.startswith("RZBENCH boot_ns="):
                wall_init = time.monotonic() - t0
            if CSV_RE.match(line.strip()):
                ncsv += 1
                if ncsv % 5 == 0:
                    log("    ... %d cases, %.0f s" % (ncsv, time.monotonic() - t0))
        proc.wait()
    finally:
        timer.cancel()
        watchdog.cancel()
    wall = time.monotonic() - t0
    text = "".join(chunks)
    with open(logpath, "w") as f:
        f.write("# " + " ".join(shlex.quote(a) for a in cmd) + "\n" + text)
    parsed = parse_linux_console(text)
    parsed["wall_to_init"] = wall_init
    parsed["status"] = proc.returncode
    return parsed, cmd, wall, bool(silent)


# ---- HOOK: ringzero ring0/ring3 ------------------------------------------------------
#
# run_ringzero() boots ringzero (tests/qemu/harness.py's Machine: tests/qemu/qemu-run,
# -M microvm -m 256M, TCG, -icount shift=0,sleep=off for the icount engine) with
# BUILD/ringzero-initramfs.cpio (kernel/kernel.mk's initramfs plus the benchmarks in /bin,
# made by `make bench-ringzero`), waits for the prompt, types `mem`, then for every program
#
#     kexec /bin/lat_syscall ring0 icount 5        (ring0)
#     exec  /bin/lat_syscall ring3 icount 5        (ring3)
#
# and takes the CSV lines from the command's output (everything up to the next prompt). What
# it expects of the kernel: the shell runs the program with argv = PATH MODE ENGINE SCALE,
# the program's stdout is the console, the prompt comes back when the program has exited;
# /dev/null and /dev/zero exist; rdtsc works in ring 3; lat_proc re-executes itself as
# argv[0] (/bin/lat_proc --exit). A program that prints no CSV line is reported with the
# first line of its output (e.g. "kexec: not implemented yet"). Times: wall-clock from
# QEMU's start to the prompt, and the `mem` command's output, go to machine.txt.

def run_ringzero(kernel, initrd, mode, engine, scale, logpath, per_prog_timeout):
    """Returns dict(rows, notes, boot_wall, mem, ran, why, cmd)."""
    res = {"rows": [], "notes": [], "boot_wall": None, "mem": None, "ran": False, "why": "", "cmd": None}
    if engine == "kvm":
        res["why"] = "tests/qemu/harness.py's Machine runs TCG only (RZ_ACCEL=tcg)"
        return res
    if not (kernel and os.path.exists(kernel) and initrd and os.path.exists(initrd)):
        res["why"] = "ringzero kernel or its bench initramfs not built (make bench-ringzero failed)"
        return res
    try:
        import importlib.util
        spec = importlib.util.spec_from_file_location(
            "rz_qemu_harness", os.path.join(ROOT, "tests", "qemu", "harness.py"))
        qh = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(qh)
    except Exception as e:  # noqa: BLE001
        res["why"] = "tests/qemu/harness.py not importable: %s" % e
        return res
    shell_cmd = "kexec" if mode == "ring0" else "exec"
    overall = 60 + per_prog_timeout * len(PROGRAMS)
    # qemu-run passes -cpu max; a later -cpu replaces it (QEMU keeps the last one).
    extra = ["-cpu", ICOUNT_CPU] + ICOUNT_RTC if engine == "icount" else []
    res["cmd"] = "%s -M microvm -m %s -no-reboot -accel tcg -cpu max%s -kernel %s -initrd %s" % (
        qh.QEMU_RUN, MEM, " -icount shift=0,sleep=off -cpu " + ICOUNT_CPU + " " + " ".join(ICOUNT_RTC) if engine == "icount" else "",
        kernel, initrd)
    if os.path.exists(logpath):
        os.unlink(logpath)
    CHILD["qemu"] = []
    try:
        with qh.Machine(kernel, initrd, log=logpath, mem=MEM, icount=(engine == "icount"),
                        overall=overall, extra_args=extra) as m:
            CHILD["proc"] = m.proc
            for _ in range(50):            # qemu-run starts QEMU within milliseconds
                CHILD["qemu"] = qemu_children(m.proc.pid)
                if CHILD["qemu"] or m.proc.poll() is not None:
                    break
                time.sleep(0.02)
            m.wait_prompt(timeout=60)
            res["boot_wall"] = m.elapsed()
            res["mem"] = " ".join(m.run("mem", timeout=20).split())[:300]
            for prog in PROGRAMS:
                t0 = time.monotonic()
                out = m.run("%s /bin/%s %s %s %g" % (shell_cmd, prog, mode, engine, scale),
                            timeout=per_prog_timeout)
                got = parse_csv_lines(out)
                # Only rows from a program that really ran at the mode's privilege level.
                want_cpl = 0 if mode == "ring0" else 3
                cpls = [int(c) for c in INFO_RE.findall(out)]
                if got and cpls and any(c != want_cpl for c in cpls):
                    res["notes"].append("%s %s: the program ran at CPL %d, not %d (%s does not run "
                                        "%s yet); its %d rows are left out" % (
                                            mode, prog, cpls[0], want_cpl, shell_cmd, mode, len(got)))
                    got = []
                res["rows"] += got
                if got:
                    res["ran"] = True
                lines = [l.strip() for l in out.replace("\r", "").split("\n")
                         if l.strip() and not CSV_RE.match(l.strip())]
                na = unavailable_notes("%s %s" % (mode, engine), out)
                res["notes"] += na
                if not got and not na:
                    res["notes"].append("%s %s: no result: %s" % (mode, prog, (lines[1:2] or lines[:1] or ["(no output)"])[0][:160]))
                log("  %s %s %-12s %2d cases  %5.1f s" % (mode, engine, prog, len(got), time.monotonic() - t0))
            m.type("poweroff")
            try:
                m.wait_exit(20)
            except qh.Timeout:
                pass
    except Exception as e:  # noqa: BLE001  (Timeout, QEMU exit, ...)
        res["notes"].append("%s %s: %s" % (mode, engine, e))
    finally:
        # Machine kills qemu-run on a timeout, not the QEMU it started: do that here.
        kill_pids(CHILD.get("qemu", []))
        CHILD["qemu"] = []
    if not res["ran"]:
        res["why"] = res["notes"][0] if res["notes"] else "no result"
    return res
# ---- end of HOOK ----------------------------------------------------------------------


# --- report ---------------------------------------------------------------------------

def fmt(v):
    if v is None:
        return "—"
    if v >= 1e6:
        return "%.4g" % v if v < 1e9 else "%.3e" % v
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.2f" % v


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    r = a / b
    return "%.1f×" % r if r >= 10 else "%.2f×" % r


def table_value(rows, engine, mode, case):
    """The number a table shows: ticks for icount/kvm, ns for tcg; the host column shows
    host cycles (ticks) in the icount/kvm tables and host ns in the tcg table."""
    eng = "native" if mode == "host" else engine
    for r in rows:
        if r["case"] == case and r["mode"] == mode and r["engine"] == eng:
            return r["ns"] if engine == "tcg" else r["ticks"]
    return None


UNITS = {"tcg": ("TCG time", "ns per operation (wall clock under TCG; host: ns natively)"),
         "icount": ("TCG instruction counts", "guest instructions per operation "
                    "(-icount shift=0,sleep=off; host: TSC cycles natively)"),
         "kvm": ("KVM", "CPU cycles per operation (rdtsc; host: TSC cycles natively)")}


def engine_table(rows, engine):
    lines = ["| case | ring0 | ring3 | linux | linux-nomitig | host | ring3/ring0 | linux/ring0 | ring0/floor |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    floor0 = table_value(rows, engine, "ring0", "floor")
    present = {r["case"] for r in rows}
    for case in CASE_NAMES + sorted(present - set(CASE_NAMES)):
        if case not in present:
            continue
        v = {m: table_value(rows, engine, m, case) for m in MODES}
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            case, fmt(v["ring0"]), fmt(v["ring3"]), fmt(v["linux"]), fmt(v["linux-nomitig"]),
            fmt(v["host"]), ratio(v["ring3"], v["ring0"]), ratio(v["linux"], v["ring0"]),
            ratio(v["ring0"], floor0)))
    return "\n".join(lines)


def write_csv(rows, path):
    order = {(m, e): i for i, (m, e) in enumerate((m, e) for m in MODES for e in ENGINES + ["native"])}
    cidx = {c: i for i, c in enumerate(CASE_NAMES)}
    rows = sorted(rows, key=lambda r: (order.get((r["mode"], r["engine"]), 99), cidx.get(r["case"], 99)))
    with open(path, "w") as f:
        f.write(HEADER + "\n")
        for r in rows:
            f.write("%s,%s,%s,%d,%.2f,%.1f\n" % (r["case"], r["mode"], r["engine"], r["iterations"],
                                                 r["ns"], r["ticks"]))


def spread_sentence(info):
    """The README's sentence on how much the Linux figures move between boots."""
    sp = info.get("linux_spread") or {}
    nboots = max([n for (m, e), (n, _) in sp.items() if e == "icount"] or [1])
    if nboots < 2:
        return ("this run booted each Linux guest once, so it cannot say whether they repeat "
                "(a full `make bench` boots each twice under icount, three times under tcg).")
    worst = [(v[0], c, m) for (m, e), (_, d) in sp.items() if e == "icount" for c, v in d.items()]
    worst.sort(reverse=True)
    w = ", ".join("%s %s %.1f %%" % (c, m, 100 * x) for x, c, m in worst[:4] if x > 0)
    if not w:
        return ("each Linux guest was booted %d times under icount and every instruction count was the same "
                "in every boot ([linux-spread.csv](linux-spread.csv) has the spreads, all 0; the "
                "table shows the median)." % nboots)
    return ("each Linux guest was booted %d times under icount: the counts move between boots, so each Linux "
            "figure is the median, and [linux-spread.csv](linux-spread.csv) gives every case's "
            "spread ((max - min) / median over the boots); the largest instruction-count "
            "spreads: %s." % (nboots, w))


def write_spread(spreads, path):
    with open(path, "w") as f:
        f.write("case,mode,engine,boots,ticks_spread_pct,ns_spread_pct\n")
        for (mode, engine), (n, d) in sorted(spreads.items()):
            for c, (t, ns) in d.items():
                f.write("%s,%s,%s,%d,%.2f,%.2f\n" % (c, mode, engine, n, 100 * t, 100 * ns))


def unavailable_summary(host_notes, boots, rz):
    """The README's lines for the cases some mode has no sockets for (one per mode and engine)."""
    out = [n for n in host_notes if " not available (" in n]
    for (mode, engine), b in sorted(boots.items()):
        out += ["%s %s: %s not available (%s)" % (mode, engine, c, why)
                for c, why in b["parsed"].get("unavailable", [])]
    for (mode, engine), r in sorted(rz.items()):
        out += [n for n in r.get("notes", []) if " not available (" in n]
    return out


def write_readme(rows, engines, why, not_run, info, path, svg_ok):
    out = ["# Benchmark results",
           "",
           "Written by `make bench` (bench/bench_harness.py); do not edit by hand. %s" % info["when"],
           "The machine, the engines, QEMU's command lines and the guest kernel are in "
           "[machine.txt](machine.txt); every number is in [latency.csv](latency.csv).",
           "",
           "Each figure is the median of 5 repetitions (after a warm-up) of a loop of the "
           "operation, per operation, loop included: the `floor` row is the loop itself. "
           "Under tcg every guest (ringzero's two modes and Linux's) is booted three times in a "
           "full run and each figure is the median over the boots (the spreads are in "
           "linux-spread.csv). "
           "The copy rows are per 16 MiB (a repetition copies `iterations` bytes and the "
           "per-byte cost is scaled to 16 MiB). The application rows (`dd_1b`, `sha256`) "
           "are per whole run of a real program: busybox from Debian's source, built with "
           "r0cc (so under `kexec` it runs in ring 0 too), doing the same work at every "
           "scale. Modes: **ring0** (ringzero, `kexec`), **ring3** "
           "(ringzero, `exec`), **linux** (Debian's stock kernel %s as a guest, default "
           "mitigations), **linux-nomitig** (the same with `mitigations=off`), **host** (the "
           "same static binaries run natively on this machine's Linux)." % info.get("linux_version", ""),
           "",
           "How to read the engines: **tcg** is wall-clock time under QEMU's TCG emulator "
           "(guest code runs 10-50× slower than on hardware, and the emulator's costs, e.g. a TLB "
           "flush, are not the hardware's); **icount** is the same emulator with "
           "`-icount shift=0,sleep=off`, where the guest's TSC advances one tick per guest "
           "instruction, so `ticks_per_op` is an exact instruction count (the CPU "
           "model is `-cpu max,-rdrand,-rdseed` there: RDRAND returns host entropy, which makes "
           "Linux's random choices, and with them its counts, differ from boot to boot). "
           "ringzero's counts repeat exactly from boot to boot; for Linux's, %s An "
           "instruction count charges `syscall` and `sysretq` one instruction each, so it "
           "understates what a privilege switch costs on hardware: read it beside TCG time, not "
           "instead of it. **kvm** (hardware virtualization, when the CPU has vmx or svm) gives "
           "CPU cycles; on such a machine the same `make bench` adds that table." % spread_sentence(info),
           ""]
    mit = info.get("linux_mitigations")
    if mit is not None:
        out.append("What `mitigations=off` turns off here: under TCG with `-cpu max` the guest "
                   "kernel reports itself affected by only a few issues, so its default "
                   "mitigations are: %s (the other vulnerabilities files say \"Not affected\"; "
                   "all are in machine.txt). In particular there is no page-table isolation, so "
                   "the linux and linux-nomitig columns differ little." % ("; ".join(mit) or "none"))
        out.append("")
    try:
        # The run itself keeps about one CPU busy (one QEMU at a time).
        ncpu = os.cpu_count() or 1
        busy = float(info["load"][0][0]) > 0.5 * ncpu or float(info["load"][1][2]) > 1 + 0.5 * ncpu
    except ValueError:
        busy = False
    if busy:
        out.append("**Note:** the machine was busy with other work during this run (load average "
                   "%s at the start, %s over the last 15 minutes at the end, on %d CPUs): the TCG "
                   "times are inflated and noisy; the instruction counts are not affected." % (
                       info["load"][0][0], info["load"][1][2], os.cpu_count() or 0))
        out.append("")
    out.append("Engines: " + "; ".join("%s %s" % (e, why[e]) for e in ENGINES) + ".")
    out.append("")
    if not_run:
        out.append("Not run in this run:")
        out.append("")
        for n in not_run:
            out.append("* " + n)
        out.append("")
    for e in engines:
        title, unit = UNITS[e]
        out += ["## %s (`%s`)" % (title, e), "", "Unit: " + unit + ".", "", engine_table(rows, e), ""]
    if svg_ok:
        out += ["## Plot", "", "![latency](latency.svg)", "",
                "Log scale; instruction counts (icount) on the left, TCG time on the right.", ""]
    out += ["## Cases", "", "| case | one operation |", "|---|---|"]
    out += ["| %s | %s |" % c for c in CASES]
    out.append("")
    with open(path, "w") as f:
        f.write("\n".join(out))


def write_svg(rows, engines, results, build):
    """Log-scale clustered bar chart (gnuplot); one panel per TCG engine. Returns success."""
    gp = shutil.which("gnuplot")
    if not gp:
        log("gnuplot not found: no latency.svg (toolchain/bootstrap.sh bench installs gnuplot-nox)")
        return False
    panels = [e for e in ["icount", "tcg", "kvm"] if e in engines]
    cases = [c for c in CASE_NAMES if any(r["case"] == c for r in rows)]
    datafiles = {}
    for e in panels:
        p = os.path.join(build, "plot-%s.dat" % e)
        with open(p, "w") as f:
            f.write("case " + " ".join(MODES) + "\n")
            for c in cases:
                vals = [table_value(rows, e, m, c) for m in MODES]
                f.write(c + " " + " ".join("-" if v is None or v <= 0 else "%g" % v for v in vals) + "\n")
        datafiles[e] = p
    svg = os.path.join(results, "latency.svg")
    width = 1100 * len(panels)
    script = ['set terminal svg size %d,560 dynamic font "sans,11" background "white"' % width,
              'set output "%s"' % svg,
              'set datafile missing "-"',
              'set style data histograms', 'set style histogram clustered gap 1',
              'set style fill solid 0.85 border -1', 'set boxwidth 0.9',
              'set logscale y', 'set yrange [1:*]', 'set grid ytics', 'set termoption noenhanced',
              'set xtics rotate by -45 scale 0', 'set key top left',
              'set multiplot layout 1,%d' % len(panels)]
    colors = ["#d62728", "#ff7f0e", "#1f77b4", "#2ca02c", "#7f7f7f"]
    for e in panels:
        title, unit = UNITS[e]
        ylabel = {"icount": "guest instructions (host: cycles)", "tcg": "ns (TCG wall clock; host: native)",
                  "kvm": "cycles"}[e]
        script += ['set title "%s: per operation (log scale)"' % title, 'set ylabel "%s"' % ylabel]
        plots = ['"%s" using %d:xtic(1) title "%s" lc rgb "%s"' % (datafiles[e], i + 2, m, colors[i])
                 for i, m in enumerate(MODES)]
        script.append("plot " + ", ".join(plots))
    script.append("unset multiplot")
    sp = os.path.join(build, "latency.gp")
    with open(sp, "w") as f:
        f.write("\n".join(script) + "\n")
    p = subprocess.run([gp, sp], stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    # Empty columns (modes not run) make gnuplot warn; only a missing file is a failure.
    if not os.path.exists(svg) or os.path.getsize(svg) == 0:
        log("gnuplot failed: " + p.stderr.strip()[:300])
        return False
    return True


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_details():
    d = {}
    try:
        for line in open("/proc/cpuinfo"):
            k, _, v = line.partition(":")
            k = k.strip()
            if k in ("vendor_id", "cpu family", "model", "stepping", "cpu MHz") and k not in d:
                d[k] = v.strip()
            if k == "flags" and "flags" not in d:
                fl = v.split()
                d["flags"] = " ".join(f for f in ["vmx", "svm", "smep", "smap", "umip", "fsgsbase", "pcid",
                                                     "constant_tsc", "nonstop_tsc", "x2apic", "hypervisor"]
                                      if f in fl)
    except OSError:
        pass
    return d


def qemu_version():
    try:
        return subprocess.run(["qemu-system-x86_64", "--version"], stdout=subprocess.PIPE,
                              universal_newlines=True).stdout.split("\n")[0]
    except OSError:
        return "qemu-system-x86_64 not found"


def write_machine(path, info, engines, why, boots, rz, host_notes):
    out = ["# machine.txt: where and how results/ was measured (written by bench/bench_harness.py)", ""]
    out.append("date: %s" % info["when"])
    if info.get("commit"):
        out.append("source: git commit %s" % info["commit"])
    out.append("run: %s, %s; guest scale %g, host scale %g; duration %.0f s" % (
        "QUICK" if info["quick"] else "full", "make bench", info["scale"]["guest"], info["scale"]["host"],
        info["duration"]))
    out.append("cpu: %s" % cpu_model())
    for k, v in cpu_details().items():
        out.append("cpu %s: %s" % (k, v))
    out.append("cpus online: %d" % (os.cpu_count() or 0))
    out.append("load average (1, 5, 15 min) at the start: %s; at the end: %s" % (
        " ".join(info["load"][0]), " ".join(info["load"][1])))
    out.append("host kernel: %s" % " ".join(platform.uname()))
    out.append("")
    out.append("engines run: %s" % ", ".join(engines))
    for e in ENGINES:
        out.append("  %s: %s" % (e, why[e]))
    out.append("")
    out.append("qemu: %s" % qemu_version())
    out.append("")
    lv = info.get("linux_pkg", {})
    out.append("guest linux: Debian package %s %s (%s, sha256 %s), vmlinuz %s bytes" % (
        lv.get("package", "?"), lv.get("version", "?"), lv.get("deb", "?"), lv.get("sha256", "?"),
        lv.get("vmlinuz_bytes", "?")))
    for (mode, engine), b in sorted(boots.items()):
        p = b["parsed"]
        out.append("")
        out.append("[%s %s]" % (mode, engine))
        out.append("command: %s" % " ".join(shlex.quote(a) for a in b["cmd"]))
        out.append("uname: %s" % p.get("uname"))
        bt = p.get("boot_ns")
        out.append("boot to init: %s guest time (CLOCK_BOOTTIME at /init), %s wall clock from QEMU start" % (
            "%.3f s" % (bt / 1e9) if bt else "?",
            "%.2f s" % p["wall_to_init"] if p.get("wall_to_init") else "?"))
        mem = p.get("mem") or {}
        if mem:
            try:
                used = int(mem["total_kib"]) - int(mem["available_kib"])
                out.append("memory: MemTotal %s KiB, in use (MemTotal - MemAvailable) at the end %d KiB" % (
                    mem["total_kib"], used))
            except (KeyError, ValueError):
                pass
        out.append("whole boot: %.1f s wall clock, QEMU exit status %s, %d result lines" % (
            b["wall"], p.get("status"), len(p["rows"])))
        for n in p.get("notes", []):
            out.append("note: %s" % n)
        for c, why in p.get("unavailable", []):
            out.append("note: %s not available (%s)" % (c, why))
        for v in p.get("vuln", []):
            out.append("vulnerabilities/%s" % v)
    out.append("")
    out.append("ringzero:")
    for (mode, engine), r in sorted(rz.items()):
        if r.get("ran"):
            out.append("  [%s %s] ran; boot to prompt %.2f s wall clock; mem at the prompt: %s" % (
                mode, engine, r["boot_wall"] or 0, r["mem"]))
            if r.get("cmd"):
                out.append("  command: %s" % r["cmd"])
        else:
            out.append("  [%s %s] not run: %s" % (mode, engine, r.get("why")))
        for n in r.get("notes", []):
            if n != r.get("why"):
                out.append("    note: %s" % n)
    if info.get("kernel_bytes"):
        out.append("  kernel image %s: %d bytes" % (info["kernel"], info["kernel_bytes"]))
    out.append("")
    out.append("host: mode host, engine native (the same static binaries)")
    for n in host_notes:
        out.append("  note: %s" % n)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def read_version(build):
    d = {}
    try:
        for line in open(os.path.join(build, "linux", "version.txt")):
            k, _, v = line.partition(":")
            d[k.strip()] = v.strip()
    except OSError:
        pass
    return d


def git_commit():
    """The commit the tree was built from (with -dirty when it has local changes), or None."""
    try:
        c = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty", "--abbrev=12"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True, timeout=10)
        return c.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def main(argv=None):
    ap = argparse.ArgumentParser(description="ringzero's benchmark harness")
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "bench"))
    ap.add_argument("--results", default=os.path.join(ROOT, "results"))
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel", "ringzero.elf"))
    ap.add_argument("--rz-initrd", default=None)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--engines", default=None, help="comma-separated subset of tcg,icount,kvm")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--programs", default=None,
                    help="comma-separated subset of the programs (a narrow run: e.g. app_redis,app_nginx; "
                         "the Linux guest gets it as rzcases=, bench/init.c's filter)")
    ap.add_argument("--canned", default=None, help="parse DIR/*.log instead of running (tests)")
    ap.add_argument("--linux-boots", type=int, default=None,
                    help="boots of each Linux guest, the median reported (default %d under tcg, %d under "
                         "icount; 1 with --quick)" % (LINUX_BOOTS, LINUX_BOOTS_ICOUNT))
    a = ap.parse_args(argv)

    t_start = time.monotonic()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    load_start = load_average()
    build, results = a.build, a.results
    logdir = os.path.join(build, "logs")
    os.makedirs(logdir, exist_ok=True)
    os.makedirs(results, exist_ok=True)
    scale = QUICK if a.quick else FULL
    if a.programs:
        global PROGRAMS
        PROGRAMS = [p for p in PROGRAMS if p in a.programs.split(",")]
        os.environ["BENCH_LINUX_APPEND"] = os.environ.get("BENCH_LINUX_APPEND", "") + " rzcases=" + ",".join(PROGRAMS)
    rz_initrd = a.rz_initrd or os.path.join(build, "ringzero-initramfs.cpio")
    modes = a.modes.split(",")
    engines, why = detect_engines()
    if a.engines:
        want = a.engines.split(",")
        for e in ENGINES:
            if e not in want and e in engines:
                why[e] = "not run: left out with --engines"
        engines = [e for e in engines if e in want]
    log("%s run; engines: %s (%s)" % ("QUICK" if a.quick else "full", ", ".join(engines),
                                     "; ".join("%s %s" % (e, why[e]) for e in ENGINES if e not in engines) or "all"))

    rows, boots, rz, host_notes, not_run, spreads = [], {}, {}, [], [], {}
    vmlinuz = os.path.join(build, "linux", "vmlinuz")
    linux_initrd = os.path.join(build, "linux-initramfs.cpio")

    if a.canned:
        for p in sorted(glob.glob(os.path.join(a.canned, "*.log"))):
            text = open(p).read()
            name = os.path.basename(p)[:-4]
            if name == "host-native" or name.startswith("ringzero"):
                rows += parse_csv_lines(text)
                continue
            mode, _, engine = name.rpartition("-")
            parsed = parse_linux_console(text)
            parsed["wall_to_init"] = None
            parsed["status"] = 0
            rows += parsed["rows"]
            boots[(mode, engine)] = {"parsed": parsed, "cmd": ["(canned)", p], "wall": 0.0}
        for m in ("ring0", "ring3"):
            for e in engines:
                ran = any(r["mode"] == m and r["engine"] == e for r in rows)
                rz[(m, e)] = {"ran": ran, "why": "" if ran else "canned run", "notes": [],
                              "boot_wall": None, "mem": "(canned)"}
    else:
        steps = [("host", "native")] if "host" in modes else []
        steps += [(m, e) for e in engines for m in ("linux", "linux-nomitig") if m in modes]
        steps += [(m, e) for e in engines for m in ("ring0", "ring3") if m in modes]
        for i, (mode, engine) in enumerate(steps, 1):
            log("[%d/%d] %s %s (%.0f s so far)" % (i, len(steps), mode, engine, time.monotonic() - t_start))
            if mode == "host":
                r, host_notes = run_host(os.path.join(build, "bin"), scale["host"], logdir)
                rows += r
                TSC_KHZ["khz"] = host_tsc_khz(r)
                log("  host TSC: %s" % ("%d kHz (ticks per ns of the host rows)" % TSC_KHZ["khz"]
                                        if TSC_KHZ["khz"] else "unknown"))
            elif mode.startswith("linux"):
                timeout = 300 if a.quick else 900
                nboots = a.linux_boots or (1 if a.quick else LINUX_BOOTS_ICOUNT if engine == "icount"
                                           else LINUX_BOOTS)
                all_rows = []
                for k in range(1, nboots + 1):
                    name = "%s-%s.log" % (mode, engine) if k == 1 else "%s-%s-boot%d.log" % (mode, engine, k)
                    parsed, cmd, wall = boot_linux(vmlinuz, linux_initrd, mode, engine, scale["guest"],
                                                   os.path.join(logdir, name), timeout)
                    if k == 1:
                        boots[(mode, engine)] = {"parsed": parsed, "cmd": cmd, "wall": wall}
                    all_rows.append(parsed["rows"])
                    bt = parsed.get("boot_ns")
                    log("  %s %s boot %d/%d: %d cases, boot to init %s, %.1f s%s" % (
                        mode, engine, k, nboots, len(parsed["rows"]), "%.2f s" % (bt / 1e9) if bt else "?", wall,
                        "" if parsed["complete"] else " (INCOMPLETE: see the log)"))
                    for n in parsed["notes"]:
                        log("  note: " + n)
                merged, sp = merge_boots(all_rows)
                rows += merged
                spreads[(mode, engine)] = (nboots, sp)
            else:
                nboots = 1 if a.quick or engine != "tcg" else RZ_TCG_BOOTS
                all_rows = []
                for k in range(1, nboots + 1):
                    name = "%s-%s.log" % (mode, engine) if k == 1 else "%s-%s-boot%d.log" % (mode, engine, k)
                    t0 = time.monotonic()
                    r = run_ringzero(a.kernel, rz_initrd, mode, engine, scale["guest"],
                                     os.path.join(logdir, name), 60 if a.quick else 300)
                    if k == 1:
                        rz[(mode, engine)] = r
                    if not r["ran"]:
                        log("  %s %s not run: %s" % (mode, engine, r["why"]))
                        break
                    all_rows.append(r["rows"])
                    if nboots > 1:
                        log("  %s %s boot %d/%d: %d cases, %.1f s" % (mode, engine, k, nboots, len(r["rows"]),
                                                                   time.monotonic() - t0))
                merged, sp = merge_boots(all_rows)
                rows += merged
                if len(all_rows) > 1:
                    spreads[(mode, engine)] = (len(all_rows), sp)
    for (mode, engine), r in sorted(rz.items()):
        if not r.get("ran"):
            not_run.append("%s under %s: %s" % (mode, engine, r.get("why")))
    not_run += unavailable_summary(host_notes, boots, rz)
    for m in MODES:
        if m not in modes:
            not_run.append("%s: left out with --modes" % m)

    info = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "quick": a.quick, "scale": scale,
            "commit": git_commit(),
            "linux_pkg": read_version(build), "load": (load_start, load_average())}
    for (mode, engine), b in sorted(boots.items()):
        if mode == "linux" and b["parsed"].get("vuln"):
            info["linux_mitigations"] = ["%s" % v for v in b["parsed"]["vuln"] if "Mitigation" in v]
            break
    lp = info["linux_pkg"]
    if lp:
        info["linux_version"] = "(%s %s)" % (lp.get("package", ""), lp.get("version", ""))
    if a.kernel and os.path.exists(a.kernel):
        info["kernel"], info["kernel_bytes"] = a.kernel, os.path.getsize(a.kernel)

    info["linux_spread"] = spreads
    if spreads:
        write_spread(spreads, os.path.join(results, "linux-spread.csv"))
    write_csv(rows, os.path.join(results, "latency.csv"))
    svg_ok = write_svg(rows, engines, results, build)
    info["duration"] = time.monotonic() - t_start
    write_readme(rows, engines, why, not_run, info, os.path.join(results, "README.md"), svg_ok)
    write_machine(os.path.join(results, "machine.txt"), info, engines, why, boots, rz, host_notes)
    log("wrote %s/latency.csv (%d rows), README.md, %smachine.txt in %.0f s" % (
        results, len(rows), "latency.svg, " if svg_ok else "", info["duration"]))
    # A run that produced nothing is a failure; missing modes are reported, not fatal.
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
