"""Running the bot in production: webhook server, health, Prometheus metrics, graceful stop.

``service.BotService`` starts an instance in polling or webhook mode and stops it gracefully;
``server.WebServer`` is its HTTP side; ``metrics`` and ``health`` what it reports. The package
imports nothing at load time because ``bot.telegram.app`` imports ``bot.web.metrics``.
"""
