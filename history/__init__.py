"""Change history of every record and the log of who saw personal data in full."""
