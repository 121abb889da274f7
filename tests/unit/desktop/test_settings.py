"""Station settings: every setting declares what it allows, and a bad value reads as its default."""

from __future__ import annotations

import json
import logging
import os
import stat

import pytest

from desktop import settings
from desktop.errors import UserError
from desktop.settings import ALL_SETTINGS, Setting, StationSettings

# For every setting, values a hand-edited or damaged file might hold that it must not take.
BAD_VALUES: dict[str, tuple[object, ...]] = {
    "language": ("fr", "JA", "", 1, None),
    "idle_lock_minutes": (0, 121, -3, "3", 2.5, True, None),
    "printer_thermal": (42, ["TM-T88"], None, False),
    "printer_a4": (42, {"name": "x"}, None),
    "default_slip_format": ("a5", "A4", "", 80, None),
    "customer_screen": ("left", "second screen", "", 2, None),
    "main_window_geometry": (123, [1, 2], None),
    "backup_dir": (1, [], None, True),
    "backup_keep": (0, 366, "14", 14.0, False, None),
}
GOOD_VALUES: dict[str, tuple[object, ...]] = {
    "language": ("ja", "en"),
    "idle_lock_minutes": (1, 120),
    "printer_thermal": ("", "TM-T88VI"),
    "printer_a4": ("Brother HL",),
    "default_slip_format": ("thermal", "a4"),
    "customer_screen": ("auto", "main", "second"),
    "main_window_geometry": ("AdnQywAD",),
    "backup_dir": ("D:/backup",),
    "backup_keep": (1, 365),
}


def test_every_setting_is_tried_with_bad_and_good_values():
    keys = {setting.key for setting in ALL_SETTINGS}
    assert set(BAD_VALUES) == keys == set(GOOD_VALUES)


def _setting(key: str) -> Setting[object]:
    return next(s for s in ALL_SETTINGS if s.key == key)


def _file_with(tmp_path, values: dict[str, object]) -> StationSettings:
    path = tmp_path / "settings-S01.json"
    path.write_text(json.dumps(values), encoding="utf-8")
    return StationSettings(path)


@pytest.mark.parametrize(
    ("key", "bad"), [(key, bad) for key, values in BAD_VALUES.items() for bad in values]
)
def test_a_bad_value_in_the_file_reads_as_the_default(tmp_path, caplog, key, bad):
    setting = _setting(key)
    station = _file_with(tmp_path, {key: bad})
    with caplog.at_level(logging.WARNING, logger=settings.__name__):
        assert station.get(setting) == setting.default
        assert station.get(setting) == setting.default
    warnings = [r for r in caplog.records if key in r.getMessage()]
    assert len(warnings) == 1  # said once, not at every read
    with pytest.raises(ValueError, match="not allowed"):
        station.set(setting, bad)


@pytest.mark.parametrize(
    ("key", "good"), [(key, good) for key, values in GOOD_VALUES.items() for good in values]
)
def test_an_allowed_value_is_read_and_written_as_is(tmp_path, key, good):
    setting = _setting(key)
    assert _file_with(tmp_path, {key: good}).get(setting) == good
    station = StationSettings(tmp_path / "other.json")
    station.set(setting, good)
    assert StationSettings(tmp_path / "other.json").get(setting) == good


def test_the_choices_are_declared_where_a_screen_relies_on_them():
    assert settings.DEFAULT_SLIP_FORMAT.choices == ("thermal", "a4")
    assert settings.CUSTOMER_SCREEN.choices == ("auto", "main", "second")
    assert settings.LANGUAGE.choices == ("ja", "en")


def test_a_default_outside_its_own_choices_is_a_programming_error():
    with pytest.raises(ValueError, match="not a choice"):
        Setting("x", "b", "b or c", choices=("a", "c"))


def test_a_file_that_is_not_an_object_reads_as_all_defaults(tmp_path):
    path = tmp_path / "settings-S01.json"
    path.write_text('["a5"]', encoding="utf-8")
    station = StationSettings(path)
    assert all(station.get(setting) == setting.default for setting in ALL_SETTINGS)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_saving_never_replaces_what_is_not_a_regular_file(tmp_path):
    """The settings are written like every other file (desktop.files.write_atomically):
    a FIFO (or a device node, when run as root) at the settings' path is refused, not
    silently replaced by the file."""
    path = tmp_path / "settings-S01.json"
    station = StationSettings(path)  # read first: opening a FIFO to read would block
    os.mkfifo(path)
    with pytest.raises(UserError, match="not a regular file"):
        station.set(settings.LANGUAGE, "en")
    assert stat.S_ISFIFO(path.lstat().st_mode)
