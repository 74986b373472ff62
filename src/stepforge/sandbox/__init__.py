"""Running untrusted code, and nothing else: isolation backends behind one interface."""
