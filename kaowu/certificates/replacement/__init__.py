"""补办 (R-FJ-15): replacement requests for lost or damaged certificates, and their decision."""
