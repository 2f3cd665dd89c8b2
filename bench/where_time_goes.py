#!/usr/bin/env python3
"""where_time_goes.py: groups bench/profile.py's per-function regions into the parts of a
request (user code, entry/exit, socket layer, lwIP, epoll/poll, scheduler, interrupts,
copies, other kernel), per operation, with the plugin's event counts (bench/where-time-goes.md).

  where_time_goes.py ops WORKDIR OUTFILE              per op = region x row ticks / region insns
  where_time_goes.py diff WORKDIR_A N_A WORKDIR_B N_B  per op = (median_B - median_A) / (N_B - N_A)
  (the marginal cost of one more request: app_redis regions include redis-benchmark's fork/exec)

Kernel functions are placed by the object file that defines them (build/kernel/**.o);
anything not a kernel text symbol (the programs, musl, '?') is user code.
"""
import glob, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KOBJ = os.path.join(ROOT, "build", "kernel")
EVENTS = ["syscall", "sysret", "swapgs", "iret", "deliveries", "movcr3", "wrmsr", "cli", "sti"]
ENTRY_NAMES = {"r0_entry", "r0_lite", "r0_full", "r0_leaf", "syscall_entry", "trap_return",
               "syscall_dispatch", "syscall_call", "return_to_program", "syscall_restart_frame"}
EXIT_CHECKS = {"jobctl_stopped"}   # return_to_program's (signal_pending is also called when sleeping: other kernel)
CATS = ["user", "entry/exit", "socket layer", "lwIP", "epoll/poll", "sched+switch",
        "interrupts/timer", "copies", "frame scan", "other kernel"]


def kernel_files():
    where = {}
    for o in glob.glob(os.path.join(KOBJ, "**", "*.o"), recursive=True):
        rel = os.path.relpath(o, KOBJ)
        if rel.startswith("ksyms") or "pass" in rel:
            continue
        out = subprocess.run(["nm", "--defined-only", o], capture_output=True, text=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "tTwW":
                where.setdefault(p[2], rel)
    return where


def category(name, where):
    if name in ENTRY_NAMES or name in EXIT_CHECKS:
        return "entry/exit"
    if name == "frame_alloc_contig":
        return "frame scan"
    if name in ("iter_copy", "uaccess_copy"):
        return "copies"
    if name in ("mm_activate", "idt_load"):
        return "sched+switch"
    f = where.get(name)
    if f is None:
        return "user"
    if f.startswith("lwip/") or f.startswith("net/lwip/"):
        return "lwIP"
    if f.startswith("net/"):
        return "socket layer"
    if f in ("fs/epoll.o", "fs/poll.o"):
        return "epoll/poll"
    if f in ("proc/sched.o", "proc/sched_policy.o") or name in ("swtch", "fork_trampoline", "sched_tail"):
        return "sched+switch"
    if f in ("arch/x86_64/entry.o", "arch/x86_64/idt.o", "arch/x86_64/apic.o", "proc/time.o") \
            or name.startswith("timer") or name.startswith("irq_"):
        return "interrupts/timer"
    if f in ("mm/uaccess.o", "mm/usercopy.o") or name in ("iter_copy", "uaccess_copy"):
        return "copies"
    return "other kernel"


def blocks(path):
    out = []
    for line in open(path):
        if line.startswith("region "):
            out.append(({k: int(v) for k, v in (kv.split("=") for kv in line[7:].split())}, {}))
        elif line.startswith("fn "):
            _, n, name = line.rstrip("\n").split(" ", 2)
            out[-1][1][name] = out[-1][1].get(name, 0) + int(n)
    return out


def medians(work):
    reg = glob.glob(os.path.join(work, "regions-*.txt"))[0]
    b = blocks(reg)
    return [sorted(b[i:i + 5], key=lambda x: x[0]["insns"])[2] for i in range(0, len(b), 5)]


def summary(ev, fns, where):
    cat = {c: 0.0 for c in CATS}
    detail = {}
    for name, n in fns.items():
        c = category(name, where)
        cat[c] += n
        detail.setdefault(c, []).append((n, name))
    return ev, cat, detail


def show(label, ev, cat, detail, top=6):
    tot = ev["insns"]
    kern = tot - cat["user"]
    print("## %s: %.0f instructions per op; kernel %.0f; kernel without the frame scan %.0f"
          % (label, tot, kern, kern - cat["frame scan"]))
    for c in CATS:
        print("  %-17s %9.1f  %5.1f%% of all  %5.1f%% of kernel  | %s" % (
            c, cat[c], 100 * cat[c] / tot, 0 if c == "user" else 100 * cat[c] / kern,
            ", ".join("%s %.0f" % (nm, n) for n, nm in sorted(detail.get(c, []), reverse=True)[:top])))
    print("  events: " + " ".join("%s=%.2f" % (e, ev.get(e, 0)) for e in EVENTS))
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench_model as bm
    costs_path = os.path.join(ROOT, "bench", "model-costs.csv")
    for cpu in bm.cost_cpus(costs_path):
        cyc, unk = bm.model_cycles(ev, bm.read_costs(costs_path, cpu))
        print("  model %s: %.0f cycles%s" % (cpu, cyc, " (lower bound: %s unknown)" % ",".join(unk) if unk else ""))


def main():
    where = kernel_files()
    if sys.argv[1] == "ops":
        work, outfile = sys.argv[2], sys.argv[3]
        rows = [l for l in open(outfile) if "instructions per operation (icount row:" in l]
        for (ev, fns), row in zip(medians(work), rows):
            t = float(row.split("icount row:")[1].strip(" )\n"))
            k = t / ev["insns"]
            show(row.split(":")[0], {e: v * k for e, v in ev.items()},
                 *summary(None, {n: v * k for n, v in fns.items()}, where)[1:])
    else:
        wa, na, wb, nb = sys.argv[2], float(sys.argv[3]), sys.argv[4], float(sys.argv[5])
        for i, ((ea, fa), (eb, fb)) in enumerate(zip(medians(wa), medians(wb))):
            d = nb - na
            ev = {e: (eb[e] - ea.get(e, 0)) / d for e in eb}
            fns = {n: (fb.get(n, 0) - fa.get(n, 0)) / d for n in set(fa) | set(fb)}
            _, cat, det = summary(None, fns, where)
            show("%s case %d (marginal per request)" % (os.path.basename(wb), i), ev, cat, det)


if __name__ == "__main__":
    main()
