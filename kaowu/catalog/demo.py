"""The catalogue's step of the demo generator (the lead wires it into kaowu.workspace.demo)."""

from kaowu.catalog.loader import catalogue_load


def demo_catalogue_build() -> None:
    """Load the shipped catalogue file; safe to run again (nothing changes the second time)."""
    catalogue_load()
