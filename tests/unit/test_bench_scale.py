"""``python -m bench scale``: run alone, with its own options, never by default (issue 11).

The bench itself takes minutes at its real size; this checks only how it is reached and
what it builds for how many counters.
"""

from __future__ import annotations

import json

import pytest

from bench import __main__ as bench_main
from bench import scale


def test_a_plain_bench_run_leaves_the_scale_bench_out():
    assert "scale" not in bench_main.BENCHES
    assert "scale" not in bench_main.parse_args([]).names


def test_the_scale_bench_runs_alone(capsys):
    with pytest.raises(SystemExit) as stopped:
        bench_main.main(["commit", "scale"])
    assert stopped.value.code == 2
    assert "scale runs alone" in capsys.readouterr().err


def test_the_scale_bench_takes_its_own_options(capsys):
    with pytest.raises(SystemExit) as stopped:
        bench_main.main(["scale", "--help"])
    assert stopped.value.code == 0
    shown = capsys.readouterr().out
    assert "python -m bench scale" in shown
    assert "--stations" in shown and "--keep" in shown and "--json" in shown


def test_stations_are_numbered_from_s01():
    assert scale.station_codes(2) == ("S01", "S02")
    assert scale.station_codes(12)[-1] == "S12"


def test_a_build_of_another_number_of_stations_is_not_taken_for_this_one(tmp_path):
    (tmp_path / "shop.sqlite3").write_bytes(b"")
    made = {"version": scale.BUILDER_VERSION, "intakes": 1000, "stations": 2}
    (tmp_path / "built.json").write_text(json.dumps(made), encoding="utf-8")
    assert scale._built(tmp_path, 1000, 2)
    assert not scale._built(tmp_path, 1000, 3)
    assert not scale._built(tmp_path, 2000, 2)
    # A marker of a build made before --stations existed was of two stations.
    del made["stations"]
    (tmp_path / "built.json").write_text(json.dumps(made), encoding="utf-8")
    assert scale._built(tmp_path, 1000, 2)
    assert not scale._built(tmp_path, 1000, 3)
