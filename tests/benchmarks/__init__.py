"""Benchmarks: scripts run by `make bench`, not tests (pytest collects test_*.py files only)."""
