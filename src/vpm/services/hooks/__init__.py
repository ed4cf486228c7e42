"""Entity hooks: the hand-written domain behaviour the generic write path calls."""
