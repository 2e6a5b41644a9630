"""Tests of kaowu.certificates."""
