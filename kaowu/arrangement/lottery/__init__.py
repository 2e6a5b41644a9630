"""The station lottery (工位抽签, R-FJ-16) on the exam day."""
