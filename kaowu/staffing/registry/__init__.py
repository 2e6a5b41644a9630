"""Staff registry (考务人员库): people, assessor cards, relations, availability, Excel import."""
