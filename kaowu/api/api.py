from ninja import NinjaAPI

from kaowu.api import accounts, catalog, plans, registration, sites  # noqa: F401
from kaowu.api.auth import TokenAuth

api = NinjaAPI(
    title="kaowu 考务接口",
    version="1",
    description="供报名考核机构自有系统调用的接口。以 `Authorization: Bearer <令牌>` 认证。",
    auth=TokenAuth(),
    urls_namespace="api",
)
# First: django-ninja tries the routes in the order they were added, and the public verification is the
# busiest of them (bench verify).
api.add_router("/", "kaowu.api.certificates.router")  # public certificate verification
api.add_router("/", accounts.router)
api.add_router("/", catalog.router)
api.add_router("/", plans.router)
api.add_router("/", sites.router)
api.add_router("/", registration.router)  # reads and writes (api/registration/)
api.add_router("/", "kaowu.api.scoring.router")  # score entry and results
