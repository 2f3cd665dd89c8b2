#!/usr/bin/env python3
"""test_servers.py: the servers of make test-apps (issue 11 item 3). Debian's redis and nginx,
built unchanged with r0cc (tests/apps/servers.mk), driven by tests/apps/servers.sh under the
r0cc-built busybox shell: redis-server on a loopback port and a Unix socket, redis-cli's
correctness script (tests/apps/redis.cli, replies compared with redis.expected) over both, a
pipeline (redis-cli --pipe), MULTI/EXEC, redis-benchmark (-n 200, SET and GET, plain,
pipelined -P 16 and over the Unix socket); nginx (tests/apps/nginx.conf) serving static
files fetched with busybox wget and compared byte for byte, a 404. Every line the script
prints must equal tests/apps/servers.expected, section by section (== redis, == nginx).

On the host (always): the script with two free loopback ports, in its own session (killed
whole on a timeout); then nginx alone, a file fetched with curl and compared byte for byte
(host/nginx/curl); then that no server is left listening (host/stopped).

In the two rings (only with --guest: they need the kernel's sockets and epoll): one boot per ring, the
same script typed as `exec|kexec /bin/busybox sh /apps/servers.sh /tmp ...` (ring 3 / ring 0:
busybox, the servers and the clients all in that ring).

Results: host/redis, host/nginx, host/nginx/curl, host/stopped, [<ring>/redis, <ring>/nginx,
<ring>/boot, <ring>/poweroff]."""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from harness import Results, Timeout, boot, poweroff

SECTIONS = ("redis", "nginx")


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def sections(text):
    """{section: its lines} of the script's output ("== NAME" starts a section)."""
    out, cur = {}, None
    for line in text.replace("\r", "").split("\n"):
        if line.startswith("== "):
            cur = line[3:].strip()
            out[cur] = []
        elif cur is not None and line.strip():
            out[cur].append(line.rstrip())
    return out


def compare(res, prefix, expected, got):
    want, have = sections(expected), sections(got)
    for s in SECTIONS:
        w, h = want.get(s, []), have.get(s)
        if h is None:
            res.record("%s/%s" % (prefix, s), False, "no '== %s' section in the output: %r" % (s, got[-400:]))
            continue
        bad = [(a, b) for a, b in zip(w, h) if a != b]
        why = "first difference: expected %r, got %r" % bad[0] if bad else \
              "%d lines, expected %d: %r" % (len(h), len(w), h[-3:])
        res.check("%s/%s" % (prefix, s), h == w, why)


def listening(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(2)
        return s.connect_ex(("127.0.0.1", port)) == 0
    finally:
        s.close()


def kill_session(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except OSError:
        pass


def run_script(res, a, work, rport, nport):
    bb = os.path.join(a.bin, "busybox")
    cmd = [bb, "sh", os.path.join(a.files, "servers.sh"), work, a.bin, a.files, bb, str(rport), str(nport)]
    p = subprocess.Popen(cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, env={"PATH": "/nonexistent"}, start_new_session=True)
    try:
        out = p.communicate(timeout=300)[0].decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        kill_session(p)
        out = p.communicate()[0].decode("utf-8", "replace") + "\n(timed out after 300 s)"
    kill_session(p)         # anything the script left behind
    return out


def curl_check(res, a, work, port):
    """nginx alone, one file fetched by curl; True when nginx was stopped."""
    curl = shutil.which("curl")
    if not curl:
        res.record("host/nginx/curl", False, "no curl on the host (toolchain/bootstrap.sh apps installs it)")
        return True
    n = os.path.join(work, "curl-nginx")
    os.makedirs(os.path.join(n, "logs"))
    shutil.copytree(os.path.join(a.files, "www"), os.path.join(n, "www"))
    blob = os.urandom(1 << 20)
    with open(os.path.join(n, "www", "big.bin"), "wb") as f:
        f.write(blob)
    conf = open(os.path.join(a.files, "nginx.conf")).read().replace("127.0.0.1:8080", "127.0.0.1:%d" % port)
    with open(os.path.join(n, "nginx.conf"), "w") as f:
        f.write(conf)
    p = subprocess.Popen([os.path.join(a.bin, "nginx"), "-p", n + "/", "-c", "nginx.conf", "-e", "logs/error.log"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        for _ in range(200):
            if listening(port) or p.poll() is not None:
                break
            time.sleep(0.05)
        got = subprocess.run([curl, "-sS", "--max-time", "60", "http://127.0.0.1:%d/big.bin" % port],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        res.check("host/nginx/curl", got.returncode == 0 and got.stdout == blob,
                  "curl exit %d, %d bytes of %d, same: %s, %s" % (got.returncode, len(got.stdout), len(blob),
                                                                  got.stdout == blob, got.stderr[-200:]))
        p.send_signal(signal.SIGQUIT)
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        return False
    finally:
        kill_session(p)
    return True


def run_host(res, a):
    expected = open(os.path.join(a.files, "servers.expected")).read()
    with tempfile.TemporaryDirectory(prefix="rz-srv-") as work:
        rport, nport, cport = free_port(), free_port(), free_port()
        out = run_script(res, a, work, rport, nport)
        compare(res, "host", expected, out)
        quit_ok = curl_check(res, a, work, cport)
        left = [p for p in (rport, nport, cport) if listening(p)]
        res.check("host/stopped", quit_ok and not left,
                  "still listening on %s%s" % (left, "" if quit_ok else "; nginx did not stop on SIGQUIT"))


def run_ring(res, a, mode):
    expected = open(os.path.join(a.files, "servers.expected")).read()
    m = boot(res, mode + "/boot", a, a.log, timeout=60, mem="1G", overall=1500.0)
    if m is None:
        for s in SECTIONS:
            res.record("%s/%s" % (mode, s), False, "no boot")
        return
    with m:
        command = "%s /bin/busybox sh /apps/servers.sh /tmp /bin /apps /bin/busybox 6379 8080" % mode
        try:
            out = m.run(command, timeout=1200)
        except Timeout as e:
            for s in SECTIONS:
                res.record("%s/%s" % (mode, s), False, "no prompt back: %s" % e)
            return
        compare(res, mode, expected, out)
        poweroff(res, m, mode + "/poweroff", timeout=20)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--bin", required=True, help="the r0cc programs (redis-*, nginx, busybox)")
    p.add_argument("--files", required=True, help="tests/apps: servers.sh, redis.*, nginx.conf, www/")
    p.add_argument("--guest", action="store_true", help="also in ring 3 and ring 0 (needs sockets and epoll)")
    p.add_argument("--log")
    a = p.parse_args()
    a.bin, a.files = os.path.abspath(a.bin), os.path.abspath(a.files)
    a.log = a.log or os.path.splitext(a.results)[0] + ".log"
    if os.path.exists(a.log):
        os.remove(a.log)
    with Results(a.results) as res:
        run_host(res, a)
        if a.guest:
            for mode in ("exec", "kexec"):
                run_ring(res, a, mode)
        else:
            res.note("servers in ring 3 and ring 0: not run (APPS_SERVERS_GUEST=1 runs them: they need "
                     "the kernel's sockets and epoll)")
    return 1 if res.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
