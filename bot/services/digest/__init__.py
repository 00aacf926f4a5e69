"""The daily digest's settings: its time, its mode and the forum topic it goes to."""
