"""Progress bars: drawn on a terminal, silent off a terminal, under --json and when disabled."""

from __future__ import annotations

import io
import sys
from contextlib import contextmanager

import pytest

from fairbid.core import progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@contextmanager
def terminal(monkeypatch, stdout_tty=True):
    # Set inside the test body: pytest's capture re-installs sys.stdout/stderr between fixture and call.
    out, err = (FakeTerminal() if stdout_tty else io.StringIO()), FakeTerminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("FAIRBID_NO_PROGRESS", raising=False)
    progress.set_progress(True)  # an earlier in-process --json command may have switched bars off
    try:
        yield out, err
    finally:
        monkeypatch.undo()
        progress.set_progress(True)


def _run_bar():
    with progress.progress_task("celf-like step", total=3) as advance:
        for _ in range(3):
            advance()


def test_bar_drawn_on_a_terminal(monkeypatch):
    with terminal(monkeypatch) as (out, err):
        assert progress.progress_enabled()
        _run_bar()
    assert "celf-like step" in err.getvalue()
    assert out.getvalue() == ""  # bars go to stderr, so stdout stays clean


def test_bar_silent_when_disabled(monkeypatch):
    with terminal(monkeypatch) as (out, err):
        progress.set_progress(False)  # what fairbid.cli.common.start does under --json
        _run_bar()
    assert err.getvalue() == ""


def test_bar_silent_when_stdout_is_not_a_terminal(monkeypatch):
    with terminal(monkeypatch, stdout_tty=False) as (out, err):
        assert not progress.progress_enabled()
        _run_bar()
    assert err.getvalue() == ""


def test_json_mode_turns_bars_off(monkeypatch):
    from fairbid.cli.common import start

    with terminal(monkeypatch):
        start(json_mode=True)
        assert not progress.progress_enabled()
