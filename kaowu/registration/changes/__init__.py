"""Changes to a candidate's data after submission, decided by the reviewing center (R-LN-5b)."""
