"""Printing certificates: batches and single certificates as PDF, electronic copies, printer calibration."""
