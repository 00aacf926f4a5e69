"""Which language a chat is written to in."""
