"""Benchmarks: how close the bot runs to Telegram's limits and to PTB's own ceiling.

``python -m bench`` (or ``make bench``) runs every figure, prints a table and writes
``bench/RESULTS.md``. Each figure module exposes one function returning a dict of figures,
so ``tests/unit/test_bench_smoke.py`` can run them with tiny sizes.
"""
