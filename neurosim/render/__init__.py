"""Renderers: turn a network or a step's events into text, Markdown, HTML or plots.

Only this package and :mod:`neurosim.cli` print or write files.
"""
