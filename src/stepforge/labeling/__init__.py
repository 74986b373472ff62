"""Labelling strategies: turn a verified candidate into per-step labels with evidence."""
