"""Retakes (补考, R-CQ-13): the passed subjects carried over."""
