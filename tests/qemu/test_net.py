#!/usr/bin/env python3
"""test_net.py: the "net" test group: the virtio-net device before any TCP/IP stack.

Three boots, typing at the shell like a user:
  * with the device (RZ_NET=1, as `make run NET=1`, a free host port forwarded): the boot log
    names the device, its MAC and link; `net` shows zero counters; `net arp 10.0.2.2` gets
    QEMU's user-network gateway MAC 52:55:0a:00:02:02 (a frame sent and one received);
    300 requests in a row wrap both rings (64 and 128 entries) and all get replies; an
    address nobody has gets "no reply"; oversized and empty frames are refused and counted
    as tx errors; no rx errors; with a stack attached, a connection to the forwarded host
    port is reset or closed by the guest's stack (nothing listens on port 80 yet), then
    busybox httpd in the guest (ring 3) serves /etc/services to the host through it, byte for
    byte; the network files of /etc are in the root;
  * without the device: no device or interface line at boot and `net` says there is none;
  * with a legacy (virtio-mmio version 1) transport, QEMU's default: one boot line saying
    why the device is not used, `net` says there is none, and the shell still works;
  * with QEMU's socket backend (each frame a UDP datagram to this script, which plays the
    other host): when a TCP/IP stack is attached, its ARP announcement, its ARP reply and an
    ICMP echo reply (1 KiB payload, checksums checked); a 12-byte and a 2000-byte frame are
    rx errors, a 1514-byte one is not;
  * microvm with acpi=off: the device found through QEMU's virtio_mmio.device= on the
    command line (edge-triggered, on the first I/O APIC) and ARP through it; with
    auto-kernel-cmdline=off too, one line saying the device has no interrupt description;
  * the link taken down and up again through QMP's set_link: the configuration interrupt
    prints the change, `net` shows it, no ARP reply while it is down.

Usage: test_net.py --kernel ELF --initrd CPIO --results FILE [--log FILE]
"""
import http.client
import json
import os
import re
import shutil
import socket
import struct
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Results, boot, expect, poweroff, step, test_args  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GATEWAY_MAC = "52:55:0a:00:02:02"
COUNTERS = r"^rx: (\d+) frames, (\d+) bytes, (\d+) errors, (\d+) dropped.*\ntx: (\d+) frames, (\d+) bytes, (\d+) errors, (\d+) busy$"


def counters(m):
    out = m.run("net")
    g = re.search(COUNTERS, out, re.M)
    if not g:
        raise AssertionError("net printed no counters: %r" % out)
    names = ("rx_frames", "rx_bytes", "rx_errors", "rx_dropped", "tx_frames", "tx_bytes", "tx_errors", "tx_busy")
    return dict(zip(names, map(int, g.groups())))


def free_port(kind=socket.SOCK_STREAM):
    """A port nothing on this host uses right now (bound to 0, then released: a small race)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hostfwd_reset(res, m, port):
    """The forwarded port reaches the guest: QEMU accepts on the host, sends a SYN to guest
    port 80, and a stack with nothing listening answers RST, which QEMU passes on as a reset
    or an EOF (not a hang: without a stack QEMU keeps retrying the SYN)."""
    before = counters(m)
    got = None
    with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
        try:
            got = c.recv(16)
        except ConnectionResetError:
            got = "reset"
        except socket.timeout:
            got = "timeout"
    after = counters(m)
    res.check("net-hostfwd-reaches-stack", got in ("reset", b"") and after["rx_frames"] > before["rx_frames"]
              and after["tx_frames"] > before["tx_frames"], "recv: %r, counters %r -> %r" % (got, before, after))


def http_get(port, path, deadline):
    """GET http://127.0.0.1:port/path, retried until the guest's server listens."""
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=10) as r:
                return r.status, r.read()
        except (OSError, http.client.HTTPException) as e:  # reset/refused before it listens
            last = e
            time.sleep(0.5)
    raise AssertionError("no answer from the guest's server: %r" % last)


def guest_httpd(res, m, port):
    """A server in the guest reachable from the host: busybox httpd (ring 3) serves /etc
    through the forwarded port; the host's fetch must equal the file byte for byte."""
    with open(os.path.join(ROOT, "kernel/rootfs/etc/services"), "rb") as f:
        want = f.read()
    m.type("exec /bin/busybox httpd -f -p 80 -h /etc")
    try:
        status, body = http_get(port, "/services", time.monotonic() + 30)
        res.check("net-guest-httpd", status == 200 and body == want,
                  "status %s, %d bytes (want %d)" % (status, len(body), len(want)))
    finally:
        m.type("\x03", enter=False)  # SIGINT ends httpd; the shell prompts again
        m.wait_prompt(timeout=15)


