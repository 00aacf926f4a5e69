"""What is due, done and overdue for one enterprise (the group's /stats)."""
