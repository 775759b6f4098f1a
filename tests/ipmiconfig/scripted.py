"""Drive ipmi-config scripts without a network: a tiny in-memory BMC answers requests."""

from __future__ import annotations

from pyipmi_tools.ipmiconfig.engine import Sleep
from pyipmi_tools.wire.message import Message


class FakeBmc:
    """Boot options, chassis status and front panel, recording every request."""

    def __init__(self, front_panel: int | None = 0xF0, boot_flags: bytes = bytes(5)) -> None:
        self.front_panel = front_panel
        self.params = {5: bytes(boot_flags), 3: b"\x00", 4: b"\x00\x00"}
        self.policy = 0
        self.sent: list[tuple[int, int, bytes]] = []
        self.fail: dict[tuple[int, int], int] = {}     # (cmd, first data byte or -1) -> cc
        self.sleeps = 0

    def answer(self, request) -> Message:
        spec, data = request.spec, request.data
        self.sent.append((spec.netfn, spec.cmd, data))
        cc = self.fail.get((spec.cmd, data[0] if data else -1), 0)
        out = b""
        if not cc:
            if spec.cmd == 0x01:
                out = bytes((self.policy << 5, 0, 0)) + (bytes((self.front_panel,)) if self.front_panel is not None
                                                       else b"")
            elif spec.cmd == 0x09:
                out = bytes((1, data[0])) + self.params[data[0] & 0x7F]
            elif spec.cmd == 0x08:
                self.params[data[0] & 0x7F] = data[1:]
            elif spec.cmd == 0x06:
                self.policy = data[0] & 7
                out = b"\x07"
            elif spec.cmd == 0x0A:
                self.front_panel = (self.front_panel or 0) & 0xF0 | data[0]
        return Message(spec.netfn | 1, spec.cmd, 0, out, completion_code=cc)


def run(script, bmc: FakeBmc):
    """Run a generator script to its end against ``bmc``; return its result."""
    try:
        step = next(script)
        while True:
            if isinstance(step, Sleep):
                bmc.sleeps += 1
                step = script.send(None)
                continue
            step = script.send(bmc.answer(step))
    except StopIteration as stop:
        return stop.value