def with_device(res, a, log):
    port = free_port()
    m = boot(res, "net-boot", a, log, net=True, net_port=port, overall=120)
    if m is None:
        return
    with m:
        res.check("net-boot", re.search(r"^net: virtio-net at 0x[0-9a-f]+ \(virtio-mmio v2, slot \d+, GSI \d+ (level|edge)\)$",
                                        m.banner, re.M), m.banner[-600:])
        res.check("net-boot-mac-link", re.search(r"^net: virtio-net MAC 52:54:00:12:34:56, link up, rx ring \d+, tx ring \d+$",
                                                 m.banner, re.M), m.banner[-600:])

        base = {}

        def zero():
            # A TCP/IP stack, when there is one, may have sent a frame or two at boot
            # (ARP announcement, IPv6 neighbour discovery): counted from here on.
            base.update(counters(m))
            res.check("net-counters-boot", base["tx_frames"] <= 8 and base["rx_errors"] == 0
                      and base["tx_errors"] == 0 and base["tx_busy"] == 0, repr(base))
        step(res, "net-counters-boot", zero)

        expect(res, m, "net-arp-gateway", "net arp 10.0.2.2", [r"^net arp: 10\.0\.2\.2 is at %s$" % GATEWAY_MAC])

        def after_arp():
            # At least the one 60-byte request: the TCP/IP stack's own timers (IPv6 router
            # solicitations, neighbour discovery) may send a frame meanwhile; under load they
            # fire late, and an exact "+1" failed once in a full run.
            c = counters(m)
            sent, sent_bytes = c["tx_frames"] - base["tx_frames"], c["tx_bytes"] - base["tx_bytes"]
            res.check("net-arp-counters", sent >= 1 and sent_bytes >= 60 and (sent > 1 or sent_bytes == 60)
                      and c["rx_frames"] >= base["rx_frames"] + 1 and c["rx_errors"] == 0, repr(c))
        step(res, "net-arp-counters", after_arp)

        expect(res, m, "net-arp-dns", "net arp 10.0.2.3", [r"^net arp: 10\.0\.2\.3 is at 52:55:0a:00:02:03$"])
        expect(res, m, "net-arp-rings-wrap", "net arp 10.0.2.2 300",
               [r"^net arp: 300 replies to 300 requests$", r"is at %s$" % GATEWAY_MAC], timeout=60)
        expect(res, m, "net-arp-no-reply", "net arp 10.0.2.99", [r"^net arp: no reply from 10\.0\.2\.99$"], timeout=30)

        expect(res, m, "net-send-oversized", "net send 1515", [r"^net send: 1515 bytes: EINVAL \(-22\)$"])
        expect(res, m, "net-send-empty", "net send 0", [r"^net send: 0 bytes: EINVAL \(-22\)$"])
        expect(res, m, "net-send-max", "net send 1514", [r"^net send: 1514 bytes: queued \(0\)$"])

        def final():
            c = counters(m)
            res.check("net-final-counters", c["tx_frames"] >= base["tx_frames"] + 1 + 1 + 300 + 1
                      and c["tx_errors"] == 2 and c["rx_errors"] == 0 and c["rx_frames"] >= base["rx_frames"] + 302
                      and c["tx_busy"] == 0, repr(c))
        step(res, "net-final-counters", final)

        if "stack attached" in m.run("net"):
            step(res, "net-hostfwd-reaches-stack", lambda: hostfwd_reset(res, m, port))
            step(res, "net-guest-httpd", lambda: guest_httpd(res, m, port))

        expect(res, m, "etc-hosts", "cat /etc/hosts",
               [r"^127\.0\.0\.1\s+localhost$", r"^::1\s+localhost\b", r"^10\.0\.2\.15\s+ringzero$"])
        expect(res, m, "etc-resolv-conf", "cat /etc/resolv.conf", [r"^nameserver 10\.0\.2\.3$"])
        expect(res, m, "etc-services", "cat /etc/services",
               [r"^http\s+80/tcp\b", r"^redis\s+6379/tcp$", r"^ssh\s+22/tcp$", r"^domain\s+53/udp$"])
        poweroff(res, m, "net-poweroff")


def without_device(res, a, log):
    m = boot(res, "nonet-boot", a, log, overall=30)
    if m is None:
        return
    with m:
        res.check("nonet-boot", not re.search(r"^net: (virtio|en0)", m.banner, re.M), m.banner[-600:])
        expect(res, m, "nonet-net", "net", [r"\Anet: no network device \(boot with `make run NET=1`\)\n\Z"])
        expect(res, m, "nonet-arp", "net arp 10.0.2.2", [r"\Anet: no network device"])
        poweroff(res, m, "nonet-poweroff")


