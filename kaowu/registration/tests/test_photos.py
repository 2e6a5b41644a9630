"""R-FJ-4 photos: colour, jpg, 90×110 px, 24-bit, under 20 KB. Pure: images made in memory, no database."""

import io
import random
import struct
import zlib

import pytest
from PIL import Image, ImageCms, ImageDraw

from kaowu.registration.photos import (
    MSG_GREYSCALE,
    MSG_NOT_IMAGE,
    MSG_TOO_LARGE,
    PhotoError,
    photo_check,
    photo_normalise,
)

SPEC = {"width": 90, "height": 110, "max_kb": 20}
RED, GREEN, BLUE = (220, 30, 30), (30, 200, 40), (30, 40, 220)


def encode(img: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def portrait(size=(900, 1100)) -> Image.Image:
    """A colourful stand-in for an ID photo: blue background, skin-coloured head, dark shoulders."""
    w, h = size
    img = Image.new("RGB", size, (70, 130, 200))
    draw = ImageDraw.Draw(img)
    draw.ellipse((w * 0.3, h * 0.12, w * 0.7, h * 0.62), fill=(230, 180, 150))
    draw.rectangle((w * 0.1, h * 0.7, w * 0.9, h), fill=(40, 40, 60))
    return img


def stripes(size, colours, *, vertical: bool) -> Image.Image:
    """Equal bands of the given colours, left to right (vertical) or top to bottom."""
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    n = len(colours)
    for i, colour in enumerate(colours):
        if vertical:
            draw.rectangle((i * w // n, 0, (i + 1) * w // n, h), fill=colour)
        else:
            draw.rectangle((0, i * h // n, w, (i + 1) * h // n), fill=colour)
    return img


def noisy(size, seed=1) -> Image.Image:
    """High detail in every output pixel: random colour blocks (one per output pixel) plus noise."""
    rng = random.Random(seed)
    w, h = size
    blocks = Image.frombytes("RGB", (w // 10, h // 10), rng.randbytes(w // 10 * (h // 10) * 3))
    noise = Image.frombytes("RGB", size, rng.randbytes(w * h * 3))
    return Image.blend(blocks.resize(size, Image.Resampling.NEAREST), noise, 0.3)


def near(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def assert_compliant(out: bytes, *, width=90, height=110, max_kb=20) -> Image.Image:
    img = Image.open(io.BytesIO(out))
    assert img.format == "JPEG"
    assert img.mode == "RGB"  # 3 × 8 bits: 24-bit colour
    assert img.size == (width, height)
    assert len(out) <= max_kb * 1024
    assert not img.info.get("progressive") and not img.info.get("progression")  # baseline
    assert "exif" not in img.info and not img.getexif()
    assert "icc_profile" not in img.info and "comment" not in img.info
    assert photo_check(out, width=width, height=height, max_kb=max_kb) == []
    img.load()
    return img


def refusal(data: bytes, **spec) -> str:
    with pytest.raises(PhotoError) as caught:
        photo_normalise(data, **(spec or SPEC))
    assert caught.value.rule_id == "R-FJ-4"
    assert isinstance(caught.value, ValueError)
    return caught.value.message


def tiny_png_header(width: int, height: int) -> bytes:
    """A PNG that only declares its size: a few bytes claiming a huge canvas."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


# Accepted and normalised


def test_r_fj_4_a_large_colourful_png_with_alpha_becomes_a_compliant_jpeg_on_white():
    img = portrait((1800, 2200)).convert("RGBA")
    ImageDraw.Draw(img).rectangle((0, 0, 1800, 500), fill=(0, 0, 0, 0))  # transparent top
    out = assert_compliant(photo_normalise(encode(img, "PNG"), **SPEC))
    assert near(out.getpixel((45, 3)), (255, 255, 255), tolerance=8)  # transparency became white, not black
    assert near(out.getpixel((45, 50)), (230, 180, 150))  # the head is kept


def test_r_fj_4_a_phone_jpeg_with_exif_orientation_6_is_turned_upright():
    # Stored landscape, left half red and right half blue; orientation 6 means "turn 90° clockwise
    # to display", so upright the red half is on top.
    stored = stripes((2000, 1500), [RED, BLUE], vertical=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    data = encode(stored, "JPEG", quality=90, exif=exif.tobytes())
    out = assert_compliant(photo_normalise(data, **SPEC))
    assert near(out.getpixel((45, 10)), RED)
    assert near(out.getpixel((45, 100)), BLUE)


def test_r_fj_4_a_landscape_image_is_cropped_to_its_centre():
    img = stripes((1200, 800), [RED, GREEN, GREEN, GREEN, BLUE], vertical=True)
    out = assert_compliant(photo_normalise(encode(img, "JPEG", quality=92), **SPEC))
    for x in (0, 45, 89):
        assert near(out.getpixel((x, 55)), GREEN)  # the red and blue sides are cut off


def test_r_fj_4_a_tall_image_is_cropped_slightly_high_where_the_head_is():
    # 900×2200: the window is 1100 rows of 2200; centred it would run 550..1650 and show blue at
    # the bottom; taken 40% down the spare rows it runs 440..1540 and shows neither red nor blue.
    img = Image.new("RGB", (900, 2200), GREEN)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 900, 380), fill=RED)
    draw.rectangle((0, 1600, 900, 2200), fill=BLUE)
    out = assert_compliant(photo_normalise(encode(img, "PNG"), **SPEC))
    assert near(out.getpixel((45, 0)), GREEN)
    assert near(out.getpixel((45, 109)), GREEN)


def test_r_fj_4_a_noisy_high_detail_image_still_gets_under_20_kb():
    assert_compliant(photo_normalise(encode(noisy((900, 1100)), "PNG"), **SPEC))


def test_r_fj_4_quality_is_lowered_until_a_tight_size_limit_is_met():
    data = encode(noisy((900, 1100)), "PNG")
    assert len(photo_normalise(data, width=90, height=110, max_kb=20)) > 5 * 1024  # so the 5 KB limit bites
    assert_compliant(photo_normalise(data, width=90, height=110, max_kb=5), max_kb=5)


def test_r_fj_4_a_photo_that_cannot_be_compressed_enough_is_refused():
    assert "1KB" in refusal(encode(noisy((900, 1200)), "PNG"), width=300, height=400, max_kb=1)


def test_r_fj_4_exif_icc_and_comments_of_the_upload_are_stripped():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {2: (30.0, 39.0, 0.0)}  # GPS latitude: where the candidate lives
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(portrait((600, 800)), "JPEG", quality=90, exif=exif.tobytes(), icc_profile=icc, comment=b"secret")
    assert Image.open(io.BytesIO(data)).info.get("icc_profile")
    assert_compliant(photo_normalise(data, **SPEC))


def test_r_fj_4_a_progressive_cmyk_jpeg_becomes_a_baseline_rgb_jpeg():
    data = encode(portrait((600, 800)).convert("CMYK"), "JPEG", quality=90, progressive=True)
    assert_compliant(photo_normalise(data, **SPEC))


def test_r_fj_4_a_palette_gif_with_transparency_is_accepted():
    img = portrait((300, 400)).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    assert_compliant(photo_normalise(encode(img, "GIF", transparency=0), **SPEC))


def test_r_fj_4_an_animated_gif_is_accepted_using_its_first_frame():
    frames = [Image.new("RGB", (300, 400), RED), Image.new("RGB", (300, 400), BLUE)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 2
    out = assert_compliant(photo_normalise(data, **SPEC))
    assert near(out.getpixel((45, 55)), RED)


def test_r_fj_4_an_image_of_exactly_the_target_size_is_accepted():
    assert_compliant(photo_normalise(encode(portrait((90, 110)), "PNG"), **SPEC))


def test_r_fj_4_normalising_a_normalised_photo_keeps_it_compliant():
    once = photo_normalise(encode(portrait(), "PNG"), **SPEC)
    assert_compliant(photo_normalise(once, **SPEC))


@pytest.mark.parametrize(("width", "height", "max_kb"), [(90, 110, 20), (120, 160, 30), (295, 413, 40)])
def test_r_fj_4_the_policy_profile_size_and_limit_are_honoured(width, height, max_kb):
    for img in (portrait((1200, 1600)), noisy((1200, 1600))):
        out = photo_normalise(encode(img, "PNG"), width=width, height=height, max_kb=max_kb)
        assert_compliant(out, width=width, height=height, max_kb=max_kb)


# Refused


def test_r_fj_4_a_tiny_60_by_80_image_is_refused_naming_both_sizes():
    assert refusal(encode(portrait((60, 80)), "PNG")) == "照片太小（60×80像素），至少需要90×110像素"


def test_r_fj_4_an_image_too_narrow_for_the_frame_is_refused_even_if_tall():
    assert "至少需要90×110像素" in refusal(encode(portrait((80, 2000)), "PNG"))


def test_r_fj_4_the_minimum_size_follows_the_parameters():
    assert refusal(encode(portrait((100, 130)), "PNG"), width=120, height=160, max_kb=30) == (
        "照片太小（100×130像素），至少需要120×160像素")


def test_r_fj_4_a_greyscale_image_is_refused():
    assert refusal(encode(portrait().convert("L"), "PNG")) == MSG_GREYSCALE


def test_r_fj_4_a_greyscale_image_with_alpha_is_refused():
    assert refusal(encode(portrait().convert("LA"), "PNG")) == MSG_GREYSCALE


def test_r_fj_4_an_rgb_image_that_is_grey_is_refused():
    grey_rgb = portrait().convert("L").convert("RGB")
    assert refusal(encode(grey_rgb, "PNG")) == MSG_GREYSCALE
    assert refusal(encode(grey_rgb, "JPEG", quality=75)) == MSG_GREYSCALE  # JPEG noise does not count as colour


def test_r_fj_4_random_bytes_are_refused_as_not_an_image():
    assert refusal(random.Random(4).randbytes(5000)) == MSG_NOT_IMAGE


def test_r_fj_4_a_pdf_is_refused_as_not_an_image():
    assert refusal(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n") == MSG_NOT_IMAGE


def test_r_fj_4_an_empty_file_is_refused_as_not_an_image():
    assert refusal(b"") == MSG_NOT_IMAGE


def test_r_fj_4_a_truncated_jpeg_is_refused_as_not_an_image():
    data = encode(portrait(), "JPEG", quality=90)
    assert refusal(data[: len(data) // 2]) == MSG_NOT_IMAGE


def test_r_fj_4_a_tiff_scan_is_refused_as_not_an_accepted_format():
    assert refusal(encode(portrait(), "TIFF")) == MSG_NOT_IMAGE


def test_r_fj_4_an_image_over_50_megapixels_is_refused_before_it_is_decoded():
    message = refusal(tiny_png_header(10_000, 6_000))
    assert message.startswith(MSG_TOO_LARGE) and "10000×6000" in message


def test_r_fj_4_a_decompression_bomb_is_refused_as_too_large():
    assert refusal(tiny_png_header(30_000, 30_000)).startswith(MSG_TOO_LARGE)


def test_r_fj_4_a_file_over_10_mb_is_refused_without_opening_it():
    assert refusal(b"\xff\xd8\xff" + bytes(10 * 1024 * 1024)).startswith(MSG_TOO_LARGE)


# Audit of stored photos


def test_r_fj_4_check_lists_everything_wrong_with_a_stored_photo():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    data = encode(noisy((400, 500)).convert("L"), "JPEG", quality=95, progressive=True, exif=exif.tobytes())
    problems = photo_check(data, **SPEC)
    assert len(data) > 20 * 1024
    assert problems == [
        f"照片大小为{len(data) / 1024:.1f}KB，须小于20KB",
        "照片尺寸为400×500像素，须为90×110像素",
        MSG_GREYSCALE,
        "照片须为基线（baseline）JPEG，不能为渐进式",
        "照片含 EXIF 信息（可能含拍摄地点），须去除",
    ]


def test_r_fj_4_check_names_a_png_and_a_grey_rgb_photo():
    problems = photo_check(encode(portrait((90, 110)).convert("L").convert("RGB"), "PNG"), **SPEC)
    assert problems == ["照片须为 JPG 格式（当前为 PNG）", MSG_GREYSCALE]


def test_r_fj_4_check_names_a_photo_that_is_not_an_image():
    assert photo_check(b"%PDF-1.7\n", **SPEC) == [MSG_NOT_IMAGE]
