"""A fast QR encoder for the one case pages print many of: ASCII text in byte mode with a fixed mask
(the signed links of admission tickets and certificates). No Django here.

    qr_byte_matrix("https://…/verify/S0000…?n=…", error="m", mask=2) -> list[bytes] | None

It returns exactly the modules `segno.make(text, error=error, mask=mask, micro=False, boost_error=False)`
makes (a test compares them for every version and level), or None for text it does not handle (empty, not
ASCII, or all digits and capitals, which segno sets in numeric or alphanumeric mode): the caller then
asks segno.

Why: segno encodes module by module in Python, about 2.7 ms for a 190-character link, which was more
than the rest of a certificate page. Here what depends only on the version, level and mask is made once
(the positions of the data modules in placement order, the function patterns, the mask) and a code costs
its Reed–Solomon remainders (one table lookup and XOR of Python integers a data byte) and one gather of
the bits into place: about a tenth of a millisecond.

The layout follows ISO/IEC 18004:2015 (§7.4 data, §7.5 error correction, §7.6 interleaving, §7.7
placement, §7.8 masks, §7.9 format and §7.10 version information); block sizes, capacities and alignment
pattern positions are segno's tables (`segno.consts`), so both encoders agree by construction.
"""

from functools import cache
from operator import itemgetter

from segno import consts

_ERRORS = {"l": consts.ERROR_LEVEL_L, "m": consts.ERROR_LEVEL_M, "q": consts.ERROR_LEVEL_Q,
           "h": consts.ERROR_LEVEL_H}
