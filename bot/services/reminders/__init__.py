"""The outbox: materializing occurrences, claiming, dispatching, recording, confirming."""
