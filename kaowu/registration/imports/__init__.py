"""Bulk import of candidates and applications from Excel (upload, per-row report, confirmation)."""
