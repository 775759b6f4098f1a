"""The ``UserN`` sections: name, password, enable, per-channel access, SOL payload access.

Every key asks the BMC on its own (Get User Access per key, as FreeIPMI does). A BMC that
answers 0xCC ("invalid data field") to a user that has no name yet gets the value
``<username-not-set-yet>`` instead of a failure. The session limit cannot be read back, so a
commit of any access key writes the session limit given in the same section (0 if none).
"""

from __future__ import annotations

from ...commands import config_params as cp
from ...wire.buffer import DecodeError
from ..model import (USERNAME_NOT_SET_YET, Context, FailureKind, Key, KeyFailure, KeyFlag, Section, Validity,
                     c_atoi, failure, number_range, parse_yes_no, same, validate_yes_no, yes_no)
from .common import PRIVILEGE_LIMIT, YES_NO_DESC, input_value, lan_channel, serial_channel

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from ..model import Script

CC_INVALID_DATA = 0xCC
CC_BAD_LENGTH = 0xC7
CC_NOT_IN_STATE = 0xD5
SESSION_LIMIT_DESC = "Possible values: 0-17, 0 is unlimited; May be reset to 0 if not specified"
PASSWORD_DESC = "Give password or blank to clear. MAX 16 chars (20 chars if IPMI 2.0 supported)."

USERS_COMMENT = (
    "Each User section below describes one user slot of the BMC: its name, its password, whether it is "
    "enabled, and what it may do over each channel. User1 is the anonymous user; its name cannot be "
    "changed.\n"
    "To let a user log in over the LAN, set \"Enable_User\", \"Lan_Enable_IPMI_Msgs\" to \"Yes\" and give a "
    "\"Lan_Privilege_Limit\". Keep at least one user at \"Administrator\" so that every function stays "
    "reachable, and leave the anonymous User1 disabled unless you need it. \"Lan_Session_Limit\" 0 means no "
    "limit.\n"
    "\"SOL_Payload_Access\" allows or denies Serial-over-LAN to the user on BMCs with IPMI 2.0.\n"
    "Passwords are never read back, so \"Password\" is written commented out: remove the comment mark "
    "before committing a new one.\n"
    f"Some BMCs refuse to report a user's settings before the user has a name; such values read "
    f"{USERNAME_NOT_SET_YET}.")


class UserSection(Section):
    """A section whose comment block is titled with another name (``UserX`` for ``User1``)."""

    __slots__ = ("comment_name",)

    def __init__(self, *args: object, comment_name: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)   # type: ignore[arg-type]
        self.comment_name = comment_name


def _retry_state(ctx: Context) -> dict[int, tuple[str, str]]:
    """user id -> (key name, value) of an Enable_User that failed with 0xD5 (retried after Password)."""
    return ctx.cache.setdefault("core.enable_user_retry", {})


# --- Get/Set User Access -------------------------------------------------------------------

def _access(ctx: Context, user_id: int, channel_of: Callable[[Context], Script]) -> Script:
    """(channel, UserAccess) or a failure; a 0xCC answer gives the failure with cc 0xCC."""
    channel = yield from channel_of(ctx)
    if isinstance(channel, KeyFailure):
        return channel
    reply = yield cp.get_user_access(channel, user_id)
    if reply.completion_code:
        return failure(reply.completion_code)
    try:
        return channel, cp.decode_user_access(reply.data)
    except DecodeError:
        return KeyFailure(FailureKind.GENERIC)


def _access_key(name: str, description: str, user_id: int, channel_of: Callable[[Context], Script],
                show: Callable[[cp.UserAccess], str], change: Callable[[cp.UserAccess, str], None],
                validate: Callable[[str], Validity], flags: KeyFlag, section: str) -> Key:
    limit_key = ("Lan" if "lan" in name.lower() else "Serial") + "_Session_Limit"

    def checkout(ctx: Context) -> Script:
        got = yield from _access(ctx, user_id, channel_of)
        if isinstance(got, KeyFailure):
            return USERNAME_NOT_SET_YET if got.completion_code == CC_INVALID_DATA else got
        return show(got[1])

    def commit(ctx: Context, value: str) -> Script:
        got = yield from _access(ctx, user_id, channel_of)
        if isinstance(got, KeyFailure):
            return got
        channel, access = got
        change(access, value)
        limit = input_value(ctx, section, limit_key)
        reply = yield cp.set_user_access(channel, user_id, access.privilege_limit, access.ipmi_messaging,
                                         access.link_auth, access.callback_only,
                                         c_atoi(limit) if limit is not None else 0)
        if reply.completion_code:
            if limit_key.startswith("Serial") and name == limit_key and reply.completion_code == CC_INVALID_DATA:
                return KeyFailure(FailureKind.NOT_SUPPORTED, CC_INVALID_DATA)
            return failure(reply.completion_code)
        return None

    return Key(name, description, flags, validate=validate, checkout=checkout, commit=commit)


