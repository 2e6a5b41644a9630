"""Pages without a staff login: the published lists, the score query, a candidate's own results."""
