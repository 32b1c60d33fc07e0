"""How long rendering a post takes when its 50,000 characters are built to make the parser slow.

    .venv/bin/python -P bench/rendering.py
    .venv/bin/python -P bench/rendering.py --repeat 5 --timeout 120 --kind "unclosed brackets"

(-P leaves this folder off the import path: bench/http.py would hide the standard library's `http`.)
Each kind of input (nested lists and quotes, unclosed brackets, thousands of headings in one block...)
is rendered by `render_markdown`, mentions included, once to warm up and then --repeat times, in a
child process of its own: an input that holds the renderer for minutes is reported as such and the
other kinds are still measured. Times are the child's CPU time, not wall time: on a shared machine
wall time measures the neighbours too. Prints the machine and a Markdown table of the median and
slowest render of each kind, against the 200 ms target."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.http import machine, say  # noqa: E402  (the project's folder first, for `bench`)

LENGTH = 50_000
TARGET_MS = 200
MEMBER = "camille"


def repeated(unit: str) -> str:
    return (unit * (LENGTH // len(unit) + 1))[:LENGTH]


def lines_until_full(line: Callable[[int], str]) -> str:
    """Lines line(1), line(2)... as long as they fit: for nesting one level deeper on each line."""
    text, number = "", 1
    while len(text) + len(line(number)) <= LENGTH:
        text += line(number)
        number += 1
    return text.ljust(LENGTH, "x")


def ending_in_words(unit: str) -> str:
    return repeated(unit)[: LENGTH - 6] + " texte"


def nested(opening: str, middle: str, closing: str) -> str:
    depth = (LENGTH - len(middle)) // (len(opening) + len(closing))
    return (opening * depth + middle + closing * depth).ljust(LENGTH, "x")


ORDINARY_POST = """Bonjour à tous,

Depuis la mise à jour, mon thermostat **redémarre** tout seul. La chaudière se coupe, puis repart
au bout de *dix minutes*, et l'application affiche `16 °C` au lieu de 19 °C. Merci @camille !

- couper le disjoncteur pendant une minute ;
- réinitialiser le module radio ;

> J'ai lu le [guide de dépannage](https://example.org/guide/thermostat) sans y trouver ce cas.

"""

KINDS: dict[str, Callable[[], str]] = {
    "ordinary posts, one after the other": lambda: repeated(ORDINARY_POST),
    "one long paragraph": lambda: repeated("word "),
    "lists nested by indentation": lambda: lines_until_full(lambda depth: "    " * (depth - 1) + "- item\n"),
    "lists nested on one line": lambda: ending_in_words("- "),
    "ordered lists nested on one line": lambda: ending_in_words("1. "),
    "quotes nested on one line": lambda: ending_in_words("> "),
    "quotes one level deeper per line": lambda: lines_until_full(lambda depth: ">" * depth + " x\n"),
    "quotes and lists alternating": lambda: ending_in_words("> - "),
    "emphasis opened, never closed": lambda: ending_in_words("*_"),
    "emphasis nested": lambda: nested("*_", "x", "_*"),
    "emphasis nested by words": lambda: nested("*a ", "texte", " b*"),
    "unclosed brackets": lambda: "[" * LENGTH,
    "unclosed image brackets": lambda: ending_in_words("!["),
    "brackets nested in links": lambda: nested("[", "x", "](y)"),
    "empty links never closed": lambda: ending_in_words("[]("),
    "link destinations never closed": lambda: ending_in_words("[x]("),
    "link chain": lambda: repeated("[a](https://example.org/) "),
    "reference link chain": lambda: "[b]: https://example.org/\n\n" + repeated("[a][b]"),
    "table of many rows": lambda: "| a | b |\n|---|---|\n" + repeated("| x | y |\n"),
    "table of many columns": lambda: "|" + "a|" * 8000 + "\n|" + "-|" * 8000 + "\n|" + "x|" * 8000,
    "backticks": lambda: "`" * LENGTH,
    "backtick runs, each longer": lambda: lines_until_full(lambda length: "`" * length + " "),
    "fenced code blocks": lambda: repeated("```\n"),
    "headings without blank lines": lambda: repeated("# x\n"),
    "setext headings without blank lines": lambda: repeated("x\n=\n"),
    "rules without blank lines": lambda: repeated("***\n"),
    "list items": lambda: repeated("- item\n"),
    "backslashes": lambda: "\\" * LENGTH,
    "entities": lambda: repeated("&amp;&#106;&#x6a;&"),
    "angle brackets": lambda: "<" * LENGTH,
    "autolinks": lambda: repeated("<https://a.example>"),
    "bare URLs": lambda: repeated("https://example.org/ "),
    "links to javascript:": lambda: repeated("[a](javascript:x) "),
    "mentions between emphasis": lambda: repeated(f"*a* @{MEMBER} "),
}


def find_members(names: set[str]) -> dict[str, str]:
    return {name: name for name in names if name == MEMBER}


def measure(kind: str, repeat: int) -> list[float]:
    from app.forum.rendering import render_markdown

    source = KINDS[kind]()
    render_markdown(source, find_members)
    timings = []
    for _ in range(repeat):
        began = time.process_time()
        render_markdown(source, find_members)
        timings.append((time.process_time() - began) * 1000)
    return timings


def measure_in_child(kind: str, repeat: int, timeout: float) -> list[float] | str:
    """The timings of `kind`, or why there are none: the renders took more than `timeout` seconds of
    wall time, or the renderer failed."""
    command = [sys.executable, "-P", __file__, "--child", kind, "--repeat", str(repeat)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"> {timeout:,.0f} s in all"
    if done.returncode != 0:
        return "fails: " + done.stderr.strip().splitlines()[-1]
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="renders timed per kind (default: %(default)s)")
    parser.add_argument(
        "--timeout", type=float, default=60, help="seconds a kind may take in all (default: %(default)s)"
    )
    parser.add_argument("--kind", action="append", choices=KINDS, help="only this kind (repeatable)")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(measure(options.child, options.repeat)))
        return
    rows = []
    for kind in options.kind or KINDS:
        timings = measure_in_child(kind, options.repeat, options.timeout)
        say(f"{kind}: {timings if isinstance(timings, str) else f'{statistics.median(timings):.0f} ms'}")
        rows.append((kind, timings))
    facts = machine()
    print(
        f"{date.today()}, {facts['cores']} cores, {facts['memory_gib']} GiB, Python {facts['python']},"
        f" load average {os.getloadavg()[0]:.1f} at the end; {LENGTH:,} characters per post,"
        f" CPU time of {options.repeat} renders per kind\n"
    )
    print(f"| input | median ms | slowest ms | under {TARGET_MS} ms |\n| --- | --- | --- | --- |")
    for kind, timings in rows:
        if isinstance(timings, str):
            print(f"| {kind} | {timings} | | no |")
        else:
            median, slowest = statistics.median(timings), max(timings)
            print(f"| {kind} | {median:,.0f} | {slowest:,.0f} | {'yes' if slowest < TARGET_MS else 'no'} |")


if __name__ == "__main__":
    main()
