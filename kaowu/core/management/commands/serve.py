from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动开发服务器（默认 127.0.0.1:8000）。生产环境请用 gunicorn kaowu.wsgi"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        call_command("runserver", addrport)
