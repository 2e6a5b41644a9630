"""kaowu (考务): exam administration for Chinese vocational skill assessment."""
