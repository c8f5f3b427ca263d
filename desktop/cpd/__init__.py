"""The Partnership CPD workbench's widgets and dialogs (the dock itself is desktop/panels/partnership_cpd.py)."""
