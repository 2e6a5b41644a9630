"""The registration API: reads and writes on one router, because ninja serves one path (/applications) from one
router only, so the writes' POST must hang on the router of the reads' GET."""

from kaowu.api.registration import refunds, writes  # noqa: F401,I001  (register their operations on `router`)
from kaowu.api.registration.reads import router

__all__ = ["router"]
