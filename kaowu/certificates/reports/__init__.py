"""合格人员花名册 and the national platform export: the downloads of reporting."""
