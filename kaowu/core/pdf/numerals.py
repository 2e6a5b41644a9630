"""Amounts of money in Chinese capital numerals (大写), as receipts and invoices write them."""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
# Units inside a group of four digits, and the groups themselves.
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")


def _group(digits: str) -> str:
    """Four digits (or fewer) without their group unit; zeros collapse to one 零 between digits."""
    out, zero = [], False
    for position, char in enumerate(digits):
        unit = SMALL_UNITS[len(digits) - position - 1]
        if char == "0":
            zero = True
            continue
        if zero and out:
            out.append("零")
        zero = False
        out.append(DIGITS[int(char)] + unit)
    return "".join(out)


def yuan_upper(amount: Decimal | int | str) -> str:
    """人民币 amount in capitals: 360 → 叁佰陆拾元整, 1005.50 → 壹仟零伍元伍角, 0.05 → 伍分.

    Follows the usual bookkeeping rules: a run of zeros inside the number is written as one 零,
    an amount with no 角 and no 分 ends with 整, and an amount with 分 but no 角 writes 零 for the 角.
    """
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        return "负" + yuan_upper(-value)
    fen_total = int(value * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    text = ""
    if yuan:
        digits = str(yuan)
        groups = []
        while digits:
            groups.insert(0, digits[-4:])
            digits = digits[:-4]
        parts, pending_zero = [], False
        for index, group in enumerate(groups):
            unit = GROUP_UNITS[len(groups) - index - 1]
            if int(group) == 0:
                pending_zero = True
                continue
            # A group that starts with 0 (or follows an empty group) is preceded by one 零.
            if parts and (pending_zero or group.startswith("0")):
                parts.append("零")
            parts.append(_group(group) + unit)
            pending_zero = group.endswith("0")
        text = "".join(parts) + "元"
    if jiao == 0 and fen == 0:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    return text
