"""First run: the set-up form writes the shop, the station key and the manager, or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import func, select

from db.models import Clerk, Shop, Station
from desktop.app import AppContext
from desktop.keys import StationKeyFiles
from desktop.setup import ShopDetails, initialise
from tests.conftest import MANAGER_PIN, Clock
from tests.gui.helpers import RecordingDialogs, focused, press, show, type_text
from ui.first_run import FirstRunView
from ui.main_window import MainWindow
from ui.startup import Startup

# Field by field, in the order Tab visits them: shop, then counter and manager.
ANSWERS = [
    ("shop_name", "リボーク質店 新宿店"),
    ("license_no", "第301020005678号"),
    ("commission", "東京都公安委員会"),
    ("address", "東京都新宿区西新宿2-8-1"),
    ("phone", "03-1111-2222"),
    ("timezone", None),  # keep the default Asia/Tokyo
    ("station", None),  # keep the default S01
    ("manager_code", "M01"),
    ("manager_name", "店長 一郎"),
    ("pin", MANAGER_PIN),
    ("pin_again", MANAGER_PIN),
]


@pytest.fixture
def blank_ctx(tmp_path: Path, clock: Clock) -> Iterator[AppContext]:
    """A database made by the app's first start: schema only, no shop, no key."""
    context = AppContext.open(
        f"sqlite:///{tmp_path / 'new.sqlite3'}", tmp_path / "new-keys", create=True, clock=clock
    )
    yield context
    context.close()


@pytest.fixture
def startup(qtbot, blank_ctx: AppContext, dialogs: RecordingDialogs) -> Startup:
    starter = Startup(blank_ctx, dialogs)
    form = starter.start()
    qtbot.addWidget(form)
    show(qtbot, form)
    return starter


def form_of(startup: Startup) -> FirstRunView:
    assert isinstance(startup.window, FirstRunView)
    return startup.window


def count(ctx: AppContext, model: type) -> int:
    with ctx.reading() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def fill_by_keyboard(qtbot, answers: list[tuple[str, str | None]]) -> None:
    """Type each answer into the focused field, then Tab on (the last one ends with Enter)."""
    for index, (name, text) in enumerate(answers):
        assert focused().objectName() == name, f"focus on {focused().objectName()}, not {name}"
        if text is not None:
            focused().selectAll()  # type: ignore[attr-defined]
            type_text(qtbot, text)
        last = index == len(answers) - 1
        press(qtbot, Qt.Key.Key_Return if last else Qt.Key.Key_Tab)


def test_first_run_is_shown_when_the_database_is_new(startup):
    form = form_of(startup)
    assert form.isVisible()
    assert focused() is form.first_field()
    assert form.counter_form.fields["station"].text() == "S01"
    assert form.shop_form.fields["timezone"].text() == "Asia/Tokyo"


def test_keyboard_set_up_stores_the_shop_makes_the_key_and_shows_the_lock_screen(
    qtbot, startup, blank_ctx
):
    form = form_of(startup)
    with qtbot.waitSignal(form.completed) as completed:
        fill_by_keyboard(qtbot, ANSWERS)
    assert completed.args == ["S01"]

    with blank_ctx.reading() as session:
        shop = session.scalars(select(Shop)).one()
        manager = session.get(Clerk, "M01")
        assert session.get(Station, "S01") is not None
    assert (shop.name, shop.license_no, shop.timezone) == (
        "リボーク質店 新宿店",
        "第301020005678号",
        "Asia/Tokyo",
    )
    assert manager is not None
    assert (manager.name, manager.role) == ("店長 一郎", "manager")
    assert StationKeyFiles.in_dir(blank_ctx.keys_dir, "S01").key.is_file()

    window = startup.window
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    assert window.current_screen_name() == "lock"
    assert window.lock_screen.isVisible()
    assert not form.isVisible()
    assert blank_ctx.authenticate("M01", MANAGER_PIN).code == "M01"


