"""The office's web desk: read-only queries behind its pages (overview, 督办, enterprise page),
reporting periods and filters. Plain dataclasses; never imports aiohttp or Telegram."""
