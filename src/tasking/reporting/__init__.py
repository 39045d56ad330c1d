"""What people read: rendered briefings, the annual report, and the packs and reminders."""
