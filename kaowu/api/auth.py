from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer

from kaowu.accounts.models import ApiToken
from kaowu.accounts.selectors import api_token_get

# An administrator revoking tokens wants to see which are in use, but not to the minute: writing
# last_used_at on every call would cost every API request a commit (the registration_load benchmark).
LAST_USED_RESOLUTION = timedelta(minutes=5)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer kw_…`, a token issued with `kaowu token create USERNAME`."""

    def authenticate(self, request, token: str):
        api_token = api_token_get(token)
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user
