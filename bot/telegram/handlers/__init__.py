"""One module per feature; each exposes ``handlers()`` returning its PTB handlers in order."""
