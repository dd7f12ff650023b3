"""Demo and synthetic data, loaded by the ``seed-demo`` and ``seed-synthetic`` commands (entry-point level: it may
import every feature)."""
