from django.utils import timezone
from ninja.security import HttpBearer

from kaowu.accounts.selectors import api_token_get
from kaowu.accounts.services import api_token_mark_used


class TokenAuth(HttpBearer):
    """`Authorization: Bearer kw_…`, a token issued with `kaowu token create USERNAME`."""

    def authenticate(self, request, token: str):
        api_token = api_token_get(token)
        if api_token is None:
            return None
        api_token_mark_used(token=api_token, now=timezone.now())
        request.user = api_token.user
        return api_token.user
