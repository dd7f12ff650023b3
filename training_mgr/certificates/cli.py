def register(app):
    """This feature's commands are added here."""