def test_an_unknown_time_zone_is_named_beside_its_field_and_nothing_is_stored(
    qtbot, startup, blank_ctx
):
    form = form_of(startup)
    answers = dict(ANSWERS)
    answers["timezone"] = "Asia/Tokio"
    fill_by_keyboard(qtbot, list(answers.items()))

    assert "Asia/Tokio" in form.shop_form.problem_text("timezone")
    assert "Asia/Tokyo" in form.shop_form.problem_text("timezone")  # says how to fix it
    assert form.shop_form.problem_text("shop_name") == ""
    assert startup.window is form
    assert count(blank_ctx, Shop) == 0
    assert count(blank_ctx, Clerk) == 0
    assert not StationKeyFiles.in_dir(blank_ctx.keys_dir, "S01").key.exists()


def test_every_bad_field_gets_its_own_message_in_both_languages(qtbot, startup, blank_ctx):
    form = form_of(startup)
    answers = dict(ANSWERS)
    answers["shop_name"] = ""
    answers["station"] = "S-1"
    answers["manager_code"] = "店長"
    answers["pin"] = "12"
    answers["pin_again"] = "21"
    fill_by_keyboard(qtbot, list(answers.items()))

    assert "入力してください" in form.shop_form.problem_text("shop_name")
    assert "required" in form.shop_form.problem_text("shop_name")
    assert "S01" in form.counter_form.problem_text("station")
    assert "C01" in form.counter_form.problem_text("manager_code")
    assert "PIN must be 6 to 12 digits" in form.counter_form.problem_text("pin")
    assert "一致しません" in form.counter_form.problem_text("pin_again")
    assert "do not match" in form.counter_form.problem_text("pin_again")
    assert form.counter_form.problem_text("manager_name") == ""
    assert count(blank_ctx, Shop) == 0


def test_a_corrected_field_loses_its_message_and_the_rest_keep_theirs(qtbot, startup, blank_ctx):
    form = form_of(startup)
    answers = dict(ANSWERS)
    answers["timezone"] = "Nowhere/Else"
    answers["pin_again"] = "9999"
    fill_by_keyboard(qtbot, list(answers.items()))
    assert form.shop_form.problem_text("timezone") != ""
    assert form.counter_form.problem_text("pin_again") != ""

    assert focused() is form.counter_form.fields["pin_again"]
    focused().selectAll()  # type: ignore[attr-defined]
    type_text(qtbot, MANAGER_PIN)
    press(qtbot, Qt.Key.Key_Return)

    assert form.counter_form.problem_text("pin_again") == ""
    assert form.shop_form.problem_text("timezone") != ""
    assert count(blank_ctx, Shop) == 0


def test_a_second_counter_joins_an_existing_shop(qtbot, ctx, tmp_path, dialogs):
    """A shop chain on one database: a new PC has no key; the shop is kept as it is."""
    second = AppContext.open(ctx.db_url, tmp_path / "second-keys", create=True, clock=ctx.clock)
    try:
        starter = Startup(second, dialogs)
        form = starter.start()
        assert isinstance(form, FirstRunView)
        qtbot.addWidget(form)
        show(qtbot, form)
        assert form.shop_form.fields["shop_name"].text() == "リボーク質店 千代田店"
        assert form.shop_form.fields["shop_name"].isReadOnly()
        assert focused() is form.counter_form.fields["station"]
        fill_by_keyboard(
            qtbot,
            [
                ("station", None),  # S02 is offered: S01 is taken
                ("manager_code", "M01"),
                ("pin", MANAGER_PIN),
            ],
        )
        assert isinstance(starter.window, MainWindow)
        qtbot.addWidget(starter.window)
        assert count(second, Shop) == 1
        assert count(second, Station) == 2
        with second.reading() as session:
            assert session.get(Station, "S02") is not None
    finally:
        second.close()


