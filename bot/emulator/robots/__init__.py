"""Loopback WeCom, DingTalk and Feishu group robots, for the tests and the demo."""

from bot.emulator.robots.server import RobotEmulator
from bot.emulator.robots.state import FakeRobot

__all__ = ["FakeRobot", "RobotEmulator"]
