"""Every write to the registry. Views, the import and commands call these."""