def _set_attr(attribute: str) -> Callable[[cp.UserAccess, str], None]:
    def change(access: cp.UserAccess, value: str) -> None:
        setattr(access, attribute, parse_yes_no(value))
    return change


def _set_privilege(access: cp.UserAccess, value: str) -> None:
    access.privilege_limit = PRIVILEGE_LIMIT.number(value) & 0x0F


def _channel_keys(prefix: str, user_id: int, channel_of: Callable[[Context], Script], base: KeyFlag,
                  section: str, limit_validate: Callable[[str], Validity], with_sol: bool) -> list[Key]:
    def flag_show(attribute: str) -> Callable[[cp.UserAccess], str]:
        return lambda access: yes_no(getattr(access, attribute))

    keys = [
        _access_key(f"{prefix}_Enable_IPMI_Msgs", YES_NO_DESC, user_id, channel_of, flag_show("ipmi_messaging"),
                    _set_attr("ipmi_messaging"), validate_yes_no, base, section),
        _access_key(f"{prefix}_Enable_Link_Auth", YES_NO_DESC, user_id, channel_of, flag_show("link_auth"),
                    _set_attr("link_auth"), validate_yes_no, base, section),
        _access_key(f"{prefix}_Enable_Restricted_to_Callback", YES_NO_DESC, user_id, channel_of,
                    flag_show("callback_only"), _set_attr("callback_only"), validate_yes_no, base, section),
        _access_key(f"{prefix}_Enable_Restrict_to_Callback", YES_NO_DESC, user_id, channel_of,
                    flag_show("callback_only"), _set_attr("callback_only"), validate_yes_no,
                    base | KeyFlag.HIDDEN, section),
        _access_key(f"{prefix}_Privilege_Limit", PRIVILEGE_LIMIT.description, user_id, channel_of,
                    lambda access: PRIVILEGE_LIMIT.name(access.privilege_limit), _set_privilege,
                    PRIVILEGE_LIMIT.validate, base, section),
        _session_limit_key(f"{prefix}_Session_Limit", user_id, channel_of, base, section, limit_validate),
    ]
    if with_sol:
        keys.append(_sol_payload_key(user_id, base))
    return keys


def _session_limit_key(name: str, user_id: int, channel_of: Callable[[Context], Script], base: KeyFlag,
                       section: str, validate: Callable[[str], Validity]) -> Key:
    key = _access_key(name, SESSION_LIMIT_DESC, user_id, channel_of, lambda access: "",
                      lambda access, value: None, validate, base | KeyFlag.COMMENTED_OUT_IF_EMPTY, section)

    def checkout(ctx: Context) -> Script:      # the session limit cannot be read
        return ""
        yield  # pragma: no cover

    key.checkout = checkout
    return key


def _sol_payload_key(user_id: int, base: KeyFlag) -> Key:
    def checkout(ctx: Context) -> Script:
        channel = yield from lan_channel(ctx)
        if isinstance(channel, KeyFailure):
            return channel
        reply = yield cp.get_user_payload_access(channel, user_id)
        if reply.completion_code == CC_INVALID_DATA:
            return USERNAME_NOT_SET_YET
        if reply.completion_code:
            return failure(reply.completion_code)
        try:
            return yes_no(bool(cp.decode_user_payload_access(reply.data) & 0x02))
        except DecodeError:
            return KeyFailure(FailureKind.GENERIC)

    def commit(ctx: Context, value: str) -> Script:
        channel = yield from lan_channel(ctx)
        if isinstance(channel, KeyFailure):
            return channel
        reply = yield cp.set_user_payload_access(channel, user_id, parse_yes_no(value))
        return failure(reply.completion_code) if reply.completion_code else None

    return Key("SOL_Payload_Access", YES_NO_DESC, base, validate=validate_yes_no, checkout=checkout, commit=commit)


# --- name, password, enable ----------------------------------------------------------------

