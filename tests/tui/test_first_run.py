"""What a new user meets first: the sample says what it is, and a crash at start-up is a short
message and exit 70, not a traceback."""

from __future__ import annotations

from textual.app import App

from pcp_tui.cli import EXIT_SOFTWARE, main
from pcp_tui.provenance import SAMPLE_WORDS
from pcp_tui.tui.app import PcpApp
from pcp_tui.tui.widgets.plan_header import PlanHeader

from .conftest import ROOT, screen_lines

WIDE, NARROW = (160, 40), (120, 40)


async def test_the_header_says_the_sample_is_illustrative(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert SAMPLE_WORDS in screen_lines(app)[0]


async def test_the_header_says_so_at_120_columns_too(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        header = app.query_one(PlanHeader).render().plain
        assert "ILLUSTRATIVE SAMPLE DATA" in header
        assert "ILLUSTRATIVE SAMPLE DATA" in screen_lines(app)[0]


def test_a_stylesheet_that_cannot_be_read_is_a_short_message_and_exit_70(
        monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(PcpApp, "CSS_PATH", "no-such-stylesheet.tcss")
    # headless, as a terminal is not there in the test run; everything else as `pcp-tui` runs
    monkeypatch.setattr(PcpApp, "run", lambda self, **kw: App.run(self, headless=True))
    status = main(["--config", str(ROOT / "config.toml"), "--data", str(ROOT / "data"),
                   "--notes", str(tmp_path / "notes.jsonl")])
    err = capsys.readouterr().err
    assert status == EXIT_SOFTWARE
    assert "Traceback" not in err and "╭" not in err
    assert "StylesheetError" in err
    assert list((tmp_path / "state" / "pcp-tui").glob("crash-*.log"))


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_with_error_output_in_a_file_the_app_draws_on_standard_output(monkeypatch):
    import sys

    from pcp_tui.tui.terminal_driver import terminal_driver

    out = _Stream(tty=True)
    monkeypatch.setattr(sys, "__stdout__", out)
    monkeypatch.setattr(sys, "__stderr__", _Stream(tty=False))  # `pcp-tui 2>errors.log`
    driver = terminal_driver()
    assert driver is not None
    # the driver is Textual's own but for the stream it draws on (Textual's __init__ needs a
    # running event loop, so it stands in here for one that only names its stream)
    from textual.drivers.linux_driver import LinuxDriver

    assert issubclass(driver, LinuxDriver)
    monkeypatch.setattr(LinuxDriver, "__init__",
                        lambda self, app, **kwargs: setattr(self, "_file", sys.__stderr__))
    drawn_on = driver(App())
    assert drawn_on._file is out
    monkeypatch.setattr(sys, "__stderr__", _Stream(tty=True))  # the usual case: Textual's own
    assert terminal_driver() is None
    monkeypatch.setattr(sys, "__stderr__", _Stream(tty=False))
    monkeypatch.setattr(sys, "__stdout__", _Stream(tty=False))  # nothing is a terminal
    assert terminal_driver() is None

