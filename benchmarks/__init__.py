"""On-demand benchmarks (``make bench``); each ``*_bench.py`` module has a ``main()``."""