def _username_key(user_id: int) -> Key:
    def validate(value: str) -> Validity:
        if user_id == 1:
            return Validity.VALID if same(value, "null") or same(value, "anonymous") else Validity.INVALID
        return Validity.VALID if len(value.encode("latin-1", "replace")) <= 16 else Validity.INVALID

    def checkout(ctx: Context) -> Script:
        reply = yield cp.get_user_name(user_id)
        if reply.completion_code == CC_INVALID_DATA:
            return USERNAME_NOT_SET_YET
        if reply.completion_code:
            return failure(reply.completion_code)
        if user_id == 1:
            return "NULL"
        try:
            return cp.decode_user_name(reply.data).decode("latin-1")
        except DecodeError:
            return KeyFailure(FailureKind.GENERIC)

    def commit(ctx: Context, value: str) -> Script:
        if user_id == 1:
            return None if same(value, "null") or same(value, "anonymous") else KeyFailure(FailureKind.READ_ONLY)
        name = value.encode("latin-1", "replace")
        reply = yield cp.set_user_name(user_id, name)
        if reply.completion_code == CC_INVALID_DATA:       # some BMCs refuse to set the same name twice
            again = yield cp.get_user_name(user_id)
            if again.completion_code == 0 and len(again.data) >= 16 and cp.decode_user_name(again.data) == name:
                return None
        return failure(reply.completion_code) if reply.completion_code else None

    flags = (KeyFlag.COMMENTED_OUT | KeyFlag.READ_ONLY) if user_id == 1 else KeyFlag.NONE
    return Key("Username", "Give Username", flags, validate=validate, checkout=checkout, commit=commit)


def _enable_user(ctx: Context, user_id: int, value: str) -> Script:
    operation = cp.PASSWORD_ENABLE_USER if parse_yes_no(value) else cp.PASSWORD_DISABLE_USER
    reply = yield cp.set_user_password(user_id, operation)
    cc = reply.completion_code
    if cc in (CC_BAD_LENGTH, cp.CC_PASSWORD_TEST_WRONG_SIZE):
        # some BMCs want a (meaningless) password field with enable/disable
        reply = yield cp.set_user_password(user_id, operation, with_password=True)
        cc = reply.completion_code
    return failure(cc) if cc else None


def _enable_user_key(user_id: int, section: str) -> Key:
    def checkout(ctx: Context) -> Script:
        got = yield from _access(ctx, user_id, lan_channel)
        if isinstance(got, KeyFailure):
            return "" if got.completion_code == CC_INVALID_DATA else got
        return {1: "Yes", 2: "No"}.get(got[1].enable_status, "")

    def commit(ctx: Context, value: str) -> Script:
        result = yield from _enable_user(ctx, user_id, value)
        if isinstance(result, KeyFailure) and result.completion_code == CC_NOT_IN_STATE:
            # some BMCs enable a user only once it has a password: try again after Password
            _retry_state(ctx)[user_id] = ("Enable_User", value)
        return result

    return Key("Enable_User", "Possible values: Yes/No or blank to not set", KeyFlag.COMMENTED_OUT_IF_EMPTY,
               validate=validate_yes_no, checkout=checkout, commit=commit)


def _password_key(user_id: int, section: str, name: str = "Password", hidden: bool = False) -> Key:
    def validate(value: str) -> Validity:
        return Validity.VALID if len(value.encode("latin-1", "replace")) <= 20 else Validity.INVALID

    def checkout(ctx: Context) -> Script:
        return ""
        yield  # pragma: no cover

    def commit(ctx: Context, value: str) -> Script:
        secret = value.encode("latin-1", "replace")
        reply = yield cp.set_user_password(user_id, cp.PASSWORD_SET, secret, size20=hidden or len(secret) > 16)
        if reply.completion_code:
            return failure(reply.completion_code)
        pending = _retry_state(ctx).pop(user_id, None) if not hidden else None
        if pending is not None:
            result = yield from _enable_user(ctx, user_id, pending[1])
            if result is None:
                ctx.error(f"RETRY: Success on retry to commit `{section}:{pending[0]}'")
        return None

    if hidden:
        description = "Give password for IPMI 2.0 or blank to clear. MAX 20 chars."
        flags = KeyFlag.HIDDEN | KeyFlag.COMMENTED_OUT
    else:
        description, flags = PASSWORD_DESC, KeyFlag.COMMENTED_OUT
    return Key(name, description, flags, validate=validate, checkout=checkout, commit=commit)


def user_section(user_id: int, ctx: Context) -> Section:
    name = f"User{user_id}"
    keys = [_username_key(user_id), _password_key(user_id, name), _enable_user_key(user_id, name),
            _password_key(user_id, name, "Password20", hidden=True)]
    keys += _channel_keys("Lan", user_id, lan_channel, KeyFlag.NONE, name, number_range(0, 15), True)
    keys += _channel_keys("Serial", user_id, serial_channel, KeyFlag.VERBOSE_ONLY, name, number_range(0, 255), False)
    if user_id == 1:
        return UserSection(name, keys, USERS_COMMENT, comment_name="UserX")
    return UserSection(name, keys)
