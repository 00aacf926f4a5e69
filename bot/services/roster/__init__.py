"""The roster: people who joined an enterprise's list."""
