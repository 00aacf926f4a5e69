"""People's records: persons, certificates (持证上岗) and training hours (培训学时).

``records`` writes them (checking every field, saving nothing on a refusal), ``reminders``
plans and claims a certificate's reminders in the one outbox, ``ledger`` reads them back for
``/stats``, the digest, the office, the Excel report and the command line, ``credits`` counts
the hours of what the bot runs itself (drills, passed spot checks).
"""