def legacy_device(res, a, log):
    m = boot(res, "legacy-boot", a, log, overall=30,
             extra_args=["-netdev", "user,id=net0", "-device", "virtio-net-device,netdev=net0"])
    if m is None:
        return
    with m:
        res.check("legacy-boot", re.search(r"^net: virtio-net not used: legacy virtio-mmio transport \(version 1\)",
                                           m.banner, re.M), m.banner[-600:])
        expect(res, m, "legacy-net", "net", [r"\Anet: no network device"])
        expect(res, m, "legacy-shell", "echo still here", [r"^still here$"])
        poweroff(res, m, "legacy-poweroff")


GUEST_MAC = bytes.fromhex("525400123456")
PEER_MAC = bytes.fromhex("020000000077")          # locally administered: the test's own
GUEST_IP = bytes([10, 0, 2, 15])
PEER_IP = bytes([10, 0, 2, 77])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def arp_frame(op, sha, spa, tha, tpa, dst):
    return dst + sha + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + spa + tha + tpa


def echo_request(ident, seq, payload):
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1, 0, PEER_IP, GUEST_IP)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return GUEST_MAC + PEER_MAC + b"\x08\x00" + ip + icmp


def wait_frame(sock, want, timeout=10.0):
    """The first frame from the guest for which want(frame) is true (others are skipped)."""
    end = time.monotonic() + timeout
    seen = []
    while time.monotonic() < end:
        sock.settimeout(max(0.01, end - time.monotonic()))
        try:
            f = sock.recv(4096)
        except socket.timeout:
            break
        if want(f):
            return f
        seen.append(f[:42].hex())
    raise AssertionError("no such frame from the guest; saw %r" % seen[-5:])


def is_arp(op, spa):
    return lambda f: len(f) >= 42 and f[12:14] == b"\x08\x06" and f[20:22] == struct.pack("!H", op) and f[28:32] == spa


def raw_link(res, a, log):
    """The device's frames carried over UDP by QEMU's socket network backend to this script,
    which plays the peer: lwIP (when attached) must announce itself, answer ARP and ICMP echo;
    frames shorter than an Ethernet header or longer than 1514 bytes are counted as rx errors."""
    host = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    host.bind(("127.0.0.1", 0))
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    qport = probe.getsockname()[1]
    probe.close()   # QEMU binds it next (a tiny race with other programs, retried never)
    guest = ("127.0.0.1", qport)
    netdev = "socket,id=net0,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d" % (host.getsockname()[1], qport)
    m = boot(res, "raw-boot", a, log, overall=60, extra_args=[
        "-netdev", netdev, "-device", "virtio-net-device,netdev=net0", "-global", "virtio-mmio.force-legacy=false"])
    if m is None:
        host.close()
        return
    with m, host:
        stack = "stack attached" in m.run("net")

        def announce():
            wait_frame(host, lambda f: f[:6] == b"\xff" * 6 and is_arp(1, GUEST_IP)(f) and f[6:12] == GUEST_MAC)
            res.record("raw-stack-arp-announce", True)
        if stack:
            step(res, "raw-stack-arp-announce", announce)

        def arp():
            host.sendto(arp_frame(1, PEER_MAC, PEER_IP, b"\0" * 6, GUEST_IP, b"\xff" * 6), guest)
            f = wait_frame(host, is_arp(2, GUEST_IP))
            res.check("raw-stack-arp-reply", f[0:6] == PEER_MAC and f[22:28] == GUEST_MAC and f[38:42] == PEER_IP,
                      f[:42].hex())

        def ping():
            payload = bytes(range(256)) * 4
            host.sendto(echo_request(0x5a5a, 7, payload), guest)
            f = wait_frame(host, lambda f: len(f) >= 42 and f[12:14] == b"\x08\x00" and f[23] == 1 and f[34] == 0)
            ip = f[14:34]
            icmp = f[34:14 + struct.unpack("!H", ip[2:4])[0]]
            res.check("raw-stack-icmp-echo", f[0:6] == PEER_MAC and ip[12:16] == GUEST_IP and ip[16:20] == PEER_IP
                      and csum(ip) == 0 and csum(icmp) == 0 and icmp[4:8] == struct.pack("!HH", 0x5a5a, 7)
                      and icmp[8:] == payload, f[:48].hex())
        if stack:
            step(res, "raw-stack-arp-reply", arp)
            step(res, "raw-stack-icmp-echo", ping)

        def malformed():
            before = counters(m)
            host.sendto(GUEST_MAC + PEER_MAC, guest)                          # 12 bytes: no EtherType
            host.sendto(GUEST_MAC + PEER_MAC + b"\x88\xb5" + bytes(2000 - 14), guest)  # 2000 bytes
            host.sendto(GUEST_MAC + PEER_MAC + b"\x88\xb5" + bytes(1514 - 14), guest)  # the largest good one
            time.sleep(0.5)
            after = counters(m)
            res.check("raw-rx-malformed", after["rx_errors"] == before["rx_errors"] + 2
                      and after["rx_frames"] >= before["rx_frames"] + 1, "%r -> %r" % (before, after))
        step(res, "raw-rx-malformed", malformed)
        poweroff(res, m, "raw-poweroff")


