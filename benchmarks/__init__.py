"""Performance runs of tui-app (issue 8). `python -m benchmarks` runs them all and prints a table.

Benchmarks are not tests: they print figures and never fail on a number.
"""
