"""External systems — signing, tax cabinet, bank, ESF, eGov — each a real protocol client plus a local sandbox."""
