"""Interchange: data in and out (partner spreadsheets, police.uk open data, pseudonymised exports)."""
