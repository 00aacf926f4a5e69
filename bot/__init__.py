"""Frontline Safety Bot (一线安全助手): safety-work reminders, confirmations, drills and quizzes in Telegram."""
