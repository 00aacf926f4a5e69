"""Statistics and reports for office staff: SQL aggregates, the Excel workbook, the chart, the digest.

Nothing here imports Telegram; handlers and jobs call in with a session, ``now`` and the
enterprises a chat may see. Quiz and drill figures come through the protocols in
``bot.reports.sources`` so this package does not depend on the modules that record them.
"""
