"""Facility filings (设施设备申报, R-FJ-2, R-SC24-6): one site confirmed for one item, with its photos and files."""