def _join_form(qtbot, ctx: AppContext, keys: Path, dialogs) -> tuple[AppContext, FirstRunView]:
    second = AppContext.open(ctx.db_url, keys, create=True, clock=ctx.clock)
    form = Startup(second, dialogs).start()
    assert isinstance(form, FirstRunView)
    qtbot.addWidget(form)
    show(qtbot, form)
    return second, form


def _captions(form: FirstRunView) -> str:
    texts = [label.text() for label in form.findChildren(QLabel)]
    return "\n".join([form.windowTitle(), *texts])


def test_the_join_form_offers_a_free_station_code_and_no_first_manager_labels(
    qtbot, ctx, tmp_path, dialogs
):
    for code in ("S02", "S03"):
        join_station(ctx, tmp_path / f"keys-{code}", code)
    second, form = _join_form(qtbot, ctx, tmp_path / "new-keys", dialogs)
    try:
        assert form.counter_form.fields["station"].text() == "S04"
        assert "S01, S02, S03" in form.counter_form.fields["station"].toolTip()
        # An existing manager only approves: no name to give, no PIN to set twice.
        assert set(form.counter_form.fields) >= {"station", "manager_code", "pin"}
        assert "manager_name" not in form.counter_form.fields
        assert "pin_again" not in form.counter_form.fields
        captions = _captions(form)
        for first_run_only in (
            "First manager",
            "first manager",
            "PIN again",
            "確認のためもう一度",
            "初期設定",
            "6〜12桁",
        ):
            assert first_run_only not in captions, first_run_only
        for joining in ("レジの追加", "Add a counter", "登録済みの店長", "existing manager"):
            assert joining in captions, joining
    finally:
        second.close()


def test_a_station_code_in_use_is_named_beside_its_field(qtbot, ctx, tmp_path, dialogs):
    second, form = _join_form(qtbot, ctx, tmp_path / "new-keys", dialogs)
    try:
        fill_by_keyboard(qtbot, [("station", "S01"), ("manager_code", "M01"), ("pin", MANAGER_PIN)])
        problem = form.counter_form.problem_text("station")
        assert "S01" in problem and "another counter" in problem
        assert count(second, Station) == 1
        assert not StationKeyFiles.in_dir(second.keys_dir, "S01").key.exists()
        with second.reading() as session:
            manager = session.get(Clerk, "M01")
            assert manager is not None and manager.failed_attempts == 0  # no PIN was tried
    finally:
        second.close()


def join_station(ctx: AppContext, keys: Path, code: str) -> None:
    other = AppContext.open(ctx.db_url, keys, clock=ctx.clock)
    try:
        with other.transaction() as session:
            initialise(
                session,
                keys_dir=keys,
                shop=ShopDetails(name=""),
                station=code,
                manager_code="M01",
                manager_name="",
                manager_pin=MANAGER_PIN,
                now=ctx.clock(),
            )
    finally:
        other.close()


def test_the_first_manager_needs_six_digits(qtbot, startup, blank_ctx):
    form = form_of(startup)
    answers = dict(ANSWERS)
    answers["pin"] = answers["pin_again"] = "1234"
    fill_by_keyboard(qtbot, list(answers.items()))
    assert "店長のPINは6〜12桁" in form.counter_form.problem_text("pin")
    assert count(blank_ctx, Shop) == 0


def test_a_wrong_manager_pin_when_joining_is_counted(qtbot, ctx, tmp_path, dialogs):
    second = AppContext.open(ctx.db_url, tmp_path / "second-keys", create=True, clock=ctx.clock)
    try:
        form = Startup(second, dialogs).start()
        assert isinstance(form, FirstRunView)
        qtbot.addWidget(form)
        show(qtbot, form)
        fill_by_keyboard(qtbot, [("station", "S02"), ("manager_code", "M01"), ("pin", "1357")])
        assert "wrong clerk code or PIN" in form.message.text()
        with second.reading() as session:
            manager = session.get(Clerk, "M01")
            assert manager is not None and manager.failed_attempts == 1
        assert count(second, Station) == 1
    finally:
        second.close()
