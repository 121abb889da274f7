"""Every colour of the screens, named by what it means, in one place.

The clerk's screens and the customer's screen have their own shades (the customer's
is calmer and larger), but each meaning has one colour: a problem is always the same
red, a focus frame the same blue, so a clerk learns them once.
"""

from __future__ import annotations

# --- the clerk's screens ---------------------------------------------------------------
PROBLEM = "#b00020"  # errors, refusals, a voided receipt
OK = "#1b6e20"  # checked, accepted, saved
WARNING_BACKGROUND = "#fff3cd"
WARNING_BORDER = "#c77700"
REFUSAL_BACKGROUND = "#fde7e9"
ACCEPT_BACKGROUND = "#e6f4ea"
INFO_BACKGROUND = "#e8f0fb"
FOCUS = "#1a5fb4"  # the focus frame, and the step the intake is on
SUBTITLE = "#505050"  # the English line under a Japanese label
MUTED = "#707070"  # steps not reached yet
FRAME = "#9a9a9a"  # boxes that group a few fields
KEY_CAP = "#dde3ea"  # a key's name shown as a key
TABLE_HEADING = "#e8eef7"
VOID_GREY = "#6b6b6b"  # the text of a voided row
REFUSED = "#8a4b00"  # a refused intake in the history

# --- the customer's screen and the signature pad ---------------------------------------
CUSTOMER_BACKGROUND = "#f4f6f9"
CUSTOMER_TEXT = "#1d2735"
CUSTOMER_TITLE = "#14213a"
CUSTOMER_QUIET = "#4f5d70"
CUSTOMER_CARD = "#ffffff"
CUSTOMER_CARD_EDGE = "#d3dbe6"
CUSTOMER_PROBLEM_TEXT = "#7a4300"
CUSTOMER_PROBLEM_BACKGROUND = "#fff3dc"
CUSTOMER_READY_TEXT = "#1f5c2e"
CUSTOMER_READY_BACKGROUND = "#e6f4e8"
CUSTOMER_BUTTON_EDGE = "#b8c3d1"
CUSTOMER_PRESSED = "#e4e9f0"
CUSTOMER_DISABLED_TEXT = "#a3adba"
CUSTOMER_DISABLED_EDGE = "#dde3ea"
CUSTOMER_CHOSEN = "#1f4f8f"
CUSTOMER_CONFIRM = "#1f6f43"
CUSTOMER_CONFIRM_PRESSED = "#195a37"
CUSTOMER_CONFIRM_DISABLED = "#c9d1db"
CUSTOMER_CONFIRM_DISABLED_TEXT = "#6b7787"
INK = "#1b2a4a"
PAPER = "#ffffff"
PAD_EDGE = "#9aa7b8"
PAD_GUIDE = "#c9d2de"
PAD_HINT = "#a3adba"

# --- styles built from them --------------------------------------------------------------
# The focus frame of every answer group and check box: a property, not an object name,
# for the pages name their widgets after their fields (that had erased the frame).
FOCUS_STYLE = f"""
QFrame[answers="true"] {{ border: 2px solid transparent; border-radius: 4px; }}
QFrame[answers="true"]:focus {{ border: 2px solid {FOCUS}; }}
QCheckBox {{ border: 2px solid transparent; border-radius: 4px; padding: 2px 4px; }}
QCheckBox:focus {{ border: 2px solid {FOCUS}; }}
"""
