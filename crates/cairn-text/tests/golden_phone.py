#!/usr/bin/env python3
"""Golden data for the phone finder: Python `phonenumbers` (libphonenumber) is the reference.

Generates, with a fixed seed, numbers of 12 European regions (mobile and fixed line, valid and
invalid: example numbers with random subscriber digits, one digit too many or too few, and random
leading digits), formats each in E.164, international and national format, and prints one JSON
object per (number, format): the text, the default region, whether libphonenumber parses that text
(with that region) to a valid number, and its E.164 form.

Usage: golden_phone.py [COUNT_PER_REGION]   (default 900, i.e. 10,800 numbers)
"""

import json
import random
import sys

import phonenumbers
from phonenumbers import PhoneNumberFormat as F
from phonenumbers import PhoneNumberType as T

REGIONS = ["FR", "BE", "NL", "DE", "IT", "ES", "RO", "BG", "GB", "PL", "PT", "AT"]
TYPES = {"mobile": T.MOBILE, "fixed": T.FIXED_LINE}
SEED = 20240311


def variants(rng, region, kind, count):
    """National significant numbers (digit strings) derived from the region's example."""
    ex = phonenumbers.example_number_for_type(region, TYPES[kind])
    base = str(ex.national_number)
    lead = "0" * (ex.number_of_leading_zeros or 1) if ex.italian_leading_zero else ""
    base = lead + base
    out = []
    for _ in range(count):
        r = rng.random()
        if r < 0.70:
            # Same prefix, random subscriber digits: mostly valid.
            keep = max(2, len(base) - rng.randint(4, 7))
            nsn = base[:keep] + "".join(rng.choice("0123456789") for _ in range(len(base) - keep))
        elif r < 0.80:
            nsn = base[:-1] + "".join(rng.choice("0123456789") for _ in range(2))  # one too many
        elif r < 0.90:
            nsn = base[: len(base) - 1]  # one too few
            nsn = nsn[:-3] + "".join(rng.choice("0123456789") for _ in range(3))
        else:
            # Random leading digits of the right length: mostly invalid.
            nsn = rng.choice("123456789") + "".join(
                rng.choice("0123456789") for _ in range(len(base) - 1)
            )
        out.append(nsn)
    return out


def main():
    per_region = int(sys.argv[1]) if len(sys.argv) > 1 else 900
    rng = random.Random(SEED)
    n = 0
    for region in REGIONS:
        cc = phonenumbers.country_code_for_region(region)
        for kind in TYPES:
            for nsn in variants(rng, region, kind, per_region // len(TYPES)):
                try:
                    num = phonenumbers.parse("+%d%s" % (cc, nsn), None)
                except phonenumbers.NumberParseException:
                    continue
                n += 1
                forms = {
                    "e164": phonenumbers.format_number(num, F.E164),
                    "international": phonenumbers.format_number(num, F.INTERNATIONAL),
                    "national": phonenumbers.format_number(num, F.NATIONAL),
                }
                for form, text in forms.items():
                    try:
                        p = phonenumbers.parse(text, region)
                        valid = phonenumbers.is_valid_number(p)
                        e164 = phonenumbers.format_number(p, F.E164)
                    except phonenumbers.NumberParseException:
                        valid, e164 = False, None
                    print(
                        json.dumps(
                            {
                                "region": region,
                                "kind": kind,
                                "form": form,
                                "text": text,
                                "valid": valid,
                                "e164": e164,
                            },
                            ensure_ascii=False,
                        )
                    )
    print(json.dumps({"numbers": n, "phonenumbers": phonenumbers.__version__}))


if __name__ == "__main__":
    main()
