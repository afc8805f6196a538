#!/usr/bin/env python3
"""Summary table of a bench/run: reads the KEY=VALUE figures it recorded, prints plain text.

    report.py RESULTS_FILE

M = regcache, D = distribution in proxy mode, N = nginx sendfile of the same file.
A key recorded several times (one value per round or repetition) is shown as its median, with
the range of the values in brackets. Ratios are written so that above 1 means M does better:
M/D for throughput and req/s, D/M for times, latencies and memory.
"""
import statistics
import sys


class Figures:
    def __init__(self, path):
        self.values = {}
        with open(path) as f:
            for line in f:
                key, sep, value = line.rstrip("\n").partition("=")
                if sep:
                    self.values.setdefault(key, []).append(value)

    def text(self, key, default="-"):
        return self.values.get(key, [default])[-1]

    def all(self, key):
        out = []
        for v in self.values.get(key, []):
            try:
                out.append(float(v))
            except ValueError:
                pass
        return out

    def median(self, key):
        xs = self.all(key)
        return statistics.median(xs) if xs else None

    def total(self, key):
        xs = self.all(key)
        return sum(xs) if xs else None

    def show(self, key, digits=0):
        """Median, and the range when there are several different values: '407 (250-410)'."""
        xs = self.all(key)
        if not xs:
            return "-"
        text = fmt(statistics.median(xs), digits)
        if len(xs) > 1 and min(xs) != max(xs):
            text += f" ({fmt(min(xs), digits)}-{fmt(max(xs), digits)})"
        return text


def fmt(x, digits=0):
    return "-" if x is None else f"{x:,.{digits}f}"


def ratio(a, b, label=""):
    if a is None or b is None or b == 0:
        return "-"
    return f"{label} {a / b:.2f}" if label else f"{a / b:.2f}x"


def verdict(ok):
    return "PASS" if ok else "MISS"


def table(rows):
    headers = ("figure", "M regcache", "D distribution", "ratio", "target", "M result")
    rows = [tuple(r) + ("",) * (6 - len(r)) for r in rows]
    widths = [max(len(str(x[i])) for x in rows + [headers]) for i in range(6)]

    def line(cols):
        return "  ".join(str(c).ljust(w) if i in (0, 4, 5) else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cols, widths))).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]


