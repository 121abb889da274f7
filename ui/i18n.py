"""Japanese first, English beside it: the GUI's language, through Qt's translation files.

Source strings are Japanese (``self.tr("店名")``); ``translations/revoke_desk_en.ts``
holds their English, compiled to ``revoke_desk_en.qm`` (refresh with
``pyside6-lupdate`` and ``pyside6-lrelease``, see docs/decisions.md).

With the LANGUAGE setting ``ja`` (the default) no translator is installed, and the
screens show each label's English in small type beneath or beside the Japanese: many
clerks and customers at a Japanese counter read English better, and the English comes
from the same catalogue, so there is one place to keep it.  With ``en`` the English
catalogue is installed and the screens show English only.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QObject, QTranslator

from ui import palette

TRANSLATIONS_DIR = Path(__file__).with_name("translations")
CATALOGUE = "revoke_desk"
LANGUAGES = ("ja", "en")
# Styles of the English line under a Japanese label; one place, so every screen matches.
SUBTITLE_STYLE = f"color:{palette.SUBTITLE}; font-size:80%;"
# Beneath an error the English keeps the error's colour: it is the same warning.
ERROR_SUBTITLE_STYLE = "font-size:85%;"

_english: QTranslator | None = None
_installed: QTranslator | None = None
_qt_japanese: QTranslator | None = None


def catalogue_path(language: str) -> Path:
    return TRANSLATIONS_DIR / f"{CATALOGUE}_{language}.qm"


def _english_catalogue() -> QTranslator | None:
    """The English catalogue, loaded once (used for the subtitles of the Japanese UI)."""
    global _english  # noqa: PLW0603 - a once-per-process cache of a file read
    if _english is None:
        translator = QTranslator()
        if not translator.load(str(catalogue_path("en"))):
            return None
        _english = translator
    return _english


def install_language(language: str) -> bool:
    """Install the catalogue of ``language`` ('en'); 'ja' is the source language.

    Returns whether the UI is now in English.  Call before any window is built:
    labels are translated when they are made.
    """
    global _installed  # noqa: PLW0603 - the app holds at most one translator
    app = QCoreApplication.instance()
    assert app is not None, "create the QApplication first"
    if _installed is not None:
        app.removeTranslator(_installed)
        _installed = None
    install_qt_japanese(language != "en")
    if language != "en":
        return False
    translator = _english_catalogue()
    if translator is None:
        return False
    app.installTranslator(translator)
    _installed = translator
    return True


def install_qt_japanese(on: bool = True) -> bool:
    """Qt's own texts in Japanese: the buttons of message boxes (はい / いいえ), the print
    dialog, the folder picker.  The catalogue ships with PySide6 (``qtbase_ja.qm``).

    Returns whether it is installed now (False also when the file is missing: Qt then
    speaks English, which is still usable).
    """
    global _qt_japanese  # noqa: PLW0603 - one per process, like the app's own catalogue
    app = QCoreApplication.instance()
    assert app is not None, "create the QApplication first"
    if not on:
        if _qt_japanese is not None:
            app.removeTranslator(_qt_japanese)
            _qt_japanese = None
        return False
    if _qt_japanese is None:
        translator = QTranslator()
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if not translator.load("qtbase_ja", folder):
            return False
        app.installTranslator(translator)
        _qt_japanese = translator
    return True


def in_english() -> bool:
    return _installed is not None


def english(context: QObject | str, text: str, **values: object) -> str:
    """The English of a Japanese UI text (already passed through ``tr``), or "".

    "" when the UI is in English already (``text`` is English then) or when the
    catalogue has no translation yet.  ``values`` fill ``{name}`` fields of the
    English text, as the caller fills them in the Japanese.
    """
    if in_english():
        return ""
    translator = _english_catalogue()
    if translator is None:
        return ""
    name = context if isinstance(context, str) else type(context).__name__
    translated = translator.translate(name, text)
    if not translated or translated == text:
        return ""
    return translated.format(**values) if values else translated


def _has_japanese(text: str) -> bool:
    return any("\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" for char in text)


def _filled(text: str, values: dict[str, object]) -> str:
    # Without values the text may itself be a template, to be filled later.
    return text.format(**values) if values else text


def bilingual(context: QObject | str, shown: str, en: str, **values: object) -> tuple[str, str]:
    """``(main text, English beneath)`` of a text whose Japanese went through ``tr()``.

    The one bilingual call of the screens (``both``/``stacked`` are for texts the
    catalogue always holds).  The English comes from Qt's catalogue once it has the
    text (``pyside6-lupdate``); ``en`` stands in until then, so no label is ever
    without its English.  With the UI in English ``tr()`` has already translated
    ``shown`` and there is no second line.  A text kept in both languages outside the
    catalogue passes the context ``""``.
    """
    if in_english():
        main = en if _has_japanese(shown) else shown
        return _filled(main, values), ""
    other = (english(context, shown) if context else "") or en
    main = _filled(shown, values)
    sub = _filled(other, values)
    return main, "" if sub == main else sub


def one_line(context: QObject | str, shown: str, en: str, **values: object) -> str:
    """``"検索 / Search"`` for buttons, check boxes and titles."""
    main, sub = bilingual(context, shown, en, **values)
    return f"{main} / {sub}" if sub else main


def two_lines(context: QObject | str, shown: str, en: str, **values: object) -> str:
    """Rich text: the Japanese, and its English beneath in smaller grey type."""
    return message_html(*bilingual(context, shown, en, **values))


def main_text(context: QObject | str, shown: str, en: str, **values: object) -> str:
    """Only the text in the UI's language (table cells have no room for two)."""
    return bilingual(context, shown, en, **values)[0]


def both(context: QObject | str, text: str, sep: str = " / ", **values: object) -> str:
    """``"保存 / Save"`` on one line (for buttons, titles and tabs)."""
    main = text.format(**values) if values else text
    other = english(context, text, **values)
    return f"{main}{sep}{other}" if other else main


def stacked(context: QObject | str, text: str, **values: object) -> str:
    """Rich text: the label, with its English beneath in smaller grey type."""
    main = text.format(**values) if values else text
    return message_html(main, english(context, text, **values))


def pair(context: QObject | str, text: str, **values: object) -> tuple[str, str]:
    """(Japanese, English) of a message the screens make themselves, for ``message``."""
    main = text.format(**values) if values else text
    return main, english(context, text, **values)


def message(ja: str, en: str) -> str:
    """A message a clerk reads: always both languages, Japanese first."""
    return ja if not en or en == ja else f"{ja}\n{en}"


def message_html(ja: str, en: str, style: str = SUBTITLE_STYLE) -> str:
    """Rich text of ``message``: the English beneath in smaller (by default grey) type."""
    main = html.escape(ja).replace("\n", "<br>")
    if not en or en == ja:
        return main
    return f"{main}<br><span style='{style}'>{html.escape(en)}</span>"
