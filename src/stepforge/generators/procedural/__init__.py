"""stepforge.generators.procedural."""
