"""The targets of the benchmark (PERFORMANCE.md, the national-scale issue) and the printed table."""

#: p95 of the rollup API per level, in milliseconds.
ROLLUP_P95 = {"country": 80, "province": 50, "city": 30, "county": 30}
#: How many times faster than the baseline the rollup API must be (medians).
RATIO = {"country": 40, "province": 15}
GROWTH = 1.5
DASHBOARD_P95 = 150
WRITE_P95 = 30
WRITES_PER_SECOND = 250
LOCK_WAIT_SHARE = 0.05
VERIFY_SECONDS = 180
RSS_MB = 300


def ratios(results: dict) -> dict[str, float]:
    """Baseline median over rollup API median, per level."""
    return {
        level: round(results["baseline"][level]["median"] / api["median"], 1)
        for level, api in results["rollup_api"].items()
    }


def growth(results: dict, kind: str = "rollup_api") -> dict[str, float]:
    """Median on the full data set over the median at a tenth of the donations, per level."""
    return {
        level: round(pair["full"]["median"] / pair["small"]["median"], 2)
        for level, pair in results["scaling"][kind].items()
    }


def targets(results: dict) -> list[dict]:
    """Every target with the measured value and whether it is met."""
    found = []

    def check(name: str, value, limit, met: bool) -> None:
        found.append({"target": name, "value": value, "limit": limit, "met": met})

    for level, limit in ROLLUP_P95.items():
        p95 = results["rollup_api"][level]["p95"]
        check(f"rollup API p95, {level} (ms)", p95, f"<= {limit}", p95 <= limit)
    measured = ratios(results)
    for level, limit in RATIO.items():
        check(
            f"rollup vs baseline, {level} (x)",
            measured[level],
            f">= {limit}",
            measured[level] >= limit,
        )
    if "scaling" in results:
        for level, value in growth(results).items():
            if level in ROLLUP_P95:
                check(f"growth 1/10 -> full, {level} (x)", value, f"<= {GROWTH}", value <= GROWTH)
    worst = max(page["p95"] for page in results["dashboard"].values())
    check("dashboard p95, slowest level (ms)", worst, f"<= {DASHBOARD_P95}", worst <= DASHBOARD_P95)
    eight = results["writes"]["clients_8"]
    check(
        "donation POST p95, 8 clients (ms)",
        eight["p95"],
        f"<= {WRITE_P95}",
        eight["p95"] <= WRITE_P95,
    )
    check(
        "donation POSTs per second, 8 clients",
        eight["per_second"],
        f">= {WRITES_PER_SECOND}",
        eight["per_second"] >= WRITES_PER_SECOND,
    )
    check(
        "lock-wait share, 8 clients",
        eight["lock_wait_share"],
        f"<= {LOCK_WAIT_SHARE}",
        eight["lock_wait_share"] <= LOCK_WAIT_SHARE,
    )
    verify = results["verify_rollups"]
    check(
        "verify_rollups (s)",
        verify["seconds"],
        f"<= {VERIFY_SECONDS}",
        verify["seconds"] <= VERIFY_SECONDS,
    )
    check(
        "verify_rollups differences",
        verify["differences"],
        "= 0",
        verify["differences"] == 0 and verify["exit_code"] == 0,
    )
    differing = sum(level["differences"] for level in results["figures_checked"].values())
    check("API figures the baseline contradicts", differing, "= 0", differing == 0)
    rss = max(results["web_rss_mb"])
    check("web worker RSS, largest (MB)", rss, f"< {RSS_MB}", rss < RSS_MB)
    return found


def table(results: dict) -> str:
    """The results as a plain-text table."""
    lines = [_heading(results)]
    lines += _timing_block("Rollup API over HTTP, token", results["rollup_api"], results)
    lines += _timing_block("Rollup in process (SQL only)", results["rollup_in_process"])
    if "compliance_in_process" in results:
        title = "Activity compliance per child, in process"
        lines += _timing_block(title, results["compliance_in_process"])
    lines += _timing_block("Baseline: GROUP BY over the records", results["baseline"])
    lines += _timing_block("Dashboard pages, signed in", results["dashboard"])
    lines += _writes_block(results["writes"])
    if "scaling" in results:
        lines += _scaling_block(results)
    verify = results["verify_rollups"]
    lines.append(f"\nverify_rollups: {verify['seconds']} s, {verify['differences']} differences")
    lines.append(f"web worker RSS (MB): {results['web_rss_mb']}")
    lines.append("\nTargets")
    for target in results["targets"]:
        mark = "met" if target["met"] else "MISSED"
        lines.append(
            f"  {target['target']:<42} {target['value']!s:>10}  {target['limit']:<8} {mark}"
        )
    return "\n".join(lines)


