#!/usr/bin/env python3
"""Small helpers for bench/run (standard library only).

    tools.py ports N                 N free TCP ports on 127.0.0.1, one per line
    tools.py rss PID [INTERVAL]      sample PID every INTERVAL s (default 0.1) until SIGTERM or
                                     its end: one line "VMRSS_KIB RSSANON_KIB" per sample
    tools.py rss-now PID             current VmRSS of PID in KiB
    tools.py cpu-busy                CPU seconds the whole machine has been busy since boot
    tools.py proc-cpu PID [PID ...]  CPU seconds used by these processes and their descendants
    tools.py wrk FILE                parse `wrk --latency` output:
                                     "REQ_PER_S P99_MS REQUESTS NON_2XX_3XX SOCKET_ERRORS"
    tools.py stats X [X ...]         "BEST MEDIAN" of the numbers
    tools.py mbs BYTES SECONDS       throughput in MB/s (10^6 bytes per second), 1 decimal
"""
import os
import re
import signal
import socket
import statistics
import sys
import time


def ports(n):
    socks = []
    for _ in range(int(n)):  # hold all of them open at once so that they differ
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    for s in socks:
        print(s.getsockname()[1])
        s.close()


def read_status(pid):
    """(VmRSS, RssAnon) of the process in KiB, or None when it is gone."""
    values = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "RssAnon"):
                    values[key] = int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return values.get("VmRSS", 0), values.get("RssAnon", 0)


def rss(pid, interval="0.1"):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    period = float(interval)
    while not stop:
        status = read_status(pid)
        if status is None:
            break
        print(*status, flush=True)
        time.sleep(period)


def rss_now(pid):
    status = read_status(pid)
    print(status[0] if status else 0)


TICK = os.sysconf("SC_CLK_TCK")


def cpu_busy():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...: everything but idle and iowait
    print(f"{(sum(fields[:8]) - fields[3] - fields[4]) / TICK:.2f}")


def proc_cpu(*pids):
    parents, times = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                rest = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(rest[1])         # field 4, ppid
        times[int(entry)] = int(rest[11]) + int(rest[12])  # fields 14 and 15, utime + stime
    wanted = {int(p) for p in pids}
    changed = True
    while changed:  # add descendants (nginx workers)
        more = {pid for pid, ppid in parents.items() if ppid in wanted} - wanted
        wanted |= more
        changed = bool(more)
    print(f"{sum(times.get(p, 0) for p in wanted) / TICK:.2f}")


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(path):
    text = open(path).read()

    def find(pattern, default=None):
        m = re.search(pattern, text, re.M)
        return m.group(1) if m else default

    rps = float(find(r"^Requests/sec:\s+([\d.]+)", "0"))
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    p99_ms = float(p99.group(1)) * UNIT_MS[p99.group(2)] if p99 else float("nan")
    requests = int(find(r"^\s+(\d+) requests in", "0"))
    non2xx = int(find(r"Non-2xx or 3xx responses:\s+(\d+)", "0"))
    errors = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        errors = sum(int(g) for g in m.groups())
    print(f"{rps:.0f} {p99_ms:.2f} {requests} {non2xx} {errors}")


def stats(*xs):
    values = [float(x) for x in xs]
    print(f"{max(values):.1f} {statistics.median(values):.1f}")


def mbs(nbytes, seconds):
    s = float(seconds)
    print(f"{float(nbytes) / s / 1e6:.1f}" if s > 0 else "-")


COMMANDS = {"ports": ports, "rss": rss, "rss-now": rss_now, "cpu-busy": cpu_busy,
            "proc-cpu": proc_cpu, "wrk": wrk, "stats": stats,
            "mbs": mbs}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
