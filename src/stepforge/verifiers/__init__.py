"""Verifiers: pure judgement of candidates (math answers and steps, code against tests), with evidence."""
