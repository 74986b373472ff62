"""stepforge.generators.procedural.math."""
