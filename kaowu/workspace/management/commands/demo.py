import unicodedata

from django.core.management.base import BaseCommand, CommandError

from kaowu.accounts.models import Role, User
from kaowu.workspace.demo import DEMO_PASSWORD, demo_build, demo_exists


class Command(BaseCommand):
    help = "生成演示数据（四川省、成都与绵阳、各角色账号），并打印演示登录账号"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="规模倍数：机构和人员按此倍数增加（默认 1）")
        parser.add_argument("--seed", type=int, default=20261122, help="随机种子，相同种子生成相同数据")

    def handle(self, *args, scale: int, seed: int, **options):
        if scale < 1:
            raise CommandError("--scale 须为正整数")
        if demo_exists():
            self.stdout.write("演示数据已存在，未重复生成。")
        else:
            demo_build(scale=scale, seed=seed)
            self.stdout.write(self.style.SUCCESS(f"已生成演示数据（规模 {scale}）：{User.objects.count()} 个账号。"))
        self.print_logins()

    def print_logins(self):
        wanted = [
            "sc_admin", "cd_reviewer", "cd_reviewer2", "my_reviewer", "cd01_admin", "cd01_clerk", "cd01_clerk2",
            "cd02_clerk", "my01_clerk", "cd_assessor01", "cd_assessor02", "cd_assessor03", "cd_assessor04",
            "sc_supervisor01", "cd01_invigilator01", "cd01_candidate001",
        ]
        users = {u.username: u for u in User.objects.filter(username__in=wanted).select_related("organisation")}
        self.stdout.write("")
        self.stdout.write(f"演示登录账号（密码均为 {DEMO_PASSWORD}）：")
        self.stdout.write(f"  {_pad('角色', 20)}{_pad('用户名', 22)}所属机构")
        for username in wanted:
            user = users.get(username)
            if user is None:
                continue
            org = user.organisation.name if user.organisation else "—"
            self.stdout.write(f"  {_pad(Role(user.role).label, 20)}{_pad(username, 22)}{org}")
        self.stdout.write("")


def _pad(text: str, width: int) -> str:
    """Pad to a terminal width, counting a Chinese character as two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(1, width - used)
