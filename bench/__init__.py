"""Benchmarks for kaowu: `make bench` runs every scenario; `kaowu bench NAME --json` runs one.

See README.md.
"""
