import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from fairbid.core.report import table_html, write_run_report  # noqa: E402
from fairbid.core.rundir import RunDir  # noqa: E402


def test_run_report_lists_summary_tables_and_figures(tmp_path):
    rd = RunDir.create(tmp_path, "x", seed=1, config={"k": 1}, exact=True)
    rd.write_table("series", {"click": [1, 2, 3], "profit": [0.5, 1.0, 1.25]})
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    rd.save_figure("curve", fig)
    page = write_run_report(rd, "demo run", {"revenue": 0.6667, "nested": {"a": 1}}).read_text()
    assert "<h1>demo run</h1>" in page
    assert "0.6667" in page and "<img src='figures/curve.png'" in page
    assert "<th>click</th><th>profit</th>" in page and "<td>1.25</td>" in page
    assert rd.read_json("summary.json") == {"revenue": 0.6667, "nested": {"a": 1}}


def test_table_html_truncates_long_tables():
    page = table_html({"i": list(range(30))}, max_rows=5)
    assert page.count("<tr>") == 6 and "25 more rows" in page
