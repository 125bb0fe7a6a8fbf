"""Clerical review: the reviewer's sheet out and back, and precision/recall from labels."""
