"""Reading a GIAS establishment extract and planning what it changes (O2). Qt-free."""
