"""Robot channels (WeCom, DingTalk, Feishu): their outbox, sending, links and registration."""
