"""Dock panels: one class per file, registered in ``registry``."""
