"""Score entry: attendance, the assessors' sheets, the leader's compile, the second check, theory imports."""