_ALPHANUMERIC = frozenset(consts.ALPHANUMERIC_CHARS.decode("ascii"))
_MASKS = (
    lambda row, col: (row + col) % 2 == 0,
    lambda row, col: row % 2 == 0,
    lambda row, col: col % 3 == 0,
    lambda row, col: (row + col) % 3 == 0,
    lambda row, col: (row // 2 + col // 3) % 2 == 0,
    lambda row, col: (row * col) % 2 + (row * col) % 3 == 0,
    lambda row, col: ((row * col) % 2 + (row * col) % 3) % 2 == 0,
    lambda row, col: ((row + col) % 2 + (row * col) % 3) % 2 == 0,
)
# Each byte as its eight bits (0/1 bytes), most significant first.
_BITS = [bytes((value >> shift) & 1 for shift in range(7, -1, -1)) for value in range(256)]


# --- GF(256) and Reed–Solomon ----------------------------------------------------------------------------

_EXP = [0] * 512
_LOG = [0] * 256
_value = 1
for _power in range(255):
    _EXP[_power] = _value
    _LOG[_value] = _power
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x11D
for _power in range(255, 512):
    _EXP[_power] = _EXP[_power - 255]


def _multiply(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


@cache
def _remainder_table(degree: int) -> tuple[int, ...]:
    """For each byte f, the generator polynomial of `degree` (without its leading 1) times f, as one
    big-endian integer of `degree` bytes: the division step of the remainder is then a shift and an XOR."""
    generator = [1]  # coefficients, highest power first: prod (x - a^i), i < degree
    for power in range(degree):
        root = _EXP[power]
        generator = [*(c ^ _multiply(n, root) for c, n in zip([*generator, 0], [0, *generator], strict=True))]
    tail = generator[1:]
    return tuple(int.from_bytes(bytes(_multiply(f, c) for c in tail), "big") for f in range(256))


def _ec_codewords(data: bytes, degree: int) -> bytes:
    table = _remainder_table(degree)
    shift = 8 * (degree - 1)
    keep = (1 << (8 * degree)) - 1
    remainder = 0
    for byte in data:
        remainder = ((remainder << 8) & keep) ^ table[byte ^ (remainder >> shift)]
    return remainder.to_bytes(degree, "big")


# --- the symbol's layout, once per version, level and mask ------------------------------------------------


def _function_modules(version: int) -> tuple[int, list[list[int | None]]]:
    """The symbol's size and its matrix with the function patterns set (finder patterns with their
    separators, timing, alignment patterns, the dark module) and the format and version areas reserved
    (-1); data modules are None."""
    size = version * 4 + 17
    grid: list[list[int | None]] = [[None] * size for _ in range(size)]

    def finder(top: int, left: int) -> None:
        for dr in range(-1, 8):
            for dc in range(-1, 8):
                row, col = top + dr, left + dc
                if 0 <= row < size and 0 <= col < size:
                    ring = max(abs(dr - 3), abs(dc - 3))
                    grid[row][col] = 1 if ring in (0, 1, 3) else 0

    finder(0, 0)
    finder(0, size - 7)
    finder(size - 7, 0)
    for index in range(8, size - 8):
        grid[6][index] = grid[index][6] = 1 if index % 2 == 0 else 0
    if version >= 2:
        positions = consts.ALIGNMENT_POS[version - 2]
        first, last = positions[0], positions[-1]
        for row in positions:
            for col in positions:
                if (row, col) in ((first, first), (first, last), (last, first)):
                    continue
                for dr in range(-2, 3):
                    for dc in range(-2, 3):
                        grid[row + dr][col + dc] = 0 if max(abs(dr), abs(dc)) == 1 else 1
    # Format information around the finder patterns (and the dark module), version information.
    for index in range(9):
        if grid[8][index] is None:
            grid[8][index] = -1
        if grid[index][8] is None:
            grid[index][8] = -1
    for index in range(8):
        grid[8][size - 1 - index] = -1
    for index in range(7):
        grid[size - 1 - index][8] = -1
    grid[size - 8][8] = 1
    if version >= 7:
        for a in range(6):
            for b in range(size - 11, size - 8):
                grid[a][b] = grid[b][a] = -1
    return size, grid


def _format_bits(error: int, mask: int) -> int:
    data = (error << 3) | mask
    remainder = data << 10
    for bit in range(14, 9, -1):
        if remainder & (1 << bit):
            remainder ^= 0x537 << (bit - 10)
    return ((data << 10) | remainder) ^ 0x5412


def _version_bits(version: int) -> int:
    remainder = version << 12
    for bit in range(17, 11, -1):
        if remainder & (1 << bit):
            remainder ^= 0x1F25 << (bit - 12)
    return (version << 12) | remainder


def _format_and_version_draw(grid: list[list[int | None]], size: int, version: int, error: int,
                             mask: int) -> None:
    bits = _format_bits(error, mask)
    # Bit 14 (most significant) first: along row 8 from the left and up column 8 (skipping the timing
    # pattern), and again along column 8 at the bottom and row 8 at the right.
    near = [(8, 0), (8, 1), (8, 2), (8, 3), (8, 4), (8, 5), (8, 7), (8, 8), (7, 8), (5, 8), (4, 8), (3, 8),
            (2, 8), (1, 8), (0, 8)]
    far = [(size - 1 - index, 8) for index in range(7)] + [(8, size - 8 + index) for index in range(8)]
    for index in range(15):
        bit = (bits >> (14 - index)) & 1
        for row, col in (near[index], far[index]):
            grid[row][col] = bit
    if version >= 7:
        bits = _version_bits(version)
        for index in range(18):
            bit = (bits >> index) & 1
            a, b = index // 3, size - 11 + index % 3
            grid[a][b] = grid[b][a] = bit


class _Layout:
    """What a code of this version, level and mask shares with every other one."""

    def __init__(self, version: int, error: int, mask: int):
        self.version, self.size = version, version * 4 + 17
        size, grid = _function_modules(version)
        _format_and_version_draw(grid, size, version, error, mask)
        # The data modules in placement order: two-column strips from the right, upwards then downwards,
        # the vertical timing column skipped.
        order: list[tuple[int, int]] = []
        right = size - 1
        while right > 0:
            if right == 6:
                right = 5
            upward = (right + 1) & 2 == 0
            for step in range(size):
                row = size - 1 - step if upward else step
                for col in (right, right - 1):
                    if grid[row][col] is None:
                        order.append((row, col))
            right -= 2
        self.data_modules = len(order)
        index_of = {position: index for index, position in enumerate(order)}
        test = _MASKS[mask]
        # The gather: a data module takes bit index_of[...] of the data; a function module takes the
        # constant at data_modules + its value (0 or 1) appended to the data.
        gather, flips = [], bytearray(size * size)
        for row in range(size):
            for col in range(size):
                value = grid[row][col]
                if value is None:
                    gather.append(index_of[row, col])
                    flips[row * size + col] = 1 if test(row, col) else 0
                else:
                    gather.append(self.data_modules + value)
        self.gather = itemgetter(*gather)
        self.flips = int.from_bytes(flips, "big")
        blocks = consts.ECC[version][error]
        self.blocks = [(info.num_data, info.num_total - info.num_data) for info in blocks
                       for _ in range(info.num_blocks)]
        self.capacity_bits = consts.SYMBOL_CAPACITY[version][error]


@cache
def _layout(version: int, error: int, mask: int) -> _Layout:
    return _Layout(version, error, mask)


# --- a code -----------------------------------------------------------------------------------------------


def _version_for(length: int, error: int) -> int | None:
    for version in range(1, 41):
        count_bits = 8 if version < 10 else 16
        if consts.SYMBOL_CAPACITY[version][error] >= 4 + count_bits + 8 * length:
            return version
    return None


def qr_byte_matrix(text: str, *, error: str = "m", mask: int) -> list[bytes] | None:
    """The modules of the smallest QR code holding `text` in byte mode with mask pattern `mask` (0–7):
    rows of 0 (light) / 1 (dark), no quiet zone, as segno makes them; None when `text` is not for this
    encoder (see the module docstring) or too long for any version."""
    if not text or not text.isascii() or set(text) <= _ALPHANUMERIC or not 0 <= mask <= 7:
        return None
    level = _ERRORS[error.lower()]
    data = text.encode("ascii")
    version = _version_for(len(data), level)
    if version is None:
        return None
    layout = _layout(version, level, mask)
    # Mode indicator (byte), character count, the bytes, a terminator of up to four zero bits, zero bits
    # to the next byte boundary, then the pad codewords 0xEC 0x11 in turn. segno pads a stream that already
    # ends on a boundary with a whole zero byte (8 - length % 8 bits; decoders stop at the terminator), and
    # so does this encoder, to make the same symbols.
    count_bits = 8 if version < 10 else 16
    bits = 4 + count_bits + 8 * len(data)
    value = (0b0100 << count_bits | len(data)) << (8 * len(data)) | int.from_bytes(data, "big")
    terminator = min(4, layout.capacity_bits - bits)
    value <<= terminator
    bits += terminator
    padding = 8 - bits % 8
    value <<= padding
    bits += padding
    total = layout.capacity_bits // 8
    codewords = bytearray(value.to_bytes(bits // 8, "big")[:total])
    if len(codewords) < total:
        pad = b"\xec\x11" * ((total - len(codewords)) // 2 + 1)
        codewords += pad[:total - len(codewords)]
    # Blocks, their error correction codewords, and both interleaved column by column.
    data_blocks, ec_blocks, start = [], [], 0
    for length, degree in layout.blocks:
        block = bytes(codewords[start:start + length])
        start += length
        data_blocks.append(block)
        ec_blocks.append(_ec_codewords(block, degree))
    message = bytearray()
    for column in range(max(len(block) for block in data_blocks)):
        message.extend(block[column] for block in data_blocks if column < len(block))
    for column in range(len(ec_blocks[0])):
        message.extend(block[column] for block in ec_blocks)
    stream = b"".join([_BITS[byte] for byte in message])
    # Remainder bits (zero), then the two constants the function modules read.
    stream += bytes(layout.data_modules - len(stream)) + b"\x00\x01"
    placed = bytes(layout.gather(stream))
    size = layout.size
    masked = (int.from_bytes(placed, "big") ^ layout.flips).to_bytes(size * size, "big")
    return [masked[row * size:(row + 1) * size] for row in range(size)]
