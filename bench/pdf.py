"""How long a printed document takes: cold (the first in a fresh process), after the start-up warm-up, warm.

    uv run python bench/pdf.py [--runs 3]

Each cold figure is a fresh Python process (Django set up first, not counted). "cold" prints the
urge notice straight away, as a server without warm-up did at a liaison's first click; "after warm-up"
first runs printing.warm_up() (what luoshi.wsgi starts in the background when a server starts) and then
prints the notice; "no font cache" is cold with an empty fontconfig cache (a server whose fonts were
installed without fc-cache). "warm" is the median of later prints of a new document in one process,
"content cache" the same document printed again. Nothing is asserted.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def notice():
    from luoshi.duties.documents import Notice

    return Notice(
        step="urge",
        title="催办通知",
        office="督查室",
        number="2026-CB-0001",
        doc_number="〔2026〕CB-0001号",
        date="2026年3月10日",
        unit="市工信委",
        addressee="市工信委：",
        rows=[
            [("清单编号", "2026-ZR-0001"), ("责任领导", "李副市长")],
            [("清单名称", "推进兰州新区产业园区建设")],
            [("承办单位", "市工信委（牵头单位）")],
            [("完成时限", "2026年12月31日"), ("应报日期", "2026年3月9日")],
            [("逾期情况", "逾期1个工作日"), ("反馈时限", "2026年3月13日前")],
        ],
        paragraphs=[
            "你单位作为牵头单位承办的责任清单“推进兰州新区产业园区建设”，应于2026年3月9日向督查室直报工作进展，"
            "截至2026年3月10日已逾期1个工作日，仍未报送。",
            "请你单位高度重视，于2026年3月13日前通过落实系统直报工作进展，如实反映工作推进情况和存在的困难。",
            "逾期仍未报送的，督查室将下发督办单，抄报责任领导。",
        ],
        closing="特此催办。",
        footnote="本催办通知由落实系统生成，系统编号 2026-CB-0001。",
    )


def child(mode: str) -> dict:
    """One fresh process: the seconds of warm-up (if any), of the first print, and of warm prints."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    django.setup()
    from luoshi import printing
    from luoshi.duties.documents import TEMPLATE

    context = {"notice": notice()}
    out = {"warm_up": None}
    if mode == "warmed":
        out["warm_up"] = printing.warm_up()
    start = time.perf_counter()
    pdf = printing.render_pdf(TEMPLATE, context)
    out["first"] = time.perf_counter() - start
    warm = []
    for _ in range(5):
        printing.rendered.clear()  # a document not printed before
        start = time.perf_counter()
        printing.render_pdf(TEMPLATE, context)
        warm.append(time.perf_counter() - start)
    out["warm"] = statistics.median(warm)
    start = time.perf_counter()
    printing.render_pdf(TEMPLATE, context)  # the same document again: from the content cache
    out["cached"] = time.perf_counter() - start
    out["bytes"] = len(pdf)
    return out


FONTS_CONF = """<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts</dir><cachedir>{cache}</cachedir></fontconfig>
"""


def spawn(mode: str) -> dict:
    env = {**os.environ, "LUOSHI_PRINT_WARMUP": "false"}
    with tempfile.TemporaryDirectory() as tmp:
        if mode == "nocache":
            conf = Path(tmp) / "fonts.conf"
            conf.write_text(FONTS_CONF.format(cache=Path(tmp) / "cache"))
            env["FONTCONFIG_FILE"] = str(conf)
        done = subprocess.run(
            [sys.executable, __file__, "--child", "warmed" if mode == "warmed" else "cold"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["cold", "warmed"])
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    results = {mode: [spawn(mode) for _ in range(args.runs)] for mode in ("cold", "warmed", "nocache")}

    def med(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in results[mode])

    print(f"urge notice, A4 PDF ({results['cold'][0]['bytes'] / 1024:.0f} KB), median of {args.runs} fresh processes")
    print(f"  cold, first print in a fresh process          {med('cold', 'first'):6.2f} s")
    print(f"  cold, empty fontconfig cache                  {med('nocache', 'first'):6.2f} s")
    print(f"  start-up warm-up (in the background)          {med('warmed', 'warm_up'):6.2f} s")
    print(f"  first print after the warm-up                 {med('warmed', 'first'):6.2f} s")
    print(f"  warm, later prints in the same process        {med('cold', 'warm'):6.2f} s")
    print(f"  the same document again (content cache)       {med('cold', 'cached'):6.3f} s")


if __name__ == "__main__":
    main()
