"""The exam day of the lottery tests: a practical room with stations and seated candidates."""

import io

from PIL import Image

from kaowu.arrangement.models import SeatAssignment

NAMES = ["王小明", "李华", "张敏", "刘洋", "陈静"]


def jpeg(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (90, 110), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def seat(run, application, session, room, number):
    return SeatAssignment.objects.create(run=run, application=application, session=session, room=room,
                                         seat_number=number)
