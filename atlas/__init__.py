"""The project's base layer: one settings object, one exception root, one CLI wrapper.

`extract/` and `geo/` (and the page) import from here; nothing here imports them.
"""
