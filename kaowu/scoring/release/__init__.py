"""A plan's results from submission to finality: review, publication, rechecks, composition."""
