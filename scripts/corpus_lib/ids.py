"""Fictional e-mail addresses, IBANs and crypto wallets with valid checksums (stdlib only)."""

from __future__ import annotations

import hashlib
import random
import string

# ---------------------------------------------------------------- e-mail

EMAIL_DOMAINS = ["example.org", "example.net", "example.com", "mail.example.org", "post.example.net"]

# (technique, template) — `{u}` local part, `{d}` domain label(s) before the TLD, `{t}` TLD.
EMAIL_OBFUSCATIONS: dict[str, list[str]] = {
    "paren_at_dot": ["{u} (at) {d} (dot) {t}", "{u}(at){d}(dot){t}", "{u} (AT) {d} (DOT) {t}"],
    "bracket_at_dot": ["{u} [at] {d} [dot] {t}", "{u}[at]{d}[.]{t}", "{u} [at] {d}[.]{t}"],
    "paren_at": ["{u}(at){d}.{t}", "{u} (at) {d}.{t}", "{u}[at]{d}.{t}"],
    "spaced_at": ["{u} @ {d} . {t}", "{u} @ {d}.{t}", "{u}@ {d}.{t}"],
    "arobase": ["{u} arobase {d} point {t}", "{u} arobase {d}.{t}"],
    "punkt": ["{u} (at) {d} punkt {t}", "{u}(at){d} punkt {t}"],
}
# Which obfuscations a writer of each language would use.
EMAIL_OBF_BY_LANG = {
    "fr": ["arobase", "paren_at_dot", "bracket_at_dot", "arobase", "paren_at", "spaced_at"],
    "de": ["punkt", "paren_at_dot", "bracket_at_dot", "punkt", "paren_at", "spaced_at"],
}
EMAIL_OBF_DEFAULT = ["paren_at_dot", "bracket_at_dot", "paren_at", "spaced_at"]


def render_email(rng: random.Random, local: str, domain: str, lang: str, obfuscated: bool,
                 technique: str | None = None) -> tuple[str, str]:
    """Returns (text, technique). The normalised value is always `local@domain` lowercased."""
    if not obfuscated:
        r = rng.random()
        if r < 0.15:
            # People capitalise names; the value is still lowercase.
            return local.capitalize() + "@" + domain.capitalize(), "plain_mixed_case"
        return local + "@" + domain, "plain"
    tech = technique or rng.choice(EMAIL_OBF_BY_LANG.get(lang, EMAIL_OBF_DEFAULT))
    d, t = domain.rsplit(".", 1)
    d = d.replace(".", " (dot) ") if "dot" in tech else d
    tpl = rng.choice(EMAIL_OBFUSCATIONS[tech])
    return tpl.format(u=local, d=d, t=t), tech


# ---------------------------------------------------------------- IBAN

def _iban_check(cc: str, bban: str) -> str:
    s = bban + cc + "00"
    num = "".join(str(int(c, 36)) for c in s)
    return f"{98 - int(num) % 97:02d}"


def iban_valid(iban: str) -> bool:
    s = iban.replace(" ", "").upper()
    if len(s) != IBAN_LENGTH.get(s[:2], -1):
        return False
    num = "".join(str(int(c, 36)) for c in s[4:] + s[:4])
    return int(num) % 97 == 1


IBAN_LENGTH = {"FR": 27, "BE": 16, "NL": 18, "DE": 22, "AT": 20, "IT": 27, "ES": 24, "RO": 24,
               "BG": 22, "GB": 22, "LU": 20, "CH": 21}


def _n(rng: random.Random, k: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(k))


def _a(rng: random.Random, k: int) -> str:
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(k))


def _c(rng: random.Random, k: int) -> str:
    return "".join(rng.choice(string.digits + string.ascii_uppercase) for _ in range(k))


def _fr_rib_key(bank: str, branch: str, account: str) -> str:
    # Letters of the account map to digits as in the French RIB rule.
    conv = {**{c: str(i % 9 + 1) for i, c in enumerate("ABCDEFGHI")},
            **{c: str(i % 9 + 1) for i, c in enumerate("JKLMNOPQR")},
            **{c: str(i % 8 + 2) for i, c in enumerate("STUVWXYZ")}}
    acc = "".join(conv.get(c, c) for c in account)
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acc)) % 97:02d}"


