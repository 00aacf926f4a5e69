"""隐患排查治理: hazards from report to 销号 (records), the register and figures (queries),
deadline follow-ups (followup), and the 判定标准 self-check (selfcheck)."""
