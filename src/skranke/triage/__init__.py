"""Danish free text to ranked catalogue services. Pure Python: nothing here imports Django."""
