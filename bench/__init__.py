"""The benchmark: ``make bench`` (``python -m bench.run``). See the README's "Benchmark".

Not part of ``make test`` (too slow, and timings on shared machines are noisy); a smoke
test (tests/bench/test_bench_smoke.py) runs every scenario once on a few hundred cases.
"""
