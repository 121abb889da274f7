"""The intake screens: the pages of desktop.intake_flow's steps, and the wizard that hosts them."""
