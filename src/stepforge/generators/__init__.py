"""Generators propose candidates (task, steps, final answer or code); they never label."""
