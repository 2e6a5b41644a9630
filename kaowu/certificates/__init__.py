"""Certificates: pure helpers (numbers per R-CERT-NO / R-SC24-12, verification); not a Django app yet."""
