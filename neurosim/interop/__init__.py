"""Bridges to other engines. :mod:`neurosim.interop.torch` converts to and from PyTorch.

Importing this package imports nothing else; each bridge imports its engine when first used.
"""
