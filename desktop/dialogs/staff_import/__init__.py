"""People › Import staff…: choose a file, map its columns, see what each row will do, then import."""
