"""The office's web desk under ``/desk/``: aiohttp handlers only (no Telegram import here).

``app.build_desk_app`` builds the sub-application the ``WebServer`` mounts; ``auth`` holds the
scope every page asks for (``scope_of``), ``layout`` renders pages and error pages, and each
part (``sessions``, ``pages``, ``reports``, ``evidence``) exports ``register(app)``.
"""
