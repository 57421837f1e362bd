#!/usr/bin/env python3
"""Writes an HTCDS CSV of fictional persons ("Fictional Testperson-00001"...) for the statistics
end-to-end check: dates of birth, genders, nationalities, forms of exploitation, means of control
and recruitment, and a consent to statistical use for about 70 % of them. Deterministic."""
import argparse
import csv
import random

COLUMNS = ["prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender", "prs_Nationality",
           "vic_Status", "vic_MethodOfRecruitment", "vic_MethodsOfControl", "vic_TypeOfExploitation",
           "vic_TypeOfSexExploitation", "vic_LocationOfExploitation", "cas_IncomingReferralDate",
           "cns_Purposes", "cns_Categories", "cns_Giver", "cns_GivenDate"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--persons", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    consenting = 0
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for i in range(args.persons):
            year = rnd.choice([2021, 2022, 2023, 2024, 2025])
            age = rnd.choice([12, 13, 14, 14, 15, 15, 16, 16, 17, 19, 22, 26, 31, 45])
            registered = f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            birth = f"{year - age - 1}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            gender = rnd.choices(["Female", "Male", "Other", "Unknown"], [70, 25, 2, 3])[0]
            nationality = rnd.choices(["FR", "RO", "BG", "NG", "MA", "BE"], [55, 15, 8, 10, 6, 6])[0]
            form = rnd.choices(["Sexual exploitation", "Forced criminal activity", "Forced labour",
                                "Forced begging"], [80, 10, 6, 4])[0]
            control = ";".join(rnd.sample(["Threats", "Debt bondage", "Physical violence",
                                           "Emotional manipulation", "Psychoactive substances"],
                                          rnd.randint(0, 3)))
            recruitment = rnd.choice(["Romantic relationship", "Friend or acquaintance",
                                      "Online contact", "Family member", "Job offer"])
            sexual = (rnd.choice(["Prostitution", "Pornography", "Remote interactive services"])
                      if form == "Sexual exploitation" else "")
            consent = rnd.random() < 0.7
            consenting += consent
            w.writerow(["Fictional", f"Testperson-{i:05d}", birth, gender, nationality,
                        rnd.choice(["possible", "confirmed"]), recruitment, control, form, sexual,
                        rnd.choice(["FR", "FR", "FR", "BE", "ES"]), registered,
                        "statistics;research" if consent else "",
                        "case;exploitation" if consent else "",
                        "parent" if consent else "", registered if consent else ""])
    print(consenting)


if __name__ == "__main__":
    main()
