from django.utils import timezone
from ninja.security import HttpBearer

from kaowu.accounts.models import ApiToken
from kaowu.accounts.selectors import api_token_user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer kw_…`, a token issued with `kaowu token create USERNAME`."""

    def authenticate(self, request, token: str):
        user = api_token_user(token)
        if user is None:
            return None
        # Worth one cheap UPDATE: an administrator revoking tokens wants to see which are in use.
        ApiToken.objects.filter(key_hash=ApiToken.hash_key(token)).update(last_used_at=timezone.now())
        request.user = user
        return user
