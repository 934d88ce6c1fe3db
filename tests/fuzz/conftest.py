"""The fuzz suite's outcome counts: each fuzz test records what every example gave ('loaded',
'refused', 'result', 'ValueError', …) and the worst load time and traced peak memory; the
totals are printed at the end of the run (FUZZ_COUNTS and WORST live in _hostile.py)."""

from __future__ import annotations

from _hostile import FUZZ_COUNTS, WORST


def pytest_terminal_summary(terminalreporter):
    if not FUZZ_COUNTS:
        return
    write = terminalreporter.write_line
    write("")
    write("fuzz outcomes (issue 12):")
    for suite, counts in sorted(FUZZ_COUNTS.items()):
        total = sum(counts.values())
        parts = ", ".join(f"{k} {v}" for k, v in counts.most_common())
        write(f"  {suite}: {total} examples: {parts}")
    write(
        f"  worst load of a fuzzed file: {WORST['seconds']:.3f} s CPU, "
        f"{WORST['peak_bytes'] / 2**20:.1f} MiB traced peak"
    )
    if WORST.get("slowest"):
        write(f"  slowest: {WORST['slowest']}")