def _heading(results: dict) -> str:
    machine, data = results["machine"], results["data"]
    return (
        f"{results['started']}  {machine['cores']} cores, {machine['memory_gb']} GB, "
        f"PostgreSQL {machine['postgresql']}, load {machine['load_average_at_start']}\n"
        f"data: {data['branches']:,} branches, {data['members']:,} members, "
        f"{data['volunteers']:,} volunteers, {data['donations']:,} donations "
        f"({data['database_gb']} GB); year {results['year']}; regions {results['regions']}"
    )


def _timing_block(title: str, timings: dict, results: dict | None = None) -> list[str]:
    lines = [f"\n{title:<38} {'median':>8} {'p95':>8} {'p99':>8} {'n':>5}"]
    ratio = ratios(results) if results else {}
    for level, stats in timings.items():
        extra = f"   {ratio[level]}x faster than the baseline" if level in ratio else ""
        lines.append(
            f"  {level:<36} {stats['median']:>8} {stats['p95']:>8} {stats['p99']:>8} "
            f"{stats['n']:>5}{extra}"
        )
    return lines


def _writes_block(writes: dict) -> list[str]:
    lines = [f"\n{'Donation POSTs':<38} {'median':>8} {'p95':>8} {'p99':>8} {'per s':>7} locks"]
    for name, run in writes.items():
        lines.append(
            f"  {name:<36} {run['median']:>8} {run['p95']:>8} {run['p99']:>8} "
            f"{run['per_second']:>7} {run['lock_wait_share']:.1%}"
        )
    return lines


def _scaling_block(results: dict) -> list[str]:
    scaling = results["scaling"]
    lines = [
        f"\nScaling, {scaling['donations_small']:,} -> {scaling['donations_full']:,} donations "
        f"(medians, taking turns)",
        f"  {'':<20} {'API small':>10} {'API full':>9} {'growth':>7} "
        f"{'raw small':>10} {'raw full':>9} {'growth':>7}",
    ]
    api, raw = growth(results), growth(results, "baseline")
    for level, pair in scaling["rollup_api"].items():
        raw_pair = scaling["baseline"][level]
        lines.append(
            f"  {level:<20} {pair['small']['median']:>10} {pair['full']['median']:>9} "
            f"{api[level]:>6}x {raw_pair['small']['median']:>10} "
            f"{raw_pair['full']['median']:>9} {raw[level]:>6}x"
        )
    return lines


#: How much worse than the previous run a figure may be before the comparison flags it.
TOLERANCE = 0.10
#: The timings compared with the previous run: lower is better.
COMPARED = ["rollup_api", "rollup_in_process", "dashboard"]


def comparison(previous: dict, results: dict) -> list[dict]:
    """Every timing and throughput of both runs side by side, flagged where this run is more
    than ``TOLERANCE`` worse (slower, or fewer writes per second)."""
    rows = []

    def add(name: str, before, now, *, higher_is_better: bool = False) -> None:
        if before is None or now is None:
            return
        worse = (
            now < before * (1 - TOLERANCE) if higher_is_better else now > before * (1 + TOLERANCE)
        )
        rows.append({"figure": name, "previous": before, "now": now, "worse": worse})

    for kind in COMPARED:
        for level, stats in results.get(kind, {}).items():
            before = previous.get(kind, {}).get(level, {})
            for statistic in ("median", "p95"):
                add(f"{kind} {level} {statistic} (ms)", before.get(statistic), stats[statistic])
    for clients, stats in results.get("writes", {}).items():
        before = previous.get("writes", {}).get(clients, {})
        add(f"writes {clients} p95 (ms)", before.get("p95"), stats["p95"])
        add(
            f"writes {clients} per second",
            before.get("per_second"),
            stats["per_second"],
            higher_is_better=True,
        )
    add(
        "verify_rollups (s)",
        previous.get("verify_rollups", {}).get("seconds"),
        results.get("verify_rollups", {}).get("seconds"),
    )
    if previous.get("web_rss_mb") and results.get("web_rss_mb"):
        add("web worker RSS, largest (MB)", max(previous["web_rss_mb"]), max(results["web_rss_mb"]))
    return rows


def comparison_table(previous: dict, results: dict, *, name: str) -> str:
    """``comparison`` as a plain-text table."""
    lines = [f"\nCompared with {name} ({previous.get('started', '?')})"]
    lines.append(f"  {'figure':<44} {'previous':>10} {'now':>10}  change")
    for row in comparison(previous, results):
        change = (row["now"] - row["previous"]) / row["previous"] if row["previous"] else 0
        mark = f"  WORSE by more than {TOLERANCE:.0%}" if row["worse"] else ""
        lines.append(
            f"  {row['figure']:<44} {row['previous']!s:>10} {row['now']!s:>10}  {change:+.1%}{mark}"
        )
    return "\n".join(lines)
