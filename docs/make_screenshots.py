"""Render the counter's screens for the docs: ``python docs/make_screenshots.py [NAME ...]``.

Each picture is one function in :data:`SCREENSHOTS`, registered with
``@screenshot("file.png")``: it gets a :class:`Scene` (a fresh sample shop in a
temporary folder, with the app's fonts and style) and returns the widget to grab.
The screens are rendered offscreen with ``QWidget.grab()`` into ``docs/images/``,
so the pictures are made the same way on any machine, with no display.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Offscreen, on the room of a 1366×768 counter screen less its 40-pixel task bar (Qt's
# default offscreen screen is 800×600,
# and the main window fits itself to the screen it opens on: ui.fit.fit_window).
_SCREEN_LAYOUT = Path(tempfile.gettempdir()) / "revoke-desk-screenshots-screen.json"
_SCREEN_LAYOUT.write_text(
    json.dumps({"screens": [{"name": "counter", "x": 0, "y": 0, "width": 1366, "height": 728}]}),
    encoding="utf-8",
)
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={_SCREEN_LAYOUT}")
# The sample shops' station keys are encrypted at rest like any shop's (desktop.keys).
os.environ.setdefault("REVOKE_DESK_KEY_PASSPHRASE", "sample-shop-passphrase")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402 - after the path set-up

from desktop.app import AppContext  # noqa: E402
from desktop.clerks import Role, add_clerk  # noqa: E402
from desktop.settings import PRINTER_THERMAL, StationSettings  # noqa: E402
from desktop.setup import ShopDetails, initialise  # noqa: E402
from ui import settings_view  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.first_run import FirstRunView  # noqa: E402
from ui.fit import COUNTER_SCREEN, room_on  # noqa: E402
from ui.main_window import HISTORY, INTAKE, SETTINGS, MainWindow  # noqa: E402
from ui.services import AppEvents, CounterState, DialogService, Services  # noqa: E402
from ui.settings_view import SettingsView  # noqa: E402

OUT = ROOT / "docs" / "images"
# The commonest counter PC screen, 1366×768, less a task bar and the window's frame:
# the room the screens are designed for (ui.fit; tests/gui/test_screen_fit.py).
WINDOW_SIZE = room_on(COUNTER_SCREEN).toTuple()
STATION = "S01"
MANAGER_PIN = "246813"  # a manager's PIN has at least 6 digits
SAMPLE_SHOP = ShopDetails(
    name="リボーク質店 千代田店",
    license_no="第301020001234号",
    commission="東京都公安委員会",
    address="東京都千代田区丸の内1-1-1",
    phone="03-0000-0000",
)
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


class QuietDialogs(DialogService):
    """Message boxes would block a script with no one to click them: keep them instead."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.messages.append(text)

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.messages.append(text)

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        self.messages.append(text)
        return False

    def confirm_unlikely(self, parent: QWidget | None, title: str, text: str) -> bool:
        self.messages.append(text)
        return False


