"""Shared helpers for Cairn's synthetic example and evaluation corpora.

Standard library only: the generators must run on a fresh machine without pip.
Everything here is fictional: names, numbers, accounts and addresses are made up.
"""