def _es_dc(digits: str) -> str:
    w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]
    d = 11 - sum(int(a) * b for a, b in zip(digits, w[-len(digits):] if len(digits) < 10 else w)) % 11
    return "0" if d == 11 else "1" if d == 10 else str(d)


def make_iban(rng: random.Random, cc: str) -> str:
    """A compact IBAN with a valid check (and national check digits where cheap to compute)."""
    if cc == "FR":
        bank, branch, acc = _n(rng, 5), _n(rng, 5), _n(rng, 11)
        bban = bank + branch + acc + _fr_rib_key(bank, branch, acc)
    elif cc == "BE":
        base = _n(rng, 10)
        chk = int(base) % 97 or 97
        bban = base + f"{chk:02d}"
    elif cc == "NL":
        while True:  # Dutch eleven-test on the account number
            acc = _n(rng, 10)
            if sum(int(d) * w for d, w in zip(acc, range(10, 0, -1))) % 11 == 0:
                break
        bban = _a(rng, 4) + acc
    elif cc == "DE":
        bban = _n(rng, 8) + _n(rng, 10)
    elif cc == "AT":
        bban = _n(rng, 5) + _n(rng, 11)
    elif cc == "IT":
        bban = _a(rng, 1) + _n(rng, 5) + _n(rng, 5) + _n(rng, 12)
    elif cc == "ES":
        bank, branch, acc = _n(rng, 4), _n(rng, 4), _n(rng, 10)
        bban = bank + branch + _es_dc("00" + bank + branch) + _es_dc(acc) + acc
    elif cc == "RO":
        bban = _a(rng, 4) + _c(rng, 16)
    elif cc == "BG":
        bban = _a(rng, 4) + _n(rng, 4) + _n(rng, 2) + _c(rng, 8)
    elif cc == "GB":
        bban = _a(rng, 4) + _n(rng, 6) + _n(rng, 8)
    elif cc == "LU":
        bban = _n(rng, 3) + _c(rng, 13)
    elif cc == "CH":
        bban = _n(rng, 5) + _c(rng, 12)
    else:
        raise ValueError(cc)
    iban = cc + _iban_check(cc, bban) + bban
    assert iban_valid(iban), iban
    return iban


def render_iban(rng: random.Random, iban: str) -> tuple[str, str, bool]:
    """Returns (text, technique, obfuscated)."""
    r = rng.random()
    grouped = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    if r < 0.45:
        return grouped, "grouped", False
    if r < 0.85:
        return iban, "compact", False
    if r < 0.93:
        return grouped.lower(), "lowercase", True
    return "-".join(iban[i:i + 4] for i in range(0, len(iban), 4)), "dashes", True


# ---------------------------------------------------------------- wallets

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _polymod(values: list[int]) -> int:
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def bech32_segwit(hrp: str, version: int, program: bytes) -> str:
    """BIP-173 (v0) / BIP-350 (v1+) address."""
    acc, bits, data = 0, 0, [version]
    for b in program:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    const = 1 if version == 0 else 0x2BC830A3
    hrp_exp = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = _polymod(hrp_exp + data + [0] * 6) ^ const
    checksum = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


def make_wallet(rng: random.Random, kind: str) -> str:
    """kind: btc_p2pkh, btc_p2sh, btc_bech32, ltc, trx, eth (lowercase, valid without EIP-55)."""
    body = bytes(rng.getrandbits(8) for _ in range(20))
    if kind == "btc_p2pkh":
        return base58check(b"\x00" + body)
    if kind == "btc_p2sh":
        return base58check(b"\x05" + body)
    if kind == "btc_bech32":
        return bech32_segwit("bc", 0, body)
    if kind == "ltc":
        return base58check(b"\x30" + body)
    if kind == "trx":
        return base58check(b"\x41" + body)
    if kind == "eth":
        return "0x" + body.hex()
    raise ValueError(kind)
