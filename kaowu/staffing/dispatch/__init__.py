"""Dispatch (三员派遣): the solver's proposal, edited and published by the center, confirmed by the people."""
