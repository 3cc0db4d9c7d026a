"""The device commands: `init`'s one-line refusals, `overview`, and `diff --devices`."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportmatrix import cli
from supportmatrix.cli.init import device_kwargs, only_values

Capsys = pytest.CaptureFixture[str]

MATRIX = """\
schema_version: 3
devices:
  {device}: {{}}
axes:
  device: [{device}]
  interface: [torch, jax]
  diff_method: [backprop, adjoint]
  measurement: [probs, expval]
  shots: [None]
notes:
  refused: adjoint refuses probs
  wrong: the gradient is wrong
errors:
  adjoint-probs: {{class: ValueError, stage: forward, match: 'probs'}}
rules:
  - expect: supported
  - where: {{diff_method: adjoint, measurement: probs}}
    expect: {{outcome: errors, note: refused, error: adjoint-probs}}
{extra}"""
WRONG = """\
  - where: {diff_method: backprop, interface: jax}
    expect: {outcome: incorrect, note: wrong}
"""


def _write(tmp_path: Path, device: str, extra: str = "") -> Path:
    path = tmp_path / f"{device}.yaml"
    text = MATRIX.format(device=device, extra=extra)
    if not extra:
        text = text.replace("  wrong: the gradient is wrong\n", "")
    path.write_text(text, encoding="utf-8")
    return path


def _one_line_error(argv: list[str], capsys: Capsys) -> str:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("supportmatrix: error: ")
    return err


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--device", "no.such.device"], "Device no.such.device does not exist"),
        (
            ["--device", "default.mixed", "--device-kwargs", "colour=red"],
            "device 'default.mixed' refuses colour='red'",
        ),
        (["--device", "default.mixed", "--device-kwargs", "=3"], "expected KEY=VALUE"),
        (["--device", "default.mixed", "--only", "colour=red"], "--only colour: not an axis"),
        (["--device", "default.mixed", "--only", "interface=tf2"], "unknown value 'tf2'"),
        (["--device", "default.mixed", "--like", "no-such.yaml"], "cannot read matrix no-such.yaml"),
        (["--device", "default.mixed", "--from", "no-such.json"], "no-such.json"),
    ],
)
def test_init_refuses_bad_input_in_one_line(
    tmp_path: Path, argv: list[str], fragment: str, capsys: Capsys
) -> None:
    output = tmp_path / "out.yaml"
    assert fragment in _one_line_error(["init", *argv, "-o", str(output)], capsys)
    assert not output.exists()


def test_device_kwargs_and_only_values_are_parsed_as_written() -> None:
    assert device_kwargs(["method=statevector", "shots=100", "cutoff=null", "tags=[a, b]"]) == {
        "method": "statevector",
        "shots": 100,
        "cutoff": None,
        "tags": ["a", "b"],
    }
    assert only_values(["shots=None,10000", "interface=torch"]) == {
        "shots": [None, 10000],
        "interface": ["torch"],
    }


def test_overview_counts_each_device_and_marks_wrong_gradients(tmp_path: Path, capsys: Capsys) -> None:
    first = _write(tmp_path, "default.qubit")
    second = _write(tmp_path, "default.mixed", WRONG)
    assert cli.main(["overview", str(first), str(second)]) == 0
    out = capsys.readouterr().out
    assert "| `default.qubit` | `adjoint` | ✅ 1 · ❌ 1 | ✅ 1 · ❌ 1 |" in out
    assert "| `default.mixed` | `backprop` | ✅ 2 | **🐞 2 wrong** |" in out
    assert "2 cells in all give a wrong value or gradient." in out


def test_diff_between_two_devices_compares_cell_by_cell(tmp_path: Path, capsys: Capsys) -> None:
    first = _write(tmp_path, "default.qubit")
    second = _write(tmp_path, "default.mixed", WRONG)
    code = cli.main(["diff", str(first), str(second), "--devices", "default.qubit,default.mixed"])
    out = capsys.readouterr().out
    assert code == 1  # a gradient that goes wrong on moving is a regression
    assert "**8** cells compared" in out
    assert "`default.mixed-jax-backprop-probs-analytic`: supported → incorrect" in out


def test_diff_between_devices_needs_each_device_on_its_side(tmp_path: Path, capsys: Capsys) -> None:
    first = _write(tmp_path, "default.qubit")
    second = _write(tmp_path, "default.mixed")
    err = _one_line_error(
        ["diff", str(first), str(second), "--devices", "lightning.qubit,default.mixed"], capsys
    )
    assert "has no cell on lightning.qubit" in err


def test_an_error_that_differs_only_by_the_device_it_names_is_the_same(
    tmp_path: Path, capsys: Capsys
) -> None:
    def named(device: str, cut: str) -> Path:
        path = _write(tmp_path, device)
        text = path.read_text(encoding="utf-8").replace(
            "match: 'probs'", f"match: 'probs on {device.replace('.', chr(92) + '.')}{cut}'"
        )
        path.write_text(text, encoding="utf-8")
        return path

    first, second = named("default.qubit", ""), named("default.mixed", " is refused")
    assert cli.main(["diff", str(first), str(second), "--devices", "default.qubit,default.mixed"]) == 0
    assert "**0** changed" in capsys.readouterr().out
