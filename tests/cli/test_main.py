from fairbid.cli.main import main


def test_unknown_option_is_one_line_exit_2(capsys):
    assert main(["reproduce", "--scale", "huge"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: --scale: unknown name; choose one of quick, paper (got 'huge')"]


def test_click_usage_error_exit_2(capsys):
    assert main(["reproduce", "--seed", "-3"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


def test_experiments_lists_registry(capsys):
    assert main(["experiments"]) == 0


def _broken_app(monkeypatch, exc):
    """Make ``fairbid experiments`` raise ``exc`` (a stand-in for a bug deep in a library)."""
    import fairbid.core.experiments as experiments

    def boom():
        raise exc

    monkeypatch.setattr(experiments, "load_all", boom)


def test_unexpected_exception_is_one_line_exit_1_with_debug_hint(monkeypatch, capsys):
    _broken_app(monkeypatch, KeyError("zz"))
    assert main(["experiments"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: internal error (KeyError: 'zz')") and "--debug" in err[0]


def test_debug_shows_the_traceback(monkeypatch):
    import pytest

    _broken_app(monkeypatch, KeyError("zz"))
    with pytest.raises(KeyError):
        main(["--debug", "experiments"])
    with pytest.raises(KeyError):  # anywhere on the line, and through the environment
        monkeypatch.setenv("FAIRBID_DEBUG", "1")
        main(["experiments"])


def test_os_errors_and_memory_errors_are_one_line_exit_2(monkeypatch, capsys):
    _broken_app(monkeypatch, PermissionError(13, "Permission denied", "/x/y"))
    assert main(["experiments"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == ["error: cannot access /x/y: Permission denied"]
    _broken_app(monkeypatch, MemoryError())
    assert main(["experiments"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == ["error: out of memory; use smaller sizes or counts"]


def test_numeric_options_checked_for_every_group(capsys):
    """The boundary check of main.py applies to any group's options: NaN, -inf, +inf, 20-digit ints."""
    cases = [
        (["auctions", "analyze", "--mechanism", "sp", "--bidders", "3", "--reserve", "nan"], "not NaN"),
        (["auctions", "analyze", "--mechanism", "sp", "--bidders", "3", "--reserve", "inf"], "must be finite"),
        (["auctions", "analyze", "--mechanism", "sp", "--bidders", "3", "--reserve", "-inf"], "must be finite"),
        (["auctions", "simulate", "--clicks", "99999999999999999999"], "at most 100000000"),
        (["auctions", "analyze", "--mechanism", "sp", "--bidders", "3", "--seed", str(2**64)], "2^63 - 1"),
    ]
    for argv, fragment in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and fragment in err[0], (argv, err)


def test_inf_allowed_only_where_the_help_says_so(monkeypatch):
    import typer

    import fairbid.cli.main as m

    class Opt:  # the parts of a TyperOption that _check_number reads
        opts, name, max = ["--upper"], "upper", None

        def __init__(self, help_text):
            self.help = help_text

    monkeypatch.setattr(m, "_process_value", lambda self, ctx, value: value)  # skip typer's coercion
    assert m._check_number(Opt("upper threshold (inf allowed)"), None, float("inf")) == float("inf")
    for help_text, value in (("upper threshold", float("inf")), ("(inf allowed)", float("-inf")),
                             ("(inf allowed)", float("nan"))):
        with __import__("pytest").raises(typer.BadParameter):
            m._check_number(Opt(help_text), None, value)


def test_empty_only_is_refused_not_everything(capsys, tmp_path):
    assert main(["reproduce", "--only", " , ", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == "error: --only: names no experiment (got ' , ')"
    assert list(tmp_path.iterdir()) == []


def test_console_entry_exits_with_mains_code_and_tunes_gc(monkeypatch, capsys):
    """``fairbid`` (``run``) returns main's exit code; it raises gen-0's threshold and freezes before exit."""
    import gc
    import sys

    import pytest

    from fairbid.cli.main import GC_THRESHOLD0, run

    before = gc.get_threshold()
    monkeypatch.setattr(sys, "argv", ["fairbid", "reproduce", "--scale", "huge"])
    try:
        with pytest.raises(SystemExit) as stop:
            run()
        assert stop.value.code == 2
        assert gc.get_threshold()[0] == GC_THRESHOLD0 != before[0]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
    assert capsys.readouterr().err.startswith("error: --scale")