class Scene:
    """A sample shop in a temporary folder; ``ctx`` is set up lazily for shots that need it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.dialogs = QuietDialogs()
        self._ctx: AppContext | None = None
        self._closers: list[AppContext] = []

    def blank_context(self) -> AppContext:
        """A database with no shop yet (what a new PC starts with)."""
        ctx = AppContext.open(
            f"sqlite:///{self.folder / 'blank.sqlite3'}", self.folder / "blank-keys", create=True
        )
        self._closers.append(ctx)
        return ctx

    @property
    def ctx(self) -> AppContext:
        if self._ctx is None:
            ctx = AppContext.open(
                f"sqlite:///{self.folder / 'revoke-desk.sqlite3'}",
                self.folder / "keys",
                create=True,
                clock=lambda: NOW,
            )
            with ctx.transaction() as session:
                signer = initialise(
                    session,
                    keys_dir=ctx.keys_dir,
                    shop=SAMPLE_SHOP,
                    station=STATION,
                    manager_code="M01",
                    manager_name="店長 一郎",
                    manager_pin=MANAGER_PIN,
                    now=NOW,
                )
                for code, name, role in (
                    ("C01", "佐藤 花子", Role.CLERK),
                    ("C02", "鈴木 次郎", Role.CLERK),
                    ("M02", "田中 美咲", Role.MANAGER),
                ):
                    add_clerk(
                        session,
                        signer,
                        code=code,
                        name=name,
                        role=role,
                        pin=MANAGER_PIN if role is Role.MANAGER else "5678",
                        now=NOW,
                        added_by="M01",
                    )
            self._ctx = ctx
            self._closers.append(ctx)
        return self._ctx

    def services(self) -> Services:
        settings = StationSettings.for_station(self.ctx.keys_dir, STATION)
        settings.set(PRINTER_THERMAL, "EPSON TM-T88VI")
        return Services(self.ctx, settings, AppEvents(), self.dialogs, CounterState())

    def main_window(self) -> MainWindow:
        window = MainWindow(self.services())
        window.resize(*WINDOW_SIZE)
        return window

    def close(self) -> None:
        for ctx in self._closers:
            ctx.close()


Shot = Callable[[Scene], QWidget]
SCREENSHOTS: dict[str, Shot] = {}


def screenshot(filename: str) -> Callable[[Shot], Shot]:
    """Register a function that builds the widget shown in ``docs/images/<filename>``."""

    def register(shot: Shot) -> Shot:
        SCREENSHOTS[filename] = shot
        return shot

    return register


@screenshot("first-run.png")
def first_run(scene: Scene) -> QWidget:
    # As a shop sees it: no passphrase in the environment, so the form asks for one.
    saved = os.environ.pop("REVOKE_DESK_KEY_PASSPHRASE", None)
    try:
        form = FirstRunView(scene.blank_context(), scene.dialogs)
    finally:
        if saved is not None:
            os.environ["REVOKE_DESK_KEY_PASSPHRASE"] = saved
    form.shop_form.set_details(SAMPLE_SHOP)
    form.counter_form.fields["manager_code"].setText("M01")
    form.counter_form.fields["manager_name"].setText("店長 一郎")
    form.counter_form.fields["pin"].setText(MANAGER_PIN)
    form.counter_form.fields["pin_again"].setText("246831")
    form.counter_form.fields["key_passphrase"].setText("店の合言葉 2026")
    form.counter_form.fields["key_passphrase_again"].setText("店の合言葉 2026")
    form.resize(*WINDOW_SIZE)
    form.submit_button.click()  # shows the mismatch beneath "PIN again", in both languages
    return form


@screenshot("lock.png")
def lock(scene: Scene) -> QWidget:
    window = scene.main_window()
    window.services.state.drafts.keep(object(), "C01")
    window.lock_screen.prepare("C01")
    return window


def _settings(scene: Scene) -> MainWindow:
    window = scene.main_window()
    window.lock_screen.code_edit.setText("M01")
    window.lock_screen.pin_edit.setText(MANAGER_PIN)
    window.lock_screen.unlock_button.click()
    window.show_screen(SETTINGS)
    return window


@screenshot("settings.png")
def settings(scene: Scene) -> QWidget:
    # The printers of a typical counter PC (the machine making the pictures has none).
    settings_view.available_printers = lambda: [
        "EPSON TM-T88VI",
        "Brother HL-L2375DW",
        "Microsoft Print to PDF",
    ]
    window = _settings(scene)
    view = window.screen_widget(SETTINGS)
    assert isinstance(view, SettingsView)
    view.show_tab(view.station_panel)
    return window


@screenshot("staff.png")
def staff(scene: Scene) -> QWidget:
    window = _settings(scene)
    view = window.screen_widget(SETTINGS)
    assert isinstance(view, SettingsView)
    view.show_tab(view.staff_panel)
    view.staff_panel.select("C02")
    return window


# The history screen's sample day: (minutes after 10:00, name, maker, model, purpose,
# refused).  An iPhone would need an iPhone revocation path; these are all Android.
HISTORY_SAMPLES = (
    (0, "山田 太郎", "Google", "Pixel 8", "trade_in", False),
    (18, "鈴木 花子", "SHARP", "AQUOS sense8", "purchase", False),
    (41, "田中 一郎", "SONY", "Xperia 10 V", "trade_in", True),
    (63, "佐々木 美咲", "Samsung", "Galaxy S23", "purchase", False),
    (95, "高橋 健太", "Google", "Pixel 7a", "trade_in", False),
    (128, "伊藤 さくら", "SHARP", "AQUOS wish3", "purchase", False),
)
HISTORY_VOIDED = 3  # the sample voided the next day, with its reason


def _imei(body: str) -> str:
    """A 14-digit body with its Luhn check digit: an IMEI the validator accepts."""
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char) * (2 if position % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return body + str((10 - total % 10) % 10)


def _commit_history_samples(ctx: AppContext) -> list[str]:
    from desktop.intake import commit_intake  # noqa: PLC0415 - only this picture needs them
    from desktop.rules import validate_intake  # noqa: PLC0415
    from desktop.slips import issue_slip  # noqa: PLC0415
    from desktop.voiding import void_intake  # noqa: PLC0415
    from reports.snapshot import SlipFormat  # noqa: PLC0415

    example = json.loads((ROOT / "tests" / "data" / "intake_example.json").read_text("utf-8"))
    catalogue = ctx.catalogue()
    signer = ctx.signer(STATION)
    receipts = []
    for number, (minutes, name, maker, model, purpose, refused) in enumerate(HISTORY_SAMPLES):
        document = json.loads(json.dumps(example))
        document["seller"]["name"] = name
        document["purpose"] = purpose
        document["device"].update(maker=maker, model=model, imei=[_imei(f"3569380356{number:04d}")])
        if refused:
            document["revocation"]["performed_by"] = "staff"
        now = NOW + timedelta(minutes=minutes)
        draft = validate_intake(document, today=now.date(), catalogue=catalogue)
        with ctx.transaction() as session:
            receipt = commit_intake(
                session,
                draft,
                signer=signer,
                catalogue=catalogue,
                shop_timezone=SAMPLE_SHOP.timezone,
                now=now,
            )
        with ctx.transaction() as session:  # the slip the intake screen prints
            issue_slip(
                session,
                signer,
                receipt=receipt.number,
                fmt=SlipFormat.THERMAL,
                reprint=False,
                catalogue=catalogue,
                now=now,
            )
        receipts.append(receipt.number)
    with ctx.transaction() as session:
        void_intake(
            session,
            signer,
            receipt=receipts[HISTORY_VOIDED],
            reason="二重登録（同じ端末を2回入力）",
            manager="M01",
            now=NOW + timedelta(minutes=140),
        )
    return receipts


@screenshot("history.png")
def history(scene: Scene) -> QWidget:
    from ui.history import HistoryView  # noqa: PLC0415 - only this picture needs it

    receipts = _commit_history_samples(scene.ctx)
    window = scene.main_window()
    window.lock_screen.code_edit.setText("C01")
    window.lock_screen.pin_edit.setText("5678")
    window.lock_screen.unlock_button.click()
    view = window.show_screen(HISTORY)
    assert isinstance(view, HistoryView)
    view.wait_for_search()  # the rows are read in the background
    view.select_row(view.model.find(receipts[HISTORY_VOIDED]) or 0)
    return window


# The intake wizard, one picture per step (docs/images/intake-<step>.png), on the
# example document of the tests, inside the main window as a clerk sees it.
INTAKE_KEYS = {
    "purpose": ("purpose", "price_yen"),
    "seller": ("seller",),
    "device": ("device", "suspected_stolen"),
    "reset": ("reset_checks",),
    "revocation": ("revocation", "clerk_did_not_assist"),
    "customer": ("statement", "signature"),
    "review": (),
}


def _intake_at(scene: Scene, step: str, document: dict[str, Any] | None = None) -> MainWindow:
    """The main window unlocked by C01, its intake wizard filled in up to ``step``."""
    from desktop.intake_flow import Step  # noqa: PLC0415 - only the intake pictures need them
    from ui.intake.wizard import IntakeWizard  # noqa: PLC0415

    doc = document or json.loads((ROOT / "tests" / "data" / "intake_example.json").read_text())
    window = scene.main_window()
    window.lock_screen.code_edit.setText("C01")
    window.lock_screen.pin_edit.setText("5678")
    window.lock_screen.unlock_button.click()
    wizard = window.show_screen(INTAKE)
    assert isinstance(wizard, IntakeWizard) and wizard.flow is not None
    flow = wizard.flow
    while True:
        flow.update({key: doc[key] for key in INTAKE_KEYS[flow.step.value] if key in doc})
        if flow.step is Step(step):
            break
        result = flow.next()
        assert result.moved, result.problems
    wizard.start()  # show the flow's step, as after an unlock
    return window


def _intake_shot(step: str) -> Shot:
    def shot(scene: Scene) -> QWidget:
        return _intake_at(scene, step)

    return shot


for _step in ("purpose", "reset", "customer", "review"):
    screenshot(f"intake-{_step}.png")(_intake_shot(_step))


def _customer_in(code: str) -> Shot:
    """The customer's statement in ``code``, in the main window at the counter's size."""

    def shot(scene: Scene) -> QWidget:
        from desktop.intake_flow import Step  # noqa: PLC0415
        from ui.intake.pages import CustomerPage  # noqa: PLC0415
        from ui.intake.wizard import IntakeWizard  # noqa: PLC0415

        window = _intake_at(scene, "customer")
        wizard = window.screen_widget(INTAKE)
        assert isinstance(wizard, IntakeWizard)
        page = wizard.pages[Step.CUSTOMER]
        assert isinstance(page, CustomerPage)
        page.customer_screen.set_language(code)
        return window

    return shot


# One picture a language of the customer screen (issue 13): each was looked at.
for _language in ("en", "zh-Hans", "ko", "vi", "fil", "pt-BR", "ne", "id"):
    screenshot(f"customer-screen-{_language}.png")(_customer_in(_language))


@screenshot("intake-revocation.png")
def intake_revocation(scene: Scene) -> QWidget:
    from ui.intake.pages import RevocationPage  # noqa: PLC0415
    from ui.intake.wizard import IntakeWizard  # noqa: PLC0415

    window = _intake_at(scene, "revocation")
    wizard = window.screen_widget(INTAKE)
    assert isinstance(wizard, IntakeWizard)
    page = wizard.current_page()
    assert isinstance(page, RevocationPage)
    window.resize(*WINDOW_SIZE)  # lay the page out before scrolling it
    window.show()
    QApplication.processEvents()
    wizard.scroll_to(page.outcome)  # the last answers and the outcome they lead to
    return window


@screenshot("intake-seller.png")
def intake_seller(scene: Scene) -> QWidget:
    document = json.loads((ROOT / "tests" / "data" / "intake_example.json").read_text())
    document["seller"]["id_document"] = {"type": "my_number_card"}  # the number field is off
    return _intake_at(scene, "seller", document)


@screenshot("intake-device.png")
def intake_device(scene: Scene) -> QWidget:
    _commit_history_samples(scene.ctx)  # the first of them is this phone, seen before
    document = json.loads((ROOT / "tests" / "data" / "intake_example.json").read_text())
    document["device"]["imei"] = [_imei("35693803560000")]  # seen before: its receipt shows
    return _intake_at(scene, "device", document)


@screenshot("intake-refused.png")
def intake_refused(scene: Scene) -> QWidget:
    document = json.loads((ROOT / "tests" / "data" / "intake_example.json").read_text())
    document["revocation"]["performed_by"] = "staff"
    return _intake_at(scene, "review", document)


@screenshot("intake-committed.png")
def intake_committed(scene: Scene) -> QWidget:
    from ui.intake.wizard import IntakeWizard  # noqa: PLC0415

    window = _intake_at(scene, "review")
    window.services.settings.set(PRINTER_THERMAL, f"pdf:{scene.folder / 'printed'}")
    wizard = window.screen_widget(INTAKE)
    assert isinstance(wizard, IntakeWizard)
    wizard.commit()
    return window


@screenshot("dayclose.png")
def dayclose(scene: Scene) -> QWidget:
    from ui.dayclose_view import DayCloseView  # noqa: PLC0415 - only this picture needs it

    _commit_history_samples(scene.ctx)
    window = scene.main_window()
    window.lock_screen.code_edit.setText("M01")
    window.lock_screen.pin_edit.setText(MANAGER_PIN)
    window.lock_screen.unlock_button.click()
    view = window.show_screen("dayclose")
    assert isinstance(view, DayCloseView)
    view.folder_edit.setText(str(scene.folder / "exports"))
    (scene.folder / "exports").mkdir()
    view.close_now()
    return window


@contextmanager
def scene() -> Iterator[Scene]:
    with tempfile.TemporaryDirectory(prefix="revoke-desk-shots-") as folder:
        current = Scene(Path(folder))
        try:
            yield current
        finally:
            current.close()


def render(name: str, shot: Shot, app: QApplication) -> Path:
    with scene() as current:
        widget = shot(current)
        widget.show()
        app.processEvents()
        path = OUT / name
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        widget.close()
        widget.deleteLater()
        app.processEvents()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "names", nargs="*", help=f"pictures to make (default: all of {', '.join(SCREENSHOTS)})"
    )
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in SCREENSHOTS]
    if unknown:
        parser.error(f"unknown picture {', '.join(unknown)}")
    app = create_application()
    OUT.mkdir(parents=True, exist_ok=True)
    for name in args.names or list(SCREENSHOTS):
        print(render(name, SCREENSHOTS[name], app))
    return 0


if __name__ == "__main__":
    sys.exit(main())
