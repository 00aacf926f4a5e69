"""Drill use cases: start, steps, roll-call, end; snapshots and the photo that documents a drill."""
