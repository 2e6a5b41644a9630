"""Registration documents: the fee receipt (R-CQ-4) and the institution's commitment per plan (R-LN-3, R-SC24-7)."""
