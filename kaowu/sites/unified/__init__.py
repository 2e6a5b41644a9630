"""Applications to become a 统考报名机构 (R-SC24-3), reviewed by the center like a facility filing."""
