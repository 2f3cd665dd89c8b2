#!/usr/bin/env python3
"""test_net.py: the "net" test group: the virtio-net device before any TCP/IP stack.

Three boots, typing at the shell like a user:
  * with the device (RZ_NET=1, as `make run NET=1`, no host port forward): the boot log
    names the device, its MAC and link; `net` shows zero counters; `net arp 10.0.2.2` gets
    QEMU's user-network gateway MAC 52:55:0a:00:02:02 (a frame sent and one received);
    300 requests in a row wrap both rings (64 and 128 entries) and all get replies; an
    address nobody has gets "no reply"; oversized and empty frames are refused and counted
    as tx errors; no rx errors; the network files of /etc are in the root;
  * without the device: no "net:" line at boot and `net` says there is none;
  * with a legacy (virtio-mmio version 1) transport, QEMU's default: one boot line saying
    why the device is not used, `net` says there is none, and the shell still works.

Usage: test_net.py --kernel ELF --initrd CPIO --results FILE [--log FILE]
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Results, boot, expect, poweroff, step, test_args  # noqa: E402

GATEWAY_MAC = "52:55:0a:00:02:02"
COUNTERS = r"^rx: (\d+) frames, (\d+) bytes, (\d+) errors, (\d+) dropped.*\ntx: (\d+) frames, (\d+) bytes, (\d+) errors, (\d+) busy$"


def counters(m):
    out = m.run("net")
    g = re.search(COUNTERS, out, re.M)
    if not g:
        raise AssertionError("net printed no counters: %r" % out)
    names = ("rx_frames", "rx_bytes", "rx_errors", "rx_dropped", "tx_frames", "tx_bytes", "tx_errors", "tx_busy")
    return dict(zip(names, map(int, g.groups())))


def with_device(res, a, log):
    m = boot(res, "net-boot", a, log, net=True, overall=120)
    if m is None:
        return
    with m:
        res.check("net-boot", re.search(r"^net: virtio-net at 0x[0-9a-f]+ \(virtio-mmio v2, slot \d+, GSI \d+ (level|edge)\)$",
                                        m.banner, re.M), m.banner[-600:])
        res.check("net-boot-mac-link", re.search(r"^net: virtio-net MAC 52:54:00:12:34:56, link up, rx ring \d+, tx ring \d+$",
                                                 m.banner, re.M), m.banner[-600:])

        def zero():
            c = counters(m)
            res.check("net-counters-zero", c["tx_frames"] == 0 and c["rx_errors"] == 0 and c["tx_errors"] == 0, repr(c))
        step(res, "net-counters-zero", zero)

        expect(res, m, "net-arp-gateway", "net arp 10.0.2.2", [r"^net arp: 10\.0\.2\.2 is at %s$" % GATEWAY_MAC])

        def after_arp():
            c = counters(m)
            res.check("net-arp-counters", c["tx_frames"] == 1 and c["tx_bytes"] == 60 and c["rx_frames"] >= 1
                      and c["rx_dropped"] == c["rx_frames"] and c["rx_errors"] == 0, repr(c))
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
            res.check("net-final-counters", c["tx_frames"] == 1 + 1 + 300 + 1 + 1 and c["tx_errors"] == 2
                      and c["rx_errors"] == 0 and c["rx_frames"] >= 302 and c["tx_busy"] == 0, repr(c))
        step(res, "net-final-counters", final)

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
        res.check("nonet-boot", not re.search(r"^net:", m.banner, re.M), m.banner[-600:])
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


def main():
    a = test_args()
    with Results(a.results) as res:
        with_device(res, a, a.log)
        without_device(res, a, a.log)
        legacy_device(res, a, a.log)
    return 1 if res.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
