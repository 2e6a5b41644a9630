from django.core.management.base import BaseCommand, CommandError

from kaowu.accounts.models import User
from kaowu.accounts.services import api_token_create


class Command(BaseCommand):
    help = "为用户签发接口令牌：kaowu token create USERNAME [--name 用途]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="签发令牌（只显示一次）")
        create.add_argument("username")
        create.add_argument("--name", default="命令行签发")

    def handle(self, *args, action: str, username: str, name: str, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在或已停用")
        _token, key = api_token_create(user=user, name=name)
        self.stdout.write(key)
