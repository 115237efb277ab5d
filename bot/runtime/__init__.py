"""Process-level helpers of the running product (logging without secrets); imports nothing heavy."""
