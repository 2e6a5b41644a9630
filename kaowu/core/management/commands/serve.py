import os

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动开发服务器（默认 127.0.0.1:8000）。生产环境请用 gunicorn kaowu.wsgi"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        # The QR codes of tickets and certificates made by the server carry the address it serves, unless
        # KAOWU_PUBLIC_URL says otherwise (`make run` sets it for the worker too). runserver's reloader starts
        # the serving process anew, which reads the settings with this environment.
        if not os.environ.get("KAOWU_PUBLIC_URL") and addrport != "127.0.0.1:8000":
            address = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
            if not address.startswith("0.0.0.0:"):
                os.environ["KAOWU_PUBLIC_URL"] = f"http://{address}"
        call_command("runserver", addrport)
