#!/usr/bin/env python3
"""test_servers_cross.py: the servers of make test-apps with their clients in the other ring,
and reached from the host (issue 11 item 3). tests/qemu/test_servers.py runs each server with
its clients in one ring; here every step of tests/apps/servers-cross.sh is typed at the kernel
shell on its own, the starts with one command and the clients with the other:

  * server kexec, clients exec: redis-server in ring 0, redis-cli and redis-benchmark in
    ring 3; nginx in ring 0, busybox wget in ring 3 (and SIGQUIT sent from ring 3);
  * server exec, clients kexec: the other way round.

Each boot has the virtio-net device with a free host port forwarded to guest port 80 (as
`make run NET=1`), where nginx listens on every address: the host fetches index.html and the
300 KiB blob (the start of the nginx program) with urllib through QEMU's user network and
compares them byte for byte with the files it has (the host side of item 3; curl would do
the same). `ps` checks the server runs in the ring it was started in, and that no server is
left once the client step stopped it. Every line a step prints must equal its section of
tests/apps/servers-cross.expected.

Results, for PAIR in r0srv-r3cli and r3srv-r0cli: PAIR/boot, PAIR/<step> (redis-start,
redis-client, nginx-start, nginx-client, nginx-stop), PAIR/redis-ring, PAIR/nginx-ring,
PAIR/host-index.html, PAIR/host-blob.bin, PAIR/stopped, PAIR/poweroff."""
import argparse
import http.client
import os
import re
import socket
import sys
import time
import urllib.request

from harness import Results, Timeout, boot, poweroff

PAIRS = (("r0srv-r3cli", "kexec", "exec"), ("r3srv-r0cli", "exec", "kexec"))
STEPS = ("redis-start", "redis-client", "nginx-start", "nginx-client", "nginx-stop")
RING = {"kexec": 0, "exec": 3}


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sections(text):
    out, cur = {}, None
    for line in text.replace("\r", "").split("\n"):
        if line.startswith("== "):
            cur = line[3:].strip()
            out[cur] = []
        elif cur is not None and line.strip():
            out[cur].append(line.rstrip())
    return out


def http_get(port, path, deadline):
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=30) as r:
                return r.status, r.read()
        except (OSError, http.client.HTTPException) as e:
            last = e
            time.sleep(0.5)
    raise AssertionError("no answer from the guest's nginx: %r" % last)


def ps_rings(m, name):
    """The RING column of every live task called name in the kernel shell's ps."""
    rings = []
    for line in m.run("ps").replace("\r", "").split("\n"):
        f = line.split()
        if len(f) >= 7 and f[0].isdigit() and f[-1] == name and f[2] != "Z":
            rings.append(int(f[3]))
    return rings


def run_step(res, m, pair, cmd, step, port, want):
    command = "%s /bin/busybox sh /apps/servers-cross.sh %s /tmp /bin /apps /bin/busybox %d" % (cmd, step, port)
    name = "%s/%s" % (pair, step)
    try:
        out = m.run(command, timeout=600)
    except Timeout as e:
        res.record(name, False, "no prompt back: %s" % e)
        return False
    lines = [l.rstrip() for l in out.replace("\r", "").split("\n") if l.strip()]
    if lines and lines[-1].startswith("exit "):
        status = lines.pop()
    else:
        status = "no exit line"
    ok = lines == want and status == "exit 0"
    bad = [(a, b) for a, b in zip(want, lines) if a != b]
    why = ("%s; first difference: expected %r, got %r" % ((status,) + bad[0]) if bad else
           "%s; %d lines, expected %d: %r" % (status, len(lines), len(want), lines[-4:]))
    res.check(name, ok, why)
    return ok


def run_pair(res, a, pair, srv, cli, expected):
    hport = free_port()
    m = boot(res, pair + "/boot", a, a.log, timeout=60, mem="1G", overall=1800.0, net=True, net_port=hport)
    if m is None:
        for s in STEPS:
            res.record("%s/%s" % (pair, s), False, "no boot")
        return
    with m:
        run_step(res, m, pair, srv, "redis-start", 6379, expected["redis-start"])
        got = ps_rings(m, "redis-server")
        res.check(pair + "/redis-ring", got == [RING[srv]], "redis-server rings in ps: %r" % got)
        run_step(res, m, pair, cli, "redis-client", 6379, expected["redis-client"])
        if run_step(res, m, pair, srv, "nginx-start", 80, expected["nginx-start"]):
            got = ps_rings(m, "nginx")
            res.check(pair + "/nginx-ring", got == [RING[srv]], "nginx rings in ps: %r" % got)
            run_step(res, m, pair, cli, "nginx-client", 80, expected["nginx-client"])
            with open(os.path.join(a.files, "www", "index.html"), "rb") as f:
                index = f.read()
            with open(os.path.join(a.bin, "nginx"), "rb") as f:
                blob = f.read(307200)
            for path, want in (("index.html", index), ("blob.bin", blob)):
                try:
                    status, body = http_get(hport, "/" + path, time.monotonic() + 120)
                    res.check("%s/host-%s" % (pair, path), status == 200 and body == want,
                              "status %s, %d bytes (want %d), same: %s" % (status, len(body), len(want), body == want))
                except AssertionError as e:
                    res.record("%s/host-%s" % (pair, path), False, str(e))
            run_step(res, m, pair, cli, "nginx-stop", 80, expected["nginx-stop"])
        left = ps_rings(m, "redis-server") + ps_rings(m, "nginx")
        res.check(pair + "/stopped", not left, "servers still running, rings %r" % left)
        poweroff(res, m, pair + "/poweroff", timeout=20)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--bin", required=True, help="the r0cc programs (nginx: the blob's bytes)")
    p.add_argument("--files", required=True, help="tests/apps: servers-cross.expected, www/")
    p.add_argument("--pairs", default=",".join(x[0] for x in PAIRS))
    p.add_argument("--log")
    a = p.parse_args()
    a.bin, a.files = os.path.abspath(a.bin), os.path.abspath(a.files)
    a.log = a.log or os.path.splitext(a.results)[0] + ".log"
    if os.path.exists(a.log):
        os.remove(a.log)
    expected = sections(open(os.path.join(a.files, "servers-cross.expected")).read())
    with Results(a.results) as res:
        for pair, srv, cli in PAIRS:
            if pair in a.pairs.split(","):
                run_pair(res, a, pair, srv, cli, expected)
    return 1 if res.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