def acpi_off(res, a, log):
    """microvm with acpi=off: no DSDT, but QEMU then appends virtio_mmio.device=SIZE@BASE:GSI
    to the command line (auto-kernel-cmdline), which the transport reads; with that turned
    off too, the device is reported and not used."""
    m = boot(res, "cmdline-boot", a, log, net=True, overall=60, extra_args=["-M", "microvm,acpi=off"])
    if m is not None:
        with m:
            res.check("cmdline-boot", re.search(r"cmdline \"[^\"]*virtio_mmio\.device=512@0x[0-9a-f]+:\d+", m.banner)
                      and re.search(r"^net: virtio-net at 0x[0-9a-f]+ \(virtio-mmio v2, slot \d+, GSI \d+ edge\)$",
                                    m.banner, re.M), m.banner[-600:])
            expect(res, m, "cmdline-arp", "net arp 10.0.2.2 20",
                   [r"^net arp: 20 replies to 20 requests$", r"is at %s$" % GATEWAY_MAC], timeout=30)
            poweroff(res, m, "cmdline-poweroff")
    m = boot(res, "undescribed-boot", a, log, net=True, overall=30,
             extra_args=["-M", "microvm,acpi=off,auto-kernel-cmdline=off"])
    if m is not None:
        with m:
            res.check("undescribed-boot", re.search(r"^virtio-mmio: device type 1 at 0x[0-9a-f]+, but no DSDT or "
                                                    r"virtio_mmio\.device= gives its interrupt; not used$", m.banner, re.M),
                      m.banner[-600:])
            expect(res, m, "undescribed-net", "net", [r"\Anet: no network device"])
            poweroff(res, m, "undescribed-poweroff")


def qmp(path):
    """A QMP connection to QEMU (its greeting read, capabilities negotiated): a function that
    runs one command and returns its reply."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(100):
        try:
            sock.connect(path)
            break
        except OSError:
            time.sleep(0.1)
    f = sock.makefile("rw")

    def reply():
        while True:
            msg = json.loads(f.readline())
            if "return" in msg or "error" in msg:
                return msg

    json.loads(f.readline())  # greeting
    def run(cmd, **args):
        f.write(json.dumps({"execute": cmd, "arguments": args}) + "\n")
        f.flush()
        return reply()
    run("qmp_capabilities")
    return run, sock


def link_change(res, a, log):
    """The link status (VIRTIO_NET_F_STATUS) follows QEMU's set_link through the configuration
    interrupt; frames do not pass while the link is down."""
    tmp = tempfile.mkdtemp(prefix="rz-net-")   # a short path: sun_path holds 108 bytes
    path = os.path.join(tmp, "qmp.sock")
    m = boot(res, "link-boot", a, log, net=True, overall=60, extra_args=["-qmp", "unix:%s,server=on,wait=off" % path])
    if m is None:
        return
    with m:
        run, sock = qmp(path)
        with sock:
            def down():
                r = run("set_link", name="net0", up=False)
                res.check("link-down-qmp", "return" in r, repr(r))
                m.wait_for(r"net: link down\n", timeout=10)
                res.record("link-down-interrupt", True)
            step(res, "link-down-interrupt", down)
            expect(res, m, "link-down-net", "net", [r"link down"])
            expect(res, m, "link-down-no-frames", "net arp 10.0.2.2", [r"^net arp: no reply from 10\.0\.2\.2$"],
                   timeout=30)

            def up():
                r = run("set_link", name="net0", up=True)
                res.check("link-up-qmp", "return" in r, repr(r))
                m.wait_for(r"net: link up\n", timeout=10)
                res.record("link-up-interrupt", True)
            step(res, "link-up-interrupt", up)
            expect(res, m, "link-up-arp", "net arp 10.0.2.2", [r"is at %s$" % GATEWAY_MAC])
        poweroff(res, m, "link-poweroff")
    shutil.rmtree(tmp, ignore_errors=True)


def main():
    a = test_args()
    with Results(a.results) as res:
        with_device(res, a, a.log)
        without_device(res, a, a.log)
        legacy_device(res, a, a.log)
        raw_link(res, a, a.log)
        acpi_off(res, a, a.log)
        link_change(res, a, a.log)
    return 1 if res.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
