"""Speed figures for ggzy (`make bench`, or `python -m bench --subjects 10000` for a quick run).

Benchmarks are kept apart from the tests (STYLE.md): they run on a throwaway database filled
with many subjects, print one line per figure, and never fail on time.
"""
