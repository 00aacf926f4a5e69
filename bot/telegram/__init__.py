"""The Telegram side: PTB application, handlers (one module per feature), keyboards, sending."""
