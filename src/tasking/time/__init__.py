"""Time: instants in UTC, local time in Europe/London, financial years and the meeting calendar."""
