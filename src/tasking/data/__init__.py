"""Data in and out: partner spreadsheets, police.uk open data, and pseudonymised exports."""
