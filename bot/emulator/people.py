"""Acting as Telegram users, part one: people and the chats they make.

Create users and groups, add, remove, block or promote the bot, upgrade a basic group to a
supergroup; each enqueues exactly the updates Telegram would send the bot.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.emulator.methods import BotApiMethods
from bot.emulator.state import ACTIVE, JSON, ChatRecord


class ChatSetup(BotApiMethods):
    """People, groups and the bot's place in them; each call returns the object it created."""

    def __init__(
        self, *, bot_id: int, bot_username: str, enforce_limits: bool, now: Callable[[], float]
    ) -> None:
        super().__init__(
            bot_id=bot_id, bot_username=bot_username, enforce_limits=enforce_limits, now=now
        )
        self._next_user, self._next_super, self._next_basic = 1001, 1, 1

    # ----- people and chats -----
    def create_user(
        self,
        first_name: str,
        *,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        last_name: str | None = None,
    ) -> JSON:
        """A new human user (ids 1001, 1002, ...)."""
        user: JSON = {"id": self._next_user, "is_bot": False, "first_name": first_name}
        optional = {"last_name": last_name, "username": username, "language_code": language_code}
        user |= {k: v for k, v in optional.items() if v is not None}
        self._next_user += 1
        self.store.users[user["id"]] = user
        return dict(user)

    def _known(self, user: JSON) -> int:
        self.store.users.setdefault(user["id"], dict(user))
        return int(user["id"])

    def _rec(self, chat: JSON) -> ChatRecord:
        try:
            return self.store.chats[chat["id"]]
        except KeyError:
            raise LookupError(f"unknown chat {chat.get('id')}") from None

    def _new_supergroup_id(self) -> int:
        self._next_super += 1
        return -1001000000000 - (self._next_super - 1)

    def create_group(
        self,
        title: str,
        *,
        admins: Sequence[JSON] = (),
        members: Sequence[JSON] = (),
        supergroup: bool = True,
        creator: JSON | None = None,
        forum: bool = False,
    ) -> JSON:
        """A group without the bot in it; the first admin owns it unless creator is given.

        ``forum=True`` makes a supergroup with topics (``is_forum``); see ``forum.py``.
        """
        if forum and not supergroup:
            raise ValueError("only a supergroup can be a forum")
        if supergroup:
            chat_id = self._new_supergroup_id()
        else:
            chat_id, self._next_basic = -4000 - self._next_basic, self._next_basic + 1
        owner = creator or (admins[0] if admins else None)
        rec = ChatRecord(
            chat_id,
            "supergroup" if supergroup else "group",
            title=title,
            creator=self._known(owner) if owner else None,
            admins={self._known(a) for a in admins},
            members={self._known(m) for m in members},
            is_forum=forum,
        )
        self.store.chats[chat_id] = rec
        return rec.json()

    def private_chat(self, user: JSON) -> JSON:
        """The private chat of that user with the bot (chat id == user id)."""
        uid = self._known(user)
        if uid not in self.store.chats:
            self.store.chats[uid] = ChatRecord(
                uid, "private", user=self.store.users[uid], bot_status="member"
            )
        return self.store.chats[uid].json()

    def add_bot_to_group(self, chat: JSON, *, by: JSON) -> None:
        """my_chat_member (-> member) plus the new_chat_members service message."""
        rec = self._rec(chat)
        self._known(by)
        self.store.my_chat_member(rec, by, rec.bot_status, "member")
        msg = self.store.add_message(rec, by, {"new_chat_members": [self.bot_user]}, "service")
        self.store.enqueue("message", msg.raw)

    def remove_bot_from_group(self, chat: JSON, *, by: JSON) -> None:
        """The bot is kicked: my_chat_member, then every send there answers 403."""
        rec = self._rec(chat)
        self.store.my_chat_member(rec, by, rec.bot_status, "kicked")

    def block_bot(self, user: JSON) -> None:
        """The user blocks the bot; writing to the bot again unblocks it."""
        rec = self._rec(self.private_chat(user))
        self.store.my_chat_member(rec, user, rec.bot_status, "kicked")

    def set_admin(
        self, chat: JSON, user: JSON, is_admin: bool = True, *, can_manage_topics: bool = False
    ) -> None:
        """Promote/demote a user, or the bot itself (then it gets a my_chat_member).

        People promoted here have every right; the bot manages forum topics only when
        promoted with ``can_manage_topics``.
        """
        rec = self._rec(chat)
        uid = self._known(user)
        if uid == self.bot_user["id"]:
            if rec.bot_status not in ACTIVE:
                raise ValueError("the bot is not in this group; add_bot_to_group first")
            rec.bot_manages_topics = is_admin and can_manage_topics
            new = "administrator" if is_admin else "member"
            if new != rec.bot_status:
                by = self.store.users.get(rec.creator or 0, self.bot_user)
                self.store.my_chat_member(rec, by, rec.bot_status, new)
        elif is_admin:
            rec.admins.add(uid)
        else:
            rec.admins.discard(uid)
            rec.members.add(uid)
        self.store.notify()

    def migrate_to_supergroup(self, chat: JSON) -> JSON:
        """Upgrade a basic group; the old id then answers 400 with migrate_to_chat_id."""
        rec = self._rec(chat)
        if rec.type != "group" or rec.migrated_to is not None:
            raise ValueError("only a basic group that was not yet migrated can be upgraded")
        people = sorted(rec.admins | rec.members)
        actor_id = rec.creator or (people[0] if people else None)
        if actor_id is None:
            raise ValueError("a group needs at least one person to upgrade it")
        actor = self.store.users[actor_id]
        new = ChatRecord(
            self._new_supergroup_id(),
            "supergroup",
            title=rec.title,
            creator=rec.creator,
            admins=set(rec.admins),
            members=set(rec.members),
            bot_status=rec.bot_status,
        )
        self.store.chats[new.id] = new
        old_msg = self.store.add_message(rec, actor, {"migrate_to_chat_id": new.id}, "service")
        new_msg = self.store.add_message(new, actor, {"migrate_from_chat_id": rec.id}, "service")
        if rec.bot_status in ACTIVE:
            self.store.enqueue("message", old_msg.raw)
            self.store.enqueue("message", new_msg.raw)
        rec.migrated_to = new.id
        return new.json()
