"""Test and benchmark helpers shipped with the package (a loopback OpenAI-protocol server)."""
