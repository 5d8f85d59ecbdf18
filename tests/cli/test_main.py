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
