"""Operating a deployment: ``check-deploy``, ``backup`` and ``restore`` (entry-point level: it may import every
feature)."""