def main(path):
    f = Figures(path)
    big, mid = int(f.text("meta.big_mib")), int(f.text("meta.mid_mib"))
    rounds = int(f.text("meta.rounds"))
    fan_n, mem_n = int(f.text("meta.fan_clients")), int(f.text("meta.mem_clients"))
    out = []
    p = out.append

    p(f"regcache bench — {f.text('meta.date')}, commit {f.text('meta.commit')}"
      + (", QUICK run (small sizes, not comparable)" if f.text("meta.quick") == "1" else ""))
    p(f"machine: {f.text('meta.cpus')} cores, {f.text('meta.mem')}; load avg "
      f"{f.text('meta.load_start')} at start, {f.text('meta.load_end')} at end; "
      f"run time {f.text('meta.duration')}")
    p(f"CPU used by other processes: {f.text('meta.busy_before')} in the second before the run, "
      f"{f.text('meta.cpu_others')} during it")
    p(f"M = regcache on {f.text('meta.jetty')}, JVM {f.text('meta.jvm_opts')} "
      f"({f.text('meta.java')})")
    p(f"D = distribution {f.text('meta.distribution')} proxy mode; N = nginx "
      f"{f.text('meta.nginx')} sendfile of M's blob file")
    p(f"blobs: big {big} MiB ({int(f.text('meta.big_bytes')):,} B), mid and fan {mid} MiB "
      f"({int(f.text('meta.mid_bytes')):,} B), a fresh mid and fan blob per round; "
      "MB/s = 10^6 bytes/s")
    p(f"manifests: wrk {f.text('meta.wrk')}, Accept: the 4 manifest media types; warm-up: "
      f"{f.text('meta.wrk_warmup')}")
    p(f"{rounds} round(s), M and D in turn; values are medians (range); {f.text('meta.warm_reps')} "
      "warm GETs each; ratio above 1 = M better (M/D rates, D/M times, latency, memory)")
    p("")

    rows = []
    m, d = (lambda k: f.median("M." + k)), (lambda k: f.median("D." + k))  # noqa: E731

    # Cold and warm blobs
    rows.append((f"cold blob {big} MiB, MB/s", f.show("M.cold_big.mbs"), f.show("D.cold_big.mbs"),
                 ratio(m("cold_big.mbs"), d("cold_big.mbs"), "M/D")))
    rows.append(("  upstream GETs of the blob", f.show("M.cold_big.upstream_gets"),
                 f.show("D.cold_big.upstream_gets")))
    rows.append((f"cold blob {mid} MiB, MB/s", f.show("M.cold_mid.mbs"), f.show("D.cold_mid.mbs"),
                 ratio(m("cold_mid.mbs"), d("cold_mid.mbs"), "M/D")))
    rows.append(("  seconds", f.show("M.cold_mid.secs", 2), f.show("D.cold_mid.secs", 2),
                 ratio(d("cold_mid.secs"), m("cold_mid.secs"), "D/M")))
    rows.append(("  upstream GETs of the blob", f.show("M.cold_mid.upstream_gets"),
                 f.show("D.cold_mid.upstream_gets")))
    mw, dw, nw = m("warm.mbs"), d("warm.mbs"), f.median("N.warm.mbs")
    m_best, d_best, n_best = (max(f.all(k + ".warm.mbs"), default=None) for k in "MDN")
    warm_ok = None not in (mw, dw) and mw >= 2 * dw
    rows.append((f"warm blob {big} MiB, best MB/s", fmt(m_best), fmt(d_best),
                 ratio(m_best, d_best, "M/D")))
    rows.append((f"warm blob {big} MiB, median MB/s", f.show("M.warm.mbs"), f.show("D.warm.mbs"),
                 ratio(mw, dw, "M/D"), ">= 2x D", verdict(warm_ok)))
    rows.append(("  nginx sendfile, best / median", f"{fmt(n_best)} / {fmt(nw)}", "",
                 ratio(mw, nw, "M/N"), "close to N",
                 f"M = {100 * mw / nw:.0f}% of N" if mw and nw else "-"))
    rows.append(("  upstream GETs during warm GETs", f.show("warm.upstream_gets"), "(M and D)"))

    # Fan-out
    m_gets, d_gets = f.all("M.fan.upstream_gets"), f.all("D.fan.upstream_gets")
    m_ok, d_ok = f.total("M.fan.ok"), f.total("D.fan.ok")
    bodies = fan_n * rounds
    m_vs = ratio(m("fan.wall"), m("cold_mid.secs"))
    d_vs = ratio(d("fan.wall"), d("cold_mid.secs"))
    m_vs_x = m("fan.wall") / m("cold_mid.secs") if m("fan.wall") and m("cold_mid.secs") else None
    fan_gets_ok = bool(m_gets) and all(g == 1 for g in m_gets)
    fan_wall_ok = m_vs_x is not None and m_vs_x <= 1.3 and m_ok == bodies
    rows.append((f"fan-out {fan_n}x cold {mid} MiB, wall s", f.show("M.fan.wall", 2),
                 f.show("D.fan.wall", 2), ratio(d("fan.wall"), m("fan.wall"), "D/M")))
    rows.append(("  upstream GETs of the blob", f.show("M.fan.upstream_gets"),
                 f.show("D.fan.upstream_gets"), "", "exactly 1", verdict(fan_gets_ok)))
    rows.append(("  upstream HEADs of the blob", f.show("M.fan.upstream_heads"),
                 f.show("D.fan.upstream_heads")))
    rows.append(("  wall / single cold (medians)", m_vs, d_vs, "", "<= 1.3x",
                 verdict(fan_wall_ok)))
    rows.append(("  bodies with the right sha256", f"{fmt(m_ok)}/{bodies}", f"{fmt(d_ok)}/{bodies}",
                 "", "all", verdict(m_ok == bodies)))

    # Manifests
    def per_request(who):
        reqs = f.total(f"{who}.mf_tag.requests")
        return (f.total(f"{who}.mf_tag.upstream_heads") or 0) / reqs if reqs else None

    m_errors = f.total("M.mf_digest.errors")
    digest_rps_ok = None not in (m("mf_digest.rps"), d("mf_digest.rps")) \
        and m("mf_digest.rps") >= 20 * d("mf_digest.rps") and m_errors == 0
    digest_p99_ok = m("mf_digest.p99") is not None and m("mf_digest.p99") <= 10
    rows.append(("manifest by digest, req/s", f.show("M.mf_digest.rps"), f.show("D.mf_digest.rps"),
                 ratio(m("mf_digest.rps"), d("mf_digest.rps"), "M/D"), ">= 20x D",
                 verdict(digest_rps_ok)))
    rows.append(("  p99 latency ms", f.show("M.mf_digest.p99", 2), f.show("D.mf_digest.p99", 2),
                 ratio(d("mf_digest.p99"), m("mf_digest.p99"), "D/M"), "<= 10 ms",
                 verdict(digest_p99_ok)))
    rows.append(("  non-2xx + socket errors", fmt(m_errors), fmt(f.total("D.mf_digest.errors"))))
    rows.append(("manifest by tag, req/s", f.show("M.mf_tag.rps"), f.show("D.mf_tag.rps"),
                 ratio(m("mf_tag.rps"), d("mf_tag.rps"), "M/D")))
    rows.append(("  p99 latency ms", f.show("M.mf_tag.p99", 2), f.show("D.mf_tag.p99", 2),
                 ratio(d("mf_tag.p99"), m("mf_tag.p99"), "D/M")))
    rows.append(("  upstream HEADs per request", fmt(per_request("M"), 3), fmt(per_request("D"), 3)))
    rows.append(("  non-2xx + socket errors", fmt(f.total("M.mf_tag.errors")),
                 fmt(f.total("D.mf_tag.errors"))))

    # Memory
    for key, mib in (("mem_mid", mid), ("mem_big", big)):
        rows.append((f"RSS {mem_n}x warm {mib} MiB: base -> peak MiB",
                     f"{fmt(m(key + '.base_mib'))} -> {fmt(m(key + '.peak_mib'))}",
                     f"{fmt(d(key + '.base_mib'))} -> {fmt(d(key + '.peak_mib'))}",
                     ratio(d(key + ".peak_mib"), m(key + ".peak_mib"), "D/M")))
        rows.append(("  anonymous RSS peak MiB", fmt(m(key + ".anon_peak_mib")),
                     fmt(d(key + ".anon_peak_mib"))))
        rows.append(("  GiB delivered, failed pulls",
                     f"{(m(key + '.bytes') or 0) / 2**30:.1f}, {fmt(m(key + '.fails'))}",
                     f"{(d(key + '.bytes') or 0) / 2**30:.1f}, {fmt(d(key + '.fails'))}"))
        rows.append(("  aggregate MB/s", fmt(m(key + ".mbs")), fmt(d(key + ".mbs")),
                     ratio(m(key + ".mbs"), d(key + ".mbs"), "M/D")))
    # Flat in blob size: twice the bytes per pull (64 pulls) may raise the peak by less than
    # half of the size difference of one blob (at least 32 MiB: JVM heap sizing noise).
    m_growth = (m("mem_big.peak_mib") or 0) - (m("mem_mid.peak_mib") or 0)
    d_growth = (d("mem_big.peak_mib") or 0) - (d("mem_mid.peak_mib") or 0)
    allowed = max((big - mid) / 2, 32)
    mem_ok = m_growth <= allowed and m("mem_big.fails") == 0 and m("mem_mid.fails") == 0
    rows.append((f"  peak({big} MiB) - peak({mid} MiB), MiB", fmt(m_growth), fmt(d_growth), "",
                 f"flat: <= {allowed:.0f}", verdict(mem_ok)))
    out.extend(table(rows))

    # Targets, one line each
    p("")
    p("targets (from the issue):")
    targets = [
        (warm_ok, "warm blob >= 2x D (medians)",
         f"M {fmt(mw)} vs D {fmt(dw)} MB/s = {ratio(mw, dw)}; nginx {fmt(nw)} MB/s, "
         f"M at {100 * mw / nw:.0f}% of it" if mw and nw and dw else "-"),
        (digest_rps_ok, "manifest by digest >= 20x D req/s",
         f"M {fmt(m('mf_digest.rps'))} vs D {fmt(d('mf_digest.rps'))} req/s = "
         f"{ratio(m('mf_digest.rps'), d('mf_digest.rps'))}"),
        (digest_p99_ok, "manifest by digest p99 <= 10 ms", f"M {fmt(m('mf_digest.p99'), 2)} ms "
         f"(runs: {' '.join(fmt(x, 1) for x in f.all('M.mf_digest.p99'))})"),
        (fan_gets_ok, "fan-out: exactly 1 upstream GET",
         f"M {' '.join(fmt(g) for g in m_gets)}, D {' '.join(fmt(g) for g in d_gets)} "
         f"(per round, {fan_n} clients)"),
        (fan_wall_ok, "fan-out: wall <= 1.3x single cold",
         f"M {m_vs}, D {d_vs}; bodies OK M {fmt(m_ok)}/{bodies}, D {fmt(d_ok)}/{bodies}"),
        (mem_ok, "memory flat in blob size",
         f"M peak {fmt(m('mem_mid.peak_mib'))} MiB ({mid} MiB blob) -> "
         f"{fmt(m('mem_big.peak_mib'))} MiB ({big} MiB blob), {mem_n} pulls each"),
    ]
    for ok, name, detail in targets:
        p(f"  [{verdict(ok)}] {name:36} {detail}")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
